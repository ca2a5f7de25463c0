
from odoo import api, fields, models

from ..models.draw import period_key


class AuditShortfallWizard(models.TransientModel):
    _name = "audit.shortfall.wizard"
    _description = "Monthly Shortfall Check"

    month = fields.Date(
        required=True, default=lambda self: self._default_month(),
        help="Any day of the month to check; the month must be over.",
    )
    branch_ids = fields.Many2many(
        "bank.branch", string="Sub-branches", domain="[('branch_type', '=', 'sub_branch')]",
        help="Leave empty to check every sub-branch.",
    )

    @api.model
    def _default_month(self):
        """The previous month of the bank: the one due for its check."""
        return self.env["audit.penalty"]._previous_month()

    def action_compute(self):
        """Create or replace the month's draft shortfall penalties and show them."""
        self.ensure_one()
        penalties = self.env["audit.penalty"]._compute_shortfall_penalties(self.month, self.branch_ids)
        action = self.env["ir.actions.act_window"]._for_xml_id("audit_penalty.action_audit_penalty")
        first = self.month.replace(day=1)
        action["domain"] = [("kind", "=", "shortfall"), ("period", "=", fields.Date.to_string(first))]
        action["context"] = {}
        if not penalties:
            action["help"] = self.env._("No sub-branch fell short of its quota in %(month)s.",
                                        month=period_key(first))
        return action
