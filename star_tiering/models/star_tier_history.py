from odoo import fields, models

from .star_tier_policy_line import TIERS

TIER_CHOICES = [("0", "Not tiered"), *TIERS]


class StarTierHistory(models.Model):
    _name = "star.tier.history"
    _description = "Star Tier Change"
    _order = "date desc, id desc"
    _rec_name = "partner_id"
    # An append-only log written by the nightly run in bulk: ``date`` says
    # when, ``reason`` why and ``user_id`` who asked for an on-demand run;
    # create/write stamps would only repeat that, with two foreign keys
    # checked per row (a million rows on the go-live night).
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade", readonly=True
    )
    # the customer's branch, not the one at the time: who may read a
    # customer's history (and AUM) follows the customer when they move
    branch_id = fields.Many2one(related="partner_id.branch_id", string="Branch")
    date = fields.Date(required=True, readonly=True, index=True)
    old_tier = fields.Selection(TIER_CHOICES, readonly=True)
    new_tier = fields.Selection(TIER_CHOICES, required=True, readonly=True)
    # AUM is in CNY by definition (DOMAIN.md): the customer's constant, not a
    # stored column whose foreign key would be checked on every history row
    currency_id = fields.Many2one(related="partner_id.aum_currency_id")
    aum = fields.Monetary(string="AUM", readonly=True, groups="star_tiering.group_bank_user")
    user_id = fields.Many2one(
        "res.users", string="Re-tiered by", readonly=True, ondelete="set null",
        help="Who re-tiered the customer on demand; empty for the nightly run.",
    )
    old_owner_id = fields.Many2one("res.users", string="Previous Owner", readonly=True, ondelete="set null")
    new_owner_id = fields.Many2one(
        "res.users", readonly=True, ondelete="set null",
        help="Set when a branch manager reassigned the customer to another owner.",
    )
    reason = fields.Selection(
        [("nightly", "Nightly tiering"), ("manual", "Re-tiered on demand"), ("reassigned", "Owner reassigned")],
        required=True,
        readonly=True,
    )
