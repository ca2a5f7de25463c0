"""The day's sheet: which sub-branch and which (Beijing) day a call belongs
to, the distinct effective customers against the quota, the sheets the
morning's scheduled action opens on working days only, and the repair."""
import datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import WORKDAY, WORKDAY_EVENING, CallTrackingCase, D, bj


@tagged("post_install", "-at_install")
class TestCallSheet(CallTrackingCase):
    @freeze_time(WORKDAY_EVENING)
    def test_ninth_and_tenth_customer(self):
        for minute, customer in enumerate(self.customers_a[:9]):
            self.log_call(customer, bj(WORKDAY, 9, minute))
        sheet = self.sheet_of(self.branch_a, WORKDAY)
        self.assertEqual((sheet.quota, sheet.effective_customer_count, sheet.shortfall), (10, 9, 1))
        self.log_call(self.customers_a[9], bj(WORKDAY, 11))
        self.assertEqual((sheet.effective_customer_count, sheet.shortfall), (10, 0))
        self.log_call(self.customers_a[10], bj(WORKDAY, 12))
        self.assertEqual((sheet.effective_customer_count, sheet.shortfall), (11, 0))
        # and back: a deleted call gives its customer back
        sheet.call_ids.filtered(lambda c: c.partner_id == self.customers_a[10]).with_user(self.teller_a1).unlink()
        sheet.call_ids.filtered(lambda c: c.partner_id == self.customers_a[9]).with_user(self.teller_a1).unlink()
        self.assertEqual((sheet.effective_customer_count, sheet.shortfall), (9, 1))

    @freeze_time(WORKDAY_EVENING)
    def test_repeated_calls_count_one_customer(self):
        customer = self.customers_a[0]
        for hour in (9, 11, 14):
            self.log_call(customer, bj(WORKDAY, hour), seconds=120)
        self.log_call(self.customers_a[1], bj(WORKDAY, 15), seconds=30)  # recorded, not counted
        sheet = self.sheet_of(self.branch_a, WORKDAY)
        self.assertEqual(len(sheet), 1, "one sheet per sub-branch and day")
        self.assertEqual((sheet.call_count, sheet.effective_customer_count, sheet.shortfall), (4, 1, 9))

    def test_the_day_is_beijing_s(self):
        # 00:30 in Beijing on 25 November is 16:30 UTC on the 24th
        with freeze_time("2026-11-24 17:00:00"):
            late = self.log_call(self.customers_a[0], datetime.datetime(2026, 11, 24, 16, 30))
        self.assertEqual(late.call_date, D(2026, 11, 25))
        self.assertEqual(late.sheet_id.date, D(2026, 11, 25))
        # 07:30 in Beijing is 23:30 UTC the day before
        with freeze_time("2026-11-25 02:00:00"):
            early = self.log_call(self.customers_a[1], datetime.datetime(2026, 11, 24, 23, 30))
            evening = self.log_call(self.customers_a[2], datetime.datetime(2026, 11, 24, 15, 59))
        self.assertEqual(early.sheet_id, late.sheet_id)
        self.assertEqual(evening.sheet_id.date, D(2026, 11, 24))
        self.assertEqual(late.sheet_id.effective_customer_count, 2)

    @freeze_time(WORKDAY_EVENING)
    def test_outlet_customer_on_the_sub_branch_sheet(self):
        by_outlet = self.log_call(self.customer_o1, bj(WORKDAY, 9), user=self.teller_o1)
        by_branch = self.log_call(self.customers_a[0], bj(WORKDAY, 10))
        self.assertEqual(by_outlet.branch_id, self.outlet_a1)
        self.assertEqual(by_outlet.sheet_id.branch_id, self.branch_a)
        self.assertEqual(by_outlet.sheet_id, by_branch.sheet_id)
        self.assertEqual(by_outlet.sheet_id.effective_customer_count, 2)
        self.assertFalse(self.sheet_of(self.outlet_a1, WORKDAY))
        # a sheet is a sub-branch's
        with self.assertRaises(ValidationError):
            self.env["call.sheet"].create({"branch_id": self.outlet_a1.id, "date": WORKDAY})

    @freeze_time(WORKDAY_EVENING)
    def test_one_sheet_per_branch_and_day(self):
        sheet = self.log_call(self.customers_a[0], bj(WORKDAY, 9)).sheet_id
        self.assertEqual(sheet.designated_user_ids, self.teller_a1, "the branch's designated callers")
        with self.assertRaises(Exception):  # noqa: B017 - the unique constraint (IntegrityError)
            with self.cr.savepoint():
                self.env["call.sheet"].create({"branch_id": self.branch_a.id, "date": WORKDAY})
        with self.assertRaises(ValidationError):
            self.env["call.sheet"].create({"branch_id": self.branch_b.id, "date": WORKDAY + datetime.timedelta(days=1)})

    @freeze_time(WORKDAY_EVENING)
    def test_quota_only_on_working_days_from_the_start_date(self):
        # a day off has no sheet, and no call: the sheets are the working days'
        sunday = D(2026, 11, 22)
        with self.assertRaisesRegex(ValidationError, "not a working day"):
            self.log_call(self.customers_a[0], bj(sunday, 10), seconds=30)
        self.assertFalse(self.sheet_of(self.branch_a, sunday))
        # before the branch's start date, a working day's calls count against no quota
        self.branch_b.call_quota_start_date = WORKDAY
        before = self.log_call(self.customer_b, bj(WORKDAY - datetime.timedelta(days=1), 10), user=self.teller_b)
        on = self.log_call(self.customer_b, bj(WORKDAY, 10), user=self.teller_b)
        self.assertEqual((before.sheet_id.quota, on.sheet_id.quota), (0, 10))
        self.branch_b.call_daily_quota = 12
        self.assertEqual(on.sheet_id.quota, 10, "a sheet keeps the quota it opened with")

    def run_cron(self, utc_now):
        Sheet = self.env["call.sheet"]
        with freeze_time(utc_now):
            Sheet._cron_open_sheets()
        return Sheet.search([("branch_id", "in", (self.branch_a | self.branch_b).ids)])

    def test_cron_opens_sheets_on_working_days(self):
        # 00:05 in Beijing: the start of the bank's day
        self.assertFalse(self.run_cron("2026-09-30 16:05:00"), "1 October, National Day: no sheet")
        self.assertFalse(self.run_cron("2026-11-21 16:05:00"), "an ordinary Sunday: no sheet")
        sheets = self.run_cron("2026-10-09 16:05:00")  # Saturday 10 October, a make-up working day
        self.assertEqual(sheets.branch_id, self.branch_a | self.branch_b)
        self.assertEqual(set(sheets.mapped("date")), {D(2026, 10, 10)})
        self.assertEqual(set(sheets.mapped("quota")), {10})
        self.assertEqual(sheets.filtered(lambda s: s.branch_id == self.branch_b).designated_user_ids, self.teller_b)
        # idempotent; outlets get none; a branch whose quota starts later neither
        self.branch_b.call_quota_start_date = D(2026, 10, 13)
        self.assertEqual(self.run_cron("2026-10-09 16:10:00"), sheets)
        sheets = self.run_cron("2026-10-11 16:05:00")  # Monday 12 October
        self.assertEqual(sheets.filtered(lambda s: s.date == D(2026, 10, 12)).branch_id, self.branch_a)
        self.assertFalse(self.sheet_of(self.outlet_a1, D(2026, 10, 12)))
        # a designated caller who moved to another branch does not stop the morning's sheets
        self.teller_a1.branch_id = self.branch_b
        self.branch_a.call_quota_start_date = False
        sheets = self.run_cron("2026-10-12 16:05:00")  # Tuesday 13 October
        self.assertEqual(sheets.filtered(lambda s: s.date == D(2026, 10, 13)).branch_id, self.branch_a | self.branch_b)
        self.assertFalse(self.sheet_of(self.branch_a, D(2026, 10, 13)).designated_user_ids)

    @freeze_time(WORKDAY_EVENING)
    def test_cron_keeps_the_sheet_a_call_opened(self):
        sheet = self.log_call(self.customers_a[0], bj(WORKDAY, 0, 2)).sheet_id
        self.env["call.sheet"]._cron_open_sheets()
        self.assertEqual(self.sheet_of(self.branch_a, WORKDAY), sheet)

    @freeze_time(WORKDAY_EVENING)
    def test_counts_in_one_query_per_batch(self):
        days = [WORKDAY - datetime.timedelta(days=n) for n in (0, 1, 4, 5)]  # four working days
        for n, day in enumerate(days):
            for customer in self.customers_a[: n + 1]:
                self.log_call(customer, bj(day, 10))
        sheets = self.env["call.sheet"].search([("branch_id", "=", self.branch_a.id), ("date", "in", days)])
        self.assertEqual(len(sheets), 4)
        self.env.flush_all()
        self.env.invalidate_all()
        Sheet = self.env["call.sheet"]
        counts = [Sheet._fields["call_count"], Sheet._fields["effective_customer_count"]]
        # one read_group for the batch, and the flush's one UPDATE of the four sheets
        with self.assertQueryCount(2), self.env.protecting(counts, sheets):
            sheets._compute_effective_customer_count()
        self.assertEqual(sorted(sheets.mapped("effective_customer_count")), [1, 2, 3, 4])

    @freeze_time(WORKDAY_EVENING)
    def test_recompute_counts_repairs_in_one_statement(self):
        for customer in self.customers_a[:3]:
            self.log_call(customer, bj(WORKDAY, 10))
        self.log_call(self.customer_b, bj(WORKDAY, 10), user=self.teller_b)
        sheets = self.env["call.sheet"].search([("date", "=", WORKDAY)])
        sheet_a = sheets.filtered(lambda s: s.branch_id == self.branch_a)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE call_sheet SET effective_customer_count = 0, shortfall = 10, call_count = 99 WHERE id = %s",
            [sheet_a.id],
        )
        self.env["call.sheet"].invalidate_model()
        self.assertEqual(sheet_a.effective_customer_count, 0)
        with self.assertQueryCount(1):
            repaired = self.env["call.sheet"]._recompute_counts(sheets)
        self.assertEqual(repaired, 1, "only the wrong sheet is written")
        self.assertEqual((sheet_a.call_count, sheet_a.effective_customer_count, sheet_a.shortfall), (3, 3, 7))
        self.assertEqual(self.env["call.sheet"]._recompute_counts(sheets), 0)

    @freeze_time(WORKDAY_EVENING)
    def test_counts_are_not_typed(self):
        sheet = self.log_call(self.customers_a[0], bj(WORKDAY, 10)).sheet_id
        for vals in ({"effective_customer_count": 10}, {"shortfall": 0}, {"call_count": 10}, {"date": D(2026, 11, 23)}):
            with self.assertRaises(UserError, msg=vals):
                sheet.with_user(self.president_a).write(vals)
        self.assertEqual((sheet.effective_customer_count, sheet.shortfall), (1, 9))

    def queries(self, func):
        """How many queries ``func`` makes on an empty cache."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        func()
        self.env.flush_all()
        return self.cr.sql_log_count - before

    @freeze_time(WORKDAY_EVENING)
    def test_cron_keeps_a_sheet_it_did_not_see(self):
        """The scheduled action's look-up missed the sheet a teller's first
        call opened meanwhile (another transaction, in production): the unique
        index refuses it a second sheet, it keeps the teller's and opens the
        other sub-branches' all the same."""
        Sheet = self.env["call.sheet"]
        theirs = self.log_call(self.customers_a[0], bj(WORKDAY, 0, 5)).sheet_id
        with patch.object(type(Sheet), "_find_sheets", return_value={}):
            opened = Sheet._cron_open_sheets()
        self.assertEqual(opened.branch_id, self.branch_b)
        self.assertEqual(self.sheet_of(self.branch_a, WORKDAY), theirs)
        self.assertEqual(theirs.call_count, 1)

    @freeze_time(WORKDAY_EVENING)
    def test_a_call_finds_the_sheet_opened_meanwhile(self):
        """A call's look-up missed the day's sheet that the scheduled action
        opened meanwhile: the call goes on that sheet, with no second one and
        no error for the teller."""
        Sheet = self.env["call.sheet"]
        theirs = Sheet.create({"branch_id": self.branch_a.id, "date": WORKDAY})
        find = type(Sheet)._find_sheets
        looks = []

        def blind_once(sheet_model, keys):
            looks.append(keys)
            return {} if len(looks) == 1 else find(sheet_model, keys)

        with patch.object(type(Sheet), "_find_sheets", blind_once):
            call = self.log_call(self.customers_a[0], bj(WORKDAY, 9))
        self.assertEqual(len(looks), 2, "looked up again after the unique index refused a second sheet")
        self.assertEqual(call.sheet_id, theirs)
        self.assertEqual(self.sheet_of(self.branch_a, WORKDAY), theirs)
        self.assertEqual(theirs.effective_customer_count, 1)

    @freeze_time(WORKDAY_EVENING)
    def test_designated_callers_checked_in_one_pass(self):
        branches = self.branch_a | self.branch_b | self.outlet_a1
        users = self.teller_a1 | self.teller_o1 | self.teller_b
        self.assertEqual(branches._call_strangers(users), {
            self.branch_a.id: self.teller_b,
            self.branch_b.id: self.teller_a1 | self.teller_o1,
            self.outlet_a1.id: self.teller_a1 | self.teller_b,
        })
        # a few batch reads (branches, users, their branches), no search per branch
        self.assertLessEqual(self.queries(lambda: branches._call_strangers(users)), 3)
        days = [WORKDAY - datetime.timedelta(days=n) for n in (0, 1, 4, 5)]
        sheets = self.env["call.sheet"].create([
            {"branch_id": branch.id, "date": day} for branch in (self.branch_a, self.branch_b) for day in days
        ])
        # eight sheets: the sheets, their callers, the branches, the users, their branches
        self.assertLessEqual(self.queries(sheets._check_designated_user_ids), 5)
        with self.assertRaises(ValidationError):  # a caller of another sub-branch
            sheets[0].with_user(self.president_a).designated_user_ids = self.teller_b
        with self.assertRaises(ValidationError):
            self.branch_a.call_designated_user_ids = self.teller_a1 | self.teller_b

    def test_call_log_indexes(self):
        """The look-ups of logging a call and of the lists are indexed."""
        self.cr.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'call_log'")
        indexed = "\n".join(row[0] for row in self.cr.fetchall())
        for column in ("sheet_id", "partner_id", "call_start", "branch_id", "user_id", "call_date"):
            self.assertRegex(indexed, rf"USING btree \({column}\)", column)

    @freeze_time(WORKDAY_EVENING)
    def test_logging_a_call_costs_the_same_on_a_busy_day(self):
        """Logging a call touches its own sheet only: the cost of the tenth
        call of the day, with other days' sheets around, is the second's."""
        self.log_call(self.customers_a[0], bj(WORKDAY, 9))
        second = self.queries(lambda: self.log_call(self.customers_a[1], bj(WORKDAY, 9, 1)))
        for n, customer in enumerate(self.customers_a[2:9]):
            self.log_call(customer, bj(WORKDAY, 10, n))
            self.log_call(customer, bj(WORKDAY - datetime.timedelta(days=1), 10, n))
        tenth = self.queries(lambda: self.log_call(self.customers_a[9], bj(WORKDAY, 11)))
        self.assertEqual(tenth, second)
        self.assertLessEqual(tenth, 30)

    def corrupt(self, sheets):
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE call_sheet SET effective_customer_count = 0, shortfall = 10, call_count = 99 WHERE id IN %s",
            [tuple(sheets.ids)],
        )
        self.env["call.sheet"].invalidate_model()

    @freeze_time(WORKDAY_EVENING)
    def test_repair_counts_of_a_month(self):
        Sheet = self.env["call.sheet"]
        for day in (D(2026, 11, 2), WORKDAY):
            for customer in self.customers_a[:3]:
                self.log_call(customer, bj(day, 10))
        self.log_call(self.customer_b, bj(WORKDAY, 10), user=self.teller_b)
        october = self.log_call(self.customers_a[0], bj(D(2026, 10, 30), 10)).sheet_id
        november = Sheet.search([("date", ">=", D(2026, 11, 1)), ("date", "<=", D(2026, 11, 30))])
        self.assertEqual(len(november), 3)
        self.corrupt(november | october)
        with self.assertQueryCount(1):
            repaired = Sheet._repair_counts(D(2026, 11, 1), "2026-11-30")
        self.assertEqual(repaired, 3)
        self.assertEqual(
            sorted(november.mapped(lambda s: (s.call_count, s.effective_customer_count, s.shortfall))),
            [(1, 1, 9), (3, 3, 7), (3, 3, 7)],
        )
        self.assertEqual(october.call_count, 99, "the other months are left alone")
        self.assertEqual(Sheet._repair_counts(D(2026, 11, 1), D(2026, 11, 30)), 0)
        for date_from, date_to in ((D(2026, 11, 30), D(2026, 11, 1)), (False, D(2026, 11, 30))):
            with self.assertRaises(UserError):
                Sheet._repair_counts(date_from, date_to)

    @freeze_time(WORKDAY_EVENING)
    def test_head_office_repairs_the_months_from_the_list(self):
        sheet = self.log_call(self.customers_a[0], bj(WORKDAY, 10)).sheet_id
        october = self.log_call(self.customers_a[1], bj(D(2026, 10, 30), 10)).sheet_id
        self.submit_and_sign(sheet)
        self.corrupt(sheet | october)
        action = self.env.ref("call_tracking.action_server_call_sheet_repair_counts")
        self.assertEqual(action.binding_model_id.model, "call.sheet")
        context = {"active_model": "call.sheet", "active_ids": sheet.ids, "active_id": sheet.id}
        for user in (self.teller_a1, self.supervisor_a, self.president_a, self.auditor):
            with self.assertRaises(AccessError, msg=user.login):
                action.with_user(user).with_context(**context).run()
            with self.assertRaises(AccessError, msg=user.login):
                sheet.with_user(user).action_repair_counts()
        self.assertEqual(sheet.call_count, 99)
        result = action.with_user(self.head_office_user).with_context(**context).run()
        self.assertEqual(result["tag"], "display_notification")
        self.assertIn("1 sheet(s) corrected", result["params"]["message"])
        self.assertEqual((sheet.call_count, sheet.effective_customer_count, sheet.state), (1, 1, "president_signed"))
        self.assertEqual(october.call_count, 99, "the selected sheets' months only")
