"""A call: effective from the branch's threshold, on the right sheet, and
refused (with nothing written) when its data is wrong."""
import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import WORKDAY, WORKDAY_EVENING, CallTrackingCase, D, bj


@tagged("post_install", "-at_install")
class TestCallLog(CallTrackingCase):
    def counts(self):
        return (self.env["call.log"].search_count([]), self.env["call.sheet"].search_count([]))

    @freeze_time(WORKDAY_EVENING)
    def test_effective_from_60_seconds(self):
        short = self.log_call(self.customers_a[0], bj(WORKDAY, 9), seconds=59)
        full = self.log_call(self.customers_a[1], bj(WORKDAY, 9, 5), seconds=60)
        self.assertFalse(short.is_effective)
        self.assertTrue(full.is_effective)
        self.assertEqual(short.sheet_id, full.sheet_id)
        self.assertEqual(full.sheet_id.call_count, 2)
        self.assertEqual(full.sheet_id.effective_customer_count, 1)
        # the duration decides: a longer call becomes effective, a shorter one not
        short.with_user(self.teller_a1).duration_seconds = 61
        full.with_user(self.teller_a1).duration_seconds = 30
        self.assertTrue(short.is_effective)
        self.assertFalse(full.is_effective)
        self.assertEqual(full.sheet_id.effective_customer_count, 1)

    @freeze_time(WORKDAY_EVENING)
    def test_threshold_is_the_branch_setting(self):
        self.branch_a.call_effective_seconds = 120
        call = self.log_call(self.customers_a[0], bj(WORKDAY, 9), seconds=90)
        self.assertEqual(call.sheet_id.effective_seconds, 120)
        self.assertFalse(call.is_effective)
        # a sheet keeps the threshold it opened with: a later change is for later sheets
        self.branch_a.call_effective_seconds = 60
        self.assertFalse(self.log_call(self.customers_a[1], bj(WORKDAY, 10), seconds=90).is_effective)
        self.assertTrue(self.log_call(self.customer_b, bj(WORKDAY, 10), seconds=90, user=self.teller_b).is_effective)

    @freeze_time(WORKDAY_EVENING)
    def test_bad_durations_are_refused(self):
        before = self.counts()
        for seconds in (-1, -60, 14401, 86400):
            with self.assertRaises(ValidationError, msg=seconds):
                self.log_call(self.customers_a[0], bj(WORKDAY, 9), seconds=seconds)
        # nothing written: no call, and no sheet opened for them
        self.assertEqual(self.counts(), before)
        self.assertTrue(self.log_call(self.customers_a[0], bj(WORKDAY, 9), seconds=14400).is_effective)
        self.assertTrue(self.log_call(self.customers_a[1], bj(WORKDAY, 9), seconds=0))
        call = self.log_call(self.customers_a[2], bj(WORKDAY, 9), seconds=100)
        with self.assertRaises(ValidationError):
            call.with_user(self.teller_a1).duration_seconds = -5
        with self.assertRaises(ValidationError):
            call.with_user(self.teller_a1).duration_seconds = 5 * 3600
        self.assertEqual(call.duration_seconds, 100)

    @freeze_time(WORKDAY_EVENING)
    def test_future_call_is_refused(self):
        before = self.counts()
        now = datetime.datetime(2026, 11, 24, 10, 0, 0)
        with self.assertRaises(ValidationError):
            self.log_call(self.customers_a[0], now + datetime.timedelta(minutes=1))
        with self.assertRaises(ValidationError):  # tomorrow in Beijing: no sheet for it either
            self.log_call(self.customers_a[0], bj(WORKDAY + datetime.timedelta(days=1), 9))
        self.assertEqual(self.counts(), before)
        call = self.log_call(self.customers_a[0], now)
        with self.assertRaises(ValidationError):
            call.with_user(self.teller_a1).call_start = now + datetime.timedelta(hours=1)
        self.assertEqual(call.call_start, now)

    @freeze_time(WORKDAY_EVENING)
    def test_customer_of_another_branch_is_refused(self):
        before = self.counts()
        # a teller of A calls a customer of B
        with self.assertRaises(ValidationError):
            self.log_call(self.customer_b, bj(WORKDAY, 9))
        # an outlet teller calls a customer of the sub-branch above it
        with self.assertRaises(ValidationError):
            self.log_call(self.customers_a[0], bj(WORKDAY, 9), user=self.teller_o1)
        # keyed in by A's supervisor for B's teller
        with self.assertRaises(ValidationError):
            self.log_call(self.customers_a[0], bj(WORKDAY, 9), user=self.supervisor_a, caller=self.teller_b)
        # not a bank customer at all
        with self.assertRaises(ValidationError):
            self.log_call(self.env["res.partner"].create({"name": "Walk-in"}), bj(WORKDAY, 9))
        self.assertEqual(self.counts(), before)
        # the sub-branch's teller calls the outlet's customers; head office anyone's
        self.assertTrue(self.log_call(self.customer_o1, bj(WORKDAY, 9)))
        self.assertTrue(self.log_call(self.customer_b, bj(WORKDAY, 9), user=self.head_office_user))
        # a call cannot be moved to a customer out of the caller's branch either
        call = self.log_call(self.customers_a[0], bj(WORKDAY, 9))
        with self.assertRaises(ValidationError):
            call.with_user(self.supervisor_a).partner_id = self.customer_b
        self.assertEqual(call.partner_id, self.customers_a[0])

    @freeze_time(WORKDAY_EVENING)
    def test_derived_fields_are_not_typed(self):
        call = self.log_call(self.customers_a[0], bj(WORKDAY, 9))
        other = self.log_call(self.customer_b, bj(WORKDAY, 9), user=self.teller_b).sheet_id
        for vals in ({"sheet_id": other.id}, {"branch_id": self.branch_b.id}, {"is_effective": False}):
            with self.assertRaises(UserError, msg=vals):
                call.with_user(self.head_office_user).write(vals)
        # on create, they are derived whatever is sent
        forged = self.log_call(self.customers_a[1], bj(WORKDAY, 9), seconds=10,
                               sheet_id=other.id, branch_id=self.branch_b.id, is_effective=True)
        self.assertEqual(forged.sheet_id, call.sheet_id)
        self.assertEqual(forged.branch_id, self.branch_a)
        self.assertFalse(forged.is_effective)

    @freeze_time(WORKDAY_EVENING)
    def test_moving_a_call_moves_it_between_sheets(self):
        call = self.log_call(self.customers_a[0], bj(WORKDAY, 9))
        today = call.sheet_id
        call.with_user(self.teller_a1).call_start = bj(WORKDAY - datetime.timedelta(days=1), 16)
        yesterday = call.sheet_id
        self.assertEqual(yesterday.date, WORKDAY - datetime.timedelta(days=1))
        self.assertEqual((today.effective_customer_count, yesterday.effective_customer_count), (0, 1))

    @freeze_time(WORKDAY_EVENING)
    def test_effective_call_is_a_contact(self):
        customer = self.customers_a[0]
        activity = customer.activity_schedule(
            "call_tracking.mail_activity_type_phone_marketing", date_deadline=WORKDAY, user_id=self.teller_a1.id,
        )
        other = customer.activity_schedule(
            "call_tracking.mail_activity_type_phone_marketing", date_deadline=WORKDAY, user_id=self.teller_a2.id,
        )
        self.log_call(customer, bj(WORKDAY, 9), seconds=20)
        self.assertTrue(activity.exists(), "an ineffective call completes nothing")
        self.assertNotEqual(customer.last_contact_date, WORKDAY)
        self.log_call(customer, bj(WORKDAY, 10), seconds=75)
        self.assertFalse(activity.exists(), "the caller's to-do is done")
        self.assertTrue(other.exists(), "another teller's to-do is theirs")
        self.assertEqual(customer.last_contact_date, WORKDAY)

    @freeze_time(WORKDAY_EVENING)
    def test_log_a_call_from_the_customer(self):
        customer = self.customers_a[3].with_user(self.teller_a1)
        action = customer.action_log_call()
        self.assertEqual((action["res_model"], action["target"]), ("call.log", "new"))
        form = Form(self.env["call.log"].with_user(self.teller_a1).with_context(**action["context"]))
        self.assertEqual(form.partner_id, self.customers_a[3])
        self.assertEqual(form.user_id, self.teller_a1)
        form.duration_seconds = 95
        form.needs = "Time deposit matures on the 25th"
        form.products_marketed = "115-day wealth product"
        form.outcome = "appointment"
        call = form.save()
        self.assertTrue(call.is_effective)
        self.assertEqual(call.sheet_id.date, WORKDAY)
        self.assertEqual(customer.call_log_count, 1)
        with self.assertRaises(AccessError):
            self.customers_a[3].with_user(self.auditor).action_log_call()

    @freeze_time(WORKDAY_EVENING)
    def test_duration_is_whole_seconds(self):
        """What a client may send over RPC: only a whole number of seconds,
        refused with a clear error otherwise, and nothing written."""
        before = self.counts()
        for seconds in ("abc", "90", 12.5, None, False, True, [90], {"s": 90}):
            with self.assertRaises(ValidationError, msg=repr(seconds)):
                self.log_call(self.customers_a[0], bj(WORKDAY, 9), seconds=seconds)
        with self.assertRaises(ValidationError):
            self.log_call(self.customers_a[0], "yesterday morning")
        self.assertEqual(self.counts(), before)
        # a whole number sent as a float (some JSON clients) is that number
        call = self.log_call(self.customers_a[0], bj(WORKDAY, 9), seconds=90.0)
        self.assertEqual((call.duration_seconds, call.is_effective), (90, True))
        for seconds in ("abc", 12.5, None, False):
            with self.assertRaises(ValidationError, msg=repr(seconds)):
                call.with_user(self.teller_a1).write({"duration_seconds": seconds})
        self.assertEqual(call.duration_seconds, 90)
        call.with_user(self.teller_a1).write({"duration_seconds": 59.0})
        self.assertEqual((call.duration_seconds, call.is_effective), (59, False))

    @freeze_time(WORKDAY_EVENING)
    def test_duration_bounds(self):
        """0 to 14,400 seconds (4 hours) included; -1 and 14,401 refused."""
        before = self.counts()
        for seconds in (-1, 14401):
            with self.assertRaises(ValidationError, msg=seconds):
                self.log_call(self.customers_a[0], bj(WORKDAY, 9), seconds=seconds)
        self.assertEqual(self.counts(), before)
        zero = self.log_call(self.customers_a[0], bj(WORKDAY, 9), seconds=0)
        four_hours = self.log_call(self.customers_a[1], bj(WORKDAY, 9), seconds=14400)
        self.assertEqual((zero.is_effective, four_hours.is_effective), (False, True))
        for seconds in (-1, 14401):
            with self.assertRaises(ValidationError, msg=seconds):
                zero.with_user(self.teller_a1).duration_seconds = seconds
        zero.with_user(self.teller_a1).duration_seconds = 14400
        four_hours.with_user(self.teller_a1).duration_seconds = 0
        self.assertEqual((zero.is_effective, four_hours.is_effective), (True, False))

    @freeze_time(WORKDAY_EVENING)
    def test_calls_keyed_in_after_the_fact(self):
        """Calls may be keyed in after the fact until the day's sheet is
        signed: on a past working day's sheet (opened when it has none), never
        on a submitted or signed day, never on a day off, never tomorrow."""
        Sheet = self.env["call.sheet"]
        weeks_ago = D(2026, 11, 3)  # a Tuesday three weeks before
        before = self.counts()
        # a past working day with no sheet: the call opens it, with the branch's numbers
        late = self.log_call(self.customers_a[0], bj(weeks_ago, 10))
        self.assertEqual((late.sheet_id.date, late.sheet_id.quota, late.sheet_id.state), (weeks_ago, 10, "draft"))
        self.assertEqual(self.counts(), (before[0] + 1, before[1] + 1))
        # its draft sheet takes more calls
        self.assertEqual(self.log_call(self.customers_a[1], bj(weeks_ago, 11)).sheet_id, late.sheet_id)
        # a signed day takes none, from the supervisor's signature on
        signed_day, countersigned_day, submitted_day = D(2026, 11, 10), D(2026, 11, 11), D(2026, 11, 12)
        for day, president in ((signed_day, False), (countersigned_day, True)):
            self.submit_and_sign(self.log_call(self.customers_a[2], bj(day, 10)).sheet_id, president=president)
        submitted = self.log_call(self.customers_a[3], bj(submitted_day, 10)).sheet_id
        submitted.with_user(self.teller_a1).shortfall_reason = "Short"
        submitted.with_user(self.teller_a1).action_submit()
        self.assertEqual(
            [self.sheet_of(self.branch_a, day).state for day in (signed_day, countersigned_day, submitted.date)],
            ["supervisor_signed", "president_signed", "submitted"],
        )
        before = self.counts()
        for day in (signed_day, countersigned_day, submitted.date):
            for user in (self.teller_a1, self.supervisor_a, self.head_office_user):
                with self.assertRaises(UserError, msg=(day, user.login)):
                    self.log_call(self.customers_a[4], bj(day, 15), user=user, caller=self.teller_a1)
            # nor moved onto it
            with self.assertRaises(UserError, msg=day):
                late.with_user(self.teller_a1).call_start = bj(day, 15)
        # a day off has no sheet to key calls into: a Sunday, a public holiday
        for day_off in (D(2026, 11, 22), D(2026, 10, 1)):
            with self.assertRaisesRegex(ValidationError, "not a working day", msg=day_off):
                self.log_call(self.customers_a[4], bj(day_off, 10))
            with self.assertRaisesRegex(ValidationError, "not a working day", msg=day_off):
                late.with_user(self.teller_a1).call_start = bj(day_off, 10)
            self.assertFalse(self.sheet_of(self.branch_a, day_off))
        with self.assertRaises(ValidationError):  # nor tomorrow
            self.log_call(self.customers_a[4], bj(WORKDAY + datetime.timedelta(days=1), 9))
        self.assertEqual(self.counts(), before)
        self.assertEqual(late.call_start, bj(weeks_ago, 10))
        # a make-up working day (Saturday 10 October 2026) is a working day
        makeup = self.log_call(self.customers_a[4], bj(D(2026, 10, 10), 10)).sheet_id
        self.assertEqual((makeup.date, makeup.quota), (D(2026, 10, 10), 10))
        # before the branch's quota starts, a working day's calls count against no quota
        self.branch_a.call_quota_start_date = D(2026, 11, 2)
        early = self.log_call(self.customers_a[5], bj(D(2026, 10, 30), 10)).sheet_id
        self.assertEqual((early.quota, early.shortfall), (0, 0))
        self.assertEqual(Sheet.search_count([("branch_id", "=", self.branch_a.id), ("quota", "=", 0)]), 1)
