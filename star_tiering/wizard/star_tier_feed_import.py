"""Import the core-banking AUM feed by hand: customer number, as-of date,
AUM, has-business flag.

The user uploads a CSV or XLSX file and sees a preview: how many rows would
update, stay unchanged, are older than the figures held, or are rejected,
the first rejected rows and why, and an error file with all of them. They
then import either nothing unless every row is valid, or only the valid rows.
Preview and import run on the feed's engine (star.tier.feed.log), the one the
scheduled action and the push use: the rows are checked in SQL, never one
transient record per row, so a large file fits in a web request. Other kinds
of core-banking files (``kind``, added by other addons) go through the same
screens.
"""
import base64
import hashlib

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..models.star_tier_feed_log import PREVIEW_ROWS


class StarTierFeedImport(models.TransientModel):
    _name = "star.tier.feed.import"
    _description = "Import the Core-Banking AUM Feed"

    kind = fields.Selection(
        selection=lambda self: self.env["star.tier.feed.log"]._fields["kind"]._description_selection(self.env),
        string="File Kind", required=True, default="aum",
    )
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
    row_count = fields.Integer(string="Rows", readonly=True)
    update_count = fields.Integer(string="To Update", readonly=True)
    unchanged_count = fields.Integer(string="Unchanged", readonly=True)
    stale_count = fields.Integer(
        string="Older than the Data Held", readonly=True,
        help="Rows older than the figures held for the customer: never applied.",
    )
    error_count = fields.Integer(string="Rejected", readonly=True)
    error_line_ids = fields.One2many(
        "star.tier.feed.import.line", "wizard_id", string="First Rejected Rows", readonly=True,
    )
    error_file = fields.Binary(readonly=True, attachment=True)
    error_filename = fields.Char(readonly=True)
    previous_log_id = fields.Many2one(
        "star.tier.feed.log", string="Already Imported", readonly=True,
        help="This very file (same checksum) was imported already; importing it again changes nothing.",
    )
    log_id = fields.Many2one("star.tier.feed.log", string="Feed Log", readonly=True)
    result = fields.Text(readonly=True)

    def _content(self):
        self.ensure_one()
        content = base64.b64decode(self.file or b"")
        if not content:
            raise UserError(self.env._("The file is empty."))
        return content

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------
    def action_preview(self):
        """Stage and check the file without applying it."""
        self.ensure_one()
        Log = self.env["star.tier.feed.log"]
        Log._feed_check_access()
        content = self._content()
        Log._feed_check_kind(self.kind)
        Log._feed_stage(content, self.filename, kind=self.kind)
        stats = Log._feed_classify(kind=self.kind)
        rows = Log._feed_rejected_rows(limit=PREVIEW_ROWS, kind=self.kind) if stats["rejected"] else []
        error_file = Log._feed_error_file(kind=self.kind) if stats["rejected"] else False
        Log._feed_drop()
        self.error_line_ids.unlink()
        self.write(self._prepare_preview_vals(stats, rows, error_file, content))
        return self._reopen()

    def _prepare_preview_vals(self, stats, rows, error_file, content):
        """The preview's counts, first rejected rows and error file."""
        Log = self.env["star.tier.feed.log"]
        return {
            "state": "preview",
            "row_count": stats["rows"],
            "update_count": stats["updated"],
            "unchanged_count": stats["unchanged"],
            "stale_count": stats["stale"],
            "error_count": stats["rejected"],
            "error_line_ids": [Command.create(self._prepare_line_vals(row)) for row in rows],
            "error_file": base64.b64encode(error_file) if error_file else False,
            "error_filename": Log._feed_error_filename(self.filename or "feed.csv") if error_file else False,
            "previous_log_id": Log._feed_done_log(hashlib.sha256(content).hexdigest()).id,
        }

    @api.model
    def _prepare_line_vals(self, row):
        """A rejected row (line, the columns of its kind, reason) as a line:
        the columns the line model shows, of whichever kind."""
        Line = self.env["star.tier.feed.import.line"]
        vals = {"row_number": row["line"], "message": row["reason"]}
        vals.update({
            column: value for column, value in row.items()
            if column not in ("line", "reason") and column in Line._fields
        })
        return vals

    def action_import(self):
        self.ensure_one()
        if self.state != "preview":
            self.action_preview()
        log, imported = self.env["star.tier.feed.log"]._feed_import(
            self._content(), self.filename or "feed.csv", mode=self.import_mode, source="upload", kind=self.kind,
        )
        if log.state == "failed":
            raise UserError(log.message)
        if imported:
            result = self._import_result(log)
        else:
            result = self.env._(
                "This file was imported already (%(file)s, %(date)s): nothing was imported again.",
                file=log.filename, date=fields.Datetime.to_string(log.create_date),
            )
        self.write({"state": "done", "log_id": log.id, "result": result})
        return self._reopen()

    def _import_result(self, log):
        """What an import did, in a sentence."""
        return self.env._(
            "%(updated)s customer(s) updated, %(unchanged)s unchanged, %(stale)s older than the data held "
            "(skipped), %(errors)s invalid row(s) skipped.",
            updated=log.updated_count, unchanged=log.unchanged_count, stale=log.stale_count,
            errors=log.rejected_count,
        )

    def action_open_log(self):
        self.ensure_one()
        log = self.log_id or self.previous_log_id
        return {
            "type": "ir.actions.act_window",
            "res_model": "star.tier.feed.log",
            "res_id": log.id,
            "view_mode": "form",
            "target": "current",
        }

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Import the AUM Feed"),
        }


class StarTierFeedImportLine(models.TransientModel):
    """One of the first rejected rows shown by the wizard (at most
    PREVIEW_ROWS per wizard; the error file has them all)."""

    _name = "star.tier.feed.import.line"
    _description = "Rejected AUM Feed Row"
    _order = "row_number"

    wizard_id = fields.Many2one("star.tier.feed.import", required=True, ondelete="cascade")
    row_number = fields.Integer(string="Line")
    customer_number = fields.Char()
    as_of_date = fields.Char(string="As Of")
    aum = fields.Char(string="AUM")
    has_business = fields.Char()
    message = fields.Char(string="Reason")
