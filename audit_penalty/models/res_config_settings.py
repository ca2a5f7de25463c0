from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    audit_currency_id = fields.Many2one(related="company_id.audit_currency_id")
    audit_shortfall_unit_amount = fields.Monetary(
        related="company_id.audit_shortfall_unit_amount", readonly=False, currency_field="audit_currency_id",
    )
    audit_falsification_unit_amount = fields.Monetary(
        related="company_id.audit_falsification_unit_amount", readonly=False, currency_field="audit_currency_id",
    )
