"""The classification ledger (客户分类管理台账) as the XLSX workbook a branch prints
and hands in weekly, built with xlsxwriter."""
import base64
import datetime
import io
import re
import unicodedata
from urllib.parse import quote

import pytz
import xlsxwriter

from odoo import _lt, fields, models
from odoo.exceptions import UserError
from odoo.tools import split_every

from ..models.star_tier_history import TIER_CHOICES

# Excel's sheet size: a ledger longer than this cannot be written on one sheet.
XLSX_MAX_ROWS = 1048576
# customers read per query: bounds memory however many customers the user sees
READ_BATCH = 2000
# the ledger's columns: key of the customer row, label, kind (for format and width)
LEDGER_COLUMNS = [
    ("customer_number", _lt("Customer Number"), "text"),
    ("name", _lt("Customer"), "text"),
    ("branch", _lt("Branch"), "text"),
    ("stars", _lt("Tier"), "text"),
    ("aum_daily_avg", _lt("AUM (CNY)"), "money"),
    ("aum_date", _lt("AUM As Of"), "date"),
    ("star_tier_date", _lt("Tier Since"), "date"),
    ("tier_owner", _lt("Tier Owner"), "text"),
    ("tier_secondary_owner", _lt("Secondary Owner"), "text"),
    ("last_contact_date", _lt("Last Contact"), "date"),
    ("next_contact_date", _lt("Next Contact"), "date"),
]
COL = {key: index for index, (key, _label, _kind) in enumerate(LEDGER_COLUMNS)}
LAST_COL = len(LEDGER_COLUMNS) - 1
# the title block above the header row (title, bank and date, branch and preparer,
# confidentiality mark, a blank line)
HEADER_ROW = 5
PARTNER_FIELDS = [
    "customer_number", "name", "branch_id", "star_tier", "aum_daily_avg", "aum_date", "star_tier_date",
    "tier_owner_id", "tier_secondary_owner_id", "last_contact_date", "next_contact_date",
]
# the ledger lists the best customers first, each branch on its own
LEDGER_ORDER = "branch_id, branch_id.id, star_tier desc, customer_number, id"


def _display_width(value):
    """Width of a value in Excel's character units: CJK characters and the stars
    take about two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WFA" else 1 for char in str(value))


def _sheet_name(name):
    """A (translated) label that Excel accepts as a sheet name."""
    return re.sub(r"[\[\]:*?/\\]", " ", str(name))[:31]


def _hf_text(value):
    """User text inside a page header/footer, where ``&`` starts a code."""
    return str(value or "").replace("&", "&&")


class StarTierLedgerExport(models.TransientModel):
    _name = "star.tier.ledger.export"
    _description = "Export the Customer Classification Ledger"

    branch_ids = fields.Many2many(
        "bank.branch", string="Branches",
        domain="[('is_my_branch', '=', True)]",
        help="Leave empty for every branch you can see; a branch includes its outlets.",
    )
    file = fields.Binary(readonly=True, attachment=False)
    filename = fields.Char(readonly=True)

    def _ledger_domain(self):
        domain = [("branch_id", "!=", False)]
        if self.branch_ids:
            domain.append(("branch_id", "child_of", self.branch_ids.ids))
        return domain

    def _ledger_branch_label(self):
        """The branches the ledger covers, for its title."""
        if self.branch_ids:
            return ", ".join(self.branch_ids.mapped("display_name"))
        if not self.env["bank.branch"]._my_branch_domain():
            return self.env._("All branches")
        return ", ".join(self.env.user.branch_id.mapped("display_name"))

    def _tier_stars(self, tier, tier_labels):
        """A tier as the ledger prints it: ★★★, or the label of 'Not tiered'."""
        return "★" * int(tier) if tier and tier != "0" else tier_labels.get("0", "")

    # ------------------------------------------------------------------
    # Workbook
    # ------------------------------------------------------------------
    def _build_workbook(self):
        """XLSX bytes: the ledger sheet (customers by branch and tier, subtotals,
        totals, print-ready) and the coverage sheet. Reads through the ORM as the
        user, so their record rules decide which customers are exported."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        domain = self._ledger_domain()
        # one grouped query gives the coverage sheet and the size of the ledger
        groups = Partner._read_group(domain, ["branch_id", "star_tier"], ["__count"])
        self._check_ledger_size(groups)
        stream = io.BytesIO()
        # rows are written in order and flushed to a temporary file: memory stays
        # flat for a head office ledger of many branches
        book = xlsxwriter.Workbook(stream, {"constant_memory": True})
        formats = self._ledger_formats(book)
        tier_labels = dict(Partner._fields["star_tier"]._description_selection(self.env))
        self._write_ledger_sheet(book, formats, tier_labels)
        self._write_coverage_sheet(book, formats, tier_labels, groups)
        book.close()
        return stream.getvalue()

    def _check_ledger_size(self, groups):
        branches = {branch for branch, _tier, _count in groups}
        tiers = {tier for _branch, tier, _count in groups}
        rows = (HEADER_ROW + 1 + sum(count for *_keys, count in groups)
                + len(groups) + len(branches) + len(tiers) + 2)
        if rows > XLSX_MAX_ROWS:
            raise UserError(self.env._(
                "The ledger would have %(rows)s rows, more than a spreadsheet holds "
                "(%(max)s). Choose fewer branches.", rows=rows, max=XLSX_MAX_ROWS,
            ))

    def _ledger_formats(self, book):
        base = {"font_size": 10, "valign": "vcenter"}
        money = "#,##0.00"
        # the count of a subtotal row reads "Customers: 12"; quotes would end the literal
        count = '"%s: "#,##0' % self.env._("Customers").replace('"', "'")
        subtotal = dict(base, bold=True, bg_color="#F2F2F2", top=1)
        branch_total = dict(base, bold=True, bg_color="#DDEBF7", top=1, bottom=1)
        grand_total = dict(base, bold=True, bg_color="#BDD7EE", top=6, bottom=1)

        def fmt(**kw):
            return book.add_format(dict(base, **kw))

        return {
            "title": fmt(bold=True, font_size=16, align="center"),
            "label": fmt(bold=True),
            "value": fmt(),
            "value_date": fmt(num_format="yyyy-mm-dd", align="left"),
            "value_datetime": fmt(num_format="yyyy-mm-dd hh:mm", align="left"),
            "confidential": fmt(bold=True, font_color="#C00000", align="center"),
            "header": fmt(bold=True, bg_color="#DDEBF7", border=1, align="center"),
            "text": fmt(),
            "money": fmt(num_format=money),
            "date": fmt(num_format="yyyy-mm-dd", align="center"),
            "percent": fmt(num_format="0.0%"),
            "number": fmt(num_format="#,##0"),
            "subtotal": book.add_format(subtotal),
            "subtotal_count": book.add_format(dict(subtotal, num_format=count, align="left")),
            "subtotal_money": book.add_format(dict(subtotal, num_format=money)),
            "branch_total": book.add_format(branch_total),
            "branch_total_count": book.add_format(dict(branch_total, num_format=count, align="left")),
            "branch_total_money": book.add_format(dict(branch_total, num_format=money)),
            "grand_total": book.add_format(grand_total),
            "grand_total_count": book.add_format(dict(grand_total, num_format=count, align="left")),
            "grand_total_money": book.add_format(dict(grand_total, num_format=money)),
        }

    def _ledger_rows(self):
        """The user's customers in ledger order, as dicts, read in batches: one
        search, then one read per batch of customers (never one per customer)."""
        Partner = self.env["res.partner"]
        partners = Partner.search(self._ledger_domain(), order=LEDGER_ORDER)
        for ids in split_every(READ_BATCH, partners.ids):
            batch = Partner.browse(ids)
            yield from batch.read(PARTNER_FIELDS)
            batch.invalidate_recordset()

    def _write_ledger_sheet(self, book, formats, tier_labels):
        Branch = self.env["bank.branch"]
        company = self.env.company
        today = Branch._bank_today()
        prepared_on = pytz.utc.localize(fields.Datetime.now()).astimezone(Branch._bank_tz()).replace(tzinfo=None)
        title = self.env._("Customer Classification Ledger")
        branch_label = self._ledger_branch_label()
        confidential = self.env._("Confidential — for internal use only")
        preparer = self.env.user.name
        # translated once, here (not in the closures below)
        subtotal_label, branch_total_label = self.env._("Subtotal"), self.env._("Branch total")
        tier_total_label, grand_total_label = self.env._("Tier total"), self.env._("Grand total")

        sheet = book.add_worksheet(_sheet_name(self.env._("Ledger")))
        # title block: what, whose, as of when, by whom, how confidential
        sheet.set_row(0, 26)
        sheet.merge_range(0, 0, 0, LAST_COL, title, formats["title"])
        sheet.write(1, 0, self.env._("Bank"), formats["label"])
        sheet.merge_range(1, 1, 1, 3, company.name, formats["value"])
        sheet.write(1, 5, self.env._("As of"), formats["label"])
        sheet.write_datetime(1, 6, datetime.datetime.combine(today, datetime.time.min), formats["value_date"])
        sheet.write(2, 0, self.env._("Branch"), formats["label"])
        sheet.merge_range(2, 1, 2, 3, branch_label, formats["value"])
        sheet.write(2, 5, self.env._("Prepared by"), formats["label"])
        sheet.merge_range(2, 6, 2, 7, preparer, formats["value"])
        sheet.write(2, 8, self.env._("Prepared on"), formats["label"])
        sheet.merge_range(2, 9, 2, 10, prepared_on, formats["value_datetime"])
        sheet.merge_range(3, 0, 3, LAST_COL, confidential, formats["confidential"])

        headers = [self.env._(label) for _key, label, _kind in LEDGER_COLUMNS]
        widths = [_display_width(label) for label in headers]
        sheet.write_row(HEADER_ROW, 0, headers, formats["header"])

        row = HEADER_ROW + 1
        kinds = [kind for _key, _label, kind in LEDGER_COLUMNS]

        def write_customer(values):
            nonlocal row
            sheet.set_row(row, None, None, {"level": 2})
            for col, value in enumerate(values):
                kind = kinds[col]
                if kind == "money":
                    sheet.write_number(row, col, value, formats["money"])
                    widths[col] = max(widths[col], len(f"{value:,.2f}"))
                elif kind == "date":
                    if value:
                        sheet.write_datetime(row, col, datetime.datetime.combine(value, datetime.time.min),
                                             formats["date"])
                    widths[col] = max(widths[col], 10)
                elif value:
                    sheet.write_string(row, col, value, formats["text"])
                    widths[col] = max(widths[col], _display_width(value))
            row += 1

        def write_total(style, label, count, aum, branch="", stars="", level=0):
            nonlocal row
            sheet.set_row(row, None, None, {"level": level})
            for col in range(LAST_COL + 1):
                sheet.write_blank(row, col, None, formats[style])
            sheet.write_string(row, COL["customer_number"], label, formats[style])
            sheet.write_number(row, COL["name"], count, formats[f"{style}_count"])
            sheet.write_string(row, COL["branch"], branch, formats[style])
            sheet.write_string(row, COL["stars"], stars, formats[style])
            sheet.write_number(row, COL["aum_daily_avg"], round(aum, 2), formats[f"{style}_money"])
            widths[COL["customer_number"]] = max(widths[COL["customer_number"]], _display_width(label))
            widths[COL["name"]] = max(widths[COL["name"]], _display_width(f"{label}: {count:,}"))
            widths[COL["aum_daily_avg"]] = max(widths[COL["aum_daily_avg"]], len(f"{aum:,.2f}"))
            row += 1

        # subtotals accumulate over the rows written, so the printed sheet adds up
        group = branch_group = None
        group_total = [0, 0.0]
        branch_total = [0, 0.0]
        tier_totals = {}
        grand = [0, 0.0]
        branch_ids = set()

        def close_group():
            if group:
                write_total("subtotal", subtotal_label, *group_total, branch=group[1],
                            stars=self._tier_stars(group[2], tier_labels), level=1)

        def close_branch():
            if branch_group:
                write_total("branch_total", branch_total_label, *branch_total, branch=branch_group[1])

        for partner in self._ledger_rows():
            branch_id, branch_name = partner["branch_id"]
            tier = partner["star_tier"]
            aum = partner["aum_daily_avg"] or 0.0
            if group != (branch_id, branch_name, tier):
                close_group()
                if branch_group != (branch_id, branch_name):
                    close_branch()
                    branch_group = (branch_id, branch_name)
                    branch_total = [0, 0.0]
                    branch_ids.add(branch_id)
                group = (branch_id, branch_name, tier)
                group_total = [0, 0.0]
            for total in (group_total, branch_total, tier_totals.setdefault(tier, [0, 0.0]), grand):
                total[0] += 1
                total[1] += aum
            write_customer([
                partner["customer_number"] or "",
                partner["name"] or "",
                branch_name,
                self._tier_stars(tier, tier_labels),
                aum,
                partner["aum_date"],
                partner["star_tier_date"],
                partner["tier_owner_id"][1] if partner["tier_owner_id"] else "",
                partner["tier_secondary_owner_id"][1] if partner["tier_secondary_owner_id"] else "",
                partner["last_contact_date"],
                partner["next_contact_date"],
            ])
        close_group()
        close_branch()
        last_data_row = row - 1

        # the bank's totals per tier, when the ledger spans several branches
        if len(branch_ids) > 1:
            for tier, _label in reversed(TIER_CHOICES):
                if tier in tier_totals:
                    write_total("subtotal", tier_total_label, *tier_totals[tier],
                                stars=self._tier_stars(tier, tier_labels))
        write_total("grand_total", grand_total_label, *grand)

        for col, width in enumerate(widths):
            sheet.set_column(col, col, min(width + 2, 60))
        sheet.autofilter(HEADER_ROW, 0, max(last_data_row, HEADER_ROW), LAST_COL)
        sheet.freeze_panes(HEADER_ROW + 1, 0)
        sheet.outline_settings(True, False, True, False)
        self._ledger_print_setup(sheet, title, branch_label, confidential, preparer, prepared_on, today)

    def _ledger_print_setup(self, sheet, title, branch_label, confidential, preparer, prepared_on, today):
        """Landscape A4, one page wide, the header row on every page, the title,
        the confidentiality mark and the preparer in the page header and footer."""
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(HEADER_ROW)
        sheet.set_margins(left=0.4, right=0.4, top=0.8, bottom=0.8)
        sheet.center_horizontally()
        company = self.env.company.name
        # Excel refuses a page header or footer longer than 255 characters
        branch_label = branch_label if len(branch_label) <= 80 else branch_label[:77] + "..."
        header = "&L%s&C%s — %s&R%s" % (
            _hf_text(company[:60]), _hf_text(title), _hf_text(branch_label), _hf_text(confidential),
        )
        footer = "&L%s&C%s&R%s" % (
            _hf_text(self.env._("Prepared by %(user)s on %(date)s", user=preparer[:60],
                                date=prepared_on.strftime("%Y-%m-%d %H:%M"))),
            _hf_text(self.env._("As of %(date)s", date=today.isoformat())),
            self.env._("Page %(page)s of %(pages)s", page="&P", pages="&N"),
        )
        sheet.set_header(header[:255])
        sheet.set_footer(footer[:255])

    def _write_coverage_sheet(self, book, formats, tier_labels, groups):
        """How many of each branch's customers are tiered (the circular's deadline)."""
        summary = book.add_worksheet(_sheet_name(self.env._("Coverage")))
        tiers = [tier for tier, _label in TIER_CHOICES]
        headers = [
            self.env._("Branch"), self.env._("Customers"), self.env._("Tiered"), self.env._("Coverage"),
        ] + [tier_labels[t] for t in tiers]
        summary.write_row(0, 0, headers, formats["header"])
        by_branch = {}
        for branch, tier, count in groups:
            by_branch.setdefault(branch, {})[tier] = count
        width = _display_width(headers[0])
        for line, branch in enumerate(sorted(by_branch, key=lambda b: (b.display_name, b.id)), start=1):
            counts = by_branch[branch]
            total = sum(counts.values())
            tiered = total - counts.get("0", 0)
            summary.write(line, 0, branch.display_name, formats["text"])
            summary.write_number(line, 1, total, formats["number"])
            summary.write_number(line, 2, tiered, formats["number"])
            summary.write_number(line, 3, tiered / total if total else 0.0, formats["percent"])
            for col, tier in enumerate(tiers, start=4):
                summary.write_number(line, col, counts.get(tier, 0), formats["number"])
            width = max(width, _display_width(branch.display_name))
        summary.set_column(0, 0, min(width + 2, 60))
        summary.set_column(1, len(headers) - 1, max(_display_width(h) for h in headers[1:]) + 2)
        summary.freeze_panes(1, 1)
        summary.set_landscape()
        summary.fit_to_pages(1, 0)
        summary.repeat_rows(0)
        summary.set_header("&C%s&R%s" % (_hf_text(self.env._("Tiering Coverage")),
                                         _hf_text(self.env._("Confidential — for internal use only"))))

    def action_export(self):
        self.ensure_one()
        filename = "%s-%s.xlsx" % (self.env._("customer-ledger"), self.env["bank.branch"]._bank_today())
        self.write({
            "file": base64.b64encode(self._build_workbook()),
            "filename": filename.replace("/", "-"),
        })
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/file/{quote(self.filename)}?download=true",
            "target": "self",
        }
