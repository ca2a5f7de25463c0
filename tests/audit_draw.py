#!/usr/bin/env python3
"""Re-derive the audited day of a monthly sample (audit_penalty) from what the
sample stores, with nothing but Python's standard library: no Odoo, no
database. An outsider (a branch, an external auditor) runs it on the fields
shown on the sample's form (*Re-derive the Draw*)::

    python3 tests/audit_draw.py sample.json
    python3 tests/audit_draw.py --seed S --branch-code B --period 2026-11 --population 2026-11-02,2026-11-03
    python3 tests/audit_draw.py commit SEED          # the SHA-256 to publish before the month ends

The JSON holds ``seed``, ``branch_code``, ``period`` (YYYY-MM), ``population``
(the ISO dates of the days with a call sheet, as a list or comma-separated) and
optionally ``sampled_date`` and ``seed_sha256``, which are then checked. The
exit status is 0 when they match, 1 otherwise.

The method: the position drawn is HMAC-SHA256 with the seed (UTF-8) as key and
``"<branch code>|<YYYY-MM>"`` (UTF-8) as message, its 32 bytes read as one
big-endian unsigned integer, modulo the number of days in the population; the
day is the one at that position (from 0) in the population sorted by date.
The commitment to a seed is the lowercase hexadecimal SHA-256 of its UTF-8
bytes.

This is a re-implementation written from that description, deliberately not
an import of the addon's code, so that the two can be compared.
"""
import argparse
import hashlib
import hmac
import json
import sys


def commitment(seed):
    """The published commitment to ``seed``: hex SHA-256 of its UTF-8 bytes."""
    return hashlib.sha256(seed.encode("utf-8")).hexdigest()


def _days(population):
    if isinstance(population, str):
        population = population.split(",")
    return sorted(str(day).strip()[:10] for day in population if str(day).strip())


def drawn_position(seed, branch_code, period, size):
    """The position drawn in a population of ``size`` days (``period``: YYYY-MM)."""
    if size < 1:
        raise ValueError("empty population")
    mac = hmac.new(seed.encode("utf-8"), f"{branch_code}|{str(period)[:7]}".encode(), hashlib.sha256)
    return int.from_bytes(mac.digest(), "big") % size


def derive_day(seed, branch_code, period, population):
    """The sampled day (ISO date string) of a sample's stored fields."""
    days = _days(population)
    return days[drawn_position(seed, branch_code, period, len(days))]


def check(record):
    """(ok, derived day, messages) for a dict of stored fields."""
    day = derive_day(record["seed"], record["branch_code"], record["period"], record["population"])
    messages, ok = [f"derived day: {day}"], True
    if record.get("sampled_date"):
        same = str(record["sampled_date"])[:10] == day
        ok &= same
        messages.append(f"stored day {record['sampled_date']}: {'matches' if same else 'DOES NOT MATCH'}")
    if record.get("seed_sha256"):
        same = commitment(record["seed"]) == str(record["seed_sha256"]).strip().lower()
        ok &= same
        messages.append(f"seed SHA-256: {'matches' if same else 'DOES NOT MATCH'} the commitment")
    return ok, day, messages


def main(argv=None):
    # pylint: disable=print-used  # a command-line tool: what it prints is its output
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["commit"]:
        if len(argv) != 2:
            print("usage: audit_draw.py commit SEED", file=sys.stderr)
            return 2
        print(commitment(argv[1]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("json", nargs="?", help="a JSON file of the sample's stored fields ('-': standard input)")
    parser.add_argument("--seed")
    parser.add_argument("--branch-code")
    parser.add_argument("--period", help="YYYY-MM")
    parser.add_argument("--population", help="comma-separated ISO dates")
    parser.add_argument("--sampled-date")
    parser.add_argument("--seed-sha256")
    args = parser.parse_args(argv)
    if args.json:
        with (sys.stdin if args.json == "-" else open(args.json, encoding="utf-8")) as handle:
            record = json.load(handle)
    else:
        if not (args.seed and args.branch_code and args.period and args.population):
            parser.error("give a JSON file, or --seed, --branch-code, --period and --population")
        record = {"seed": args.seed, "branch_code": args.branch_code, "period": args.period,
                  "population": args.population, "sampled_date": args.sampled_date,
                  "seed_sha256": args.seed_sha256}
    ok, _day, messages = check(record)
    print("\n".join(messages))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
