from odoo import fields, models

from odoo.addons.base.models.res_partner import _tz_get

# The bank's business day is Beijing's (DOMAIN.md, "Dates are the bank's").
BANK_TZ = "Asia/Shanghai"


class ResCompany(models.Model):
    _inherit = "res.company"

    bank_tz = fields.Selection(
        _tz_get, string="Bank Time Zone", default=BANK_TZ, required=True,
        help="The time zone of the bank's business date: what day it is for the nightly tiering, "
        "contact dates, to-do deadlines and working days, whoever runs them.",
    )
