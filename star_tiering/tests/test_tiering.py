from contextlib import closing, contextmanager
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields, sql_db
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from odoo.addons.star_tiering.models import res_partner_tiering

from .common import StarTieringCase


@tagged("post_install", "-at_install")
class TestTiering(StarTieringCase):
    @contextmanager
    def other_worker_holding(self, branch):
        """Another connection, as the other cron worker, holding ``branch``
        (committed data: it sees nothing this test wrote); yields its cursor."""
        with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as other:
            other_env = api.Environment(other, SUPERUSER_ID, {})
            self.assertTrue(other_env["res.partner"]._star_tiering_claim(other_env["bank.branch"].browse(branch.id)))
            yield other

    def test_boundaries(self):
        cases = [
            (0.0, False, "1"),
            (0.0, True, "2"),
            (0.01, True, "2"),
            (49999.99, True, "2"),
            (50000.0, True, "3"),
            (299999.99, True, "3"),
            (300000.0, True, "4"),
            (999999.99, True, "4"),
            (1000000.0, True, "5"),
            (25000000.0, True, "5"),
        ]
        customers = [self.make_customer(aum, has_business=flag) for aum, flag, _tier in cases]
        self.run_tiering()
        for customer, (aum, flag, tier) in zip(customers, cases, strict=True):
            self.assertEqual(customer.star_tier, tier, f"AUM {aum:,.2f} business={flag}")
            self.assertEqual(customer.star_tier_date, self.today)

    def test_branch_override_and_outlet_inheritance(self):
        self.customise_policy(self.branch_b, **{"3": 100000, "4": 500000, "5": 2000000})
        in_a = self.make_customer(100000)
        in_b = [self.make_customer(aum, branch=self.branch_b) for aum in (99999.99, 100000, 1999999.99, 2000000)]
        outlet = self.make_customer(1000000, branch=self.outlet_a1)
        self.run_tiering()
        self.assertEqual(in_a.star_tier, "3")
        self.assertEqual([c.star_tier for c in in_b], ["2", "3", "4", "5"])
        self.assertEqual(outlet.star_tier, "5")
        # the outlet follows its sub-branch's own policy once A has one
        self.customise_policy(self.branch_a, **{"3": 60000, "4": 1000001, "5": 3000000})
        self.run_tiering()
        self.assertEqual(outlet.star_tier, "3")

    def test_history_and_tracking(self):
        customer = self.make_customer(60000)
        self.run_tiering()
        history = customer.star_tier_history_ids
        self.assertEqual(len(history), 1)
        self.assertEqual(
            (history.old_tier, history.new_tier, history.aum, history.reason), ("0", "3", 60000, "nightly")
        )
        self.assertFalse(history.user_id)
        # first tiering is in the history, not in the chatter
        self.assertFalse(customer.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "star_tier"))
        self.set_aum(customer, 300000)
        self.run_tiering(reason="manual")
        customer.invalidate_recordset()
        self.assertEqual(customer.star_tier, "4")
        latest = customer.star_tier_history_ids[0]
        self.assertEqual((latest.old_tier, latest.new_tier, latest.reason), ("3", "4", "manual"))
        tracking = customer.message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "star_tier")
        self.assertEqual(len(tracking), 1)
        self.assertEqual((tracking.old_value_char, tracking.new_value_char), ("3 Stars", "4 Stars"))

    def test_second_run_writes_nothing(self):
        customers = [self.make_customer(aum) for aum in (0, 1000, 80000, 400000, 5000000)]
        customers += [self.make_customer(70000, branch=self.outlet_a1), self.make_customer(2000, branch=self.branch_b)]
        self.run_tiering()
        self.env.flush_all()

        def snapshot():
            self.env.cr.execute("""
                SELECT (SELECT count(*) FROM star_tier_history),
                       (SELECT count(*) FROM mail_activity),
                       (SELECT count(*) FROM mail_message),
                       (SELECT count(*) FROM mail_tracking_value),
                       (SELECT max(write_date) FROM res_partner WHERE branch_id IS NOT NULL)
            """)
            return self.env.cr.fetchone()

        before = snapshot()
        Partner = self.env["res.partner"]
        calc_tiers, picked = type(Partner)._sql_calc_tiers, []

        def spy(model, *args):
            picked.append(calc_tiers(model, *args))
            return picked[-1]

        with patch.object(type(Partner), "_sql_calc_tiers", spy):
            stats = self.run_tiering()
        self.assertEqual(picked, [0])  # nobody is even looked at again
        self.assertEqual(stats, {"tier_changes": 0, "owner_changes": 0, "maintenance_todos": 0, "aum_alerts": 0,
                                 "president_stand_ins": 0})
        self.assertEqual(snapshot(), before)

    def test_retier_selected_customers_only(self):
        first, second = self.make_customer(80000), self.make_customer(80000)
        self.env["res.partner"].browse(first.id).with_user(self.president_a).action_star_tiering()
        self.assertEqual((first.star_tier, second.star_tier), ("3", "0"))
        self.assertEqual(first.star_tier_history_ids.reason, "manual")
        self.assertEqual(first.star_tier_history_ids.user_id, self.president_a)

    def test_retier_branch_includes_outlets(self):
        in_a, in_o1, in_b = (self.make_customer(80000), self.make_customer(80000, branch=self.outlet_a1),
                             self.make_customer(80000, branch=self.branch_b))
        self.branch_a.with_user(self.president_a).action_star_tiering()
        self.assertEqual((in_a.star_tier, in_o1.star_tier, in_b.star_tier), ("3", "3", "0"))

    def test_cron_chunks_and_resume(self):
        in_a, in_b = self.make_customer(80000), self.make_customer(80000, branch=self.branch_b)
        Partner = self.env["res.partner"]
        branches = self.env["bank.branch"].search([])
        # other branches (demo data) are done for today: the chunks are ours
        (branches - self.branch_a - self.outlet_a1 - self.branch_b).tiering_date = self.today
        with patch.object(res_partner_tiering, "CHUNK_CUSTOMERS", 1):
            remaining = Partner._cron_star_tiering()
            done = branches.filtered(lambda b: b.tiering_date == self.today)
            self.assertTrue(done)
            self.assertEqual(remaining, len(branches) - len(done))
            self.assertEqual((in_a.star_tier, in_b.star_tier), ("3", "0"))
            # a crash in a later chunk leaves that chunk untouched ...
            with patch.object(type(Partner), "_star_tiering_apply", side_effect=RuntimeError("boom")):
                with self.assertRaises(RuntimeError), self.env.cr.savepoint():
                    Partner._cron_star_tiering()
            self.env.invalidate_all()
            self.assertEqual(branches.filtered(lambda b: b.tiering_date == self.today), done)
            self.assertEqual(in_b.star_tier, "0")
            # ... and the next calls finish the rest
            while Partner._cron_star_tiering():
                pass
        self.assertEqual((in_a.star_tier, in_b.star_tier), ("3", "3"))
        self.assertTrue(all(b.tiering_date == self.today for b in branches))
        self.assertFalse(any((self.branch_a | self.outlet_a1 | self.branch_b).mapped("tiering_policy_changed")))
        # a further run the same day has nothing to do
        self.assertEqual(Partner._cron_star_tiering(), 0)

    def test_rerun_works_only_on_customers_that_need_it(self):
        steady, moved = self.make_customer(80000), self.make_customer(80000)
        in_b = self.make_customer(80000, branch=self.branch_b)
        # owners of every kind stay put: a secondary owner, an outlet's own
        # teller, a 5★ outlet customer owned by the sub-branch president
        five, outlet_two, outlet_five = (self.make_customer(2000000), self.make_customer(100, branch=self.outlet_a1),
                                         self.make_customer(5000000, branch=self.outlet_a1))
        self.run_tiering()
        self.assertEqual((five.tier_owner_id, five.tier_secondary_owner_id), (self.president_a, self.cm_a))
        self.assertEqual((outlet_two.tier_owner_id, outlet_five.tier_owner_id), (self.teller_o1, self.president_a))
        Partner = self.env["res.partner"]
        branches = self.branch_a | self.outlet_a1 | self.branch_b
        snapshots = []
        write_tiering, calc_tiers = type(Partner)._sql_write_tiering, type(Partner)._sql_calc_tiers

        def spy(model, calc, reason):
            snapshots.append([r[0] for r in model.env.execute_query(SQL("SELECT id FROM %s", calc))])
            return write_tiering(model, calc, reason)

        def count(model, *args):
            picked.append(calc_tiers(model, *args))
            return picked[-1]

        # a daily drift that changes no tier is read, not written
        self.set_aum(moved, 90000)
        self.env.flush_all()
        picked = []
        with patch.object(type(Partner), "_sql_calc_tiers", count):
            self.run_tiering()
        self.assertEqual((picked, moved.tier_aum), ([0], 80000))
        # a change that reaches the alert threshold is worked on (same tier)
        self.set_aum(moved, 280000)
        self.env.flush_all()
        with patch.object(type(Partner), "_sql_write_tiering", spy):
            self.run_tiering()
        self.assertEqual(snapshots, [[moved.id]])
        self.assertEqual((moved.star_tier, moved.tier_aum), ("3", 280000))
        # the chunk is sized by the work to do, not by the customers held
        branches.tiering_date = self.today
        with patch.object(res_partner_tiering, "CHUNK_CUSTOMERS", 1):
            self.assertEqual(Partner._star_tiering_next_chunk(branches), branches)
            # a branch whose policy changed counts every customer
            self.branch_a.tiering_policy_changed = True
            self.assertEqual(Partner._star_tiering_next_chunk(branches), self.branch_a)
            self.branch_a.tiering_policy_changed = False
            self.set_aum(steady, 280000)  # an alert's worth: counted as work
            self.env.flush_all()
            self.assertEqual(Partner._star_tiering_next_chunk(branches), self.branch_a)
        self.assertEqual(in_b.star_tier, "3")

    def test_policy_edit_reaches_unchanged_customers(self):
        customer = self.make_customer(80000, last_contact_date=self.today)
        self.run_tiering()
        self.assertEqual(customer.star_tier, "3")
        # a new 3★ minimum and a new cadence apply to a customer whose data did not change
        (self.branch_a | self.outlet_a1 | self.branch_b).tiering_policy_changed = False
        # a new parent may bring another inherited policy
        self.outlet_a1.parent_id = self.branch_a
        self.assertTrue(self.outlet_a1.tiering_policy_changed)
        (self.branch_a | self.outlet_a1 | self.branch_b).tiering_policy_changed = False
        self.customise_policy(self.branch_a, **{"3": 100000})
        # the next run sizes its work for every customer of the branch and its outlets
        self.assertEqual(
            (self.branch_a.tiering_policy_changed, self.outlet_a1.tiering_policy_changed,
             self.branch_b.tiering_policy_changed), (True, True, False))
        self.run_tiering()
        self.assertEqual(customer.star_tier, "2")
        line = self.branch_a.tier_policy_line_ids.filtered(lambda tier_line: tier_line.star_tier == "2")
        line.cadence_days = 7
        self.run_tiering()
        self.assertEqual(customer.next_contact_date, fields.Date.add(self.today, days=7))

    def test_cron_is_scheduled(self):
        crons = self.env.ref("star_tiering.ir_cron_star_tiering") | self.env.ref(
            "star_tiering.ir_cron_star_tiering_worker_2")
        for cron in crons:
            self.assertTrue(cron.active)
            self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
            self.assertIn("_cron_star_tiering", cron.code)
        self.assertEqual(self.env["res.partner"]._star_tiering_workers(), 2)

    def test_workers_share_the_night(self):
        """Each cron worker claims half its share of the work left at a time."""
        Partner = self.env["res.partner"]
        branches = self.branch_a | self.outlet_a1 | self.branch_b
        for branch in (self.branch_a, self.branch_b, self.branch_b, self.branch_b):
            self.make_customer(80000, branch=branch)
        self.env.flush_all()
        with patch.object(res_partner_tiering, "MIN_CHUNK_CUSTOMERS", 1):
            # two workers: 4 customers to tier, a share of 2, 1 at a time
            self.assertEqual(Partner._star_tiering_next_chunk(branches), self.branch_a)
            # one worker (the second scheduled action archived) takes it all
            self.env.ref("star_tiering.ir_cron_star_tiering_worker_2").active = False
            self.assertEqual(Partner._star_tiering_workers(), 1)
            self.assertEqual(Partner._star_tiering_next_chunk(branches), branches)
        with patch.object(res_partner_tiering, "MIN_CHUNK_CUSTOMERS", 1), \
                patch.object(res_partner_tiering, "CHUNK_CUSTOMERS", 1):
            # ... up to CHUNK_CUSTOMERS
            self.assertEqual(Partner._star_tiering_next_chunk(branches), self.branch_a)

    def test_branch_held_elsewhere_is_not_claimed(self):
        """A branch another transaction holds (the other cron worker, a manual
        run, a user editing it) is left to it: not claimed, while its work
        still counts in the shares, and a manual re-tier of it is refused
        instead of waiting."""
        Partner = self.env["res.partner"]
        # a claim that waited for the lock would fail the test, not hang it
        self.env.cr.execute("SET LOCAL lock_timeout = '3s'")
        # another connection sees committed rows only: head office is one
        held, mine = self.head_office, self.branch_a
        with self.other_worker_holding(held) as other:
            self.assertFalse(Partner._star_tiering_claim(held))
            # 10 customers to tier, 6 of them in the held branch: this worker's
            # share is 5, half of it 3, so it takes the 4 of the free branches
            for branch in (held,) * 6 + (mine, mine, self.branch_b, self.branch_b):
                self.make_customer(80000, branch=branch)
            self.env.flush_all()
            with patch.object(res_partner_tiering, "MIN_CHUNK_CUSTOMERS", 1):
                self.assertEqual(Partner._star_tiering_next_chunk(held | mine | self.branch_b), mine | self.branch_b)
            with self.assertRaisesRegex(UserError, "being tiered right now"):
                Partner._star_tiering_run_manual(held)
            with self.assertRaisesRegex(UserError, "being tiered right now"):
                held.action_star_tiering()
            other.rollback()
            # a user's edit of the branch in progress locks it the same way
            other.execute("UPDATE bank_branch SET write_date = write_date WHERE id = %s", [held.id])
            self.assertFalse(Partner._star_tiering_claim(held))
            other.rollback()
        # released: claimed now, for the rest of this transaction
        self.assertTrue(Partner._star_tiering_claim(held))

    def test_a_worker_crashing_leaves_its_branch_to_the_next_run(self):
        """While one cron worker holds a branch, the other tiers the rest and
        stops without waiting for it; when the first crashes (its transaction
        rolls back), its branch is untouched and the next run tiers it."""
        Partner = self.env["res.partner"]
        self.env.cr.execute("SET LOCAL lock_timeout = '3s'")
        # head office is committed data, which the other connection can lock
        crashed, mine = self.head_office, self.branch_a
        # nothing tiers head office before the tests run (no cron in a test database)
        self.assertFalse(crashed.tiering_date and crashed.tiering_date >= self.today, "head office is pending")
        (self.env["bank.branch"].search([]) - crashed - mine).tiering_date = self.today
        in_crashed, in_mine = self.make_customer(80000, branch=crashed), self.make_customer(80000)
        self.env.flush_all()
        with self.other_worker_holding(crashed) as other:
            # this worker goes on with its own branch, then finds nothing it may claim
            while Partner._cron_star_tiering():
                pass
            self.assertEqual((in_mine.star_tier, mine.tiering_date), ("3", self.today))
            self.assertEqual((in_crashed.star_tier, crashed.tiering_date), ("0", False))
            other.rollback()  # the other worker crashes
        self.assertEqual(Partner._cron_star_tiering(), 0)
        self.env.invalidate_all()
        self.assertEqual((in_crashed.star_tier, crashed.tiering_date), ("3", self.today))

    def test_pending_user_edit_is_not_lost(self):
        customer = self.make_customer(80000)
        self.run_tiering()
        # an edit still in the ORM cache when the job starts is flushed, not overwritten
        customer.write({"phone": "+86 10 1234 5678", "aum_daily_avg": 400000})
        self.run_tiering()
        customer.invalidate_recordset()
        self.assertEqual(customer.phone, "+86 10 1234 5678")
        self.assertEqual(customer.star_tier, "4")
        self.assertEqual(customer.aum_daily_avg, 400000)


@tagged("post_install", "-at_install")
class TestClaimAfterConcurrentUpdate(TransactionCase):
    """Apart from StarTieringCase: the committed change below would make every
    later lock of that branch in the same class transaction fail."""

    def test_branch_changed_since_the_transaction_began(self):
        """A branch changed and committed by another transaction since this
        one began (as when the other worker has just finished it) is not
        claimed: this transaction's view of it is out of date."""
        head_office = self.env.ref("star_tiering.branch_head_office")
        self.assertTrue(head_office.name)  # this transaction's snapshot is taken
        with closing(sql_db.db_connect(self.env.cr.dbname).cursor()) as other:
            # a change that changes nothing, committed
            other.execute("UPDATE bank_branch SET write_date = write_date WHERE id = %s", [head_office.id])
            other.commit()
        self.assertFalse(self.env["res.partner"]._star_tiering_claim(head_office))
        with self.assertRaisesRegex(UserError, "being tiered right now"):
            self.env["res.partner"]._star_tiering_claim(head_office, wait=True)
