"""The monthly screening (筛选客户 / 电话营销预备登记).

For a month and some sub-branches (all those the user may screen by
default), select the customers whose time deposits or wealth products mature
in the month, those whose current accounts hold at least a threshold, and
those of a saved customer filter; preview the counts per purpose and per
sub-branch, then pre-register them (call.plan) with a "Phone marketing call"
to-do each, for a designated caller, spread over the month's working days.

Everything runs set-based, whatever the bank's size: the selection is one
SQL statement over the holdings (the saved filter's domain compiled by the
ORM's _search into a sub-query, with the user's record rules), the routing
and the spreading one statement with window functions, the pre-registrations
and the to-dos one INSERT each (like star_tiering's nightly to-dos). Python
handles the per-sub-branch facts only: working days, quota, callers.

Who calls (the rule, in _screening_build):
- the customer's owner (star tier owner) when the owner is one of the
  sub-branch's designated callers;
- otherwise the sub-branch's designated callers in turn (round robin, in the
  order of the calls);
- a sub-branch without designated callers: the owner, else its president;
  with nobody at all the customer is not pre-registered (counted).

When (the rule, in _screening_build): the customers of a sub-branch, the
earliest maturity first, are spread over the month's working days from the
bank's today on: in equal daily batches when there are at least the daily
quota (10) per working day, otherwise in batches of the quota from the first
day on, so that each day with calls has at least the quota while customers
last.
"""
import html
import json
import logging
import time

from dateutil.relativedelta import relativedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..models.call_plan import HIGH_BALANCE_THRESHOLD, PURPOSE_PRODUCTS, SCREENING_PURPOSES, SCREENING_SAMPLE_ROWS

_logger = logging.getLogger(__name__)

SCOPE, CAND, DAYS, TODO, NEW = (
    SQL.identifier(name)
    for name in ("call_screen_scope", "call_screen_cand", "call_screen_days", "call_screen_todo", "call_screen_new")
)
PURPOSE_ORDER = [purpose for purpose, _label in SCREENING_PURPOSES]


class CallScreeningWizard(models.TransientModel):
    _name = "call.screening.wizard"
    _description = "Screen Customers for Phone Marketing"

    month = fields.Date(
        required=True, default=lambda self: self.env["bank.branch"]._bank_today().replace(day=1),
        help="Any day of the month to screen; a month already over is refused.",
    )
    branch_ids = fields.Many2many(
        "bank.branch", "call_screening_wizard_branch_rel", "wizard_id", "branch_id", string="Sub-branches",
        domain="[('branch_type', '=', 'sub_branch'), ('is_my_branch', '=', True)]",
        help="Empty: every sub-branch you may screen (yours; every one for head office). An outlet's "
        "customers are screened with its sub-branch.",
    )
    use_deposits = fields.Boolean(string="Maturing Time Deposits", default=True)
    use_wealth = fields.Boolean(string="Maturing Wealth Products", default=True)
    use_balance = fields.Boolean(string="High Current-account Balance", default=True)
    currency_id = fields.Many2one("res.currency", default=lambda self: self.env.ref("base.CNY"))
    balance_threshold = fields.Monetary(
        string="Current-account Balance From", default=HIGH_BALANCE_THRESHOLD,
        help="Customers whose current accounts hold this much or more, together.",
    )
    filter_id = fields.Many2one(
        "ir.filters", string="Targeted Group (Saved Filter)", domain="[('model_id', '=', 'res.partner')]",
        help="A filter saved on the customers (e-banking users, potential deposit or loan customers…): "
        "its customers in the sub-branches are selected too.",
    )
    state = fields.Selection(
        [("draft", "Criteria"), ("preview", "Preview"), ("done", "Done")], default="draft", required=True,
    )
    customer_count = fields.Integer(string="Customers Selected", readonly=True)
    new_count = fields.Integer(
        string="To Pre-register", readonly=True, help="Customers who get a call to-do.",
    )
    planned_count = fields.Integer(
        string="Already Pre-registered", readonly=True,
        help="Selections (customer and purpose) already pre-registered this month: skipped.",
    )
    uncalled_count = fields.Integer(
        string="Nobody to Call", readonly=True,
        help="Customers of sub-branches with no designated caller, no owner and no president, or no "
        "working day left in the month: not pre-registered.",
    )
    deposit_count = fields.Integer(string="Time Deposits Maturing", readonly=True)
    wealth_count = fields.Integer(string="Wealth Products Maturing", readonly=True)
    balance_count = fields.Integer(string="High Balances", readonly=True)
    targeted_count = fields.Integer(string="Targeted", readonly=True)
    line_ids = fields.One2many("call.screening.branch.line", "wizard_id", string="Per Sub-branch", readonly=True)
    sample_ids = fields.One2many("call.screening.sample", "wizard_id", string="First Customers", readonly=True)
    created_count = fields.Integer(string="Pre-registered", readonly=True)
    activity_count = fields.Integer(string="Call To-dos Created", readonly=True)
    skipped_count = fields.Integer(string="Skipped", readonly=True)
    result = fields.Text(readonly=True)

    # ------------------------------------------------------------------
    # Who, which month, which branches
    # ------------------------------------------------------------------
    @api.model
    def _check_screening_user(self):
        """Branch managers screen their own sub-branch, head office every
        one; staff, audit and HR do not."""
        if self.env.su:
            return
        if not self.env.user.has_group("star_tiering.group_bank_branch_manager"):
            raise AccessError(self.env._(
                "Only a branch manager (for their own sub-branch) or head office screens customers for "
                "phone marketing."
            ))

    def _screening_branches(self):
        """The sub-branches to screen: those chosen, or every one the user
        may screen; refused when one is not the user's."""
        self.ensure_one()
        self._check_screening_user()
        Branch = self.env["bank.branch"].sudo()
        head_office = self.env.su or self.env.user.has_group("star_tiering.group_bank_head_office")
        user_branches = self.env.user.branch_id
        allowed_domain = [("branch_type", "=", "sub_branch")]
        if not head_office:
            allowed_domain.append(("id", "child_of", user_branches.ids or [0]))
        chosen = self.branch_ids.sudo()
        if not chosen:
            branches = Branch.search(allowed_domain, order="id")
            if not branches:
                raise UserError(self.env._("You have no sub-branch to screen."))
            return branches
        others = chosen.filtered(lambda b: b.branch_type != "sub_branch")
        if others:
            raise UserError(self.env._(
                "Choose sub-branches: %(branches)s are not (an outlet's customers are screened with its "
                "sub-branch).", branches=", ".join(others.mapped("display_name")),
            ))
        outside = chosen - Branch.search([*allowed_domain, ("id", "in", chosen.ids)])
        if outside:
            raise AccessError(self.env._(
                "You may screen the customers of your own sub-branch only, not those of %(branches)s.",
                branches=", ".join(outside.mapped("display_name")),
            ))
        return chosen

    def _screening_period(self):
        """(first day, last day, first working day to plan from) of the month."""
        self.ensure_one()
        if not self.month:
            raise UserError(self.env._("Choose the month to screen."))
        start = self.month.replace(day=1)
        end = start + relativedelta(months=1, days=-1)
        today = self.env["bank.branch"]._bank_today()
        if end < today:
            raise UserError(self.env._(
                "%(month)s is over: screen the current month or a later one.", month=start.strftime("%Y-%m"),
            ))
        return start, end, max(start, today)

    def _screening_check_criteria(self):
        if not (self.use_deposits or self.use_wealth or self.use_balance or self.filter_id):
            raise UserError(self.env._("Choose at least one criterion (maturities, balance or a saved filter)."))
        if self.use_balance and self.balance_threshold <= 0:
            raise UserError(self.env._("The current-account balance threshold must be above 0."))

    @api.model
    def _screening_scope(self, sub_branches):
        """{branch id: sub-branch id} of every branch whose customers belong
        to one of ``sub_branches`` (themselves and their outlets)."""
        tree = self.env["bank.branch"].sudo().with_context(active_test=False).search(
            [("id", "child_of", sub_branches.ids)]
        )
        wanted = set(sub_branches.ids)
        return {bid: sid for bid, sid in tree._call_sheet_branch().items() if sid in wanted}

    # ------------------------------------------------------------------
    # The selection, in SQL
    # ------------------------------------------------------------------
    def _screening_filter_query(self):
        """The saved filter's customers as a sub-query, compiled by the ORM
        with the user's record rules (a filter never reaches customers the
        user does not see)."""
        self.ensure_one()
        try:
            domain = self.filter_id._get_eval_domain()
        except (ValueError, NameError, SyntaxError, TypeError) as error:
            raise UserError(self.env._(
                "The saved filter %(filter)s cannot be read: %(error)s", filter=self.filter_id.name, error=error,
            )) from error
        try:
            query = self.env["res.partner"].with_context(active_test=True)._search(domain)
        except (ValueError, KeyError, TypeError) as error:
            raise UserError(self.env._(
                "The saved filter %(filter)s cannot be used on the customers: %(error)s",
                filter=self.filter_id.name, error=error,
            )) from error
        return query.subselect()

    def _screening_sql_candidates(self, scope):
        """The table ``c(partner_id, sub_branch_id, purpose, product_type,
        maturity_date, amount, product_count)``, for a FROM clause: one row
        per customer and purpose selected. ``scope``: an SQL table
        ``s(branch_id, sub_branch_id)``."""
        self.ensure_one()
        start, end, _first = self._screening_period()
        blocks = []
        for purpose, enabled in (("deposit_maturity", self.use_deposits), ("wealth_maturity", self.use_wealth)):
            if not enabled:
                continue
            # maturing on the month's first day up to its last, both included
            blocks.append(SQL(
                """
                SELECT h.partner_id, s.sub_branch_id, %(purpose)s::varchar AS purpose,
                       %(product)s::varchar AS product_type, min(h.maturity_date) AS maturity_date,
                       sum(h.amount) AS amount, count(*) AS product_count
                  FROM call_product_holding h
                  JOIN res_partner p ON p.id = h.partner_id
                  JOIN %(scope)s ON s.branch_id = p.branch_id
                 WHERE h.maturity_date BETWEEN %(start)s AND %(end)s AND h.product_type = %(product)s AND p.active
              GROUP BY h.partner_id, s.sub_branch_id
                """,
                purpose=purpose, product=PURPOSE_PRODUCTS[purpose], scope=scope, start=start, end=end,
            ))
        if self.use_balance:
            # the customer's current accounts together, the threshold included
            blocks.append(SQL(
                """
                SELECT h.partner_id, s.sub_branch_id, 'high_balance'::varchar, 'current_account'::varchar,
                       NULL::date, sum(h.amount), count(*)
                  FROM call_product_holding h
                  JOIN res_partner p ON p.id = h.partner_id
                  JOIN %(scope)s ON s.branch_id = p.branch_id
                 WHERE h.product_type = 'current_account' AND p.active
              GROUP BY h.partner_id, s.sub_branch_id
                HAVING sum(h.amount) >= %(threshold)s
                """,
                scope=scope, threshold=self.balance_threshold,
            ))
        if self.filter_id:
            blocks.append(SQL(
                """
                SELECT p.id, s.sub_branch_id, 'targeted'::varchar, NULL::varchar, NULL::date, NULL::numeric,
                       NULL::bigint
                  FROM res_partner p
                  JOIN %(scope)s ON s.branch_id = p.branch_id
                 WHERE p.active AND p.id IN %(filtered)s
                """,
                scope=scope, filtered=self._screening_filter_query(),
            ))
        return SQL(
            "(%s) AS c(partner_id, sub_branch_id, purpose, product_type, maturity_date, amount, product_count)",
            SQL(" UNION ALL ").join(blocks),
        )

    def _screening_partner_query(self):
        """SELECT partner_id of the customers the screening selects (the
        list its preview opens): the selection itself, no table kept."""
        self.ensure_one()
        self._screening_check_criteria()
        scope = self._screening_scope(self._screening_branches())
        scope_sql = SQL(
            "(SELECT * FROM unnest(%s::int[], %s::int[]) AS u(branch_id, sub_branch_id)) AS s",
            list(scope), list(scope.values()),
        )
        return SQL("SELECT DISTINCT c.partner_id FROM %s", self._screening_sql_candidates(scope_sql))

    def _screening_branch_facts(self, sub_branches, scope):
        """Per sub-branch: working days left in the month, daily quota,
        president, designated callers (active, still of the branch)."""
        _start, end, first = self._screening_period()
        company_calendar = self.env.company.resource_calendar_id
        days_by_calendar = {}
        facts = {}
        for branch in sub_branches.sudo():
            calendar = branch.resource_calendar_id or company_calendar
            if calendar.id not in days_by_calendar:
                days_by_calendar[calendar.id] = branch._working_days(first, end) if calendar else []
            callers = branch.call_designated_user_ids.filtered(
                lambda u, b=branch: u.active and not u.share and scope.get(u.branch_id.id) == b.id
            ).sorted("id")
            facts[branch.id] = {
                "days": days_by_calendar[calendar.id],
                "quota": max(branch.call_daily_quota, 0),
                "president": branch._bank_president().id or 0,
                "callers": callers.ids,
            }
        return facts

    def _screening_drop(self):
        self.env.cr.execute(SQL("DROP TABLE IF EXISTS %s, %s, %s, %s, %s", SCOPE, CAND, DAYS, TODO, NEW))

    def _screening_build(self):
        """Select, route and spread: the temporary tables call_screen_cand
        (customer, purpose, planned already?) and call_screen_todo (the
        customers to pre-register: caller, day). Returns the sub-branches."""
        self.ensure_one()
        self._screening_check_criteria()
        sub_branches = self._screening_branches()
        start, _end, _first = self._screening_period()
        scope = self._screening_scope(sub_branches)
        facts = self._screening_branch_facts(sub_branches, scope)
        cr = self.env.cr
        self.env.flush_all()
        # one pass over many rows: no JIT, sorts in memory
        cr.execute(SQL("SET LOCAL jit = off"))
        cr.execute(SQL("SET LOCAL work_mem = '64MB'"))
        self._screening_drop()
        cr.execute(SQL(
            """
            CREATE TEMPORARY TABLE %(scope)s ON COMMIT DROP AS
            SELECT * FROM unnest(%(bids)s::int[], %(sids)s::int[]) AS u(branch_id, sub_branch_id)
            """,
            scope=SCOPE, bids=list(scope), sids=list(scope.values()),
        ))
        cr.execute(SQL("ANALYZE %s", SCOPE))
        cr.execute(SQL(
            """
            CREATE TEMPORARY TABLE %(cand)s ON COMMIT DROP AS
            SELECT c.*, EXISTS (SELECT 1 FROM call_plan cp
                                 WHERE cp.partner_id = c.partner_id AND cp.purpose = c.purpose
                                   AND cp.month = %(month)s) AS planned
              FROM %(candidates)s
            """,
            cand=CAND, month=start, candidates=self._screening_sql_candidates(SQL("%s AS s", SCOPE)),
        ))
        cr.execute(SQL("ANALYZE %s", CAND))
        day_rows = [(bid, k, day) for bid, fact in facts.items() for k, day in enumerate(fact["days"])]
        cr.execute(SQL(
            """
            CREATE TEMPORARY TABLE %(days)s ON COMMIT DROP AS
            SELECT * FROM unnest(%(b)s::int[], %(k)s::int[], %(d)s::date[]) AS d(sub_branch_id, k, day)
            """,
            days=DAYS, b=[r[0] for r in day_rows], k=[r[1] for r in day_rows], d=[r[2] for r in day_rows],
        ))
        callers = [(bid, uid, k) for bid, fact in facts.items() for k, uid in enumerate(fact["callers"])]
        cr.execute(SQL(
            """
            CREATE TEMPORARY TABLE %(todo)s ON COMMIT DROP AS
            WITH info AS (
                SELECT * FROM unnest(%(ib)s::int[], %(iw)s::int[], %(iq)s::int[], %(ip)s::int[])
                       AS i(sub_branch_id, wdays, quota, president_id)
            ), callers AS (
                SELECT * FROM unnest(%(cb)s::int[], %(cu)s::int[], %(ck)s::int[]) AS k(sub_branch_id, user_id, k)
            ), ncallers AS (
                SELECT sub_branch_id, count(*)::int AS n FROM callers GROUP BY sub_branch_id
            ), cust AS (
                SELECT partner_id, sub_branch_id, min(maturity_date) AS first_maturity
                  FROM %(cand)s
                 WHERE NOT planned
              GROUP BY partner_id, sub_branch_id
            ), fixed AS (
                -- the owner when a designated caller; without designated
                -- callers, the owner or else the president
                SELECT c.partner_id, c.sub_branch_id, c.first_maturity, nc.n AS ncallers,
                       CASE WHEN k.user_id IS NOT NULL THEN k.user_id
                            WHEN nc.n IS NULL THEN COALESCE(ou.id, NULLIF(i.president_id, 0)) END AS fixed_user
                  FROM cust c
                  JOIN res_partner p ON p.id = c.partner_id
                  JOIN info i ON i.sub_branch_id = c.sub_branch_id
             LEFT JOIN callers k ON k.sub_branch_id = c.sub_branch_id AND k.user_id = p.tier_owner_id
             LEFT JOIN ncallers nc ON nc.sub_branch_id = c.sub_branch_id
             LEFT JOIN res_users ou ON ou.id = p.tier_owner_id AND ou.active
            ), ranked AS (
                SELECT f.*,
                       row_number() OVER (PARTITION BY f.sub_branch_id
                                          ORDER BY f.first_maturity NULLS LAST, f.partner_id) - 1 AS rank,
                       count(*) OVER (PARTITION BY f.sub_branch_id) AS total,
                       -- the designated callers' turns, among the customers they share
                       row_number() OVER (PARTITION BY f.sub_branch_id, f.fixed_user IS NULL
                                          ORDER BY f.first_maturity NULLS LAST, f.partner_id) - 1 AS turn
                  FROM fixed f
            )
            SELECT r.partner_id, r.sub_branch_id, r.first_maturity, r.rank,
                   COALESCE(r.fixed_user, k.user_id) AS user_id, d.day AS planned_date
              FROM ranked r
              JOIN info i ON i.sub_branch_id = r.sub_branch_id
         LEFT JOIN callers k ON r.fixed_user IS NULL AND k.sub_branch_id = r.sub_branch_id
                            AND k.k = mod(r.turn, r.ncallers)
              -- equal daily batches when there are a quota's worth of
              -- customers for every working day, else batches of the quota
              -- from the first working day on
         LEFT JOIN %(days)s d ON d.sub_branch_id = r.sub_branch_id AND i.wdays > 0
                            AND d.k = CASE WHEN i.quota > 0 AND r.total < i.quota::bigint * i.wdays
                                           THEN r.rank / i.quota
                                           ELSE r.rank * i.wdays / r.total END
            """,
            todo=TODO, cand=CAND, days=DAYS,
            ib=list(facts), iw=[len(f["days"]) for f in facts.values()],
            iq=[f["quota"] for f in facts.values()], ip=[f["president"] for f in facts.values()],
            cb=[c[0] for c in callers], cu=[c[1] for c in callers], ck=[c[2] for c in callers],
        ))
        cr.execute(SQL("ANALYZE %s", TODO))
        return sub_branches, facts

    # ------------------------------------------------------------------
    # Preview
    # ------------------------------------------------------------------
    def action_preview(self):
        """Select, count per purpose and per sub-branch, and show the first
        customers with their caller and day; nothing is written."""
        self.ensure_one()
        started = time.monotonic()
        # the temporary tables are dropped once read, and at the commit in
        # any case (an SQL error aborts the transaction: nothing to drop then)
        _branches, facts = self._screening_build()
        self.write(self._screening_preview_vals(facts))
        self._screening_drop()
        _logger.info("Call screening %s: previewed in %.1f s.", self.id, time.monotonic() - started)
        return self._reopen()

    def _screening_preview_vals(self, facts):
        counts = self.env.execute_query_dict(SQL(
            """
            SELECT sub_branch_id,
                   count(*) FILTER (WHERE purpose = 'deposit_maturity') AS deposit_count,
                   count(*) FILTER (WHERE purpose = 'wealth_maturity') AS wealth_count,
                   count(*) FILTER (WHERE purpose = 'high_balance') AS balance_count,
                   count(*) FILTER (WHERE purpose = 'targeted') AS targeted_count,
                   count(DISTINCT partner_id) AS customer_count,
                   count(*) FILTER (WHERE planned) AS planned_count
              FROM %s
          GROUP BY sub_branch_id
            """,
            CAND,
        ))
        todo = {
            row["sub_branch_id"]: row for row in self.env.execute_query_dict(SQL(
                """
                SELECT sub_branch_id,
                       count(*) FILTER (WHERE user_id IS NOT NULL AND planned_date IS NOT NULL) AS new_count,
                       count(*) FILTER (WHERE user_id IS NULL OR planned_date IS NULL) AS uncalled_count,
                       min(planned_date) AS first_date, max(planned_date) AS last_date
                  FROM %s
              GROUP BY sub_branch_id
                """,
                TODO,
            ))
        }
        lines = []
        for row in sorted(counts, key=lambda r: r["sub_branch_id"]):
            bid = row["sub_branch_id"]
            line = dict(row, branch_id=bid, working_day_count=len(facts[bid]["days"]),
                        caller_count=len(facts[bid]["callers"]))
            line.pop("sub_branch_id")
            extra = todo.get(bid, {})
            line.update(new_count=extra.get("new_count", 0), uncalled_count=extra.get("uncalled_count", 0),
                        first_date=extra.get("first_date"), last_date=extra.get("last_date"))
            lines.append(line)
        totals = {
            name: sum(line[name] for line in lines)
            for name in ("deposit_count", "wealth_count", "balance_count", "targeted_count", "customer_count",
                         "planned_count", "new_count", "uncalled_count")
        }
        purposes = dict(self.env["call.plan"]._fields["purpose"]._description_selection(self.env))
        samples = self.env.execute_query_dict(SQL(
            """
            SELECT t.partner_id, t.sub_branch_id AS branch_id, t.user_id, t.planned_date,
                   t.first_maturity AS maturity_date,
                   array_agg(c.purpose ORDER BY array_position(%(order)s::varchar[], c.purpose)) AS purposes
              FROM %(todo)s t
              JOIN %(cand)s c ON c.partner_id = t.partner_id AND NOT c.planned
          GROUP BY t.partner_id, t.sub_branch_id, t.user_id, t.planned_date, t.first_maturity, t.rank
          ORDER BY t.planned_date NULLS LAST, t.sub_branch_id, t.rank
             LIMIT %(limit)s
            """,
            todo=TODO, cand=CAND, order=PURPOSE_ORDER, limit=SCREENING_SAMPLE_ROWS,
        ))
        for sample in samples:
            sample["purposes"] = ", ".join(purposes[p] for p in sample["purposes"])
        return dict(
            totals, state="preview",
            line_ids=[Command.clear()] + [Command.create(line) for line in lines],
            sample_ids=[Command.clear()] + [Command.create(sample) for sample in samples],
        )

    def action_back(self):
        self.ensure_one()
        self.state = "draft"
        return self._reopen()

    def action_open_customers(self):
        """The customers selected (pre-registered already or not), in the
        bank customers' list."""
        self.ensure_one()
        self._screening_branches()
        action = self.env["ir.actions.act_window"]._for_xml_id("star_tiering.action_bank_customers")
        action.update({
            "name": self.env._("Screened Customers"),
            "domain": [("call_screening_id", "=", self.id)],
            "context": {},
            "target": "current",
        })
        return action

    # ------------------------------------------------------------------
    # Creating the pre-registrations and their to-dos
    # ------------------------------------------------------------------
    def action_create_todos(self):
        """Pre-register the selected customers and give each one call to-do
        (per customer, whatever the number of purposes). A customer already
        pre-registered for a purpose this month is skipped for it, even when
        another screening runs at the same time (unique key, ON CONFLICT DO
        NOTHING). Returns the wizard, with the counts in created_count,
        activity_count and skipped_count."""
        self.ensure_one()
        started = time.monotonic()
        start, _end, _first = self._screening_period()
        cr = self.env.cr
        self._screening_build()
        built = time.monotonic()
        selected, uncalled = self.env.execute_query(SQL(
            """
            SELECT (SELECT count(*) FROM %(cand)s),
                   (SELECT count(*) FROM %(cand)s c JOIN %(todo)s t ON t.partner_id = c.partner_id
                     WHERE NOT c.planned AND (t.user_id IS NULL OR t.planned_date IS NULL))
            """,
            cand=CAND, todo=TODO,
        ))[0]
        # the selections to pre-register: their to-dos are written first, then
        # the pre-registrations that point to them (one pass over each table)
        cr.execute(SQL(
            """
            CREATE TEMPORARY TABLE %(new)s ON COMMIT DROP AS
            SELECT c.partner_id, c.purpose, NULL::integer AS activity_id
              FROM %(cand)s c
              JOIN %(todo)s t ON t.partner_id = c.partner_id
             WHERE NOT c.planned AND t.user_id IS NOT NULL AND t.planned_date IS NOT NULL
            """,
            cand=CAND, todo=TODO, new=NEW,
        ))
        now = cr.now()
        activities = self._screening_insert_activities(now) if cr.rowcount else 0
        cr.execute(SQL(
            """
            WITH ins AS (
                INSERT INTO call_plan (partner_id, branch_id, month, purpose, planned_date, user_id, activity_id,
                                       product_type, maturity_date, amount, product_count, filter_id,
                                       create_uid, create_date, write_uid, write_date)
                SELECT c.partner_id, c.sub_branch_id, %(month)s, c.purpose, t.planned_date, t.user_id, n.activity_id,
                       c.product_type, c.maturity_date, c.amount, c.product_count,
                       CASE WHEN c.purpose = 'targeted' THEN %(filter)s::int END,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM %(new)s n
                  JOIN %(cand)s c ON c.partner_id = n.partner_id AND c.purpose = n.purpose
                  JOIN %(todo)s t ON t.partner_id = n.partner_id
                 -- one order for every run: concurrent runs wait for each
                 -- other's rows instead of deadlocking. A row another run
                 -- committed meanwhile is a serialization failure (repeatable
                 -- read), and the request is replayed: "planned" above then
                 -- sees it, and no second to-do is left behind.
              ORDER BY n.partner_id, n.purpose
                    ON CONFLICT (partner_id, purpose, month) DO NOTHING
             RETURNING partner_id
            ), kept AS (
                SELECT DISTINCT partner_id FROM ins
            ), counted AS (
                SELECT count(*) AS created FROM ins
            ), dropped AS (
                -- belt and braces: a to-do whose every pre-registration was
                -- refused is not left behind
                DELETE FROM mail_activity a
                 USING (SELECT DISTINCT activity_id, partner_id FROM %(new)s) n
                 WHERE a.id = n.activity_id AND n.partner_id NOT IN (SELECT partner_id FROM kept)
             RETURNING a.id
            )
            SELECT (SELECT created FROM counted), (SELECT count(*) FROM dropped)
            """,
            month=start, filter=self.filter_id.id or None, uid=self.env.uid, now=now,
            cand=CAND, todo=TODO, new=NEW,
        ))
        created, dropped = cr.fetchone()
        activities -= dropped
        self._screening_drop()
        Partner = self.env["res.partner"]
        Partner._sql_analyze("call_plan", created)
        Partner._sql_analyze("mail_activity", activities)
        self.env["call.plan"].invalidate_model()
        self.env["mail.activity"].invalidate_model()
        Partner.invalidate_model(["activity_ids", "call_plan_ids"])
        skipped = selected - created
        _logger.info(
            "Call screening %s: %s selection(s), %s pre-registered, %s to-do(s), %s skipped; "
            "selected in %.1f s, written in %.1f s.",
            self.id, selected, created, activities, skipped, built - started, time.monotonic() - built,
        )
        self.write({
            "state": "done", "created_count": created, "activity_count": activities, "skipped_count": skipped,
            "result": self.env._(
                "%(month)s: %(customers)s customer(s) pre-registered with a call to-do (%(created)s "
                "selection(s)); %(skipped)s selection(s) skipped, of which %(uncalled)s without anyone to "
                "call and the others pre-registered already.",
                month=start.strftime("%Y-%m"), customers=activities, created=created, skipped=skipped,
                uncalled=uncalled,
            ),
        })
        return self._reopen()

    def _screening_labels(self):
        """The to-dos' wording in every installed language: {lang: {"name":
        {purpose: label}, "line": {purpose: the note's line}}}, HTML-escaped."""
        labels = {}
        for code, _name in self.env["res.lang"].get_installed():
            this = self.with_context(lang=code)
            names = dict(self.env["call.plan"]._fields["purpose"]._description_selection(this.env))
            maturity = this.env._("%(purpose)s: %(count)s product(s), %(amount)s CNY, maturing from %(date)s")
            lines = {
                "deposit_maturity": maturity, "wealth_maturity": maturity,
                "high_balance": this.env._("%(purpose)s: %(amount)s CNY in current accounts"),
                "targeted": this.env._("%(purpose)s: %(filter)s"),
            }
            labels[code] = {
                "name": {purpose: html.escape(names[purpose]) for purpose in PURPOSE_ORDER},
                "line": {
                    purpose: html.escape(lines[purpose]).replace("%(purpose)s", html.escape(names[purpose]))
                    for purpose in PURPOSE_ORDER
                },
            }
        return labels

    def _screening_insert_activities(self, now):
        """One "Phone marketing call" to-do per customer to pre-register (the
        temporary table of the new selections), for the caller, due on the
        planned day, its note listing the purposes (in the caller's
        language); its id is kept on the selections, for their
        pre-registrations. Returns how many to-dos."""
        activity_type = self.env.ref("call_tracking.mail_activity_type_phone_marketing")
        labels = self._screening_labels()
        default_lang = self.env.lang if self.env.lang in labels else next(iter(labels), "en_US")
        self.env.cr.execute(SQL(
            """
            WITH lab AS (
                SELECT %(labels)s::jsonb AS j
            ), todo AS (
                SELECT t.partner_id, t.user_id, t.planned_date, up.tz,
                       CASE WHEN lab.j ? up.lang THEN up.lang ELSE %(lang)s END AS lang
                  FROM %(todo)s t
                  JOIN res_users u ON u.id = t.user_id
                  JOIN res_partner up ON up.id = u.partner_id
                 CROSS JOIN lab
                 WHERE t.partner_id IN (SELECT partner_id FROM %(new)s)
            ), notes AS (
                SELECT t.partner_id,
                       string_agg(lab.j -> t.lang -> 'name' ->> n.purpose, ', '
                                  ORDER BY array_position(%(order)s::varchar[], n.purpose)) AS summary,
                       string_agg('<li>' || replace(replace(replace(replace(lab.j -> t.lang -> 'line' ->> n.purpose,
                                      %(count_mark)s, coalesce(c.product_count::text, '')),
                                      %(amount_mark)s, coalesce(to_char(c.amount, 'FM999,999,999,999,990.00'), '')),
                                      %(date_mark)s, coalesce(c.maturity_date::text, '')),
                                      %(filter_mark)s, %(filter)s) || '</li>', ''
                                  ORDER BY array_position(%(order)s::varchar[], n.purpose)) AS items
                  FROM %(new)s n
                  JOIN todo t ON t.partner_id = n.partner_id
                  JOIN %(cand)s c ON c.partner_id = n.partner_id AND c.purpose = n.purpose
                 CROSS JOIN lab
              GROUP BY t.partner_id
            ), act AS (
                INSERT INTO mail_activity (res_model_id, res_model, res_id, res_name, activity_type_id, user_id,
                                           user_tz, date_deadline, summary, note, automated, active,
                                           create_uid, create_date, write_uid, write_date)
                SELECT %(model_id)s, 'res.partner', t.partner_id, p.complete_name, %(type)s, t.user_id,
                       t.tz, t.planned_date, left(nt.summary, 240), '<ul>' || nt.items || '</ul>', TRUE, TRUE,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM notes nt
                  JOIN todo t ON t.partner_id = nt.partner_id
                  JOIN res_partner p ON p.id = t.partner_id
             RETURNING id, res_id
            )
            UPDATE %(new)s n SET activity_id = act.id
              FROM act
             WHERE n.partner_id = act.res_id
            """,
            labels=json.dumps(labels), lang=default_lang, order=PURPOSE_ORDER,
            count_mark="%(count)s", amount_mark="%(amount)s", date_mark="%(date)s", filter_mark="%(filter)s",
            filter=html.escape(self.filter_id.name or ""),
            model_id=self.env["ir.model"]._get_id("res.partner"), type=activity_type.id,
            uid=self.env.uid, now=now, todo=TODO, new=NEW, cand=CAND,
        ))
        return self.env.execute_query(SQL("SELECT count(DISTINCT activity_id) FROM %s", NEW))[0][0]

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Screen Customers"),
        }


class CallScreeningBranchLine(models.TransientModel):
    """A sub-branch's counts in a screening's preview."""

    _name = "call.screening.branch.line"
    _description = "Screening Counts of a Sub-branch"
    _order = "branch_id"

    wizard_id = fields.Many2one("call.screening.wizard", required=True, ondelete="cascade")
    branch_id = fields.Many2one("bank.branch", string="Sub-branch", readonly=True)
    deposit_count = fields.Integer(string="Time Deposits", readonly=True)
    wealth_count = fields.Integer(string="Wealth Products", readonly=True)
    balance_count = fields.Integer(string="High Balances", readonly=True)
    targeted_count = fields.Integer(string="Targeted", readonly=True)
    customer_count = fields.Integer(string="Customers", readonly=True)
    planned_count = fields.Integer(string="Already Pre-registered", readonly=True)
    new_count = fields.Integer(string="To Pre-register", readonly=True)
    uncalled_count = fields.Integer(string="Nobody to Call", readonly=True)
    working_day_count = fields.Integer(string="Working Days", readonly=True)
    caller_count = fields.Integer(string="Designated Callers", readonly=True)
    first_date = fields.Date(string="From", readonly=True)
    last_date = fields.Date(string="To", readonly=True)


class CallScreeningSample(models.TransientModel):
    """One of the first customers a screening would pre-register."""

    _name = "call.screening.sample"
    _description = "Screened Customer (Preview)"
    _order = "planned_date, id"

    wizard_id = fields.Many2one("call.screening.wizard", required=True, ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    branch_id = fields.Many2one("bank.branch", string="Sub-branch", readonly=True)
    purposes = fields.Char(readonly=True)
    maturity_date = fields.Date(string="First Maturity", readonly=True)
    user_id = fields.Many2one("res.users", string="Caller", readonly=True)
    planned_date = fields.Date(string="Call On", readonly=True)
