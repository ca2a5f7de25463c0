#!/usr/bin/env python3
"""Benchmark of call_tracking on a bank-sized database (a report, not a test).

    python3 tests/bench_call_tracking.py [--customers 1000000] [--branches 500]
                                         [--months 12] [--calls-per-day 32]
                                         [--holdings 2000000] [--database NAME] [--keep-db]
                                         [--reuse-db]

1. creates a fresh database (dropped at the end unless --keep-db) and installs
   call_tracking (and star_tiering) with the odoo command line;
2. builds the bank: data/generate_bank.py's generate_bank() (--branches
   sub-branches without outlets, their staff through the ORM, --customers
   customers by COPY), the nightly tiering (owners), China's holidays of the
   months covered; then, with set-based SQL (not timed, not the addon's
   code): one call sheet per sub-branch and working day of the last --months
   months, --calls-per-day calls on each on average (one day in twenty short
   of the quota), signed, and --holdings product holdings (time deposits,
   wealth products, current accounts) spread over the customers; the sheets'
   counts are then built by the addon's own repair;
3. times, each --repeat times (the median and the worst are reported):
   (L) logging one call as a teller through the web client's RPC path
       (odoo.api.call_kw of call.log web_save with the form's specification,
       in the teller's environment, commit included: the server's part of
       the request) on today's sheet;
   (M) opening the month's sheets of every sub-branch as head office: the
       list (web_search_read with the list view's fields, 80 rows and the
       count) and the pivot (read_group by branch and state);
   (R) the repair of the counts of every sheet of a whole month;
   (S) the screening wizard for next month: the preview and the creation of
       the call to-dos for all sub-branches, then for one sub-branch;
4. prints a table with the machine context and PASS/FAIL per target.

Exit status 0 even when a target is missed; non-zero only on errors.
"""
# pylint: disable=invalid-commit  # a benchmark: it commits between its phases, as requests and crons do
import argparse
import datetime
import logging
import os
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "data"))
sys.path.insert(0, os.path.join(REPO, "tests"))

import generate_bank as gb  # noqa: E402
from bench_star_tiering import (  # noqa: E402
    add_bench_db_arguments,
    database_exists,
    drop_or_keep,
    log,
    machine_context,
    peak_mib,
)

TARGET_LOG_CALL_MS = 50.0
TARGET_SCREEN_PREVIEW_S = 15.0
TARGET_SCREEN_CREATE_S = 60.0
TARGET_SCREEN_ONE_S = 1.0
TARGET_MONTH_SHEETS_S = 1.0
TARGET_REPAIR_S = 10.0


# ----------------------------------------------------------------------
# The bank
# ----------------------------------------------------------------------
def install_addons(args, modules):
    cmd = [sys.executable, "-m", "odoo", *gb.odoo_config_args(args), "-i", modules,
           "--stop-after-init", "--without-demo=all"]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode:
        sys.stderr.write(proc.stdout[-5000:] + proc.stderr[-5000:])
        raise RuntimeError(f"installing {modules} failed ({proc.returncode}): {' '.join(cmd)}")
    return time.perf_counter() - started


def update_addons(args, modules):
    cmd = [sys.executable, "-m", "odoo", *gb.odoo_config_args(args), "-u", modules, "--stop-after-init"]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode:
        sys.stderr.write(proc.stdout[-5000:] + proc.stderr[-5000:])
        raise RuntimeError(f"updating {modules} failed ({proc.returncode}): {' '.join(cmd)}")


def month_bounds(day):
    first = day.replace(day=1)
    last = (first + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return first, last


def add_months(day, months):
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


def load_holidays(env, date_from, date_to):
    calendar = env.company.resource_calendar_id
    for year in range(date_from.year, date_to.year + 1):
        calendar._load_china_holidays(year)
    return calendar


def build_sheets_and_calls(env, cr, days, calls_per_day, progress=log):
    """One signed sheet per sub-branch and day of ``days``, and its calls,
    by SQL: a month at a time. Returns (sheets, calls)."""
    today = env["bank.branch"]._bank_today()
    cr.execute("""
        CREATE TEMPORARY TABLE bench_branch AS
        SELECT b.id AS branch_id, b.company_id,
               (SELECT min(u.id) FROM res_users u WHERE u.branch_id = b.id AND u.bank_role = 'teller') AS teller_id,
               b.accounting_supervisor_id, b.president_id,
               (SELECT array_agg(p.id ORDER BY p.id) FROM res_partner p WHERE p.branch_id = b.id) AS partner_ids
          FROM bank_branch b
         WHERE b.branch_type = 'sub_branch'
    """)
    cr.execute("DELETE FROM bench_branch WHERE teller_id IS NULL OR partner_ids IS NULL")
    months = sorted({(d.year, d.month) for d in days})
    sheets = calls = 0
    for year, month in months:
        month_days = [d for d in days if (d.year, d.month) == (year, month)]
        started = time.perf_counter()
        cr.execute("""
            INSERT INTO call_sheet (branch_id, company_id, date, state, quota, effective_seconds,
                                    call_count, effective_customer_count, shortfall,
                                    submitted_by_id, submitted_date, supervisor_id, supervisor_signed_date,
                                    president_id, president_signed_date,
                                    create_uid, write_uid, create_date, write_date)
            SELECT b.branch_id, b.company_id, d.day,
                   CASE WHEN d.day >= %(today)s THEN 'draft' ELSE 'president_signed' END,
                   10, 60, 0, 0, 10,
                   CASE WHEN d.day < %(today)s THEN b.teller_id END,
                   CASE WHEN d.day < %(today)s THEN d.day + time '09:10' END,
                   CASE WHEN d.day < %(today)s THEN b.accounting_supervisor_id END,
                   CASE WHEN d.day < %(today)s THEN d.day + time '09:40' END,
                   CASE WHEN d.day < %(today)s THEN b.president_id END,
                   CASE WHEN d.day < %(today)s THEN d.day + time '10:20' END,
                   1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
              FROM bench_branch b CROSS JOIN unnest(%(days)s::date[]) AS d(day)
        """, {"days": month_days, "today": today})
        sheets += cr.rowcount
        cr.execute("""
            INSERT INTO call_sheet_designated_user_rel (sheet_id, user_id)
            SELECT s.id, b.teller_id FROM call_sheet s JOIN bench_branch b ON b.branch_id = s.branch_id
             WHERE s.date = ANY(%(days)s::date[])
        """, {"days": month_days})
        # calls: 26-38 a day (one sheet in twenty: 8), Beijing 09:00 onwards
        # (01:00 UTC), durations 5-404 s, so most are effective
        cr.execute("""
            INSERT INTO call_log (partner_id, user_id, branch_id, sheet_id, company_id, call_date, call_start,
                                  duration_seconds, is_effective, outcome, needs, products_marketed,
                                  create_uid, write_uid, create_date, write_date)
            SELECT b.partner_ids[1 + floor(random() * cardinality(b.partner_ids))::int],
                   b.teller_id, s.branch_id, s.id, s.company_id, s.date,
                   s.date + time '01:00' + g.n * interval '6 minutes',
                   d.seconds, d.seconds >= 60,
                   CASE WHEN d.seconds >= 60 THEN 'interested' ELSE 'no_answer' END,
                   CASE WHEN d.seconds >= 60 THEN 'Asks about time deposit rates.' END,
                   CASE WHEN d.seconds >= 60 THEN '3-year time deposit' END,
                   b.teller_id, b.teller_id, now() at time zone 'UTC', now() at time zone 'UTC'
              FROM call_sheet s
              JOIN bench_branch b ON b.branch_id = s.branch_id
             CROSS JOIN LATERAL generate_series(
                       1, CASE WHEN abs(hashint4(s.id)) %% 20 = 0 THEN 8
                               ELSE %(base)s + abs(hashint4(s.id + 7)) %% 13 END) AS g(n)
             CROSS JOIN LATERAL (SELECT (5 + random() * 400 + 0 * g.n)::int AS seconds) AS d
             WHERE s.date = ANY(%(days)s::date[])
        """, {"days": month_days, "base": max(1, calls_per_day - 6)})
        calls += cr.rowcount
        cr.commit()
        progress(f"  {year}-{month:02d}: {len(month_days)} working days, {sheets:,} sheets, {calls:,} calls "
                 f"so far ({time.perf_counter() - started:.1f} s)")
    return sheets, calls


def build_holdings(env, cr, count, rich=False):
    """``count`` holdings over the customers, by SQL: 45 % time deposits and
    25 % wealth products maturing over the next 13 months, 30 % current
    accounts whose balances are spread as a bank's are (log-uniform from 100
    to 200,000 CNY: 18 % at 50,000 or more), or with ``rich`` uniform from
    1,000 to 501,000 (90 % at 50,000 or more: a harsh case, where the month's
    screening selects more than half of the bank). Needs call_tracking's
    holdings model; returns the count."""
    Holding = env.get("call.product.holding")
    if Holding is None:
        log("  (no holdings model in this version: none built)")
        return 0
    table = Holding._table
    today = env["bank.branch"]._bank_today()
    cr.execute("SELECT min(id), max(id), count(*) FROM res_partner WHERE branch_id IS NOT NULL")
    lowest, highest, customers = cr.fetchone()
    columns = {name for name, field in Holding._fields.items() if field.store}
    extra_cols, extra_vals = "", ""
    if "branch_id" in columns:
        extra_cols, extra_vals = ", branch_id", ", p.branch_id"
    if "as_of_date" in columns:
        extra_cols, extra_vals = extra_cols + ", as_of_date", extra_vals + ", %(today)s"
    if "customer_number" in columns:
        extra_cols, extra_vals = extra_cols + ", customer_number", extra_vals + ", p.customer_number"
    # pylint: disable-next=sql-injection  # the table and column names come from the ORM's model
    cr.execute(f"""
        INSERT INTO {table} (partner_id, product_type, amount, maturity_date,
                             create_uid, write_uid, create_date, write_date{extra_cols})
        SELECT p.id, k.kind,
               CASE WHEN k.kind = 'current_account' AND NOT %(rich)s
                    THEN round((100 * power(2000, random() + 0 * g.n))::numeric, 2)
                    ELSE round((1000 + random() * 500000 + 0 * g.n)::numeric, 2) END,
               CASE WHEN k.kind <> 'current_account'
                    THEN %(today)s + (1 + floor(random() * 395))::int END,
               1, 1, now() at time zone 'UTC', now() at time zone 'UTC'{extra_vals}
          FROM generate_series(1, %(count)s) AS g(n)
          JOIN res_partner p ON p.id = %(lowest)s + (g.n * 7919::bigint) %% %(span)s
         CROSS JOIN LATERAL (SELECT CASE WHEN r < 0.45 THEN 'time_deposit' WHEN r < 0.70 THEN 'wealth'
                                         ELSE 'current_account' END AS kind
                               FROM (SELECT random() + 0 * g.n AS r) AS x) AS k
         WHERE p.branch_id IS NOT NULL
    """, {"today": today, "count": count, "lowest": lowest, "span": highest - lowest + 1, "rich": rich})
    built = cr.rowcount
    cr.execute(f"ANALYZE {table}")  # pylint: disable=sql-injection
    cr.commit()
    log(f"  {built:,} holdings over {customers:,} customers")
    return built


# ----------------------------------------------------------------------
# Timed phases
# ----------------------------------------------------------------------
def timed(fn, repeat):
    times = []
    result = None
    for _i in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times, result


def summary(times):
    return {"median": statistics.median(times), "max": max(times), "n": len(times)}


def phase_log_call(env, cr, r, args):
    import odoo

    today = env["bank.branch"]._bank_today()
    cr.execute("""
        SELECT u.id, p.id FROM res_users u JOIN bank_branch b ON b.id = u.branch_id
          JOIN res_partner p ON p.branch_id = b.id
         WHERE u.bank_role = 'teller' AND b.code = 'SB01' ORDER BY u.id, p.id LIMIT 200
    """)
    rows = cr.fetchall()
    if not rows:
        cr.execute("""
            SELECT u.id, p.id FROM res_users u JOIN res_partner p ON p.branch_id = u.branch_id
             WHERE u.bank_role = 'teller' ORDER BY u.id, p.id LIMIT 200
        """)
        rows = cr.fetchall()
    teller_id = rows[0][0]
    teller = env["res.users"].browse(teller_id)
    if not teller.branch_id._is_working_day(today):
        # a call is logged at the real "now", and calls go on working days
        # only: on a weekend or a holiday the teller's branch works every day
        every_day = env["resource.calendar"].create({
            "name": "Benchmark: every day", "tz": "Asia/Shanghai",
            "attendance_ids": [(5, 0, 0)] + [
                (0, 0, {"name": str(day), "dayofweek": str(day), "hour_from": 0, "hour_to": 23.99,
                        "day_period": "morning"})
                for day in range(7)
            ],
        })
        teller.branch_id.resource_calendar_id = every_day
        cr.commit()
        log(f"  ({today} is a day off: {teller.branch_id.code} given a calendar where every day is a working day)")
    partners = [p for u, p in rows if u == teller_id]
    teller_env = env(user=teller_id, context={"lang": "en_US", "tz": "Asia/Shanghai"})
    spec = {name: {} for name in ("partner_id", "user_id", "call_start", "duration_seconds", "is_effective",
                                  "needs", "products_marketed", "outcome", "sheet_id", "branch_id")}
    state = {"i": 0}

    def log_one():
        partner = partners[state["i"] % len(partners)]
        state["i"] += 1
        start = odoo.fields.Datetime.now() - datetime.timedelta(minutes=5)
        odoo.api.call_kw(teller_env["call.log"], "web_save", [[], {
            "partner_id": partner, "call_start": odoo.fields.Datetime.to_string(start),
            "duration_seconds": 75 + state["i"], "needs": "Wants a higher deposit rate.",
            "products_marketed": "3-year time deposit", "outcome": "interested",
        }], {"specification": spec})
        cr.commit()

    log_one()  # the day's sheet is opened by the first call (or the cron): not timed
    times, _result = timed(log_one, args.repeat)
    r["log_call"] = summary(times)
    cr.execute("SELECT count(*) FROM call_log")
    r["calls_total"] = cr.fetchone()[0]
    log(f"  (L) log one call: median {r['log_call']['median'] * 1000:.1f} ms, "
        f"worst {r['log_call']['max'] * 1000:.1f} ms over {len(times)} calls (today {today})")


def phase_month_sheets(env, cr, r, args, month_first):
    first, last = month_bounds(month_first)
    cr.execute("SELECT id FROM res_users WHERE login = 'ho.personal'")
    row = cr.fetchone()
    ho_env = env(user=row[0] if row else env.ref("base.user_admin").id, context={"lang": "en_US"})
    Sheet = ho_env["call.sheet"]
    view = Sheet.get_views([(False, "list")])["views"]["list"]
    spec = {name: {} for name in view.get("fields", {})}
    domain = [("date", ">=", first), ("date", "<=", last)]

    def open_list():
        result = Sheet.web_search_read(domain, spec, limit=80, count_limit=100001)
        cr.rollback()
        return result["length"]

    def open_pivot():
        groups = Sheet.read_group(domain, ["call_count:sum", "effective_customer_count:sum", "shortfall:sum"],
                                  ["branch_id", "state"], lazy=False)
        cr.rollback()
        return len(groups)

    list_times, length = timed(open_list, args.repeat)
    pivot_times, groups = timed(open_pivot, args.repeat)
    r["month_list"] = summary(list_times)
    r["month_pivot"] = summary(pivot_times)
    r["month_sheets"] = length
    log(f"  (M) {first:%Y-%m}: {length:,} sheets; list median {r['month_list']['median']:.3f} s, "
        f"pivot ({groups:,} cells) median {r['month_pivot']['median']:.3f} s")


def phase_repair(env, cr, r, args, month_first):
    first, last = month_bounds(month_first)
    Sheet = env["call.sheet"]
    # damage the counts of a tenth of the month's sheets, as a bug would
    cr.execute("UPDATE call_sheet SET call_count = call_count + 1 WHERE date BETWEEN %s AND %s AND id %% 10 = 0",
               (first, last))
    damaged = cr.rowcount
    cr.commit()
    Sheet.invalidate_model()

    def repair():
        if hasattr(Sheet, "_repair_counts"):
            result = Sheet._repair_counts(first, last)
        else:
            result = Sheet._recompute_counts(Sheet.search([("date", ">=", first), ("date", "<=", last)]))
        cr.commit()
        return result

    times, result = timed(repair, 1)
    r["repair"] = summary(times)
    r["repair_damaged"] = damaged
    r["repair_result"] = result
    log(f"  (R) repair {first:%Y-%m}: {times[0]:.2f} s ({damaged:,} sheets damaged, result {result})")


def phase_screening(env, cr, r, args):
    Wizard = env.get("call.screening.wizard")
    if Wizard is None:
        log("  (S) no screening wizard in this version: skipped")
        return
    today = env["bank.branch"]._bank_today()
    next_month = add_months(today, 1)
    cr.execute("SELECT id FROM res_users WHERE login = 'ho.personal'")
    ho = cr.fetchone()[0]
    ho_env = env(user=ho, context={"lang": "en_US", "tz": "Asia/Shanghai"})
    W = ho_env["call.screening.wizard"]
    vals = bench_screening_vals(W, next_month)
    # what earlier runs on this database screened is dropped first
    cr.execute("DELETE FROM call_plan")
    cr.execute("DELETE FROM mail_activity WHERE activity_type_id = %s",
               (env.ref("call_tracking.mail_activity_type_phone_marketing").id,))
    cr.commit()

    def preview(branches=None):
        wizard = W.create(dict(vals, **({"branch_ids": [(6, 0, branches)]} if branches else {})))
        wizard.action_preview()
        return wizard

    started = time.perf_counter()
    wizard = preview()
    r["screen_preview"] = time.perf_counter() - started
    cr.commit()
    started = time.perf_counter()
    wizard.action_create_todos()
    cr.commit()
    r["screen_create"] = time.perf_counter() - started
    r["screen_created"] = screening_count(env, cr)
    r["screen_todos"] = wizard.activity_count if "activity_count" in wizard._fields else 0
    log(f"  (S) screening {next_month:%Y-%m}, all sub-branches: preview {r['screen_preview']:.2f} s, "
        f"create {r['screen_create']:.2f} s ({r['screen_todos']:,} to-dos, {r['screen_created']:,} pre-registrations)")
    # one sub-branch, a month later (nothing planned there yet)
    cr.execute("SELECT id FROM bank_branch WHERE branch_type = 'sub_branch' ORDER BY code LIMIT 1 OFFSET 1")
    branch = cr.fetchone()[0]
    vals = bench_screening_vals(W, add_months(today, 2))
    started = time.perf_counter()
    wizard = W.create(dict(vals, branch_ids=[(6, 0, [branch])]))
    wizard.action_preview()
    wizard.action_create_todos()
    cr.commit()
    r["screen_one"] = time.perf_counter() - started
    log(f"  (S) screening one sub-branch, preview and create: {r['screen_one']:.2f} s")


def bench_screening_vals(Wizard, month):
    """The wizard's values for ``month``: every criterion it has switched on."""
    vals = {"month": month}
    for name, field in Wizard._fields.items():
        if field.type == "boolean" and name.startswith(("include_", "use_", "select_")):
            vals[name] = True
    return vals


def screening_count(env, cr):
    Plan = env.get("call.plan")
    if Plan is None:
        return 0
    cr.execute(f"SELECT count(*) FROM {Plan._table}")  # pylint: disable=sql-injection
    return cr.fetchone()[0]


# ----------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------
def verdict(value, target):
    return "PASS" if value <= target else "FAIL"


def print_report(args, r):
    log()
    log("== call_tracking benchmark")
    for key, value in r.get("context", []):
        log(f"  {key:<24} {value}")
    log(f"  {'bank':<24} {r.get('customers', 0):,} customers, {r.get('branches', 0)} sub-branches, "
        f"{r.get('holdings', 0):,} holdings, {r.get('sheets', 0):,} sheets, "
        f"{r.get('calls_total', r.get('calls', 0)):,} calls")
    log(f"  {'build':<24} install {r.get('install_s', 0):.0f} s, bank {r.get('generate_s', 0):.0f} s, "
        f"tiering {r.get('tiering_s', 0):.0f} s, sheets and calls {r.get('calls_s', 0):.0f} s, "
        f"year's counts {r.get('counts_s', 0):.0f} s")
    log()
    log(f"  {'phase':<58} {'figure':>12} {'target':>10}  verdict")
    rows = []
    if "log_call" in r:
        m = r["log_call"]
        rows.append((f"(L) log one call, RPC web_save, median of {m['n']}", m["median"] * 1000,
                     TARGET_LOG_CALL_MS, "ms"))
        rows.append(("(L) log one call, worst", m["max"] * 1000, TARGET_LOG_CALL_MS, "ms"))
    if "month_list" in r:
        rows.append((f"(M) month's sheets ({r['month_sheets']:,}), list, median", r["month_list"]["median"],
                     TARGET_MONTH_SHEETS_S, "s"))
        rows.append(("(M) month's sheets, pivot, median", r["month_pivot"]["median"], TARGET_MONTH_SHEETS_S, "s"))
    if "repair" in r:
        rows.append(("(R) repair a month's counts", r["repair"]["median"], TARGET_REPAIR_S, "s"))
    if "screen_preview" in r:
        rows.append(("(S) screening preview, all sub-branches", r["screen_preview"], TARGET_SCREEN_PREVIEW_S, "s"))
        rows.append((f"(S) create: {r['screen_todos']:,} to-dos, {r['screen_created']:,} pre-reg.", r["screen_create"],
                     TARGET_SCREEN_CREATE_S, "s"))
        rows.append(("(S) screening one sub-branch, preview + create", r["screen_one"], TARGET_SCREEN_ONE_S, "s"))
    for label, value, target, unit in rows:
        log(f"  {label:<58} {value:>9.2f} {unit:<2} {target:>7.2f} {unit:<2} {verdict(value, target)}")
    log(f"  peak RSS of the benchmark process: {r.get('rss_peak', 0):.0f} MiB")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--branches", type=int, default=500, help="sub-branches (default 500)")
    parser.add_argument("--months", type=int, default=12, help="months of calls (default 12)")
    parser.add_argument("--calls-per-day", type=int, default=32, help="calls per sheet on average (default 32)")
    parser.add_argument("--holdings", type=int, default=2_000_000)
    parser.add_argument("--rich-current-accounts", action="store_true",
                        help="current-account balances uniform up to 501,000 CNY (the harsh case, see build_holdings)")
    parser.add_argument("--rebuild-holdings", action="store_true",
                        help="with --reuse-db: build the holdings again")
    parser.add_argument("--repeat", type=int, default=20, help="timed repetitions of the short phases")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--database", "-d", help="database name (default bench_call_tracking_<pid>)")
    parser.add_argument("--keep-db", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse-db", action="store_true",
                        help="time the phases on an existing database built by an earlier --keep-db run")
    add_bench_db_arguments(parser)
    args = parser.parse_args(argv)
    args.database = args.database or f"bench_call_tracking_{os.getpid()}"
    exists = database_exists(args, args.database)
    if exists != args.reuse_db:
        # pylint: disable-next=print-used  # the benchmark's command-line output
        print(f"Database {args.database!r} {'exists already' if exists else 'does not exist'}.", file=sys.stderr)
        return 2

    import odoo
    from odoo.modules.registry import Registry

    r = {}
    try:
        if not args.reuse_db:
            log(f"== call_tracking benchmark: building {args.customers:,} customers, {args.branches} sub-branches, "
                f"{args.months} months of calls in {args.database}")
            r["install_s"] = install_addons(args, "call_tracking")
        else:
            log(f"== call_tracking benchmark on {args.database}: updating call_tracking (odoo -u) ...")
            update_addons(args, "call_tracking")
        odoo.tools.config.parse_config(gb.odoo_config_args(args), setup_logging=True)
        logging.getLogger("odoo").setLevel(logging.WARNING)
        registry = Registry(args.database)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            r["context"] = machine_context(cr)
            today = env["bank.branch"]._bank_today()
            month_first = add_months(today, -1)
            if not args.reuse_db:
                started = time.perf_counter()
                gb.generate_bank(env, customers=args.customers, branches=args.branches, outlets_per_branch=0,
                                 seed=args.seed, progress=log)
                cr.commit()
                r["generate_s"] = time.perf_counter() - started
                started = time.perf_counter()
                env["res.partner"]._star_tiering_run_all(commit=True)
                r["tiering_s"] = time.perf_counter() - started
                log(f"  tiered in {r['tiering_s']:.0f} s")
                first_day = add_months(today, -args.months + 1)
                calendar = load_holidays(env, first_day, add_months(today, 3))
                days = [d for d in calendar._bank_working_days(first_day, today)]
                started = time.perf_counter()
                r["sheets"], r["calls"] = build_sheets_and_calls(env, cr, days, args.calls_per_day)
                r["calls_s"] = time.perf_counter() - started
                started = time.perf_counter()
                Sheet = env["call.sheet"]
                for i in range(args.months):
                    first, last = month_bounds(add_months(first_day, i))
                    Sheet._recompute_counts(Sheet.search([("date", ">=", first), ("date", "<=", last)]))
                    cr.commit()
                r["counts_s"] = time.perf_counter() - started
                r["holdings"] = build_holdings(env, cr, args.holdings, rich=args.rich_current_accounts)
                cr.execute("ANALYZE call_log")
                cr.execute("ANALYZE call_sheet")
                cr.execute("ANALYZE res_partner")
                cr.commit()
            cr.execute("SELECT count(*) FROM res_partner WHERE branch_id IS NOT NULL")
            r["customers"] = cr.fetchone()[0]
            cr.execute("SELECT count(*) FROM bank_branch WHERE branch_type = 'sub_branch'")
            r["branches"] = cr.fetchone()[0]
            cr.execute("SELECT count(*) FROM call_sheet")
            r["sheets"] = cr.fetchone()[0]
            if "call.product.holding" in env:
                cr.execute(f"SELECT count(*) FROM {env['call.product.holding']._table}")  # pylint: disable=sql-injection
                r["holdings"] = cr.fetchone()[0]
                if args.rebuild_holdings and r["holdings"]:
                    cr.execute(f"TRUNCATE {env['call.product.holding']._table}")  # pylint: disable=sql-injection
                    cr.commit()
                    r["holdings"] = 0
                if not r["holdings"]:  # a database built before the holdings existed, or --rebuild-holdings
                    r["holdings"] = build_holdings(env, cr, args.holdings, rich=args.rich_current_accounts)
            log("Timing ...")
            phase_log_call(env, cr, r, args)
            phase_month_sheets(env, cr, r, args, month_first)
            phase_repair(env, cr, r, args, month_first)
            phase_screening(env, cr, r, args)
            r["rss_peak"] = peak_mib()
        print_report(args, r)
    finally:
        drop_or_keep(args, keep=args.keep_db or args.reuse_db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
