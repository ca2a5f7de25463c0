#!/usr/bin/env python3
"""A month of phone-marketing calls for the demo bank (``call_tracking``).

Run after ``data/generate_bank.py``, in a database where ``call_tracking`` is
installed. Deterministic from a seed; for every sub-branch (SB01, SB02, ...)
and every working day of the month (by default the bank's previous month,
China's holidays and make-up days included):

* the sub-branch's tellers are its designated callers (when it has none yet);
* one teller logs the day's calls through the ORM, as that teller: 11 to 15
  customers of the sub-branch and its outlets reached with an effective call,
  one or two short calls (under the branch's effective threshold) and a
  customer called twice;
* the sheet is submitted by the teller, signed by the accounting supervisor
  and then the president, as those users, and the times of the submission
  and the signatures are moved to that evening (Beijing time);

and, so that every screen has something to show:

* a few short days (7 to 9 effective customers; submitted with a reason);
* the month's last working days of SB02 left unsigned (one draft, one
  submitted, one signed by the supervisor only);
* one working day of SB03 with no call and no sheet (the cron that opens
  sheets ran before the demo existed);

the current month's working days before today likewise (all signed), so
that the morning meeting and the week's leaderboard have figures;

then the core-banking holdings file (current accounts, time deposits and
wealth products of every customer) is imported through the feed, and head
office screens this month (and the next, when this one has less than a week
of working days left): the designated callers get their call to-dos.

Usable from Odoo (``generate_calls(env, ...)``) or the command line::

    python3 data/generate_calls.py --database bank_demo [--month 2026-10]
"""
import argparse
import csv
import datetime
import io
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from generate_bank import add_db_arguments, main_language, open_registry

NEEDS = {
    "en_US": [
        "Wants a better rate than the current time deposit.",
        "Asks about a wealth product with a short term.",
        "Planning a child's education fund.",
        "Interested in the gold card's airport lounge.",
        "Will move a deposit from another bank if the rate is right.",
        "Asks for the branch's Saturday opening hours.",
        "Wants to understand the fund's risk level before buying.",
        "No need now; call back next month.",
    ],
    "zh_CN": [
        "希望定期存款利率更高。",
        "咨询短期理财产品。",
        "为孩子准备教育基金。",
        "对金卡机场贵宾厅感兴趣。",
        "利率合适可从他行转入存款。",
        "询问支行周六营业时间。",
        "购买前想了解基金风险等级。",
        "暂无需求，下月再联系。",
    ],
}
PRODUCTS = {
    "en_US": ["3-year time deposit", "Wealth product (91 days)", "Gold card", "Monthly fund plan",
              "Large-amount certificate of deposit", "Personal pension account"],
    "zh_CN": ["三年期定期存款", "理财产品（91天）", "金卡", "基金定投", "大额存单", "个人养老金账户"],
}
SHORTFALL_REASON = {
    "en_US": "Many customers did not answer; the designated teller was also at the counter all afternoon.",
    "zh_CN": "多数客户未接听；指定柜员下午一直在柜台办理业务。",
}
EFFECTIVE_OUTCOMES = ("interested", "appointment", "sold", "callback", "not_interested")
SHORT_OUTCOMES = ("no_answer", "callback", "wrong_number")


def previous_month(day):
    first = day.replace(day=1)
    last = first - datetime.timedelta(days=1)
    return last.replace(day=1), last


def _utc(env, day, hour, minute, second=0):
    """The naive UTC datetime of ``hour:minute`` on ``day`` in the bank's time zone."""
    start, _end = env["bank.branch"]._bank_day_bounds(day)
    return start + datetime.timedelta(hours=hour, minutes=minute, seconds=second)


def generate_calls(env, month=None, seed=42, progress=print, until_yesterday=False):
    """Create the calls and sheets of ``month`` (a date in it; default: the
    bank's previous month) for every sub-branch; see the module doc. With
    ``until_yesterday``, ``month`` is the current one, up to the bank's
    yesterday, every day signed (the morning meeting and the week's
    leaderboard have figures). Does not commit. Returns a summary dict."""
    progress = progress or (lambda *_a, **_k: None)
    today = env["bank.branch"]._bank_today()
    first, last = previous_month(today) if month is None else (
        month.replace(day=1), (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
        - datetime.timedelta(days=1))
    if until_yesterday:
        last = min(last, today - datetime.timedelta(days=1))
    if last >= today:
        raise ValueError(f"{first:%Y-%m} is not over yet (the bank's today is {today}).")
    lang = "zh_CN" if main_language(env.cr) == "zh_CN" else "en_US"
    quiet = dict(env.context, tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True,
                 mail_notrack=True, lang=lang)
    env = env(context=quiet)
    Call = env["call.log"]
    if Call.search_count([("call_start", ">=", _utc(env, first, 0, 0)),
                          ("call_start", "<", _utc(env, last + datetime.timedelta(days=1), 0, 0))], limit=1):
        raise ValueError(f"The database already has calls in {first:%Y-%m}: not generating them twice.")
    rng = random.Random(f"{seed}-calls-{first:%Y-%m}")
    subs = env["bank.branch"].search([("branch_type", "=", "sub_branch")], order="code")
    outcomes = {"sheets": 0, "calls": 0, "signed": 0, "short": 0, "unsigned": 0, "no_sheet": 0}
    started = time.perf_counter()
    for index, sub in enumerate(subs):
        tellers = env["res.users"].search(
            [("branch_id", "=", sub.id), ("bank_role", "in", ("teller", "vip_teller"))], order="login")
        if not tellers:
            progress(f"  {sub.code}: no teller, no calls")
            continue
        if not sub.call_designated_user_ids:
            sub.call_designated_user_ids = tellers
        customers = env["res.partner"].search(
            [("branch_id", "child_of", sub.id), ("customer_number", "!=", False)], order="id")
        if len(customers) < 20:
            progress(f"  {sub.code}: {len(customers)} customers, too few for a day's calls")
            continue
        days = sub._working_days(first, last)
        # the one day without a sheet, and the unsigned end of the month
        if not days:
            continue
        no_sheet = {days[len(days) // 2]} if index == 2 and not until_yesterday else set()
        unsigned = dict(zip(days[-3:], ("supervisor_signed", "submitted", "draft"), strict=False)) \
            if index == 1 and not until_yesterday else {}
        short_days = set(rng.sample(days, 2)) if len(days) > 4 else set()
        threshold = sub.call_effective_seconds
        for day in days:
            if day in no_sheet:
                outcomes["no_sheet"] += 1
                continue
            teller = tellers[rng.randrange(len(tellers))]
            effective = rng.randint(7, 9) if day in short_days else rng.randint(11, 15)
            called = rng.sample(list(customers), effective + 2)
            reached, missed = called[:effective], called[effective:]
            vals_list = []
            moment = 9 * 60 + rng.randrange(30)
            for partner in reached + missed + reached[:1]:
                moment += rng.randint(8, 25)
                short = partner in missed
                vals_list.append({
                    "partner_id": partner.id,
                    "user_id": teller.id,
                    "call_start": _utc(env, day, moment // 60, moment % 60, rng.randrange(60)),
                    "duration_seconds": rng.randint(8, threshold - 1) if short else rng.randint(threshold, 600),
                    "needs": False if short else rng.choice(NEEDS[lang]),
                    "products_marketed": False if short else ", ".join(rng.sample(PRODUCTS[lang], 2)),
                    "outcome": rng.choice(SHORT_OUTCOMES if short else EFFECTIVE_OUTCOMES),
                })
            calls = Call.with_user(teller).create(vals_list)
            sheet = calls[0].sheet_id
            outcomes["sheets"] += 1
            outcomes["calls"] += len(calls)
            target = unsigned.get(day, "president_signed")
            if target == "draft":
                outcomes["unsigned"] += 1
                continue
            if sheet.shortfall:
                outcomes["short"] += 1
                sheet.with_user(teller).shortfall_reason = SHORTFALL_REASON[lang]
            sheet.with_user(teller).action_submit()
            if target != "submitted":
                sheet.with_user(sub.accounting_supervisor_id).action_sign_supervisor()
            if target == "president_signed":
                sheet.with_user(sub.president_id).action_sign_president()
                outcomes["signed"] += 1
            else:
                outcomes["unsigned"] += 1
            # the evening of the day, not the moment the demo was built
            env.flush_all()
            env.cr.execute(
                """
                UPDATE call_sheet
                   SET submitted_date = %(submitted)s,
                       supervisor_signed_date = CASE WHEN supervisor_id IS NOT NULL THEN %(supervisor)s END,
                       president_signed_date = CASE WHEN president_id IS NOT NULL THEN %(president)s END
                 WHERE id = %(id)s
                """,
                {"id": sheet.id, "submitted": _utc(env, day, 17, 5 + rng.randrange(20)),
                 "supervisor": _utc(env, day, 17, 35 + rng.randrange(20)),
                 "president": _utc(env, day, 18, 10 + rng.randrange(30))},
            )
            sheet.invalidate_recordset(["submitted_date", "supervisor_signed_date", "president_signed_date"])
        progress(f"  {sub.code}: {len(days)} working day(s) in {first:%Y-%m}")
    outcomes["seconds"] = time.perf_counter() - started
    outcomes["month"] = f"{first:%Y-%m}"
    return outcomes


def holdings_rows(customers, today, seed=42):
    """The core-banking holdings file's rows for ``customers`` [(customer
    number, AUM)] as of the day before ``today``: for most customers a
    current account, for about half a time deposit and for a third a wealth
    product, maturing over the next twelve months (some this month)."""
    rng = random.Random(f"{seed}-holdings")
    as_of = today - datetime.timedelta(days=1)
    for number, aum in customers:
        aum = float(aum or 0)
        if rng.random() < 0.85:
            balance = round(min(aum * rng.uniform(0.05, 0.6), 900_000) + rng.uniform(0, 3000), 2)
            yield number, "current_account", f"{balance:.2f}", "", as_of.isoformat()
        for kind, share in (("time_deposit", 0.5), ("wealth", 0.33)):
            if rng.random() < share:
                amount = round(max(1000.0, aum * rng.uniform(0.1, 0.5)), -2)
                maturity = today + datetime.timedelta(days=rng.randint(0, 365))
                yield number, kind, f"{amount:.2f}", maturity.isoformat(), as_of.isoformat()


def generate_holdings(env, seed=42, progress=print):
    """Import the demo's holdings file through the core-banking feed (as the
    scheduled action would); returns its log."""
    today = env["bank.branch"]._bank_today()
    env.cr.execute(
        "SELECT customer_number, aum_daily_avg FROM res_partner "
        "WHERE branch_id IS NOT NULL AND customer_number IS NOT NULL AND active ORDER BY customer_number"
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["customer_number", "product_type", "amount", "maturity_date", "as_of_date"])
    writer.writerows(holdings_rows(env.cr.fetchall(), today, seed=seed))
    filename = f"holdings_{today - datetime.timedelta(days=1):%Y-%m-%d}.csv"
    log = env["star.tier.feed.log"]._import_content(buffer.getvalue().encode("utf-8"), filename, source="folder")
    progress(f"  holdings: {filename}, {log.row_count:,} rows, {log.state}")
    return log


def screen_month(env, progress=print):
    """Head office screens the current month (and the next one too when this
    one has less than a week of working days left): maturities and high
    current-account balances, to-dos for the designated callers."""
    user = env["res.users"].search([("login", "=", "ho.personal")], limit=1) or env.user
    today = env["bank.branch"]._bank_today()
    months = [today.replace(day=1)]
    sub = env["bank.branch"].search([("branch_type", "=", "sub_branch")], limit=1)
    end = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    if sub and len(sub._working_days(today, end)) < 5:
        months.append(end + datetime.timedelta(days=1))
    total = 0
    for month in months:
        wizard = env["call.screening.wizard"].with_user(user).create({
            "month": month, "use_deposits": True, "use_wealth": True, "use_balance": True,
        })
        wizard.action_preview()
        wizard.action_create_todos()
        total += wizard.activity_count
        progress(f"  screening {month:%Y-%m}: {wizard.activity_count:,} call to-do(s)")
    return total


def main(argv=None):
    # pylint: disable=print-used  # a command-line tool: what it prints is its output
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_db_arguments(parser)
    parser.add_argument("--month", help="YYYY-MM (default: the bank's previous month)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)

    import odoo

    registry = open_registry(args, "call.sheet", "call_tracking")
    if registry is None:
        return 2
    month = datetime.date.fromisoformat(f"{args.month}-01") if args.month else None
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            summary = generate_calls(env, month=month, seed=args.seed)
        except ValueError as exc:
            print(str(exc), file=sys.stderr)
            return 3
        if month is None:
            this_month = env["bank.branch"]._bank_today().replace(day=1)
            current = generate_calls(env, month=this_month, seed=args.seed, until_yesterday=True)
            for key in ("sheets", "calls", "signed", "short"):
                summary[key] += current[key]
        if "call.screening.wizard" in env and not env["call.plan"].search_count([], limit=1):
            generate_holdings(env, seed=args.seed)
            summary["todos"] = screen_month(env)
        cr.commit()  # pylint: disable=invalid-commit  # a command-line tool: it owns its transaction
    print(f"Calls of {summary['month']}: {summary['calls']:,} call(s) on {summary['sheets']} sheet(s) "
          f"({summary['signed']} signed, {summary['unsigned']} not signed, {summary['short']} short, "
          f"{summary['no_sheet']} working day(s) without a sheet) in {summary['seconds']:.1f} s; "
          f"{summary.get('todos', 0):,} screened call to-do(s) for this month.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
