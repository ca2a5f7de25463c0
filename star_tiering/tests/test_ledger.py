import base64
import io

import openpyxl

from odoo.tests import tagged

from .common import StarTieringCase


@tagged("post_install", "-at_install")
class TestLedger(StarTieringCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.a_customers = [cls.make_customer(aum) for aum in (0, 20000, 60000, 500000, 2000000)]
        cls.untiered = cls.make_customer(70000, branch=cls.outlet_a1)
        cls.b_customer = cls.make_customer(60000, branch=cls.branch_b)

    def test_coverage(self):
        self.run_tiering(self.branch_a | self.branch_b)
        self.branch_a.invalidate_recordset()
        self.assertEqual((self.branch_a.customer_count, self.branch_a.tiered_count), (5, 5))
        self.assertEqual(self.branch_a.tier_coverage, 100.0)
        self.assertEqual((self.outlet_a1.customer_count, self.outlet_a1.tiered_count), (1, 0))
        self.assertEqual(self.outlet_a1.tier_coverage, 0.0)

    def test_xlsx_export_respects_branch(self):
        self.run_tiering(self.branch_a | self.branch_b)
        wizard = self.env["star.tier.ledger.export"].with_user(self.teller_a1).create({})
        action = wizard.action_export()
        self.assertIn("/web/content/star.tier.ledger.export/", action["url"])
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.file)))
        ledger = book["Ledger"]
        rows = list(ledger.iter_rows(min_row=2, values_only=True))
        numbers = {row[1] for row in rows}
        expected = {c.customer_number for c in self.a_customers} | {self.untiered.customer_number}
        self.assertEqual(numbers, expected, "a teller exports their own branch only")
        by_number = {row[1]: row for row in rows}
        top = by_number[self.a_customers[-1].customer_number]
        self.assertEqual((top[3], top[4], top[5]), ("5 Stars", "★★★★★", 2000000))
        self.assertEqual(top[6], self.president_a.name)
        coverage = {row[0]: row for row in book["Coverage"].iter_rows(min_row=2, values_only=True)}
        self.assertEqual(coverage[self.branch_a.display_name][1:4], (5, 5, 1.0))
        self.assertEqual(coverage[self.outlet_a1.display_name][1:4], (1, 0, 0.0))
        self.assertNotIn(self.branch_b.display_name, coverage)

    def test_ledger_pivot_groups(self):
        self.run_tiering(self.branch_a | self.branch_b)
        groups = self.env["res.partner"].with_user(self.auditor)._read_group(
            [("branch_id", "!=", False), ("id", "in", [c.id for c in self.a_customers] + [self.b_customer.id])],
            ["branch_id", "star_tier", "tier_owner_id"], ["__count"],
        )
        self.assertEqual(sum(count for *_keys, count in groups), 6)
        self.assertIn((self.branch_b, "3", self.env["res.users"]), [g[:3] for g in groups])
