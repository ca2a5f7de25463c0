"""The monthly audit draw (每月随机抽取支行1天), as a pure function.

The audited day of a sub-branch for a month is

    index = int.from_bytes(HMAC-SHA256(key=seed, msg=f"{branch code}|{YYYY-MM}"), "big") % len(population)
    day   = population[index]

where ``seed`` is the period's seed as text (UTF-8), the branch code is the
sub-branch's code as stored on the sample, and the population is the sorted
list of the days of that month on which the sub-branch has a call sheet. A
seed is committed before the month ends by publishing SHA-256(seed) (hex).

Nothing here imports Odoo: anyone re-derives a sample's day from what the
sample stores, with the independent script ``tests/audit_draw.py`` of the
repository (Python standard library only).
"""
import datetime
import hashlib
import hmac


def period_key(period):
    """``YYYY-MM`` of a date (any day of the month) or of such a string."""
    if isinstance(period, datetime.date):
        return f"{period.year:04d}-{period.month:02d}"
    return str(period)[:7]


def seed_hash(seed):
    """The commitment to ``seed``: SHA-256 of its UTF-8 bytes, in lowercase hex."""
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def draw_index(seed, branch_code, period, size):
    """The drawn position in a population of ``size`` days."""
    if size <= 0:
        raise ValueError("the population is empty: there is no day to draw")
    message = f"{branch_code}|{period_key(period)}".encode()
    digest = hmac.new(seed.encode("utf-8"), message, hashlib.sha256).digest()
    return int.from_bytes(digest, "big") % size


def draw_day(seed, branch_code, period, population):
    """The drawn day among ``population`` (dates, sorted here to be safe)."""
    days = sorted(population)
    return days[draw_index(seed, branch_code, period, len(days))]
