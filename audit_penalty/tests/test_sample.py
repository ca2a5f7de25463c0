"""The audit department's monthly special audit (审计部专项审计): one day per
sub-branch drawn from a committed seed, verified customer by customer, 100 CNY
per falsified customer; the sampled day's calls are frozen meanwhile."""
import psycopg2
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.call_tracking.tests.common import bj

from ..models import draw
from .common import AFTER_MONTH, MONTH, AuditPenaltyCase, D, evening

SEED = "november-2026-audit-seed"


@tagged("post_install", "-at_install")
class TestSample(AuditPenaltyCase):
    def test_draw_is_reproducible_from_the_stored_fields(self):
        self.commit(SEED)
        samples = self.draw(SEED)
        self.assertEqual(samples.branch_id, self.branch_a | self.branch_b)
        sample_a = samples.filtered(lambda s: s.branch_id == self.branch_a)
        sample_b = samples - sample_a
        self.assertEqual(sample_a.population, "2026-11-23,2026-11-24,2026-11-25")
        self.assertEqual(sample_b.population, "2026-11-27,2026-11-30")
        for sample in samples:
            days = [D.fromisoformat(day) for day in sample.population.split(",")]
            self.assertEqual(sample.sampled_date, draw.draw_day(sample.seed, sample.branch_code, sample.period, days))
            self.assertEqual(sample.sampled_date, days[sample.draw_index])
            self.assertEqual(sample.sheet_id, self.sheet_of(sample.branch_id, sample.sampled_date))
            self.assertEqual((sample.seed, sample.seed_hash, sample.state), (SEED, draw.seed_hash(SEED), "draft"))
        self.assertEqual(sample_a.branch_code, "T-A")
        # the commitment is revealed, for everyone to check
        commitment = sample_a.commitment_id
        self.assertEqual((commitment.state, commitment.revealed_seed), ("revealed", SEED))
        self.assertIn("Seed revealed at the draw by Auditor: it matches the commitment", self.bodies(commitment))
        self.assertNotIn(SEED, self.bodies(commitment))

    def test_the_seed_is_the_auditors(self):
        """The seed and a branch's own days give its sampled day: branches
        never read it, neither on the commitment nor on a sample."""
        commitment = self.commit(SEED)
        samples = self.draw(SEED)
        sample_a = samples.filtered(lambda s: s.branch_id == self.branch_a)
        sample_a.line_ids.with_user(self.auditor).write({"result": "verified"})
        sample_a.with_user(self.auditor).action_confirm()
        # the branch reads its confirmed sample, and the commitment's hash
        self.assertEqual(sample_a.with_user(self.president_a).read(["sampled_date"])[0]["sampled_date"],
                         sample_a.sampled_date)
        self.assertEqual(commitment.with_user(self.teller_a1).read(["seed_hash"])[0]["seed_hash"], draw.seed_hash(SEED))
        for user in (self.president_a, self.teller_a1):
            with self.assertRaises(AccessError, msg=user.login):
                commitment.with_user(user).read(["revealed_seed"])
            with self.assertRaises(AccessError, msg=user.login):
                sample_a.with_user(user).read(["seed"])
        # audit, HR and head office read it
        for user in (self.auditor, self.hr, self.head_office_user):
            self.assertEqual(commitment.with_user(user).revealed_seed, SEED, user.login)

    def test_one_line_per_customer_called_that_day(self):
        self.commit(SEED)
        with freeze_time(AFTER_MONTH):
            self.env["audit.sampling.wizard"].with_user(self.auditor).create(
                {"month": MONTH, "seed": SEED, "branch_ids": [(6, 0, self.branch_a.ids)]}).action_draw()
        sample = self.env["audit.sample"].search([("branch_id", "=", self.branch_a.id)])
        calls = self.calls[sample.sampled_date]
        self.assertEqual(sample.line_ids.partner_id, calls.partner_id)
        self.assertEqual(sample.line_count, len(calls.partner_id))
        for line in sample.line_ids:
            mine = calls.filtered(lambda call, partner=line.partner_id: call.partner_id == partner)
            self.assertEqual(line.call_ids, mine)
            self.assertEqual((line.call_count, line.effective_call_count, line.duration_seconds),
                             (len(mine), len(mine.filtered("is_effective")), sum(mine.mapped("duration_seconds"))))
            self.assertFalse(line.result)

    def test_two_falsified_customers_cost_200(self):
        sample = self.draw_a_on_the_24th()
        lines = sample.line_ids
        self.assertEqual(len(lines), 8)  # seven effective customers and the 30-second call
        lines[:2].with_user(self.auditor).write({"result": "falsified", "note": "Customer denies the call"})
        lines[2:7].with_user(self.auditor).write({"result": "verified"})
        lines[7].with_user(self.auditor).result = "unreachable"
        sample.with_user(self.auditor).action_confirm()
        penalty = self.penalties("falsification")
        self.assertRecordValues(penalty, [{
            "branch_id": self.branch_a.id, "kind": "falsification", "quantity": 2, "unit_amount": 100.0,
            "amount": 200.0, "state": "confirmed", "sample_id": sample.id, "confirmed_by_id": self.auditor.id,
        }])
        self.assertEqual(penalty.sample_line_ids, lines[:2])
        self.assertEqual(penalty.sampled_date, D(2026, 11, 24))
        self.assertEqual((sample.verified_count, sample.falsified_count, sample.unreachable_count), (5, 2, 1))
        self.assertEqual(sample.state, "confirmed")
        with self.assertRaisesRegex(UserError, "already confirmed"):
            sample.with_user(self.auditor).action_confirm()
        with self.assertRaisesRegex(UserError, "results are final"):
            lines[2].with_user(self.auditor).result = "falsified"
        self.assertEqual(len(self.penalties("falsification")), 1)

    def test_all_verified_costs_nothing(self):
        sample = self.draw_a_on_the_24th()
        sample.line_ids.with_user(self.auditor).result = "verified"
        sample.with_user(self.auditor).action_confirm()
        self.assertFalse(self.penalties("falsification"))

    def test_a_line_without_result_is_refused(self):
        sample = self.draw_a_on_the_24th()
        sample.line_ids[1:].with_user(self.auditor).result = "verified"
        with self.assertRaisesRegex(UserError, "record the result of every customer"):
            sample.with_user(self.auditor).action_confirm()
        self.assertEqual(sample.state, "draft")
        self.assertFalse(self.penalties("falsification"))

    def test_commit_and_reveal(self):
        commitment = self.commit(SEED)
        self.assertEqual(commitment.seed_hash, draw.seed_hash(SEED))
        self.assertEqual(commitment.with_user(self.teller_b).seed_hash, commitment.seed_hash, "branches see it")
        with self.assertRaisesRegex(ValidationError, "does not match the commitment"):
            self.draw("another seed")
        with self.assertRaisesRegex(ValidationError, "reveal it"):
            self.draw()
        self.assertFalse(self.env["audit.sample"].search([]))
        self.assertEqual(commitment.state, "committed")
        self.assertEqual(len(self.draw(SEED)), 2)

    def test_commitment_rules(self):
        # committed after the month ended: refused (the month's sheets are known by then)
        with self.assertRaisesRegex(ValidationError, "2026-11 is over"):
            self.commit(SEED, when=AFTER_MONTH)
        with self.assertRaisesRegex(ValidationError, "64 hexadecimal"):
            with freeze_time(evening(D(2026, 11, 20))):
                self.env["audit.seed.commitment"].with_user(self.auditor).create({"period": MONTH, "seed_hash": "x"})
        with self.assertRaises(AccessError):
            self.commit(SEED, user=self.hr)
        commitment = self.commit(SEED, when=evening(D(2026, 10, 30)))
        self.assertEqual((commitment.period, commitment.committed_by_id), (MONTH, self.auditor))
        with self.assertRaisesRegex(ValidationError, "already committed"):
            self.commit("second thoughts")
        with self.assertRaises(AccessError):  # the audit department creates, nothing more
            commitment.with_user(self.auditor).seed_hash = draw.seed_hash("second thoughts")
        with self.assertRaises(AccessError):
            commitment.with_user(self.auditor).unlink()
        with self.assertRaisesRegex(UserError, "never changed"):  # nor the superuser
            commitment.sudo().seed_hash = draw.seed_hash("second thoughts")
        with self.assertRaisesRegex(UserError, "never deleted"):
            commitment.sudo().unlink()
        # head office may withdraw it (a lost seed), for a reason; the month is then drawn at random
        with self.assertRaises(AccessError):
            commitment.with_user(self.auditor).action_withdraw("lost")
        commitment.with_user(self.head_office_user).action_withdraw("The seed was lost")
        self.assertEqual(commitment.state, "withdrawn")
        self.assertIn("The seed was lost", self.bodies(commitment))
        with self.assertRaisesRegex(ValidationError, "No seed was committed"):
            self.draw(SEED)
        self.assertEqual(len(self.draw()), 2)

    def test_typed_seed_without_commitment_is_refused(self):
        with self.assertRaisesRegex(ValidationError, "No seed was committed for 2026-11"):
            self.draw("my favourite seed")
        samples = self.draw()
        self.assertEqual(len(set(samples.mapped("seed"))), 1, "one generated seed for the month's draw")
        self.assertEqual(len(samples[0].seed), 32)
        self.assertFalse(samples.commitment_id)

    def test_a_branch_is_drawn_once(self):
        self.commit(SEED)
        first = self.draw(SEED, branches=self.branch_a)
        with self.assertRaisesRegex(UserError, "already drawn"):
            self.draw(SEED, branches=self.branch_a)
        # all branches: those not drawn yet
        sample_b = self.draw(SEED) - first
        self.assertEqual(sample_b.branch_id, self.branch_b)
        with self.assertRaisesRegex(UserError, "already drawn"):
            self.draw(SEED)
        # nor by hand, nor by deleting the sample, for anyone
        with self.assertRaisesRegex(UserError, "not created by hand"):
            self.env["audit.sample"].create({"branch_id": self.branch_a.id, "period": MONTH})
        with self.assertRaisesRegex(UserError, "never deleted"):
            first.unlink()
        with self.assertRaisesRegex(UserError, "not changed by hand"):
            first.sampled_date = D(2026, 11, 25)
        # and the database itself refuses a second sample of the branch and month
        with mute_logger("odoo.sql_db"), self.assertRaises(psycopg2.errors.UniqueViolation):
            with self.env.cr.savepoint():
                self.env["audit.sample"]._transition().create({
                    "branch_id": self.branch_a.id, "period": MONTH, "sampled_date": first.sampled_date,
                    "sheet_id": first.sheet_id.id,
                })

    def test_month_not_over_and_no_sheet(self):
        with freeze_time("2026-11-30 12:00:00"):
            wizard = self.env["audit.sampling.wizard"].with_user(self.auditor).create({"month": MONTH})
            with self.assertRaisesRegex(ValidationError, "not over yet"):
                wizard.action_draw()
        with self.assertRaisesRegex(UserError, "no call sheet in 2026-10"):
            self.draw(month=D(2026, 10, 1), branches=self.branch_a)
        with self.assertRaisesRegex(UserError, "No sub-branch has a call sheet in 2026-10"):
            self.draw(month=D(2026, 10, 1))

    def test_only_the_audit_department_draws_and_confirms(self):
        for user in (self.hr, self.president_a, self.head_office_user):
            with self.assertRaises(AccessError, msg=user.login):
                self.draw(user=user)
        sample = self.draw_a_on_the_24th()
        for user in (self.hr, self.head_office_user):
            # (an AccessError is a UserError)
            with self.assertRaises(UserError, msg=user.login):
                sample.line_ids[0].with_user(user).result = "falsified"
            with self.assertRaises(UserError, msg=user.login):
                sample.with_user(user).action_confirm()

    # ------------------------------------------------------------------
    # The lock of the sampled day
    # ------------------------------------------------------------------
    def test_sampled_calls_are_locked_while_open(self):
        sample = self.draw_a_on_the_24th()
        call = self.calls[D(2026, 11, 24)][0]
        other_day = self.calls[D(2026, 11, 25)][0]
        for user in (self.teller_a1, self.head_office_user, self.env.user):
            with self.assertRaisesRegex(UserError, "being audited"):
                call.with_user(user).write({"duration_seconds": 600})
            with self.assertRaisesRegex(UserError, "being audited"):
                call.with_user(user).unlink()
            # nor moved onto the sampled day
            with freeze_time(AFTER_MONTH), self.assertRaisesRegex(UserError, "being audited"):
                other_day.with_user(user).write({"call_start": bj(D(2026, 11, 24), 17)})
        # nor added to it
        with freeze_time(AFTER_MONTH), self.assertRaisesRegex(UserError, "being audited"):
            self.log_call(self.customers_a[11], bj(D(2026, 11, 24), 16), user=self.teller_a1)
        self.assertEqual(call.duration_seconds, 90)
        # the other days are not locked
        other_day.with_user(self.teller_a1).needs = "Large CD maturing"
        # nor reopened by head office
        self.submit_and_sign(sample.sheet_id)
        with self.assertRaisesRegex(UserError, "being audited"):
            sample.sheet_id.with_user(self.head_office_user).action_reopen("Typing error")
        # confirmed: the lock is lifted (the signature's lock remains, head office may reopen)
        sample.line_ids.with_user(self.auditor).result = "verified"
        sample.with_user(self.auditor).action_confirm()
        sample.sheet_id.with_user(self.head_office_user).action_reopen("Typing error")
        call.with_user(self.teller_a1).write({"duration_seconds": 600})
        # but a verified call stays: it is the sample's evidence
        for user in (self.teller_a1, self.head_office_user, self.env.user):
            with self.assertRaisesRegex(UserError, "evidence of its sample"):
                call.with_user(user).unlink()
        self.assertIn(call, sample.line_ids.call_ids)

    def test_the_lock_names_no_day_to_those_without_access(self):
        """Another branch's teller, or a president reopening, is refused by
        the access rules before the lock's message could name the audited
        branch and day."""
        sample = self.draw_a_on_the_24th()
        call = self.calls[D(2026, 11, 24)][0]
        with self.assertRaises(AccessError) as refused:
            call.with_user(self.teller_b).write({"needs": "anything"})
        self.assertNotIn("audited", str(refused.exception))
        self.submit_and_sign(sample.sheet_id)
        with self.assertRaisesRegex(AccessError, "Only head office reopens"):
            sample.sheet_id.with_user(self.president_b).action_reopen("curious")

    def draw_a_on_the_24th(self):
        """Draw branch A with a seed whose day is the 24th (found by the draw
        function itself over the stored population)."""
        population = [D(2026, 11, 23), D(2026, 11, 24), D(2026, 11, 25)]
        seed = next(f"seed-{n}" for n in range(100)
                    if draw.draw_day(f"seed-{n}", "T-A", MONTH, population) == D(2026, 11, 24))
        self.commit(seed)
        sample = self.draw(seed, branches=self.branch_a)
        self.assertEqual(sample.sampled_date, D(2026, 11, 24))
        return sample
