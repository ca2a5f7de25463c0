from odoo import fields, models


class AuditPenaltyContest(models.TransientModel):
    _name = "audit.penalty.contest"
    _description = "Contest a Penalty"

    penalty_id = fields.Many2one("audit.penalty", required=True, ondelete="cascade")
    reason = fields.Text(required=True, help="Why the branch contests the penalty; kept on it and in its chatter.")
    attachment = fields.Binary(string="Supporting Document", attachment=False)
    attachment_name = fields.Char(string="File Name")

    def action_contest(self):
        self.ensure_one()
        documents = [{"name": self.attachment_name or "document", "datas": self.attachment}] if self.attachment else []
        self.penalty_id.action_contest(self.reason, documents)
        return {"type": "ir.actions.act_window_close"}


class AuditPenaltyDecision(models.TransientModel):
    _name = "audit.penalty.decision"
    _description = "Decide a Contested Penalty"

    penalty_id = fields.Many2one("audit.penalty", required=True, ondelete="cascade")
    decision = fields.Selection(
        [("upheld", "Uphold the Penalty"), ("cancelled", "Cancel the Penalty")], required=True, default="upheld",
    )
    reason = fields.Text(required=True, help="Why head office decides so; kept on the penalty and in its chatter.")

    def action_decide(self):
        self.ensure_one()
        if self.decision == "cancelled":
            self.penalty_id.action_contest_cancel(self.reason)
        else:
            self.penalty_id.action_contest_uphold(self.reason)
        return {"type": "ir.actions.act_window_close"}
