#!/usr/bin/env python3
"""Synthetic retail bank for the ``star_tiering`` addon.

Creates, deterministically from a seed, in a database where ``star_tiering``
is installed:

* ``branches`` sub-branches under head office (codes SB01, SB02, ...), each
  with ``outlets_per_branch`` outlets (codes SB01-01, ...);
* their staff, through the ORM (so roles grant their security groups):
  per sub-branch 1 branch president, 1 accounting supervisor, 2 customer
  managers, 1 customer manager supervisor, 2 outlet staff, 3 tellers, 1 VIP
  teller, 1 lobby manager, 1 business development staff; per outlet 1 outlet
  manager and 1 teller; at head office ``ho.audit``, ``ho.hr`` and
  ``ho.personal``. Every demo user's password is ``demo`` (DEMO_PASSWORD);
* ``customers`` customers (res.partner with a branch), loaded with one COPY
  (not the ORM): 1,000,000 load in well under a minute.

Usable three ways:

* ``generate_bank(env, ...)`` inside an Odoo environment (superuser);
* ``customer_rows(...)``: the pure-Python, Odoo-free customer generator
  (tested by tests/test_generate_bank_rows.py);
* the command line, see ``--help``::

    python3 data/generate_bank.py --database bank --customers 100000 --branches 10

The module imports Odoo lazily: importing it needs no Odoo.
"""
import argparse
import bisect
import datetime
import io
import itertools
import math
import os
import random
import sys
import time
from collections import namedtuple

DEMO_PASSWORD = "demo"

# Default head-office policy (star_tiering/data/bank_branch_data.xml), in
# fen (1/100 CNY): minimum AUM of 3★, 4★ and 5★.
DEFAULT_THRESHOLDS_CENTS = (5_000_000, 30_000_000, 100_000_000)

# Target shares of the customer population (DEFAULT policy):
#   1★: AUM 0 and no business           8 %
#   2★: AUM 0 but has business          2 %
#   2★: 0 < AUM < 50,000               45 %
#   3★: 50,000 <= AUM < 300,000        30 %
#   4★: 300,000 <= AUM < 1,000,000     10 %
#   5★: AUM >= 1,000,000                5 %
SHARES = (
    ("1", 0.08),
    ("2-zero", 0.02),
    ("2", 0.45),
    ("3", 0.30),
    ("4", 0.10),
    ("5", 0.05),
)
# Inside a tier's band, the share of customers sitting exactly on the lower
# boundary (and, for 2★-4★, one fen under the next boundary).
BOUNDARY_SHARE = 0.01
UPPER_BOUNDARY_SHARE = 0.005
# The first customers are fixed: every boundary exists even in a tiny bank.
ANCHOR_ROWS = (
    (0, False),            # 1★
    (0, True),             # 2★ (business, no assets)
    (4_999_999, True),     # 49,999.99 -> 2★
    (5_000_000, True),     # 50,000.00 -> 3★
    (30_000_000, True),    # 300,000.00 -> 4★
    (100_000_000, True),   # 1,000,000.00 -> 5★
)
CONTACT_NULL_SHARE = 0.15
CONTACT_WINDOW_DAYS = 120

# Customer names: a common surname and one or two given-name characters.
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹"
GIVEN_CHARS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建文辉玲红鹏飞宇浩然欣怡涵轩梓晨雪琳"

# Staff names (ASCII pinyin, readable in any UI language).
STAFF_SURNAMES = (
    "Zhang", "Wang", "Li", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
    "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "He", "Lin", "Luo", "Gao",
)
STAFF_GIVEN = (
    "Wei", "Fang", "Na", "Min", "Jing", "Li", "Qiang", "Lei", "Jun", "Yang", "Yong",
    "Yan", "Jie", "Juan", "Tao", "Ming", "Chao", "Xia", "Ping", "Gang", "Hui", "Hua",
    "Peng", "Fei", "Yu", "Hao", "Xin", "Yi", "Lan", "Bo",
)
# (English, Chinese) names: branch names are translatable, the Chinese one is
# stored as the zh_CN translation when that language is installed.
DISTRICTS = (
    ("Chengdong", "城东"), ("Chengxi", "城西"), ("Chengnan", "城南"), ("Chengbei", "城北"),
    ("Gaoxin", "高新"), ("Jingkai", "经开"), ("Binjiang", "滨江"), ("Huayuan", "花园"),
    ("Xinhua", "新华"), ("Renmin", "人民"), ("Zhongshan", "中山"), ("Jiefang", "解放"),
    ("Heping", "和平"), ("Dongfeng", "东风"), ("Yingbin", "迎宾"), ("Wenhua", "文化"),
    ("Jianshe", "建设"), ("Xingfu", "幸福"), ("Changjiang", "长江"), ("Huanghe", "黄河"),
    ("Jinqiao", "金桥"), ("Longhua", "龙华"), ("Baiyun", "白云"), ("Qingshan", "青山"),
    ("Taihu", "太湖"), ("Xihu", "西湖"), ("Nanhu", "南湖"), ("Beihai", "北海"),
    ("Donghu", "东湖"), ("Xinkai", "新开"), ("Shuangliu", "双流"), ("Wuhou", "武侯"),
    ("Jinjiang", "锦江"), ("Qingyang", "青羊"), ("Chenghua", "成华"), ("Tianfu", "天府"),
    ("Pidu", "郫都"), ("Wenjiang", "温江"), ("Xindu", "新都"), ("Longquan", "龙泉"),
)
STREETS = (
    ("Jiefang Road", "解放路"), ("Zhongshan Road", "中山路"), ("Renmin Road", "人民路"),
    ("Yanjiang Road", "沿江路"), ("Xinhua Street", "新华街"), ("Chunxi Road", "春熙路"),
    ("Hongxing Road", "红星路"), ("Shuncheng Street", "顺城街"), ("Yulin Road", "玉林路"),
    ("Kehua Road", "科华路"), ("Jianshe Road", "建设路"), ("Wenhua Road", "文化路"),
    ("Heping Street", "和平街"), ("Dongfeng Road", "东风路"), ("Nanjing Road", "南京路"),
)

# (role, how many, login suffix) per sub-branch and per outlet.
SUB_BRANCH_STAFF = (
    ("branch_president", 1, "president"),
    ("accounting_supervisor", 1, "accounting_supervisor"),
    ("customer_manager", 2, "customer_manager"),
    ("customer_manager_supervisor", 1, "cm_supervisor"),
    ("outlet_staff", 2, "outlet_staff"),
    ("teller", 3, "teller"),
    ("vip_teller", 1, "vip_teller"),
    ("lobby_manager", 1, "lobby_manager"),
    ("development_staff", 1, "development_staff"),
)
OUTLET_STAFF = (
    ("outlet_manager", 1, "outlet_manager"),
    ("teller", 1, "teller"),
)
HEAD_OFFICE_STAFF = (
    ("ho.audit", "audit"),
    ("ho.hr", "hr_general_affairs"),
    ("ho.personal", "personal_banking"),
)
# Customers of a sub-branch vs. of each of its outlets.
SUB_BRANCH_WEIGHT = 3
OUTLET_WEIGHT = 1
COPY_CHUNK = 100_000
# The first COPY is small and followed by ANALYZE, see _copy_customers.
COPY_WARMUP = 2_000


class BankAlreadyGenerated(RuntimeError):
    """The database already holds a generated bank (branch SB01)."""


# ----------------------------------------------------------------------
# Pure Python, Odoo-free
# ----------------------------------------------------------------------
CustomerRow = namedtuple(
    "CustomerRow", "customer_number name branch_index aum_cents has_business last_contact_date"
)


def _band_cents(v, low, high):
    """An amount in cents in [low, high): the lower boundary itself, the last
    cent below the upper one, or skewed towards low, as ``v`` falls."""
    if v < BOUNDARY_SHARE:
        return low
    if v < BOUNDARY_SHARE + UPPER_BOUNDARY_SHARE:
        return high - 1
    return low + int((high - low - 1) * v * v)


def format_cents(cents):
    """12345678 -> '123456.78' (exact: amounts are generated in fen)."""
    return f"{cents // 100}.{cents % 100:02d}"


def expected_tier(aum_cents, has_business, thresholds=DEFAULT_THRESHOLDS_CENTS):
    """The tier rule of the engine (DOMAIN.md §1) on fen amounts."""
    min3, min4, min5 = thresholds
    if aum_cents >= min5:
        return "5"
    if aum_cents >= min4:
        return "4"
    if aum_cents >= min3:
        return "3"
    if aum_cents > 0 or has_business:
        return "2"
    return "1"


def customer_rows(count, seed=42, branch_weights=(1,), today=None, first_number=1):
    """Yield ``count`` CustomerRow, deterministically from ``seed`` (and
    ``today``, the reference of the last-contact dates).

    ``branch_weights``: relative number of customers of each branch; a row's
    ``branch_index`` indexes it. AUM is in fen (``aum_cents``), see SHARES.
    ``last_contact_date`` is None for ~15 %, else within the 120 days up to
    ``today`` (inclusive). Customer numbers are C00000001, C00000002, ...
    from ``first_number``.
    """
    if today is None:
        today = datetime.date.today()
    if not branch_weights or min(branch_weights) < 0 or sum(branch_weights) <= 0:
        raise ValueError("branch_weights must be non-negative with a positive sum")
    rng = random.Random(seed)
    rand = rng.random
    cumulative = list(itertools.accumulate(branch_weights))
    total_weight = cumulative[-1]
    last_branch = len(cumulative) - 1
    bounds = list(itertools.accumulate(share for _tier, share in SHARES))
    p1, p2zero, p2, p3, p4 = bounds[:5]
    dates = [today - datetime.timedelta(days=d) for d in range(CONTACT_WINDOW_DAYS)]
    n_surnames, n_given = len(SURNAMES), len(GIVEN_CHARS)
    log_5star_span = math.log(50)  # 5★ from 1 to 50 million CNY
    n_anchors = len(ANCHOR_ROWS)
    for i in range(count):
        u, v = rand(), rand()
        if u < p1:
            cents, business = 0, False
        elif u < p2zero:
            cents, business = 0, True
        elif u < p2:
            business = True
            if v < BOUNDARY_SHARE:
                cents = 4_999_999
            else:
                # skewed to small balances; 0.01 .. 49,999.99
                cents = 1 + int(4_999_998 * v * v)
        elif u < p3:
            business, cents = True, _band_cents(v, 5_000_000, 30_000_000)
        elif u < p4:
            business, cents = True, _band_cents(v, 30_000_000, 100_000_000)
        else:
            business = True
            if v < BOUNDARY_SHARE:
                cents = 100_000_000
            else:
                cents = int(100_000_000 * math.exp(v * log_5star_span))
        if i < n_anchors:
            cents, business = ANCHOR_ROWS[i]
        name = SURNAMES[int(rand() * n_surnames)] + GIVEN_CHARS[int(rand() * n_given)]
        if rand() < 0.7:
            name += GIVEN_CHARS[int(rand() * n_given)]
        branch_index = min(bisect.bisect_right(cumulative, rand() * total_weight), last_branch)
        if rand() < CONTACT_NULL_SHARE:
            rand()  # the same number of draws on both paths
            last_contact = None
        else:
            last_contact = dates[int(rand() * CONTACT_WINDOW_DAYS)]
        yield CustomerRow(
            f"C{first_number + i:08d}", name, branch_index, cents, business, last_contact
        )


def bank_layout(branches, outlets_per_branch):
    """The branch tree as plain data:
    [{code, name, name_zh, outlets: [{code, name, name_zh}]}]."""
    layout = []
    for b in range(branches):
        district, district_zh = DISTRICTS[b % len(DISTRICTS)]
        if b >= len(DISTRICTS):
            district, district_zh = (f"{district} {b // len(DISTRICTS) + 1}",
                                     f"{district_zh}{b // len(DISTRICTS) + 1}")
        code = f"SB{b + 1:02d}"
        outlets = []
        for o in range(outlets_per_branch):
            street, street_zh = STREETS[(b * outlets_per_branch + o) % len(STREETS)]
            outlets.append({
                "code": f"{code}-{o + 1:02d}",
                "name": f"{district} {street} Outlet",
                "name_zh": f"{district_zh}{street_zh}网点",
            })
        layout.append({
            "code": code, "name": f"{district} Sub-branch", "name_zh": f"{district_zh}支行",
            "outlets": outlets,
        })
    return layout


def staff_plan(code, roles):
    """[(login, role)] for one branch: 'sb01.president', 'sb01.teller2', ..."""
    prefix = code.lower()
    plan = []
    for role, count, suffix in roles:
        for n in range(1, count + 1):
            login = f"{prefix}.{suffix}{n if count > 1 else ''}"
            plan.append((login, role))
    return plan


# ----------------------------------------------------------------------
# In an Odoo environment
# ----------------------------------------------------------------------
def _timed(timings, phase, progress):
    class _Timer:
        def __enter__(self):
            self.start = time.perf_counter()
            return self

        def __exit__(self, *exc):
            timings[phase] = time.perf_counter() - self.start
            if exc[0] is None:
                progress(f"  {phase:<28} {timings[phase]:8.2f} s")
            return False

    return _Timer()


def main_language(cr):
    """en_US when active, else the first active language (a database created
    with --load-language=zh_CN has only zh_CN active)."""
    cr.execute("SELECT code FROM res_lang WHERE active ORDER BY code = 'en_US' DESC, id LIMIT 1")
    row = cr.fetchone()
    return row[0] if row else "en_US"


def generate_bank(env, customers=3000, branches=5, outlets_per_branch=1, seed=42, progress=print,
                  today=None):
    """Create the synthetic bank in ``env`` (superuser); see the module doc.

    Does not commit and does not tier. Raises BankAlreadyGenerated when
    branch SB01 already exists. Returns a summary dict: counts, ``timings``
    per phase (seconds) and ``logins`` [(login, password, role, branch)] of
    one user per role of SB01, its first outlet and head office.
    """
    if customers < 0 or branches < 1 or outlets_per_branch < 0:
        raise ValueError("customers >= 0, branches >= 1 and outlets_per_branch >= 0 are required")
    progress = progress or (lambda *_a, **_k: None)
    Branch = env["bank.branch"].with_context(active_test=False)
    if Branch.search_count([("code", "=", "SB01")]):
        raise BankAlreadyGenerated(
            f"Database {env.cr.dbname!r} already has branch SB01: a bank was generated there "
            "already. Use a fresh database (or drop the generated data) instead of generating twice."
        )
    if today is None:
        today = env["bank.branch"]._bank_today()
    quiet = dict(
        env.context, tracking_disable=True, mail_create_nolog=True, mail_create_nosubscribe=True,
        mail_notrack=True, no_reset_password=True,
    )
    qenv = env(context=quiet)
    timings = {}
    head_office = env.ref("star_tiering.branch_head_office")
    # the bank's name heads its printed ledgers and sheets
    if env.company.name in ("My Company", "YourCompany"):
        env.company.write({"name": "Demo Retail Bank"})
    layout = bank_layout(branches, outlets_per_branch)
    progress(f"Generating bank in {env.cr.dbname!r}: {branches} sub-branch(es) x "
             f"{outlets_per_branch} outlet(s), {customers:,} customers, seed {seed}")

    # -- branches ---------------------------------------------------------
    with _timed(timings, "branches", progress):
        # Names in English, with their Chinese translation when zh_CN is
        # installed; in Chinese only in a Chinese-only database (en_US
        # inactive), so that the stored complete names are Chinese too.
        chinese = main_language(env.cr) == "zh_CN"
        key = "name_zh" if chinese else "name"
        QBranch = qenv["bank.branch"].with_context(lang="zh_CN" if chinese else None)
        subs = QBranch.create([
            {"name": b[key], "code": b["code"], "branch_type": "sub_branch", "parent_id": head_office.id}
            for b in layout
        ])
        outlet_vals = [
            {"name": o[key], "code": o["code"], "branch_type": "outlet", "parent_id": sub.id}
            for b, sub in zip(layout, subs, strict=True)
            for o in b["outlets"]
        ]
        outlets = QBranch.create(outlet_vals) if outlet_vals else QBranch
        outlets_by_sub = {sub.id: outlets.filtered(lambda o, s=sub: o.parent_id == s) for sub in subs}
        if not chinese and env["res.lang"]._get_data(code="zh_CN"):
            names_zh = {b["code"]: b["name_zh"] for b in layout}
            names_zh.update({o["code"]: o["name_zh"] for b in layout for o in b["outlets"]})
            for branch in subs | outlets:
                branch.update_field_translations("name", {"zh_CN": names_zh[branch.code]})
        subs, outlets = subs.with_env(qenv), outlets.with_env(qenv)
        outlets_by_sub = {k: v.with_env(qenv) for k, v in outlets_by_sub.items()}

    # -- staff -------------------------------------------------------------
    with _timed(timings, "staff (ORM)", progress):
        staff_rng = random.Random(f"{seed}-staff")
        Users = qenv["res.users"]
        existing = set(Users.with_context(active_test=False).search([]).mapped("login"))

        def user_vals(login, role, branch):
            name = f"{staff_rng.choice(STAFF_SURNAMES)} {staff_rng.choice(STAFF_GIVEN)}"
            return {
                "name": name, "login": login, "email": f"{login}@bank.example",
                "branch_id": branch.id, "bank_role": role, "tz": "Asia/Shanghai",
                "notification_type": "inbox",
            }

        all_users = Users
        ho_vals = [user_vals(login, role, head_office) for login, role in HEAD_OFFICE_STAFF
                   if login not in existing]
        if ho_vals:
            all_users |= Users.create(ho_vals)
        for sub in subs:
            vals = [user_vals(login, role, sub) for login, role in staff_plan(sub.code, SUB_BRANCH_STAFF)]
            for outlet in outlets_by_sub[sub.id]:
                vals += [user_vals(login, role, outlet) for login, role in staff_plan(outlet.code, OUTLET_STAFF)]
            users = Users.create(vals)
            all_users |= users
            by_role = {u.bank_role: u for u in users.filtered(lambda u, s=sub: u.branch_id == s)}
            sub.write({
                "president_id": by_role["branch_president"].id,
                "accounting_supervisor_id": by_role["accounting_supervisor"].id,
            })
        # one pbkdf2 hash for everyone: hashing 600,000 rounds per user would
        # take longer than the rest of the generation
        env.flush_all()
        hashed = env["res.users"]._crypt_context().hash(DEMO_PASSWORD)
        env.cr.execute("UPDATE res_users SET password = %s WHERE id = ANY(%s)", (hashed, all_users.ids))
        all_users.invalidate_recordset(["password"])

    # -- customers ---------------------------------------------------------
    branch_ids, weights = [], []
    for sub in subs:
        branch_ids.append(sub.id)
        weights.append(SUB_BRANCH_WEIGHT)
        for outlet in outlets_by_sub[sub.id]:
            branch_ids.append(outlet.id)
            weights.append(OUTLET_WEIGHT)
    with _timed(timings, "customers (COPY)", progress):
        loaded = _copy_customers(env, customers, seed, branch_ids, weights, today, progress)
    with _timed(timings, "analyze", progress):
        env.cr.execute("ANALYZE res_partner")
    env.invalidate_all()

    sb01 = subs[0]
    shown = head_office | sb01 | outlets_by_sub[sb01.id][:1]
    logins = []
    seen_roles = set()
    for user in all_users.filtered(lambda u: u.branch_id in shown).sorted("id"):
        key = (user.branch_id.id, user.bank_role)
        if key in seen_roles:
            continue
        seen_roles.add(key)
        logins.append((user.login, DEMO_PASSWORD, user.bank_role, user.branch_id.code))
    return {
        "database": env.cr.dbname,
        "sub_branches": len(subs),
        "outlets": len(outlets),
        "users": len(all_users),
        "customers": loaded,
        "seed": seed,
        "timings": timings,
        "logins": logins,
    }


def _copy_customers(env, count, seed, branch_ids, weights, today, progress):
    """COPY ``count`` customers into res_partner, in chunks of COPY_CHUNK.

    Each row references itself (commercial_partner_id = id), so PostgreSQL
    checks that foreign key once per row with a plan it caches per session.
    Planned while res_partner is a few pages (a fresh database), that plan is
    a sequential scan, and it is kept while the COPY grows the table: the
    load turns quadratic (20,000 customers: 11 s instead of 0.7 s; a million
    would not finish). So a first small chunk is loaded, then ANALYZE, which
    invalidates the cached plan: the next chunks are checked by index.
    """
    from odoo import fields

    if not count:
        return 0
    cr = env.cr
    env.flush_all()
    cr.execute("SELECT 1 FROM res_partner WHERE customer_number = 'C00000001'")
    if cr.fetchone():
        raise BankAlreadyGenerated(
            f"Database {cr.dbname!r} already has customer C00000001: refusing to load customers twice."
        )
    lang = main_language(cr)
    now = fields.Datetime.to_string(fields.Datetime.now())
    aum_date = (today - datetime.timedelta(days=1)).isoformat()  # the feed of last night
    uid = env.uid
    columns = [
        "id", "name", "complete_name", "commercial_partner_id", "active", "type", "is_company",
        "partner_share", "employee", "color", "message_bounce", "lang", "branch_id",
        "customer_number", "aum_daily_avg", "aum_date", "has_business", "star_tier",
        "last_contact_date", "create_uid", "create_date", "write_uid", "write_date",
    ]
    # Another installed module may add NOT NULL columns without a database
    # default: fill them with the ORM default, or fail clearly.
    cr.execute(
        """SELECT column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = 'res_partner'
              AND is_nullable = 'NO' AND column_default IS NULL"""
    )
    extra = sorted({r[0] for r in cr.fetchall()} - set(columns))
    extra_text = ""
    if extra:
        Partner = env["res.partner"]
        defaults = Partner.default_get([c for c in extra if c in Partner._fields])
        values = []
        for column in extra:
            field, value = Partner._fields.get(column), defaults.get(column)
            if value is None or (value is False and (field is None or field.type != "boolean")):
                raise RuntimeError(f"res_partner.{column} is NOT NULL and has no default: "
                                   "generate_bank does not know how to fill it")
            values.append("t" if value is True else "f" if value is False else str(value))
        columns += extra
        extra_text = "".join("\t" + v for v in values)
        progress(f"  extra NOT NULL columns filled with ORM defaults: {', '.join(extra)}")
    copy_sql = f"COPY res_partner ({', '.join(columns)}) FROM STDIN"
    raw = cr._obj
    # The rows are consistent by construction (existing branches and user,
    # commercial_partner_id = id): when the role may, skip the 13 foreign-key
    # triggers per row, as pg_restore --disable-triggers does (a third faster).
    try:
        with cr.savepoint(flush=False):
            cr.execute("SET LOCAL session_replication_role = replica", log_exceptions=False)
        replica = True
    except Exception:  # not a superuser: keep the checks
        replica = False
    progress(f"  foreign-key checks during COPY: {'skipped (replica mode)' if replica else 'on'}")
    rows = customer_rows(count, seed=seed, branch_weights=weights, today=today)
    done = 0
    while done < count:
        size = min(COPY_WARMUP if not done else COPY_CHUNK, count - done)
        cr.execute("SELECT nextval('res_partner_id_seq') FROM generate_series(1, %s)", (size,))
        ids = [r[0] for r in cr.fetchall()]
        buf = io.StringIO()
        write = buf.write
        null = "\\N"
        head = "\tt\tcontact\tf\tt\tf\t0\t0\t" + lang + "\t"
        tail = f"\t{uid}\t{now}\t{uid}\t{now}{extra_text}\n"
        for pid, row in zip(ids, itertools.islice(rows, size), strict=True):
            cents = row.aum_cents
            last = row.last_contact_date
            write(
                f"{pid}\t{row.name}\t{row.name}\t{pid}{head}{branch_ids[row.branch_index]}\t"
                f"{row.customer_number}\t{cents // 100}.{cents % 100:02d}\t{aum_date}\t"
                f"{'t' if row.has_business else 'f'}\t0\t{last.isoformat() if last else null}{tail}"
            )
        buf.seek(0)
        raw.copy_expert(copy_sql, buf)
        if not done and size < count:
            cr.execute("ANALYZE res_partner")
        done += size
        if count > COPY_CHUNK:
            progress(f"    {done:>10,} / {count:,} customers")
    if replica:
        cr.execute("SET LOCAL session_replication_role = origin")
    return done


# ----------------------------------------------------------------------
# Command line
# ----------------------------------------------------------------------
def default_addons_path():
    """<this repository>,<Odoo's core addons>."""
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    paths = [repo]
    try:
        import odoo
    except ImportError:  # no Odoo to find: this repository only
        return repo
    core = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(odoo.__file__))), "addons")
    if os.path.isdir(core):
        paths.append(core)
    return ",".join(paths)


def odoo_config_args(args):
    """The odoo.tools.config arguments of the common database options."""
    cfg = ["-d", args.database, "--addons-path", args.addons_path or default_addons_path(),
           "--log-level", "warn"]
    for option in ("db_host", "db_port", "db_user", "db_password"):
        value = getattr(args, option)
        if value:
            cfg += [f"--{option}", str(value)]
    return cfg


def add_db_arguments(parser):
    parser.add_argument("--database", "-d", required=True, help="database with star_tiering installed")
    parser.add_argument("--db_host")
    parser.add_argument("--db_port")
    parser.add_argument("--db_user")
    parser.add_argument("--db_password")
    parser.add_argument("--addons-path", dest="addons_path",
                        help="default: this repository and Odoo's core addons")


def open_registry(args, model, addon):
    """Odoo's registry of --database, configured from ``args``; None (and a
    message) when ``addon``, which holds ``model``, is not installed there."""
    # pylint: disable=print-used  # a command-line tool: what it prints is its output
    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(odoo_config_args(args), setup_logging=True)
    registry = Registry(args.database)
    if model not in registry:
        print(f"{addon} is not installed in {args.database!r}: install it first (odoo -i {addon}).",
              file=sys.stderr)
        return None
    return registry


def format_logins(logins):
    lines = [f"{'login':<28} {'password':<9} {'role':<28} branch"]
    lines += [f"{login:<28} {password:<9} {role:<28} {branch}" for login, password, role, branch in logins]
    return "\n".join(lines) + "\n"


def main(argv=None):
    # pylint: disable=print-used  # a command-line tool: what it prints is its output
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_db_arguments(parser)
    parser.add_argument("--customers", type=int, default=3000)
    parser.add_argument("--branches", type=int, default=5, help="sub-branches under head office")
    parser.add_argument("--outlets", type=int, default=1, help="outlets per sub-branch")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-tiering", action="store_true", help="do not run the tiering engine afterwards")
    parser.add_argument("--logins-file", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                               "demo_logins.txt"))
    args = parser.parse_args(argv)

    import odoo

    started = time.perf_counter()
    registry = open_registry(args, "bank.branch", "star_tiering")
    if registry is None:
        return 2
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        try:
            summary = generate_bank(env, customers=args.customers, branches=args.branches,
                                    outlets_per_branch=args.outlets, seed=args.seed)
        except BankAlreadyGenerated as exc:
            print(str(exc), file=sys.stderr)
            return 3
        t = time.perf_counter()
        cr.commit()  # pylint: disable=invalid-commit  # a command-line tool: it owns its transaction
        print(f"  {'commit':<28} {time.perf_counter() - t:8.2f} s")
        if not args.no_tiering:
            t = time.perf_counter()
            env["res.partner"]._star_tiering_run_all(commit=True)
            print(f"  {'tiering (run_all)':<28} {time.perf_counter() - t:8.2f} s")
            cr.execute("SELECT star_tier, count(*) FROM res_partner WHERE branch_id IS NOT NULL "
                       "GROUP BY star_tier ORDER BY star_tier")
            print("  tiers: " + ", ".join(f"{tier}★ {n:,}" for tier, n in cr.fetchall()))
    print(f"Generated {summary['sub_branches']} sub-branch(es), {summary['outlets']} outlet(s), "
          f"{summary['users']} user(s), {summary['customers']:,} customer(s) in "
          f"{time.perf_counter() - started:.1f} s.")
    text = format_logins(summary["logins"])
    if args.logins_file:
        with open(args.logins_file, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"Demo logins (password {DEMO_PASSWORD!r} for every generated user), written to "
              f"{args.logins_file}:")
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
