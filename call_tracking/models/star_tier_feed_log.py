"""The holdings file: a second kind of core-banking file on star_tiering's feed
engine (checksum, modes, logs, error file, notifications, folder, push and
upload wizard are the engine's; the columns, the checks and the application
are this kind's).

A holdings file is the bank's snapshot of its customers' products on one day
(its as-of date): customer number, product type, amount, maturity date. It
replaces what is held, customer by customer (the upload wizard may instead
import a file of corrections, which changes the customers it lists only):

- a customer the file lists holds exactly the file's rows afterwards (a
  customer whose holdings did not change is not rewritten: their rows keep
  the as-of date of the file that last changed them);
- a customer the file does not list holds nothing any more (their products
  were closed or matured): their holdings are removed ("cleared");
- a customer with a rejected row keeps what they held, all of it (a partial
  snapshot would drop a product): their good rows are reported with the bad
  one, never silently left out;
- a file older than the latest snapshot imported is stale: nothing changes.

All of it set-based: the rows are COPYed into the engine's staging table, one
statement classifies them and computes each customer's holdings signature
against the one held, two DELETEs and one INSERT apply the changed customers.
"""
import os

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.star_tiering.models.star_tier_feed_log import AMOUNT_PATTERN, HEADERS, MAX_AUM

from .call_product_holding import MATURING_TYPES, PRODUCT_TYPE_WORDS

# The columns of a holdings file (staging order) and the headers accepted for
# each, English and the bank's Chinese exports (lower case).
HOLDINGS_HEADERS = {
    "customer_number": HEADERS["customer_number"],
    "product_type": {"product_type", "product type", "product", "type", "产品类型", "产品种类", "产品", "业务品种"},
    "amount": {"amount", "balance", "金额", "余额", "持有金额", "持仓金额"},
    "maturity_date": {"maturity_date", "maturity date", "maturity", "到期日", "到期日期"},
    "as_of_date": HEADERS["as_of_date"],
}
# A file named holdings*.csv / holdings*.xlsx (in the feed folder, or pushed
# without a kind) is a holdings file.
HOLDINGS_FILE_PREFIX = "holdings"
# What a holdings file replaces: by default (the folder, a push) it is the
# bank's snapshot; head office may upload corrections of a few customers.
HOLDINGS_SCOPES = [
    ("snapshot", "The bank's snapshot: customers not listed hold nothing"),
    ("listed", "Corrections: only the customers listed change"),
]


class StarTierFeedLog(models.Model):
    _inherit = "star.tier.feed.log"

    kind = fields.Selection(selection_add=[("holdings", "Product Holdings")], ondelete={"holdings": "cascade"})
    holdings_scope = fields.Selection(
        HOLDINGS_SCOPES, string="Holdings File Scope", readonly=True,
        help="A snapshot of the whole bank (customers it does not list hold nothing afterwards), or "
        "corrections of the customers it lists only.",
    )
    holdings_cleared_count = fields.Integer(
        string="Customers Cleared", readonly=True,
        help="Customers holding products that the holdings file no longer lists: their holdings were "
        "removed (they hold nothing as of the file's date).",
    )

    # ------------------------------------------------------------------
    # The kind's hooks on the engine
    # ------------------------------------------------------------------
    @api.model
    def _feed_kind_of_file(self, filename):
        if os.path.basename(filename or "").lower().startswith(HOLDINGS_FILE_PREFIX):
            return "holdings"
        return super()._feed_kind_of_file(filename)

    @api.model
    def _feed_headers(self, kind="aum"):
        if kind == "holdings":
            return HOLDINGS_HEADERS
        return super()._feed_headers(kind)

    @api.model
    def _feed_column_labels(self, kind="aum"):
        if kind == "holdings":
            return [
                self.env._("Customer Number"), self.env._("Product Type"), self.env._("Amount"),
                self.env._("Maturity Date"), self.env._("As-of Date"),
            ]
        return super()._feed_column_labels(kind)

    @api.model
    def _feed_classify(self, kind="aum"):
        if kind == "holdings":
            return self._holdings_classify()
        return super()._feed_classify(kind)

    @api.model
    def _feed_apply(self, kind="aum"):
        if kind == "holdings":
            return self._holdings_apply()
        return super()._feed_apply(kind)

    @api.model
    def _prepare_feed_log_vals(self, kind, stats, updated):
        vals = super()._prepare_feed_log_vals(kind, stats, updated)
        if kind == "holdings":
            vals["holdings_cleared_count"] = stats.get("cleared", 0)
            vals["holdings_scope"] = "listed" if self._holdings_listed_only() else "snapshot"
        return vals

    def _feed_rejected_summary(self):
        if self.kind != "holdings":
            return super()._feed_rejected_summary()
        log = self.sudo()
        return self.env._(
            "The holdings file %(file)s was imported without its %(count)s rejected row(s) (%(updated)s "
            "holding(s) written); the customers of the rejected rows keep the holdings they had. Every "
            "rejected row and why is in the attached error file:",
            file=log.filename, count=log.rejected_count, updated=log.updated_count,
        )

    @api.model
    def _feed_reason_labels(self):
        labels = super()._feed_reason_labels()
        labels.update({
            "holding_missing_type": self.env._("The product type is missing."),
            "holding_bad_type": self.env._(
                "The product type is not one of: time deposit (定期存款), wealth product (理财), "
                "current account (活期)."
            ),
            "holding_missing_amount": self.env._("The amount is missing."),
            "holding_bad_amount": self.env._("The amount is not a number."),
            "holding_negative_amount": self.env._("The amount cannot be negative."),
            "holding_missing_maturity": self.env._(
                "A time deposit or a wealth product has a maturity date: it is missing."
            ),
            "holding_bad_maturity": self.env._("The maturity date is not a date (expected YYYY-MM-DD)."),
            "holding_unexpected_maturity": self.env._("A current account has no maturity date."),
            "holding_other_date": self.env._(
                "The as-of date is not the file's (its latest as-of date): a holdings file is the snapshot "
                "of one day."
            ),
            "holding_customer_held_back": self.env._(
                "Another row of this customer was rejected (line %(lines)s): none of the customer's rows is "
                "imported, the customer keeps the holdings they had."
            ),
        })
        return labels

    # ------------------------------------------------------------------
    # Classifying and applying a holdings file
    # ------------------------------------------------------------------
    @api.model
    def _holdings_latest_date(self):
        """The as-of date of the latest holdings snapshot imported: a file
        older than it is stale."""
        self.env["call.product.holding"].flush_model(["as_of_date"])
        self.flush_model(["kind", "state", "feed_date"])
        return self.env.execute_query(SQL(
            """
            SELECT GREATEST(
                (SELECT max(feed_date) FROM star_tier_feed_log WHERE kind = 'holdings' AND state = 'done'),
                (SELECT max(as_of_date) FROM call_product_holding))
            """
        ))[0][0]

    @api.model
    def _holdings_listed_only(self):
        """The file updates the customers it lists only (context
        ``call_holdings_listed_only``, the upload wizard's choice for a file
        of corrections) instead of being the bank's snapshot."""
        return bool(self.env.context.get("call_holdings_listed_only"))

    @api.model
    def _holdings_classify(self):
        """Classify every staged holdings row into star_tier_feed_row (the
        engine's table: line, partner_id, reasons, dup_count, dup_lines,
        status, and this kind's number, product_type, amount, maturity,
        as_of): ``rejected`` with its reasons (a bad row, a row of another
        as-of date than the file's, or a good row of a customer with a bad
        one), ``stale`` (the file is older than the latest snapshot),
        ``unchanged`` (the customer holds exactly these rows already) or
        ``updated``. Returns the engine's counts plus ``cleared``: the
        customers holding products whom the file does not list (none when
        the file updates the customers it lists only).

        Three statements: each row checked on its own (call_holding_check),
        the file's as-of date, then each row's status, the customer's
        holdings compared with those held by an order-free signature (the
        count and two sums of 64-bit hashes of the rows: equal multisets of
        rows, equal signatures; hashed, not sorted, a million customers)."""
        cr = self.env.cr
        self.env["res.partner"].flush_model(["customer_number"])
        self.env["call.product.holding"].flush_model()
        words = [(word, product_type) for product_type, items in PRODUCT_TYPE_WORDS.items() for word in items]
        cr.execute(SQL("DROP TABLE IF EXISTS star_tier_feed_row, call_holding_check"))
        cr.execute(SQL(
            """
            CREATE TEMPORARY TABLE call_holding_check ON COMMIT DROP AS
            WITH parsed AS MATERIALIZED (
                SELECT line, number, type_text, amount_text, maturity_text, date_text,
                       CASE WHEN amount_text ~ %(amount_pattern)s THEN round(amount_text::numeric, 2) END AS amount
                  FROM (
                      SELECT line,
                             btrim(coalesce(customer_number, '')) AS number,
                             lower(btrim(coalesce(product_type, ''))) AS type_text,
                             replace(btrim(coalesce(amount, '')), ',', '') AS amount_text,
                             btrim(coalesce(maturity_date, '')) AS maturity_text,
                             btrim(coalesce(as_of_date, '')) AS date_text
                        FROM star_tier_feed_stage
                  ) AS stage
            ), dates AS MATERIALIZED (
                -- the as-of dates (one a file) and the maturity dates (a few
                -- thousand), each parsed once
                %(dates)s
            ), types AS (
                SELECT * FROM unnest(%(words)s::text[], %(types)s::varchar[]) AS t(word, product_type)
            )
            SELECT r.line, r.number, p.id AS partner_id, t.product_type, r.amount,
                   m.as_of AS maturity, d.as_of,
                   NULLIF(array_remove(ARRAY[
                       CASE WHEN r.number = '' THEN 'missing_number'
                            WHEN p.id IS NULL THEN 'unknown_customer' END,
                       CASE WHEN r.type_text = '' THEN 'holding_missing_type'
                            WHEN t.product_type IS NULL THEN 'holding_bad_type' END,
                       CASE WHEN r.amount_text = '' THEN 'holding_missing_amount'
                            WHEN r.amount IS NULL OR abs(r.amount) >= %(max_amount)s THEN 'holding_bad_amount'
                            WHEN r.amount < 0 THEN 'holding_negative_amount' END,
                       CASE WHEN r.maturity_text = '' THEN
                                 CASE WHEN t.product_type = ANY(%(maturing)s) THEN 'holding_missing_maturity' END
                            WHEN m.as_of IS NULL THEN 'holding_bad_maturity'
                            WHEN t.product_type = 'current_account' THEN 'holding_unexpected_maturity' END,
                       CASE WHEN r.date_text = '' THEN 'missing_date'
                            WHEN d.as_of IS NULL THEN 'bad_date'
                            WHEN d.as_of > %(today)s THEN 'future_date' END
                   ]::text[], NULL), '{}') AS own
              FROM parsed r
              JOIN dates d ON d.date_text = r.date_text
              JOIN dates m ON m.date_text = r.maturity_text
         LEFT JOIN types t ON t.word = r.type_text
         LEFT JOIN res_partner p ON p.customer_number = r.number AND r.number <> ''
            """,
            amount_pattern=AMOUNT_PATTERN, max_amount=MAX_AUM, maturing=list(MATURING_TYPES),
            today=self.env["bank.branch"]._bank_today(),
            words=[w for w, _t in words], types=[t for _w, t in words],
            dates=self._feed_sql_dates(SQL(
                "SELECT date_text FROM parsed UNION ALL SELECT maturity_text FROM parsed"
            )),
        ))
        cr.execute(SQL("ANALYZE call_holding_check"))
        # the file's as-of date: the latest of its good rows; older than the
        # latest snapshot imported, the file is stale
        file_date = self.env.execute_query(SQL(
            "SELECT max(as_of) FROM call_holding_check WHERE own IS NULL"
        ))[0][0]
        latest = self._holdings_latest_date()
        stale = bool(file_date and latest and file_date < latest)
        signature = SQL(
            """count(*) AS n,
               sum(hashtextextended(%(row)s, 0)) AS sig1, sum(hashtextextended(%(row)s, 1)) AS sig2""",
            row=SQL("product_type || '|' || round(amount, 2)::text || '|' || coalesce(maturity::text, '')"),
        )
        status = SQL("'stale'") if stale else SQL(
            "CASE WHEN h.n = s.n AND h.sig1 = s.sig1 AND h.sig2 = s.sig2 THEN 'unchanged' ELSE 'updated' END"
        )
        cr.execute(SQL(
            """
            CREATE TEMPORARY TABLE star_tier_feed_row ON COMMIT DROP AS
            WITH dated AS MATERIALIZED (
                SELECT line, number, partner_id, product_type, amount, maturity, as_of,
                       CASE WHEN own IS NULL AND as_of <> %(file_date)s THEN ARRAY['holding_other_date']
                            ELSE own END AS own
                  FROM call_holding_check
            ), bad AS (
                -- a customer with a rejected row keeps what they hold, all of it
                SELECT partner_id, count(*) AS n, (array_agg(line ORDER BY line))[1:10] AS lines
                  FROM dated
                 WHERE own IS NOT NULL AND partner_id IS NOT NULL
              GROUP BY partner_id
            ), rowed AS MATERIALIZED (
                SELECT d.line, d.number, d.partner_id, d.product_type, d.amount, d.maturity, d.as_of,
                       COALESCE(d.own, CASE WHEN b.partner_id IS NOT NULL
                                            THEN ARRAY['holding_customer_held_back'] END) AS reasons,
                       CASE WHEN d.own IS NULL THEN b.n END AS dup_count,
                       CASE WHEN d.own IS NULL THEN b.lines END AS dup_lines
                  FROM dated d
             LEFT JOIN bad b ON b.partner_id = d.partner_id
            ), new_set AS (
                SELECT partner_id, %(signature)s
                  FROM rowed
                 WHERE reasons IS NULL AND NOT %(stale)s
              GROUP BY partner_id
            ), held_set AS (
                SELECT partner_id, %(signature)s
                  FROM (SELECT partner_id, product_type, amount, maturity_date AS maturity
                          FROM call_product_holding
                         %(held_scope)s) AS h
              GROUP BY partner_id
            )
            SELECT r.line, r.number, r.partner_id, r.product_type, r.amount, r.maturity, r.as_of,
                   r.reasons, r.dup_count, r.dup_lines,
                   CASE WHEN r.reasons IS NOT NULL THEN 'rejected' ELSE %(status)s END AS status
              FROM rowed r
         LEFT JOIN new_set s ON s.partner_id = r.partner_id AND r.reasons IS NULL
         LEFT JOIN held_set h ON h.partner_id = s.partner_id
            """,
            file_date=file_date, stale=stale, signature=signature, status=status,
            # a snapshot lists about every customer: all holdings, hashed in
            # one pass (the planner, blind to the CTE's size, would look a
            # million customers up one by one: 10 s instead of 2 s); a file
            # of corrections, its customers' by partner_id's index
            held_scope=SQL("WHERE partner_id IN (SELECT partner_id FROM new_set)")
            if self._holdings_listed_only() else SQL(""),
        ))
        cr.execute(SQL("DROP TABLE call_holding_check"))
        cr.execute(SQL("ANALYZE star_tier_feed_row"))
        counts = self._feed_row_counts()
        # the customers the file no longer lists: cleared only by a snapshot
        # that is applied (some row accepted, not stale); a customer with a
        # row in the file, even a rejected one, is listed
        cleared = 0
        if (counts["updated"] or counts["unchanged"]) and not self._holdings_listed_only():
            cleared = self.env.execute_query(SQL(
                """
                SELECT count(DISTINCT h.partner_id)
                  FROM call_product_holding h
                 WHERE NOT EXISTS (SELECT 1 FROM star_tier_feed_row r WHERE r.partner_id = h.partner_id)
                """
            ))[0][0]
        return dict(counts, cleared=cleared)

    @api.model
    def _holdings_apply(self):
        """Replace the holdings of the customers whose rows are ``updated``,
        and clear those of the customers the file does not list (when any row
        is applied at all, and the file is the bank's snapshot). Returns how
        many holdings were written."""
        cr = self.env.cr
        accepted = self.env.execute_query(SQL(
            "SELECT count(*) FROM star_tier_feed_row WHERE status IN ('updated', 'unchanged')"
        ))[0][0]
        if not accepted:
            return 0
        cr.execute(SQL(
            """
            DELETE FROM call_product_holding h
             USING (SELECT DISTINCT partner_id FROM star_tier_feed_row WHERE status = 'updated') u
             WHERE h.partner_id = u.partner_id
            """
        ))
        removed = cr.rowcount
        if not self._holdings_listed_only():
            cr.execute(SQL(
                """
                DELETE FROM call_product_holding h
                 WHERE NOT EXISTS (SELECT 1 FROM star_tier_feed_row r WHERE r.partner_id = h.partner_id)
                """
            ))
            removed += cr.rowcount
        now = cr.now()
        cr.execute(SQL(
            """
            INSERT INTO call_product_holding (partner_id, customer_number, product_type, amount, maturity_date,
                                              as_of_date, create_uid, create_date, write_uid, write_date)
            SELECT partner_id, number, product_type, amount, maturity, as_of, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM star_tier_feed_row
             WHERE status = 'updated'
             ORDER BY partner_id, line
            """,
            uid=self.env.uid, now=now,
        ))
        written = cr.rowcount
        self.env["call.product.holding"].invalidate_model()
        self.env["res.partner"].invalidate_model(["call_holding_ids"])
        self.env["res.partner"]._sql_analyze("call_product_holding", written + removed)
        return written
