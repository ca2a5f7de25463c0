"""The day's sheet as the XLSX of the bank's paper layout (《电话追踪表格》),
read back with openpyxl."""
import base64
import datetime
import io

import openpyxl
from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..report.call_sheet_xlsx import HEADER_ROW, mask_phone
from .common import WORKDAY, CallTrackingCase, bj

SIGN_EVENING = "2026-11-24 10:30:00"  # UTC: 18:30 in Beijing


@tagged("post_install", "-at_install")
class TestCallSheetXlsx(CallTrackingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.name = "Example Rural Commercial Bank"
        owned, other, secondary = cls.customers_a[:3]
        owned.sudo().write({"name": "Zhang Wei", "mobile": "13812345678", "tier_owner_id": cls.teller_a1.id})
        other.sudo().write({"name": "Li Na", "mobile": "+86 139 8765 4321", "tier_owner_id": cls.cm_a.id})
        secondary.sudo().write({
            "name": "Wang Fang", "phone": "010-8888 6666", "tier_owner_id": cls.cm_a.id,
            "tier_secondary_owner_id": cls.teller_a1.id,
        })
        cls.owned, cls.other, cls.secondary = owned, other, secondary
        with freeze_time("2026-11-24 09:00:00"):
            cls.log_call(other, bj(WORKDAY, 10, 5), 59, needs="Not now")
            cls.log_call(owned, bj(WORKDAY, 9, 12), 95, needs="Deposit matures on the 25th",
                         products_marketed="115-day wealth product", user=cls.teller_a1)
            cls.log_call(secondary, bj(WORKDAY, 11), 61, user=cls.teller_a2)
        cls.sheet = cls.sheet_of(cls, cls.branch_a, WORKDAY)
        cls.sheet.shortfall_reason = "Customers unreachable"

    def export(self, user, lang="en_US"):
        action = self.sheet.with_user(user).with_context(lang=lang).action_download_xlsx()
        download = self.env["call.sheet.xlsx"].browse(int(action["url"].split("/")[4]))
        self.assertEqual(download.create_uid, user)
        self.assertTrue(action["url"].startswith(f"/web/content/call.sheet.xlsx/{download.id}/file/"))
        if lang == "en_US":
            self.assertEqual(download.filename, "call-sheet-T-A-2026-11-24.xlsx")
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(download.file)))
        return book.worksheets[0]

    def calls(self, ws):
        """{customer: row values} of the call rows."""
        rows = {}
        for row in ws.iter_rows(min_row=HEADER_ROW + 2, values_only=True):
            if not isinstance(row[0], int):
                break
            rows[row[3]] = row
        return rows

    def find(self, ws, label):
        for row in ws.iter_rows(values_only=True):
            if row[0] == label:
                return row
        return None

    def test_sheet_layout_and_masked_phones(self):
        with freeze_time(SIGN_EVENING):
            self.sheet.with_user(self.teller_a1).action_submit()
            self.sheet.with_user(self.supervisor_a).action_sign_supervisor()
        ws = self.export(self.teller_a1)
        self.assertEqual(ws["A1"].value, "Example Rural Commercial Bank")
        self.assertEqual(ws["A2"].value, "Call-Tracking Sheet")
        self.assertEqual((ws["A3"].value, ws["B3"].value), ("Sub-branch", "Branch A"))
        self.assertEqual((ws["E3"].value, ws["F3"].value), ("Date", datetime.datetime(2026, 11, 24)))
        self.assertEqual((ws["F4"].value, ws["I4"].value), (2, 8))  # effective customers, shortfall
        self.assertEqual(
            [cell.value for cell in ws[HEADER_ROW + 1]],
            ["No.", "Date", "Time", "Customer", "Phone", "Duration (s)", "Effective", "Customer's Needs",
             "Products Marketed", "Caller"],
        )
        calls = self.calls(ws)
        # in the order they were made, times in Beijing
        self.assertEqual(list(calls), ["Zhang Wei", "Li Na", "Wang Fang"])
        self.assertEqual(calls["Zhang Wei"], (
            1, datetime.datetime(2026, 11, 24), datetime.datetime(2026, 11, 24, 9, 12), "Zhang Wei",
            "13812345678", 95, "Yes", "Deposit matures on the 25th", "115-day wealth product", "Teller A1",
        ))
        # another owner's customer: masked; the 59-second call is not effective
        self.assertEqual(calls["Li Na"][4:7], ("139****4321", 59, "No"))
        # the teller is the secondary owner: in full
        self.assertEqual(calls["Wang Fang"][4], "010-8888 6666")
        self.assertEqual(self.find(ws, "Reason for the Shortfall")[3], "Customers unreachable")
        # the signature block: who and when (Beijing time), or not signed
        signed_at = datetime.datetime(2026, 11, 24, 18, 30)
        self.assertEqual(self.find(ws, "Submitted by")[2:5], ("Teller A1", None, signed_at))
        self.assertEqual(self.find(ws, "Accounting Supervisor")[2:5], ("Supervisor A", None, signed_at))
        self.assertEqual(self.find(ws, "Branch President")[2], "Not signed")
        # printed landscape, one page wide, the column headers on every page
        self.assertEqual(ws.page_setup.orientation, "landscape")
        self.assertTrue(ws.sheet_properties.pageSetUpPr.fitToPage)
        # (an absent fitToWidth is OOXML's default, 1)
        self.assertEqual((ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight), (1, 0))
        self.assertEqual(ws.print_title_rows, f"${HEADER_ROW + 1}:${HEADER_ROW + 1}")

    def test_president_and_audit_see_masked_phones(self):
        with freeze_time(SIGN_EVENING):
            self.submit_and_sign(self.sheet)
        for user in (self.president_a, self.auditor, self.supervisor_a):
            ws = self.export(user)
            calls = self.calls(ws)
            self.assertEqual(
                [calls[name][4] for name in ("Zhang Wei", "Li Na", "Wang Fang")],
                ["138****5678", "139****4321", "010****6666"], user.login,
            )
            self.assertEqual(self.find(ws, "Branch President")[2], "President A")
        # the customer manager owns two of them
        calls = self.calls(self.export(self.cm_a))
        self.assertEqual([calls[name][4] for name in ("Zhang Wei", "Li Na", "Wang Fang")],
                         ["138****5678", "+86 139 8765 4321", "010-8888 6666"])

    def test_in_chinese(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["call_tracking"], ["zh_CN"], overwrite=True)
        self.teller_a1.lang = "zh_CN"
        ws = self.export(self.teller_a1, lang="zh_CN")
        self.assertEqual(ws["A2"].value, "《电话追踪表格》")
        self.assertEqual(ws.cell(HEADER_ROW + 1, 5).value, "电话")
        self.assertEqual(self.find(ws, "会计主管")[2], "未签字")
        # the bank's words for the rest of the addon's new screens
        menus = ("menu_call_meeting_morning", "menu_call_meeting_evening", "menu_call_leaderboard", "menu_call_script")
        self.assertEqual(
            [self.env.ref(f"call_tracking.{xmlid}").with_context(lang="zh_CN").name for xmlid in menus],
            ["晨会", "夕会", "业绩龙虎榜", "话术"],
        )

    def test_only_readers_of_the_sheet_export_it(self):
        for user in (self.teller_b, self.plain_user):
            with self.assertRaises(AccessError):
                self.sheet.with_user(user).action_download_xlsx()
        # a download is its exporter's only
        self.sheet.with_user(self.teller_a1).action_download_xlsx()
        download = self.env["call.sheet.xlsx"].search([], order="id desc", limit=1)
        with self.assertRaises(AccessError):
            download.with_user(self.teller_a2).read(["file"])

    def test_mask_phone(self):
        self.assertEqual(
            [mask_phone(n) for n in ("13812345678", "+8613812345678", "0086 138 1234 5678", "138-1234-5678",
                                     "12345", "", False)],
            ["138****5678", "138****5678", "138****5678", "138****5678", "***45", "", ""],
        )

    def test_download_button_for_every_reader(self):
        for user in (self.teller_a1, self.teller_o1, self.supervisor_a, self.president_a, self.auditor, self.hr):
            arch = self.env["call.sheet"].with_user(user).get_views([(False, "form")])["views"]["form"]["arch"]
            self.assertIn('name="action_download_xlsx"', arch, user.login)
