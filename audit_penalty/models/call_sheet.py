from odoo import models


class CallSheet(models.Model):
    _inherit = "call.sheet"

    def action_reopen(self, reason):
        """A sheet being audited is not reopened: its calls are the sample's evidence."""
        if not self.env.user.has_group("star_tiering.group_bank_head_office"):
            # refused by call_tracking, before the lock's message names an audited day
            return super().action_reopen(reason)
        self.env["audit.sample"]._check_sheets_not_sampled(self)
        return super().action_reopen(reason)
