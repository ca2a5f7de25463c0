"""The feed's upload wizard imports holdings files too: a kind to choose, the
customers the file would clear, and a holdings row's columns in the preview."""
from odoo import api, fields, models

from ..models.star_tier_feed_log import HOLDINGS_SCOPES


class StarTierFeedImport(models.TransientModel):
    _inherit = "star.tier.feed.import"

    holdings_scope = fields.Selection(
        HOLDINGS_SCOPES, string="The File Is", default="snapshot", required=True,
        help="The bank's snapshot (as the core-banking system sends it every day): a customer it does "
        "not list holds nothing afterwards. Corrections: the customers it lists get its rows, the "
        "others keep theirs.",
    )
    holdings_cleared_count = fields.Integer(
        string="Customers to Clear", readonly=True,
        help="Customers holding products that the file does not list: importing it removes their "
        "holdings (they hold nothing as of the file's date).",
    )

    @api.onchange("kind")
    def _onchange_kind(self):
        # another kind of file reads other columns: the preview starts again
        if self.state == "preview":
            self.state = "upload"

    def _holdings_env(self):
        """The wizard, in the context its holdings scope gives the feed."""
        self.ensure_one()
        if self.kind == "holdings" and self.holdings_scope == "listed":
            return self.with_context(call_holdings_listed_only=True)
        return self.with_context(call_holdings_listed_only=False)

    def action_preview(self):
        return super(StarTierFeedImport, self._holdings_env()).action_preview()

    def action_import(self):
        return super(StarTierFeedImport, self._holdings_env()).action_import()

    def _prepare_preview_vals(self, stats, rows, error_file, content):
        vals = super()._prepare_preview_vals(stats, rows, error_file, content)
        vals["holdings_cleared_count"] = stats.get("cleared", 0)
        return vals

    def _import_result(self, log):
        if log.kind != "holdings":
            return super()._import_result(log)
        return self.env._(
            "%(updated)s holding(s) written for the customers whose holdings changed, %(unchanged)s row(s) "
            "unchanged, %(stale)s row(s) older than the holdings held (skipped), %(errors)s invalid row(s) "
            "skipped; %(cleared)s customer(s) no longer listed hold nothing now.",
            updated=log.updated_count, unchanged=log.unchanged_count, stale=log.stale_count,
            errors=log.rejected_count, cleared=log.holdings_cleared_count,
        )

    def _reopen(self):
        action = super()._reopen()
        if self.kind == "holdings":
            action["name"] = self.env._("Import Product Holdings")
        return action


class StarTierFeedImportLine(models.TransientModel):
    _inherit = "star.tier.feed.import.line"

    product_type = fields.Char()
    amount = fields.Char()
    maturity_date = fields.Char(string="Maturity")
