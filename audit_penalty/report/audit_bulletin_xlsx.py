"""The monthly bulletin (通报) as the XLSX workbook head office files and
sends round: a title block (bank, month, who prepared and published it, how
confidential), one row per sub-branch in rank order, the totals, print-ready.

The shape of OCA's ``report_xlsx`` (``create_xlsx_report(docids, data)``,
``generate_xlsx_report(workbook, data, objs)``) on plain xlsxwriter, as
call_tracking's call sheet; the file is kept as the bulletin's attachment."""
import datetime

import pytz
from xlsxwriter.utility import xl_col_to_name

from odoo import _lt, models

from odoo.addons.star_tiering.wizard.star_tier_ledger_export import _display_width, _hf_text, _sheet_name

# the bulletin's columns: line field, label, width (characters), kind
BULLETIN_COLUMNS = [
    ("rank", _lt("Rank"), 6, "number"),
    ("branch_code", _lt("Code"), 8, "text"),
    ("branch_name", _lt("Sub-branch"), 18, "text"),
    ("shortfall_days", _lt("Days Short"), 8, "number"),
    ("missing_calls", _lt("Missing Calls"), 9, "number"),
    ("shortfall_fine", _lt("Shortfall Fine"), 12, "money"),
    ("sampled_date", _lt("Sampled Day"), 11, "date"),
    ("verified", _lt("Verified"), 8, "number"),
    ("falsified", _lt("Falsified"), 8, "number"),
    ("unreachable", _lt("Unreachable"), 9, "number"),
    ("falsification_fine", _lt("Falsification Fine"), 12, "money"),
    ("total", _lt("Total"), 12, "money"),
    ("remarks", _lt("Remarks"), 28, "wrap"),
]
COL = {key: index for index, (key, _label, _width, _kind) in enumerate(BULLETIN_COLUMNS)}
LAST_COL = len(BULLETIN_COLUMNS) - 1
# the title block above the header row: bank, title, month and people, notes,
# confidentiality mark, a blank line
HEADER_ROW = 6
# the columns the totals row adds up
TOTAL_KINDS = ("number", "money")


class AuditBulletinXlsxReport(models.AbstractModel):
    _name = "report.audit_penalty.bulletin_xlsx"
    _inherit = "report.call_tracking.xlsx_abstract"
    _description = "Monthly Audit Bulletin (XLSX)"
    _xlsx_model = "audit.bulletin"

    def _write_record(self, workbook, formats, record):
        return self._write_bulletin(workbook, formats, record)

    # ------------------------------------------------------------------
    def _formats(self, workbook):
        base = {"font_size": 10, "valign": "vcenter"}
        money = "#,##0.00"
        total = dict(base, bold=True, bg_color="#BDD7EE", top=6, bottom=1)

        def fmt(**kw):
            return workbook.add_format(dict(base, **kw))

        return {
            "bank": fmt(bold=True, font_size=12, align="center"),
            "title": fmt(bold=True, font_size=16, align="center"),
            "label": fmt(bold=True),
            "value": fmt(align="left"),
            "value_datetime": fmt(num_format="yyyy-mm-dd hh:mm", align="left"),
            "note": fmt(italic=True, font_color="#595959"),
            "confidential": fmt(bold=True, font_color="#C00000", align="center"),
            "header": fmt(bold=True, bg_color="#DDEBF7", border=1, align="center", text_wrap=True),
            "text": fmt(border=1),
            "wrap": fmt(border=1, text_wrap=True),
            "number": fmt(border=1, num_format="0"),
            "money": fmt(border=1, num_format=money),
            "date": fmt(border=1, num_format="yyyy-mm-dd", align="center"),
            "fined": fmt(border=1, bold=True, num_format=money, font_color="#C00000"),
            "total": workbook.add_format(total),
            "total_number": workbook.add_format(dict(total, num_format="#,##0")),
            "total_money": workbook.add_format(dict(total, num_format=money)),
        }

    def _bank_datetime(self, moment):
        """A stored UTC datetime as the bank's local time (naive, for Excel)."""
        tz = self.env["bank.branch"]._bank_tz()
        return pytz.utc.localize(moment).astimezone(tz).replace(tzinfo=None)

    def _status_text(self, bulletin):
        if bulletin.state == "published":
            return self.env._(
                "Published by %(user)s on %(date)s", user=bulletin.published_by_id.sudo().name or "",
                date=self._bank_datetime(bulletin.published_date).strftime("%Y-%m-%d %H:%M"),
            )
        return self.env._("Draft: not published")

    def _write_bulletin(self, workbook, formats, bulletin):
        company = bulletin.company_id or self.env.company
        month = f"{bulletin.period:%Y-%m}"
        title = self.env._("Monthly Audit Bulletin")
        confidential = self.env._("Confidential — for internal use only")
        currency = bulletin.currency_id.name or ""
        ws = workbook.add_worksheet(_sheet_name(f"{title} {month}"))

        # title block: whose, what, which month, by whom, how confidential
        ws.set_row(0, 20)
        ws.merge_range(0, 0, 0, LAST_COL, company.name, formats["bank"])
        ws.set_row(1, 26)
        ws.merge_range(1, 0, 1, LAST_COL, f"{title} {month}", formats["title"])
        ws.write(2, 0, self.env._("Month"), formats["label"])
        ws.merge_range(2, 1, 2, 2, month, formats["value"])
        ws.write(2, 3, self.env._("Prepared by"), formats["label"])
        ws.merge_range(2, 4, 2, 5, bulletin.generated_by_id.sudo().name or "", formats["value"])
        ws.write(2, 6, self.env._("Prepared on"), formats["label"])
        if bulletin.generated_date:
            ws.merge_range(2, 7, 2, 8, "", formats["value_datetime"])
            ws.write_datetime(2, 7, self._bank_datetime(bulletin.generated_date), formats["value_datetime"])
        ws.write(2, 9, self.env._("Status"), formats["label"])
        ws.merge_range(2, 10, 2, LAST_COL, self._status_text(bulletin), formats["value"])
        ws.merge_range(3, 0, 3, LAST_COL, self.env._(
            "Amounts in %(currency)s, net of the fines cancelled on contest. Ranked by total fine, the highest "
            "first; equal totals share a rank.", currency=currency,
        ), formats["note"])
        ws.merge_range(4, 0, 4, LAST_COL, confidential, formats["confidential"])

        headers = [self.env._(label) for _key, label, _width, _kind in BULLETIN_COLUMNS]
        ws.set_row(HEADER_ROW, 30)
        ws.write_row(HEADER_ROW, 0, headers, formats["header"])
        widths = [
            max(width, min(_display_width(header) + 1, 14))
            for header, (_key, _label, width, _kind) in zip(headers, BULLETIN_COLUMNS, strict=True)
        ]

        # one read of the stored lines, in rank order
        lines = bulletin.line_ids.read([key for key, _label, _width, kind in BULLETIN_COLUMNS])
        row = HEADER_ROW + 1
        sums = dict.fromkeys((key for key, _l, _w, kind in BULLETIN_COLUMNS if kind in TOTAL_KINDS), 0)
        sums.pop("rank")
        for line in lines:
            for col, (key, _label, _width, kind) in enumerate(BULLETIN_COLUMNS):
                value = line[key]
                if kind == "date":
                    if value:
                        ws.write_datetime(row, col, datetime.datetime.combine(value, datetime.time.min),
                                          formats["date"])
                    else:
                        ws.write_blank(row, col, None, formats["date"])
                elif kind in TOTAL_KINDS:
                    style = "fined" if key == "total" and value else kind
                    ws.write_number(row, col, value or 0, formats[style])
                    if key in sums:
                        sums[key] += value or 0
                else:
                    ws.write_string(row, col, value or "", formats[kind])
                    if kind == "text":
                        widths[col] = max(widths[col], min(_display_width(value or "") + 1, 40))
            row += 1
        last_data_row = row - 1

        # the totals: formulas (they follow the autofilter) with their values stored
        for col in range(LAST_COL + 1):
            ws.write_blank(row, col, None, formats["total"])
        ws.write_string(row, COL["branch_name"], self.env._("Total"), formats["total"])
        for key, value in sums.items():
            col = COL[key]
            letter = xl_col_to_name(col)
            formula = f"=SUBTOTAL(109,{letter}{HEADER_ROW + 2}:{letter}{max(last_data_row + 1, HEADER_ROW + 2)})"
            kind = "total_money" if BULLETIN_COLUMNS[col][3] == "money" else "total_number"
            ws.write_formula(row, col, formula, formats[kind], round(value, 2))
        ws.write_string(row, COL["remarks"], self.env._(
            "%(fined)s of %(count)s sub-branch(es) fined",
            fined=bulletin.fined_branch_count, count=bulletin.branch_count,
        ), formats["total"])
        totals_row = row

        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        ws.autofilter(HEADER_ROW, 0, max(last_data_row, HEADER_ROW), LAST_COL)
        ws.freeze_panes(HEADER_ROW + 1, 0)
        self._print_setup(ws, company.name, f"{title} {month}", confidential, bulletin)
        return ws, totals_row

    def _print_setup(self, ws, company_name, title, confidential, bulletin):
        """Landscape A4, one page wide, the header row on every page, the
        title, the confidentiality mark and the page numbers in the margins."""
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(HEADER_ROW)
        ws.set_margins(left=0.4, right=0.4, top=0.8, bottom=0.8)
        ws.center_horizontally()
        header = "&L%s&C%s&R%s" % (_hf_text(company_name[:60]), _hf_text(title), _hf_text(confidential))
        footer = "&L%s&R%s" % (
            _hf_text(self._status_text(bulletin)[:100]),
            self.env._("Page %(page)s of %(pages)s", page="&P", pages="&N"),
        )
        ws.set_header(header[:255])
        ws.set_footer(footer[:255])
