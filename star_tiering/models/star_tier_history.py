from odoo import fields, models

from .star_tier_policy_line import TIERS

TIER_CHOICES = [("0", "Not tiered")] + TIERS


class StarTierHistory(models.Model):
    _name = "star.tier.history"
    _description = "Star Tier Change"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade", readonly=True
    )
    branch_id = fields.Many2one("bank.branch", index=True, readonly=True)
    date = fields.Date(required=True, readonly=True, index=True)
    old_tier = fields.Selection(TIER_CHOICES, readonly=True)
    new_tier = fields.Selection(TIER_CHOICES, required=True, readonly=True)
    currency_id = fields.Many2one("res.currency", default=lambda self: self.env.ref("base.CNY"), readonly=True)
    aum = fields.Monetary(string="AUM", readonly=True, groups="star_tiering.group_bank_user")
    reason = fields.Selection(
        [("nightly", "Nightly tiering"), ("manual", "Re-tiered on demand")],
        required=True,
        readonly=True,
    )
