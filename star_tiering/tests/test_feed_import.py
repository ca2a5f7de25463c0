import base64
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
        cls.c1 = cls.make_customer(0, customer_number="F0001")
        cls.c2 = cls.make_customer(0, customer_number="F0002")
        cls.c3 = cls.make_customer(10000, customer_number="F0003", aum_date="2026-10-31")

    def wizard(self, content, filename="feed.csv", mode="all_or_nothing", user=None):
        if isinstance(content, str):
            content = content.encode()
        env = self.env(user=user or self.head_office_user)
        return env["star.tier.feed.import"].create({
            "file": base64.b64encode(content), "filename": filename, "import_mode": mode,
        })

    def test_good_file_and_idempotent_reimport(self):
        content = HEADER + "F0001,2026-11-20,\"1,200,000.50\",1\nF0002,2026-11-20,49999.99,yes\n"
        wizard = self.wizard(content)
        wizard.action_preview()
        self.assertEqual((wizard.row_count, wizard.update_count, wizard.error_count), (2, 2, 0))
        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        self.assertEqual(self.c1.aum_daily_avg, 1200000.50)
        self.assertEqual(str(self.c1.aum_date), "2026-11-20")
        self.assertTrue(self.c2.has_business)
        self.env.flush_all()
        self.env.cr.execute("SELECT max(write_date) FROM res_partner WHERE id IN %s", [(self.c1.id, self.c2.id)])
        stamp = self.env.cr.fetchone()
        again = self.wizard(content)
        again.action_import()
        self.assertEqual((again.update_count, again.unchanged_count), (0, 2))
        self.env.cr.execute("SELECT max(write_date) FROM res_partner WHERE id IN %s", [(self.c1.id, self.c2.id)])
        self.assertEqual(self.env.cr.fetchone(), stamp)
        # the imported AUM drives the next tiering
        self.run_tiering()
        self.assertEqual((self.c1.star_tier, self.c2.star_tier), ("5", "2"))

    def test_bad_rows_reported_and_nothing_imported(self):
        content = HEADER + "\n".join([
            "F0001,2026-11-20,500000,1",      # row 2: good
            "NOPE,2026-11-20,100,1",          # row 3: unknown customer
            "F0002,20-11-2026,100,1",         # row 4: bad date
            "F0003,2026-11-20,-5,1",          # row 5: negative
            ",2026-11-20,100,1",              # row 6: no number
            "F0002,2026-11-20,abc,maybe",     # row 7: bad amount and flag
        ]) + "\n"
        wizard = self.wizard(content)
        wizard.action_preview()
        self.assertEqual(wizard.error_count, 5)
        errors = {line.row_number: line.message for line in wizard.error_line_ids}
        self.assertEqual(sorted(errors), [3, 4, 5, 6, 7])
        self.assertIn("NOPE", errors[3])
        self.assertIn("not a date", errors[4])
        self.assertIn("negative", errors[5])
        self.assertIn("missing", errors[6])
        self.assertIn("not an amount", errors[7])
        self.assertIn("yes/no", errors[7])
        with self.assertRaises(UserError) as caught:
            wizard.action_import()
        self.assertIn("Row 3", str(caught.exception))
        self.assertIn("Row 7", str(caught.exception))
        self.assertEqual(self.c1.aum_daily_avg, 0)
        # the user chooses to import the good rows only
        wizard.import_mode = "valid_rows"
        wizard.action_import()
        self.assertEqual(self.c1.aum_daily_avg, 500000)
        self.assertEqual(self.c3.aum_daily_avg, 10000)
        self.assertIn("5 invalid row(s) skipped", wizard.result)

    def test_duplicates_and_stale_rows(self):
        content = HEADER + "F0001,2026-11-20,100,1\nF0001,2026-11-21,200,1\nF0003,2026-10-01,99999,1\n"
        wizard = self.wizard(content, mode="valid_rows")
        wizard.action_preview()
        self.assertEqual(wizard.error_count, 2)
        self.assertIn("2, 3", wizard.error_line_ids[0].message)
        self.assertEqual(wizard.stale_count, 1)
        wizard.action_import()
        self.assertEqual(self.c1.aum_daily_avg, 0)
        self.assertEqual(self.c3.aum_daily_avg, 10000, "older data never overwrites newer")

    def test_xlsx_with_chinese_headers(self):
        stream = io.BytesIO()
        book = xlsxwriter.Workbook(stream, {"in_memory": True})
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, ["客户号", "日期", "年日均金融资产", "有业务"])
        sheet.write_row(1, 0, ["F0002", "2026-11-20", 300000, "是"])
        book.close()
        wizard = self.wizard(stream.getvalue(), filename="feed.xlsx")
        wizard.action_import()
        self.assertEqual(self.c2.aum_daily_avg, 300000)
        self.assertTrue(self.c2.has_business)

    def test_missing_column(self):
        with self.assertRaises(UserError):
            self.wizard("customer_number,aum\nF0001,1\n").action_preview()

    def test_only_head_office_imports(self):
        with self.assertRaises(AccessError):
            self.wizard(HEADER, user=self.teller_a1)
        with self.assertRaises(AccessError):
            self.wizard(HEADER, user=self.president_a)

    def test_wizard_form(self):
        form = Form(self.env(user=self.head_office_user)["star.tier.feed.import"])
        form.file = base64.b64encode((HEADER + "F0001,2026-11-20,70000,1\n").encode())
        wizard = form.save()
        wizard.action_preview()
        wizard.action_import()
        self.assertEqual(self.c1.aum_daily_avg, 70000)
