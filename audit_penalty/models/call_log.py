from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL


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
        # a call the auditors verified is evidence of a sample (and of its
        # falsification penalty): it stays, even once its sheet is reopened
        self.flush_recordset()
        self.env["audit.sample.line"].flush_model(["call_ids"])
        self.env.cr.execute(SQL(
            "SELECT 1 FROM audit_sample_line_call_log_rel WHERE call_id = ANY(%s) LIMIT 1", self.ids,
        ))
        if self.env.cr.fetchone():
            raise UserError(self.env._(
                "A call verified by the Audit Department is the evidence of its sample: it cannot be deleted."
            ))
