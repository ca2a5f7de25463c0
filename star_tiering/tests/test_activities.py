from datetime import timedelta

from odoo.tests import tagged

from .common import StarTieringCase


@tagged("post_install", "-at_install")
class TestContactCadence(StarTieringCase):
    def test_due_boundary_and_no_duplicate(self):
        cadence = 30  # head office's 3★ cadence
        overdue = self.make_customer(60000, last_contact_date=self.today - timedelta(days=cadence + 5))
        due_today = self.make_customer(60000, last_contact_date=self.today - timedelta(days=cadence))
        not_yet = self.make_customer(60000, last_contact_date=self.today - timedelta(days=cadence - 1))
        never = self.make_customer(60000)
        stats = self.run_tiering()
        self.assertEqual(stats["maintenance_todos"], 3)
        self.assertEqual(not_yet.next_contact_date, self.today + timedelta(days=1))
        self.assertEqual(due_today.next_contact_date, self.today)
        self.assertEqual(never.next_contact_date, self.today)
        for customer in (overdue, due_today, never):
            todo = self.activities(customer)
            self.assertEqual(len(todo), 1)
            self.assertEqual(todo.user_id, customer.tier_owner_id)
            self.assertEqual(todo.date_deadline, customer.next_contact_date)
            self.assertEqual(todo.res_name, customer.display_name)
        self.assertFalse(self.activities(not_yet))
        # re-runs never duplicate an open to-do
        self.run_tiering()
        self.run_tiering()
        self.assertEqual(len(self.activities(overdue | due_today | never)), 3)

    def test_cadence_follows_tier_policy(self):
        customer = self.make_customer(2000000, last_contact_date=self.today - timedelta(days=7))
        self.run_tiering()
        self.assertEqual(customer.next_contact_date, self.today)  # 5★: weekly
        self.customise_policy(self.branch_a, **{"3": 50000, "4": 300000, "5": 1000000})
        line = self.branch_a.tier_policy_line_ids.filtered(lambda l: l.star_tier == "5")
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
