"""The classification ledger (客户分类管理台账) as a reporting model.

A read-only SQL view with one row per active bank customer, the way Odoo's own
analysis reports are built (``sale.report``): the pivot and graph then offer the
bank's two measures, customers and AUM, instead of every number ``res.partner``
happens to carry (bounce counts, colour indexes, geo coordinates).
"""
from odoo import fields, models
from odoo.tools import SQL, drop_view_if_exists

from .star_tier_history import TIER_CHOICES


class StarTierLedger(models.Model):
    _name = "star.tier.ledger"
    _description = "Customer Classification Ledger"
    _auto = False
    _rec_name = "partner_id"
    _order = "branch_id, star_tier desc, customer_number, id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    customer_number = fields.Char(readonly=True)
    branch_id = fields.Many2one("bank.branch", readonly=True)
    star_tier = fields.Selection(TIER_CHOICES, readonly=True)
    tier_owner_id = fields.Many2one("res.users", readonly=True)
    tier_secondary_owner_id = fields.Many2one("res.users", string="Secondary Owner", readonly=True)
    # the two measures of the ledger; every other column is a dimension
    customer_count = fields.Integer(string="Customers", readonly=True, aggregator="sum")
    currency_id = fields.Many2one("res.currency", readonly=True)
    aum_daily_avg = fields.Monetary(
        string="AUM", readonly=True, aggregator="sum", currency_field="currency_id",
        help="Annual average daily financial assets (年日均金融资产), in CNY.",
    )
    aum_date = fields.Date(string="AUM As Of", readonly=True)
    star_tier_date = fields.Date(string="Tier Since", readonly=True)
    last_contact_date = fields.Date(string="Last Contact", readonly=True)
    next_contact_date = fields.Date(string="Next Contact", readonly=True)

    def _query(self):
        # AUM is in CNY by definition (DOMAIN.md), as res.partner's aum_currency_id says
        return SQL(
            """
            SELECT p.id AS id,
                   p.id AS partner_id,
                   p.customer_number AS customer_number,
                   p.branch_id AS branch_id,
                   p.star_tier AS star_tier,
                   p.tier_owner_id AS tier_owner_id,
                   p.tier_secondary_owner_id AS tier_secondary_owner_id,
                   1 AS customer_count,
                   COALESCE(p.aum_daily_avg, 0) AS aum_daily_avg,
                   cny.id AS currency_id,
                   p.aum_date AS aum_date,
                   p.star_tier_date AS star_tier_date,
                   p.last_contact_date AS last_contact_date,
                   p.next_contact_date AS next_contact_date
              FROM res_partner p
         LEFT JOIN res_currency cny ON cny.name = 'CNY'
             WHERE p.branch_id IS NOT NULL
               AND p.active
            """
        )

    def init(self):
        drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )
