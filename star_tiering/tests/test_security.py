from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import StarTieringCase


@tagged("post_install", "-at_install")
class TestSecurity(StarTieringCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.in_a = cls.make_customer(60000)
        cls.in_o1 = cls.make_customer(60000, branch=cls.outlet_a1)
        cls.in_b = cls.make_customer(60000, branch=cls.branch_b)
        cls.customers = cls.in_a | cls.in_o1 | cls.in_b

    def visible(self, user):
        return self.env["res.partner"].with_user(user).search([("id", "in", self.customers.ids)])

    def test_roles_grant_groups(self):
        self.assertTrue(self.teller_a1.has_group("star_tiering.group_bank_user"))
        self.assertFalse(self.teller_a1.has_group("star_tiering.group_bank_branch_manager"))
        self.assertTrue(self.president_a.has_group("star_tiering.group_bank_branch_manager"))
        self.assertTrue(self.auditor.has_group("star_tiering.group_bank_auditor"))
        self.assertTrue(self.head_office_user.has_group("star_tiering.group_bank_head_office"))
        self.assertFalse(self.plain_user.has_group("star_tiering.group_bank_user"))

    def test_own_branch_customers_only(self):
        self.assertEqual(self.visible(self.teller_a1), self.in_a | self.in_o1)
        self.assertEqual(self.visible(self.teller_o1), self.in_o1)
        self.assertEqual(self.visible(self.teller_b), self.in_b)
        self.assertEqual(self.visible(self.auditor), self.customers)
        self.assertEqual(self.visible(self.head_office_user), self.customers)
        self.assertFalse(self.visible(self.plain_user))
        with self.assertRaises(AccessError):
            self.in_b.with_user(self.teller_a1).read(["name"])
        with self.assertRaises(AccessError):
            self.in_a.with_user(self.teller_b).write({"last_contact_date": self.today})

    def test_aum_only_for_bank_staff(self):
        self.assertEqual(self.in_a.with_user(self.teller_a1).aum_daily_avg, 60000)
        partner = self.env.user.partner_id.with_user(self.plain_user)
        with self.assertRaises(AccessError):
            partner.read(["aum_daily_avg"])

    def test_tier_history_per_branch(self):
        self.run_tiering()
        History = self.env["star.tier.history"]
        self.assertEqual(History.with_user(self.teller_b).search([]).partner_id, self.in_b)
        self.assertEqual(History.with_user(self.teller_a1).search([]).partner_id, self.in_a | self.in_o1)
        self.assertEqual(len(History.with_user(self.auditor).search([("partner_id", "in", self.customers.ids)])), 3)
        with self.assertRaises(AccessError):
            History.with_user(self.head_office_user).search([], limit=1).unlink()
        # the history's pivot groups by the customer's branch
        grouped = History.with_user(self.auditor)._read_group(
            [("partner_id", "in", self.customers.ids)], ["branch_id"], ["__count"])
        self.assertEqual(dict(grouped), {self.branch_a: 1, self.outlet_a1: 1, self.branch_b: 1})
        # a customer who moves takes their history (and its AUM) along
        self.in_a.branch_id = self.branch_b
        self.assertEqual(History.with_user(self.teller_a1).search([]).partner_id, self.in_o1)
        self.assertEqual(History.with_user(self.teller_b).search([]).partner_id, self.in_a | self.in_b)

    def test_only_managers_edit_policies(self):
        self.branch_a.action_customise_tier_policy()
        self.branch_b.action_customise_tier_policy()
        line_a = self.branch_a.tier_policy_line_ids.filtered(lambda tier_line: tier_line.star_tier == "3")
        line_b = self.branch_b.tier_policy_line_ids.filtered(lambda tier_line: tier_line.star_tier == "3")
        for user in (self.teller_a1, self.auditor):
            with self.assertRaises(AccessError):
                line_a.with_user(user).min_aum = 60000
        with self.assertRaises(AccessError):
            self.branch_b.with_user(self.teller_b).action_customise_tier_policy()
        line_a.with_user(self.president_a).min_aum = 60000
        self.assertEqual(line_a.min_aum, 60000)
        with self.assertRaises(AccessError):
            line_b.with_user(self.president_a).min_aum = 60000
        with self.assertRaises(AccessError):
            self.head_office.tier_policy_line_ids[:1].with_user(self.president_a).cadence_days = 5
        line_b.with_user(self.head_office_user).min_aum = 70000
        self.assertEqual(line_b.min_aum, 70000)

    def test_retier_rights(self):
        with self.assertRaises(AccessError):
            self.branch_a.with_user(self.teller_a1).action_star_tiering()
        with self.assertRaises(AccessError):
            self.branch_b.with_user(self.president_a).action_star_tiering()
        with self.assertRaises(AccessError):
            self.in_b.with_user(self.president_a).action_star_tiering()
        self.branch_a.with_user(self.president_a).action_star_tiering()
        self.assertEqual((self.in_a.star_tier, self.in_b.star_tier), ("3", "0"))

    def test_staff_cannot_set_tier_by_hand(self):
        # star_tier is computed by the engine only: read-only in views, and the
        # history cannot be forged by staff
        with self.assertRaises(AccessError):
            self.env["star.tier.history"].with_user(self.teller_a1).create({
                "partner_id": self.in_a.id, "date": self.today, "new_tier": "5", "reason": "manual",
            })
