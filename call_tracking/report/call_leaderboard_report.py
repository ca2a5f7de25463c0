"""The weekly leaderboard (业绩龙虎榜) of the phone-marketing contest: per week,
sub-branch and caller, the calls, the effective calls, the effective customers
and the products marketed, ranked within the sub-branch."""
import datetime

from odoo import fields, models
from odoo.tools import SQL

from .call_report_view_mixin import has_text


class CallLeaderboardReport(models.Model):
    _name = "call.leaderboard.report"
    _inherit = ["call.report.view.mixin"]
    _description = "Weekly Phone Marketing Leaderboard"
    _auto = False
    _order = "week_start desc, branch_id, branch_rank, user_id"
    _rec_name = "user_id"
    _depends = {
        "call.sheet": ["branch_id", "date", "company_id"],
        "call.log": ["sheet_id", "partner_id", "user_id", "is_effective", "needs", "products_marketed"],
    }

    week_start = fields.Date(string="Week", readonly=True, help="Monday of the week (ISO week).")
    branch_id = fields.Many2one("bank.branch", string="Sub-branch", readonly=True)
    user_id = fields.Many2one("res.users", string="Caller", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    call_count = fields.Integer(string="Calls", readonly=True)
    effective_call_count = fields.Integer(string="Effective Calls", readonly=True)
    effective_customer_count = fields.Integer(
        string="Effective Customers", readonly=True,
        help="Customers the caller reached in an effective call, each counted once per day, as the "
        "daily quota counts them: a customer called effectively on two days of the week counts twice, "
        "twice on the same day once.",
    )
    products_call_count = fields.Integer(
        string="Products Marketed", readonly=True, help="Calls in which a product was marketed.",
    )
    needs_call_count = fields.Integer(
        string="Needs Captured", readonly=True, help="Calls in which the customer's needs were recorded.",
    )
    branch_rank = fields.Integer(
        string="Rank", readonly=True, aggregator=None,
        help="The caller's place in the sub-branch that week, by effective customers, then effective calls.",
    )
    is_this_week = fields.Boolean(string="This Week", compute="_compute_weeks", search="_search_is_this_week")
    is_last_week = fields.Boolean(string="Last Week", compute="_compute_weeks", search="_search_is_last_week")

    def _view_query(self):
        # a call's day is its sheet's date (the bank's day); the week is its ISO week
        return SQL(
            """
            WITH customer_days AS (
                SELECT MIN(call.id) AS first_call_id,
                       date_trunc('week', sheet.date)::date AS week_start,
                       sheet.branch_id, sheet.company_id, call.user_id,
                       COUNT(*) AS call_count,
                       COUNT(*) FILTER (WHERE call.is_effective) AS effective_call_count,
                       COUNT(*) FILTER (WHERE %(products)s) AS products_call_count,
                       COUNT(*) FILTER (WHERE %(needs)s) AS needs_call_count
                  FROM call_log AS call
                  JOIN call_sheet AS sheet ON sheet.id = call.sheet_id
              GROUP BY sheet.date, sheet.branch_id, sheet.company_id, call.user_id, call.partner_id
            ), board AS (
                SELECT MIN(first_call_id) AS id,
                       week_start, branch_id, company_id, user_id,
                       SUM(call_count)::int AS call_count,
                       SUM(effective_call_count)::int AS effective_call_count,
                       (COUNT(*) FILTER (WHERE effective_call_count > 0))::int AS effective_customer_count,
                       SUM(products_call_count)::int AS products_call_count,
                       SUM(needs_call_count)::int AS needs_call_count
                  FROM customer_days
              GROUP BY week_start, branch_id, company_id, user_id
            )
            SELECT board.*,
                   RANK() OVER (
                       PARTITION BY week_start, branch_id
                       ORDER BY effective_customer_count DESC, effective_call_count DESC
                   ) AS branch_rank
              FROM board
            """,
            products=has_text(SQL("call.products_marketed")),
            needs=has_text(SQL("call.needs")),
        )

    def _week_start(self, weeks_ago=0):
        """Monday of the bank's current week, or of ``weeks_ago`` weeks before."""
        today = self.env["bank.branch"]._bank_today()
        return today - datetime.timedelta(days=today.weekday(), weeks=weeks_ago)

    def _compute_weeks(self):
        this_week, last_week = self._week_start(), self._week_start(1)
        for line in self:
            line.is_this_week = line.week_start == this_week
            line.is_last_week = line.week_start == last_week

    def _search_week(self, operator, value, weeks_ago):
        positive = self._check_boolean_search(operator, value)
        return [("week_start", "=" if positive else "!=", self._week_start(weeks_ago))]

    def _search_is_this_week(self, operator, value):
        return self._search_week(operator, value, 0)

    def _search_is_last_week(self, operator, value):
        return self._search_week(operator, value, 1)
