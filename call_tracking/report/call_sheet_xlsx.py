"""The day's call-tracking sheet (《电话追踪表格》) as the XLSX workbook in the
bank's paper layout: one row per call, the customer's phone masked except for
the customer's owners, and the signature block.

The report has the shape of OCA's ``report_xlsx`` (an AbstractModel named
``report.<module>.<name>`` with ``create_xlsx_report(docids, data)`` and
``generate_xlsx_report(workbook, data, objs)``) on plain xlsxwriter; the file
is downloaded from a transient record through ``/web/content``, with no
controller of our own (see readme/DESCRIPTION.md)."""
import base64
import datetime
import re
from urllib.parse import quote

import pytz

from odoo import _lt, fields, models

from odoo.addons.star_tiering.wizard.star_tier_ledger_export import _display_width, _hf_text, _sheet_name

# the sheet's columns: label, width (characters), kind
CALL_COLUMNS = [
    (_lt("No."), 5, "number"),
    (_lt("Date"), 11, "date"),
    (_lt("Time"), 7, "time"),
    (_lt("Customer"), 18, "text"),
    (_lt("Phone"), 15, "text"),
    (_lt("Duration (s)"), 9, "number"),
    (_lt("Effective"), 8, "center"),
    (_lt("Customer's Needs"), 30, "wrap"),
    (_lt("Products Marketed"), 26, "wrap"),
    (_lt("Caller"), 14, "text"),
]
LAST_COL = len(CALL_COLUMNS) - 1
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# rows above the calls: bank, title, sub-branch and date, the day's figures, a blank line
HEADER_ROW = 5


def mask_phone(number):
    """A phone number as staff who do not own the customer see it: the first
    three and the last four digits of the number (after the country code),
    e.g. 138****5678; a short number keeps its last two digits only."""
    if not number:
        return ""
    digits = re.sub(r"\D", "", number)
    if number.strip().startswith("+86") or digits.startswith("0086"):
        digits = digits[4:] if digits.startswith("0086") else digits[2:]
    if len(digits) >= 8:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) > 2:
        return "*" * (len(digits) - 2) + digits[-2:]
    return "*" * len(digits)


class CallSheetXlsxReport(models.AbstractModel):
    _name = "report.call_tracking.call_sheet_xlsx"
    _inherit = "report.call_tracking.xlsx_abstract"
    _description = "Call-Tracking Sheet (XLSX)"
    _xlsx_model = "call.sheet"

    def _write_record(self, workbook, formats, record):
        return self._write_sheet(workbook, formats, record)

    # ------------------------------------------------------------------
    def _formats(self, workbook):
        base = {"font_size": 10, "valign": "vcenter"}

        def fmt(**kw):
            return workbook.add_format(dict(base, **kw))

        return {
            "bank": fmt(bold=True, font_size=12, align="center"),
            "title": fmt(bold=True, font_size=16, align="center"),
            "label": fmt(bold=True),
            "value": fmt(align="left"),
            "value_date": fmt(num_format="yyyy-mm-dd", align="left"),
            "header": fmt(bold=True, bg_color="#DDEBF7", border=1, align="center", text_wrap=True),
            "text": fmt(border=1),
            "wrap": fmt(border=1, text_wrap=True, valign="top"),
            "center": fmt(border=1, align="center"),
            "number": fmt(border=1, num_format="0"),
            "date": fmt(border=1, num_format="yyyy-mm-dd", align="center"),
            "time": fmt(border=1, num_format="hh:mm", align="center"),
            "muted": fmt(border=1, font_color="#808080"),
            "sign_title": fmt(bold=True, font_size=11, bottom=1),
            "sign_label": fmt(bold=True, border=1),
            "sign_value": fmt(border=1),
            "sign_datetime": fmt(border=1, num_format="yyyy-mm-dd hh:mm", align="left"),
            "not_signed": fmt(border=1, italic=True, font_color="#C00000"),
        }

    def _bank_datetime(self, moment):
        """A stored UTC datetime as the bank's local time (naive, for Excel)."""
        tz = self.env["bank.branch"]._bank_tz()
        return pytz.utc.localize(moment).astimezone(tz).replace(tzinfo=None)

    def _phone_for_user(self, partner):
        """The customer's phone as the exporting user may see it: in full for
        the customer's owners (tier owner, secondary owner), masked for anyone
        else (严格保密)."""
        number = partner.mobile or partner.phone or ""
        if self.env.user in (partner.tier_owner_id | partner.tier_secondary_owner_id):
            return number
        return mask_phone(number)

    def _write_sheet(self, workbook, formats, sheet):
        company = sheet.company_id or self.env.company
        title = self.env._("Call-Tracking Sheet")
        ws = workbook.add_worksheet(_sheet_name(f"{sheet.branch_id.code or sheet.branch_id.name} {sheet.date}"))
        day = datetime.datetime.combine(sheet.date, datetime.time.min)

        ws.set_row(0, 20)
        ws.merge_range(0, 0, 0, LAST_COL, company.name, formats["bank"])
        ws.set_row(1, 26)
        ws.merge_range(1, 0, 1, LAST_COL, title, formats["title"])
        ws.write(2, 0, self.env._("Sub-branch"), formats["label"])
        ws.merge_range(2, 1, 2, 3, sheet.branch_id.display_name, formats["value"])
        ws.write(2, 4, self.env._("Date"), formats["label"])
        ws.write_datetime(2, 5, day, formats["value_date"])
        ws.write(2, 7, self.env._("Status"), formats["label"])
        ws.merge_range(2, 8, 2, 9, sheet._state_label(), formats["value"])
        ws.write(3, 0, self.env._("Quota"), formats["label"])
        ws.write_number(3, 1, sheet.quota, formats["value"])
        ws.write(3, 2, self.env._("Calls"), formats["label"])
        ws.write_number(3, 3, sheet.call_count, formats["value"])
        ws.write(3, 4, self.env._("Effective Customers"), formats["label"])
        ws.write_number(3, 5, sheet.effective_customer_count, formats["value"])
        ws.write(3, 7, self.env._("Shortfall"), formats["label"])
        ws.write_number(3, 8, sheet.shortfall, formats["value"])

        headers = [self.env._(label) for label, _width, _kind in CALL_COLUMNS]
        ws.set_row(HEADER_ROW, 30)
        ws.write_row(HEADER_ROW, 0, headers, formats["header"])
        widths = [
            max(width, _display_width(header) + 1)
            for header, (_label, width, _kind) in zip(headers, CALL_COLUMNS, strict=True)
        ]

        yes, no = self.env._("Yes"), self.env._("No")
        row = HEADER_ROW + 1
        # the calls the user may read, in the order they were made
        calls = sheet.call_ids.sorted(lambda call: (call.call_start, call.id))
        for number, call in enumerate(calls, start=1):
            partner = call.partner_id.sudo()
            muted = not call.is_effective
            values = [
                (number, "number"),
                (day, "date"),
                (self._bank_datetime(call.call_start), "time"),
                (partner.name or "", "text"),
                (self._phone_for_user(partner), "text"),
                (call.duration_seconds, "number"),
                (yes if call.is_effective else no, "center"),
                (call.needs or "", "wrap"),
                (call.products_marketed or "", "wrap"),
                (call.user_id.sudo().name or "", "text"),
            ]
            for col, (value, kind) in enumerate(values):
                style = formats["muted"] if muted and kind == "text" else formats[kind]
                if kind in ("date", "time"):
                    ws.write_datetime(row, col, value, style)
                elif kind == "number":
                    ws.write_number(row, col, value, style)
                else:
                    ws.write_string(row, col, value, style)
                    if kind == "text":
                        widths[col] = max(widths[col], min(_display_width(value) + 1, 40))
            row += 1
        # the labels of the figures above the calls fit their column too
        for col, label in ((0, "Sub-branch"), (0, "Quota"), (2, "Calls"), (4, "Date"),
                           (4, "Effective Customers"), (7, "Status"), (7, "Shortfall")):
            widths[col] = max(widths[col], _display_width(self.env._(label)) + 1)  # pylint: disable=translation-required
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)

        if sheet.shortfall_reason:
            row += 1
            ws.merge_range(row, 0, row, 2, self.env._("Reason for the Shortfall"), formats["label"])
            ws.merge_range(row, 3, row, LAST_COL, sheet.shortfall_reason, formats["value"])
        row = self._write_signatures(ws, formats, sheet, row + 2)
        self._print_setup(ws, company.name, title, sheet)
        return ws

    def _write_signatures(self, ws, formats, sheet, row):
        """The signature block (签字确认): who submitted and signed, and when
        (the bank's time), or "Not signed"."""
        ws.merge_range(row, 0, row, 5, self.env._("Signatures"), formats["sign_title"])
        row += 1
        sheet = sheet.sudo()
        not_signed = self.env._("Not signed")
        lines = [
            (self.env._("Submitted by"), sheet.submitted_by_id, sheet.submitted_date, self.env._("Not submitted")),
            (self.env._("Accounting Supervisor"), sheet.supervisor_id, sheet.supervisor_signed_date, not_signed),
            (self.env._("Branch President"), sheet.president_id, sheet.president_signed_date, not_signed),
        ]
        for label, user, moment, missing in lines:
            ws.merge_range(row, 0, row, 1, label, formats["sign_label"])
            if user and moment:
                ws.merge_range(row, 2, row, 3, user.name, formats["sign_value"])
                ws.merge_range(row, 4, row, 5, "", formats["sign_datetime"])
                ws.write_datetime(row, 4, self._bank_datetime(moment), formats["sign_datetime"])
            else:
                ws.merge_range(row, 2, row, 5, missing, formats["not_signed"])
            row += 1
        return row

    def _print_setup(self, ws, company_name, title, sheet):
        """Landscape A4, one page wide, the column headers on every page."""
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(HEADER_ROW)
        ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.7)
        ws.center_horizontally()
        ws.freeze_panes(HEADER_ROW + 1, 0)
        header = "&L%s&C%s&R%s" % (
            _hf_text(company_name[:60]), _hf_text(title),
            _hf_text(f"{sheet.branch_id.display_name[:60]} {sheet.date}"),
        )
        footer = "&L%s&R%s" % (
            _hf_text(self.env._("Confidential — for internal use only")),
            self.env._("Page %(page)s of %(pages)s", page="&P", pages="&N"),
        )
        ws.set_header(header[:255])
        ws.set_footer(footer[:255])


class CallSheetXlsx(models.TransientModel):
    """The exported file, kept for its download by the user who asked for it
    (transient records are their creator's only, and are vacuumed)."""

    _name = "call.sheet.xlsx"
    _description = "Call-Tracking Sheet Download"

    sheet_id = fields.Many2one("call.sheet", required=True, ondelete="cascade")
    file = fields.Binary(readonly=True, attachment=False)
    filename = fields.Char(readonly=True)


class CallSheet(models.Model):
    _inherit = "call.sheet"

    def action_download_xlsx(self):
        """The sheet as an XLSX file, downloaded by the browser."""
        self.ensure_one()
        self.check_access("read")
        content, _ext = self.env["report.call_tracking.call_sheet_xlsx"].create_xlsx_report(self.ids, {})
        filename = "%s-%s-%s.xlsx" % (self.env._("call-sheet"), self.branch_id.code or self.branch_id.id, self.date)
        filename = re.sub(r"[\\/:*?\"<>|\s]+", "-", filename)
        download = self.env["call.sheet.xlsx"].create({
            "sheet_id": self.id, "file": base64.b64encode(content), "filename": filename,
        })
        return {
            "type": "ir.actions.act_url",
            # the type is given: Odoo would guess it from the file's first bytes, too few to tell an XLSX
            "url": f"/web/content/{download._name}/{download.id}/file/{quote(filename)}?download=true"
                   f"&mimetype={quote(XLSX_MIMETYPE)}",
            "target": "download",
        }
