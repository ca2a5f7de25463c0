from odoo import api, fields, models


class CallLog(models.Model):
    _inherit = "call.log"

    script_id = fields.Many2one(
        "call.script", string="Script Used", index="btree_not_null", ondelete="restrict",
        help="The script (话术) followed in the call.",
    )
    suggested_script_ids = fields.Many2many(
        "call.script", string="Suggested Scripts", compute="_compute_suggested_script_ids",
        help="The scripts that fit the customer today: a product maturing, just upgraded to "
        "4★ or 5★, no contact for a long time; appointment and care calls always.",
    )

    @api.depends("partner_id")
    def _compute_suggested_script_ids(self):
        Script = self.env["call.script"]
        for call in self:
            call.suggested_script_ids = Script._suggest_for_partner(call.partner_id) if call.partner_id else Script
