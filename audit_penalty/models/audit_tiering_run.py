"""The tiering audit (客户细分审计): after the tiering deadline the Audit
Department checks the tiering itself, over every bank customer at once:
customers whose stored tier contradicts their branch's thresholds, customers
without an owner, customers never tiered. A run keeps what it found (counts
per branch, and the customers behind each count) as the auditors' working
paper; the customers themselves are corrected by the nightly tiering or by
their branch, not here.

The expected tier is star_tiering's, not a copy of it: the thresholds each
branch applies (its own policy, or the one it inherits: an outlet its
sub-branch's, a sub-branch head office's) come from bank.branch's
_get_tier_policy(), and the rule from res.partner's _sql_tier_expr(), the
expression the nightly engine tiers with. One SQL statement writes the
findings, one the counts per branch (1,000,000 customers: see the readme)."""
import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from .constants import GROUP_AUDIT

# star_tiering's tiers: a policy is complete (usable) with all five.
TIER_COUNT = 5


class AuditTieringRun(models.Model):
    _name = "audit.tiering.run"
    _description = "Tiering Audit"
    _order = "run_date desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    run_by_id = fields.Many2one("res.users", string="Run by", readonly=True)
    run_date = fields.Datetime(string="Run on", readonly=True)
    as_of = fields.Date(
        string="As of", readonly=True,
        help="The bank's date of the run: the stored tiers, owners and assets of that moment were audited.",
    )
    branch_ids = fields.Many2many(
        "bank.branch", string="Branches Audited", readonly=True,
        help="The branches chosen, with their outlets; empty when the whole bank was audited.",
    )
    customer_count = fields.Integer(string="Customers Audited", readonly=True)
    mismatch_count = fields.Integer(string="Tier Contradicts the Thresholds", readonly=True)
    no_owner_count = fields.Integer(string="Without an Owner", readonly=True)
    never_tiered_count = fields.Integer(string="Never Tiered", readonly=True)
    finding_count = fields.Integer(string="Findings", readonly=True)
    result_ids = fields.One2many("audit.tiering.result", "run_id", string="Per Branch", readonly=True)

    @api.depends("run_date")
    def _compute_name(self):
        tz = self.env["bank.branch"]._bank_tz()
        for run in self:
            moment = pytz.utc.localize(run.run_date).astimezone(tz) if run.run_date else None
            run.name = self.env._("Tiering audit of %(moment)s", moment=moment.strftime("%Y-%m-%d %H:%M")) \
                if moment else False

    # ------------------------------------------------------------------
    # Who: the Audit Department runs it (the record rules and access rights
    # let head office read it too)
    # ------------------------------------------------------------------
    @api.model
    def _check_auditor(self):
        if not self.env.su and not self.env.user.has_group(GROUP_AUDIT):
            raise AccessError(self.env._("Only the Audit Department runs the tiering audit."))

    # ------------------------------------------------------------------
    # The audit: set-based
    # ------------------------------------------------------------------
    @api.model
    def _run_audit(self, branches=None):
        """Audit the tiering of the active customers of ``branches`` and
        their outlets (the whole bank when empty) and return the run, with
        its counts per branch and its findings. Nothing on the customers is
        changed."""
        self._check_auditor()
        Branch = self.env["bank.branch"].sudo().with_context(active_test=False)
        scope_branches = Branch.search([("id", "child_of", branches.ids)]) if branches else Branch.browse()
        run = self.sudo().create({
            "run_by_id": self.env.uid,
            "run_date": fields.Datetime.now(),
            "as_of": self.env["bank.branch"]._bank_today(),
            "branch_ids": [(6, 0, branches.ids if branches else [])],
        })
        self.env.flush_all()
        # a whole-bank scan: compiling it (PostgreSQL's JIT) costs more than it
        # saves; its customers (a few MB) are counted in memory rather than in
        # temporary files (work_mem is 4 MB by default); this transaction only
        self.env.cr.execute("SET LOCAL jit = off")
        self.env.cr.execute("SET LOCAL work_mem = '64MB'")
        scope = SQL("p.branch_id IS NOT NULL AND p.active")
        if scope_branches:
            scope = SQL("%s AND p.branch_id = ANY(%s)", scope, scope_branches.ids)
        # every branch (archived ones too, which may still hold customers): a few hundred
        # pylint: disable-next=no-search-all
        self._sql_audit(run, scope, (scope_branches or Branch.search([], order="id")).ids)
        self.env.cr.execute(SQL(
            """
            UPDATE audit_tiering_run AS run
               SET customer_count = totals.customers, mismatch_count = totals.mismatch,
                   no_owner_count = totals.no_owner, never_tiered_count = totals.never_tiered,
                   finding_count = totals.mismatch + totals.no_owner + totals.never_tiered
              FROM (SELECT COALESCE(SUM(customer_count), 0) AS customers,
                           COALESCE(SUM(mismatch_count), 0) AS mismatch,
                           COALESCE(SUM(no_owner_count), 0) AS no_owner,
                           COALESCE(SUM(never_tiered_count), 0) AS never_tiered
                      FROM audit_tiering_result WHERE run_id = %(run)s) AS totals
             WHERE run.id = %(run)s
            """,
            run=run.id,
        ))
        self.env["audit.tiering.finding"].invalidate_model()
        self.env["audit.tiering.result"].invalidate_model()
        run.invalidate_recordset()
        return run.with_env(self.env)

    @api.model
    def _sql_thresholds(self, branch_ids):
        """The thresholds each of ``branch_ids`` applies, as an SQL table
        th(branch_id, policy_branch_id, min3, min4, min5): star_tiering's
        policy (the branch's own or the one it inherits, _get_tier_policy)
        as its engine reads it (_sql_policy_table). A branch whose policy
        lacks a tier (only while data files load) has no row: the engine
        does not tier its customers either."""
        Branch = self.env["bank.branch"].sudo()
        policies = Branch.browse(branch_ids)._get_tier_policy()
        complete = [branch_id for branch_id in branch_ids if len(policies.get(branch_id, ())) == TIER_COUNT]
        if not complete:
            return SQL(
                "(SELECT NULL::int AS branch_id, NULL::int AS policy_branch_id, NULL::numeric AS min3, "
                "NULL::numeric AS min4, NULL::numeric AS min5 WHERE FALSE) AS th"
            )
        sources = [next(iter(policies[branch_id].values())).branch_id.id for branch_id in complete]
        return SQL(
            """(SELECT pol.branch_id, src.policy_branch_id,
                       max(pol.min_aum) FILTER (WHERE pol.tier = '3') AS min3,
                       max(pol.min_aum) FILTER (WHERE pol.tier = '4') AS min4,
                       max(pol.min_aum) FILTER (WHERE pol.tier = '5') AS min5
                  FROM %(pol)s
                  JOIN unnest(%(branches)s::int[], %(sources)s::int[]) AS src(branch_id, policy_branch_id)
                    ON src.branch_id = pol.branch_id
              GROUP BY pol.branch_id, src.policy_branch_id) AS th""",
            pol=self.env["res.partner"]._sql_policy_table(complete, policies),
            branches=complete, sources=sources,
        )

    @api.model
    def _sql_audit(self, run, scope, branch_ids):
        """The audit itself, in two statements over the customers in
        ``scope``: the run's findings, then one line per branch with
        customers with its counts and where its tiering stood (the last
        nightly run, a policy edited since: findings the next run clears).

        Found: a tiered customer whose stored tier is not the one their
        assets and business flag give under their branch's thresholds
        (boundaries as the engine draws them: a minimum belongs to its
        tier), a tiered customer without an owner or whose owner left the
        bank (archived), a customer never tiered (that only)."""
        self.env["res.partner"].flush_model([
            "branch_id", "active", "star_tier", "tier_owner_id", "aum_daily_avg", "has_business",
        ])
        self.env["res.users"].flush_model(["active"])
        self.env["bank.branch"].flush_model(["tiering_date", "tiering_policy_changed"])
        th = self._sql_thresholds(branch_ids)
        # the engine's own expression, on the engine's own inputs
        expected = self.env["res.partner"]._sql_tier_expr(
            SQL("COALESCE(p.aum_daily_avg, 0)"), SQL("p.has_business"),
            SQL("th.min3"), SQL("th.min4"), SQL("th.min5"),
        )

        def found(kind, flag):
            return SQL(
                "SELECT %s, a.branch_id, a.id, %s, a.star_tier, a.expected, a.aum, a.tier_owner_id, "
                "a.policy_branch_id FROM audited a WHERE %s",
                run.id, kind, SQL.identifier("a", flag),
            )

        self.env.cr.execute(SQL(
            """
            WITH audited AS MATERIALIZED (
                -- only the customers with something to report are kept (few, once the nightly
                -- tiering runs), then go through the three kinds
                SELECT * FROM (
                    SELECT p.id, p.branch_id, p.star_tier, p.tier_owner_id, x.aum, th.policy_branch_id, x.expected,
                           p.star_tier = '0' AS never_tiered,
                           p.star_tier <> '0' AND x.expected IS NOT NULL AND p.star_tier <> x.expected AS mismatch,
                           p.star_tier <> '0' AND (p.tier_owner_id IS NULL OR NOT owner.active) AS no_owner
                      FROM res_partner p
                 LEFT JOIN %(th)s ON th.branch_id = p.branch_id
                 LEFT JOIN res_users owner ON owner.id = p.tier_owner_id
                     CROSS JOIN LATERAL (
                           SELECT COALESCE(p.aum_daily_avg, 0) AS aum,
                                  CASE WHEN th.branch_id IS NOT NULL THEN %(expected)s END AS expected) AS x
                     WHERE %(scope)s
                ) AS customer
                 WHERE never_tiered OR mismatch OR no_owner
            )
            INSERT INTO audit_tiering_finding
                   (run_ref, branch_ref, partner_ref, kind, star_tier, expected_tier, aum, owner_ref,
                    policy_branch_ref)
            %(never_tiered)s UNION ALL %(mismatch)s UNION ALL %(no_owner)s
            """,
            th=th, expected=expected, scope=scope,
            never_tiered=found("never_tiered", "never_tiered"),
            mismatch=found("tier_mismatch", "mismatch"),
            no_owner=found("no_owner", "no_owner"),
        ))
        self.env.cr.execute(SQL(
            """
            INSERT INTO audit_tiering_result
                   (run_id, branch_id, customer_count, mismatch_count, no_owner_count, never_tiered_count,
                    finding_count, tiering_date, policy_changed, create_uid, create_date, write_uid, write_date)
            SELECT %(run)s, customers.branch_id, customers.n,
                   COALESCE(found.mismatch, 0), COALESCE(found.no_owner, 0), COALESCE(found.never_tiered, 0),
                   COALESCE(found.mismatch + found.no_owner + found.never_tiered, 0),
                   branch.tiering_date, COALESCE(branch.tiering_policy_changed, FALSE),
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM (SELECT p.branch_id, count(*) AS n FROM res_partner p WHERE %(scope)s GROUP BY p.branch_id)
                   AS customers
              JOIN bank_branch AS branch ON branch.id = customers.branch_id
         LEFT JOIN (SELECT branch_ref,
                           count(*) FILTER (WHERE kind = 'tier_mismatch') AS mismatch,
                           count(*) FILTER (WHERE kind = 'no_owner') AS no_owner,
                           count(*) FILTER (WHERE kind = 'never_tiered') AS never_tiered
                      FROM audit_tiering_finding WHERE run_ref = %(run)s GROUP BY branch_ref) AS found
                ON found.branch_ref = customers.branch_id
            """,
            run=run.id, uid=self.env.uid, scope=scope,
        ))

    def unlink(self):
        # the findings have no foreign key to cascade from (audit.tiering.finding)
        run_ids = self.ids
        res = super().unlink()
        self.env.cr.execute(SQL("DELETE FROM audit_tiering_finding WHERE run_ref = ANY(%s)", run_ids))
        return res

    # ------------------------------------------------------------------
    # Screens
    # ------------------------------------------------------------------
    def _action_findings(self, domain, name):
        action = self.env["ir.actions.act_window"]._for_xml_id("audit_penalty.action_audit_tiering_finding")
        action.update({"domain": domain, "context": {}, "name": name})
        return action

    def action_view_findings(self):
        self.ensure_one()
        return self._action_findings([("run_ref", "=", self.id)], self.display_name)

    def action_view_results(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("audit_penalty.action_audit_tiering_result")
        action.update({"domain": [("run_id", "=", self.id)], "context": {}, "name": self.display_name})
        return action

    def action_view_customers(self, kind=None):
        """The bank customers behind the run's findings (of ``kind``)."""
        self.ensure_one()
        return self.env["audit.tiering.result"]._action_customers(
            [("run_ref", "=", self.id)], kind, self.display_name,
        )

    def action_view_mismatch(self):
        return self.action_view_customers("tier_mismatch")

    def action_view_no_owner(self):
        return self.action_view_customers("no_owner")

    def action_view_never_tiered(self):
        return self.action_view_customers("never_tiered")
