"""Who reads and writes calls and sheets: own branch for staff, every branch
read-only for audit and HR, everything for head office; the circular's
numbers on the branch are head office's."""
from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import WORKDAY, WORKDAY_EVENING, CallTrackingCase, bj


@tagged("post_install", "-at_install")
class TestCallSecurity(CallTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(WORKDAY_EVENING):
            cls.call_a = cls.log_call(cls.customers_a[0], bj(WORKDAY, 9))
            cls.call_o1 = cls.log_call(cls.customer_o1, bj(WORKDAY, 9), user=cls.teller_o1)
            cls.call_b = cls.log_call(cls.customer_b, bj(WORKDAY, 9), user=cls.teller_b)
        cls.calls = cls.call_a | cls.call_o1 | cls.call_b
        cls.sheet_a, cls.sheet_b = cls.call_a.sheet_id, cls.call_b.sheet_id

    def visible(self, user, model="call.log"):
        records = self.calls if model == "call.log" else self.sheet_a | self.sheet_b
        return self.env[model].with_user(user).search([("id", "in", records.ids)])

    def test_staff_see_their_own_branch(self):
        self.assertEqual(self.visible(self.teller_a1), self.call_a | self.call_o1)
        self.assertEqual(self.visible(self.teller_o1), self.call_o1)
        self.assertEqual(self.visible(self.teller_b), self.call_b)
        with self.assertRaises(AccessError):
            self.call_a.with_user(self.teller_b).read(["partner_id", "needs"])
        with self.assertRaises(AccessError):
            self.call_b.with_user(self.teller_a1).write({"needs": "x"})
        with self.assertRaises(AccessError):
            self.call_b.with_user(self.supervisor_a).unlink()
        # the sheet is the sub-branch's: its outlet's staff see it, B's do not
        self.assertEqual(self.visible(self.teller_o1, "call.sheet"), self.sheet_a)
        self.assertEqual(self.visible(self.teller_b, "call.sheet"), self.sheet_b)
        self.assertEqual(self.sheet_a.with_user(self.teller_o1).call_ids, self.call_o1)

    def test_audit_and_hr_read_everything_and_write_nothing(self):
        for user in (self.auditor, self.hr):
            self.assertEqual(self.visible(user), self.calls)
            self.assertEqual(self.visible(user, "call.sheet"), self.sheet_a | self.sheet_b)
            self.assertEqual(self.sheet_a.with_user(user).effective_customer_count, 2)
            with self.assertRaises(AccessError), freeze_time(WORKDAY_EVENING):
                self.log_call(self.customer_b, bj(WORKDAY, 10), user=user, caller=self.teller_b)
            with self.assertRaises(AccessError):
                self.call_b.with_user(user).write({"needs": "forged"})
            with self.assertRaises(AccessError):
                self.call_b.with_user(user).unlink()
            with self.assertRaises(AccessError):
                self.sheet_b.with_user(user).write({"shortfall_reason": "forged"})
            with self.assertRaises(AccessError):
                self.sheet_b.with_user(user).action_submit()
        self.assertEqual((len(self.calls.exists()), self.call_b.needs), (3, False))

    def test_head_office_sees_and_keys_for_all(self):
        self.assertEqual(self.visible(self.head_office_user), self.calls)
        self.call_b.with_user(self.head_office_user).needs = "Large CD maturing"
        self.assertEqual(self.call_b.needs, "Large CD maturing")

    def test_users_outside_the_bank_see_no_call(self):
        with self.assertRaises(AccessError):
            self.env["call.log"].with_user(self.plain_user).search([])
        with self.assertRaises(AccessError):
            self.env["call.sheet"].with_user(self.plain_user).search([])

    def test_branch_settings_belong_to_head_office(self):
        for user in (self.president_a, self.supervisor_a, self.teller_a1):
            for vals in ({"call_daily_quota": 0}, {"call_effective_seconds": 1},
                         {"call_quota_start_date": "2030-01-01"}, {"call_deputy_supervisor_id": user.id}):
                with self.assertRaises(AccessError, msg=(user.login, vals)):
                    self.branch_a.with_user(user).write(vals)
        with self.assertRaises(AccessError):  # nor on the sheet
            self.sheet_a.with_user(self.president_a).write({"quota": 0})
        self.branch_a.with_user(self.head_office_user).write({"call_daily_quota": 8, "call_effective_seconds": 90})
        self.assertEqual((self.branch_a.call_daily_quota, self.branch_a.call_effective_seconds), (8, 90))
        self.sheet_a.with_user(self.head_office_user).quota = 8
        self.assertEqual(self.sheet_a.shortfall, 6)
        with self.assertRaises(ValidationError):
            self.branch_a.with_user(self.head_office_user).call_daily_quota = -1
        with self.assertRaises(ValidationError):
            self.branch_a.with_user(self.head_office_user).call_effective_seconds = 0

    def test_branch_managers_designate_their_own_staff(self):
        self.branch_a.with_user(self.president_a).call_designated_user_ids = self.teller_a2 | self.teller_o1
        self.assertEqual(self.branch_a.call_designated_user_ids, self.teller_a2 | self.teller_o1)
        with self.assertRaises(ValidationError):
            self.branch_a.with_user(self.president_a).call_designated_user_ids = self.teller_b
        with self.assertRaises(AccessError):
            self.branch_b.with_user(self.president_a).call_designated_user_ids = self.teller_b
        with self.assertRaises(ValidationError):
            self.sheet_a.with_user(self.president_a).designated_user_ids = self.teller_b

    def test_staff_log_and_change_their_own_calls_only(self):
        """The leaderboard ranks callers: a teller neither books a call in a
        colleague's name nor changes or deletes a colleague's call; the
        branch's supervisor keys calls in for anyone of the branch."""
        with freeze_time(WORKDAY_EVENING):
            with self.assertRaises(AccessError):
                self.log_call(self.customers_a[1], bj(WORKDAY, 11), user=self.teller_a1, caller=self.teller_a2)
            mine = self.log_call(self.customers_a[1], bj(WORKDAY, 11), user=self.teller_a1)
            theirs = self.log_call(self.customers_a[1], bj(WORKDAY, 12), user=self.teller_a2)
            for vals in ({"duration_seconds": 120}, {"needs": "x"}):
                with self.assertRaises(AccessError):
                    theirs.with_user(self.teller_a1).write(vals)
            with self.assertRaises(AccessError):
                mine.with_user(self.teller_a1).write({"user_id": self.teller_a2.id})
            with self.assertRaises(AccessError):
                theirs.with_user(self.teller_a1).unlink()
            mine.with_user(self.teller_a1).write({"needs": "wants a CD"})
            self.assertEqual(mine.needs, "wants a CD")
            keyed = self.log_call(self.customers_a[1], bj(WORKDAY, 13), user=self.supervisor_a, caller=self.teller_a2)
            self.assertEqual(keyed.user_id, self.teller_a2)

    def test_a_teller_without_branch_logs_nothing(self):
        nomad = mail_new_test_user(self.env, login="nomad", groups="base.group_user", bank_role="teller")
        with self.assertRaises(ValidationError), freeze_time(WORKDAY_EVENING):
            self.log_call(self.customers_a[1], bj(WORKDAY, 9), user=nomad)
