from odoo import models


class CallSheet(models.Model):
    _inherit = "call.sheet"

    def action_reopen(self, reason):
        """A sheet being audited is not reopened: its calls are the sample's evidence."""
        self.env["audit.sample"]._check_sheets_not_sampled(self)
        return super().action_reopen(reason)
