"""A sub-branch's line of the monthly bulletin, as prepared (and, once the
bulletin is published, as published: a contest decided later changes the
ledger, not the bulletin)."""
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from .constants import CONTEST_STATES


class AuditBulletinLine(models.Model):
    _name = "audit.bulletin.line"
    _inherit = ["call.transition.mixin"]
    _description = "Monthly Audit Bulletin Line"
    _order = "bulletin_id, rank, branch_code, id"
    _rec_name = "branch_id"

    bulletin_id = fields.Many2one("audit.bulletin", required=True, readonly=True, index=True, ondelete="cascade")
    period = fields.Date(related="bulletin_id.period", string="Month")
    state = fields.Selection(related="bulletin_id.state", string="Bulletin Status")
    branch_id = fields.Many2one("bank.branch", string="Sub-branch", required=True, readonly=True,
                                ondelete="restrict", index=True)
    branch_code = fields.Char(string="Code", readonly=True)
    branch_name = fields.Char(string="Sub-branch Name", readonly=True,
                              help="The sub-branch's name when the bulletin was prepared.")
    rank = fields.Integer(
        readonly=True, aggregator=None,
        help="By total fine, the highest first; equal totals share a rank (1, 2, 2, 4).",
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    shortfall_days = fields.Integer(string="Days Short", readonly=True)
    missing_calls = fields.Integer(readonly=True)
    shortfall_fine = fields.Monetary(readonly=True)
    shortfall_contest = fields.Selection(CONTEST_STATES, readonly=True)
    sampled_date = fields.Date(string="Sampled Day", readonly=True)
    verified = fields.Integer(readonly=True)
    falsified = fields.Integer(readonly=True)
    unreachable = fields.Integer(readonly=True)
    falsification_fine = fields.Monetary(readonly=True)
    falsification_contest = fields.Selection(CONTEST_STATES, readonly=True)
    total = fields.Monetary(readonly=True)
    remarks = fields.Char(compute="_compute_remarks")

    _sql_constraints = [
        ("bulletin_branch_uniq", "unique(bulletin_id, branch_id)", "A bulletin has one line per sub-branch."),
    ]

    @api.depends("shortfall_contest", "falsification_contest")
    def _compute_remarks(self):
        for line in self:
            line.remarks = "; ".join(line._remark_list())

    def _remark_list(self):
        """The contests behind the fines, as the bulletin prints them."""
        self.ensure_one()
        texts = {
            "contested": self.env._("%(fine)s contested, decision pending"),
            "upheld": self.env._("%(fine)s upheld on contest"),
            "cancelled": self.env._("%(fine)s cancelled on contest: nothing due"),
        }
        fines = (
            (self.shortfall_contest, self.env._("Shortfall fine")),
            (self.falsification_contest, self.env._("Falsification fine")),
        )
        return [texts[state] % {"fine": fine} for state, fine in fines if state in texts]

    def _summary(self):
        """The line in words, for the sub-branch's post."""
        self.ensure_one()
        money = self.bulletin_id._money
        texts = [self.env._(
            "Call shortfall: %(days)s working day(s) short, %(calls)s call(s) missing: %(fine)s.",
            days=self.shortfall_days, calls=self.missing_calls, fine=money(self.shortfall_fine),
        )]
        if self.sampled_date:
            texts.append(self.env._(
                "Audited day %(day)s: %(verified)s verified, %(falsified)s falsified, %(unreachable)s unreachable "
                "customer(s): %(fine)s.",
                day=format_date(self.env, self.sampled_date), verified=self.verified, falsified=self.falsified,
                unreachable=self.unreachable, fine=money(self.falsification_fine),
            ))
        else:
            texts.append(self.env._("No day audited this month (no call sheet)."))
        texts.extend(self._remark_list())
        texts.append(self.env._("Total: %(total)s.", total=money(self.total)))
        return texts

    # ------------------------------------------------------------------
    # Written by the bulletin only
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if not self._is_transition():
            raise UserError(self.env._("The lines of a bulletin are prepared from the month's penalties and samples."))
        return super().create(vals_list)

    def write(self, vals):
        if not self._is_transition():
            raise UserError(self.env._("The lines of a bulletin are prepared from the month's penalties and samples."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_published(self):
        if not self._is_transition():
            raise UserError(self.env._("The lines of a bulletin are prepared from the month's penalties and samples."))
        published = self.filtered(lambda line: line.bulletin_id.state != "draft")
        if published:
            raise UserError(self.env._("A published bulletin stays as it was published."))
