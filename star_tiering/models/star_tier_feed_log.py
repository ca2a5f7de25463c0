"""The core-banking AUM feed: one log per file, and the engine that imports it.

The core-banking system recomputes every customer's annual average of daily
assets (年日均金融资产) each day; its file (CSV or XLSX: customer number, as-of
date, AUM, has-business flag) reaches Odoo in one of three ways, all through
``_import_content``: the scheduled action reading head office's folder (the
system parameter ``star_tiering.feed_folder``) before the nightly tiering, an
RPC push (``action_push_feed``), or the import wizard for a small file typed by
hand. A file is imported once (its SHA-256).

The engine reads files of several kinds (``kind``): this addon's AUM feed;
other addons add theirs (call_tracking: product holdings) by extending the
selection and the per-kind hooks (_feed_headers, _feed_column_labels,
_feed_classify, _feed_apply, _feed_reason_labels, _feed_kind_of_file), so that
every kind gets the same checksum, modes, logs, error file and notifications.

The import is set-based, so that a million-row file costs about what its
statements cost: the rows are streamed into a temporary table with COPY (raw
text), one SQL statement classifies every row (rejected with its reasons,
stale, unchanged or updated) and one UPDATE per chunk of customer ids applies
the updated ones. Besides the file's bytes (and an XLSX file's shared
strings), Python holds one COPY chunk of rows at a time.
"""
import base64
import binascii
import codecs
import csv
import datetime
import hashlib
import html
import io
import json
import logging
import operator
import os
import posixpath
import re
import shutil
import threading
import time
import zipfile
from collections import Counter

import psycopg2
import pytz
from lxml import etree
from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.misc import format_date

from .res_partner_tiering import NIGHTLY_HOUR

_logger = logging.getLogger(__name__)

# Accepted column headers (English keys, and the words of the bank's exports).
HEADERS = {
    "customer_number": {"customer_number", "customer number", "customer_no", "客户号", "客户编号"},
    "as_of_date": {"as_of_date", "as of date", "date", "日期", "数据日期"},
    "aum": {"aum", "aum_daily_avg", "年日均金融资产", "年日均"},
    "has_business": {"has_business", "has business", "business", "有业务", "业务往来"},
}
COLUMNS = tuple(HEADERS)
# An amount as the exports write it (thousands separators removed first).
AMOUNT_PATTERN = r"^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,2})?$"
TRUE_WORDS = ["1", "true", "yes", "y", "t", "是", "有"]
# an empty flag is "no business", as the core-banking exports leave it blank
FALSE_WORDS = ["0", "false", "no", "n", "f", "否", "无", ""]
# AUM at or above this (CNY) is a corrupt figure, not a customer's assets.
MAX_AUM = 10 ** 15
# Rows sent to PostgreSQL per COPY: Python holds one chunk at a time.
COPY_ROWS = 50000
# Customer ids per UPDATE statement when the feed is applied.
APPLY_CHUNK_IDS = 200000
# Bad rows listed in the wizard and in the message to head office; the error
# file has all of them.
PREVIEW_ROWS = 20
# The scheduled action runs at 01:30 bank time, before the nightly tiering (02:00).
FEED_HOUR, FEED_MINUTE = 1, 30
FOLDER_PARAM = "star_tiering.feed_folder"
FEED_EXTENSIONS = (".csv", ".xlsx")
# pg_advisory_xact_lock key: one feed import at a time (cron, push, wizard).
FEED_LOCK = 0x5354_4645_4544  # "STFEED"
# pg_advisory_xact_lock key: one "no feed" warning at a time.
MISSING_LOCK = 0x5354_4D49_5353  # "STMISS"


# ----------------------------------------------------------------------
# XLSX, fast: the first sheet's cells read with regular expressions from the
# streamed XML, about six times faster than openpyxl's read-only mode (35 s
# for a million rows here), which stays the fallback for any layout these do
# not expect (namespace prefixes, cells without a reference).
# ----------------------------------------------------------------------
class XlsxFallback(Exception):
    """The fast reader does not know this workbook's layout: use openpyxl."""


XLSX_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
XLSX_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
XLSX_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# the usual attribute order (r, s, t: Excel, LibreOffice, WPS, xlsxwriter,
# openpyxl), and any order (three times slower) where a chunk has others
XLSX_CELL_FAST = re.compile(
    rb'<c r="([A-Z]{1,3})([0-9]+)"(?: s="()([0-9]+)")?(?: t="([a-zA-Z]+)")?\s*(?:/>|>(.*?)</c>)', re.S,
)
XLSX_CELL = re.compile(
    rb'<c\b(?=[^>]*?\sr="([A-Z]{1,3})([0-9]+)")?(?:(?=[^>]*?\st="([a-zA-Z]+)"))?'
    rb'(?:(?=[^>]*?\ss="([0-9]+)"))?[^>]*?(?:/>|>(.*?)</c>)',
    re.S,
)
XLSX_VALUE = re.compile(rb"<v>([^<]*)</v>")
XLSX_TEXT = re.compile(rb"<t(?:\s[^>]*)?>([^<]*)</t>")
XLSX_PHONETIC = re.compile(rb"<rPh\b.*?</rPh>", re.S)
# Excel's built-in date formats (14-22, 45-47) and those of its Chinese,
# Japanese and Korean versions (27-36, 50-58)
XLSX_DATE_FORMATS = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))
XLSX_CHUNK = 1 << 23


def _xlsx_text(inner):
    """The text of an inline or shared string (runs joined, phonetic hints left out)."""
    if inner.startswith((b"<t>", b"<is><t>")) and inner.count(b"<") == (2 if inner[1] == 116 else 4):
        text = inner[inner.index(b">", 4 if inner[1] == 105 else 0) + 1:inner.index(b"</t>")].decode()
    else:
        if b"<rPh" in inner:
            inner = XLSX_PHONETIC.sub(b"", inner)
        text = b"".join(XLSX_TEXT.findall(inner)).decode()
    return html.unescape(text) if "&" in text else text


def _xlsx_rows(content):
    """(row number, [cell text]) of the first sheet of an XLSX workbook, the
    cells as _feed_cell_text renders openpyxl's values."""
    from openpyxl.styles.numbers import is_date_format
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    try:
        book = zipfile.ZipFile(io.BytesIO(content))
        workbook = etree.fromstring(book.read("xl/workbook.xml"))
        rels = etree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as error:
        raise XlsxFallback(str(error)) from error
    sheet = workbook.find(f"{XLSX_MAIN}sheets/{XLSX_MAIN}sheet")
    properties = workbook.find(f"{XLSX_MAIN}workbookPr")
    if sheet is None:
        raise XlsxFallback("no sheet")
    epoch = CALENDAR_WINDOWS_1900
    if properties is not None and properties.get("date1904") in ("1", "true"):
        epoch = CALENDAR_MAC_1904
    targets = {rel.get("Id"): rel.get("Target") for rel in rels.iter(f"{XLSX_PKG_REL}Relationship")}
    target = targets.get(sheet.get(f"{XLSX_REL}id"))
    if not target:
        raise XlsxFallback("no sheet part")
    path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    date_styles = set()
    if "xl/styles.xml" in book.namelist():
        styles = etree.fromstring(book.read("xl/styles.xml"))
        custom = {
            int(fmt.get("numFmtId")): fmt.get("formatCode")
            for fmt in styles.iter(f"{XLSX_MAIN}numFmt")
        }
        xfs = styles.find(f"{XLSX_MAIN}cellXfs")
        for index, xf in enumerate(xfs if xfs is not None else ()):
            number_format = int(xf.get("numFmtId") or 0)
            if (is_date_format(custom[number_format]) if number_format in custom
                    else number_format in XLSX_DATE_FORMATS):
                date_styles.add(index)
    shared = []
    if "xl/sharedStrings.xml" in book.namelist():
        shared = re.findall(rb"<si>(.*?)</si>|<si/>", book.read("xl/sharedStrings.xml"), re.S)

    def number(text):
        return float(text) if b"." in text or b"E" in text or b"e" in text else int(text)

    def value(kind, style, inner):
        if kind == b"inlineStr":
            return _xlsx_text(inner)
        if inner.startswith(b"<v>") and inner.endswith(b"</v>") and inner.count(b"<") == 2:
            raw = inner[3:-4]
        else:
            found = XLSX_VALUE.search(inner)
            if not found:
                return ""
            raw = found.group(1)
        if kind == b"s":
            return _xlsx_text(shared[int(raw)])
        if kind in (b"", b"n"):
            if style and int(style) in date_styles:
                try:
                    return from_excel(number(raw), epoch).date().isoformat()
                except (OverflowError, ValueError, AttributeError):
                    return "#VALUE!"
            if b"." in raw or b"E" in raw or b"e" in raw:
                # a float as openpyxl gives it (1.0 → "1"), else the text
                # as written: PostgreSQL reads both
                number_ = float(raw)
                return str(int(number_)) if number_.is_integer() else raw.decode()
            return raw.decode()
        if kind == b"b":
            return "1" if raw.strip() not in (b"0", b"") else "0"
        if kind == b"d":
            return raw.decode()[:10]
        text = raw.decode()  # str, e: the text as it is
        return html.unescape(text) if "&" in text else text

    columns = {}

    def column(letters):
        index = columns.get(letters)
        if index is None:
            index = 0
            for letter in letters:
                index = index * 26 + letter - 64
            index = columns[letters] = index - 1
        return index

    with book.open(path) as stream:
        head = stream.read(4096)
        if re.search(rb"<[A-Za-z_][\w.-]*:(worksheet|sheetData|row|c)\b", head):
            raise XlsxFallback("namespace prefixes")
        tail = head
        current, cells = None, {}
        while True:
            chunk = stream.read(XLSX_CHUNK)
            data = tail + chunk
            end = data.rfind(b"</row>") + 6 if chunk else len(data)
            if end < 6 and chunk:
                tail = data
                continue
            part, tail = data[:end], data[end:]
            expected = part.count(b"<c>") + part.count(b"<c ")
            found = [(letters, row, kind, style, inner)
                     for letters, row, _mark, style, kind, inner in XLSX_CELL_FAST.findall(part)]
            if len(found) != expected:
                found = XLSX_CELL.findall(part)
                if len(found) != expected:
                    raise XlsxFallback("cells the fast reader does not parse")
            for letters, row, kind, style, inner in found:
                if row != current:
                    if not row:
                        raise XlsxFallback("a cell without a reference")
                    if cells:
                        yield int(current), [cells.get(i, "") for i in range(max(cells) + 1)]
                    current, cells = row, {}
                if inner:
                    text = value(kind, style, inner)
                    if text:
                        index = columns.get(letters)
                        cells[column(letters) if index is None else index] = text
            if not chunk:
                break
        if cells:
            yield int(current), [cells.get(i, "") for i in range(max(cells) + 1)]


class StarTierFeedLog(models.Model):
    _name = "star.tier.feed.log"
    _description = "Core-Banking Feed Log"
    _inherit = ["mail.thread"]
    _order = "create_date desc, id desc"
    _rec_name = "filename"
    # head office and audit read the logs; they may comment on them too
    _mail_post_access = "read"

    filename = fields.Char(required=True, readonly=True)
    kind = fields.Selection(
        [("aum", "AUM")], string="File Kind", required=True, readonly=True, default="aum",
        help="What the file holds; each kind has its columns and its import rules.",
    )
    checksum = fields.Char(
        string="Checksum (SHA-256)", required=True, readonly=True, index=True,
        help="A file whose checksum was imported already is not imported again.",
    )
    source = fields.Selection(
        [
            ("folder", "Scheduled action (feed folder)"),
            ("push", "Pushed by the core-banking system"),
            ("upload", "Uploaded by hand"),
        ],
        required=True, readonly=True,
    )
    imported_by = fields.Char(compute="_compute_imported_by")
    state = fields.Selection([("done", "Done"), ("failed", "Failed")], required=True, readonly=True)
    row_count = fields.Integer(string="Rows", readonly=True)
    updated_count = fields.Integer(string="Updated", readonly=True)
    unchanged_count = fields.Integer(string="Unchanged", readonly=True)
    stale_count = fields.Integer(
        string="Stale", readonly=True,
        help="Rows older than the figures held for the customer: not applied.",
    )
    rejected_count = fields.Integer(string="Rejected", readonly=True)
    feed_date = fields.Date(
        string="Figures As Of", readonly=True,
        help="The latest as-of date of the file's accepted rows.",
    )
    duration = fields.Float(string="Duration (s)", digits=(16, 2), readonly=True)
    message = fields.Text(string="Error", readonly=True)
    error_file_id = fields.Many2one("ir.attachment", string="Error File Attachment", readonly=True)
    error_file = fields.Binary(related="error_file_id.datas", string="Error File")
    error_filename = fields.Char(related="error_file_id.name", string="Error File Name")

    def init(self):
        # the checksum check runs under the feed lock; this index is the last
        # word if two imports of the same file still overlap
        self.env.cr.execute(SQL(
            "CREATE UNIQUE INDEX IF NOT EXISTS star_tier_feed_log_checksum_done_uniq "
            "ON star_tier_feed_log (checksum) WHERE state = 'done'"
        ))

    @api.depends("source", "create_uid")
    def _compute_imported_by(self):
        for log in self:
            log.imported_by = self.env._("Scheduled action") if log.source == "folder" else log.create_uid.name

    def action_download_error_file(self):
        self.ensure_one()
        if not self.error_file_id:
            raise UserError(self.env._("This feed had no rejected row."))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.error_file_id.id}?download=true",
            "target": "self",
        }

    # ------------------------------------------------------------------
    # Entry points: RPC push, the scheduled action's folder, the wizard
    # ------------------------------------------------------------------
    @api.model
    def _import_content(self, content, filename, mode="valid_rows", source="push", kind=None):
        """Import one feed file's bytes and return its log (an already
        imported file: the existing log, nothing imported again)."""
        return self._feed_import(content, filename, mode=mode, source=source, kind=kind)[0]

    @api.model
    def action_push_feed(self, filename, content_b64, kind=None):
        """RPC for the core-banking system (a head office user): push the
        day's file, base64-encoded; answers with the log's outcome. ``kind``:
        the file's kind, by default the one its name says (_feed_kind_of_file)."""
        try:
            content = base64.b64decode(content_b64 or b"", validate=True)
        except (binascii.Error, ValueError) as error:
            raise UserError(self.env._("The file content is not valid base64.")) from error
        log, imported = self._feed_import(content, filename or "feed.csv", source="push", kind=kind)
        return {
            "id": log.id,
            "imported": imported,
            "state": log.state,
            "row_count": log.row_count,
            "updated_count": log.updated_count,
            "unchanged_count": log.unchanged_count,
            "stale_count": log.stale_count,
            "rejected_count": log.rejected_count,
            "message": log.message or "",
        }

    @api.model
    def _cron_import_folder(self):
        """Import every new feed file of head office's folder, oldest first,
        each in its own transaction; then say whether tonight's feed arrived.
        An imported file moves to ``done/`` (a refused one to ``failed/``)
        under the folder; a file whose checksum was imported already is not
        imported again (moved to ``done/`` as well)."""
        self._feed_check_access()
        folder = (self.env["ir.config_parameter"].sudo().get_param(FOLDER_PARAM) or "").strip()
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        done = 0
        if not folder:
            _logger.info("Core-banking feed: no folder set (system parameter %s), nothing to import.", FOLDER_PARAM)
        elif not os.path.isdir(folder):
            _logger.warning("Core-banking feed: the folder %s does not exist or is not a folder.", folder)
        else:
            for path in self._feed_folder_files(folder):
                name = os.path.basename(path)
                try:
                    with open(path, "rb") as file:
                        content = file.read()
                except OSError as error:
                    _logger.warning("Core-banking feed: cannot read %s: %s", path, error)
                    continue
                log, imported = self._feed_import(content, name, source="folder")
                if imported:
                    _logger.info(
                        "Core-banking feed: %s %s: %s rows, %s updated, %s unchanged, %s stale, %s rejected.",
                        name, log.state, log.row_count, log.updated_count, log.unchanged_count,
                        log.stale_count, log.rejected_count,
                    )
                else:
                    _logger.info("Core-banking feed: %s skipped, already imported (log %s).", name, log.id)
                if auto_commit:
                    # each file in its own transaction, on purpose (never when testing)
                    self.env.cr.commit()  # pylint: disable=invalid-commit
                # moved once its outcome is committed; if it cannot be moved,
                # its checksum still keeps it from being imported twice
                self._feed_move(path, "done" if log.state == "done" else "failed")
                done += 1
        self._check_feed_arrived()
        self.env["ir.cron"]._notify_progress(done=done, remaining=0)
        return done

    @api.model
    def _feed_folder_files(self, folder):
        """The feed files waiting in ``folder``, oldest first. The sender
        writes a file under another name (``.part``, ``.tmp``) and renames it
        when complete, so a half-written file is never picked up."""
        files = []
        with os.scandir(folder) as entries:
            for entry in entries:
                if (entry.is_file() and not entry.name.startswith(".")
                        and entry.name.lower().endswith(FEED_EXTENSIONS)):
                    files.append((entry.stat().st_mtime, entry.name, entry.path))
        return [path for _mtime, _name, path in sorted(files)]

    @api.model
    def _feed_move(self, path, subfolder):
        target_dir = os.path.join(os.path.dirname(path), subfolder)
        name, ext = os.path.splitext(os.path.basename(path))
        try:
            os.makedirs(target_dir, exist_ok=True)
            target = os.path.join(target_dir, name + ext)
            if os.path.exists(target):
                stamp = datetime.datetime.now().strftime("%Y%m%d%H%M%S%f")
                target = os.path.join(target_dir, f"{name}.{stamp}{ext}")
            shutil.move(path, target)
        except OSError as error:
            _logger.warning("Core-banking feed: cannot move %s to %s/: %s", path, subfolder, error)

    @api.model
    def _schedule_feed_cron(self, hour=FEED_HOUR, minute=FEED_MINUTE):
        """Schedule the feed's action at the next ``hour``:``minute`` bank
        time (01:30, before the nightly tiering at 02:00), whatever the
        server's time zone."""
        cron = self.env.ref("star_tiering.ir_cron_star_tier_feed", raise_if_not_found=False)
        if not cron:
            return False
        tz = self.env["bank.branch"]._bank_tz()
        now = pytz.utc.localize(fields.Datetime.now()).astimezone(tz)
        local = tz.localize(datetime.datetime.combine(now.date(), datetime.time(hour, minute)))
        if local <= now:
            local = tz.localize(datetime.datetime.combine(now.date() + datetime.timedelta(days=1),
                                                          datetime.time(hour, minute)))
        nextcall = local.astimezone(pytz.utc).replace(tzinfo=None)
        cron.sudo().nextcall = nextcall
        return nextcall

    # ------------------------------------------------------------------
    # A night without a feed
    # ------------------------------------------------------------------
    @api.model
    def _feed_night_start(self, day=None):
        """The UTC time (naive) from which a feed counts for the night of the
        bank's ``day``: the previous night's tiering hour (02:00 bank time)."""
        Branch = self.env["bank.branch"]
        day = day or Branch._bank_today()
        tz = Branch._bank_tz()
        start = tz.localize(datetime.datetime.combine(day - datetime.timedelta(days=1), datetime.time(NIGHTLY_HOUR)))
        return start.astimezone(pytz.utc).replace(tzinfo=None)

    @api.model
    def _check_feed_arrived(self, day=None):
        """Whether a feed with accepted rows was imported for the night of
        the bank's ``day`` (today by default): since the previous night's
        tiering. If not, head office is told, once a night, that tonight's
        tiering uses the figures already held. The feed's scheduled action
        calls it, and the nightly tiering can too."""
        Branch = self.env["bank.branch"]
        day = day or Branch._bank_today()
        since = self._feed_night_start(day)
        logs = self.sudo().search([("kind", "=", "aum"), ("state", "=", "done"), ("create_date", ">=", since)])
        if any(log.updated_count or log.unchanged_count for log in logs):
            return True
        # another transaction (the other tiering worker) is warning right now
        if not self.env.execute_query(SQL("SELECT pg_try_advisory_xact_lock(%s)", MISSING_LOCK))[0][0]:
            return False
        head_office = self.env.ref("star_tiering.branch_head_office", raise_if_not_found=False)
        subtype = self.env.ref("star_tiering.mt_feed_missing", raise_if_not_found=False)
        if not head_office or not subtype:
            _logger.warning("Core-banking feed: no feed arrived for %s.", day)
            return False
        warned = self.env["mail.message"].sudo().search_count([
            ("model", "=", "bank.branch"), ("res_id", "=", head_office.id),
            ("subtype_id", "=", subtype.id), ("date", ">=", since),
        ], limit=1)
        if warned:
            return False
        self.env["res.partner"].flush_model(["aum_date"])
        held = self.env.execute_query(SQL(
            "SELECT max(aum_date) FROM res_partner WHERE branch_id IS NOT NULL"
        ))[0][0]
        lang = self._feed_lang()
        body = self.with_context(lang=lang)._feed_missing_message(day, held)
        _logger.warning("Core-banking feed: no feed arrived for %s (figures of %s).", day, held)
        head_office.sudo().with_context(lang=lang).message_post(
            body=body, partner_ids=self._feed_head_office_partners().ids,
            subtype_xmlid="star_tiering.mt_feed_missing", message_type="comment",
        )
        return False

    @api.model
    def _feed_missing_message(self, day, held):
        return self.env._(
            "No core-banking feed arrived for %(date)s: tonight's tiering uses the figures of %(held)s.",
            date=format_date(self.env, day),
            held=format_date(self.env, held) if held else self.env._("no date (no customer has figures yet)"),
        )

    # ------------------------------------------------------------------
    # Head office
    # ------------------------------------------------------------------
    @api.model
    def _feed_check_access(self):
        """The feed is head office's (and the scheduled action's)."""
        if not (self.env.su or self.env.user.has_group("star_tiering.group_bank_head_office")):
            raise AccessError(self.env._("Only head office imports the core-banking feed."))

    @api.model
    def _feed_head_office_users(self):
        group = self.env.ref("star_tiering.group_bank_head_office")
        return group.sudo().users.filtered(lambda u: u.active and not u.share and u.id != SUPERUSER_ID)

    @api.model
    def _feed_head_office_partners(self):
        return self._feed_head_office_users().partner_id

    @api.model
    def _feed_lang(self):
        """The language of the error file and of the messages: the user's,
        or for the scheduled action (no one's) head office's."""
        if self.env.uid != SUPERUSER_ID and self.env.lang:
            return self.env.lang
        langs = Counter(self._feed_head_office_users().mapped("lang"))
        return langs.most_common(1)[0][0] if langs else (self.env.lang or "en_US")

    def _feed_notify(self, preview_rows=()):
        """Tell head office of rejected rows or of a refused file, on the
        log's thread with the error file attached (in the context's language)."""
        self.ensure_one()
        log = self.sudo()
        if log.state == "failed":
            body = Markup("<p>%s</p><p>%s</p>") % (
                self.env._("The core-banking feed %(file)s was not imported:", file=log.filename), log.message or "",
            )
        elif log.rejected_count:
            summary = self._feed_rejected_summary()
            lines = [
                Markup("<li>%s</li>") % self.env._("Line %(line)s: %(reason)s", line=row["line"], reason=row["reason"])
                for row in preview_rows
            ]
            body = Markup("<p>%s</p><ul>%s</ul>") % (summary, Markup("").join(lines))
            if log.rejected_count > len(lines):
                body += Markup("<p>%s</p>") % self.env._("… and %(count)s more.", count=log.rejected_count - len(lines))
        else:
            return
        log.message_post(
            body=body, partner_ids=self._feed_head_office_partners().ids,
            attachment_ids=log.error_file_id.ids, subtype_xmlid="mail.mt_note", message_type="comment",
        )

    def _feed_rejected_summary(self):
        """The first sentence of the message on a log with rejected rows."""
        self.ensure_one()
        log = self.sudo()
        return self.env._(
            "The core-banking feed %(file)s was imported without its %(count)s rejected row(s) "
            "(%(updated)s customer(s) updated); every rejected row and why is in the attached "
            "error file:",
            file=log.filename, count=log.rejected_count, updated=log.updated_count,
        )

    # ------------------------------------------------------------------
    # The engine
    # ------------------------------------------------------------------
    @api.model
    def _feed_check_kind(self, kind, expected=None):
        """Refuse a kind of file the engine does not know (or, from a kind's
        own method, another kind than ``expected``: a kind without its
        override would be read as another)."""
        kinds = self._fields["kind"].get_values(self.env)
        if kind not in kinds or (expected and kind != expected):
            raise UserError(self.env._(
                "Unknown kind of core-banking file: %(kind)s (known: %(kinds)s).",
                kind=kind, kinds=", ".join(kinds),
            ))

    @api.model
    def _feed_kind_of_file(self, filename):
        """The kind of a file that comes without one (the folder, a push):
        the AUM feed, unless an addon's kind claims the file by its name."""
        return "aum"

    @api.model
    def _feed_import(self, content, filename, mode="valid_rows", source="push", kind=None):
        """(log, imported): import ``content`` unless its checksum was
        imported already (then (that log, False)). A file that cannot be
        read gives a failed log; in ``all_or_nothing`` mode a file with
        rejected rows is refused (UserError) and nothing is imported.
        ``kind``: the file's kind, by default the one its name says."""
        self._feed_check_access()
        kind = kind or self._feed_kind_of_file(filename)
        self._feed_check_kind(kind)
        started = time.monotonic()
        checksum = hashlib.sha256(content).hexdigest()
        self.env.execute_query(SQL("SELECT pg_advisory_xact_lock(%s)", FEED_LOCK))
        done = self._feed_done_log(checksum)
        if done:
            return done, False
        values = {"filename": filename, "checksum": checksum, "source": source, "kind": kind}
        try:
            with self.env.cr.savepoint():
                self._feed_stage(content, filename, kind=kind)
                staged = time.monotonic()
                stats = self._feed_classify(kind=kind)
        except (UserError, ValidationError, psycopg2.DataError) as error:
            message = error.args[0] if isinstance(error, (UserError, ValidationError)) else str(error)
            log = self.sudo().create(dict(
                values, state="failed", message=message, duration=time.monotonic() - started,
            ))
            log.with_context(lang=self._feed_lang())._feed_notify()
            return log, True
        # the error file and the message in head office's language when no
        # one in particular imports (the scheduled action)
        this = self.with_context(lang=self._feed_lang())
        rows = this._feed_rejected_rows(limit=PREVIEW_ROWS, kind=kind) if stats["rejected"] else []
        if stats["rejected"] and mode == "all_or_nothing":
            raise UserError(this._feed_refusal_message(stats, rows))
        checked = time.monotonic()
        updated = self._feed_apply(kind=kind)
        _logger.info(
            "Core-banking feed %s (%s): %s rows read and staged in %.1f s, checked in %.1f s, %s applied in %.1f s.",
            filename, kind, stats["rows"], staged - started, checked - staged, updated, time.monotonic() - checked,
        )
        log = self.sudo().create(dict(values, state="done", **self._prepare_feed_log_vals(kind, stats, updated)))
        if stats["rejected"]:
            log.error_file_id = self.env["ir.attachment"].sudo().create({
                "name": self._feed_error_filename(filename),
                "raw": this._feed_error_file(kind=kind),
                "mimetype": "text/csv",
                "res_model": self._name,
                "res_id": log.id,
            })
        self._feed_drop()
        log.duration = time.monotonic() - started
        log.with_context(lang=this.env.lang)._feed_notify(rows)
        return log, True

    @api.model
    def _prepare_feed_log_vals(self, kind, stats, updated):
        """The counts a done log keeps, from the classification's ``stats``
        and the ``updated`` count the application returned."""
        return {
            "row_count": stats["rows"], "updated_count": updated, "unchanged_count": stats["unchanged"],
            "stale_count": stats["stale"], "rejected_count": stats["rejected"], "feed_date": stats["feed_date"],
        }

    @api.model
    def _feed_done_log(self, checksum):
        return self.sudo().search([("checksum", "=", checksum), ("state", "=", "done")], limit=1)

    @api.model
    def _feed_error_filename(self, filename):
        return f"{os.path.splitext(os.path.basename(filename or 'feed'))[0]}.errors.csv"

    @api.model
    def _feed_refusal_message(self, stats, rows):
        details = "\n".join(
            self.env._("Row %(row)s: %(message)s", row=row["line"], message=row["reason"]) for row in rows
        )
        return self.env._(
            "%(count)s row(s) are invalid; nothing was imported. Fix the file, or choose to import the "
            "valid rows only.\n%(rows)s",
            count=stats["rejected"], rows=details,
        )

    # Reading --------------------------------------------------------------
    @api.model
    def _feed_headers(self, kind="aum"):
        """{column: accepted headers (lower case)} of a kind of file, in the
        order of the staging table's columns."""
        self._feed_check_kind(kind, "aum")
        return HEADERS

    @api.model
    def _feed_column_labels(self, kind="aum"):
        """The column titles of the error file, in _feed_headers' order."""
        return [
            self.env._("Customer Number"), self.env._("As-of Date"), self.env._("AUM"), self.env._("Has Business"),
        ]

    @api.model
    def _feed_read(self, content, filename, fast_xlsx=True, kind="aum"):
        """Yield (line, *the columns of _feed_headers) as text, e.g. (line,
        customer number, as-of date, AUM, has-business), the file's line
        numbers (the header is line 1), blank rows skipped; one row at a
        time, whatever the file's size. An XLSX file is read by the fast
        reader unless ``fast_xlsx`` is False (openpyxl)."""
        headers = self._feed_headers(kind)
        expected_columns = tuple(headers)
        name = (filename or "").lower()
        if content[:4] == b"\xd0\xcf\x11\xe0" or name.endswith(".xls"):
            raise UserError(self.env._("Excel 97-2003 files (.xls) are not read: save the file as XLSX or CSV."))
        if content[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
            if fast_xlsx:
                rows, cell = _xlsx_rows(content), None
            else:
                rows, cell = self._feed_xlsx_rows(content), self._feed_cell_text
        else:
            rows, cell = self._feed_csv_rows(content), None
        for _line, header in rows:
            if any(str(value).strip() for value in header if value is not None):
                break
        else:
            raise UserError(self.env._("The file is empty."))
        columns = {}
        for index, title in enumerate(header):
            key = str(title if title is not None else "").strip().lower()
            for column, aliases in headers.items():
                if key in aliases and column not in columns:
                    columns[column] = index
        missing = [c for c in expected_columns if c not in columns]
        if missing:
            raise UserError(self.env._(
                "The file lacks the column(s) %(columns)s. Expected headers: %(expected)s.",
                columns=", ".join(missing), expected=", ".join(expected_columns),
            ))
        pick = operator.itemgetter(*(columns[c] for c in expected_columns))
        width = max(columns.values()) + 1
        for line, values in rows:
            if cell:
                if not any(v is not None and str(v).strip() for v in values):
                    continue
                values = [cell(v) for v in values]
            elif not any(values) or not "".join(values).strip():
                continue
            if len(values) < width:
                values = values + [""] * (width - len(values))
            yield line, *pick(values)

    @api.model
    def _feed_csv_rows(self, content):
        """(line, [text]) of a UTF-8 (BOM or not) or GB18030 CSV file, the
        delimiter (comma, semicolon or tab) taken from the header line."""
        encoding = "utf-8-sig"
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for start in range(0, len(content), 1 << 20):
                decoder.decode(content[start:start + (1 << 20)])
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            encoding = "gb18030"
        head = content[:65536].decode(encoding, errors="replace").splitlines()
        first = next((line for line in head if line.strip()), "")
        delimiter = max(",;\t", key=first.count)
        stream = io.TextIOWrapper(io.BytesIO(content), encoding=encoding, newline="")
        reader = csv.reader(stream, delimiter=delimiter)
        try:
            yield from enumerate(reader, start=1)
        except UnicodeDecodeError as error:
            raise UserError(self.env._("The file is neither UTF-8 nor GB18030 text.")) from error
        except csv.Error as error:
            raise UserError(
                self.env._("Line %(line)s is not valid CSV: %(error)s", line=reader.line_num, error=error)
            ) from error

    @api.model
    def _feed_xlsx_rows(self, content):
        """(line, [cell values]) of the workbook's first sheet, streamed."""
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many types for a broken file
            raise UserError(self.env._("The file is not a readable XLSX workbook: %s", error)) from error
        try:
            rows = book.worksheets[0].iter_rows(values_only=True)
            line = 0
            while True:
                try:
                    values = next(rows)
                except StopIteration:
                    break
                except Exception as error:  # a corrupt sheet, whatever openpyxl raises
                    raise UserError(self.env._("The file is not a readable XLSX workbook: %s", error)) from error
                line += 1
                yield line, values
        finally:
            book.close()

    @staticmethod
    def _feed_cell_text(value):
        """A spreadsheet cell as the text a CSV export would have."""
        if value is None:
            return ""
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, datetime.datetime):
            return value.date().isoformat()
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    # Staging, checking, applying -------------------------------------------
    @api.model
    def _feed_stage(self, content, filename, kind="aum"):
        """COPY the file's rows, as raw text, into the temporary table
        star_tier_feed_stage (line, then the kind's columns); returns how
        many rows."""
        cr = self.env.cr
        self.env.flush_all()
        # the statements below run once over many rows: compiling them (JIT)
        # costs more than it saves (1.5 s measured on 100,000 rows)
        cr.execute(SQL("SET LOCAL jit = off"))
        # and the duplicate check groups a million numbers in memory, not on disk
        cr.execute(SQL("SET LOCAL work_mem = '64MB'"))
        self._feed_drop()
        cr.execute(SQL(
            "CREATE TEMPORARY TABLE star_tier_feed_stage (line integer, %s) ON COMMIT DROP",
            SQL(", ").join(SQL("%s text", SQL.identifier(column)) for column in self._feed_headers(kind)),
        ))
        try:
            count = self._feed_copy(self._feed_read(content, filename, kind=kind))
        except XlsxFallback as reason:
            _logger.info("Core-banking feed %s: read with openpyxl (%s).", filename, reason)
            cr.execute(SQL("TRUNCATE star_tier_feed_stage"))
            count = self._feed_copy(self._feed_read(content, filename, fast_xlsx=False, kind=kind))
        cr.execute(SQL("ANALYZE star_tier_feed_stage"))
        return count

    @api.model
    def _feed_copy(self, rows):
        """COPY ``rows`` into star_tier_feed_stage, COPY_ROWS at a time."""
        cr = self.env.cr
        copy_sql = "COPY star_tier_feed_stage FROM STDIN WITH (FORMAT csv)"
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        count = pending = 0

        def send():
            data = buffer.getvalue()
            if "\x00" in data:  # PostgreSQL text cannot hold NUL
                data = data.replace("\x00", "")
            cr._obj.copy_expert(copy_sql, io.StringIO(data))
            buffer.seek(0)
            buffer.truncate()

        for row in rows:
            writer.writerow(row)
            pending += 1
            if pending == COPY_ROWS:
                send()
                count += pending
                pending = 0
        if pending:
            send()
            count += pending
        return count

    @api.model
    def _feed_sql_dates(self, texts):
        """SELECT (date_text, as_of) of the distinct texts of ``texts`` (an
        SQL query of one text column, date_text): each parsed once, into a
        real calendar day (no 30 February), never by a cast that fails; NULL
        when it is no date. YYYY-MM-DD, YYYY/MM/DD and YYYYMMDD."""
        return SQL(
            """
            SELECT date_text,
                   CASE WHEN ymd[1] >= 1 AND ymd[2] BETWEEN 1 AND 12 AND ymd[3] >= 1 THEN
                        CASE WHEN ymd[3] <= extract(day FROM make_date(ymd[1], ymd[2], 1)
                                                         + interval '1 month - 1 day')
                             THEN make_date(ymd[1], ymd[2], ymd[3]) END
                   END AS as_of
              FROM (
                  SELECT date_text,
                         CASE WHEN date_text ~ '^[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{1,2}$'
                              THEN regexp_split_to_array(date_text, '[-/]')::int[]
                              WHEN date_text ~ '^[0-9]{8}$'
                              THEN ARRAY[left(date_text, 4), substr(date_text, 5, 2), right(date_text, 2)]::int[]
                         END AS ymd
                    FROM (SELECT DISTINCT date_text FROM (%s) AS texts) AS distinct_dates
                  -- parsed once, not once per use of ymd
                  OFFSET 0
              ) AS split
            """,
            texts,
        )

    @api.model
    def _feed_classify(self, kind="aum"):
        """Classify every staged row in one statement into the temporary
        table star_tier_feed_row: ``rejected`` (with the reasons), ``stale``
        (older than the figures held), ``unchanged`` or ``updated``. Every row
        gets exactly one status. Returns the counts (rows, updated,
        unchanged, stale, rejected, feed_date).

        The table has at least: line, partner_id, reasons (the codes of
        _feed_reason_labels), dup_count and dup_lines (the values of their
        %(count)s and %(lines)s), status. This is the AUM feed's; another
        kind overrides it."""
        self._feed_check_kind(kind, "aum")
        cr = self.env.cr
        self.env["res.partner"].flush_model(["customer_number", "aum_daily_avg", "aum_date", "has_business"])
        cr.execute(SQL("DROP TABLE IF EXISTS star_tier_feed_row"))
        cr.execute(SQL(
            """
            CREATE TEMPORARY TABLE star_tier_feed_row ON COMMIT DROP AS
            WITH parsed AS MATERIALIZED (
                SELECT line, number, date_text, aum_text, flag_text,
                       CASE WHEN aum_text ~ %(amount_pattern)s THEN round(aum_text::numeric, 2) END AS aum
                  FROM (
                      SELECT line,
                             btrim(coalesce(customer_number, '')) AS number,
                             btrim(coalesce(as_of_date, '')) AS date_text,
                             replace(btrim(coalesce(aum, '')), ',', '') AS aum_text,
                             lower(btrim(coalesce(has_business, ''))) AS flag_text
                        FROM star_tier_feed_stage
                  ) AS stage
            ), dates AS MATERIALIZED (
                -- a day's file has one date or a few: each is parsed once
                -- (MATERIALIZED: computed here, not pasted into every use
                -- below, which is three times slower)
                %(dates)s
            ), flags AS MATERIALIZED (
                SELECT flag_text, flag_text = ANY(%(true_words)s) AS flag,
                       flag_text = ANY(%(flag_words)s) AS flag_ok
                  FROM (SELECT DISTINCT flag_text FROM parsed) AS distinct_flags
            ), dups AS (
                -- a customer on several rows: which row is right is unknown
                SELECT number, count(*) AS n, (array_agg(line ORDER BY line))[1:10] AS lines
                  FROM parsed
                 WHERE number IN (
                           SELECT number FROM parsed WHERE number <> '' GROUP BY number HAVING count(*) > 1
                       )
              GROUP BY number
            ), checked AS (
                SELECT r.line, p.id AS partner_id, r.aum, d.as_of, f.flag,
                       dup.n AS dup_count, dup.lines AS dup_lines,
                       p.aum_date AS held_date, round(p.aum_daily_avg, 2) AS held_aum,
                       p.has_business AS held_flag,
                       CASE WHEN p.id IS NULL OR dup.n IS NOT NULL OR d.as_of IS NULL OR d.as_of > %(today)s
                                 OR r.aum IS NULL OR r.aum < 0 OR r.aum >= %(max_aum)s OR NOT f.flag_ok
                            THEN array_remove(ARRAY[
                                CASE WHEN r.number = '' THEN 'missing_number'
                                     WHEN p.id IS NULL THEN 'unknown_customer'
                                     WHEN dup.n IS NOT NULL THEN 'duplicate' END,
                                CASE WHEN r.date_text = '' THEN 'missing_date'
                                     WHEN d.as_of IS NULL THEN 'bad_date'
                                     WHEN d.as_of > %(today)s THEN 'future_date' END,
                                CASE WHEN r.aum_text = '' THEN 'missing_aum'
                                     WHEN r.aum IS NULL OR abs(r.aum) >= %(max_aum)s THEN 'bad_aum'
                                     WHEN r.aum < 0 THEN 'negative_aum' END,
                                CASE WHEN NOT f.flag_ok THEN 'bad_flag' END
                            ]::text[], NULL)
                       END AS reasons
                  FROM parsed r
                  JOIN dates d ON d.date_text = r.date_text
                  JOIN flags f ON f.flag_text = r.flag_text
             LEFT JOIN res_partner p ON p.customer_number = r.number AND r.number <> ''
             LEFT JOIN dups dup ON dup.number = r.number
                -- the reasons computed once, not again for the status
                OFFSET 0
            )
            SELECT line, partner_id, aum, as_of, flag, dup_count, dup_lines, reasons,
                   CASE WHEN reasons IS NOT NULL THEN 'rejected'
                        WHEN held_date > as_of THEN 'stale'
                        WHEN held_date = as_of AND held_aum = aum AND held_flag = flag THEN 'unchanged'
                        ELSE 'updated' END AS status
              FROM checked
            """,
            true_words=TRUE_WORDS, flag_words=TRUE_WORDS + FALSE_WORDS,
            today=self.env["bank.branch"]._bank_today(), max_aum=MAX_AUM, amount_pattern=AMOUNT_PATTERN,
            dates=self._feed_sql_dates(SQL("SELECT date_text FROM parsed")),
        ))
        cr.execute(SQL("ANALYZE star_tier_feed_row"))
        return self._feed_row_counts()

    @api.model
    def _feed_row_counts(self):
        """The counts of the classified rows (star_tier_feed_row), whatever
        the kind of file: rows, updated, unchanged, stale, rejected, and the
        latest as-of date of the accepted ones (feed_date)."""
        rows, updated, unchanged, stale, rejected, feed_date = self.env.execute_query(SQL(
            """
            SELECT count(*),
                   count(*) FILTER (WHERE status = 'updated'),
                   count(*) FILTER (WHERE status = 'unchanged'),
                   count(*) FILTER (WHERE status = 'stale'),
                   count(*) FILTER (WHERE status = 'rejected'),
                   max(as_of) FILTER (WHERE status IN ('updated', 'unchanged'))
              FROM star_tier_feed_row
            """
        ))[0]
        return {
            "rows": rows, "updated": updated, "unchanged": unchanged, "stale": stale,
            "rejected": rejected, "feed_date": feed_date,
        }

    @api.model
    def _feed_apply(self, kind="aum"):
        """Write the ``updated`` rows on the customers, one UPDATE per chunk
        of customer ids. The feed's fields are the feed's to write (the
        caller was checked to be head office or the scheduled action).
        Returns how many were written. This is the AUM feed's; another kind
        overrides it."""
        self._feed_check_kind(kind, "aum")
        lowest, highest = self.env.execute_query(SQL(
            "SELECT min(partner_id), max(partner_id) FROM star_tier_feed_row WHERE status = 'updated'"
        ))[0]
        if lowest is None:
            return 0
        updated = 0
        now = self.env.cr.now()
        for start in range(lowest, highest + 1, APPLY_CHUNK_IDS):
            self.env.cr.execute(SQL(
                """
                UPDATE res_partner p
                   SET aum_daily_avg = r.aum, aum_date = r.as_of, has_business = r.flag,
                       write_uid = %(uid)s, write_date = %(now)s
                  FROM star_tier_feed_row r
                 WHERE r.status = 'updated'
                   AND r.partner_id >= %(start)s AND r.partner_id < %(end)s
                   AND p.id = r.partner_id
                """,
                uid=self.env.uid, now=now, start=start, end=start + APPLY_CHUNK_IDS,
            ))
            updated += self.env.cr.rowcount
        self.env["res.partner"].invalidate_model(
            ["aum_daily_avg", "aum_date", "has_business", "write_uid", "write_date"]
        )
        return updated

    @api.model
    def _feed_drop(self):
        self.env.cr.execute(SQL("DROP TABLE IF EXISTS star_tier_feed_row, star_tier_feed_stage"))

    # Rejected rows ------------------------------------------------------------
    @api.model
    def _feed_reason_labels(self):
        """The reasons a row is rejected, in the current language."""
        return {
            "missing_number": self.env._("The customer number is missing."),
            "unknown_customer": self.env._("No customer has this customer number."),
            "duplicate": self.env._(
                "The customer number is on %(count)s lines (%(lines)s): which one is right is unknown."
            ),
            "missing_date": self.env._("The as-of date is missing."),
            "bad_date": self.env._("The as-of date is not a date (expected YYYY-MM-DD)."),
            "future_date": self.env._(
                "The as-of date is after the bank's today (%(today)s).",
                today=self.env["bank.branch"]._bank_today().isoformat(),
            ),
            "missing_aum": self.env._("The AUM is missing."),
            "bad_aum": self.env._("The AUM is not an amount."),
            "negative_aum": self.env._("The AUM cannot be negative."),
            "bad_flag": self.env._("The has-business flag is not yes/no (1/0)."),
        }

    @api.model
    def _feed_sql_rejected(self, kind="aum"):
        """The rejected rows in line order: line, the raw values (the
        columns of _feed_headers), the reasons."""
        return SQL(
            """
            SELECT r.line, %(columns)s,
                   array_to_string(ARRAY(
                       SELECT replace(replace(%(labels)s::jsonb ->> u.code, %(count_mark)s,
                                              coalesce(r.dup_count::text, '')),
                                      %(lines_mark)s,
                                      coalesce(array_to_string(r.dup_lines, ', ')
                                               || CASE WHEN r.dup_count > 10 THEN ', …' ELSE '' END, ''))
                         FROM unnest(r.reasons) WITH ORDINALITY AS u(code, n)
                     ORDER BY u.n
                   ), ' ') AS reason
              FROM star_tier_feed_row r
              JOIN star_tier_feed_stage s ON s.line = r.line
             WHERE r.status = 'rejected'
          ORDER BY r.line
            """,
            labels=json.dumps(self._feed_reason_labels()), count_mark="%(count)s", lines_mark="%(lines)s",
            columns=SQL(", ").join(SQL.identifier("s", column) for column in self._feed_headers(kind)),
        )

    @api.model
    def _feed_rejected_rows(self, limit=PREVIEW_ROWS, kind="aum"):
        """The first ``limit`` rejected rows, as dicts (line, the kind's
        columns, reason)."""
        return self.env.execute_query_dict(SQL("%s LIMIT %s", self._feed_sql_rejected(kind), limit))

    @api.model
    def _feed_error_file(self, kind="aum"):
        """Every rejected row as CSV (UTF-8 with a BOM, for Excel): line, the
        raw values, why; streamed out of PostgreSQL with COPY."""
        buffer = io.BytesIO()
        buffer.write(codecs.BOM_UTF8)
        header = io.StringIO()
        csv.writer(header, lineterminator="\n").writerow([
            self.env._("Line"), *self._feed_column_labels(kind), self.env._("Reason"),
        ])
        buffer.write(header.getvalue().encode())
        copy_sql = SQL("COPY (%s) TO STDOUT WITH (FORMAT csv)", self._feed_sql_rejected(kind))
        self.env.cr._obj.copy_expert(self.env.cr.mogrify(copy_sql).decode(), buffer)
        return buffer.getvalue()
