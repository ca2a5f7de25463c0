from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .star_tier_history import TIER_CHOICES


class ResPartner(models.Model):
    _inherit = "res.partner"

    branch_id = fields.Many2one(
        "bank.branch", string="Bank Branch", index=True, tracking=True,
        help="Branch that holds the customer; staff see their own branch's customers only.",
    )
    # no index=True: the unique constraint below already indexes it
    customer_number = fields.Char(
        string="Customer Number", copy=False,
        help="Customer number in the core banking system (key of the AUM feed).",
    )
    aum_currency_id = fields.Many2one("res.currency", compute="_compute_aum_currency_id")
    aum_daily_avg = fields.Monetary(
        string="Annual Avg. Daily Assets",
        currency_field="aum_currency_id",
        groups="star_tiering.group_bank_user",
        help="Annual average daily financial assets (AUM) in CNY, from the core banking feed.",
    )
    aum_date = fields.Date(string="AUM As Of", groups="star_tiering.group_bank_user", readonly=True)
    has_business = fields.Boolean(
        string="Has Business", groups="star_tiering.group_bank_user",
        help="The core banking feed reports an account or a product held with the bank.",
    )
    tier_aum = fields.Monetary(
        string="AUM at Last Tiering",
        currency_field="aum_currency_id",
        groups="star_tiering.group_bank_user",
        readonly=True, copy=False,
        help="AUM seen by the previous tiering run; a change of 200,000 or more since "
        "then is reported to the branch president.",
    )
    # None of the columns the nightly run writes (tier, owners, dates, tier
    # AUM) is indexed: a night's updates then stay on their page without
    # touching res.partner's dozen indexes (heap-only tuples), several times
    # cheaper. Staff queries go through branch_id's index (the record rules),
    # a tier has a fifth of the customers and "due" most of them.
    star_tier = fields.Selection(
        TIER_CHOICES, string="Star Tier", default="0", required=True,
        readonly=True, copy=False, tracking=True,
    )
    star_tier_date = fields.Date(string="Tier Since", readonly=True, copy=False)
    tier_owner_id = fields.Many2one(
        "res.users", string="Tier Owner", tracking=True, copy=False,
        domain="[('share', '=', False)]",
    )
    tier_secondary_owner_id = fields.Many2one(
        "res.users", string="Secondary Owner", tracking=True, copy=False,
        domain="[('share', '=', False)]",
    )
    last_contact_date = fields.Date(string="Last Contact", tracking=True, copy=False)
    next_contact_date = fields.Date(
        string="Next Contact", readonly=True, copy=False,
        help="Last contact plus the tier's contact cadence; a customer never contacted "
        "is due from the day they were tiered.",
    )
    tier_aim = fields.Text(string="Tier Aim", compute="_compute_tier_guidance")
    tier_means = fields.Text(string="Marketing Means", compute="_compute_tier_guidance")
    star_tier_history_ids = fields.One2many("star.tier.history", "partner_id", string="Tier History")

    _sql_constraints = [
        ("customer_number_uniq", "unique(customer_number)", "A customer number identifies one customer."),
        ("aum_daily_avg_positive", "CHECK(aum_daily_avg >= 0)", "Financial assets cannot be negative."),
    ]

    def _compute_aum_currency_id(self):
        self.aum_currency_id = self.env.ref("base.CNY")

    @api.depends("star_tier", "branch_id")
    def _compute_tier_guidance(self):
        policies = self.branch_id._get_tier_policy()
        for partner in self:
            line = policies.get(partner.branch_id.id, {}).get(partner.star_tier)
            partner.tier_aim = line.aim if line else False
            partner.tier_means = line.means if line else False

    def write(self, vals):
        res = super().write(vals)
        if "last_contact_date" in vals:
            # the cadence rule lives in one SQL method shared with the nightly run
            self.sudo()._sql_refresh_next_contact_date(partner_ids=self.ids)
        return res

    def action_star_tiering(self):
        """Re-tier the selected customers now (list action)."""
        customers = self.filtered("branch_id")
        if not customers:
            raise UserError(_("Select customers that belong to a bank branch."))
        customers.check_access("write")
        self.env["res.partner"].sudo()._star_tiering_run_manual(customers.branch_id, partner_ids=customers.ids)
        return self._star_tiering_notification(_("%(count)s customer(s) re-tiered.", count=len(customers)))

    @api.model
    def _star_tiering_notification(self, message):
        """The on-demand re-tier actions end with a success toast and a reload."""
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": message,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_log_contact(self):
        """The owner reached the customer today: the maintenance to-do is done."""
        today = fields.Date.context_today(self)
        self.write({"last_contact_date": today})
        types = self.env["mail.activity"]._star_tiering_activity_types()
        activities = self.env["mail.activity"].search([
            ("res_model", "=", "res.partner"),
            ("res_id", "in", self.ids),
            ("activity_type_id", "in", types.ids),
        ])
        activities.action_feedback(feedback=_("Customer contacted."))
        return True
