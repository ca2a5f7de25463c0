"""The penalty ledger: a confirmed penalty is final for everyone; the branch
president contests it, head office decides, nothing is deleted and every step
is in the chatter; the bulletin's figures and its publication."""
import base64

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..models import draw
from .common import AFTER_MONTH, MONTH, AuditPenaltyCase, D


@tagged("post_install", "-at_install")
class TestPenaltyLedger(AuditPenaltyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin_user = cls.env.ref("base.user_admin")
        cls.penalty_a = cls.compute_shortfall_cls(cls.branch_a)
        cls.penalty_b = cls.compute_shortfall_cls(cls.branch_b)

    @classmethod
    def compute_shortfall_cls(cls, branch):
        with freeze_time(AFTER_MONTH):
            penalties = cls.env["audit.penalty"].with_user(cls.hr)._compute_shortfall_penalties(MONTH, branch)
        return penalties.with_env(cls.env)

    def test_draft_is_the_departments(self):
        self.penalty_a.with_user(self.hr).note = "Checked against the paper sheets"
        with self.assertRaisesRegex(UserError, "cannot be changed by hand"):
            self.penalty_a.with_user(self.hr).quantity = 1
        with self.assertRaises(AccessError):
            self.penalty_a.with_user(self.auditor).note = "not mine"
        with self.assertRaisesRegex(UserError, "starts as a draft"):
            self.env["audit.penalty"].with_user(self.hr).create({
                "branch_id": self.branch_a.id, "period": D(2026, 10, 1), "kind": "shortfall", "state": "confirmed",
            })
        # branches do not see drafts
        self.assertFalse(self.env["audit.penalty"].with_user(self.president_a).search([]))
        self.penalty_b.with_user(self.hr).unlink()
        self.assertFalse(self.penalty_b.exists())

    def test_confirmed_is_final_for_everyone(self):
        self.penalty_a.with_user(self.hr).action_confirm()
        for env in (self.env(user=self.admin_user), self.env(user=self.hr), self.env):  # self.env: superuser
            penalty = self.penalty_a.with_env(env)
            for vals in ({"quantity": 0}, {"amount": 0}, {"note": "typo"}, {"state": "draft"},
                         {"contest_state": "cancelled"}):
                with self.assertRaisesRegex(UserError, "is confirmed: it cannot be changed or deleted", msg=vals):
                    penalty.write(vals)
            with self.assertRaisesRegex(UserError, "is confirmed"):
                penalty.unlink()
            with self.assertRaises(UserError):
                penalty.line_ids[:1].write({"missing": 0})
            with self.assertRaises(UserError):
                penalty.line_ids[:1].unlink()
        self.assertRecordValues(self.penalty_a, [{"quantity": 33, "amount": 1650.0, "state": "confirmed"}])
        self.assertEqual(len(self.penalty_a.line_ids), 5)
        # the chatter still works on it
        self.penalty_a.with_user(self.hr).message_post(body="Sent to the branch")

    def test_contest_upheld(self):
        self.penalty_a.with_user(self.hr).action_confirm()
        with self.assertRaisesRegex(UserError, "Only the president of Branch A"):
            self.penalty_a.with_user(self.president_b).action_contest("not ours")
        with self.assertRaisesRegex(UserError, "Only the president of Branch A"):
            self.penalty_a.with_user(self.teller_a1).action_contest("too much")
        self.assertTrue(self.penalty_a.with_user(self.president_a).can_contest)
        self.assertFalse(self.penalty_a.with_user(self.teller_a1).can_contest)
        wizard = self.env["audit.penalty.contest"].with_user(self.president_a).create({
            "penalty_id": self.penalty_a.id,
            "reason": "The 26th the phone lines were down all day",
            "attachment": base64.b64encode(b"%PDF-1.4 telecom outage notice"),
            "attachment_name": "outage.pdf",
        })
        wizard.action_contest()
        self.assertRecordValues(self.penalty_a, [{
            "state": "confirmed", "contest_state": "contested", "contested_by_id": self.president_a.id,
            "contest_reason": "The 26th the phone lines were down all day",
        }])
        self.assertEqual(self.penalty_a.contest_attachment_ids.name, "outage.pdf")
        message = self.penalty_a.message_ids.filtered(lambda m: "phone lines were down" in m.body)
        self.assertEqual(len(message), 1)
        self.assertEqual((message.author_id, message.attachment_ids), (self.president_a.partner_id,
                                                                         self.penalty_a.contest_attachment_ids))
        # the president reads the document they attached
        self.assertEqual(self.penalty_a.contest_attachment_ids.with_user(self.president_a).read(["name"])[0]["name"],
                         "outage.pdf")
        with self.assertRaisesRegex(UserError, "already contested"):
            self.penalty_a.with_user(self.president_a).action_contest("again")
        # head office decides, not the departments nor the branch
        for user in (self.president_a, self.hr, self.auditor):
            with self.assertRaises(AccessError, msg=user.login):
                self.penalty_a.with_user(user).action_contest_uphold("no")
        with self.assertRaisesRegex(UserError, "Give the reason"):
            self.penalty_a.with_user(self.head_office_user).action_contest_uphold(" ")
        self.env["audit.penalty.decision"].with_user(self.head_office_user).create({
            "penalty_id": self.penalty_a.id, "decision": "upheld",
            "reason": "The operator's records show calls made that day",
        }).action_decide()
        self.assertRecordValues(self.penalty_a, [{
            "contest_state": "upheld", "decided_by_id": self.head_office_user.id, "amount_due": 1650.0,
            "decision_reason": "The operator's records show calls made that day",
        }])
        self.assertIn("the penalty is upheld", self.bodies(self.penalty_a))
        self.flush_tracking()
        tracked = self.penalty_a.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "contest_state")
        self.assertEqual(len(tracked), 2)
        with self.assertRaisesRegex(UserError, "not contested"):
            self.penalty_a.with_user(self.head_office_user).action_contest_cancel("changed my mind")

    def test_the_deputy_president_contests(self):
        """The deputy named on the branch signs in the president's place, and
        contests in it too."""
        self.branch_a.call_deputy_president_id = self.supervisor_a
        self.penalty_a.with_user(self.hr).action_confirm()
        self.penalty_a.with_user(self.supervisor_a).action_contest("The president is on leave; the lines were down")
        self.assertEqual((self.penalty_a.contest_state, self.penalty_a.contested_by_id),
                         ("contested", self.supervisor_a))

    def test_contest_cancelled(self):
        self.penalty_a.with_user(self.hr).action_confirm()
        self.penalty_b.with_user(self.hr).action_confirm()
        with self.assertRaisesRegex(UserError, "Give the reason"):
            self.penalty_a.with_user(self.president_a).action_contest("")
        self.penalty_a.with_user(self.president_a).action_contest("Outage")
        self.penalty_a.with_user(self.head_office_user).action_contest_cancel("Confirmed by the telecom operator")
        self.assertRecordValues(self.penalty_a, [{
            "state": "confirmed", "contest_state": "cancelled", "amount": 1650.0, "amount_due": 0.0,
        }])
        self.assertTrue(self.penalty_a.exists())
        self.assertIn("the penalty is cancelled", self.bodies(self.penalty_a))
        figures = {row["branch_id"]: row for row in self.env["audit.penalty"]._bulletin_figures(MONTH)}
        self.assertEqual((figures[self.branch_a.id]["shortfall_fine"], figures[self.branch_a.id]["total"]), (0.0, 0.0))
        self.assertEqual(figures[self.branch_a.id]["shortfall_contest"], "cancelled")
        self.assertEqual(figures[self.branch_b.id]["total"], 450.0)

    def test_the_confirmer_does_not_decide(self):
        self.penalty_a.with_user(self.admin_user).action_confirm()  # the administrator holds every role
        self.penalty_a.with_user(self.president_a).action_contest("Outage")
        with self.assertRaisesRegex(UserError, "decided by someone else"):
            self.penalty_a.with_user(self.admin_user).action_contest_cancel("mine")
        self.penalty_a.with_user(self.head_office_user).action_contest_cancel("Outage confirmed")

    def test_contest_needs_a_confirmed_penalty(self):
        with self.assertRaises(AccessError):  # the branch does not even see a draft
            self.penalty_a.with_user(self.president_a).action_contest("early")
        with self.assertRaisesRegex(UserError, "not confirmed yet"):
            self.penalty_a.action_contest("early")

    def test_bulletin_figures_and_notified(self):
        self.penalty_a.with_user(self.hr).action_confirm()
        # the audit: branch A's 24th, one customer falsified
        population = [D(2026, 11, 23), D(2026, 11, 24), D(2026, 11, 25)]
        seed = next(f"s{n}" for n in range(100) if draw.draw_day(f"s{n}", "T-A", MONTH, population) == population[1])
        self.commit(seed)
        sample = self.draw(seed, branches=self.branch_a)
        sample.line_ids.with_user(self.auditor).result = "verified"
        sample.line_ids[0].with_user(self.auditor).result = "falsified"
        sample.line_ids[1].with_user(self.auditor).result = "unreachable"
        sample.with_user(self.auditor).action_confirm()
        figures = self.env["audit.penalty"].with_user(self.hr)._bulletin_figures(MONTH)
        self.assertEqual([row["branch_code"] for row in figures], ["T-A", "T-B"])
        row_a, row_b = figures
        self.assertEqual({key: row_a[key] for key in (
            "shortfall_days", "missing_calls", "shortfall_fine", "sampled_date", "verified", "falsified",
            "unreachable", "falsification_fine", "total")}, {
            "shortfall_days": 4, "missing_calls": 33, "shortfall_fine": 1650.0, "sampled_date": D(2026, 11, 24),
            "verified": 6, "falsified": 1, "unreachable": 1, "falsification_fine": 100.0, "total": 1750.0,
        })
        # B's draft is not published
        self.assertEqual((row_b["missing_calls"], row_b["total"], row_b["sampled_date"]), (0, 0.0, False))
        self.assertEqual(row_a["currency_id"], self.env.ref("base.CNY").id)
        with self.assertRaises(AccessError):
            self.env["audit.penalty"].with_user(self.president_a)._mark_notified(MONTH)
        with self.assertRaises(AccessError):
            self.env["audit.penalty"].with_user(self.president_a)._bulletin_figures(MONTH)
        with freeze_time(AFTER_MONTH):
            notified = self.env["audit.penalty"].with_user(self.hr)._mark_notified(D(2026, 11, 17))
        self.assertEqual(len(notified), 2)
        self.assertEqual(set(notified.mapped("state")), {"notified"})
        self.assertEqual(self.penalty_b.state, "draft")
        self.assertEqual(self.env["audit.penalty"]._bulletin_figures(MONTH)[0]["total"], 1750.0)
        # a notified penalty is as final as a confirmed one, and may still be contested
        with self.assertRaisesRegex(UserError, "cannot be changed or deleted"):
            self.penalty_a.unlink()
        self.penalty_a.with_user(self.president_a).action_contest("Outage")
        self.assertEqual(self.penalty_a.contest_state, "contested")
