"""The daily core-banking feed: the scheduled action's folder, the push, the
checks at scale, the error file, a night without a feed."""
import base64
import codecs
import csv
import datetime
import io
import os
import re
import shutil
import tempfile
import zipfile
from unittest.mock import patch

import openpyxl
import pytz
import xlsxwriter

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.star_tiering.models import star_tier_feed_log

from .common import StarTieringCase

HEADER = ["customer_number", "as_of_date", "aum", "has_business"]


def to_csv(rows, header=HEADER, delimiter=","):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


@tagged("post_install", "-at_install")
class TestFeedLog(StarTieringCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # dates relative to the bank's today: a feed dated in the future is refused
        cls.held_day = cls.today - datetime.timedelta(days=11)
        cls.day_date = cls.today - datetime.timedelta(days=10)
        cls.day = cls.day_date.isoformat()
        cls.next_day = (cls.today - datetime.timedelta(days=9)).isoformat()
        cls.old_day = (cls.today - datetime.timedelta(days=29)).isoformat()
        # customers in bulk: 750 of them, held figures of the day before
        cls.customers = cls.env["res.partner"].with_context(tracking_disable=True).create([
            {
                "name": f"Feed Customer {i}",
                "customer_number": f"L{i:05d}",
                "branch_id": (cls.branch_a if i % 2 else cls.branch_b).id,
                "aum_daily_avg": 1000 + i,
                "aum_date": cls.held_day,
                "has_business": True,
            }
            for i in range(750)
        ])
        cls.Log = cls.env["star.tier.feed.log"]

    def setUp(self):
        super().setUp()
        self.folder = tempfile.mkdtemp(prefix="star_feed_")
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)
        self.env["ir.config_parameter"].sudo().set_param("star_tiering.feed_folder", self.folder)

    def held(self, customers):
        self.env.invalidate_all()
        return [(c.aum_daily_avg, str(c.aum_date), c.has_business) for c in customers]

    def drop(self, name, content, mtime=None):
        path = os.path.join(self.folder, name)
        with open(path, "wb") as file:
            file.write(content.encode() if isinstance(content, str) else content)
        if mtime:
            os.utime(path, (mtime, mtime))
        return path

    def good_rows(self, customers, aum=5000, day=None):
        day = day or self.day
        return [[c.customer_number, day, f"{aum + i}.25", "1"] for i, c in enumerate(customers)]

    # ------------------------------------------------------------------
    def test_every_kind_of_bad_row_at_scale(self):
        """3,000 lines: every kind of bad row, checked in SQL; each row in
        exactly one count; the error file lists every rejected row, line by line."""
        c = self.customers
        today = self.env["bank.branch"]._bank_today().isoformat()
        entries = []  # (values, expected reason or None); the header is line 1

        def add(customers, date, aum, flag, reason=None):
            for customer in customers:
                number = customer if isinstance(customer, str) else customer.customer_number
                entries.append(([number, date(customer) if callable(date) else date, aum, flag], reason))

        add(c[:100], self.day, "2000.5", "yes")                                       # updated
        entries.append((["", "", "", ""], None))                                 # blank lines
        add(c[100:200], self.day, "3,000", "1")                                       # updated
        add(c[200:250], self.held_day.isoformat(), None, "1")                             # unchanged
        add(c[250:300], self.old_day, "99", "1")                                 # stale
        bad_dates = iter(["2026-02-30", "20-11-2026", "yesterday", "2026/13/01", "0000-01-01"] * 10)
        add(c[300:350], lambda _c: next(bad_dates), "10", "1",
            "The as-of date is not a date (expected YYYY-MM-DD).")
        for i, customer in enumerate(c[350:400]):
            add(customer, self.day, ["abc", "1,2.3.4", "--5", "1e999", "NaN"][i % 5], "1", "The AUM is not an amount.")
        add(c[400:450], self.day, "-0.01", "0", "The AUM cannot be negative.")
        add(c[450:500], self.day, "10", "maybe", "The has-business flag is not yes/no (1/0).")
        add(c[500:550], self.day, "10", "1", "duplicate")
        entries.append(([" ", "", " ", ""], None))
        add(c[500:550], self.day, "11", "1", "duplicate")
        add(c[550:600], "2099-01-01", "10", "1", f"The as-of date is after the bank's today ({today}).")
        add(c[600:700], "", "10", "1", "The as-of date is missing.")
        add(c[700:750], self.day, "", "1", "The AUM is missing.")
        add([""] * 200, self.day, "10", "1", "The customer number is missing.")
        entries.append((["", "", "", ""], None))
        entries.append((["", "", "", ""], None))
        add([f"NOPE{i:05d}" for i in range(3000 - len(entries))], self.day, "10", "1",
            "No customer has this customer number.")
        self.assertEqual(len(entries), 3000)
        lines = {}
        for line, (values, _reason) in enumerate(entries, start=2):
            lines.setdefault(values[0], []).append(line)
        rows = []
        for values, _reason in entries:
            if values[2] is None:  # unchanged: the figure held
                values[2] = f"{c.filtered(lambda p, n=values[0]: p.customer_number == n).aum_daily_avg:.2f}"
            rows.append(values)
        before = self.held(c[250:750])
        with patch.object(star_tier_feed_log, "COPY_ROWS", 700), \
                patch.object(star_tier_feed_log, "APPLY_CHUNK_IDS", 37):
            log = self.Log._import_content(to_csv(rows).encode(), "scale.csv")
        self.assertEqual(log.state, "done")
        self.assertEqual(log.row_count, 2996, "the four blank lines are not rows")
        self.assertEqual((log.updated_count, log.unchanged_count, log.stale_count), (200, 50, 50))
        self.assertEqual(log.rejected_count, 2996 - 300)
        self.assertEqual(
            log.updated_count + log.unchanged_count + log.stale_count + log.rejected_count, log.row_count
        )
        self.assertEqual(str(log.feed_date), self.day)
        # applied: the updated rows only; stale and rejected rows changed nothing
        self.assertEqual(self.held(c[7] | c[107]), [(2000.5, self.day, True), (3000.0, self.day, True)])
        self.assertEqual(self.held(c[250:750]), before)
        # the error file, line by line
        data = log.error_file_id.raw
        self.assertTrue(data.startswith(codecs.BOM_UTF8))
        self.assertEqual((log.error_file_id.res_model, log.error_file_id.res_id), ("star.tier.feed.log", log.id))
        table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
        self.assertEqual(table[0], ["Line", "Customer Number", "As-of Date", "AUM", "Has Business", "Reason"])
        expected = []
        for line, (values, reason) in enumerate(entries, start=2):
            if reason == "duplicate":
                twice = ", ".join(map(str, lines[values[0]]))
                reason = f"The customer number is on 2 lines ({twice}): which one is right is unknown."
            if reason:
                expected.append([str(line), *values, reason])
        self.assertEqual(len(table) - 1, log.rejected_count)
        # the lengths are compared just below: a row-by-row difference shows first
        for got, want in zip(table[1:], expected, strict=False):
            self.assertEqual(got, want)
        self.assertEqual(len(table) - 1, len(expected))
        # head office is told, with the error file
        message = log.message_ids.filtered(lambda m: m.attachment_ids)
        self.assertEqual(message.attachment_ids, log.error_file_id)
        self.assertIn(self.head_office_user.partner_id, message.partner_ids)
        self.assertIn("2696 rejected row(s)", str(message.body))

    def test_a_file_dropped_twice_is_imported_once(self):
        customers = self.customers[:5]
        content = to_csv(self.good_rows(customers))
        self.drop("feed_20261120.csv", content)
        self.Log._cron_import_folder()
        log = self.Log.search([])
        self.assertEqual(len(log), 1)
        self.assertEqual((log.source, log.state, log.updated_count), ("folder", "done", 5))
        self.assertEqual(log.imported_by, "Scheduled action")
        self.assertEqual(os.listdir(self.folder), ["done"])
        self.assertEqual(os.listdir(os.path.join(self.folder, "done")), ["feed_20261120.csv"])
        # head office corrects a figure by hand; the same file dropped again
        # (another name, a later time) must not undo it
        customers[0].with_user(self.head_office_user).aum_daily_avg = 1
        self.drop("feed_20261120_resent.csv", content)
        self.Log._cron_import_folder()
        self.assertEqual(self.Log.search([]), log)
        self.assertEqual(customers[0].aum_daily_avg, 1)
        self.assertEqual(sorted(os.listdir(os.path.join(self.folder, "done"))),
                         ["feed_20261120.csv", "feed_20261120_resent.csv"])
        # the push of the same bytes answers with the same log
        self.assertEqual(self.Log._import_content(content.encode(), "again.csv"), log)

    def test_folder_files_oldest_first(self):
        customers = self.customers[:3]
        older = to_csv(self.good_rows(customers, aum=100, day=self.day))
        newer = to_csv(self.good_rows(customers, aum=200, day=self.next_day))
        now = datetime.datetime.now().timestamp()
        self.drop("b.csv", older, mtime=now - 3600)
        self.drop("a.xlsx.part", "not yet complete")
        self.drop("a.csv", newer, mtime=now - 60)
        self.Log._cron_import_folder()
        logs = self.Log.search([], order="id")
        self.assertEqual(logs.mapped("filename"), ["b.csv", "a.csv"])
        self.assertEqual(logs.mapped("updated_count"), [3, 3])
        self.assertEqual(customers[0].aum_daily_avg, 200.25)
        self.assertEqual(os.listdir(self.folder).count("a.xlsx.part"), 1, "only finished files are read")

    def test_refused_file_is_reported_and_moved(self):
        self.drop("broken.csv", "customer_number,aum\nL00001,1\n")
        self.Log._cron_import_folder()
        log = self.Log.search([])
        self.assertEqual(log.state, "failed")
        self.assertIn("lacks the column", log.message)
        self.assertEqual(os.listdir(os.path.join(self.folder, "failed")), ["broken.csv"])
        message = log.message_ids.filtered(lambda m: self.head_office_user.partner_id in m.partner_ids)
        self.assertTrue(message)
        self.assertIn("was not imported", str(message.body))
        # a failed file does not count as imported: fixed, it goes in
        self.assertFalse(self.Log._feed_done_log(log.checksum))

    def test_missing_feed_is_reported_once(self):
        head_office = self.env.ref("star_tiering.branch_head_office")
        subtype = self.env.ref("star_tiering.mt_feed_missing")

        def warnings():
            return self.env["mail.message"].search([
                ("model", "=", "bank.branch"), ("res_id", "=", head_office.id), ("subtype_id", "=", subtype.id),
            ])

        self.env["ir.config_parameter"].sudo().set_param("star_tiering.feed_folder", "")
        self.env["res.partner"].search([("aum_date", ">", self.held_day)]).write({"aum_date": self.held_day})
        self.Log._cron_import_folder()
        warning = warnings()
        self.assertEqual(len(warning), 1)
        today = self.env["bank.branch"]._bank_today()
        self.assertIn("No core-banking feed arrived", str(warning.body))
        self.assertIn(today.strftime("%m/%d/%Y"), str(warning.body))
        self.assertIn(self.held_day.strftime("%m/%d/%Y"), str(warning.body))
        self.assertIn(self.head_office_user.partner_id, warning.partner_ids)
        self.assertFalse(self.Log.search([]), "a missing feed leaves no log")
        # the nightly tiering asks again: said once a night
        self.assertFalse(self.Log._check_feed_arrived())
        self.assertEqual(len(warnings()), 1)
        # the feed arrives (pushed): the night has it
        self.Log.with_user(self.head_office_user).action_push_feed(
            "feed.csv", base64.b64encode(to_csv(self.good_rows(self.customers[:2])).encode()),
        )
        self.assertTrue(self.Log._check_feed_arrived())
        # a feed imported before the previous night's tiering does not count
        self.env.cr.execute(
            "UPDATE star_tier_feed_log SET create_date = %s",
            [self.Log._feed_night_start(today) - datetime.timedelta(minutes=1)],
        )
        self.Log.invalidate_model()
        self.assertFalse(self.Log._check_feed_arrived())

    def test_push_by_rpc(self):
        content = to_csv([*self.good_rows(self.customers[:4]), ["NOPE", self.day, "1", "1"]])
        result = self.Log.with_user(self.head_office_user).action_push_feed(
            "push.csv", base64.b64encode(content.encode()).decode()
        )
        self.assertEqual(
            {k: result[k] for k in ("imported", "state", "row_count", "updated_count", "rejected_count")},
            {"imported": True, "state": "done", "row_count": 5, "updated_count": 4, "rejected_count": 1},
        )
        log = self.Log.browse(result["id"])
        self.assertEqual((log.source, log.create_uid), ("push", self.head_office_user))
        self.assertEqual(log.imported_by, self.head_office_user.name)
        again = self.Log.with_user(self.head_office_user).action_push_feed(
            "push.csv", base64.b64encode(content.encode()).decode()
        )
        self.assertEqual((again["id"], again["imported"]), (log.id, False))
        for user in (self.teller_a1, self.president_a, self.auditor):
            with self.assertRaises(AccessError):
                self.Log.with_user(user).action_push_feed("push.csv", base64.b64encode(content.encode()))
        # audit reads the logs and downloads the error file
        self.assertEqual(self.Log.with_user(self.auditor).search([]), log)
        self.assertTrue(log.with_user(self.auditor).error_file)

    def test_gb18030_csv_and_xlsx_with_chinese_headers(self):
        customers = self.customers[:3]
        header = ["客户号", "数据日期", "年日均金融资产", "业务往来"]
        text = to_csv([[customers[0].customer_number, f"{self.day_date:%Y/%m/%d}", "1,234.5", "是"],
                       [customers[1].customer_number, f"{self.day_date:%Y%m%d}", "0", "否"]],
                      header=header, delimiter=";")
        log = self.Log._import_content(text.encode("gb18030"), "feed.csv")
        self.assertEqual((log.updated_count, log.rejected_count), (2, 0))
        self.assertEqual(self.held(customers[:2]), [(1234.5, self.day, True), (0.0, self.day, False)])
        stream = io.BytesIO()
        book = xlsxwriter.Workbook(stream, {"in_memory": True})
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, ["客户编号", "日期", "年日均", "有业务"])
        sheet.write_row(2, 0, [customers[2].customer_number])  # row 2 left blank
        sheet.write_datetime(
            2, 1, datetime.datetime.fromisoformat(self.next_day), book.add_format({"num_format": "yyyy-mm-dd"})
        )
        sheet.write_number(2, 2, 654321.125)
        sheet.write_number(2, 3, 1)
        sheet.write_row(3, 0, ["NOPE", self.next_day, 1, 1])
        book.close()
        log = self.Log._import_content(stream.getvalue(), "feed.xlsx")
        self.assertEqual((log.row_count, log.updated_count, log.rejected_count), (2, 1, 1))
        self.assertEqual(self.held(customers[2]), [(654321.13, self.next_day, True)])
        table = list(csv.reader(io.StringIO(log.error_file_id.raw.decode("utf-8-sig"))))
        self.assertEqual(table[1][:5], ["4", "NOPE", self.next_day, "1", "1"])

    def staged(self, content, filename):
        self.Log._feed_stage(content, filename)
        self.env.cr.execute("SELECT * FROM star_tier_feed_stage ORDER BY line")
        rows = self.env.cr.fetchall()
        self.Log._feed_drop()
        return rows

    def test_xlsx_layouts_read_alike(self):
        """The fast XLSX reader gives what openpyxl gives; a layout it does
        not know (namespace prefixes) is read by openpyxl."""
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["客户号", "日期", "年日均金融资产", "有业务", "备注"])
        sheet.append(["L00001", self.day_date, 1234.5, 1, "a & b"])
        sheet.append([None])
        sheet.append(["L00002", self.day, 7, "是", None])
        sheet.append([None, None, None, None, "note only"])
        sheet.append(["L00003", int(f"{self.day_date:%Y%m%d}"), "1,000", True])
        stream = io.BytesIO()
        book.save(stream)
        content = stream.getvalue()
        expected = [
            (2, "L00001", self.day, "1234.5", "1"),
            (4, "L00002", self.day, "7", "是"),
            (5, None, None, None, None),  # a row with a note only: a row, rejected
            (6, "L00003", f"{self.day_date:%Y%m%d}", "1,000", "1"),
        ]
        self.assertEqual(self.staged(content, "feed.xlsx"), expected)
        with patch.object(star_tier_feed_log, "_xlsx_rows", side_effect=AssertionError("not the fast reader")):
            with self.assertRaises(AssertionError):
                self.staged(content, "feed.xlsx")
        # the same sheet with namespace prefixes: openpyxl reads it, alike
        source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename.startswith("xl/worksheets/"):
                    data = re.sub(rb"<(/?)(?![?])([A-Za-z]+)", rb"<\1x:\2", data).replace(b'xmlns="', b'xmlns:x="')
                target.writestr(item, data)
        with patch.object(star_tier_feed_log.StarTierFeedLog, "_feed_xlsx_rows",
                          autospec=True, side_effect=star_tier_feed_log.StarTierFeedLog._feed_xlsx_rows) as slow:
            self.assertEqual(self.staged(out.getvalue(), "feed.xlsx"), expected)
        self.assertTrue(slow.called)

    def test_schedule_before_the_nightly_tiering(self):
        nextcall = self.Log._schedule_feed_cron()
        cron = self.env.ref("star_tiering.ir_cron_star_tier_feed")
        self.assertEqual(cron.nextcall, nextcall)
        local = pytz.utc.localize(nextcall).astimezone(self.env["bank.branch"]._bank_tz())
        self.assertEqual((local.hour, local.minute), (1, 30))
        self.assertLess(nextcall - datetime.datetime.now(), datetime.timedelta(days=1))
        self.assertEqual(cron.code.strip(), "model._cron_import_folder()")
        self.assertEqual(cron.user_id, self.env.ref("base.user_root"))
