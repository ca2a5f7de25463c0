"""The feed wizard: preview, the two modes, on the feed's engine."""
import base64
import codecs
import csv
import datetime
import io

import xlsxwriter

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import StarTieringCase

HEADER = "customer_number,as_of_date,aum,has_business\n"


@tagged("post_install", "-at_install")
class TestFeedImport(StarTieringCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # dates relative to the bank's today: a feed dated in the future is refused
        cls.day = (cls.today - datetime.timedelta(days=10)).isoformat()
        cls.next_day = (cls.today - datetime.timedelta(days=9)).isoformat()
        cls.held_day = (cls.today - datetime.timedelta(days=30)).isoformat()
        cls.old_day = (cls.today - datetime.timedelta(days=60)).isoformat()
        cls.c1 = cls.make_customer(0, customer_number="F0001")
        cls.c2 = cls.make_customer(0, customer_number="F0002")
        cls.c3 = cls.make_customer(10000, customer_number="F0003", aum_date=cls.held_day)

    def wizard(self, content, filename="feed.csv", mode="all_or_nothing", user=None):
        if isinstance(content, str):
            content = content.encode()
        env = self.env(user=user or self.head_office_user)
        return env["star.tier.feed.import"].create({
            "file": base64.b64encode(content), "filename": filename, "import_mode": mode,
        })

    def logs(self):
        return self.env["star.tier.feed.log"].search([])

    def test_good_file_and_idempotent_reimport(self):
        content = HEADER + f"F0001,{self.day},\"1,200,000.50\",1\nF0002,{self.day},49999.99,yes\n"
        wizard = self.wizard(content)
        wizard.action_preview()
        self.assertEqual((wizard.row_count, wizard.update_count, wizard.error_count), (2, 2, 0))
        self.assertFalse(wizard.error_line_ids)
        self.assertFalse(wizard.error_file)
        self.assertEqual(self.c1.aum_daily_avg, 0, "a preview applies nothing")
        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        self.assertEqual(self.c1.aum_daily_avg, 1200000.50)
        self.assertEqual(str(self.c1.aum_date), self.day)
        self.assertTrue(self.c2.has_business)
        self.assertEqual(wizard.log_id.source, "upload")
        self.assertEqual(wizard.log_id.create_uid, self.head_office_user)
        self.assertEqual((wizard.log_id.row_count, wizard.log_id.updated_count), (2, 2))
        self.env.flush_all()
        self.env.cr.execute("SELECT max(write_date) FROM res_partner WHERE id IN %s", [(self.c1.id, self.c2.id)])
        stamp = self.env.cr.fetchone()
        # the same file again: the preview says so, the import changes nothing
        again = self.wizard(content)
        again.action_preview()
        self.assertEqual(again.previous_log_id, wizard.log_id)
        self.assertEqual((again.update_count, again.unchanged_count), (0, 2))
        again.action_import()
        self.assertIn("imported already", again.result)
        self.assertEqual(again.log_id, wizard.log_id)
        self.assertEqual(len(self.logs()), 1)
        self.env.cr.execute("SELECT max(write_date) FROM res_partner WHERE id IN %s", [(self.c1.id, self.c2.id)])
        self.assertEqual(self.env.cr.fetchone(), stamp)
        # the same rows in another file: unchanged
        other = self.wizard(content + "\n")
        other.action_import()
        self.assertEqual((other.log_id.updated_count, other.log_id.unchanged_count), (0, 2))
        # the imported AUM drives the next tiering
        self.run_tiering()
        self.assertEqual((self.c1.star_tier, self.c2.star_tier), ("5", "2"))

    def test_bad_rows_reported_and_nothing_imported(self):
        content = HEADER + "\n".join([
            f"F0001,{self.day},500000,1",      # row 2: good
            f"NOPE,{self.day},100,1",          # row 3: unknown customer
            "F0002,20-11-2026,100,1",         # row 4: bad date
            f"F0003,{self.day},-5,1",          # row 5: negative
            f",{self.day},100,1",              # row 6: no number
            f"F0002,{self.day},abc,maybe",     # row 7: bad amount and flag (and F0002 twice)
        ]) + "\n"
        wizard = self.wizard(content)
        wizard.action_preview()
        self.assertEqual(wizard.error_count, 5)
        errors = {line.row_number: line.message for line in wizard.error_line_ids}
        self.assertEqual(sorted(errors), [3, 4, 5, 6, 7])
        self.assertIn("No customer has this customer number", errors[3])
        self.assertEqual(wizard.error_line_ids[0].customer_number, "NOPE")
        self.assertIn("not a date", errors[4])
        self.assertIn("negative", errors[5])
        self.assertIn("missing", errors[6])
        self.assertIn("not an amount", errors[7])
        self.assertIn("yes/no", errors[7])
        self.assertIn("on 2 lines (4, 7)", errors[7])
        # the error file: every rejected row, the raw values, why
        data = base64.b64decode(wizard.error_file)
        self.assertTrue(data.startswith(codecs.BOM_UTF8))
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        self.assertEqual(rows[0], ["Line", "Customer Number", "As-of Date", "AUM", "Has Business", "Reason"])
        self.assertEqual([r[:5] for r in rows[1:]], [
            ["3", "NOPE", self.day, "100", "1"],
            ["4", "F0002", "20-11-2026", "100", "1"],
            ["5", "F0003", self.day, "-5", "1"],
            ["6", "", self.day, "100", "1"],
            ["7", "F0002", self.day, "abc", "maybe"],
        ])
        self.assertEqual(wizard.error_filename, "feed.errors.csv")
        with self.assertRaises(UserError) as caught:
            wizard.action_import()
        self.assertIn("Row 3", str(caught.exception))
        self.assertIn("Row 7", str(caught.exception))
        self.assertEqual(self.c1.aum_daily_avg, 0)
        self.assertFalse(self.logs(), "a refused file leaves no log")
        # the user chooses to import the good rows only
        wizard.import_mode = "valid_rows"
        wizard.action_import()
        self.assertEqual(self.c1.aum_daily_avg, 500000)
        self.assertEqual(self.c3.aum_daily_avg, 10000)
        self.assertIn("5 invalid row(s) skipped", wizard.result)
        log = wizard.log_id
        self.assertEqual((log.row_count, log.updated_count, log.rejected_count), (6, 1, 5))
        self.assertEqual(log.error_file_id.raw, data)

    def test_duplicates_and_stale_rows(self):
        content = HEADER + f"F0001,{self.day},100,1\nF0001,{self.next_day},200,1\nF0003,{self.old_day},99999,1\n"
        wizard = self.wizard(content, mode="valid_rows")
        wizard.action_preview()
        self.assertEqual(wizard.error_count, 2)
        self.assertIn("(2, 3)", wizard.error_line_ids[0].message)
        self.assertEqual(wizard.stale_count, 1)
        wizard.action_import()
        self.assertEqual(self.c1.aum_daily_avg, 0)
        self.assertEqual(self.c3.aum_daily_avg, 10000, "older data never overwrites newer")
        self.assertEqual(str(self.c3.aum_date), self.held_day)

    def test_preview_of_a_large_file_lists_twenty_rows(self):
        content = HEADER + "".join(f"X{i:05d},{self.day},1,1\n" for i in range(500))
        wizard = self.wizard(content)
        wizard.action_preview()
        self.assertEqual((wizard.row_count, wizard.error_count), (500, 500))
        self.assertEqual(len(wizard.error_line_ids), 20)
        self.assertEqual(wizard.error_line_ids.mapped("row_number"), list(range(2, 22)))
        data = base64.b64decode(wizard.error_file).decode("utf-8-sig")
        self.assertEqual(len(data.splitlines()), 501)
        self.assertFalse(self.env["star.tier.feed.import.line"].search_count([("wizard_id", "=", wizard.id),
                                                                              ("row_number", ">", 21)]))

    def test_xlsx_with_chinese_headers(self):
        stream = io.BytesIO()
        book = xlsxwriter.Workbook(stream, {"in_memory": True})
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, ["客户号", "日期", "年日均金融资产", "有业务"])
        sheet.write_row(1, 0, ["F0002", self.day, 300000, "是"])
        book.close()
        wizard = self.wizard(stream.getvalue(), filename="feed.xlsx")
        wizard.action_import()
        self.assertEqual(self.c2.aum_daily_avg, 300000)
        self.assertTrue(self.c2.has_business)

    def test_missing_column(self):
        with self.assertRaises(UserError):
            self.wizard("customer_number,aum\nF0001,1\n").action_preview()
        with self.assertRaises(UserError):
            self.wizard("").action_preview()

    def test_only_head_office_imports(self):
        with self.assertRaises(AccessError):
            self.wizard(HEADER, user=self.teller_a1)
        with self.assertRaises(AccessError):
            self.wizard(HEADER, user=self.president_a)

    def test_wizard_form(self):
        form = Form(self.env(user=self.head_office_user)["star.tier.feed.import"])
        form.file = base64.b64encode((HEADER + f"F0001,{self.day},70000,1\n").encode())
        wizard = form.save()
        wizard.action_preview()
        wizard.action_import()
        self.assertEqual(self.c1.aum_daily_avg, 70000)
