from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .constants import CURRENCY_XMLID, FALSIFICATION_UNIT_AMOUNT, SHORTFALL_UNIT_AMOUNT


class ResCompany(models.Model):
    _inherit = "res.company"

    audit_currency_id = fields.Many2one(
        "res.currency", string="Audit Fine Currency",
        default=lambda self: self.env.ref(CURRENCY_XMLID, raise_if_not_found=False),
    )
    audit_shortfall_unit_amount = fields.Monetary(
        string="Fine per Missing Call", currency_field="audit_currency_id", default=SHORTFALL_UNIT_AMOUNT,
        help="What each call missing below the daily quota costs the sub-branch (50 CNY by the circular). "
        "A change applies to the months checked after it; a penalty keeps the amount it was computed with.",
    )
    audit_falsification_unit_amount = fields.Monetary(
        string="Fine per Falsified Customer", currency_field="audit_currency_id",
        default=FALSIFICATION_UNIT_AMOUNT,
        help="What each customer found falsified in the monthly sample costs the sub-branch (100 CNY by the "
        "circular). A change applies to the samples confirmed after it.",
    )

    @api.constrains("audit_shortfall_unit_amount", "audit_falsification_unit_amount")
    def _check_audit_unit_amounts(self):
        for company in self:
            if company.audit_shortfall_unit_amount <= 0 or company.audit_falsification_unit_amount <= 0:
                raise ValidationError(self.env._("The audit fines per missing call and per falsified customer "
                                                 "must be positive amounts."))
