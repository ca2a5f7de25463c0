"""The phone-marketing handbook's scripts (《电话营销手册》 话术): the standard
wording per situation, practised at the morning meeting, and which of them fit
a given customer today."""
import datetime

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.star_tiering.models.star_tier_policy_line import TIERS

from .constants import (
    ALWAYS_SUGGESTED_SITUATIONS,
    LONG_SILENCE_DAYS,
    MATURITY_DAYS,
    SCRIPT_SITUATIONS,
    VIP_TIERS,
    VIP_UPGRADE_DAYS,
)


class CallScript(models.Model):
    _name = "call.script"
    _description = "Phone Marketing Script"
    _order = "sequence, id"

    name = fields.Char(string="Title", required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    situation = fields.Selection(
        SCRIPT_SITUATIONS, required=True, index=True,
        help="When the script is used; the call and the customer forms offer the scripts of "
        "the situations that fit the customer today.",
    )
    min_tier = fields.Selection(
        TIERS, string="From Tier", help="Lowest star tier the script suits; empty: from the lowest.",
    )
    max_tier = fields.Selection(
        TIERS, string="Up to Tier", help="Highest star tier the script suits; empty: up to the highest.",
    )
    tier_range = fields.Char(string="Tiers", compute="_compute_tier_range")
    body = fields.Text(string="Script", required=True, translate=True)

    @api.depends("min_tier", "max_tier")
    def _compute_tier_range(self):
        for script in self:
            low, high = script.min_tier or "1", script.max_tier or "5"
            if (low, high) == ("1", "5"):
                script.tier_range = self.env._("All tiers")
            elif low == high:
                script.tier_range = f"{low}★"
            else:
                script.tier_range = f"{low}★–{high}★"

    @api.constrains("min_tier", "max_tier")
    def _check_tiers(self):
        for script in self:
            if script.min_tier and script.max_tier and script.min_tier > script.max_tier:
                raise ValidationError(self.env._(
                    "%(script)s: the lowest tier it suits (%(min)s★) is above the highest (%(max)s★).",
                    script=script.name, min=script.min_tier, max=script.max_tier,
                ))

    def _suits_tier(self, tier):
        """Does the script suit a customer of ``tier`` ("0" to "5"; "0": not
        tiered yet, suited by the scripts with no lowest tier)."""
        self.ensure_one()
        tier = int(tier or 0)
        return int(self.min_tier or 0) <= tier <= int(self.max_tier or 5)

    # ------------------------------------------------------------------
    # Which situations fit a customer today
    # ------------------------------------------------------------------
    @api.model
    def _partner_has_maturing_product(self, partner, day):
        """A time deposit or wealth product of ``partner`` matures within
        MATURITY_DAYS of ``day``. The holdings from the core-banking feed
        answer it once they exist, by providing
        ``res.partner._call_has_maturing_product(day, days)``; until then no
        customer has one."""
        if not hasattr(partner, "_call_has_maturing_product"):
            return False
        return bool(partner._call_has_maturing_product(day, MATURITY_DAYS))

    @api.model
    def _partner_just_upgraded(self, partner, day):
        """The customer's latest change of tier raised them to 4★ or 5★ no more
        than VIP_UPGRADE_DAYS before ``day`` (达到VIP级别: offer the gold card).
        An owner reassignment is not a change of tier; a later downgrade
        cancels the upgrade."""
        # _origin: the customer's form computes the scripts on a copy being edited
        last = self.env["star.tier.history"].sudo().search(
            [("partner_id", "=", partner._origin.id), ("reason", "!=", "reassigned")],
            order="date desc, id desc", limit=1,
        )
        return bool(
            last
            and last.date >= day - datetime.timedelta(days=VIP_UPGRADE_DAYS)
            and last.new_tier in VIP_TIERS
            and int(last.new_tier) > int(last.old_tier or 0)
        )

    @api.model
    def _partner_long_silent(self, partner, day):
        """Never contacted, or last contacted more than LONG_SILENCE_DAYS before ``day``."""
        last = partner.last_contact_date
        return not last or last < day - datetime.timedelta(days=LONG_SILENCE_DAYS)

    @api.model
    def _suggest_situations(self, partner, day=None):
        """The situations that fit ``partner`` on ``day`` (the bank's today by
        default), the most specific first."""
        if not partner.branch_id:
            return []
        day = day or self.env["bank.branch"]._bank_today()
        situations = []
        if self._partner_has_maturing_product(partner, day):
            situations.append("maturity")
        if self._partner_just_upgraded(partner, day):
            situations.append("vip_upgrade")
        if self._partner_long_silent(partner, day):
            situations.append("long_silence")
        return situations + list(ALWAYS_SUGGESTED_SITUATIONS)

    @api.model
    def _suggest_for_partner(self, partner, day=None):
        """The active scripts that fit ``partner`` now: their situation fits
        the customer (a product maturing, just upgraded to 4★ or 5★, no
        contact for a long time; appointment and care always) and their tiers
        include the customer's. Most specific situation first."""
        # sudo: the tier history and the contact dates of a customer the user
        # is calling, whatever part of them the user's groups read
        partner = partner.sudo()
        situations = self._suggest_situations(partner, day)
        if not situations:
            return self.browse()
        rank = {situation: index for index, situation in enumerate(situations)}
        scripts = self.search([("situation", "in", situations)]).filtered(
            lambda script: script._suits_tier(partner.star_tier)
        )
        return scripts.sorted(lambda script: (rank[script.situation], script.sequence, script.id))
