"""The tiering audit (客户细分审计): the stored tiers checked against the
thresholds each branch applies, by the nightly engine's own rule, at its
boundaries; customers without an owner; customers never tiered; counts per
branch with the drill-down to the customers; only the Audit Department runs
it and no branch reads it."""
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.addons.star_tiering.tests.common import StarTieringCase


@tagged("post_install", "-at_install")
class TestTieringAudit(StarTieringCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # sub-branch A's own policy: 4★ from 200,000; outlet A1 inherits it,
        # sub-branch B keeps head office's (4★ from 300,000)
        StarTieringCase.customise_policy(cls, cls.branch_a, **{"3": 50000, "4": 200000, "5": 1000000})
        cls.hr = mail_new_test_user(cls.env, login="hr_tiering", groups="base.group_user",
                                    branch_id=cls.head_office.id, bank_role="hr_general_affairs")
        cls.teller_gone = mail_new_test_user(cls.env, login="teller_gone", groups="base.group_user",
                                             branch_id=cls.branch_b.id, bank_role="teller")
        make = cls.make_customer
        cls.c = {
            # B, head office's thresholds: 300,000 is 4★ (a minimum belongs to its tier)
            "b_on_threshold_stored_3": make(300000, branch=cls.branch_b),
            "b_on_threshold_stored_4": make(300000, branch=cls.branch_b),
            "b_below_stored_3": make(299999.99, branch=cls.branch_b),
            "b_below_stored_4": make(299999.99, branch=cls.branch_b),
            # the outlet applies its sub-branch's thresholds: 250,000 is 4★ there (3★ at head office's)
            "o1_stored_4": make(250000, branch=cls.outlet_a1),
            "o1_stored_3": make(250000, branch=cls.outlet_a1),
            "a_on_threshold_stored_3": make(200000, branch=cls.branch_a),
            # 1★ is no business at all, 2★ any business
            "a_no_business_stored_2": make(0, branch=cls.branch_a, has_business=False),
            "a_business_no_assets_stored_1": make(0, branch=cls.branch_a, has_business=True),
            "a_without_owner": make(20000, branch=cls.branch_a),
            "b_owner_left": make(20000, branch=cls.branch_b),
            # archived: not audited, however wrong
            "a_archived": make(5000000, branch=cls.branch_a),
        }
        cls.env["res.partner"]._star_tiering_apply(cls.branch_a | cls.outlet_a1 | cls.branch_b)
        stored = {
            "b_on_threshold_stored_3": "3", "b_below_stored_4": "4", "o1_stored_3": "3",
            "a_on_threshold_stored_3": "3", "a_no_business_stored_2": "2", "a_business_no_assets_stored_1": "1",
            "a_archived": "2",
        }
        for key, tier in stored.items():
            cls.c[key].sudo().star_tier = tier
        cls.c["a_without_owner"].sudo().tier_owner_id = False
        cls.c["b_owner_left"].sudo().tier_owner_id = cls.teller_gone
        cls.c["a_archived"].sudo().active = False
        # a member of staff archived outside the ORM (an import): nothing re-routed their customer
        cls.env.flush_all()
        cls.env.cr.execute("UPDATE res_users SET active = FALSE WHERE id = %s", [cls.teller_gone.id])
        cls.env["res.users"].invalidate_model(["active"])
        # registered after the night's run: never tiered
        cls.c["b_never_tiered"] = make(700000, branch=cls.branch_b)
        cls.c["no_branch"] = cls.env["res.partner"].create({"name": "Not a bank customer"})

    def run_audit(self, branches=None, user=None):
        action = self.env["audit.tiering.wizard"].with_user(user or self.auditor).create({
            "branch_ids": [(6, 0, (branches or self.env["bank.branch"]).ids)],
        }).action_run()
        self.assertEqual((action["res_model"], action["view_mode"]), ("audit.tiering.run", "form"))
        return self.env["audit.tiering.run"].browse(action["res_id"])

    def findings(self, run):
        return {(finding.partner_id, finding.kind): finding for finding in run.with_user(self.auditor)
                .env["audit.tiering.finding"].search([("run_id", "=", run.id)])}

    def test_each_kind_at_its_boundary(self):
        run = self.run_audit()
        c = self.c
        found = self.findings(run)
        self.assertEqual(
            {(partner, kind): (finding.star_tier, finding.expected_tier) for (partner, kind), finding in found.items()},
            {
                (c["b_on_threshold_stored_3"], "tier_mismatch"): ("3", "4"),
                (c["b_below_stored_4"], "tier_mismatch"): ("4", "3"),
                (c["o1_stored_3"], "tier_mismatch"): ("3", "4"),
                (c["a_on_threshold_stored_3"], "tier_mismatch"): ("3", "4"),
                (c["a_no_business_stored_2"], "tier_mismatch"): ("2", "1"),
                (c["a_business_no_assets_stored_1"], "tier_mismatch"): ("1", "2"),
                (c["a_without_owner"], "no_owner"): ("2", "2"),
                (c["b_owner_left"], "no_owner"): ("2", "2"),
                # never tiered only: no tier to contradict, no owner yet
                (c["b_never_tiered"], "never_tiered"): ("0", "4"),
            },
        )
        # the correct ones, the archived customer and a non-customer are not reported
        for key in ("b_on_threshold_stored_4", "b_below_stored_3", "o1_stored_4", "a_archived", "no_branch"):
            self.assertFalse([k for k in found if k[0] == c[key]], key)
        # the evidence: the assets compared, the owner, whose thresholds applied
        outlet = found[c["o1_stored_3"], "tier_mismatch"]
        self.assertEqual((outlet.aum, outlet.branch_id, outlet.policy_branch_id),
                         (250000.0, self.outlet_a1, self.branch_a))
        self.assertEqual(found[c["b_on_threshold_stored_3"], "tier_mismatch"].policy_branch_id, self.head_office)
        self.assertEqual(found[c["b_owner_left"], "no_owner"].owner_id, self.teller_gone)
        # the customers were not touched
        self.assertEqual(c["b_on_threshold_stored_3"].star_tier, "3")

    def test_counts_per_branch_and_drill_down(self):
        run = self.run_audit().with_user(self.auditor)
        customers = self.env["res.partner"].search_count([("branch_id", "!=", False)])
        self.assertRecordValues(run, [{
            "customer_count": customers, "mismatch_count": 6, "no_owner_count": 2, "never_tiered_count": 1,
            "finding_count": 9, "run_by_id": self.auditor.id, "branch_ids": [],
        }])
        by_branch = {result.branch_id: result for result in run.result_ids}
        self.assertEqual(
            {branch.code: (r.mismatch_count, r.no_owner_count, r.never_tiered_count, r.finding_count)
             for branch, r in by_branch.items()},
            {"T-A": (3, 1, 0, 4), "T-A1": (1, 0, 0, 1), "T-B": (2, 1, 1, 4)},
        )
        self.assertEqual(by_branch[self.branch_b].customer_count, 6)
        Partner = self.env["res.partner"].with_user(self.auditor)
        action = by_branch[self.branch_a].action_view_mismatch()
        self.assertEqual((action["res_model"], action["context"]), ("res.partner", {}))
        self.assertEqual(Partner.search(action["domain"]),
                         self.c["a_on_threshold_stored_3"] | self.c["a_no_business_stored_2"]
                         | self.c["a_business_no_assets_stored_1"])
        self.assertEqual(Partner.search(by_branch[self.branch_b].action_view_never_tiered()["domain"]),
                         self.c["b_never_tiered"])
        self.assertEqual(Partner.search(run.action_view_no_owner()["domain"]),
                         self.c["a_without_owner"] | self.c["b_owner_left"])
        self.assertEqual(len(Partner.search(run.action_view_customers()["domain"])), 9)
        findings = self.env["audit.tiering.finding"].with_user(self.auditor).search(
            by_branch[self.outlet_a1].action_view_findings()["domain"])
        self.assertEqual(findings.partner_id, self.c["o1_stored_3"])
        # the findings list searches its customers and branches by name too
        Finding = self.env["audit.tiering.finding"].with_user(self.auditor)
        self.c["b_never_tiered"].name = "Never Tiered Customer Zhou"
        self.assertEqual(Finding.search([("run_id", "=", run.id), ("partner_id", "ilike", "Zhou")]).kind,
                         "never_tiered")
        self.assertEqual(len(Finding.search([("run_id", "=", run.id), ("branch_id", "ilike", "Outlet A1")])), 1)
        self.assertEqual(len(Finding.search([("run_id", "=", run.id), ("branch_id", "not in", [self.branch_b.id])])),
                         5)
        # a later run keeps its own findings: the drill-down is per run
        self.c["a_without_owner"].sudo().tier_owner_id = self.teller_a1
        second = self.run_audit()
        self.assertEqual(second.no_owner_count, 1)
        self.assertEqual(Partner.search(run.action_view_no_owner()["domain"]),
                         self.c["a_without_owner"] | self.c["b_owner_left"])

    def test_branch_scope_includes_outlets(self):
        run = self.run_audit(self.branch_a)
        self.assertEqual(run.result_ids.branch_id, self.branch_a | self.outlet_a1)
        self.assertEqual((run.mismatch_count, run.no_owner_count, run.never_tiered_count), (4, 1, 0))
        self.assertEqual(run.branch_ids, self.branch_a)

    def test_the_next_night_clears_the_mismatches(self):
        """The audit and the engine agree: after the nightly run nothing contradicts the thresholds."""
        self.env["res.partner"]._star_tiering_apply(self.branch_a | self.outlet_a1 | self.branch_b)
        run = self.run_audit()
        self.assertEqual((run.mismatch_count, run.never_tiered_count), (0, 0))
        # the owner who left keeps nothing either once the engine re-routed
        self.assertEqual(run.no_owner_count, 0)

    def test_query_count_does_not_grow_with_the_customers(self):
        """Set-based: the same statements for 13 customers or 43."""
        Run = self.env["audit.tiering.run"].with_user(self.auditor)
        Run._run_audit()  # the caches (groups, references) warmed up
        queries = self._count_queries(Run._run_audit)
        for _i in range(30):
            self.make_customer(70000, branch=self.branch_b)
        self.assertEqual(self._count_queries(Run._run_audit), queries)

    def _count_queries(self, function):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        function()
        return self.cr.sql_log_count - before

    def test_only_the_audit_department_runs_it_and_no_branch_reads_it(self):
        run = self.run_audit()
        for user in (self.hr, self.head_office_user, self.president_a, self.teller_a1):
            with self.assertRaises(AccessError, msg=user.login):
                self.run_audit(user=user)
            with self.assertRaises(AccessError, msg=user.login):
                self.env["audit.tiering.run"].with_user(user)._run_audit()
        # head office reads it (it owns the tier policy); HR and the branches do not
        self.assertEqual(self.env["audit.tiering.run"].with_user(self.head_office_user).search([]), run)
        self.assertEqual(len(self.env["audit.tiering.finding"].with_user(self.head_office_user).search([])), 9)
        for user in (self.hr, self.president_a, self.teller_a1):
            for model in ("audit.tiering.run", "audit.tiering.result", "audit.tiering.finding"):
                with self.assertRaises(AccessError, msg=f"{user.login} {model}"):
                    self.env[model].with_user(user).search([])
        # nobody edits a run or its findings
        with self.assertRaises(AccessError):
            run.with_user(self.auditor).write({"mismatch_count": 0})
        finding = self.env["audit.tiering.finding"].search([("run_id", "=", run.id)], limit=1)
        with self.assertRaises(AccessError):
            finding.with_user(self.auditor).write({"kind": "no_owner"})
        with self.assertRaises(AccessError):
            finding.with_user(self.auditor).unlink()
        # the auditors may drop their own working paper (its findings go with it)
        run.with_user(self.auditor).unlink()
        self.assertFalse(self.env["audit.tiering.finding"].search([("run_id", "=", run.id)]))
