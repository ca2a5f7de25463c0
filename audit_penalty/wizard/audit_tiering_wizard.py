from odoo import fields, models


class AuditTieringWizard(models.TransientModel):
    _name = "audit.tiering.wizard"
    _description = "Run a Tiering Audit"

    branch_ids = fields.Many2many(
        "bank.branch", string="Branches",
        help="Leave empty to audit every customer of the bank; a branch includes its outlets.",
    )

    def _run(self):
        """The tiering audit of the chosen branches (the whole bank when none): the run."""
        self.ensure_one()
        return self.env["audit.tiering.run"]._run_audit(self.branch_ids)

    def action_run(self):
        """Run the audit and open it."""
        run = self._run()
        action = self.env["ir.actions.act_window"]._for_xml_id("audit_penalty.action_audit_tiering_run")
        action.update({"res_id": run.id, "view_mode": "form", "views": [(False, "form")], "target": "current"})
        return action
