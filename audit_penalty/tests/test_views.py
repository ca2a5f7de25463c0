"""The screens as the users use them (Form): the wizards, the sample's lines
edited in its form, the penalty's buttons."""
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import AFTER_MONTH, MONTH, AuditPenaltyCase, D, evening


@tagged("post_install", "-at_install")
class TestAuditScreens(AuditPenaltyCase):
    def test_shortfall_wizard_form(self):
        with freeze_time(AFTER_MONTH):
            form = Form(self.env["audit.shortfall.wizard"].with_user(self.hr))
            self.assertEqual(form.month, MONTH)
            action = form.save().action_compute()
        penalties = self.env["audit.penalty"].search(action["domain"])
        self.assertEqual(len(penalties), 2)
        with Form(penalties[0].with_user(self.hr)) as penalty_form:
            penalty_form.note = "Checked"
        self.assertEqual(penalties[0].note, "Checked")

    def test_sample_results_in_the_form(self):
        self.commit("form-seed")
        with freeze_time(AFTER_MONTH):
            form = Form(self.env["audit.sampling.wizard"].with_user(self.auditor))
            self.assertTrue(form.commitment_hash)
            form.seed = "form-seed"
            action = form.save().action_draw()
        sample = self.env["audit.sample"].search(action["domain"])[0]
        with Form(sample.with_user(self.auditor)) as sample_form:
            for index in range(len(sample_form.line_ids)):
                with sample_form.line_ids.edit(index) as line:
                    line.result = "falsified" if index == 0 else "verified"
                    line.note = "called back"
        self.assertEqual(sample.falsified_count, 1)
        self.assertEqual(set(sample.line_ids.mapped("note")), {"called back"})
        sample.with_user(self.auditor).action_confirm()
        penalty = self.penalties("falsification")
        self.assertEqual(penalty.amount, 100.0)
        # the president opens the contest from the penalty's form
        president = penalty.branch_id.president_id
        self.assertTrue(penalty.with_user(president).can_contest)
        action = penalty.with_user(president).action_open_contest_wizard()
        wizard = Form(self.env[action["res_model"]].with_user(president).with_context(**action["context"]))
        wizard.reason = "The customer was called on another number"
        wizard.save().action_contest()
        self.assertEqual(penalty.contest_state, "contested")
        action = penalty.with_user(self.head_office_user).action_open_decision_wizard()
        Decision = self.env[action["res_model"]].with_user(self.head_office_user)
        decision = Form(Decision.with_context(**action["context"]))
        decision.decision = "cancelled"
        decision.reason = "Confirmed by the phone company"
        decision.save().action_decide()
        self.assertEqual((penalty.contest_state, penalty.amount_due), ("cancelled", 0.0))

    def test_withdraw_a_commitment(self):
        """Head office withdraws a commitment whose seed is lost, for a reason
        asked by the button's wizard; the auditors cannot."""
        commitment = self.commit("a seed nobody wrote down", when=evening(D(2026, 11, 20)))
        with self.assertRaises(AccessError):
            commitment.with_user(self.auditor).action_open_withdraw_wizard()
        with self.assertRaises(AccessError):
            self.env["audit.seed.commitment.withdraw"].with_user(self.auditor).create({
                "commitment_id": commitment.id, "reason": "mine"})
        action = commitment.with_user(self.head_office_user).action_open_withdraw_wizard()
        Withdraw = self.env[action["res_model"]].with_user(self.head_office_user).with_context(**action["context"])
        form = Form(Withdraw)
        self.assertEqual(form.commitment_id, commitment)
        with self.assertRaises(AssertionError):  # the reason is required
            form.save()
        form.reason = "   "
        with self.assertRaisesRegex(UserError, "Give the reason"):
            form.save().action_withdraw()
        form = Form(Withdraw)
        form.reason = "The auditor who kept the seed left the bank"
        self.assertEqual(form.save().action_withdraw(), {"type": "ir.actions.act_window_close"})
        self.assertRecordValues(commitment, [{
            "state": "withdrawn", "withdraw_reason": "The auditor who kept the seed left the bank"}])
        self.assertIn("Withdrawn by", self.bodies(commitment))
        # the month is then drawn from a seed the system generates
        self.assertEqual(len(self.draw()), 2)

    def test_bulletin_and_tiering_audit_forms(self):
        with freeze_time(AFTER_MONTH):
            bulletin = Form(self.env["audit.bulletin"].with_user(self.hr)).save()
        self.assertEqual((bulletin.period, bulletin.state), (MONTH, "draft"))
        form = Form(self.env["audit.tiering.wizard"].with_user(self.auditor))
        form.branch_ids.add(self.branch_b)
        action = form.save().action_run()
        run = self.env["audit.tiering.run"].browse(action["res_id"])
        self.assertEqual((run.branch_ids, run.result_ids.branch_id), (self.branch_b, self.branch_b))
