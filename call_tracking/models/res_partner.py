from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    call_log_ids = fields.One2many(
        "call.log", "partner_id", string="Phone Marketing Calls", groups="star_tiering.group_bank_user",
    )
    call_log_count = fields.Integer(
        string="Calls", compute="_compute_call_log_count", groups="star_tiering.group_bank_user",
    )
    call_script_ids = fields.Many2many(
        "call.script", string="Scripts for a Call", compute="_compute_call_script_ids",
        groups="star_tiering.group_bank_user",
        help="The scripts that fit the customer today: a product maturing, just upgraded to "
        "4★ or 5★, no contact for a long time; appointment and care calls always.",
    )

    def _compute_call_log_count(self):
        # counted with the user's rights: the calls they may read
        counts = dict(self.env["call.log"]._read_group([("partner_id", "in", self.ids)], ["partner_id"], ["__count"]))
        for partner in self:
            partner.call_log_count = counts.get(partner, 0)

    @api.depends("branch_id", "star_tier", "last_contact_date")
    def _compute_call_script_ids(self):
        Script = self.env["call.script"]
        for partner in self:
            partner.call_script_ids = Script._suggest_for_partner(partner)

    def action_log_call(self):
        """Log a call to this customer: the call form in a dialog, the
        customer filled in; saving it puts the call on the day's sheet."""
        self.ensure_one()
        self.env["call.log"]._check_logger()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Call"),
            "res_model": "call.log",
            "view_mode": "form",
            "views": [(self.env.ref("call_tracking.view_call_log_form").id, "form")],
            "target": "new",
            "context": {"default_partner_id": self.id},
        }

    def action_view_call_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("call_tracking.action_call_log")
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
