import base64
import datetime
import io
import re
from unittest.mock import patch

import openpyxl
import pytz
from lxml import etree

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools.translate import code_translations

from .common import StarTieringCase

# make_customer's numbers; the ledger's other rows are subtotals and totals
CUSTOMER_NUMBER = re.compile(r"T\d{7}")


@tagged("post_install", "-at_install")
class TestLedger(StarTieringCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # branch A: one customer per tier, two of them 3★
        cls.a_customers = [cls.make_customer(aum) for aum in (0, 20000, 60000, 80000, 500000, 2000000)]
        cls.untiered = cls.make_customer(70000, branch=cls.outlet_a1)
        cls.b_customer = cls.make_customer(60000, branch=cls.branch_b)
        cls.env.company.name = "Test Rural Commercial Bank"

    def export(self, user, branches=None):
        wizard = self.env["star.tier.ledger.export"].with_user(user).create(
            {"branch_ids": [(6, 0, branches.ids)] if branches else []}
        )
        action = wizard.action_export()
        self.assertIn("/web/content/star.tier.ledger.export/", action["url"])
        return wizard, openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.file)))

    @staticmethod
    def ledger_rows(book):
        """The rows under the header row (row 6) of the ledger sheet, the first one."""
        return list(book.worksheets[0].iter_rows(min_row=7, values_only=True))

    @staticmethod
    def total_row(rows, label, branch=None, stars=None):
        found = [
            row for row in rows
            if row[0] == label and (branch is None or row[2] == branch) and (stars is None or row[3] == stars)
        ]
        assert len(found) == 1, (label, branch, stars, found)
        return found[0]

    def test_coverage(self):
        self.run_tiering(self.branch_a | self.branch_b)
        self.branch_a.invalidate_recordset()
        self.assertEqual((self.branch_a.customer_count, self.branch_a.tiered_count), (6, 6))
        self.assertEqual(self.branch_a.tier_coverage, 100.0)
        self.assertEqual((self.outlet_a1.customer_count, self.outlet_a1.tiered_count), (1, 0))
        self.assertEqual(self.outlet_a1.tier_coverage, 0.0)

    # ------------------------------------------------------------------
    # XLSX: the 客户分类管理台账 a branch prints
    # ------------------------------------------------------------------
    def test_xlsx_title_block_and_print_setup(self):
        self.run_tiering(self.branch_a | self.branch_b)
        # the bank's date, not the server's or the browser's: a day no clock gives today
        bank_day = datetime.date(2026, 2, 14)
        with patch.object(self.registry["bank.branch"], "_bank_today", return_value=bank_day):
            wizard, book = self.export(self.president_a)
        self.assertEqual(wizard.filename, "customer-ledger-2026-02-14.xlsx")
        ws = book["Ledger"]
        self.assertEqual(ws["A1"].value, "Customer Classification Ledger")
        self.assertEqual((ws["A2"].value, ws["B2"].value), ("Bank", "Test Rural Commercial Bank"))
        self.assertEqual((ws["F2"].value, ws["G2"].value), ("As of", datetime.datetime(2026, 2, 14)))
        self.assertEqual((ws["A3"].value, ws["B3"].value), ("Branch", "Branch A"))
        self.assertEqual((ws["F3"].value, ws["G3"].value), ("Prepared by", self.president_a.name))
        self.assertEqual(ws["I3"].value, "Prepared on")
        now_beijing = pytz.utc.localize(fields.Datetime.now()).astimezone(pytz.timezone("Asia/Shanghai"))
        self.assertLess(abs(ws["J3"].value - now_beijing.replace(tzinfo=None)), datetime.timedelta(minutes=5))
        self.assertEqual(ws["A4"].value, "Confidential — for internal use only")
        self.assertEqual(
            [cell.value for cell in ws[6]],
            ["Customer Number", "Customer", "Branch", "Tier", "AUM (CNY)", "AUM As Of", "Tier Since",
             "Tier Owner", "Secondary Owner", "Last Contact", "Next Contact"],
        )
        # Branch A: 6 customers, 5 tier subtotals, 1 branch total (rows 7-18);
        # Outlet A1: 1 customer, 1 subtotal, 1 branch total (rows 19-21)
        self.assertEqual(ws.auto_filter.ref, "A6:K21")
        self.assertEqual(ws.freeze_panes, "A7")
        self.assertEqual(ws.page_setup.orientation, "landscape")
        self.assertTrue(ws.sheet_properties.pageSetUpPr.fitToPage)
        # one page wide (an absent fitToWidth is OOXML's default, 1), as many pages tall as needed
        self.assertEqual((ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight), (1, 0))
        self.assertEqual(ws.print_title_rows, "$6:$6")
        self.assertIn("Confidential — for internal use only", ws.oddHeader.right.text)
        self.assertIn("Customer Classification Ledger — Branch A", ws.oddHeader.center.text)
        self.assertIn(f"Prepared by {self.president_a.name}", ws.oddFooter.left.text)
        self.assertIn("As of 2026-02-14", ws.oddFooter.center.text)
        # columns fit their content: the widest customer name, the stars, the AUM
        widths = {col: ws.column_dimensions[col].width for col in "BDE"}
        self.assertGreaterEqual(widths["B"], len("Customer 99"))
        self.assertGreaterEqual(widths["E"], len("2,000,000.00"))
        self.assertLess(max(widths.values()), 61)

    def test_xlsx_rows_subtotals_and_totals(self):
        self.run_tiering(self.branch_a | self.branch_b)
        _wizard, book = self.export(self.teller_a1)
        rows = self.ledger_rows(book)
        customers = {row[0]: row for row in rows if CUSTOMER_NUMBER.fullmatch(row[0])}
        expected = {c.customer_number for c in self.a_customers} | {self.untiered.customer_number}
        self.assertEqual(set(customers), expected, "a teller exports their own branch and its outlets only")
        # best customers first
        self.assertEqual(rows[0][0], self.a_customers[-1].customer_number)
        top = customers[self.a_customers[-1].customer_number]
        self.assertEqual(top[1:5], (self.a_customers[-1].name, "Branch A", "★★★★★", 2000000))
        self.assertEqual(top[7], self.president_a.name)
        self.assertIsInstance(top[6], datetime.datetime, "tier since is a date cell")
        self.assertEqual(customers[self.untiered.customer_number][3], "Not tiered")

        three_stars = self.total_row(rows, "Subtotal", "Branch A", "★★★")
        self.assertEqual((three_stars[1], three_stars[4]), (2, 140000))
        outlet = self.total_row(rows, "Subtotal", "Branch A / Outlet A1", "Not tiered")
        self.assertEqual((outlet[1], outlet[4]), (1, 70000))
        branch_a = self.total_row(rows, "Branch total", "Branch A")
        self.assertEqual((branch_a[1], branch_a[4]), (6, 2660000))
        # the ledger spans two branches: the bank's totals per tier, then the grand total
        self.assertEqual(self.total_row(rows, "Tier total", stars="★★★")[1], 2)
        self.assertEqual(rows[-1][0], "Grand total")
        self.assertEqual((rows[-1][1], rows[-1][4]), (7, 2730000))

        coverage = {row[0]: row for row in book["Coverage"].iter_rows(min_row=2, values_only=True)}
        self.assertEqual(coverage["Branch A"][1:4], (6, 6, 1.0))
        self.assertEqual(coverage["Branch A / Outlet A1"][1:4], (1, 0, 0.0))
        self.assertNotIn("Branch B", coverage)

    def test_xlsx_other_branch_sees_only_its_own(self):
        self.run_tiering(self.branch_a | self.branch_b)
        _wizard, book = self.export(self.teller_b)
        ws = book["Ledger"]
        self.assertEqual(ws["B3"].value, "Branch B")
        rows = self.ledger_rows(book)
        self.assertEqual(
            {row[0] for row in rows if CUSTOMER_NUMBER.fullmatch(row[0])}, {self.b_customer.customer_number}
        )
        self.assertEqual({row[2] for row in rows if row[2]}, {"Branch B"})
        self.assertEqual((rows[-1][0], rows[-1][1], rows[-1][4]), ("Grand total", 1, 60000))
        # asking for another branch does not widen what the record rules allow
        _wizard, book = self.export(self.teller_b, branches=self.branch_a)
        self.assertEqual(self.ledger_rows(book)[-1][:2], ("Grand total", 0))

    def test_xlsx_export_is_its_authors_only(self):
        """Head office's all-branch ledger is not downloadable by a teller who
        guesses its id (transient records are otherwise readable by id)."""
        self.run_tiering(self.branch_a | self.branch_b)
        wizard, _book = self.export(self.auditor)
        with self.assertRaises(AccessError):
            wizard.with_user(self.teller_b).read(["file"])
        self.assertTrue(wizard.with_user(self.auditor).read(["file"])[0]["file"])

    def test_xlsx_translated(self):
        """Sheet names, title, columns, totals and the mark follow the user's language."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.run_tiering(self.branch_a | self.branch_b)
        zh_cn = {
            "Ledger": "台账", "Coverage": "覆盖率", "Customer Classification Ledger": "客户分类管理台账",
            "Customer Number": "客户号", "Subtotal": "小计", "Grand total": "合计",
            "Confidential — for internal use only": "严格保密，仅供内部使用", "Prepared by": "制表人",
        }
        with patch.dict(code_translations.python_translations, {("star_tiering", "zh_CN"): zh_cn}):
            wizard = self.env["star.tier.ledger.export"].with_user(self.teller_b).with_context(lang="zh_CN")
            wizard = wizard.create({})
            wizard.action_export()
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.file)))
        self.assertEqual(book.sheetnames, ["台账", "覆盖率"])
        ws = book["台账"]
        self.assertEqual(
            (ws["A1"].value, ws["F3"].value, ws["A4"].value, ws["A6"].value),
            ("客户分类管理台账", "制表人", "严格保密，仅供内部使用", "客户号"),
        )
        rows = self.ledger_rows(book)
        self.assertEqual((rows[1][0], rows[-1][0]), ("小计", "合计"))
        self.assertIn("严格保密，仅供内部使用", ws.oddHeader.right.text)

    def test_xlsx_auditor_all_branches(self):
        self.run_tiering(self.branch_a | self.branch_b)
        _wizard, book = self.export(self.auditor)
        self.assertEqual(book["Ledger"]["B3"].value, "All branches")
        _wizard, book = self.export(self.auditor, branches=self.branch_a | self.branch_b)
        rows = self.ledger_rows(book)
        self.assertEqual(book["Ledger"]["B3"].value, "Branch A, Branch B")
        self.assertEqual(self.total_row(rows, "Branch total", "Branch B")[1], 1)
        self.assertEqual(self.total_row(rows, "Tier total", stars="★★★")[1:5:3], (3, 200000))
        self.assertEqual((rows[-1][0], rows[-1][1], rows[-1][4]), ("Grand total", 8, 2790000))

    def test_xlsx_export_is_set_based(self):
        """The export's queries do not grow with the number of customers."""
        # owners to name from the start: the first export reads users too
        self.make_customer(1500000, branch=self.branch_b)
        self.make_customer(10000, branch=self.branch_b)
        self.run_tiering(self.branch_a | self.branch_b)

        def export_queries():
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.export(self.teller_b)
            return self.env.cr.sql_log_count - before

        export_queries()  # warm the registry's caches
        few = export_queries()
        for aum in (10000, 70000, 90000, 400000, 1500000, 3000000, 0, 55000):
            self.make_customer(aum, branch=self.branch_b)
        self.run_tiering(self.branch_b)
        self.assertEqual(export_queries(), few)

    # ------------------------------------------------------------------
    # The ledger's pivot (star.tier.ledger)
    # ------------------------------------------------------------------
    def test_ledger_offers_only_the_bank_measures(self):
        Ledger = self.env["star.tier.ledger"].with_user(self.auditor)
        measures = {
            name for name, field in Ledger.fields_get(attributes=["type", "aggregator"]).items()
            if field["type"] in ("integer", "float", "monetary") and field.get("aggregator") and name != "id"
        }
        self.assertEqual(measures, {"customer_count", "aum_daily_avg"})
        pivot = etree.fromstring(Ledger.get_views([(False, "pivot")])["views"]["pivot"]["arch"])
        self.assertEqual(
            {node.get("name") for node in pivot.xpath("//field[@type='measure']")},
            {"customer_count", "aum_daily_avg"},
        )
        self.assertEqual([node.get("name") for node in pivot.xpath("//field[@type='row']")], ["branch_id"])
        self.assertEqual([node.get("name") for node in pivot.xpath("//field[@type='col']")], ["star_tier"])

    def test_ledger_pivot_groups(self):
        self.run_tiering(self.branch_a | self.branch_b)
        self.make_customer(90000, branch=self.branch_b, active=False)  # archived: not in the ledger
        groups = self.env["star.tier.ledger"].with_user(self.auditor)._read_group(
            [("branch_id", "in", (self.branch_a | self.outlet_a1 | self.branch_b).ids)],
            ["branch_id", "star_tier"], ["customer_count:sum", "aum_daily_avg:sum", "__count"],
        )
        by_key = {(branch, tier): (count, aum) for branch, tier, count, aum, _n in groups}
        self.assertEqual(by_key[self.branch_a, "3"], (2, 140000))
        self.assertEqual(by_key[self.branch_a, "5"], (1, 2000000))
        self.assertEqual(by_key[self.outlet_a1, "0"], (1, 70000))
        self.assertEqual(by_key[self.branch_b, "3"], (1, 60000))
        self.assertEqual(sum(count for count, _aum in by_key.values()), 8)
        self.assertEqual(sum(aum for _count, aum in by_key.values()), 2790000)

    def test_ledger_follows_the_customers_rules(self):
        self.run_tiering(self.branch_a | self.branch_b)
        Ledger = self.env["star.tier.ledger"]
        ours = [("partner_id", "in", (self.b_customer | self.untiered).ids + [c.id for c in self.a_customers])]
        self.assertEqual(Ledger.with_user(self.teller_b).search([]).partner_id, self.b_customer)
        self.assertEqual(
            set(Ledger.with_user(self.teller_b)._read_group([], ["branch_id"], ["customer_count:sum"])),
            {(self.branch_b, 1)},
        )
        president = Ledger.with_user(self.president_a).search([])
        self.assertEqual(president.branch_id, self.branch_a | self.outlet_a1)
        self.assertEqual(len(president), 7)
        self.assertEqual(len(Ledger.with_user(self.auditor).search(ours)), 8)
        self.assertEqual(len(Ledger.with_user(self.head_office_user).search(ours)), 8)
        row = Ledger.with_user(self.president_a).search([("partner_id", "=", self.a_customers[-1].id)])
        self.assertEqual(
            (row.star_tier, row.tier_owner_id, row.aum_daily_avg, row.customer_count, row.currency_id.name),
            ("5", self.president_a, 2000000, 1, "CNY"),
        )
