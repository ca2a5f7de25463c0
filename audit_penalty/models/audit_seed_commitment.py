"""The audit department's commitment to the seed of a month's draw, published
to every branch before the month ends: the SHA-256 of a seed only the
auditors know. At the draw they reveal the seed; a seed whose hash differs is
refused, so the day of each branch was fixed before anyone could see how the
month went."""
import re

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from . import draw
from .audit_penalty import month_bounds
from .constants import CHATTER_FIELD_PREFIXES, GROUP_AUDIT, GROUP_HEAD_OFFICE

SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")

COMMITMENT_STATES = [
    ("committed", "Committed"),
    ("revealed", "Revealed"),
    ("withdrawn", "Withdrawn"),
]




class AuditSeedCommitment(models.Model):
    _name = "audit.seed.commitment"
    _description = "Audit Seed Commitment"
    _inherit = ["mail.thread", "call.transition.mixin"]
    _order = "period desc"
    _rec_name = "name"

    name = fields.Char(compute="_compute_name", store=True)
    period = fields.Date(string="Month", required=True, index=True,
                         help="The month whose draw the seed is for (any day of it).")
    seed_hash = fields.Char(
        string="Seed SHA-256", required=True,
        help="SHA-256 of the seed in hexadecimal (64 characters), computed by the auditors away from the system, "
        "e.g. python3 tests/audit_draw.py commit SEED. The seed itself stays secret until the draw.",
    )
    state = fields.Selection(COMMITMENT_STATES, default="committed", required=True, readonly=True, tracking=True)
    committed_by_id = fields.Many2one("res.users", string="Committed by", readonly=True,
                                      default=lambda self: self.env.user)
    committed_date = fields.Datetime(string="Committed on", readonly=True, default=fields.Datetime.now)
    # the seed, with a branch's own days, gives that branch's sampled day: it
    # is the auditors' (audit, HR, head office), never the branches'
    revealed_seed = fields.Char(string="Seed", readonly=True, copy=False, groups="star_tiering.group_bank_auditor",
                                help="The seed, revealed at the month's draw.")
    revealed_date = fields.Datetime(string="Revealed on", readonly=True, copy=False)
    withdraw_reason = fields.Text(string="Reason Withdrawn", readonly=True, copy=False)
    sample_ids = fields.One2many("audit.sample", "commitment_id", string="Samples", readonly=True)

    def init(self):
        # a month has one commitment in force; a withdrawn one stays beside it
        self.env.cr.execute(SQL(
            "CREATE UNIQUE INDEX IF NOT EXISTS audit_seed_commitment_period_uniq "
            "ON audit_seed_commitment (period) WHERE state != 'withdrawn'"
        ))

    @api.depends("period")
    def _compute_name(self):
        for commitment in self:
            commitment.name = draw.period_key(commitment.period) if commitment.period else False

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and not self.env.user.has_group(GROUP_AUDIT):
            raise AccessError(self.env._("Only the Audit Department commits to the seed of a month's draw."))
        today = self.env["bank.branch"]._bank_today()
        for vals in vals_list:
            if not vals.get("period"):
                raise ValidationError(self.env._("Choose the month the seed is for."))
            first, last = month_bounds(fields.Date.to_date(vals["period"]))
            if last < today:
                raise ValidationError(self.env._(
                    "%(month)s is over: a seed is committed before the month ends, so that nobody picks it "
                    "knowing the month's sheets.", month=draw.period_key(first),
                ))
            vals["period"] = first
            if self._for_period(first):
                raise ValidationError(self.env._(
                    "A seed is already committed for %(month)s.", month=draw.period_key(first),
                ))
            vals["seed_hash"] = (vals.get("seed_hash") or "").strip().lower()
            if not SHA256_HEX.match(vals["seed_hash"]):
                raise ValidationError(self.env._(
                    "The commitment is the SHA-256 of the seed: 64 hexadecimal characters."))
            for name in ("state", "revealed_seed", "revealed_date", "withdraw_reason"):
                vals.pop(name, None)
            vals.update({"committed_by_id": self.env.uid, "committed_date": fields.Datetime.now()})
        commitments = super().create(vals_list)
        for commitment in commitments:
            commitment.sudo().message_post(body=Markup("<p>%s</p>") % self.env._(
                "%(user)s committed to the seed of %(month)s: SHA-256 %(hash)s. The seed is revealed at the draw "
                "and checked against it.",
                user=self.env.user.name, month=draw.period_key(commitment.period), hash=commitment.seed_hash,
            ))
        return commitments

    def write(self, vals):
        names = {name for name in vals if not name.startswith(CHATTER_FIELD_PREFIXES)}
        if names and not self._is_transition():
            self.check_access("write")
            raise UserError(self.env._("A seed commitment is published as it is: it is never changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("A seed commitment is never deleted; head office may withdraw it, for a reason."))

    @api.model
    def _for_period(self, first):
        return self.sudo().search([("period", "=", first), ("state", "!=", "withdrawn")], limit=1)

    def _check_seed(self, seed):
        """Refuse a seed that does not match this commitment."""
        self.ensure_one()
        if not seed:
            raise ValidationError(self.env._(
                "A seed was committed for %(month)s: reveal it to draw the month.",
                month=draw.period_key(self.period),
            ))
        if draw.seed_hash(seed) != self.seed_hash:
            raise ValidationError(self.env._(
                "This seed does not match the commitment of %(month)s (SHA-256 %(hash)s): the draw is refused.",
                month=draw.period_key(self.period), hash=self.seed_hash,
            ))

    def _reveal(self, seed):
        to_reveal = self.filtered(lambda commitment: commitment.state == "committed")
        to_reveal._transition_write({"state": "revealed", "revealed_seed": seed,
                                     "revealed_date": fields.Datetime.now()})
        for commitment in to_reveal.sudo():
            commitment.message_post(body=Markup("<p>%s</p>") % self.env._(
                "Seed revealed at the draw by %(user)s: it matches the commitment. The Audit Department, HR and "
                "head office read it on the commitment and on each sample.", user=self.env.user.name,
            ))

    def action_withdraw(self, reason):
        """Head office withdraws a commitment whose seed is lost, for a
        recorded reason; the month is then drawn from a seed the system
        generates. A revealed seed stays."""
        if not self.env.su and not self.env.user.has_group(GROUP_HEAD_OFFICE):
            raise AccessError(self.env._("Only head office withdraws a seed commitment."))
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Give the reason for withdrawing the commitment."))
        for commitment in self:
            if commitment.state != "committed":
                raise UserError(self.env._("Only a commitment whose seed was not revealed yet can be withdrawn."))
        self._transition_write({"state": "withdrawn", "withdraw_reason": reason})
        for commitment in self.sudo():
            commitment.message_post(body=Markup("<p>%s</p>") % self.env._(
                "Withdrawn by %(user)s: %(reason)s", user=self.env.user.name, reason=reason,
            ))
        return True

    def action_open_withdraw_wizard(self):
        """Head office's button: the reason is asked in a small wizard."""
        self.ensure_one()
        if not self.env.su and not self.env.user.has_group(GROUP_HEAD_OFFICE):
            raise AccessError(self.env._("Only head office withdraws a seed commitment."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Withdraw the Commitment"),
            "res_model": "audit.seed.commitment.withdraw",
            "view_mode": "form",
            "target": "new",
            "context": {"default_commitment_id": self.id},
        }
