"""HR & general affairs' monthly check (人事综合部按月检查): 50 CNY per call
missing below the daily quota, over the working days of the month."""
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import AFTER_MONTH, MONTH, MONTH_LAST_EVENING, AuditPenaltyCase, D


@tagged("post_install", "-at_install")
class TestShortfall(AuditPenaltyCase):
    def test_month_of_branch_a(self):
        penalty = self.compute_shortfall(branches=self.branch_a)
        self.assertRecordValues(penalty, [{
            "branch_id": self.branch_a.id, "period": MONTH, "kind": "shortfall", "state": "draft",
            "quantity": 33, "unit_amount": 50.0, "amount": 1650.0, "amount_due": 1650.0,
            "shortfall_day_count": 4, "contest_state": "none",
        }])
        self.assertEqual(penalty.currency_id, self.env.ref("base.CNY"))
        sheets = {day: self.sheet_of(self.branch_a, day) for day in (D(2026, 11, 24), D(2026, 11, 25))}
        # the 23rd is before the quota start: not a line at all, although it has a sheet
        self.assertEqual([(line.date, line.sheet_id, line.quota, line.effective_customer_count, line.missing)
                          for line in penalty.line_ids], [
            # seven effective customers: 3 × 50 = 150 (the outlet's customer counts on A's
            # sheet; a 30-second call and a second call to the same customer do not)
            (D(2026, 11, 24), sheets[D(2026, 11, 24)], 10, 7, 3),
            (D(2026, 11, 25), sheets[D(2026, 11, 25)], 10, 10, 0),
            # no sheet at all: the whole quota is missing, 10 × 50 = 500
            (D(2026, 11, 26), self.env["call.sheet"], 10, 0, 10),
            (D(2026, 11, 27), self.env["call.sheet"], 10, 0, 10),
            (D(2026, 11, 30), self.env["call.sheet"], 10, 0, 10),
        ])
        self.assertEqual(self.calls[D(2026, 11, 24)].sheet_id.effective_customer_count, 7)

    def test_all_branches_and_no_duplicates(self):
        penalties = self.compute_shortfall()
        self.assertEqual(
            {(p.branch_id, p.quantity, p.amount) for p in penalties},
            {(self.branch_a, 33, 1650.0), (self.branch_b, 9, 450.0)},
        )
        # the outlet is never penalised: its calls are on its sub-branch's sheet
        self.assertNotIn(self.outlet_a1, penalties.branch_id)
        # a call keyed in late (a paper record) and the check run again: the drafts are replaced
        with freeze_time(AFTER_MONTH):
            self.log_call(self.customers_a[10], "2026-11-26 01:00:00", seconds=200)
        again = self.compute_shortfall()
        self.assertEqual(len(again), 2)
        self.assertFalse(penalties.exists())
        self.assertEqual(again.filtered(lambda p: p.branch_id == self.branch_a).quantity, 32)
        self.assertEqual(self.env["audit.penalty.line"].search_count([("penalty_id", "in", again.ids)]), 6)

    def test_confirmed_penalties_are_not_recomputed(self):
        penalty_a = self.compute_shortfall(branches=self.branch_a)
        penalty_a.with_user(self.hr).action_confirm()
        with self.assertRaisesRegex(UserError, "already confirmed for Branch A"):
            self.compute_shortfall()
        self.assertEqual(self.penalties("shortfall"), penalty_a, "nothing written for B either")
        # the other branches are still computed when chosen
        penalty_b = self.compute_shortfall(branches=self.branch_b) - penalty_a
        self.assertEqual(penalty_b.quantity, 9)
        self.assertRecordValues(penalty_a, [{"state": "confirmed", "quantity": 33, "confirmed_by_id": self.hr.id}])
        with self.assertRaisesRegex(UserError, "already confirmed"):
            penalty_a.with_user(self.hr).action_confirm()

    def test_holidays_and_make_up_days(self):
        """September 2026: Sunday the 20th is a make-up working day (调休), Friday
        the 25th is the Mid-Autumn holiday."""
        self.branch_b.call_quota_start_date = False
        penalty = self.compute_shortfall(D(2026, 9, 15), branches=self.branch_b)
        days = penalty.line_ids.mapped("date")
        self.assertIn(D(2026, 9, 20), days)
        self.assertNotIn(D(2026, 9, 25), days)
        self.assertNotIn(D(2026, 9, 19), days)  # an ordinary Saturday
        self.assertEqual(len(days), 22)
        self.assertEqual((penalty.quantity, penalty.amount), (220, 11000.0))
        # October: the National Day week counts nothing, Saturday the 10th counts
        october = self.compute_shortfall(D(2026, 10, 1), branches=self.branch_b)
        days = october.line_ids.mapped("date")
        self.assertEqual(days[:3], [D(2026, 10, 8), D(2026, 10, 9), D(2026, 10, 10)])
        self.assertEqual(len(days), 18)

    def test_days_before_the_quota_start_count_nothing(self):
        self.branch_a.call_quota_start_date = D(2026, 12, 1)
        self.assertFalse(self.compute_shortfall(branches=self.branch_a))
        self.branch_a.call_quota_start_date = D(2026, 11, 30)
        self.assertEqual(self.compute_shortfall(branches=self.branch_a).line_ids.mapped("date"), [D(2026, 11, 30)])

    def test_unit_amount_change_applies_to_later_computations(self):
        earlier = self.compute_shortfall(branches=self.branch_a)
        earlier.with_user(self.hr).action_confirm()
        self.env.company.audit_shortfall_unit_amount = 80.0
        later = self.compute_shortfall(branches=self.branch_b) - earlier
        self.assertEqual((earlier.unit_amount, earlier.amount), (50.0, 1650.0))
        self.assertEqual((later.unit_amount, later.amount), (80.0, 720.0))
        with self.assertRaises(ValidationError):
            self.env.company.audit_shortfall_unit_amount = 0

    def test_month_not_over_is_refused(self):
        Wizard = self.env["audit.shortfall.wizard"].with_user(self.hr)
        with freeze_time(MONTH_LAST_EVENING):  # 20:00 in Beijing on the 30th
            with self.assertRaisesRegex(ValidationError, "2026-11 is not over yet"):
                Wizard.create({"month": MONTH}).action_compute()
        with freeze_time(AFTER_MONTH):
            with self.assertRaisesRegex(ValidationError, "2027-01 is not over yet"):
                Wizard.create({"month": D(2027, 1, 5)}).action_compute()
        self.assertFalse(self.env["audit.penalty"].search([]))

    def test_branch_without_calendar_is_refused(self):
        self.branch_b.resource_calendar_id = False
        with self.assertRaisesRegex(ValidationError, "Branch B: no working-day calendar"):
            self.compute_shortfall()
        self.assertFalse(self.env["audit.penalty"].search([]), "nothing half-written for A")

    def test_only_sub_branches(self):
        with self.assertRaisesRegex(ValidationError, "only sub-branches are checked"):
            self.compute_shortfall(branches=self.outlet_a1)

    def test_default_month_is_the_previous_one(self):
        with freeze_time(AFTER_MONTH):
            self.assertEqual(self.env["audit.shortfall.wizard"].with_user(self.hr).create({}).month, MONTH)

    def test_only_hr_runs_the_check(self):
        for user in (self.auditor, self.president_a, self.head_office_user):
            with self.assertRaises(AccessError, msg=user.login):
                self.compute_shortfall(user=user)
        # the model's method refuses them too, whatever the screen
        with freeze_time(AFTER_MONTH), self.assertRaisesRegex(AccessError, "Only HR"):
            self.env["audit.penalty"].with_user(self.auditor)._compute_shortfall_penalties(MONTH)
