"""The customers' product holdings, from the core-banking feed (持有产品).

A holdings file (customer number, product type, amount, maturity date, as-of
date) is imported by star_tiering's feed engine as the kind ``holdings``
(models/star_tier_feed_log.py of this addon): the same checksum, modes, logs,
error file and notifications as the AUM feed. Nobody writes a holding by
hand: the access rights give staff read access only, and the feed writes in
SQL. The screening (电话营销预备登记) and the scripts' "product maturing"
situation read them.
"""
from odoo import api, fields, models
from odoo.tools import SQL

PRODUCT_TYPES = [
    ("time_deposit", "Time Deposit"),
    ("wealth", "Wealth Product"),
    ("current_account", "Current Account"),
]
# The products that mature (到期): a time deposit, a wealth product.
MATURING_TYPES = ("time_deposit", "wealth")
# The words of the bank's exports for each product type (lower case, as the
# feed compares them after trimming and lowering the cell).
PRODUCT_TYPE_WORDS = {
    "time_deposit": (
        "time_deposit", "time deposit", "term deposit", "fixed deposit", "td", "cd",
        "定期", "定期存款", "整存整取", "大额存单",
    ),
    "wealth": ("wealth", "wealth_product", "wealth product", "wmp", "理财", "理财产品"),
    "current_account": (
        "current_account", "current account", "current", "demand deposit", "demand", "活期", "活期存款",
    ),
}


class CallProductHolding(models.Model):
    _name = "call.product.holding"
    _description = "Product Holding"
    _order = "partner_id, maturity_date, id"
    _rec_name = "product_type"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True, ondelete="cascade",
    )
    customer_number = fields.Char(readonly=True, help="The customer number as the core-banking file gave it.")
    branch_id = fields.Many2one(related="partner_id.branch_id", string="Bank Branch")
    product_type = fields.Selection(PRODUCT_TYPES, required=True, readonly=True)
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")
    amount = fields.Monetary(currency_field="currency_id", readonly=True, help="Amount held, in CNY.")
    maturity_date = fields.Date(
        readonly=True, help="When the time deposit or wealth product matures; a current account has none.",
    )
    as_of_date = fields.Date(
        string="As Of", required=True, readonly=True,
        help="Date of the holdings file that last changed the customer's holdings; a later file with "
        "the same holdings leaves them (and this date) as they are.",
    )

    _sql_constraints = [
        ("amount_positive", "CHECK(amount >= 0)", "A holding's amount cannot be negative."),
        (
            "maturity_required",
            "CHECK(product_type = 'current_account' OR maturity_date IS NOT NULL)",
            "A time deposit or a wealth product has a maturity date.",
        ),
    ]

    def init(self):
        # The screening selects a month's maturities over the whole bank, and
        # one customer's holdings (the scripts, the form) by partner_id's index.
        self.env.cr.execute(SQL(
            "CREATE INDEX IF NOT EXISTS call_product_holding_maturity_idx "
            "ON call_product_holding (maturity_date, product_type) WHERE maturity_date IS NOT NULL"
        ))
        # The high-balance screening sums each customer's current accounts.
        self.env.cr.execute(SQL(
            "CREATE INDEX IF NOT EXISTS call_product_holding_current_idx "
            "ON call_product_holding (partner_id, amount) WHERE product_type = 'current_account'"
        ))

    def _compute_currency_id(self):
        self.currency_id = self.env.ref("base.CNY")

    @api.depends("product_type", "maturity_date")
    def _compute_display_name(self):
        types = dict(self._fields["product_type"]._description_selection(self.env))
        for holding in self:
            name = types.get(holding.product_type, "")
            if holding.maturity_date:
                name = f"{name} ({fields.Date.to_string(holding.maturity_date)})"
            holding.display_name = name
