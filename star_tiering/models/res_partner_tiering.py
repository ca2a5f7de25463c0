"""The nightly star-tiering engine.

Every step is one set-based SQL statement over the customers of a chunk of
branches (never a query per customer), and each changed customer row is
written once per run; the ORM is used only for the few per-branch
notifications. tests/bench_star_tiering.py measures it on 1,000,000 customers.
"""
import datetime
import logging
from collections import defaultdict

import psycopg2.errors
import pytz
from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .star_tier_policy_line import TIERS

_logger = logging.getLogger(__name__)

# DOMAIN.md §1: a change of AUM of 200,000 or more (either way) since the
# previous run is reported to the branch president (大额资产变化+20万以上).
AUM_CHANGE_ALERT = 200000
# Customers per committed chunk of the nightly job: a crash loses at most one
# chunk, and every branch is either fully tiered or untouched.
CHUNK_CUSTOMERS = 100000
# Reading and comparing a customer costs about this fraction of writing one
# (the night's work estimate counts both).
READ_COST_RATIO = 20
# A usual night (a few per cent of a million customers changed) is shared
# among the cron workers, in chunks of at least this many customers to work on.
MIN_CHUNK_CUSTOMERS = 25000
# A bulk write of at least this many rows refreshes the table's planner
# statistics at once (_sql_analyze) instead of waiting for autovacuum.
ANALYZE_MIN_ROWS = 10000
# The nightly actions run at this hour of the bank's day (after the feed).
NIGHTLY_HOUR = 2
# Marks, in the snapshot, a customer never contacted whose first contact is
# still to be set (_sql_level_first_contacts); never a real date.
LEVEL_FIRST_CONTACT = "0001-01-01"
# Lines listed in a notification before "and N more".
NOTIFY_LIST_LIMIT = 30


class ResPartner(models.Model):
    # The engine has a file of its own on purpose, apart from res_partner.py
    # (the customer's fields and who may write them).
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Scheduling
    # ------------------------------------------------------------------
    @api.model
    def _cron_star_tiering(self):
        """One chunk of branches per call; the cron framework commits after
        each call and calls again while ``remaining`` is positive.

        Several cron workers can share the night: each call claims its chunk
        (row locks on the branches, skipping those another worker holds), so
        two workers never tier the same branch; the nightly job has a second
        scheduled action for the second cron thread Odoo runs by default."""
        today = self.env["bank.branch"]._bank_today()
        pending = self.env["bank.branch"].search(
            ["|", ("tiering_date", "=", False), ("tiering_date", "<", today)], order="id"
        )
        chunk = self._star_tiering_next_chunk(pending) if pending else pending
        if chunk:
            # a night without the core-banking feed is reported to head office
            # (once), rather than silently tiering yesterday's figures
            self.env["star.tier.feed.log"]._check_feed_arrived()
        if not chunk:
            # nothing left, or every pending branch is being tiered by another worker
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return 0
        stats = self._star_tiering_apply(chunk, reason="nightly")
        chunk.write({"tiering_date": today, "tiering_policy_changed": False})
        remaining = len(pending) - len(chunk)
        _logger.info("Star tiering: %s branch(es) done, %s remaining: %s", len(chunk), remaining, stats)
        self.env["ir.cron"]._notify_progress(done=len(chunk), remaining=remaining)
        return remaining

    @api.model
    def _star_tiering_schedule_crons(self, hour=NIGHTLY_HOUR):
        """Schedule the nightly actions at ``hour`` o'clock bank time (02:00,
        after the core-banking feed), whatever the server's time zone."""
        Branch = self.env["bank.branch"]
        tz = Branch._bank_tz()
        day = Branch._bank_today() + datetime.timedelta(days=1)
        local = tz.localize(datetime.datetime.combine(day, datetime.time(hour)))
        nextcall = local.astimezone(pytz.utc).replace(tzinfo=None)
        crons = self.env["ir.cron"].sudo().search(
            [("model_id.model", "=", "res.partner"), ("code", "=like", "%._cron_star_tiering()%")]
        )
        crons.write({"nextcall": nextcall})
        return nextcall

    @api.model
    def _star_tiering_run_all(self, commit=False):
        """Run every pending chunk now (set-up scripts and benchmarks); commits
        between chunks when asked, as the cron framework does."""
        # pylint: disable=invalid-commit  # commit=True only: chunk by chunk, as the cron framework commits
        while self._cron_star_tiering():
            if commit:
                self.env.cr.commit()
        if commit:
            self.env.cr.commit()

    @api.model
    def _star_tiering_workers(self):
        """How many cron workers share the nightly run: its active scheduled
        actions (the addon ships two, for Odoo's default two cron threads)."""
        return max(1, self.env["ir.cron"].sudo().search_count(
            [("model_id.model", "=", "res.partner"), ("state", "=", "code"),
             ("code", "=like", "%._cron_star_tiering()%")]
        ))

    @api.model
    def _star_tiering_claim(self, branch, wait=False):
        """Claim ``branch`` for the rest of this transaction (its row lock), so
        that no other tiering run (the other cron worker, an on-demand
        re-tier) works on it at the same time. Without ``wait``, a branch held
        elsewhere, or changed since this transaction began (another worker
        may have just finished it), is not claimed (False); with it, such a
        branch raises a UserError. A user's edit of a claimed branch waits for
        the chunk's commit."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(SQL(
                    "SELECT id FROM bank_branch WHERE id = %s FOR NO KEY UPDATE NOWAIT", branch.id
                ), log_exceptions=False)
                claimed = True
        except (psycopg2.errors.LockNotAvailable, psycopg2.errors.SerializationFailure):
            claimed = False
        if not claimed and wait:
            raise UserError(self.env._(
                "The customers of %(branch)s are being tiered right now (the nightly run or another "
                "user). Try again in a few minutes.", branch=branch.display_name,
            ))
        return claimed

    @api.model
    def _star_tiering_run_manual(self, branches, partner_ids=None):
        """Re-tier on demand (the branch and customer actions): the branches
        are claimed first, so a manual run never overlaps the nightly one."""
        for branch in branches:
            self._star_tiering_claim(branch, wait=True)
        return self._star_tiering_apply(branches, partner_ids=partner_ids, reason="manual")

    @api.model
    def _star_tiering_next_chunk(self, branches):
        """Claim (_star_tiering_claim) the leading free branches of ``branches``
        with half a worker's share of the night's work left: the go-live night
        splits into chunks of up to CHUNK_CUSTOMERS customers, shrinking at the
        end, a usual night (a few per cent changed) into one chunk per worker
        (_star_tiering_workers), at least MIN_CHUNK_CUSTOMERS each.

        The work is estimated, cheaply: every customer of a branch never
        tiered or whose policy was edited since its last run, else the
        customers not tiered yet, whose tier the thresholds change or whose
        AUM moved by the alert's amount from its reference (the exact set,
        _sql_tiering_diff, also catches owners who left; those are few). A
        daily drift that changes none of these costs the diff's read only."""
        # branches claimed one by one, as they are needed; the first before the
        # work is counted: a worker with nothing left to claim does not count it
        claimed = (branch for branch in branches if self._star_tiering_claim(branch))
        first = next(claimed, None)
        if not first:
            return branches.browse()
        policy_edited = branches.filtered(lambda b: not b.tiering_date or b.tiering_policy_changed)
        policies = branches._get_tier_policy()
        complete = [b for b in branches.ids if len(policies.get(b, ())) == len(TIERS)]
        counts = dict(self.env.execute_query(SQL(
            """
            WITH th AS (
                SELECT branch_id,
                       max(min_aum) FILTER (WHERE tier = '3') AS min3,
                       max(min_aum) FILTER (WHERE tier = '4') AS min4,
                       max(min_aum) FILTER (WHERE tier = '5') AS min5
                  FROM %(pol)s GROUP BY branch_id
            )
            SELECT p.branch_id,
                   count(*) FILTER (WHERE p.branch_id = ANY(%(full)s) OR p.star_tier = '0' OR p.tier_aum IS NULL
                                       OR abs(COALESCE(p.aum_daily_avg, 0) - p.tier_aum) >= %(alert)s
                                       OR p.star_tier <> %(tier)s)
                   -- every customer is read and compared: a feed night, where
                   -- nearly all figures moved a little, is shared too
                   + count(*) / %(read_cost)s
              FROM res_partner p
              JOIN th ON th.branch_id = p.branch_id
             WHERE p.branch_id = ANY(%(ids)s) AND p.active
             GROUP BY p.branch_id
            """,
            pol=self._sql_policy_table(complete, policies), full=policy_edited.ids, ids=complete,
            alert=AUM_CHANGE_ALERT, read_cost=READ_COST_RATIO,
            tier=self._sql_tier_expr(
                SQL("COALESCE(p.aum_daily_avg, 0)"), SQL("p.has_business"),
                SQL("th.min3"), SQL("th.min4"), SQL("th.min5"),
            ),
        ))) if complete else {}
        # Among several workers, one takes half its share of the work left
        # (the branches other workers hold count too) at a time: the chunks
        # shrink as the night ends, so that the workers finish together, down
        # to a floor that keeps a usual night at one chunk per worker. (Taking
        # a whole share, a worker left the other idle for a 10 s chunk of the
        # go-live night.) A single worker takes it all, CHUNK_CUSTOMERS at most.
        workers = self._star_tiering_workers()
        share = -(-sum(counts.values()) // (2 * workers if workers > 1 else 1))
        target = min(CHUNK_CUSTOMERS, max(MIN_CHUNK_CUSTOMERS, share))
        chunk, total = first, counts.get(first.id, 0)
        while total < target and (branch := next(claimed, None)):
            chunk |= branch
            total += counts.get(branch.id, 0)
        return chunk

    # ------------------------------------------------------------------
    # The engine
    # ------------------------------------------------------------------
    @api.model
    def _star_tiering_apply(self, branches, partner_ids=None, reason="nightly"):
        """Tier, route, schedule and alert the customers of ``branches``
        (optionally only ``partner_ids``). Returns counters.

        Only the customers whose stored tiering differs from what the rules
        give today are worked on (_sql_tiering_diff): their new tier, owners
        and next contact are worked out in a temporary table of the columns
        the run needs (the name only for the notices and to-dos), then each
        of them is written once (one row version per changed customer, not one
        per step; res.partner carries a dozen indexes). A night where 5 % of
        the assets moved touches those 5 %; a second run over unchanged data
        writes nothing."""
        self.env.flush_all()
        # the statements below scan up to a whole branch chunk once each;
        # compiling them (PostgreSQL's JIT, on by default) costs more than it saves
        self.env.cr.execute("SET LOCAL jit = off")
        # the routing sorts and hashes a whole chunk (100,000 customers, a few
        # MB): in memory rather than in temporary files (work_mem is 4 MB by
        # default); this transaction only
        self.env.cr.execute("SET LOCAL work_mem = '64MB'")
        policies = branches._get_tier_policy()
        # a policy lacking a tier exists only while data files load (install
        # mode); its branch waits for the complete policy
        branch_ids = [bid for bid in branches.ids if len(policies.get(bid, ())) == len(TIERS)]
        stats = {"tier_changes": 0, "owner_changes": 0, "maintenance_todos": 0, "aum_alerts": 0}
        if not branch_ids:
            return stats
        scope = SQL("p.branch_id = ANY(%s) AND p.active", branch_ids)
        if partner_ids is not None:
            scope = SQL("%s AND p.id = ANY(%s)", scope, list(partner_ids))
        calc, load = SQL.identifier("star_tier_calc"), SQL.identifier("star_tier_load")
        self.env.execute_query(SQL("DROP TABLE IF EXISTS %s, %s", calc, load))
        try:
            candidates = self._star_tiering_candidates(branch_ids, policies)
            tier_rows = owner_rows = secondary_rows = alerts = stand_ins = []
            if self._sql_calc_tiers(calc, scope, branch_ids, policies, candidates):
                self._sql_calc_loads(calc, load, branch_ids)
                self._sql_calc_owners(calc, load, branch_ids, policies, "owner", "primary_role", candidates)
                self._sql_calc_owners(calc, load, branch_ids, policies, "secondary", "secondary_role", candidates)
                self._sql_level_first_contacts(calc, branch_ids, policies)
                tier_rows, owner_rows, secondary_rows, alerts, counts = self._sql_write_tiering(calc, reason)
                stats.update(counts)
                stand_ins = self._sql_stand_ins(calc, policies, candidates)
        finally:
            self.env.execute_query(SQL("DROP TABLE IF EXISTS %s, %s, star_tier_wdays", calc, load))
        stats["aum_alerts"] = len(alerts)
        self._sql_hand_over_activities(owner_rows)
        self._sql_post_tracking(tier_rows, owner_rows, secondary_rows)
        stats["maintenance_todos"] = self._sql_schedule_maintenance(scope)
        self._sql_schedule_aum_change(alerts)
        self.env.invalidate_all()
        # the scheduled action's notices reach the inboxes without a live
        # push (bank.branch._notify_thread_by_inbox); the re-tier actions' do
        notifier = self.with_context(star_tiering_night=True) if reason == "nightly" else self
        notifier._notify_handovers(owner_rows)
        notifier._notify_stand_ins(stand_ins)
        notifier._notify_aum_changes(alerts)
        stats["president_stand_ins"] = len(stand_ins)
        return stats

    def _sql_context(self):
        return {
            "today": self.env["bank.branch"]._bank_today(),
            "now": fields.Datetime.now(),
            "uid": self.env.uid,
        }

    @api.model
    def _sql_policy_table(self, branch_ids, policies):
        """The policies as an SQL table pol(branch_id, tier, min_aum, cadence,
        primary_role, secondary_role)."""
        rows = [(b, t, line) for b in branch_ids for t, line in policies[b].items()]
        return SQL(
            """(SELECT * FROM unnest(%s::int[], %s::varchar[], %s::numeric[], %s::int[], %s::varchar[], %s::varchar[])
                  AS x(branch_id, tier, min_aum, cadence, primary_role, secondary_role)) AS pol""",
            [r[0] for r in rows], [r[1] for r in rows], [float(r[2].min_aum) for r in rows],
            [r[2].cadence_days for r in rows], [r[2].primary_role for r in rows],
            [r[2].secondary_role or None for r in rows],
        )

    @api.model
    def _sql_tier_expr(self, aum, has_business, min3, min4, min5):
        """The tier rule (DOMAIN.md §1): AUM ≥ the branch's 5★, 4★, 3★ minimum
        (boundaries included), else 2★ for any business (AUM > 0 or the feed's
        flag), else 1★."""
        return SQL(
            """CASE WHEN %(aum)s >= %(min5)s THEN '5' WHEN %(aum)s >= %(min4)s THEN '4'
                    WHEN %(aum)s >= %(min3)s THEN '3' WHEN %(aum)s > 0 OR %(biz)s THEN '2'
                    ELSE '1' END""",
            aum=aum, biz=has_business, min3=min3, min4=min4, min5=min5,
        )

    @api.model
    def _sql_next_contact_expr(self, c, today, levelled):
        """The contact-cadence rule (DOMAIN.md §1, 存量客户的分级维护) for the
        snapshot row ``c``: next contact = last contact + the tier's cadence.
        On a customer's first tiering (the go-live night), a customer never
        contacted, or whose cadence is already over, gets ``levelled`` (the
        LEVEL_FIRST_CONTACT mark, which _sql_level_first_contacts replaces by
        a working day within the first cadence period once the owners are
        known), instead of every such customer due at once; later nights keep
        that first contact date while the tier stays and it lies within the
        cadence from the tier date, and re-level a customer never contacted
        whose date no longer does."""
        return SQL(
            """CASE WHEN %(c)s.new_tier = %(c)s.old_tier AND %(c)s.old_next IS NOT NULL
                         AND %(c)s.old_next < %(c)s.new_tier_date + %(c)s.cadence
                         AND (%(c)s.last_contact_date IS NULL
                              OR %(c)s.old_next > %(c)s.last_contact_date + %(c)s.cadence)
                    THEN %(c)s.old_next
                    WHEN %(c)s.last_contact_date IS NOT NULL
                         AND (%(c)s.old_tier <> '0' OR %(c)s.last_contact_date + %(c)s.cadence >= %(today)s)
                    THEN %(c)s.last_contact_date + %(c)s.cadence
                    ELSE %(levelled)s END""",
            c=c, today=today, levelled=levelled,
        )

    @api.model
    def _star_tiering_working_days(self, branch_ids, policies):
        """The temporary table star_tier_wdays(calendar_id, k, day): the k-th
        (from 0) working day from the bank's today of each calendar the
        branches use, over the longest cadence; and the SQL table
        lv(branch_id, tier, calendar_id, wcount): how many of them fall within
        each tier's cadence. A few hundred rows: the branches share a few
        calendars."""
        today = self.env["bank.branch"]._bank_today()
        branches = self.env["bank.branch"].sudo().browse(branch_ids)
        company_calendar = self.env.company.resource_calendar_id
        horizon = max(line.cadence_days for b in branch_ids for line in policies[b].values())
        days_by_calendar, rows = {}, []
        for branch in branches:
            calendar = branch.resource_calendar_id or company_calendar
            if calendar.id not in days_by_calendar:
                days_by_calendar[calendar.id] = calendar._bank_working_days(
                    today, today + datetime.timedelta(days=horizon - 1)) if calendar else []
            days = days_by_calendar[calendar.id]
            for tier, line in policies[branch.id].items():
                end = today + datetime.timedelta(days=line.cadence_days)
                rows.append((branch.id, tier, calendar.id or 0, sum(1 for d in days if d < end)))
        wdays = SQL.identifier("star_tier_wdays")
        self.env.execute_query(SQL("DROP TABLE IF EXISTS %s", wdays))
        flat = [(cid or 0, k, day) for cid, days in days_by_calendar.items() for k, day in enumerate(days)]
        self.env.execute_query(SQL(
            """CREATE TEMPORARY TABLE %(t)s AS
               SELECT * FROM unnest(%(c)s::int[], %(k)s::int[], %(d)s::date[]) AS w(calendar_id, k, day)""",
            t=wdays, c=[r[0] for r in flat], k=[r[1] for r in flat], d=[r[2] for r in flat],
        ))
        self.env.execute_query(SQL("CREATE UNIQUE INDEX ON %s (calendar_id, k)", wdays))
        self.env.execute_query(SQL("ANALYZE %s", wdays))
        lv = SQL(
            """(SELECT * FROM unnest(%s::int[], %s::varchar[], %s::int[], %s::int[])
                  AS x(branch_id, tier, calendar_id, wcount))""",
            [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows],
        )
        return wdays, lv

    @api.model
    def _sql_level_first_contacts(self, calc, branch_ids, policies):
        """Give the customers of the snapshot never contacted and without a
        valid first contact date (LEVEL_FIRST_CONTACT, _sql_next_contact_expr)
        their first contact: each owner's such customers of a tier, in
        turn, on the working days from today within the tier's cadence
        (round robin), so that each owner's daily list is about the same
        size from the go-live night on, instead of every customer due at once."""
        wdays, lv = self._star_tiering_working_days(branch_ids, policies)
        self.env.execute_query(SQL(
            """
            WITH todo AS (
                SELECT c.id, lv.calendar_id, lv.wcount,
                       row_number() OVER (PARTITION BY c.branch_id, c.new_owner, c.new_tier ORDER BY c.id) - 1 AS seq
                  FROM %(calc)s c
                  JOIN %(lv)s AS lv ON lv.branch_id = c.branch_id AND lv.tier = c.new_tier
                 WHERE c.new_next = %(level)s::date
            )
            UPDATE %(calc)s c
               SET new_next = COALESCE(w.day, %(today)s::date)
              FROM todo t
              LEFT JOIN %(wdays)s w ON w.calendar_id = t.calendar_id AND t.wcount > 0
                                   AND w.k = mod(t.seq, GREATEST(t.wcount, 1))
             WHERE c.id = t.id
            """,
            calc=calc, lv=lv, wdays=wdays, level=LEVEL_FIRST_CONTACT,
            today=self.env["bank.branch"]._bank_today(),
        ))

    @api.model
    def _sql_tiering_diff(self, scope, branch_ids, policies, candidates):
        """SELECT of the customers in ``scope`` whose stored tiering is not what
        the rules give today, with their old and new values: the tier differs
        (AUM, business flag or thresholds moved), the AUM moved since the last
        run (the large-change alert compares them), the next contact differs
        (a cadence was edited), or an owner no longer holds the tier's role in
        the branch (or is missing while someone holds it). The customers it
        leaves out are exactly those a full run would not write.
        ``candidates``: _star_tiering_candidates().

        It reads every customer in scope once, so it joins only the branch's
        row (thresholds and cadences, from the policy table) and looks the owners up in
        constant arrays, which PostgreSQL hashes: (branch, tier) is the key
        ``branch_id * 10 + tier``, and an eligible owner that key, the slot
        (0 primary, 1 secondary) and the user id packed in a bigint. Joining
        the policy lines and the staff on the computed tier was planned as
        sorts and merges: 5 s instead of about 1 s for a million customers."""
        today = self.env["bank.branch"]._bank_today()
        # the president's stand-in (fallback) is for the primary owner only
        users = (defaultdict(list), defaultdict(list))
        for branch_id, role, user_id, fallback in candidates:
            users[0][branch_id, role].append(user_id)
            if not fallback:
                users[1][branch_id, role].append(user_id)
        staffed, elig = ([], []), []
        for branch_id in branch_ids:
            lines = policies[branch_id]
            for tier, _label in TIERS:
                key = branch_id * 10 + int(tier)
                for slot, role in enumerate((lines[tier].primary_role, lines[tier].secondary_role)):
                    holders = users[slot].get((branch_id, role), []) if role else []
                    if holders:
                        staffed[slot].append(key)
                    elig.extend(((key * 2 + slot) << 31) + uid for uid in holders)

        def has_owner(slot, column):
            key = SQL("dated.branch_id * 10 + dated.new_tier::int")
            return SQL(
                """CASE WHEN %(owner)s IS NULL THEN %(key)s <> ALL(%(staffed)s::int[])
                        ELSE ((%(key)s) * 2 + %(slot)s)::bigint * 2147483648 + %(owner)s = ANY(%(elig)s::bigint[])
                   END""",
                owner=SQL.identifier("dated", column), key=key, slot=slot,
                staffed=staffed[slot], elig=elig,
            )

        return SQL(
            """
            WITH th AS (
                SELECT branch_id,
                       max(min_aum) FILTER (WHERE tier = '3') AS min3,
                       max(min_aum) FILTER (WHERE tier = '4') AS min4,
                       max(min_aum) FILTER (WHERE tier = '5') AS min5,
                       array_agg(cadence ORDER BY tier) AS cadences
                  FROM %(pol)s GROUP BY branch_id
            ), dated AS (
                SELECT p.id, p.branch_id, p.complete_name AS name, COALESCE(p.aum_daily_avg, 0) AS aum,
                       p.last_contact_date, p.star_tier AS old_tier, t.new_tier, p.star_tier_date AS old_tier_date,
                       p.tier_owner_id AS old_owner, p.tier_secondary_owner_id AS old_secondary,
                       p.next_contact_date AS old_next, p.tier_aum AS old_tier_aum,
                       CASE WHEN t.new_tier IS DISTINCT FROM p.star_tier THEN %(today)s::date
                            ELSE p.star_tier_date END AS new_tier_date,
                       th.cadences[t.new_tier::int] AS cadence
                  FROM res_partner p
                  JOIN th ON th.branch_id = p.branch_id
                 CROSS JOIN LATERAL (SELECT %(tier)s AS new_tier) AS t
                 WHERE %(scope)s
            )
            SELECT id, branch_id, name, aum, last_contact_date, old_tier, new_tier, old_tier_date,
                   old_owner, old_secondary, old_next, old_tier_aum, new_tier_date,
                   old_owner AS new_owner, old_secondary AS new_secondary, %(next)s AS new_next
              FROM dated
             WHERE new_tier IS DISTINCT FROM old_tier
                -- the alert's reference moves on an alert or a tier change only
                OR old_tier_aum IS NULL OR abs(aum - old_tier_aum) >= %(alert)s
                OR %(next)s IS DISTINCT FROM old_next
                OR NOT %(owner_ok)s
                OR NOT %(secondary_ok)s
            """,
            pol=self._sql_policy_table(branch_ids, policies), scope=scope, today=today,
            owner_ok=has_owner(0, "old_owner"), secondary_ok=has_owner(1, "old_secondary"),
            tier=self._sql_tier_expr(
                SQL("COALESCE(p.aum_daily_avg, 0)"), SQL("p.has_business"),
                SQL("th.min3"), SQL("th.min4"), SQL("th.min5"),
            ),
            next=self._sql_next_contact_expr(SQL("dated"), today, SQL("%s::date", LEVEL_FIRST_CONTACT)),
            alert=AUM_CHANGE_ALERT,
        )

    @api.model
    def _sql_calc_tiers(self, calc, scope, branch_ids, policies, candidates):
        """Snapshot the customers in scope that need work (_sql_tiering_diff),
        with their new tier and next contact; owners are routed next.
        Returns how many there are."""
        self.env.cr.execute(SQL(
            "CREATE TEMPORARY TABLE %s AS %s", calc,
            self._sql_tiering_diff(scope, branch_ids, policies, candidates),
        ))
        count = self.env.cr.rowcount
        if count:
            self.env.execute_query(SQL("ANALYZE %s", calc))
        return count

    @api.model
    def _sql_calc_loads(self, calc, load, branch_ids):
        """How many customers each owner keeps outside the snapshot, per
        branch, tier, owner and secondary owner: routing evens the load over
        the whole branch, not only over the customers being routed."""
        self.env.execute_query(SQL(
            """
            CREATE TEMPORARY TABLE %(load)s AS
            SELECT p.branch_id, p.star_tier AS tier, p.tier_owner_id AS owner,
                   p.tier_secondary_owner_id AS secondary, count(*) AS n
              FROM res_partner p
             WHERE p.branch_id = ANY(%(branch_ids)s) AND p.active
               AND NOT EXISTS (SELECT 1 FROM %(calc)s c WHERE c.id = p.id)
             GROUP BY p.branch_id, p.star_tier, p.tier_owner_id, p.tier_secondary_owner_id
            """,
            load=load, calc=calc, branch_ids=branch_ids,
        ))

    @api.model
    def _star_tiering_candidates(self, branch_ids, policies):
        """[(branch_id, role, user_id, fallback)]: for each branch and the
        roles its policy routes to (primary and secondary), the active staff
        holding the role in the branch, or in the nearest parent branch that
        has any (an outlet's 5★ customers go to its sub-branch president).
        When nobody in the branch or up its tree holds a primary role, the
        branch president (the branch's, or the nearest parent's) stands in
        (``fallback`` True): a customer is never left without an owner, nor
        with one who left (archived, moved, another role)."""
        users = self.env["res.users"].sudo().with_context(active_test=True).search(
            [("branch_id", "!=", False), ("bank_role", "!=", False), ("share", "=", False)], order="id"
        )
        by_branch_role = defaultdict(list)
        for user in users:
            by_branch_role[user.branch_id.id, user.bank_role].append(user.id)
        rows = []
        for branch in self.env["bank.branch"].sudo().browse(branch_ids):
            lines = policies[branch.id].values()
            primary = {line.primary_role for line in lines}
            for role in primary | {line.secondary_role for line in lines if line.secondary_role}:
                source = branch
                while source and not by_branch_role.get((source.id, role)):
                    source = source.parent_id
                holders = by_branch_role.get((source.id, role), []) if source else []
                rows.extend((branch.id, role, user_id, False) for user_id in holders)
                if not holders and role in primary:
                    president = branch._bank_president()
                    if president:
                        rows.append((branch.id, role, president.id, True))
        return rows

    @api.model
    def _sql_calc_owners(self, calc, load, branch_ids, policies, column, role_field, candidates):
        """Owner routing for one owner column of the snapshot (``owner`` or
        ``secondary``). A customer whose owner still holds the new tier's role
        (in the branch or the parent that supplies it) keeps them: no churn.
        The others fill up the least-loaded candidates first (water-filling),
        counting the customers each keeps outside the snapshot (``load``:
        _sql_calc_loads), so the load evens out over the branch.
        ``candidates``: _star_tiering_candidates()."""
        old, new = SQL.identifier(f"old_{column}"), SQL.identifier(f"new_{column}")
        # the president's stand-in (fallback) is for the primary owner only
        elig = [c for c in candidates if column == "owner" or not c[3]]
        self.env.execute_query(SQL(
            """
            WITH elig AS (
                SELECT * FROM unnest(%(eb)s::int[], %(er)s::varchar[], %(eu)s::int[]) AS e(branch_id, role, user_id)
            ), pol AS (
                SELECT branch_id, tier, %(role_field)s AS role FROM %(pol)s
            ), cust AS (
                SELECT c.id, c.branch_id, pol.role, c.%(old)s AS owner
                  FROM %(calc)s c
                  JOIN pol ON pol.branch_id = c.branch_id AND pol.tier = c.new_tier
            ), keep AS (
                SELECT c.id, c.branch_id, c.role, c.owner
                  FROM cust c
                  JOIN elig e ON e.branch_id = c.branch_id AND e.role = c.role AND e.user_id = c.owner
            ), kept AS (
                SELECT l.branch_id, pol.role, l.%(old_col)s AS owner, sum(l.n) AS n
                  FROM %(load)s l
                  JOIN pol ON pol.branch_id = l.branch_id AND pol.tier = l.tier
                 WHERE l.%(old_col)s IS NOT NULL
                 GROUP BY l.branch_id, pol.role, l.%(old_col)s
            ), load AS (
                SELECT e.branch_id, e.role, e.user_id, COALESCE(max(o.n), 0) + count(k.id) AS held
                  FROM elig e
                  LEFT JOIN kept o ON o.branch_id = e.branch_id AND o.role = e.role AND o.owner = e.user_id
                  LEFT JOIN keep k ON k.branch_id = e.branch_id AND k.role = e.role AND k.owner = e.user_id
                 GROUP BY e.branch_id, e.role, e.user_id
            ), todo AS (
                SELECT c.id, c.branch_id, c.role,
                       row_number() OVER (PARTITION BY c.branch_id, c.role ORDER BY c.id) AS seq
                  FROM cust c
                 WHERE NOT EXISTS (SELECT 1 FROM keep k WHERE k.id = c.id)
            ), bounds AS (
                -- the fill level never exceeds the heaviest load + ceil(new / candidates)
                SELECT l.branch_id, l.role, max(l.held) + ceil(n.todo::numeric / count(*)) AS top
                  FROM load l
                  JOIN (SELECT branch_id, role, count(*) AS todo FROM todo GROUP BY branch_id, role) n
                    ON n.branch_id = l.branch_id AND n.role = l.role
                 GROUP BY l.branch_id, l.role, n.todo
            ), slots AS (
                -- water-filling: the k-th customer to place takes the k-th free slot
                -- ordered by the load it brings its owner to
                SELECT l.branch_id, l.role, l.user_id,
                       row_number() OVER (PARTITION BY l.branch_id, l.role ORDER BY s.level, l.user_id) AS seq
                  FROM load l
                  JOIN bounds b ON b.branch_id = l.branch_id AND b.role = l.role
                 CROSS JOIN LATERAL generate_series(l.held, b.top::bigint) AS s(level)
            ), assign AS (
                SELECT t.id, s.user_id AS new_owner
                  FROM todo t
                  LEFT JOIN slots s ON s.branch_id = t.branch_id AND s.role = t.role AND s.seq = t.seq
            )
            UPDATE %(calc)s c SET %(new)s = a.new_owner
              FROM assign a
             WHERE c.id = a.id AND c.%(new)s IS DISTINCT FROM a.new_owner
            """,
            eb=[c[0] for c in elig], er=[c[1] for c in elig], eu=[c[2] for c in elig],
            pol=self._sql_policy_table(branch_ids, policies), role_field=SQL.identifier(role_field),
            calc=calc, old=old, new=new, load=load,
            old_col=SQL.identifier(column),
        ))

    @api.model
    def _sql_alert_reference_reset(self, alias):
        """The large-change alert (DOMAIN.md §1) compares the AUM with a
        reference the customer keeps (tier_aum): the AUM of their last tier
        change or alert. The reference moves only then, so a slow drift of
        200,000 over weeks is reported once, when it adds up, and a daily
        wobble of the annual average never; a customer whose figure drifted
        without changing tier, owner or contact date is read, not written."""
        return SQL(
            """(%(c)s.new_tier IS DISTINCT FROM %(c)s.old_tier OR %(c)s.old_tier_aum IS NULL
                OR abs(%(c)s.aum - %(c)s.old_tier_aum) >= %(alert)s)""",
            c=alias, alert=AUM_CHANGE_ALERT,
        )

    @api.model
    def _sql_write_tiering(self, calc, reason):
        """Write each changed customer once, add the tier history, and return
        (tier changes, primary owner changes, secondary owner changes, AUM
        alerts, counts): [(partner_id, old, new)] for the changes from an
        earlier tier, [(partner_id, old, new, branch_id)] ×2 for those from
        an earlier owner, [(partner_id, branch_id, old_aum, new_aum, owner,
        name)] for the customers whose AUM moved by AUM_CHANGE_ALERT or more
        either way since the previous run, and {"tier_changes": n,
        "owner_changes": n} counting every change, first ones included."""
        ctx = self._sql_context()
        self.env.execute_query(SQL(
            """
            UPDATE res_partner p
               SET star_tier = c.new_tier, star_tier_date = c.new_tier_date,
                   tier_owner_id = c.new_owner, tier_secondary_owner_id = c.new_secondary,
                   next_contact_date = c.new_next,
                   tier_aum = CASE WHEN %(reset)s THEN c.aum ELSE c.old_tier_aum END,
                   write_uid = %(uid)s, write_date = %(now)s
              FROM %(calc)s c
             WHERE p.id = c.id
               AND (c.new_tier IS DISTINCT FROM c.old_tier
                    OR c.new_owner IS DISTINCT FROM c.old_owner
                    OR c.new_secondary IS DISTINCT FROM c.old_secondary
                    OR c.new_next IS DISTINCT FROM c.old_next
                    OR %(reset)s)
            """,
            calc=calc, reset=self._sql_alert_reference_reset(SQL("c")), **ctx,
        ))
        # no ANALYZE here: an UPDATE changes neither res_partner's row count
        # nor its indexed columns (the engine's columns carry no index)
        self.env.cr.execute(SQL(
            """
            INSERT INTO star_tier_history
                   (partner_id, date, old_tier, new_tier, aum, reason, user_id)
            SELECT id, %(today)s, old_tier, new_tier, aum, %(reason)s, %(user)s
              FROM %(calc)s
             WHERE new_tier IS DISTINCT FROM old_tier
            """,
            calc=calc, reason=reason, user=self.env.uid if reason == "manual" else None, **ctx,
        ))
        counts = {"tier_changes": self.env.cr.rowcount}
        # Only changes from an earlier tier or owner come back here: the
        # chatter, the hand-overs and their notices are about those; a first
        # tiering or first owner (every customer on the go-live night) is
        # only counted.
        tier_rows = self.env.execute_query(SQL(
            "SELECT id, old_tier, new_tier FROM %s WHERE new_tier IS DISTINCT FROM old_tier AND old_tier <> '0'",
            calc,
        ))
        owner_rows, secondary_rows = (
            self.env.execute_query(SQL(
                """SELECT id, %(old)s, %(new)s, branch_id FROM %(calc)s
                    WHERE %(new)s IS DISTINCT FROM %(old)s AND %(old)s IS NOT NULL""",
                calc=calc, old=SQL.identifier(f"old_{column}"), new=SQL.identifier(f"new_{column}"),
            ))
            for column in ("owner", "secondary")
        )
        counts["owner_changes"] = self.env.execute_query(SQL(
            """SELECT count(*) FILTER (WHERE new_owner IS DISTINCT FROM old_owner)
                    + count(*) FILTER (WHERE new_secondary IS DISTINCT FROM old_secondary) FROM %s""",
            calc,
        ))[0][0]
        alerts = self.env.execute_query(SQL(
            """
            SELECT id, branch_id, old_tier_aum, aum, new_owner, name FROM %(calc)s
             WHERE old_tier_aum IS NOT NULL AND abs(aum - old_tier_aum) >= %(alert)s
             ORDER BY branch_id, abs(aum - old_tier_aum) DESC
            """,
            calc=calc, alert=AUM_CHANGE_ALERT,
        ))
        return tier_rows, owner_rows, secondary_rows, alerts, counts

    @api.model
    def _sql_analyze(self, table, rows):
        """Refresh ``table``'s planner statistics after a bulk write of
        ``rows`` rows, so that the next statements (this run's, the other
        worker's, the next night's) are not planned on figures that predate
        it: right after the go-live night, before autovacuum had analysed the
        new to-dos, the open-to-do check was planned as a nested loop over
        every to-do for every candidate (12.7 s instead of 3.4 s on 200,000
        customers). ANALYZE samples a fixed number of rows (this
        transaction's own included), so it costs the same at any size. A
        table another worker is analysing in its open transaction is left to
        it rather than waited for."""
        if rows < ANALYZE_MIN_ROWS:
            return False
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute("SET LOCAL lock_timeout = '100ms'")
                self.env.cr.execute(SQL("ANALYZE %s", SQL.identifier(table)), log_exceptions=False)
                self.env.cr.execute("SET LOCAL lock_timeout TO DEFAULT")
        except psycopg2.errors.LockNotAvailable:
            return False
        return True

    @api.model
    def _sql_stand_ins(self, calc, policies, candidates):
        """[(partner_id, branch_id, president, name)]: the customers of the
        snapshot just given to their branch president because nobody in the
        branch holds the tier's role (_star_tiering_candidates' fallback)."""
        keys, presidents = [], []
        for branch_id, role, user_id, fallback in candidates:
            if fallback:
                for tier, line in policies[branch_id].items():
                    if line.primary_role == role:
                        keys.append(branch_id * 10 + int(tier))
                        presidents.append(user_id)
        if not keys:
            return []
        return self.env.execute_query(SQL(
            """
            SELECT c.id, c.branch_id, c.new_owner, c.name
              FROM %(calc)s c
              JOIN unnest(%(keys)s::int[], %(users)s::int[]) AS f(key, user_id)
                ON f.key = c.branch_id * 10 + c.new_tier::int AND f.user_id = c.new_owner
             WHERE c.new_owner IS DISTINCT FROM c.old_owner
             ORDER BY c.branch_id, c.id
            """,
            calc=calc, keys=keys, users=presidents,
        ))

    @api.model
    def _sql_hand_over_activities(self, owner_rows):
        """Open tiering to-dos follow the customer to the new owner."""
        moved = [r for r in owner_rows if r[1] and r[2]]
        if not moved:
            return
        self.env.execute_query(SQL(
            """
            UPDATE mail_activity a
               SET user_id = h.new_owner
              FROM unnest(%(pids)s::int[], %(old)s::int[], %(new)s::int[]) AS h(partner_id, old_owner, new_owner)
             WHERE a.res_model = 'res.partner' AND a.res_id = h.partner_id
               -- the same customers as a plain condition, which res_id's index
               -- serves: joined to the unnest alone, the planner hashed every
               -- open to-do (0.8 s for 14,000 hand-overs among 700,000 to-dos)
               AND a.res_id = ANY(%(pids)s)
               AND a.user_id = h.old_owner AND a.activity_type_id = ANY(%(types)s)
            """,
            pids=[r[0] for r in moved], old=[r[1] for r in moved], new=[r[2] for r in moved],
            types=self.env["mail.activity"]._star_tiering_activity_types().ids,
        ))

    @api.model
    def _sql_post_tracking(self, tier_rows, owner_rows, secondary_rows):
        """Chatter tracking of tier and owner changes, written in bulk as
        mail.tracking.value rows, exactly as mail.thread's tracking stores them.
        A first tiering or first assignment is in the history, not the chatter:
        the rows (_sql_write_tiering) are the changes from an earlier one."""
        tracked = defaultdict(list)
        tier_labels = dict(self._fields["star_tier"]._description_selection(self.env))
        for pid, old, new in tier_rows:
            tracked[pid].append(("star_tier", None, None, tier_labels.get(old), tier_labels.get(new)))
        user_ids = {u for rows in (owner_rows, secondary_rows) for r in rows for u in r[1:3] if u}
        names = {u.id: u.name for u in self.env["res.users"].sudo().browse(list(user_ids))}
        for field_name, rows in (("tier_owner_id", owner_rows), ("tier_secondary_owner_id", secondary_rows)):
            for pid, old, new, _branch in rows:
                tracked[pid].append((field_name, old, new or 0, names.get(old), names.get(new, "")))
        if not tracked:
            return
        field_ids = {
            name: self.env["ir.model.fields"]._get("res.partner", name).id
            for name in ("star_tier", "tier_owner_id", "tier_secondary_owner_id")
        }
        partner_ids = list(tracked)
        ctx = self._sql_context()
        messages = dict(self.env.execute_query(SQL(
            """
            INSERT INTO mail_message (model, res_id, message_type, subtype_id, author_id, date, body,
                                      is_internal, message_id, create_uid, create_date, write_uid, write_date)
            SELECT 'res.partner', pid, 'notification', %(subtype)s, %(author)s, %(now)s, '',
                   TRUE, '<' || gen_random_uuid() || '-star-tiering@odoo>', %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM unnest(%(pids)s::int[]) AS pid
         RETURNING res_id, id
            """,
            subtype=self.env.ref("mail.mt_note").id,
            author=self.env.ref("base.partner_root").id,
            pids=partner_ids, **ctx,
        )))
        values = [
            (messages[pid], field_ids[f], old_i, new_i, old_c, new_c)
            for pid, items in tracked.items()
            for f, old_i, new_i, old_c, new_c in items
        ]
        self.env.execute_query(SQL(
            """
            INSERT INTO mail_tracking_value (mail_message_id, field_id, old_value_integer, new_value_integer,
                                             old_value_char, new_value_char,
                                             create_uid, create_date, write_uid, write_date)
            SELECT v.msg, v.field, v.old_i, v.new_i, v.old_c, v.new_c, %(uid)s, %(now)s, %(uid)s, %(now)s
              FROM unnest(%(msg)s::int[], %(field)s::int[], %(old_i)s::int[], %(new_i)s::int[],
                          %(old_c)s::varchar[], %(new_c)s::varchar[])
                   AS v(msg, field, old_i, new_i, old_c, new_c)
            """,
            msg=[v[0] for v in values], field=[v[1] for v in values],
            old_i=[v[2] for v in values], new_i=[v[3] for v in values],
            old_c=[v[4] for v in values], new_c=[v[5] for v in values], **ctx,
        ))

    @api.model
    def _sql_refresh_next_contact_date(self, partner_ids):
        """Recompute the next contact of edited customers (the nightly run does
        it in its snapshot with the same expression)."""
        partners = self.browse(partner_ids).exists().filtered(lambda p: p.branch_id and p.star_tier != "0")
        if not partners:
            return
        self.env.flush_all()
        branch_ids = partners.branch_id.ids
        pol = self._sql_policy_table(branch_ids, partners.branch_id._get_tier_policy())
        self.env.execute_query(SQL(
            """
            UPDATE res_partner p SET next_contact_date = %(next)s
              FROM %(pol)s
             WHERE p.id = ANY(%(ids)s) AND pol.branch_id = p.branch_id AND pol.tier = p.star_tier
               AND p.next_contact_date IS DISTINCT FROM %(next)s
            """,
            pol=pol, ids=partners.ids,
            next=SQL("COALESCE(p.last_contact_date + pol.cadence, p.next_contact_date, p.star_tier_date)"),
        ))
        self.invalidate_model(["next_contact_date"])

    @api.model
    def _sql_insert_activities(self, activity_type, select_sql):
        """Insert tiering to-dos of ``activity_type`` from a SELECT of
        (partner_id, user_id, deadline, summary, note, customer name),
        skipping the customers that have one open already: the same columns
        mail.activity.create writes (an empty summary shows the activity
        type's name in the user's language), minus the per-record notification
        mail (a nightly batch must not mail thousands of times; the to-dos show
        in each owner's activity menu)."""
        ctx = self._sql_context()
        cand, due = SQL.identifier("star_tier_cand"), SQL.identifier("star_tier_due")
        # The candidates are written to a table of their own and analysed
        # before they are checked against the open to-dos. Checked inside the
        # statement that selects them, the plan rested on statistics that lag
        # behind (the candidates' owners and next contacts were written in
        # this very transaction: one row expected for hundreds of thousands),
        # and the planner re-scanned the to-dos for every candidate,
        # quadratic: 44 s for 70,000 alone, 400 s with two workers measured.
        # With the candidates counted it hashes the open to-dos once, or
        # looks a few candidates up by res_id's index.
        self.env.execute_query(SQL("DROP TABLE IF EXISTS %s, %s", cand, due))
        self.env.execute_query(SQL(
            """
            CREATE TEMPORARY TABLE %(cand)s AS
            SELECT * FROM (%(select)s) AS s(partner_id, user_id, deadline, summary, note, res_name)
            """,
            cand=cand, select=select_sql,
        ))
        self.env.execute_query(SQL("ANALYZE %s", cand))
        self.env.execute_query(SQL(
            """
            CREATE TEMPORARY TABLE %(due)s AS
            SELECT c.* FROM %(cand)s c
             WHERE NOT EXISTS (
                    SELECT 1 FROM mail_activity a
                     WHERE a.res_model = 'res.partner' AND a.res_id = c.partner_id
                       AND a.activity_type_id = %(type)s AND a.active)
            """,
            due=due, cand=cand, type=activity_type.id,
        ))
        try:
            self.env.cr.execute(SQL(
                """
                INSERT INTO mail_activity (res_model_id, res_model, res_id, res_name, activity_type_id, user_id,
                                           user_tz, date_deadline, summary, note, automated, active,
                                           create_uid, create_date, write_uid, write_date)
                SELECT %(model_id)s, 'res.partner', s.partner_id, s.res_name, %(type)s, s.user_id,
                       up.tz, s.deadline, s.summary, s.note, TRUE, TRUE, %(uid)s, %(now)s, %(uid)s, %(now)s
                  FROM %(due)s s
                  JOIN res_users u ON u.id = s.user_id
                  JOIN res_partner up ON up.id = u.partner_id
                """,
                model_id=self.env["ir.model"]._get_id("res.partner"), type=activity_type.id, due=due, **ctx,
            ))
            inserted = self.env.cr.rowcount
            self._sql_analyze("mail_activity", inserted)
            return inserted
        finally:
            self.env.execute_query(SQL("DROP TABLE IF EXISTS %s, %s", cand, due))

    @api.model
    def _sql_schedule_maintenance(self, scope):
        """One open "customer maintenance" to-do per due customer, for its owner."""
        activity_type = self.env.ref("star_tiering.mail_activity_type_customer_maintenance")
        today = self.env["bank.branch"]._bank_today()
        return self._sql_insert_activities(activity_type, SQL(
            """
            SELECT p.id, p.tier_owner_id, p.next_contact_date, NULL::varchar, NULL::text, p.complete_name
              FROM res_partner p
             WHERE %(scope)s AND p.tier_owner_id IS NOT NULL AND p.next_contact_date <= %(today)s
            """,
            scope=scope, today=today,
        ))

    @api.model
    def _sql_schedule_aum_change(self, alerts):
        if not alerts:
            return 0
        activity_type = self.env.ref("star_tiering.mail_activity_type_aum_change")
        today = self.env["bank.branch"]._bank_today()
        return self._sql_insert_activities(activity_type, SQL(
            """
            SELECT a.partner_id, a.owner, %(today)s::date, NULL::varchar,
                   '<p>' || to_char(a.old_aum, 'FM999,999,999,990.00') || ' → '
                         || to_char(a.new_aum, 'FM999,999,999,990.00') || ' CNY</p>', a.name
              FROM unnest(%(pids)s::int[], %(owners)s::int[], %(old)s::numeric[], %(new)s::numeric[],
                          %(names)s::varchar[])
                   AS a(partner_id, owner, old_aum, new_aum, name)
             WHERE a.owner IS NOT NULL
            """,
            today=today, pids=[a[0] for a in alerts], owners=[a[4] for a in alerts],
            old=[a[2] for a in alerts], new=[a[3] for a in alerts], names=[a[5] for a in alerts],
        ))

    # ------------------------------------------------------------------
    # Per-branch notifications (one message per branch and run)
    #
    # Their texts are translated with _(), not self.env._(): the scheduled
    # actions' environment has no language in its context, and _() then
    # falls back to the language of the user the action runs as (OdooBot),
    # where self.env._() would always write English.
    # ------------------------------------------------------------------
    @api.model
    def _star_tiering_notice_body(self, header, lines, total):
        """Header, the first NOTIFY_LIST_LIMIT lines, and how many more."""
        body = Markup("<p>%s</p><ul>%s</ul>") % (header, Markup("").join(lines))
        if total > len(lines):
            # pylint: disable-next=prefer-env-translation  # the nightly run's language: see above
            body += Markup("<p>%s</p>") % _("… and %(count)s more.", count=total - len(lines))
        return body

    @api.model
    def _star_tiering_names(self, partners):
        """{partner id: display name}, read in one batch."""
        return dict(zip(partners.ids, partners.mapped("display_name"), strict=True))

    @api.model
    def _notify_handovers(self, owner_rows):
        """A tier change hands the customer over: both owners are told, in one
        message per branch on the branch's thread."""
        moved = [r for r in owner_rows if r[1] and r[2]]
        if not moved:
            return
        # grouped by the branch the rows carry: browsing tens of thousands of
        # customers here would prefetch every column of each (seen taking 20 s
        # on 30,000)
        by_branch = defaultdict(list)
        for pid, old, new, branch_id in moved:
            by_branch[branch_id].append((pid, old, new))
        listed = [r for rows in by_branch.values() for r in rows[:NOTIFY_LIST_LIMIT]]
        # names read in one batch each: record.browse(id) would prefetch that
        # one record only, a query per line (5 s for 50 branches measured)
        partner_names = self._star_tiering_names(self.sudo().browse([r[0] for r in listed]))
        users = self.env["res.users"].sudo().browse({u for r in moved for u in r[1:3]})
        user_names = {user.id: user.name for user in users}
        branches = self.env["bank.branch"].sudo().browse(list(by_branch))
        by_branch = {branches.browse(bid): rows for bid, rows in by_branch.items()}
        for branch, rows in by_branch.items():
            lines = [
                Markup("<li>%s: %s → %s</li>") % (partner_names[pid], user_names[old], user_names[new])
                for pid, old, new in rows[:NOTIFY_LIST_LIMIT]
            ]
            body = self._star_tiering_notice_body(
                # pylint: disable-next=prefer-env-translation  # the nightly run's language: see above
                _("%(count)s customer(s) were handed over to a new owner after a tier change:", count=len(rows)),
                lines, len(rows),
            )
            recipients = users.browse({u for r in rows for u in r[1:]}).partner_id
            branch.sudo().message_post(
                body=body, partner_ids=recipients.ids, subtype_xmlid="mail.mt_note",
                message_type="comment",
            )

    @api.model
    def _notify_stand_ins(self, stand_ins):
        """The branch president is told, once per run and branch, of the
        customers they stand in for because nobody holds the tier's role."""
        if not stand_ins:
            return
        by_branch = defaultdict(list)
        for _pid, branch_id, president_id, name in stand_ins:
            by_branch[branch_id, president_id].append(name)
        branches = self.env["bank.branch"].sudo().browse({b for b, _u in by_branch})
        presidents = self.env["res.users"].sudo().browse({u for _b, u in by_branch})
        for (branch_id, president_id), names in by_branch.items():
            lines = [Markup("<li>%s</li>") % name for name in names[:NOTIFY_LIST_LIMIT]]
            body = self._star_tiering_notice_body(
                # pylint: disable-next=prefer-env-translation  # the nightly run's language: see above
                _(
                    "Nobody in the branch holds the role that maintains these %(count)s customer(s) "
                    "(their owner left, moved or changed role): they and their open to-dos are yours "
                    "until a member of staff holds the role again:",
                    count=len(names),
                ),
                lines, len(names),
            )
            branches.browse(branch_id).message_post(
                body=body, partner_ids=presidents.browse(president_id).partner_id.ids,
                subtype_xmlid="mail.mt_note", message_type="comment",
            )

    @api.model
    def _notify_aum_changes(self, alerts):
        """Large asset changes are reported to the branch president."""
        if not alerts:
            return
        by_branch = defaultdict(list)
        for pid, branch_id, old, new, _owner, _name in alerts:
            by_branch[branch_id].append((pid, old, new))
        partner_names = self._star_tiering_names(
            self.sudo().browse([r[0] for rows in by_branch.values() for r in rows[:NOTIFY_LIST_LIMIT]])
        )
        for branch in self.env["bank.branch"].sudo().browse(list(by_branch)):
            rows = by_branch[branch.id]
            president = branch._bank_president()
            lines = [
                Markup("<li>%s: %s → %s CNY</li>") % (partner_names[pid], f"{old:,.2f}", f"{new:,.2f}")
                for pid, old, new in rows[:NOTIFY_LIST_LIMIT]
            ]
            threshold = f"{AUM_CHANGE_ALERT:,}"
            body = self._star_tiering_notice_body(
                # pylint: disable-next=prefer-env-translation  # the nightly run's language: see above
                _(
                    "%(count)s customer(s) changed their assets by %(amount)s CNY or more since the "
                    "previous tiering run; their owners have a to-do to contact them:",
                    count=len(rows), amount=threshold,
                ),
                lines, len(rows),
            )
            branch.message_post(
                body=body, partner_ids=president.partner_id.ids, subtype_xmlid="mail.mt_note",
                message_type="comment",
            )
