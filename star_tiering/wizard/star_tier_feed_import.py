"""Core-banking AUM feed: customer number, as-of date, AUM, has-business flag.

The user uploads a CSV or XLSX file, sees a preview with every bad row and
why, then imports either nothing unless all rows are good, or only the good
rows, as they choose. Re-importing the same file changes nothing.
"""
import base64
import csv
import datetime
import io
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

# Accepted column headers (English keys, and the words of the bank's exports).
HEADERS = {
    "customer_number": {"customer_number", "customer number", "customer_no", "客户号", "客户编号"},
    "as_of_date": {"as_of_date", "as of date", "date", "日期", "数据日期"},
    "aum": {"aum", "aum_daily_avg", "年日均金融资产", "年日均"},
    "has_business": {"has_business", "has business", "business", "有业务", "业务往来"},
}
TRUE_WORDS = {"1", "true", "yes", "y", "t", "是", "有"}
FALSE_WORDS = {"0", "false", "no", "n", "f", "否", "无", ""}


class StarTierFeedImport(models.TransientModel):
    _name = "star.tier.feed.import"
    _description = "Import the Core-Banking AUM Feed"

    file = fields.Binary(string="Feed File", required=True)
    filename = fields.Char()
    state = fields.Selection(
        [("upload", "Upload"), ("preview", "Preview"), ("done", "Done")], default="upload", required=True
    )
    import_mode = fields.Selection(
        [
            ("all_or_nothing", "Import only if every row is valid"),
            ("valid_rows", "Import the valid rows and skip the bad ones"),
        ],
        default="all_or_nothing",
        required=True,
    )
    line_ids = fields.One2many("star.tier.feed.import.line", "wizard_id", readonly=True)
    error_line_ids = fields.One2many(
        "star.tier.feed.import.line", "wizard_id", domain=[("status", "=", "error")], readonly=True
    )
    row_count = fields.Integer(compute="_compute_counts")
    error_count = fields.Integer(compute="_compute_counts")
    update_count = fields.Integer(compute="_compute_counts")
    unchanged_count = fields.Integer(compute="_compute_counts")
    stale_count = fields.Integer(compute="_compute_counts")
    result = fields.Text(readonly=True)

    @api.depends("line_ids.status")
    def _compute_counts(self):
        for wizard in self:
            counts = defaultdict(int)
            for line in wizard.line_ids:
                counts[line.status] += 1
            wizard.row_count = len(wizard.line_ids)
            wizard.error_count = counts["error"]
            wizard.update_count = counts["update"]
            wizard.unchanged_count = counts["unchanged"]
            wizard.stale_count = counts["stale"]

    # ------------------------------------------------------------------
    # Parsing
    # ------------------------------------------------------------------
    def _read_rows(self):
        """[(row_number, {column: raw value})] from the CSV or XLSX file."""
        self.ensure_one()
        content = base64.b64decode(self.file or b"")
        name = (self.filename or "").lower()
        if name.endswith((".xlsx", ".xlsm")) or content[:2] == b"PK":
            table = self._read_xlsx(content)
        else:
            table = self._read_csv(content)
        if not table:
            raise UserError(_("The file is empty."))
        header, *body = table
        columns = {}
        for index, title in enumerate(header):
            key = str(title or "").strip().lower()
            for column, aliases in HEADERS.items():
                if key in aliases:
                    columns[column] = index
        missing = [c for c in HEADERS if c not in columns]
        if missing:
            raise UserError(
                _("The file lacks the column(s) %(columns)s. Expected headers: %(expected)s.",
                  columns=", ".join(missing), expected=", ".join(HEADERS))
            )
        rows = []
        for number, values in enumerate(body, start=2):
            if not any(str(v or "").strip() for v in values):
                continue
            rows.append((number, {
                c: values[i] if i < len(values) else None for c, i in columns.items()
            }))
        return rows

    @api.model
    def _read_csv(self, content):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = content.decode("gb18030")
            except UnicodeDecodeError as error:
                raise UserError(_("The file is neither UTF-8 nor GB18030 text.")) from error
        dialect = csv.excel
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            pass
        return [row for row in csv.reader(io.StringIO(text), dialect)]

    @api.model
    def _read_xlsx(self, content):
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many types for a broken file
            raise UserError(_("The file is not a readable XLSX workbook: %s", error)) from error
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]

    @api.model
    def _parse_date(self, value):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value or "").strip()
        for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d"):
            try:
                return datetime.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        return None

    @api.model
    def _parse_amount(self, value):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return round(float(value), 2)
        text = str(value or "").strip().replace(",", "")
        try:
            return round(float(text), 2) if text else None
        except ValueError:
            return None

    def _prepare_line_vals(self):
        rows = self._read_rows()
        numbers = [str(r["customer_number"] or "").strip() for _n, r in rows]
        partners = {}
        Partner = self.env["res.partner"].with_context(active_test=False)
        for start in range(0, len(numbers), 50000):
            for partner in Partner.search_fetch(
                [("customer_number", "in", [n for n in numbers[start:start + 50000] if n])],
                ["customer_number", "aum_daily_avg", "aum_date", "has_business"],
            ):
                partners[partner.customer_number] = partner
        seen = defaultdict(list)
        for (number, _raw), customer_number in zip(rows, numbers):
            if customer_number:
                seen[customer_number].append(number)
        vals_list = []
        for (number, raw), customer_number in zip(rows, numbers):
            errors = []
            as_of = self._parse_date(raw["as_of_date"])
            aum = self._parse_amount(raw["aum"])
            flag = str(raw["has_business"] if raw["has_business"] is not None else "").strip().lower()
            partner = partners.get(customer_number)
            if not customer_number:
                errors.append(_("The customer number is missing."))
            elif not partner:
                errors.append(_("No customer has the number %s.", customer_number))
            elif len(seen[customer_number]) > 1:
                errors.append(_("The customer appears on several rows: %s.",
                                ", ".join(map(str, seen[customer_number]))))
            if as_of is None:
                errors.append(_("The as-of date %r is not a date (expected YYYY-MM-DD).", raw["as_of_date"]))
            if aum is None:
                errors.append(_("The AUM %r is not an amount.", raw["aum"]))
            elif aum < 0:
                errors.append(_("The AUM cannot be negative (%s).", aum))
            if flag not in TRUE_WORDS | FALSE_WORDS:
                errors.append(_("The has-business flag %r is not yes/no.", raw["has_business"]))
            has_business = flag in TRUE_WORDS
            if errors:
                status = "error"
            elif partner.aum_date and as_of < partner.aum_date:
                status = "stale"
            elif (partner.aum_date == as_of and round(partner.aum_daily_avg, 2) == aum
                  and partner.has_business == has_business):
                status = "unchanged"
            else:
                status = "update"
            vals_list.append({
                "row_number": number,
                "customer_number": customer_number,
                "partner_id": partner.id if partner else False,
                "as_of_date": as_of,
                "aum": aum if aum is not None else 0.0,
                "has_business": has_business,
                "status": status,
                "message": " ".join(errors) or False,
            })
        return vals_list

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def action_preview(self):
        self.ensure_one()
        self.line_ids.unlink()
        self.env["star.tier.feed.import.line"].create(
            [dict(vals, wizard_id=self.id) for vals in self._prepare_line_vals()]
        )
        self.state = "preview"
        return self._reopen()

    def action_import(self):
        self.ensure_one()
        if self.state != "preview":
            self.action_preview()
        errors = self.line_ids.filtered(lambda line: line.status == "error")
        if errors and self.import_mode == "all_or_nothing":
            details = "\n".join(
                _("Row %(row)s: %(message)s", row=line.row_number, message=line.message)
                for line in errors[:50]
            )
            raise UserError(
                _("%(count)s row(s) are invalid; nothing was imported. Fix the file, or choose to "
                  "import the valid rows only.\n%(rows)s",
                  count=len(errors), rows=details)
            )
        updates = self.line_ids.filtered(lambda line: line.status == "update")
        if updates:
            self.env["res.partner"].check_access("write")
            updates.partner_id.check_access("write")
            self.env.flush_all()
            self.env.execute_query(SQL(
                """
                UPDATE res_partner p
                   SET aum_daily_avg = v.aum, aum_date = v.as_of, has_business = v.flag,
                       write_uid = %s, write_date = now() at time zone 'UTC'
                  FROM unnest(%s::int[], %s::numeric[], %s::date[], %s::bool[]) AS v(id, aum, as_of, flag)
                 WHERE p.id = v.id
                """,
                self.env.uid,
                updates.partner_id.ids, updates.mapped("aum"), updates.mapped("as_of_date"),
                updates.mapped("has_business"),
            ))
            self.env["res.partner"].invalidate_model(["aum_daily_avg", "aum_date", "has_business"])
        self.result = _(
            "%(updated)s customer(s) updated, %(unchanged)s unchanged, %(stale)s older than the data held "
            "(skipped), %(errors)s invalid row(s) skipped.",
            updated=len(updates), unchanged=self.unchanged_count, stale=self.stale_count,
            errors=len(errors),
        )
        self.state = "done"
        return self._reopen()

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": _("Import the AUM Feed"),
        }


class StarTierFeedImportLine(models.TransientModel):
    _name = "star.tier.feed.import.line"
    _description = "AUM Feed Row"
    _order = "row_number"

    wizard_id = fields.Many2one("star.tier.feed.import", required=True, ondelete="cascade")
    row_number = fields.Integer(string="Row")
    customer_number = fields.Char()
    partner_id = fields.Many2one("res.partner", string="Customer")
    as_of_date = fields.Date(string="As Of")
    aum = fields.Float(string="AUM", digits=(16, 2))
    has_business = fields.Boolean()
    status = fields.Selection(
        [("update", "Will update"), ("unchanged", "Unchanged"),
         ("stale", "Older than the data held"), ("error", "Error")],
        required=True,
    )
    message = fields.Char(string="Error")
