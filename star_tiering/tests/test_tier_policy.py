from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import StarTieringCase


@tagged("post_install", "-at_install")
class TestTierPolicy(StarTieringCase):
    def test_head_office_defaults(self):
        policy = self.head_office._get_tier_policy()[self.head_office.id]
        self.assertEqual(
            [policy[t].min_aum for t in "12345"], [0, 0, 50000, 300000, 1000000]
        )
        self.assertEqual(policy["5"].primary_role, "branch_president")
        self.assertEqual(policy["2"].primary_role, "teller")
        self.assertTrue(all(policy[t].cadence_days > 0 for t in "12345"))

    def test_inheritance(self):
        # No own policy: sub-branches and outlets apply head office's.
        self.assertEqual(self.branch_a.policy_branch_id, self.head_office)
        self.assertEqual(self.outlet_a1.policy_branch_id, self.head_office)
        self.branch_a.action_customise_tier_policy()
        self.assertEqual(len(self.branch_a.tier_policy_line_ids), 5)
        # An outlet inherits its sub-branch's policy; the other branch keeps head office's.
        self.branch_a.invalidate_recordset()
        self.outlet_a1.invalidate_recordset()
        self.assertEqual(self.branch_a.policy_branch_id, self.branch_a)
        self.assertEqual(self.outlet_a1.policy_branch_id, self.branch_a)
        self.assertEqual(self.branch_b.policy_branch_id, self.head_office)
        self.branch_a.action_reset_tier_policy()
        self.assertFalse(self.branch_a.tier_policy_line_ids)
        self.assertEqual(self.outlet_a1._get_policy_branch(), self.head_office)

    def test_non_increasing_thresholds_refused(self):
        lines = self.customise_policy(self.branch_a, **{"3": 60000, "4": 400000, "5": 2000000})
        for tier, amount in (("4", 60000), ("4", 59999.99), ("5", 400000), ("3", 400000)):
            with self.assertRaises(ValidationError, msg=f"{tier}★ at {amount}"):
                lines[tier].min_aum = amount
            # nothing half-written: the policy is as before
            lines[tier].invalidate_recordset()
            self.assertEqual(
                [lines[t].min_aum for t in "345"], [60000, 400000, 2000000]
            )
        with self.assertRaises(ValidationError):
            lines["3"].min_aum = 0

    def test_negative_amount_and_cadence_refused(self):
        lines = self.customise_policy(self.branch_a, **{"3": 50000, "4": 300000, "5": 1000000})
        with self.assertRaises(ValidationError):
            lines["3"].min_aum = -1
        with self.assertRaises(ValidationError):
            lines["4"].cadence_days = 0
        with self.assertRaises(ValidationError):
            lines["4"].cadence_days = -7
        with self.assertRaises(ValidationError):
            lines["2"].min_aum = 1000
        self.assertEqual(lines["4"].cadence_days, 14)

    def test_incomplete_policy_refused(self):
        self.branch_a.action_customise_tier_policy()
        with self.assertRaises(ValidationError):
            self.branch_a.tier_policy_line_ids.filtered(lambda tier_line: tier_line.star_tier == "4").unlink()
        self.assertEqual(len(self.branch_a.tier_policy_line_ids), 5)

    def test_edit_policy_in_branch_form(self):
        self.branch_b.action_customise_tier_policy()
        with Form(self.branch_b) as form:
            for index in range(5):
                with form.tier_policy_line_ids.edit(index) as line:
                    if line.star_tier == "3":
                        line.min_aum = 100000
        self.assertEqual(self.branch_b._get_tier_policy()[self.branch_b.id]["3"].min_aum, 100000)
        form = Form(self.branch_b)
        for index in range(5):
            with form.tier_policy_line_ids.edit(index) as line:
                if line.star_tier == "4":
                    line.min_aum = 90000
        with self.assertRaises(ValidationError):
            form.save()
