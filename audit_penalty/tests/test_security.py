"""Who does what: HR runs the shortfall check, the audit department the
samples, head office decides the contests, a branch reads its own final
results only; every path as the users themselves (with_user)."""
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models import draw
from .common import AFTER_MONTH, MONTH, AuditPenaltyCase, D


@tagged("post_install", "-at_install")
class TestAuditSecurity(AuditPenaltyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time(AFTER_MONTH):
            penalties = cls.env["audit.penalty"].with_user(cls.hr)._compute_shortfall_penalties(MONTH)
        cls.shortfall = penalties.with_env(cls.env)
        cls.shortfall_a = cls.shortfall.filtered(lambda p: p.branch_id == cls.branch_a)
        cls.shortfall_b = cls.shortfall - cls.shortfall_a
        cls.shortfall.with_user(cls.hr).action_confirm()
        population = [D(2026, 11, 23), D(2026, 11, 24), D(2026, 11, 25)]
        seed = next(f"s{n}" for n in range(100) if draw.draw_day(f"s{n}", "T-A", MONTH, population) == population[1])
        with freeze_time("2026-11-20 10:00:00"):
            cls.env["audit.seed.commitment"].with_user(cls.auditor).create({"period": MONTH,
                                                                            "seed_hash": draw.seed_hash(seed)})
        with freeze_time(AFTER_MONTH):
            cls.env["audit.sampling.wizard"].with_user(cls.auditor).create({"month": MONTH, "seed": seed}).action_draw()
        cls.samples = cls.env["audit.sample"].search([("period", "=", MONTH)])
        cls.sample_a = cls.samples.filtered(lambda s: s.branch_id == cls.branch_a)
        cls.sample_b = cls.samples - cls.sample_a
        cls.sample_a.line_ids.with_user(cls.auditor).result = "falsified"
        cls.sample_a.with_user(cls.auditor).action_confirm()
        cls.falsification_a = cls.env["audit.penalty"].search([("kind", "=", "falsification")])

    def visible(self, user, model="audit.penalty"):
        return self.env[model].with_user(user).search([])

    def test_roles_grant_the_audit_groups(self):
        self.assertTrue(self.hr.has_group("audit_penalty.group_audit_hr"))
        self.assertFalse(self.hr.has_group("audit_penalty.group_audit_department"))
        self.assertTrue(self.auditor.has_group("audit_penalty.group_audit_department"))
        self.assertFalse(self.auditor.has_group("audit_penalty.group_audit_hr"))
        for user in (self.president_a, self.teller_a1, self.head_office_user, self.plain_user):
            self.assertFalse(user.has_group("audit_penalty.group_audit_hr"), user.login)
            self.assertFalse(user.has_group("audit_penalty.group_audit_department"), user.login)
        # both read every branch (star_tiering's auditor group)
        self.assertTrue(self.hr.has_group("star_tiering.group_bank_auditor"))
        # a role change takes the group away
        self.auditor.bank_role = "teller"
        self.assertFalse(self.auditor.has_group("audit_penalty.group_audit_department"))
        self.assertFalse(self.auditor.has_group("star_tiering.group_bank_auditor"))
        self.teller_b.bank_role = "hr_general_affairs"
        self.assertTrue(self.teller_b.has_group("audit_penalty.group_audit_hr"))

    def test_branches_read_their_own_results(self):
        all_penalties = self.shortfall | self.falsification_a
        self.assertEqual(self.visible(self.president_a), self.shortfall_a | self.falsification_a)
        self.assertEqual(self.visible(self.teller_a1), self.shortfall_a | self.falsification_a)
        self.assertEqual(self.visible(self.teller_o1), self.shortfall_a | self.falsification_a, "outlet staff")
        self.assertEqual(self.visible(self.president_b), self.shortfall_b)
        self.assertEqual(self.visible(self.teller_b), self.shortfall_b)
        for user in (self.hr, self.auditor, self.head_office_user):
            self.assertEqual(self.visible(user), all_penalties, user.login)
        with self.assertRaises(AccessError):
            self.shortfall_b.with_user(self.president_a).read(["amount"])
        with self.assertRaises(AccessError):
            self.shortfall_a.with_user(self.teller_b).read(["amount"])
        with self.assertRaises(AccessError):
            self.env["audit.penalty"].with_user(self.plain_user).search([])
        # the evidence follows its penalty
        self.assertEqual(self.visible(self.teller_b, "audit.penalty.line"), self.shortfall_b.line_ids)
        self.assertEqual(self.visible(self.president_a, "audit.penalty.line"), self.shortfall_a.line_ids)

    def test_open_samples_are_the_auditors(self):
        # A's sample is confirmed: A reads it; B's is open: B does not see it
        self.assertEqual(self.visible(self.president_a, "audit.sample"), self.sample_a)
        self.assertEqual(self.visible(self.teller_a1, "audit.sample.line"), self.sample_a.line_ids)
        self.assertFalse(self.visible(self.president_b, "audit.sample"))
        self.assertFalse(self.visible(self.teller_b, "audit.sample.line"))
        for user in (self.auditor, self.hr, self.head_office_user):
            self.assertEqual(self.visible(user, "audit.sample"), self.samples, user.login)
        # the commitment is public
        self.assertEqual(len(self.visible(self.teller_b, "audit.seed.commitment")), 1)

    def test_branches_write_nothing(self):
        for user in (self.president_a, self.teller_a1):
            penalty = self.shortfall_a.with_user(user)
            with self.assertRaises(AccessError, msg=user.login):
                penalty.write({"note": "fine"})
            with self.assertRaises(AccessError, msg=user.login):
                penalty.unlink()
            with self.assertRaises(AccessError, msg=user.login):
                self.env["audit.penalty"].with_user(user).create({
                    "branch_id": self.branch_a.id, "period": D(2026, 10, 1), "kind": "shortfall"})
            with self.assertRaises(AccessError, msg=user.login):
                penalty.action_confirm()
            with self.assertRaises(AccessError, msg=user.login):
                self.env["audit.shortfall.wizard"].with_user(user).create({"month": MONTH})
            with self.assertRaises(AccessError, msg=user.login):
                self.env["audit.sampling.wizard"].with_user(user).create({"month": MONTH})
            with self.assertRaises(AccessError, msg=user.login):
                self.sample_b.line_ids[:1].with_user(user).write({"result": "verified"})
            with self.assertRaises(AccessError, msg=user.login):
                self.env.company.with_user(user).audit_shortfall_unit_amount = 1

    def test_departments_keep_to_their_own_check(self):
        self.branch_b.call_quota_start_date = False
        with freeze_time(AFTER_MONTH):
            draft = self.env["audit.penalty"].with_user(self.hr)._compute_shortfall_penalties(
                D(2026, 10, 1), self.branch_b)
        with self.assertRaisesRegex(AccessError, "Only HR"):
            draft.with_user(self.auditor).action_confirm()
        with self.assertRaisesRegex(AccessError, "Only HR"):
            draft.with_user(self.auditor).unlink()
        with self.assertRaisesRegex(AccessError, "Only the Audit Department"):
            self.env["audit.penalty"].with_user(self.hr).create({
                "branch_id": self.branch_b.id, "period": D(2026, 10, 1), "kind": "falsification"})
        with self.assertRaises(UserError):
            self.sample_b.with_user(self.hr).action_confirm()
        # head office decides contests, it does not run the checks
        with self.assertRaises(AccessError):
            draft.with_user(self.head_office_user).action_confirm()
        draft.with_user(self.hr).action_confirm()
