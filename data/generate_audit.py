#!/usr/bin/env python3
"""One audited month for the demo bank (``audit_penalty``).

Run after ``data/generate_calls.py`` (the month's calls and sheets), in a
database where ``audit_penalty`` is installed. Through the addon's own
wizards and buttons, as the demo's head-office users:

* HR & General Affairs (``ho.hr``) checks the month's sheets (the shortfall
  wizard) and confirms the shortfall penalties;
* the Audit Department (``ho.audit``) draws each sub-branch's day (a seed
  generated at random, since none was committed for that month), verifies
  the customers of SB01's day with two of them found falsified and one
  unreachable, the other sub-branches' customers verified (one unreachable
  here and there), and confirms every sample: SB01 is fined 2 x 100 CNY;
* the month's bulletin is published (when the addon version has it);
* for the current month, the Audit Department commits to a seed (its
  SHA-256 is shown to the branches); the seed is printed, to be revealed
  at next month's draw.

    python3 data/generate_audit.py --database bank_demo [--month 2026-10]
"""
import argparse
import datetime
import hashlib
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from generate_bank import add_db_arguments, main_language, open_registry
from generate_calls import previous_month


def demo_seed(seed, first):
    """The demo's committed seed of the month starting ``first`` (printed; a
    real audit department keeps it secret until the draw)."""
    return f"demo-{seed}-{first:%Y-%m}"


def _user(env, login):
    user = env["res.users"].search([("login", "=", login)], limit=1)
    if not user:
        raise ValueError(f"No user {login!r}: generate the bank first (data/generate_bank.py).")
    return user


def generate_audit(env, month=None, seed=42, progress=print):
    """Audit ``month`` (a date in it; default the bank's previous month); see
    the module doc. Does not commit. Returns a summary dict."""
    progress = progress or (lambda *_a, **_k: None)
    started = time.perf_counter()
    today = env["bank.branch"]._bank_today()
    first = previous_month(today)[0] if month is None else month.replace(day=1)
    lang = "zh_CN" if main_language(env.cr) == "zh_CN" else "en_US"
    env = env(context=dict(env.context, lang=lang, tracking_disable=True, mail_create_nosubscribe=True))
    hr, audit = _user(env, "ho.hr"), _user(env, "ho.audit")
    Penalty = env["audit.penalty"]
    if Penalty.search_count([("period", "=", first)], limit=1):
        raise ValueError(f"{first:%Y-%m} is audited already: not auditing it twice.")
    rng = random.Random(f"{seed}-audit-{first:%Y-%m}")

    # HR & General Affairs: the month's shortfall fines
    env["audit.shortfall.wizard"].with_user(hr).create({"month": first}).action_compute()
    shortfall = Penalty.search([("period", "=", first), ("kind", "=", "shortfall"), ("state", "=", "draft")])
    shortfall.with_user(hr).action_confirm()
    progress(f"  shortfall: {len(shortfall)} penalt(ies), {sum(shortfall.mapped('amount')):,.0f} CNY")

    # the Audit Department: one day per sub-branch, verified customer by customer
    env["audit.sampling.wizard"].with_user(audit).create({"month": first}).action_draw()
    samples = env["audit.sample"].search([("period", "=", first)], order="branch_id")
    falsified = 0
    for sample in samples:
        lines = sample.line_ids.sorted("id")
        first_branch = sample.branch_id.code == "SB01"
        for index, line in enumerate(lines):
            if first_branch and index in (1, 4):
                result, note = "falsified", {
                    "en_US": "The customer says the bank did not call on that day.",
                    "zh_CN": "客户表示当天未接到银行电话。",
                }[lang]
                falsified += 1
            elif (first_branch and index == 2) or (not first_branch and rng.random() < 0.08):
                result, note = "unreachable", {
                    "en_US": "No answer after three attempts.", "zh_CN": "三次回访均未接通。",
                }[lang]
            else:
                result, note = "verified", False
            line.with_user(audit).write({"result": result, "note": note})
        sample.with_user(audit).action_confirm()
    progress(f"  samples: {len(samples)} drawn and confirmed, {falsified} customer(s) found falsified")

    bulletin = None
    if "audit.bulletin" in env:
        Bulletin = env["audit.bulletin"]
        bulletin = Bulletin.with_user(hr).create({"period": first})
        if hasattr(bulletin, "action_generate"):
            bulletin.action_generate()
        bulletin.action_publish()
        progress(f"  bulletin of {first:%Y-%m} published")

    # the current month: a seed committed before it ends
    committed = None
    current = today.replace(day=1)
    next_first = (current + datetime.timedelta(days=32)).replace(day=1)
    Commitment = env["audit.seed.commitment"]
    if next_first - datetime.timedelta(days=1) >= today and not Commitment._for_period(current):
        committed = demo_seed(seed, current)
        Commitment.with_user(audit).create({
            "period": current, "seed_hash": hashlib.sha256(committed.encode("utf-8")).hexdigest(),
        })
        progress(f"  seed of {current:%Y-%m} committed (SHA-256 published); the seed is {committed!r}")
    return {
        "month": f"{first:%Y-%m}",
        "shortfall_penalties": len(shortfall),
        "samples": len(samples),
        "falsified": falsified,
        "bulletin": bool(bulletin),
        "committed_seed": committed,
        "seconds": time.perf_counter() - started,
    }


def main(argv=None):
    # pylint: disable=print-used  # a command-line tool: what it prints is its output
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_db_arguments(parser)
    parser.add_argument("--month", help="YYYY-MM (default: the bank's previous month)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    import odoo

    registry = open_registry(args, "audit.penalty", "audit_penalty")
    if registry is None:
        return 2
    month = datetime.date.fromisoformat(f"{args.month}-01") if args.month else None
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            summary = generate_audit(env, month=month, seed=args.seed)
        except (ValueError, odoo.exceptions.UserError) as exc:
            print(str(exc), file=sys.stderr)
            return 3
        cr.commit()  # pylint: disable=invalid-commit  # a command-line tool: it owns its transaction
    print(f"Audit of {summary['month']}: {summary['shortfall_penalties']} shortfall penalt(ies), "
          f"{summary['samples']} sample(s), {summary['falsified']} falsified customer(s), bulletin "
          f"{'published' if summary['bulletin'] else 'not in this version'}, in {summary['seconds']:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
