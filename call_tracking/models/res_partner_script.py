from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    call_script_ids = fields.Many2many(
        "call.script", string="Scripts for a Call", compute="_compute_call_script_ids",
        groups="star_tiering.group_bank_user",
        help="The scripts that fit the customer today: a product maturing, just upgraded to "
        "4★ or 5★, no contact for a long time; appointment and care calls always.",
    )

    @api.depends("branch_id", "star_tier", "last_contact_date")
    def _compute_call_script_ids(self):
        Script = self.env["call.script"]
        for partner in self:
            partner.call_script_ids = Script._suggest_for_partner(partner)
