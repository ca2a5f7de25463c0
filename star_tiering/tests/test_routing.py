from unittest.mock import patch

from odoo.tests import tagged

from .common import StarTieringCase


@tagged("post_install", "-at_install")
class TestRouting(StarTieringCase):
    def test_spread_evenly_by_role(self):
        customers = [self.make_customer(1000 + i) for i in range(10)]
        self.run_tiering()
        owners = [c.tier_owner_id for c in customers]
        self.assertEqual(sum(1 for o in owners if o == self.teller_a1), 5)
        self.assertEqual(sum(1 for o in owners if o == self.teller_a2), 5)
        self.assertFalse(any(c.tier_secondary_owner_id for c in customers))

    def test_roles_per_tier_and_parent_fallback(self):
        one, three, four, five = (self.make_customer(0), self.make_customer(60000),
                                  self.make_customer(500000), self.make_customer(2000000))
        outlet_two = self.make_customer(100, branch=self.outlet_a1)
        outlet_five = self.make_customer(5000000, branch=self.outlet_a1)
        self.run_tiering()
        self.assertEqual(one.tier_owner_id, self.dev_a)
        self.assertEqual(three.tier_owner_id, self.staff_a)
        self.assertEqual(four.tier_owner_id, self.cm_a)
        self.assertEqual(five.tier_owner_id, self.president_a)
        self.assertEqual(five.tier_secondary_owner_id, self.cm_a)
        # the outlet has its own teller; its 5★ customer goes to the sub-branch president
        self.assertEqual(outlet_two.tier_owner_id, self.teller_o1)
        self.assertEqual(outlet_five.tier_owner_id, self.president_a)

    def test_no_candidate_goes_to_the_president(self):
        customer = self.make_customer(500000, branch=self.branch_b)  # B has no customer manager
        self.run_tiering()
        self.assertEqual(customer.star_tier, "4")
        self.assertEqual(customer.tier_owner_id, self.president_b)
        # nor a secondary role holder: the secondary owner stays empty
        five = self.make_customer(2000000, branch=self.branch_b)
        self.run_tiering()
        self.assertEqual((five.tier_owner_id, five.tier_secondary_owner_id), (self.president_b, self.env["res.users"]))

    def test_sticky_owners_and_least_loaded_first(self):
        customers = [self.make_customer(1000 + i) for i in range(6)]
        self.run_tiering()
        owners = {c: c.tier_owner_id for c in customers}
        teller_a3 = self.teller_a1.copy({"login": "teller_a3", "name": "Teller A3"})
        self.assertEqual((teller_a3.bank_role, teller_a3.branch_id), ("teller", self.branch_a))
        stats = self.run_tiering()
        self.assertEqual(stats["owner_changes"], 0)
        self.assertEqual({c: c.tier_owner_id for c in customers}, owners)
        newcomers = [self.make_customer(500 + i) for i in range(3)]
        self.run_tiering()
        self.assertEqual([c.tier_owner_id for c in newcomers], [teller_a3] * 3)
        self.assertEqual({c: c.tier_owner_id for c in customers}, owners)

    def test_rerouting_counts_the_whole_branch(self):
        """Customers re-examined with their owner kept count once in the load;
        ties go to the lower user id (teller A1)."""
        customers = [self.make_customer(1000 + i) for i in range(4)]
        self.run_tiering()
        by_owner = {t: [c for c in customers if c.tier_owner_id == t] for t in (self.teller_a1, self.teller_a2)}
        self.assertEqual([len(v) for v in by_owner.values()], [2, 2])
        # one of A1's customers re-examined (same tier, owner kept) and a
        # newcomer: 2 against 2, the newcomer goes to A1
        self.set_aum(by_owner[self.teller_a1][0], 2000)
        first = self.make_customer(3000)
        self.run_tiering()
        self.assertEqual(by_owner[self.teller_a1][0].tier_owner_id, self.teller_a1)
        self.assertEqual(first.tier_owner_id, self.teller_a1)
        second = self.make_customer(3100)
        self.run_tiering()
        self.assertEqual(second.tier_owner_id, self.teller_a2)
        # one of A2's customers re-examined and a newcomer: 3 against 3, A1
        self.set_aum(by_owner[self.teller_a2][0], 2500)
        third = self.make_customer(3200)
        self.run_tiering()
        self.assertEqual(third.tier_owner_id, self.teller_a1)
        # a manual re-tier of one customer weighs every customer of the branch (4 against 3)
        fourth = self.make_customer(3300)
        self.run_tiering(partners=fourth, reason="manual")
        self.assertEqual(fourth.tier_owner_id, self.teller_a2)

    def test_owner_losing_role_hands_over(self):
        customers = [self.make_customer(1000 + i) for i in range(4)]
        self.run_tiering()
        held = [c for c in customers if c.tier_owner_id == self.teller_a1]
        self.assertEqual(len(held), 2)
        self.teller_a1.bank_role = "vip_teller"
        self.run_tiering()
        self.assertTrue(all(c.tier_owner_id == self.teller_a2 for c in customers))
        self.teller_a2.active = False
        self.run_tiering()
        # nobody holds the role any more: the president stands in
        self.assertTrue(all(c.tier_owner_id == self.president_a for c in customers))

    def test_tier_change_hands_over_and_tells_both_owners(self):
        customer = self.make_customer(20000, last_contact_date=False)
        self.run_tiering()
        old_owner = customer.tier_owner_id
        self.assertIn(old_owner, self.teller_a1 | self.teller_a2)
        todo = self.activities(customer)
        self.assertEqual(todo.user_id, old_owner)
        self.set_aum(customer, 400000)
        messages_before = self.branch_a.message_ids
        self.run_tiering()
        self.assertEqual(customer.tier_owner_id, self.cm_a)
        # the open to-do follows the customer
        self.assertEqual(todo.user_id, self.cm_a)
        self.assertEqual(self.activities(customer), todo)
        notice = (self.branch_a.message_ids - messages_before).filtered(lambda m: "handed over" in m.body)
        self.assertEqual(len(notice), 1)
        self.assertEqual(notice.partner_ids, old_owner.partner_id | self.cm_a.partner_id)
        self.assertIn(customer.name, notice.body)
        tracking = customer.message_ids.tracking_value_ids.filtered(lambda t: t.field_id.name == "tier_owner_id")
        self.assertEqual((tracking.old_value_integer, tracking.new_value_integer), (old_owner.id, self.cm_a.id))

    def test_night_notices_reach_the_inbox_without_a_live_push(self):
        (self.teller_a1 | self.teller_a2 | self.cm_a).notification_type = "inbox"
        customer = self.make_customer(20000, last_contact_date=False)
        self.run_tiering()
        old_owner = customer.tier_owner_id
        Users = type(self.env["res.users"])
        send_store = Users._bus_send_store
        pushed = self.env["res.partner"]

        def spy(users, *args, **kwargs):
            nonlocal pushed
            if kwargs.get("notification_type") == "mail.message/inbox":
                pushed |= users.partner_id
            return send_store(users, *args, **kwargs)

        def hand_over(aum, reason):
            self.set_aum(customer, aum)
            before = self.branch_a.message_ids
            with patch.object(Users, "_bus_send_store", spy):
                self.run_tiering(reason=reason)
            return (self.branch_a.message_ids - before).filtered(lambda m: "handed over" in m.body)

        notice = hand_over(400000, "nightly")
        owners = old_owner.partner_id | self.cm_a.partner_id
        self.assertEqual(notice.notification_ids.res_partner_id, owners)
        for notification in notice.notification_ids:
            self.assertEqual((notification.notification_type, notification.notification_status), ("inbox", "sent"))
            self.assertFalse(notification.is_read)
        self.assertFalse(pushed, "a nightly notice is not pushed to open web clients")
        # an on-demand re-tier's notice is pushed live, as any message
        notice = hand_over(20000, "manual")
        self.assertEqual(len(notice), 1)
        self.assertIn(self.cm_a.partner_id, notice.notification_ids.res_partner_id)
        self.assertEqual(pushed, notice.notification_ids.res_partner_id)
