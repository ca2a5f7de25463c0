"""The figures of the morning and evening meetings (晨会 / 夕会): per sub-branch
and day, the calls made, the effective customers against the quota, the
products marketed and the needs captured."""
import datetime

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

from ..models.constants import SHEET_STATES
from .call_report_view_mixin import has_text

# How far back the morning meeting looks for the previous working day: the
# longest run of public holidays and weekends (Spring Festival, National Day)
# is well under a month.
PREVIOUS_WORKING_DAY_LOOKBACK = 31


class CallMeetingReport(models.Model):
    _name = "call.meeting.report"
    _inherit = ["call.report.view.mixin"]
    _description = "Morning and Evening Meeting Figures"
    _auto = False
    _order = "date desc, branch_id"
    _rec_name = "sheet_id"
    # searching the view flushes what it reads
    _depends = {
        "call.sheet": [
            "branch_id", "date", "company_id", "state", "quota", "call_count",
            "effective_customer_count", "shortfall",
        ],
        "call.log": ["sheet_id", "is_effective", "needs", "products_marketed", "user_id"],
    }

    sheet_id = fields.Many2one("call.sheet", string="Daily Sheet", readonly=True)
    date = fields.Date(string="Day", readonly=True)
    branch_id = fields.Many2one("bank.branch", string="Sub-branch", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    state = fields.Selection(SHEET_STATES, string="Sheet Status", readonly=True)
    call_count = fields.Integer(string="Calls Made", readonly=True)
    effective_call_count = fields.Integer(
        string="Effective Calls", readonly=True, help="Calls of the effective-call threshold or longer.",
    )
    effective_customer_count = fields.Integer(
        string="Effective Customers", readonly=True,
        help="Distinct customers with at least one effective call that day (the quota's unit).",
    )
    quota = fields.Integer(readonly=True)
    shortfall = fields.Integer(readonly=True, help="Effective customers missing to reach the quota.")
    products_call_count = fields.Integer(
        string="Products Marketed", readonly=True, help="Calls in which a product was marketed.",
    )
    needs_call_count = fields.Integer(
        string="Needs Captured", readonly=True, help="Calls in which the customer's needs were recorded.",
    )
    caller_count = fields.Integer(string="Callers", readonly=True, aggregator="max")
    is_today = fields.Boolean(
        string="Today", compute="_compute_meeting_days", search="_search_is_today",
    )
    is_previous_working_day = fields.Boolean(
        string="Previous Working Day", compute="_compute_meeting_days", search="_search_is_previous_working_day",
        help="The sub-branch's last working day before today: the day the morning meeting reviews.",
    )

    def _view_query(self):
        # a sub-branch's day is its sheet: the sheet's date is already the bank's day
        return SQL(
            """
            SELECT sheet.id AS id,
                   sheet.id AS sheet_id,
                   sheet.date AS date,
                   sheet.branch_id AS branch_id,
                   sheet.company_id AS company_id,
                   sheet.state AS state,
                   sheet.call_count AS call_count,
                   COALESCE(calls.effective_call_count, 0) AS effective_call_count,
                   sheet.effective_customer_count AS effective_customer_count,
                   sheet.quota AS quota,
                   sheet.shortfall AS shortfall,
                   COALESCE(calls.products_call_count, 0) AS products_call_count,
                   COALESCE(calls.needs_call_count, 0) AS needs_call_count,
                   COALESCE(calls.caller_count, 0) AS caller_count
              FROM call_sheet AS sheet
         LEFT JOIN (
                    SELECT call.sheet_id,
                           COUNT(*) FILTER (WHERE call.is_effective) AS effective_call_count,
                           COUNT(*) FILTER (WHERE %(products)s) AS products_call_count,
                           COUNT(*) FILTER (WHERE %(needs)s) AS needs_call_count,
                           COUNT(DISTINCT call.user_id) AS caller_count
                      FROM call_log AS call
                  GROUP BY call.sheet_id
                   ) AS calls ON calls.sheet_id = sheet.id
            """,
            products=has_text(SQL("call.products_marketed")),
            needs=has_text(SQL("call.needs")),
        )

    def _compute_meeting_days(self):
        today = self.env["bank.branch"]._bank_today()
        previous = self._previous_working_days(self.branch_id, today)
        for line in self:
            line.is_today = line.date == today
            line.is_previous_working_day = line.date == previous.get(line.branch_id.id)

    @api.model
    def _previous_working_days(self, branches, day):
        """{sub-branch id: its last working day before ``day``}, from each
        branch's calendar: one look at each calendar over the lookback
        period, not one per day looked at."""
        working = branches._call_working_days(
            day - datetime.timedelta(days=PREVIOUS_WORKING_DAY_LOOKBACK), day - datetime.timedelta(days=1),
        )
        return {branch_id: max(days) for branch_id, days in working.items() if days}

    def _search_is_today(self, operator, value):
        positive = self._check_boolean_search(operator, value)
        return [("date", "=" if positive else "!=", self.env["bank.branch"]._bank_today())]

    def _search_is_previous_working_day(self, operator, value):
        positive = self._check_boolean_search(operator, value)
        branches = self.env["bank.branch"].sudo().search([("branch_type", "=", "sub_branch")])
        by_day = {}
        for branch_id, day in self._previous_working_days(branches, self.env["bank.branch"]._bank_today()).items():
            by_day.setdefault(day, []).append(branch_id)
        domain = expression.OR([
            [("branch_id", "in", branch_ids), ("date", "=", day)] for day, branch_ids in sorted(by_day.items())
        ]) if by_day else expression.FALSE_DOMAIN
        return domain if positive else ["!", *expression.normalize_domain(domain)]
