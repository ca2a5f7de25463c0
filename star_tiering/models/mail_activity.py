from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _star_tiering_activity_types(self):
        return (
            self.env.ref("star_tiering.mail_activity_type_customer_maintenance", raise_if_not_found=False)
            | self.env.ref("star_tiering.mail_activity_type_aum_change", raise_if_not_found=False)
        )

    def _action_done(self, feedback=False, attachment_ids=None):
        # Marking a maintenance or asset-change to-do done means the customer
        # was contacted: that resets the contact cadence.
        types = self._star_tiering_activity_types()
        partner_ids = [
            act.res_id for act in self
            if act.res_model == "res.partner" and act.activity_type_id in types
        ]
        res = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if partner_ids:
            partners = self.env["res.partner"].sudo().browse(partner_ids).exists()
            today = self.env["bank.branch"]._bank_today()
            partners.filtered(
                lambda p: not p.last_contact_date or p.last_contact_date < today
            ).write({"last_contact_date": today})
        return res
