"""The morning/evening meeting figures and the weekly leaderboard (业绩龙虎榜)
on a known set of calls: repeated customers, a 59-second call, a call at the
60-second threshold, two callers reaching the same customer, an outlet's
teller, blank needs; and who sees which branch's figures."""
import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import sql

from .common import CallTrackingCase, bj

D = datetime.date
TUE, WED, PREV_FRI = D(2026, 11, 24), D(2026, 11, 25), D(2026, 11, 20)
WEEK, PREV_WEEK = D(2026, 11, 23), D(2026, 11, 16)
FIGURES = [
    "call_count", "effective_call_count", "effective_customer_count", "quota", "shortfall",
    "products_call_count", "needs_call_count", "caller_count",
]
BOARD = ["call_count", "effective_call_count", "effective_customer_count", "products_call_count",
         "needs_call_count", "branch_rank"]


@tagged("post_install", "-at_install")
class TestMeetingAndLeaderboard(CallTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        c = cls.customers_a
        with freeze_time("2026-11-27 10:00:00"):  # Friday 18:00 in Beijing
            log = cls.log_call
            # Tuesday, branch A
            log(c[0], bj(TUE, 9, 0), 90, needs="Deposit maturing", products_marketed="Large CD")
            log(c[0], bj(TUE, 9, 30), 120, products_marketed="115-day wealth product")  # same customer again
            log(c[1], bj(TUE, 10), 59, needs="Call back next week")  # one second short
            log(c[2], bj(TUE, 10, 30), 60, needs="  \n", products_marketed="")  # at the threshold; blank
            log(c[0], bj(TUE, 11), 70, user=cls.teller_a2)  # a second caller, same customer
            log(c[3], bj(TUE, 11, 30), 30, user=cls.teller_a2, products_marketed="Insurance")
            log(cls.customer_o1, bj(TUE, 14), 100, user=cls.teller_o1, needs="Loan")  # outlet → A's sheet
            # Wednesday, branch A: the same customer on another day of the week
            log(c[0], bj(WED, 9), 65)
            log(c[4], bj(WED, 9, 30), 59)
            # the Friday before, branch A
            log(c[5], bj(PREV_FRI, 9), 90)
            # Tuesday, branch B
            log(cls.customer_b, bj(TUE, 9), 80, user=cls.teller_b, products_marketed="Bond fund")
        cls.sheet_a_tue = cls.env["call.sheet"].search([("branch_id", "=", cls.branch_a.id), ("date", "=", TUE)])

    def figures(self, user=None, model="call.meeting.report", domain=(), fields=FIGURES, key=("branch_id", "date")):
        Report = self.env[model].with_user(user) if user else self.env[model]
        return {
            tuple(line[name] for name in key): tuple(line[name] for name in fields)
            for line in Report.search(list(domain))
        }

    def test_meeting_figures_per_sub_branch_and_day(self):
        A, B = self.branch_a, self.branch_b
        self.assertEqual(self.figures(), {
            # calls, effective calls, effective customers, quota, shortfall, products, needs, callers
            (A, TUE): (7, 5, 3, 10, 7, 3, 3, 3),
            (A, WED): (2, 1, 1, 10, 9, 0, 0, 1),
            (A, PREV_FRI): (1, 1, 1, 10, 9, 0, 0, 1),
            (B, TUE): (1, 1, 1, 10, 9, 1, 0, 1),
        })
        # the figures are the sheet's: one rule for the effective customers
        line = self.env["call.meeting.report"].search([("sheet_id", "=", self.sheet_a_tue.id)])
        self.assertEqual(
            (line.effective_customer_count, line.shortfall, line.call_count),
            (self.sheet_a_tue.effective_customer_count, self.sheet_a_tue.shortfall, self.sheet_a_tue.call_count),
        )
        # the pivot's totals per sub-branch
        totals = dict(
            (branch, (customers, shortfall)) for branch, customers, shortfall in
            self.env["call.meeting.report"]._read_group(
                [], ["branch_id"], ["effective_customer_count:sum", "shortfall:sum"],
            )
        )
        self.assertEqual(totals, {A: (5, 25), B: (1, 9)})

    def test_figures_follow_a_new_call(self):
        with freeze_time("2026-11-27 10:00:00"):
            self.log_call(self.customers_a[6], bj(WED, 15), 61, needs="Fund", products_marketed="Fund")
        self.assertEqual(
            self.figures(domain=[("date", "=", WED), ("branch_id", "=", self.branch_a.id)])[self.branch_a, WED],
            (3, 2, 2, 10, 8, 1, 1, 1),
        )

    def test_weekly_leaderboard_per_sub_branch_and_caller(self):
        A, B = self.branch_a, self.branch_b
        board = self.figures(model="call.leaderboard.report", fields=BOARD, key=("week_start", "branch_id", "user_id"))
        self.assertEqual(board, {
            # calls, effective calls, effective customers (per day), products, needs, rank
            (WEEK, A, self.teller_a1): (6, 4, 3, 2, 2, 1),
            (WEEK, A, self.teller_a2): (2, 1, 1, 1, 0, 2),
            (WEEK, A, self.teller_o1): (1, 1, 1, 0, 1, 2),
            (WEEK, B, self.teller_b): (1, 1, 1, 1, 0, 1),
            (PREV_WEEK, A, self.teller_a1): (1, 1, 1, 0, 0, 1),
        })
        # the list's order: the best first
        lines = self.env["call.leaderboard.report"].search(
            [("week_start", "=", WEEK), ("branch_id", "=", A.id)], order="effective_customer_count desc, id",
        )
        self.assertEqual(lines[0].user_id, self.teller_a1)

    def test_meeting_and_week_filters_use_the_bank_day(self):
        A, B = self.branch_a, self.branch_b
        # Wednesday 07:30 in Beijing, still Tuesday in UTC
        with freeze_time("2026-11-24 23:30:00"):
            self.assertEqual(set(self.figures(domain=[("is_today", "=", True)])), {(A, WED)})
            self.assertEqual(
                set(self.figures(domain=[("is_previous_working_day", "=", True)])), {(A, TUE), (B, TUE)},
            )
            self.assertEqual(
                set(self.figures(domain=[("is_previous_working_day", "=", False)])), {(A, WED), (A, PREV_FRI)},
            )
            this_week = self.env["call.leaderboard.report"].search([("is_this_week", "=", True)])
            self.assertEqual(set(this_week.mapped("week_start")), {WEEK})
            last_week = self.env["call.leaderboard.report"].search([("is_last_week", "=", True)])
            self.assertEqual(last_week.user_id, self.teller_a1)
        # Monday: the morning meeting reviews Friday
        with freeze_time("2026-11-23 01:00:00"):
            self.assertEqual(set(self.figures(domain=[("is_previous_working_day", "=", True)])), {(A, PREV_FRI)})

    def test_previous_working_day_skips_holidays_and_counts_make_up_days(self):
        Report = self.env["call.meeting.report"]
        branches = self.branch_a | self.branch_b
        # after the National Day week (1–7 October 2026), the last working day is 30 September
        self.assertEqual(Report._previous_working_days(branches, D(2026, 10, 8)),
                         {self.branch_a.id: D(2026, 9, 30), self.branch_b.id: D(2026, 9, 30)})
        # Sunday 20 September 2026 is a make-up working day (调休)
        self.assertEqual(
            Report._previous_working_days(self.branch_a, D(2026, 9, 21)), {self.branch_a.id: D(2026, 9, 20)},
        )

    def test_each_branch_sees_its_own_figures(self):
        A, B = self.branch_a, self.branch_b

        def branches(user, model):
            return {key[0] for key in self.figures(user, model=model, fields=(), key=("branch_id",))}

        for model in ("call.meeting.report", "call.leaderboard.report"):
            self.assertEqual(branches(self.teller_a1, model), {A}, model)
            self.assertEqual(branches(self.teller_o1, model), {A}, model)  # the outlet's sub-branch
            self.assertEqual(branches(self.supervisor_b, model), {B}, model)
            self.assertEqual(branches(self.president_a, model), {A}, model)
            for user in (self.auditor, self.hr, self.head_office_user):
                self.assertEqual(branches(user, model), {A, B}, (model, user.login))
            with self.assertRaises(AccessError):
                self.env[model].with_user(self.plain_user).search([])
            # the pivot's totals too
            totals = self.env[model].with_user(self.teller_b)._read_group([], [], ["call_count:sum"])
            self.assertEqual(totals, [(1,)], model)

    def test_reporting_menus_and_views_per_role(self):
        Menu = self.env["ir.ui.menu"]
        menus = [self.env.ref(f"call_tracking.{xmlid}").id for xmlid in (
            "menu_call_meeting_morning", "menu_call_meeting_evening", "menu_call_leaderboard", "menu_call_script",
        )]
        for user in (self.teller_a1, self.teller_o1, self.president_a, self.auditor, self.hr, self.head_office_user):
            visible = Menu.with_user(user)._visible_menu_ids()
            self.assertTrue(set(menus) <= visible, user.login)
            for model in ("call.meeting.report", "call.leaderboard.report"):
                views = self.env[model].with_user(user).get_views([(False, "list"), (False, "pivot"), (False, "graph")])
                self.assertEqual(set(views["views"]), {"list", "pivot", "graph"})
        self.assertFalse(set(menus) & Menu.with_user(self.plain_user)._visible_menu_ids())

    def test_previous_working_day_in_one_look_per_calendar(self):
        """The morning meeting's previous working day: one look at each
        calendar, however many days back it lies."""
        Report = self.env["call.meeting.report"]
        branches = self.branch_a | self.branch_b

        def queries(day):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            Report._previous_working_days(branches, day)
            return self.cr.sql_log_count - before

        queries(WED)  # the registry's caches (company, time zone) warmed up
        # after the National Day week the last working day is 8 days back; on a Wednesday 1
        self.assertEqual(queries(D(2026, 10, 8)), queries(WED))

    def test_reports_share_the_view_mixin(self):
        """Both reports are SQL views created by the mixin's init(), and
        creating them again changes nothing of what they show."""
        for model in ("call.meeting.report", "call.leaderboard.report"):
            Report = self.env[model]
            self.assertIn("call.report.view.mixin", Report._inherit, model)
            self.assertEqual(type(Report).init.__qualname__, "CallReportViewMixin.init", model)
            self.assertEqual(sql.table_kind(self.cr, Report._table), sql.TableKind.View, model)
            self.cr.execute("SELECT pg_get_viewdef(%s::regclass)", [Report._table])
            definition = self.cr.fetchone()[0]
            rows = Report.search_read([], [])
            Report.init()
            Report.invalidate_model()
            self.cr.execute("SELECT pg_get_viewdef(%s::regclass)", [Report._table])
            self.assertEqual(self.cr.fetchone()[0], definition, model)
            self.assertEqual(Report.search_read([], []), rows, model)
        self.assertFalse(sql.table_kind(self.cr, "call_report_view_mixin"), "the mixin has no view of its own")
