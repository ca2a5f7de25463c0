from odoo import fields, models


class AuditSeedCommitmentWithdraw(models.TransientModel):
    _name = "audit.seed.commitment.withdraw"
    _description = "Withdraw a Seed Commitment"

    commitment_id = fields.Many2one("audit.seed.commitment", required=True, ondelete="cascade")
    reason = fields.Text(
        required=True,
        help="Why the commitment is withdrawn (the seed was lost, say); kept on it and in its chatter, for every "
        "branch to read.",
    )

    def action_withdraw(self):
        self.ensure_one()
        self.commitment_id.action_withdraw(self.reason)
        return {"type": "ir.actions.act_window_close"}
