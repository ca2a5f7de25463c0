"""The holdings file on the core-banking feed's engine: good and bad rows, the
two modes, the snapshot's replacement rules, Chinese exports, the folder,
the push, and who reads and writes holdings."""
import base64
import codecs
import csv
import datetime
import io
import os
import tempfile

import xlsxwriter

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CallTrackingCase

HEADER = "customer_number,product_type,amount,maturity_date,as_of_date\n"
DAY = datetime.timedelta(days=1)


@tagged("post_install", "-at_install")
class TestHoldings(CallTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Log = cls.env["star.tier.feed.log"]
        cls.Holding = cls.env["call.product.holding"]
        # dates relative to the bank's today: a file dated in the future is refused
        cls.day = cls.today - 5 * DAY
        cls.c1 = cls.make_customer(20000, customer_number="H0001")
        cls.c2 = cls.make_customer(20000, customer_number="H0002")
        cls.c3 = cls.make_customer(20000, customer_number="H0003", branch=cls.branch_b)
        cls.maturity = (cls.today + 40 * DAY).isoformat()

    def rows(self, *rows, day=None):
        day = (day or self.day).isoformat()
        return HEADER + "".join(f"{number},{ptype},{amount},{maturity},{day}\n"
                                for number, ptype, amount, maturity in rows)

    def wizard(self, content, mode="all_or_nothing", filename="holdings.csv", user=None):
        if isinstance(content, str):
            content = content.encode()
        return self.env(user=user or self.head_office_user)["star.tier.feed.import"].create({
            "kind": "holdings", "file": base64.b64encode(content), "filename": filename, "import_mode": mode,
        })

    def import_file(self, content, mode="valid_rows", filename="holdings.csv"):
        if isinstance(content, str):
            content = content.encode()
        return self.Log.with_user(self.head_office_user)._import_content(
            content, filename, mode=mode, kind="holdings",
        )

    def held(self, partner):
        return sorted(
            (h.product_type, h.amount, h.maturity_date.isoformat() if h.maturity_date else "")
            for h in self.Holding.search([("partner_id", "=", partner.id)])
        )

    def test_good_file_and_idempotent_reimport(self):
        content = self.rows(
            ("H0001", "time_deposit", "\"100,000.00\"", self.maturity),
            ("H0001", "current_account", "2500.5", ""),
            ("H0002", "wealth", "300000", self.maturity),
        )
        wizard = self.wizard(content)
        wizard.action_preview()
        self.assertEqual((wizard.row_count, wizard.update_count, wizard.error_count), (3, 3, 0))
        self.assertFalse(self.held(self.c1), "a preview applies nothing")
        wizard.action_import()
        self.assertEqual(wizard.state, "done")
        self.assertIn("3 holding(s) written", wizard.result)
        log = wizard.log_id
        self.assertEqual((log.kind, log.source, log.row_count, log.updated_count), ("holdings", "upload", 3, 3))
        self.assertEqual(log.feed_date, self.day)
        self.assertEqual(self.held(self.c1), [
            ("current_account", 2500.5, ""), ("time_deposit", 100000.0, self.maturity),
        ])
        holding = self.Holding.search([("partner_id", "=", self.c2.id)])
        self.assertEqual((holding.customer_number, holding.as_of_date), ("H0002", self.day))
        ids = self.Holding.search([]).ids
        # the same file again: the preview says so, the import changes nothing
        again = self.wizard(content)
        again.action_preview()
        self.assertEqual(again.previous_log_id, log)
        self.assertEqual((again.update_count, again.unchanged_count), (0, 3))
        again.action_import()
        self.assertIn("imported already", again.result)
        self.assertEqual(self.Log.search_count([("kind", "=", "holdings")]), 1)
        # the same rows in another file, a day later: unchanged, not rewritten
        later = self.import_file(content.replace(self.day.isoformat(), (self.day + DAY).isoformat()))
        self.assertEqual((later.updated_count, later.unchanged_count, later.holdings_cleared_count), (0, 3, 0))
        self.assertEqual(self.Holding.search([]).ids, ids)

    def test_bad_rows_every_one_reported_in_both_modes(self):
        # c2 holds a deposit already: a bad row of c2 keeps it as it is
        self.import_file(self.rows(("H0002", "time_deposit", "1000", self.maturity)))
        future = (self.today + DAY).isoformat()
        content = self.rows(
            ("H0001", "time_deposit", "5000", self.maturity),  # good
            ("H0001", "定期存款", "6000", self.maturity),  # good, Chinese word
            ("H0002", "current_account", "10", ""),  # good, but c2 has a bad row below
            ("H0002", "wealth", "-5", self.maturity),  # negative amount
            ("H9999", "wealth", "5", self.maturity),  # unknown customer
            ("", "wealth", "5", self.maturity),  # no customer number
            ("H0003", "", "5", self.maturity),  # no product type
            ("H0003", "loan", "5", self.maturity),  # unknown product type
            ("H0003", "current_account", "", ""),  # no amount
            ("H0003", "current_account", "abc", ""),  # not an amount
            ("H0003", "time_deposit", "5", ""),  # a deposit without maturity
            ("H0003", "wealth", "5", "2026-02-30"),  # not a date
            ("H0003", "current_account", "5", self.maturity),  # a current account maturing
        ) + f"H0003,current_account,5,,{future}\n" + f"H0003,current_account,5,,{(self.day - DAY).isoformat()}\n" \
            + "H0003,current_account,5,,31/12/2025\n"
        bad_lines = list(range(5, 18))  # the header is line 1
        wizard = self.wizard(content)
        wizard.action_preview()
        self.assertEqual((wizard.row_count, wizard.update_count, wizard.error_count), (16, 2, 14))
        reasons = {line.row_number: line.message for line in wizard.error_line_ids}
        self.assertEqual(sorted(reasons), [4, *bad_lines])
        expected = {
            4: "Another row of this customer was rejected (line 5)",
            5: "cannot be negative",
            6: "No customer has this customer number",
            7: "The customer number is missing",
            8: "The product type is missing",
            9: "is not one of",
            10: "The amount is missing",
            11: "The amount is not a number",
            12: "it is missing",
            13: "The maturity date is not a date",
            14: "A current account has no maturity date",
            15: "after the bank's today",
            16: "not the file's",
            17: "not a date (expected YYYY-MM-DD)",
        }
        for line, text in expected.items():
            self.assertIn(text, reasons[line], line)
        # the error file lists every rejected row, the held-back one too
        error_csv = base64.b64decode(wizard.error_file).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(error_csv)))
        self.assertEqual(rows[0], ["Line", "Customer Number", "Product Type", "Amount", "Maturity Date",
                                   "As-of Date", "Reason"])
        by_line = {int(row[0]): row for row in rows[1:]}
        self.assertEqual(sorted(by_line), [4, *bad_lines])
        for line, text in expected.items():
            self.assertIn(text, by_line[line][-1], line)
        self.assertEqual(by_line[5][1:6], ["H0002", "wealth", "-5", self.maturity, self.day.isoformat()])
        # all or nothing: refused, nothing written, no log
        with self.assertRaisesRegex(UserError, "14 row"), self.env.cr.savepoint():
            wizard.action_import()
        self.assertFalse(self.held(self.c1))
        self.assertEqual(self.Log.search_count([("kind", "=", "holdings")]), 1)
        # the valid rows only: c1's, c2 keeps the deposit it had, the rest is reported
        valid = self.wizard(content, mode="valid_rows")
        valid.action_import()
        log = valid.log_id
        self.assertEqual((log.state, log.updated_count, log.rejected_count), ("done", 2, 14))
        self.assertEqual(self.held(self.c1), [
            ("time_deposit", 5000.0, self.maturity), ("time_deposit", 6000.0, self.maturity),
        ])
        self.assertEqual(self.held(self.c2), [("time_deposit", 1000.0, self.maturity)])
        self.assertFalse(self.held(self.c3))
        self.assertEqual(log.holdings_cleared_count, 0, "c2 is in the file: kept, not cleared")
        message = log.message_ids.filtered("attachment_ids")
        self.assertIn("keep the holdings they had", message.body)
        self.assertEqual(message.attachment_ids, log.error_file_id)
        self.assertEqual(
            len(base64.b64decode(log.error_file).decode("utf-8-sig").strip().splitlines()), 15,
        )

    def test_snapshot_replaces_listed_customers_and_clears_the_others(self):
        first = self.import_file(self.rows(
            ("H0001", "time_deposit", "5000", self.maturity),
            ("H0001", "current_account", "100", ""),
            ("H0002", "current_account", "200", ""),
            ("H0003", "wealth", "300", self.maturity),
        ))
        self.assertEqual(first.updated_count, 4)
        # the next day: c1's deposit matured, c2 unchanged, c3 closed everything
        day2 = self.day + DAY
        second = self.import_file(self.rows(
            ("H0001", "current_account", "5100", ""),
            ("H0002", "current_account", "200", ""),
            day=day2,
        ))
        self.assertEqual(
            (second.updated_count, second.unchanged_count, second.holdings_cleared_count), (1, 1, 1),
        )
        self.assertEqual(self.held(self.c1), [("current_account", 5100.0, "")])
        self.assertEqual(self.Holding.search([("partner_id", "=", self.c1.id)]).as_of_date, day2)
        self.assertEqual(self.Holding.search([("partner_id", "=", self.c2.id)]).as_of_date, self.day)
        self.assertFalse(self.held(self.c3))
        # an older snapshot is stale: nothing changes, nobody is cleared
        stale = self.import_file(self.rows(("H0003", "wealth", "300", self.maturity)))
        self.assertEqual((stale.stale_count, stale.updated_count, stale.holdings_cleared_count), (1, 0, 0))
        self.assertFalse(self.held(self.c3))
        self.assertEqual(self.held(self.c1), [("current_account", 5100.0, "")])
        # a file of bad rows only clears nobody
        self.import_file(self.rows(("H0001", "loan", "1", ""), day=day2 + DAY))
        self.assertTrue(self.held(self.c2))
        # head office's corrections of one customer: the others keep theirs
        corrections = self.wizard(self.rows(("H0003", "wealth", "900", self.maturity), day=day2), mode="valid_rows")
        corrections.holdings_scope = "listed"
        corrections.action_preview()
        self.assertEqual((corrections.update_count, corrections.holdings_cleared_count), (1, 0))
        corrections.action_import()
        self.assertEqual(corrections.log_id.holdings_scope, "listed")
        self.assertEqual(self.held(self.c3), [("wealth", 900.0, self.maturity)])
        self.assertEqual(self.held(self.c1), [("current_account", 5100.0, "")])
        self.assertEqual(self.held(self.c2), [("current_account", 200.0, "")])
        self.assertEqual(second.holdings_scope, "snapshot")

    def test_chinese_headers_and_words_csv_and_xlsx(self):
        text = (
            "客户号,产品类型,金额,到期日,数据日期\n"
            f"H0001,定期存款,\"1,000\",{self.maturity.replace('-', '')},{self.day.isoformat()}\n"
            f"H0001,活期,20,,{self.day.isoformat()}\n"
            f"H0002,理财,30,{self.maturity.replace('-', '/')},{self.day.isoformat()}\n"
        )
        log = self.import_file(text.encode("gb18030"), filename="持仓.csv")
        self.assertEqual((log.state, log.updated_count, log.rejected_count), ("done", 3, 0))
        self.assertEqual(self.held(self.c1), [("current_account", 20.0, ""), ("time_deposit", 1000.0, self.maturity)])
        self.assertEqual(self.held(self.c2), [("wealth", 30.0, self.maturity)])
        # the same in a workbook, dates as Excel dates, a day later
        stream = io.BytesIO()
        book = xlsxwriter.Workbook(stream)
        sheet = book.add_worksheet()
        date_format = book.add_format({"num_format": "yyyy-mm-dd"})
        sheet.write_row(0, 0, ["客户编号", "产品种类", "余额", "到期日期", "日期"])
        maturity = datetime.date.fromisoformat(self.maturity)
        for row, (number, kind, amount, due) in enumerate([
            ("H0001", "理财产品", 40, maturity), ("H0002", "活期存款", 50, None),
        ], start=1):
            sheet.write_string(row, 0, number)
            sheet.write_string(row, 1, kind)
            sheet.write_number(row, 2, amount)
            if due:
                sheet.write_datetime(row, 3, datetime.datetime.combine(due, datetime.time()), date_format)
            sheet.write_datetime(row, 4, datetime.datetime.combine(self.day + DAY, datetime.time()), date_format)
        book.close()
        log = self.import_file(stream.getvalue(), filename="holdings.xlsx")
        self.assertEqual((log.state, log.updated_count, log.rejected_count), ("done", 2, 0))
        self.assertEqual(self.held(self.c1), [("wealth", 40.0, self.maturity)])
        self.assertEqual(self.held(self.c2), [("current_account", 50.0, "")])

    def test_missing_column_fails_the_file(self):
        log = self.import_file("customer_number,amount,as_of_date\nH0001,5,2026-01-01\n")
        self.assertEqual(log.state, "failed")
        self.assertIn("product_type", log.message)
        self.assertIn("maturity_date", log.message)

    def test_folder_push_and_the_aum_feed_apart(self):
        folder = tempfile.mkdtemp()
        self.env["ir.config_parameter"].sudo().set_param("star_tiering.feed_folder", folder)
        holdings = self.rows(("H0001", "current_account", "77", ""))
        aum = f"customer_number,as_of_date,aum,has_business\nH0002,{self.day.isoformat()},12345,1\n"
        for name, content in (("holdings_20260101.csv", holdings), ("feed_20260101.csv", aum)):
            with open(os.path.join(folder, name), "w", encoding="utf-8") as file:
                file.write(content)
        self.Log._cron_import_folder()
        logs = self.Log.search([])
        self.assertEqual(sorted(logs.mapped("kind")), ["aum", "holdings"])
        self.assertEqual(self.held(self.c1), [("current_account", 77.0, "")])
        self.assertEqual(self.c2.aum_daily_avg, 12345)
        self.assertEqual(sorted(os.listdir(os.path.join(folder, "done"))),
                         ["feed_20260101.csv", "holdings_20260101.csv"])
        # pushed: the kind from the name, or given
        pushed = self.Log.with_user(self.head_office_user).action_push_feed(
            "holdings_push.csv", base64.b64encode(self.rows(("H0001", "wealth", "9", self.maturity)).encode()),
        )
        self.assertEqual((pushed["state"], pushed["updated_count"]), ("done", 1))
        self.assertEqual(self.Log.browse(pushed["id"]).kind, "holdings")
        with self.assertRaisesRegex(UserError, "Unknown kind"):
            self.Log.with_user(self.head_office_user).action_push_feed("x.csv", base64.b64encode(b"a"), kind="loans")

    def test_holdings_alone_do_not_count_as_the_nights_aum_feed(self):
        self.import_file(self.rows(("H0001", "current_account", "77", "")))
        self.assertFalse(self.Log._check_feed_arrived())

    def test_who_reads_and_writes_holdings(self):
        self.import_file(self.rows(
            ("H0001", "current_account", "1", ""), ("H0003", "current_account", "3", ""),
        ))
        with self.assertRaises(AccessError):
            self.Log.with_user(self.teller_a1)._import_content(self.rows().encode(), "h.csv", kind="holdings")
        with self.assertRaises(AccessError):
            self.wizard(self.rows(), user=self.president_a)
        Holding = self.Holding
        self.assertEqual(Holding.with_user(self.teller_a1).search([]).partner_id, self.c1)
        self.assertEqual(Holding.with_user(self.teller_b).search([]).partner_id, self.c3)
        self.assertEqual(Holding.with_user(self.auditor).search_count([]), 2)
        self.assertEqual(self.c1.with_user(self.teller_a1).call_holding_ids.amount, 1)
        for user in (self.teller_a1, self.president_a, self.head_office_user):
            with self.assertRaises(AccessError):
                Holding.with_user(user).search([], limit=1).write({"amount": 5})
            with self.assertRaises(AccessError):
                Holding.with_user(user).create({
                    "partner_id": self.c1.id, "product_type": "current_account", "amount": 1,
                    "as_of_date": self.day,
                })

    def test_error_file_is_excel_ready_utf8(self):
        log = self.import_file(self.rows(("H0001", "理财", "x", self.maturity)))
        raw = base64.b64decode(log.error_file)
        self.assertTrue(raw.startswith(codecs.BOM_UTF8))
        self.assertIn("理财", raw.decode("utf-8-sig"))
