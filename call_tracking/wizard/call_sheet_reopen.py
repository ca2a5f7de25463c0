from odoo import fields, models


class CallSheetReopen(models.TransientModel):
    _name = "call.sheet.reopen"
    _description = "Reopen Signed Call Sheets"

    sheet_ids = fields.Many2many("call.sheet", string="Call Sheets", required=True)
    reason = fields.Text(required=True, help="Why the signed sheet must change; kept on the sheet and in its chatter.")

    def action_reopen(self):
        self.ensure_one()
        self.sheet_ids.action_reopen(self.reason)
        return {"type": "ir.actions.act_window_close"}
