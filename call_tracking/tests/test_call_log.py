"""A call: effective from the branch's threshold, on the right sheet, and
refused (with nothing written) when its data is wrong."""
import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import WORKDAY, WORKDAY_EVENING, CallTrackingCase, bj


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
