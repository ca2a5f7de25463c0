"""Submit, then the accounting supervisor, then the branch president sign
(签字确认), each once, each the right person; a signed sheet is final for
everyone until head office reopens it, with who, when and why recorded."""
import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import WORKDAY, WORKDAY_EVENING, CallTrackingCase, bj

SIGNED_AT = datetime.datetime(2026, 11, 24, 10, 0, 0)


@tagged("post_install", "-at_install")
class TestSignOff(CallTrackingCase):
    def flush_tracking(self):
        """Tracking messages are posted when the transaction commits (precommit)."""
        self.env.flush_all()
        self.env.cr.precommit.run()

    def full_day(self):
        for minute, customer in enumerate(self.customers_a[:10]):
            self.log_call(customer, bj(WORKDAY, 9, minute))
        return self.sheet_of(self.branch_a, WORKDAY)

    @freeze_time(WORKDAY_EVENING)
    def test_sign_off_in_order(self):
        sheet = self.full_day()
        self.assertEqual(sheet.state, "draft")
        sheet.with_user(self.teller_a1).action_submit()
        self.flush_tracking()
        self.assertEqual(
            (sheet.state, sheet.submitted_by_id, sheet.submitted_date), ("submitted", self.teller_a1, SIGNED_AT))
        self.assertTrue(sheet.with_user(self.supervisor_a).can_sign_supervisor)
        self.assertFalse(sheet.with_user(self.president_a).can_sign_president)
        sheet.with_user(self.supervisor_a).action_sign_supervisor()
        self.flush_tracking()
        self.assertEqual(
            (sheet.state, sheet.supervisor_id, sheet.supervisor_signed_date),
            ("supervisor_signed", self.supervisor_a, SIGNED_AT),
        )
        self.assertTrue(sheet.with_user(self.president_a).can_sign_president)
        sheet.with_user(self.president_a).action_sign_president()
        self.flush_tracking()
        self.assertEqual(
            (sheet.state, sheet.president_id, sheet.president_signed_date),
            ("president_signed", self.president_a, SIGNED_AT),
        )
        tracked = sheet.message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "state")
        self.assertEqual(len(tracked), 3, "each transition is in the chatter")

    @freeze_time(WORKDAY_EVENING)
    def test_only_the_right_person_signs(self):
        sheet = self.full_day()
        sheet.with_user(self.teller_a1).action_submit()
        for user in (self.teller_a1, self.supervisor_b, self.president_a, self.head_office_user, self.admin):
            with self.assertRaises(UserError, msg=user.login):
                sheet.with_user(user).action_sign_supervisor()
        with self.assertRaises(UserError):  # the superuser is nobody's supervisor
            sheet.sudo().action_sign_supervisor()
        self.assertEqual(sheet.state, "submitted")
        sheet.with_user(self.supervisor_a).action_sign_supervisor()
        for user in (self.teller_a1, self.supervisor_a, self.president_b, self.head_office_user, self.admin):
            with self.assertRaises(UserError, msg=user.login):
                sheet.with_user(user).action_sign_president()
        self.assertEqual(sheet.state, "supervisor_signed")

    @freeze_time(WORKDAY_EVENING)
    def test_out_of_order_and_twice_are_refused(self):
        sheet = self.full_day()
        with self.assertRaises(UserError):  # not submitted yet
            sheet.with_user(self.supervisor_a).action_sign_supervisor()
        sheet.with_user(self.teller_a1).action_submit()
        with self.assertRaises(UserError):
            sheet.with_user(self.teller_a1).action_submit()
        with self.assertRaises(UserError):  # the president before the supervisor
            sheet.with_user(self.president_a).action_sign_president()
        sheet.with_user(self.supervisor_a).action_sign_supervisor()
        with self.assertRaises(UserError):
            sheet.with_user(self.supervisor_a).action_sign_supervisor()
        sheet.with_user(self.president_a).action_sign_president()
        with self.assertRaises(UserError):
            sheet.with_user(self.president_a).action_sign_president()
        with self.assertRaises(UserError):
            sheet.with_user(self.teller_a1).action_draft()
        self.assertEqual((sheet.supervisor_id, sheet.president_id), (self.supervisor_a, self.president_a))

    @freeze_time(WORKDAY_EVENING)
    def test_deputies_sign(self):
        self.branch_a.write({"call_deputy_supervisor_id": self.cm_a.id, "call_deputy_president_id": self.staff_a.id})
        sheet = self.full_day()
        sheet.with_user(self.teller_a1).action_submit()
        sheet.with_user(self.cm_a).action_sign_supervisor()
        sheet.with_user(self.staff_a).action_sign_president()
        self.assertEqual(
            (sheet.state, sheet.supervisor_id, sheet.president_id), ("president_signed", self.cm_a, self.staff_a))

    @freeze_time(WORKDAY_EVENING)
    def test_one_person_does_not_sign_twice(self):
        # the president, named deputy supervisor too, may sign one of the two places only
        self.branch_a.call_deputy_supervisor_id = self.president_a
        sheet = self.full_day()
        sheet.with_user(self.teller_a1).action_submit()
        sheet.with_user(self.president_a).action_sign_supervisor()
        with self.assertRaises(UserError):
            sheet.with_user(self.president_a).action_sign_president()
        self.assertEqual(sheet.state, "supervisor_signed")

    @freeze_time(WORKDAY_EVENING)
    def test_shortfall_needs_a_reason(self):
        self.log_call(self.customers_a[0], bj(WORKDAY, 9))
        sheet = self.sheet_of(self.branch_a, WORKDAY)
        self.assertEqual(sheet.shortfall, 9)
        with self.assertRaises(UserError):
            sheet.with_user(self.teller_a1).action_submit()
        sheet.with_user(self.teller_a1).shortfall_reason = "   "
        with self.assertRaises(UserError):
            sheet.with_user(self.teller_a1).action_submit()
        self.assertEqual(sheet.state, "draft")
        sheet.with_user(self.teller_a1).shortfall_reason = "Half the customers did not answer"
        sheet.with_user(self.teller_a1).action_submit()
        self.assertEqual(sheet.state, "submitted")

    @freeze_time(WORKDAY_EVENING)
    def test_a_caller_is_designated(self):
        sheet = self.full_day()
        sheet.with_user(self.president_a).designated_user_ids = False
        with self.assertRaises(UserError):
            sheet.with_user(self.teller_a1).action_submit()
        with self.assertRaises(AccessError):  # the branch's managers designate
            sheet.with_user(self.teller_a1).designated_user_ids = self.teller_a2
        sheet.with_user(self.president_a).designated_user_ids = self.teller_a2
        sheet.with_user(self.teller_a1).action_submit()
        self.assertEqual(sheet.state, "submitted")

    @freeze_time(WORKDAY_EVENING)
    def test_state_and_signatures_only_through_the_buttons(self):
        sheet = self.full_day()
        for env_user in (self.teller_a1, self.supervisor_a, self.president_a, self.head_office_user, self.admin):
            for vals in ({"state": "president_signed"}, {"supervisor_id": env_user.id}, {"reopen_reason": "x"}):
                with self.assertRaises(UserError, msg=(env_user.login, vals)):
                    sheet.with_user(env_user).write(vals)
        with self.assertRaises(UserError):
            sheet.sudo().write({"state": "supervisor_signed"})
        with self.assertRaises(UserError):
            self.env["call.sheet"].create({"branch_id": self.branch_b.id, "date": WORKDAY, "state": "president_signed"})
        self.assertEqual(sheet.state, "draft")

    @freeze_time(WORKDAY_EVENING)
    def test_signed_sheet_is_final_for_everyone(self):
        sheet = self.full_day()
        call = sheet.call_ids[0]
        self.submit_and_sign(sheet, president=False)
        self.assertTrue(sheet.is_locked, "final from the supervisor's signature on")
        # everyone: the teller, the supervisor, head office, the administrator, the superuser
        for env in (
            self.env(user=self.teller_a1), self.env(user=self.supervisor_a), self.env(user=self.head_office_user),
            self.env(user=self.admin), self.env(su=True),
        ):
            with self.assertRaises(UserError):
                call.with_env(env).write({"needs": "rewritten"})
            with self.assertRaises(UserError):
                call.with_env(env).unlink()
            with self.assertRaises(UserError):  # no new call dated that day
                env["call.log"].create({
                    "partner_id": self.customers_a[11].id, "user_id": self.teller_a1.id,
                    "call_start": bj(WORKDAY, 15), "duration_seconds": 100,
                })
            with self.assertRaises(UserError):
                sheet.with_env(env).write({"shortfall_reason": "rewritten"})
            with self.assertRaises(UserError):
                sheet.with_env(env).unlink()
        # nor moved away from it, nor moved onto it
        with self.assertRaises(UserError):
            call.with_user(self.teller_a1).call_start = bj(WORKDAY - datetime.timedelta(days=1), 9)
        other = self.log_call(self.customers_a[11], bj(WORKDAY - datetime.timedelta(days=1), 9))
        with self.assertRaises(UserError):
            other.with_user(self.teller_a1).call_start = bj(WORKDAY, 16)
        self.assertEqual((len(sheet.call_ids), sheet.effective_customer_count, call.needs), (10, 10, False))
        # the president still countersigns a sheet locked by the supervisor's signature
        sheet.with_user(self.president_a).action_sign_president()
        self.assertEqual(sheet.state, "president_signed")
        with self.assertRaises(UserError):
            call.with_user(self.admin).write({"duration_seconds": 5})

    @freeze_time(WORKDAY_EVENING)
    def test_head_office_reopens_with_a_reason(self):
        sheet = self.submit_and_sign(self.full_day())
        for user in (self.teller_a1, self.supervisor_a, self.president_a, self.auditor, self.hr):
            with self.assertRaises(AccessError, msg=user.login):
                sheet.with_user(user).action_reopen("I want to")
        with self.assertRaises(UserError):
            sheet.with_user(self.head_office_user).action_reopen("  ")
        self.assertEqual(sheet.state, "president_signed")
        wizard = Form(self.env["call.sheet.reopen"].with_user(self.head_office_user).with_context(
            **sheet.with_user(self.head_office_user).action_open_reopen_wizard()["context"]))
        wizard.reason = "Audit: customer 3 was keyed twice"
        wizard.save().action_reopen()
        self.assertEqual(
            (sheet.state, sheet.reopened_by_id, sheet.reopened_date, sheet.reopen_reason),
            ("draft", self.head_office_user, SIGNED_AT, "Audit: customer 3 was keyed twice"),
        )
        self.assertFalse(sheet.supervisor_id | sheet.president_id, "signed again after the correction")
        self.flush_tracking()
        self.assertTrue(
            sheet.message_ids.filtered(lambda m: "Audit: customer 3 was keyed twice" in m.body
                                       and m.author_id == self.head_office_user.partner_id),
            "who and why are in the chatter",
        )
        # the calls can be corrected again, then the sheet goes round again
        sheet.call_ids[0].with_user(self.teller_a1).needs = "corrected"
        self.submit_and_sign(sheet)
        self.assertEqual(sheet.state, "president_signed")
        with self.assertRaises(UserError):  # only a signed sheet is reopened
            self.log_call(self.customer_b, bj(WORKDAY, 9), user=self.teller_b).sheet_id.with_user(
                self.head_office_user).action_reopen("why not")

    @freeze_time(WORKDAY_EVENING)
    def test_back_to_draft_before_signature(self):
        sheet = self.full_day()
        sheet.with_user(self.teller_a1).action_submit()
        sheet.with_user(self.teller_a1).action_draft()
        self.assertEqual((sheet.state, sheet.submitted_by_id), ("draft", self.env["res.users"]))
        with self.assertRaises(UserError):
            sheet.with_user(self.teller_a1).action_draft()
        # back in draft, the day's late call goes in, and the sheet is submitted again
        self.log_call(self.customers_a[10], bj(WORKDAY, 17))
        self.assertEqual(sheet.effective_customer_count, 11)
        sheet.with_user(self.teller_a1).action_submit()
        self.assertEqual(sheet.state, "submitted")

    @freeze_time(WORKDAY_EVENING)
    def test_submitted_sheet_waits_as_handed_in(self):
        """A submitted sheet takes no call, and its calls do not change, until
        it goes back to draft: the supervisor signs the counts and the reason
        for the shortfall that were submitted, never stale ones."""
        for minute, customer in enumerate(self.customers_a[:8]):
            self.log_call(customer, bj(WORKDAY, 9, minute))
        sheet = self.sheet_of(self.branch_a, WORKDAY)
        sheet.with_user(self.teller_a1).shortfall_reason = "Two customers abroad"
        sheet.with_user(self.teller_a1).action_submit()
        call = sheet.call_ids[0]
        yesterday = self.log_call(self.customers_a[11], bj(WORKDAY - datetime.timedelta(days=1), 9))
        before = (self.env["call.log"].search_count([]), sheet.call_count, sheet.effective_customer_count)
        for user in (self.teller_a1, self.supervisor_a, self.head_office_user):
            with self.assertRaisesRegex(UserError, "Back to Draft", msg=user.login):  # a new call dated that day
                self.log_call(self.customers_a[9], bj(WORKDAY, 17), user=user, caller=self.teller_a1)
        with self.assertRaisesRegex(UserError, "Back to Draft"):  # nor a change to its calls
            call.with_user(self.teller_a1).duration_seconds = 10
        with self.assertRaisesRegex(UserError, "Back to Draft"):
            call.with_user(self.teller_a1).needs = "rewritten"
        with self.assertRaisesRegex(UserError, "Back to Draft"):
            call.with_user(self.teller_a1).unlink()
        with self.assertRaisesRegex(UserError, "Back to Draft"):  # nor a call moved onto it or off it
            yesterday.with_user(self.teller_a1).call_start = bj(WORKDAY, 16)
        with self.assertRaisesRegex(UserError, "Back to Draft"):
            call.with_user(self.teller_a1).call_start = bj(WORKDAY - datetime.timedelta(days=1), 16)
        # nor the sheet itself: its reason, its callers, its quota
        with self.assertRaisesRegex(UserError, "Back to Draft"):
            sheet.with_user(self.teller_a1).shortfall_reason = "rewritten"
        with self.assertRaisesRegex(UserError, "Back to Draft"):
            sheet.with_user(self.president_a).designated_user_ids = self.teller_a2
        with self.assertRaisesRegex(UserError, "Back to Draft"):
            sheet.with_user(self.head_office_user).quota = 8
        self.assertEqual(
            (self.env["call.log"].search_count([]), sheet.call_count, sheet.effective_customer_count), before,
        )
        self.assertEqual(
            (sheet.state, sheet.shortfall, sheet.shortfall_reason), ("submitted", 2, "Two customers abroad"),
        )
        self.assertEqual((call.duration_seconds, call.needs), (90, False))
        self.assertEqual(yesterday.call_date, WORKDAY - datetime.timedelta(days=1))
        # the sheet can still be discussed in its chatter
        sheet.with_user(self.supervisor_a).message_post(body="Checked the two customers abroad")
        # back to draft: the late calls go in, the reason is revised, the sheet is submitted again
        sheet.with_user(self.teller_a1).action_draft()
        self.log_call(self.customers_a[8], bj(WORKDAY, 17))
        self.log_call(self.customers_a[9], bj(WORKDAY, 17, 5))
        self.assertEqual((sheet.effective_customer_count, sheet.shortfall), (10, 0))
        sheet.with_user(self.teller_a1).shortfall_reason = False
        sheet.with_user(self.teller_a1).action_submit()
        sheet.with_user(self.supervisor_a).action_sign_supervisor()
        self.assertEqual((sheet.state, sheet.effective_customer_count), ("supervisor_signed", 10))
