import secrets

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..models.draw import period_key


class AuditSamplingWizard(models.TransientModel):
    _name = "audit.sampling.wizard"
    _description = "Monthly Audit Draw"

    month = fields.Date(
        required=True, default=lambda self: self._default_month(),
        help="Any day of the month to audit; the month must be over.",
    )
    branch_ids = fields.Many2many(
        "bank.branch", string="Sub-branches", domain="[('branch_type', '=', 'sub_branch')]",
        help="Leave empty to draw every sub-branch not drawn yet this month.",
    )
    seed = fields.Char(
        help="The seed committed for the month (its SHA-256 was published before the month ended). Leave empty when "
        "no seed was committed: the system then generates one at random.",
    )
    commitment_hash = fields.Char(string="Committed SHA-256", compute="_compute_commitment_hash")

    @api.model
    def _default_month(self):
        return self.env["audit.penalty"]._previous_month()

    @api.depends("month")
    def _compute_commitment_hash(self):
        Commitment = self.env["audit.seed.commitment"]
        for wizard in self:
            commitment = Commitment._for_period(wizard.month.replace(day=1)) if wizard.month else Commitment
            wizard.commitment_hash = commitment.seed_hash or False

    def _prepare_draw(self):
        """Check everything before anything is written: (sub-branches to
        draw, first, last, seed, commitment, their populations)."""
        self.ensure_one()
        Sample = self.env["audit.sample"]
        Sample._check_auditor()
        Penalty = self.env["audit.penalty"]
        first, last = Penalty._check_month_over(self.month)
        branches = Penalty._audit_sub_branches(self.branch_ids)
        seed = (self.seed or "").strip()
        commitment = self.env["audit.seed.commitment"]._for_period(first)
        if commitment:
            commitment._check_seed(seed)
        elif seed:
            raise ValidationError(self.env._(
                "No seed was committed for %(month)s: a seed chosen at the draw could be chosen to favour a day. "
                "Leave the seed empty and the system generates one at random.",
                month=period_key(first),
            ))
        else:
            seed = secrets.token_hex(16)
        drawn = Sample.sudo().search([("period", "=", first), ("branch_id", "in", branches.ids)]).branch_id
        if drawn and self.branch_ids:
            raise UserError(self.env._(
                "%(branches)s: already drawn for %(month)s; a sub-branch is drawn once a month.",
                branches=", ".join(drawn.mapped("display_name")), month=period_key(first),
            ))
        branches -= drawn
        populations = Sample._populations(branches, first, last)
        empty = branches.filtered(lambda branch: not populations.get(branch.id))
        if empty and self.branch_ids:
            raise UserError(self.env._(
                "%(branches)s: no call sheet in %(month)s, there is no day to draw (the shortfall check counts "
                "the whole month as missing).",
                branches=", ".join(empty.mapped("display_name")), month=period_key(first),
            ))
        branches -= empty
        if not branches:
            if drawn:
                raise UserError(self.env._(
                    "Every sub-branch with call sheets in %(month)s is already drawn.", month=period_key(first),
                ))
            raise UserError(self.env._(
                "No sub-branch has a call sheet in %(month)s: there is no day to draw.", month=period_key(first),
            ))
        return branches, first, last, seed, commitment, populations

    def action_draw(self):
        """Draw the month's day of each sub-branch and open the samples."""
        branches, first, last, seed, commitment, populations = self._prepare_draw()
        samples = self.env["audit.sample"]._draw(branches, first, last, seed, commitment, populations)
        commitment._reveal(seed)
        action = self.env["ir.actions.act_window"]._for_xml_id("audit_penalty.action_audit_sample")
        action["domain"] = [("id", "in", samples.ids)]
        action["context"] = {}
        return action
