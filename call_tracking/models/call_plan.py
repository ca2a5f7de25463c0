"""Pre-registration for phone marketing (电话营销预备登记): one row per customer,
purpose and month, created by the monthly screening (wizard/call_screening.py)
with the call to-do it scheduled.

"Never twice for the same customer and purpose" is the unique key (customer,
purpose, month), enforced by PostgreSQL: the screening inserts with ON
CONFLICT DO NOTHING, so two screenings of the same month, even running at
the same time, pre-register a customer once per purpose. The key is per
month on purpose: a customer whose deposit matures in January and another
in June is called in each of those months.
"""
from odoo import api, fields, models

from .call_product_holding import PRODUCT_TYPES

# The purposes of a screening, one per criterion of the wizard.
SCREENING_PURPOSES = [
    ("deposit_maturity", "Time Deposit Maturing"),
    ("wealth_maturity", "Wealth Product Maturing"),
    ("high_balance", "High Current-account Balance"),
    ("targeted", "Targeted Group"),
]
# The product each holdings-based purpose reads.
PURPOSE_PRODUCTS = {
    "deposit_maturity": "time_deposit",
    "wealth_maturity": "wealth",
    "high_balance": "current_account",
}
# Default threshold of the high-balance criterion, CNY: the 3★ boundary.
HIGH_BALANCE_THRESHOLD = 50000
# Customers listed in the screening's preview (its counts cover them all).
SCREENING_SAMPLE_ROWS = 50


class CallPlan(models.Model):
    _name = "call.plan"
    _description = "Phone Marketing Pre-registration"
    _order = "month desc, planned_date, branch_id, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True, ondelete="cascade")
    branch_id = fields.Many2one(
        "bank.branch", string="Sub-branch", required=True, readonly=True, index=True, ondelete="restrict",
        help="The sub-branch whose daily sheets the calls go on (an outlet's customers are its sub-branch's).",
    )
    month = fields.Date(required=True, readonly=True, help="First day of the month screened.")
    purpose = fields.Selection(SCREENING_PURPOSES, required=True, readonly=True)
    planned_date = fields.Date(string="Call On", readonly=True, help="The working day the call is planned for.")
    user_id = fields.Many2one("res.users", string="Caller", readonly=True, index=True)
    activity_id = fields.Many2one(
        "mail.activity", string="To-do", readonly=True, index="btree_not_null", ondelete="set null",
        help="The call to-do; empty once it is done (or cancelled).",
    )
    product_type = fields.Selection(PRODUCT_TYPES, readonly=True)
    maturity_date = fields.Date(readonly=True, help="The earliest maturity of the month, when screened.")
    product_count = fields.Integer(string="Products", readonly=True)
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    amount = fields.Monetary(
        currency_field="currency_id", readonly=True,
        help="When screened: the amount maturing in the month, or the current-account balance.",
    )
    filter_id = fields.Many2one("ir.filters", string="Saved Filter", readonly=True, ondelete="set null")

    _sql_constraints = [
        (
            "partner_purpose_month_uniq",
            "unique(partner_id, purpose, month)",
            "A customer is pre-registered once per purpose and month.",
        ),
    ]

    def _compute_currency_id(self):
        self.currency_id = self.env.ref("base.CNY")

    @api.depends("partner_id", "purpose")
    def _compute_display_name(self):
        purposes = dict(self._fields["purpose"]._description_selection(self.env))
        for plan in self:
            plan.display_name = f"{plan.partner_id.display_name} – {purposes.get(plan.purpose, '')}"
