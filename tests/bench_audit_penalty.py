#!/usr/bin/env python3
"""Benchmark of audit_penalty on a bank-sized database (a report, not a test).

    python3 tests/bench_audit_penalty.py [--customers 1000000] [--branches 500]
                                         [--calls-per-day 30] [--month YYYY-MM]
                                         [--database NAME] [--keep-db] [--reuse-db]

1. creates a fresh database (dropped at the end unless --keep-db) and installs
   audit_penalty (with call_tracking and star_tiering); or, with --reuse-db,
   uses a database an earlier run kept (or one of tests/bench_call_tracking.py,
   audit_penalty is then installed into it);
2. builds the bank as tests/bench_call_tracking.py does (generate_bank, the
   nightly tiering, China's holidays), and one month of signed sheets and
   calls by SQL: by default the complete month of the last three with the
   most working days (about 11,000 sheets and 330,000 calls for 500
   sub-branches);
3. times, as the users who run them:
   (H) HR's shortfall check of the month for every sub-branch (the wizard's
       action_compute), then its re-run (the drafts replaced);
   (D) the Audit Department's draw of every sub-branch's day (action_draw);
   (B) the month's bulletin and its XLSX, after the samples' lines were given
       their results by SQL and the samples and penalties were confirmed;
   (T) the tiering audit over every customer;
4. prints a table with the machine context and PASS/FAIL per target.

Exit status 0 even when a target is missed; non-zero only on errors.
"""
# pylint: disable=invalid-commit  # a benchmark: it commits between its phases, as requests and crons do
import argparse
import logging
import os
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(REPO, "data"))
sys.path.insert(0, os.path.join(REPO, "tests"))

import generate_bank as gb  # noqa: E402
from bench_call_tracking import (  # noqa: E402
    add_months,
    build_sheets_and_calls,
    install_addons,
    load_holidays,
    month_bounds,
    update_addons,
)
from bench_star_tiering import (  # noqa: E402
    add_bench_db_arguments,
    database_exists,
    drop_or_keep,
    log,
    machine_context,
    peak_mib,
)

TARGET_SHORTFALL_S = 5.0
TARGET_DRAW_S = 2.0
TARGET_BULLETIN_S = 5.0
TARGET_TIERING_AUDIT_S = 10.0


def pick_month(calendar, today, wanted=None):
    """The audited month: ``wanted`` (YYYY-MM) or, of the last three
    complete months, the one with the most working days."""
    if wanted:
        first = gb_date(f"{wanted}-01")
        return first, len(calendar._bank_working_days(*month_bounds(first)))
    best = None
    for back in (1, 2, 3):
        first = add_months(today, -back)
        days = len(calendar._bank_working_days(*month_bounds(first)))
        if best is None or days > best[1]:
            best = (first, days)
    return best


def gb_date(text):
    import datetime

    return datetime.date.fromisoformat(text)


def user_id(cr, login):
    cr.execute("SELECT id FROM res_users WHERE login = %s", (login,))
    row = cr.fetchone()
    if not row:
        raise RuntimeError(f"no user {login!r} in the database")
    return row[0]


def phase_shortfall(env, cr, r, first):
    hr_env = env(user=user_id(cr, "ho.hr"), context={"lang": "en_US"})
    Wizard = hr_env["audit.shortfall.wizard"]
    for key in ("shortfall", "shortfall_rerun"):
        started = time.perf_counter()
        Wizard.create({"month": first}).action_compute()
        env.flush_all()
        cr.commit()
        r[key] = time.perf_counter() - started
    cr.execute("SELECT count(*), coalesce(sum(quantity), 0), coalesce(sum(amount), 0) FROM audit_penalty "
               "WHERE period = %s AND kind = 'shortfall'", (first,))
    r["shortfall_count"], r["missing_calls"], r["shortfall_amount"] = cr.fetchone()
    log(f"  (H) shortfall check {first:%Y-%m}: {r['shortfall']:.2f} s, re-run {r['shortfall_rerun']:.2f} s "
        f"({r['shortfall_count']} penalties, {r['missing_calls']:,} missing calls, {r['shortfall_amount']:,.0f} CNY)")


def phase_draw(env, cr, r, first):
    audit_env = env(user=user_id(cr, "ho.audit"), context={"lang": "en_US"})
    started = time.perf_counter()
    audit_env["audit.sampling.wizard"].create({"month": first}).action_draw()
    env.flush_all()
    cr.commit()
    r["draw"] = time.perf_counter() - started
    cr.execute("SELECT count(*) FROM audit_sample WHERE period = %s", (first,))
    r["samples"] = cr.fetchone()[0]
    cr.execute("SELECT count(*) FROM audit_sample_line l JOIN audit_sample s ON s.id = l.sample_id "
               "WHERE s.period = %s", (first,))
    r["sample_lines"] = cr.fetchone()[0]
    log(f"  (D) draw {first:%Y-%m}: {r['draw']:.2f} s ({r['samples']} samples, {r['sample_lines']:,} customers)")


def confirm_month(env, cr, first):
    """The auditors' verdicts (by SQL: every customer verified, two falsified
    in one sub-branch in ten) and the confirmations (through the addon)."""
    cr.execute("""
        UPDATE audit_sample_line l
           SET result = CASE WHEN s.id %% 10 = 0 AND l.id IN (
                                  SELECT x.id FROM audit_sample_line x WHERE x.sample_id = s.id ORDER BY x.id LIMIT 2)
                             THEN 'falsified' ELSE 'verified' END
          FROM audit_sample s
         WHERE s.id = l.sample_id AND s.period = %s
    """, (first,))
    env.invalidate_all()
    audit_env = env(user=user_id(cr, "ho.audit"), context={"lang": "en_US"})
    hr_env = env(user=user_id(cr, "ho.hr"), context={"lang": "en_US"})
    started = time.perf_counter()
    audit_env["audit.sample"].search([("period", "=", first)]).action_confirm()
    hr_env["audit.penalty"].search([("period", "=", first), ("state", "=", "draft"),
                                    ("kind", "=", "shortfall")]).action_confirm()
    env.flush_all()
    cr.commit()
    return time.perf_counter() - started


def phase_bulletin(env, cr, r, first):
    if "audit.bulletin" not in env:
        log("  (B) no bulletin in this version: skipped")
        return
    r["confirm"] = confirm_month(env, cr, first)
    hr_env = env(user=user_id(cr, "ho.hr"), context={"lang": "en_US"})
    started = time.perf_counter()
    bulletin = hr_env["audit.bulletin"].create({"period": first})
    if hasattr(bulletin, "action_generate"):
        bulletin.action_generate()
    content = bulletin._bulletin_xlsx() if hasattr(bulletin, "_bulletin_xlsx") else None
    env.flush_all()
    cr.commit()
    r["bulletin"] = time.perf_counter() - started
    r["bulletin_bytes"] = len(content or b"")
    started = time.perf_counter()
    bulletin.action_publish()
    env.flush_all()
    cr.commit()
    r["publish"] = time.perf_counter() - started
    log(f"  (B) bulletin {first:%Y-%m}: figures and XLSX {r['bulletin']:.2f} s ({r['bulletin_bytes']:,} bytes), "
        f"publishing (posts, notified) {r['publish']:.2f} s; confirming the month took {r['confirm']:.2f} s")


def phase_tiering_audit(env, cr, r):
    if "audit.tiering.wizard" not in env:
        log("  (T) no tiering audit in this version: skipped")
        return
    audit_env = env(user=user_id(cr, "ho.audit"), context={"lang": "en_US"})
    started = time.perf_counter()
    result = audit_env["audit.tiering.wizard"].create({}).action_run()
    env.flush_all()
    cr.commit()
    r["tiering_audit"] = time.perf_counter() - started
    r["tiering_audit_result"] = str(result)[:100]
    cr.execute("SELECT count(*) FROM res_partner WHERE branch_id IS NOT NULL")
    r["tiering_audit_customers"] = cr.fetchone()[0]
    log(f"  (T) tiering audit over {r['tiering_audit_customers']:,} customers: {r['tiering_audit']:.2f} s")


def print_report(r):
    log()
    log("== audit_penalty benchmark")
    for key, value in r.get("context", []):
        log(f"  {key:<24} {value}")
    log(f"  {'bank':<24} {r.get('customers', 0):,} customers, {r.get('branches', 0)} sub-branches; "
        f"{r.get('month', '')}: {r.get('sheets', 0):,} sheets, {r.get('calls', 0):,} calls")
    log()
    log(f"  {'phase':<58} {'figure':>9} {'target':>9}  verdict")
    rows = []
    if "shortfall" in r:
        rows.append(("(H) shortfall check, every sub-branch", r["shortfall"], TARGET_SHORTFALL_S))
        rows.append(("(H) shortfall check re-run (drafts replaced)", r["shortfall_rerun"], TARGET_SHORTFALL_S))
    if "draw" in r:
        rows.append((f"(D) draw ({r['samples']} samples, {r['sample_lines']:,} customers)", r["draw"], TARGET_DRAW_S))
    if "bulletin" in r:
        rows.append(("(B) bulletin figures and XLSX", r["bulletin"], TARGET_BULLETIN_S))
    if "tiering_audit" in r:
        rows.append((f"(T) tiering audit, {r['tiering_audit_customers']:,} customers", r["tiering_audit"],
                     TARGET_TIERING_AUDIT_S))
    for label, value, target in rows:
        log(f"  {label:<58} {value:>7.2f} s {target:>7.2f} s  {'PASS' if value <= target else 'FAIL'}")
    if "publish" in r:
        log(f"  (not a target) publishing the bulletin: {r['publish']:.2f} s; "
            f"confirming the month: {r['confirm']:.2f} s")
    log(f"  peak RSS of the benchmark process: {r.get('rss_peak', 0):.0f} MiB")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--branches", type=int, default=500, help="sub-branches (default 500)")
    parser.add_argument("--calls-per-day", type=int, default=30, help="calls per sheet on average (default 30)")
    parser.add_argument("--month", help="the audited month, YYYY-MM (default: see above)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--database", "-d", help="database name (default bench_audit_penalty_<pid>)")
    parser.add_argument("--keep-db", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse-db", action="store_true", help="use an existing database (see above)")
    add_bench_db_arguments(parser)
    args = parser.parse_args(argv)
    args.database = args.database or f"bench_audit_penalty_{os.getpid()}"
    exists = database_exists(args, args.database)
    if exists != args.reuse_db:
        # pylint: disable-next=print-used  # the benchmark's command-line output
        print(f"Database {args.database!r} {'exists already' if exists else 'does not exist'}.", file=sys.stderr)
        return 2

    import odoo
    from odoo.modules.registry import Registry

    r = {}
    try:
        if args.reuse_db:
            log(f"== audit_penalty benchmark on {args.database}: installing/updating audit_penalty ...")
            install_addons(args, "audit_penalty")
            update_addons(args, "call_tracking,audit_penalty")
        else:
            log(f"== audit_penalty benchmark: building {args.customers:,} customers, {args.branches} sub-branches "
                f"in {args.database}")
            install_addons(args, "audit_penalty")
        odoo.tools.config.parse_config(gb.odoo_config_args(args), setup_logging=True)
        logging.getLogger("odoo").setLevel(logging.WARNING)
        registry = Registry(args.database)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            r["context"] = machine_context(cr)
            today = env["bank.branch"]._bank_today()
            if not args.reuse_db:
                gb.generate_bank(env, customers=args.customers, branches=args.branches, outlets_per_branch=0,
                                 seed=args.seed, progress=log)
                cr.commit()
                env["res.partner"]._star_tiering_run_all(commit=True)
            calendar = load_holidays(env, add_months(today, -3), add_months(today, 1))
            first, working_days = pick_month(calendar, today, args.month)
            last = month_bounds(first)[1]
            cr.execute("SELECT count(*) FROM call_sheet WHERE date BETWEEN %s AND %s", (first, last))
            if not cr.fetchone()[0]:
                days = calendar._bank_working_days(first, last)
                build_sheets_and_calls(env, cr, days, args.calls_per_day)
                Sheet = env["call.sheet"]
                Sheet._recompute_counts(Sheet.search([("date", ">=", first), ("date", "<=", last)]))
                cr.execute("ANALYZE call_sheet")
                cr.execute("ANALYZE call_log")
                cr.commit()
            r["month"] = f"{first:%Y-%m} ({working_days} working days)"
            cr.execute("SELECT count(*) FROM call_sheet WHERE date BETWEEN %s AND %s", (first, last))
            r["sheets"] = cr.fetchone()[0]
            cr.execute("SELECT count(*) FROM call_log WHERE call_date BETWEEN %s AND %s", (first, last))
            r["calls"] = cr.fetchone()[0]
            cr.execute("SELECT count(*) FROM res_partner WHERE branch_id IS NOT NULL")
            r["customers"] = cr.fetchone()[0]
            cr.execute("SELECT count(*) FROM bank_branch WHERE branch_type = 'sub_branch'")
            r["branches"] = cr.fetchone()[0]
            cr.execute("SELECT count(*) FROM audit_penalty WHERE period = %s", (first,))
            if cr.fetchone()[0]:
                raise RuntimeError(f"{first:%Y-%m} is audited already in {args.database}: choose another --month")
            log("Timing ...")
            phase_shortfall(env, cr, r, first)
            phase_draw(env, cr, r, first)
            phase_bulletin(env, cr, r, first)
            phase_tiering_audit(env, cr, r)
            r["rss_peak"] = peak_mib()
        print_report(r)
    finally:
        drop_or_keep(args, keep=args.keep_db or args.reuse_db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
