from datetime import timedelta

from odoo.tests import tagged

from .common import StarTieringCase


@tagged("post_install", "-at_install")
class TestContactCadence(StarTieringCase):
    def test_due_boundary_and_no_duplicate(self):
        cadence = 30  # head office's 3★ cadence
        overdue, due_today, not_yet = (self.make_customer(60000) for _i in range(3))
        self.run_tiering()  # tiered already: the cadence rule proper, not the go-live levelling
        self.activities(overdue | due_today | not_yet).unlink()
        overdue.last_contact_date = self.today - timedelta(days=cadence + 5)
        due_today.last_contact_date = self.today - timedelta(days=cadence)
        not_yet.last_contact_date = self.today - timedelta(days=cadence - 1)
        stats = self.run_tiering()
        self.assertEqual(stats["maintenance_todos"], 2)
        self.assertEqual(overdue.next_contact_date, self.today - timedelta(days=5))
        self.assertEqual(due_today.next_contact_date, self.today)
        self.assertEqual(not_yet.next_contact_date, self.today + timedelta(days=1))
        for customer in (overdue, due_today):
            todo = self.activities(customer)
            self.assertEqual(len(todo), 1)
            self.assertEqual(todo.user_id, customer.tier_owner_id)
            self.assertEqual(todo.date_deadline, customer.next_contact_date)
            self.assertEqual(todo.res_name, customer.display_name)
        self.assertFalse(self.activities(not_yet))
        # re-runs never duplicate an open to-do
        self.run_tiering()
        self.run_tiering()
        self.assertEqual(len(self.activities(overdue | due_today | not_yet)), 2)

    def test_go_live_levels_what_is_due(self):
        """On the first tiering, a customer never contacted or whose cadence
        is already over is not due at once: their first contact is levelled
        over the cadence; one contacted recently keeps last contact + cadence."""
        cadence = 30
        overdue = self.make_customer(60000, last_contact_date=self.today - timedelta(days=cadence + 50))
        never = self.make_customer(60000)
        recent = self.make_customer(60000, last_contact_date=self.today - timedelta(days=cadence - 3))
        self.run_tiering()
        window = self.branch_a._working_days(self.today, self.today + timedelta(days=cadence - 1))
        self.assertIn(overdue.next_contact_date, window)
        self.assertIn(never.next_contact_date, window)
        self.assertEqual(recent.next_contact_date, self.today + timedelta(days=3))
        # kept the next night, though last contact + cadence is long past
        before = (overdue.next_contact_date, never.next_contact_date)
        self.run_tiering()
        self.assertEqual((overdue.next_contact_date, never.next_contact_date), before)
        # a tier change ends the levelling: the cadence rule proper again
        self.set_aum(overdue, 400000)
        self.run_tiering()
        self.assertEqual(overdue.next_contact_date, self.today - timedelta(days=cadence + 50 - 14))

    def test_cadence_follows_tier_policy(self):
        customer = self.make_customer(2000000, last_contact_date=self.today - timedelta(days=7))
        self.run_tiering()
        self.assertEqual(customer.next_contact_date, self.today)  # 5★: weekly
        self.customise_policy(self.branch_a, **{"3": 50000, "4": 300000, "5": 1000000})
        line = self.branch_a.tier_policy_line_ids.filtered(lambda tier_line: tier_line.star_tier == "5")
        line.cadence_days = 10
        self.run_tiering()
        self.assertEqual(customer.next_contact_date, self.today + timedelta(days=3))

    def test_log_contact_closes_todo(self):
        customer = self.make_customer(60000)
        self.run_tiering()
        todo = self.activities(customer)
        self.assertTrue(todo)
        customer.with_user(customer.tier_owner_id).action_log_contact()
        self.assertFalse(todo.exists())
        self.assertEqual(customer.last_contact_date, self.today)
        self.assertEqual(customer.next_contact_date, self.today + timedelta(days=30))
        self.run_tiering()
        self.assertFalse(self.activities(customer))

    def test_marking_todo_done_records_contact(self):
        customer = self.make_customer(60000, last_contact_date=self.today - timedelta(days=90))
        self.run_tiering()
        self.activities(customer).with_user(customer.tier_owner_id).action_feedback("Called, renewed the CD.")
        self.assertEqual(customer.last_contact_date, self.today)
        self.assertEqual(customer.next_contact_date, self.today + timedelta(days=30))

    def test_editing_last_contact_updates_next_contact(self):
        customer = self.make_customer(400000)
        self.run_tiering()
        customer.last_contact_date = self.today - timedelta(days=4)
        self.assertEqual(customer.next_contact_date, self.today + timedelta(days=10))  # 4★: 14 days


@tagged("post_install", "-at_install")
class TestLevelledFirstContacts(StarTieringCase):
    def test_first_contacts_spread_over_the_cadence(self):
        """Go-live: customers never contacted get their first contact on a
        working day within their tier's cadence, each owner's spread evenly,
        so that nobody starts with every customer overdue."""
        Partner = self.env["res.partner"]
        customers = Partner.create([
            {"name": f"Never {i}", "customer_number": f"LV{i:05d}", "branch_id": self.branch_a.id,
             "aum_daily_avg": 20000, "has_business": True}
            for i in range(120)
        ])  # 2★: the branch's two tellers, every 60 days
        stats = self.run_tiering()
        window = self.branch_a._working_days(self.today, self.today + timedelta(days=59))
        self.assertGreater(len(window), 35)
        per_owner_day = {}
        for customer in customers:
            self.assertIn(customer.next_contact_date, window, "a working day within the cadence")
            key = (customer.tier_owner_id, customer.next_contact_date)
            per_owner_day[key] = per_owner_day.get(key, 0) + 1
        owners = customers.tier_owner_id
        self.assertEqual(owners, self.teller_a1 | self.teller_a2)
        for owner in owners:
            counts = [per_owner_day.get((owner, day), 0) for day in window]
            # 60 customers each over the window's working days: one or two a day
            self.assertLessEqual(max(counts) - min(counts), 1, owner.login)
        # only those due today have a to-do on the first night
        due_today = customers.filtered(lambda c: c.next_contact_date <= self.today)
        self.assertEqual(stats["maintenance_todos"], len(due_today))
        self.assertLessEqual(len(due_today), 2 * len(owners))  # not 120 at once
        # the next night keeps every first contact where it is
        before = {c.id: c.next_contact_date for c in customers}
        self.run_tiering()
        self.assertEqual({c.id: c.next_contact_date for c in customers}, before)
        # a customer contacted follows the cadence from then on
        customers[5].last_contact_date = self.today
        self.assertEqual(customers[5].next_contact_date, self.today + timedelta(days=60))
