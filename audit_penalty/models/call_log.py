from odoo import api, models


class CallLog(models.Model):
    _inherit = "call.log"

    # The audited day is frozen while the Audit Department verifies it: no call
    # is added to, changed on or deleted from the sampled sheet (nor moved
    # onto it) until the sample is confirmed, by anyone.

    @api.model_create_multi
    def create(self, vals_list):
        calls = super().create(vals_list)
        self.env["audit.sample"]._check_sheets_not_sampled(calls.sudo().sheet_id)
        return calls

    def write(self, vals):
        # the user's access first: the lock's message names the audited branch and day
        self.check_access("write")
        self.env["audit.sample"]._check_sheets_not_sampled(self.sudo().sheet_id)
        res = super().write(vals)
        if {"partner_id", "user_id", "call_start"} & set(vals):
            self.env["audit.sample"]._check_sheets_not_sampled(self.sudo().sheet_id)
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_sampled(self):
        self.env["audit.sample"]._check_sheets_not_sampled(self.sudo().sheet_id)
