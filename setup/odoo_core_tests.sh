#!/usr/bin/env bash
# Do Odoo's own partner/user/activity/resource/contacts tests give the same
# results with our addons installed as without them?
#
# Builds two throw-away databases (both --without-demo=all, as setup/test.sh):
#   base: Odoo's mail, contacts and resource only (what our addons depend on);
#   ours: a copy of "base" (CREATE DATABASE ... TEMPLATE, filestore copied)
#         on which our addons are then installed -- so the only difference
#         between the two is our addons.
# Runs the same selection of Odoo's test files (ODOO_TEST_FILES below) with
# pytest-odoo against each, writes a JUnit XML per run, then compares the
# outcomes test by test: per file the passed/failed/skipped counts of both
# runs, then every test whose outcome differs. Exit status: 1 if any outcome
# differs (or a test exists in one run only); 2 if the comparison could not
# be made (an install failed, a run produced no results...); 0 if both runs
# agree -- also when a test fails in both: not all of Odoo's tests pass in
# databases like these (see below), and the acceptance criterion is "exactly
# as without our addons".
#
# Notes on running Odoo's tests this way:
# * Odoo runs at_install tests right after installing their module, before any
#   later module is loaded, and post_install tests once everything is
#   installed. pytest-odoo ignores those tags and runs every TestCase class,
#   at_install ones included, against the fully installed registry (mail,
#   contacts, resource loaded). A base at_install test may therefore fail
#   because of mail (in both runs); that is why the comparison is against a
#   baseline database and not against "all green".
# * HttpCase classes (contacts' tour, mail's activity/user tours, base's
#   identity check) need --odoo-http and headless Chromium; both are provided,
#   so they run rather than skip (a skip in one run only still shows up as a
#   difference).
# * Odoo's tours start at "/odoo[/...]"; this Odoo copy serves its web client
#   as "/qplexity" instead, so every tour would be a 404 in both runs. The
#   pytest plugin below rewrites the tours' start URL to the web client's
#   route when "/odoo" is not one of them (nothing else is changed).
# * --without-demo=all: tests relying on demo data create what they need
#   (TransactionCaseWithUserDemo) or fail/skip the same way in both runs.
# * Odoo keeps most of its activity and resource tests in the test-only addons
#   test_mail and test_resource (addons/mail/tests/test_mail_activity.py has
#   only the two chatter tours, addons/resource/tests only test_utils.py).
#   CORE_TESTS_TEST_ADDONS=1 installs those two addons in both databases and
#   runs their activity and resource tests as well.
#
# Runnable by hand; not part of setup/test.sh (CI time limit). Takes several
# minutes (two installs, two test runs).
#
# Environment:
#   DB_HOST/DB_PORT/DB_USER/DB_PASSWORD, ODOO_PYTHON/ODOO_PATH  see setup/lib.sh
#   CORE_TESTS_REF=<git rev>   test that commit of this repository (git archive
#                              into a temporary directory) instead of the
#                              working tree, e.g. CORE_TESTS_REF=HEAD while
#                              others have half-done edits in the tree
#   CORE_TESTS_ROOT=<dir>      test the addons in that directory instead
#   CORE_TESTS_OUT=<dir>       logs, JUnit XML and the report (default
#                              var/odoo_core_tests)
#   CORE_TESTS_TEST_ADDONS=1   also Odoo's test_mail/test_resource tests (above)
#   CORE_TESTS_KEEP_DB=1       keep both databases (for diagnosis); their
#                              names are printed at the end
# Extra arguments are passed to both pytest runs (e.g. -k partner).
set -euo pipefail

# shellcheck source=setup/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SCRIPT_REPO="$REPO_ROOT"
# Status 1 means "outcomes differ"; anything that stops the comparison is 2.
die() { printf '\nERROR: %s\n' "$*" >&2; exit 2; }

# Odoo's test files, relative to the addon they belong to.
ODOO_TEST_FILES=(
    # res.partner / res.users / res.groups in base
    base/tests/test_res_partner.py
    base/tests/test_res_partner_bank.py
    base/tests/test_res_partner_merge.py
    base/tests/test_format_address_mixin.py
    base/tests/test_avatar_mixin.py
    base/tests/test_res_users.py
    base/tests/test_user_has_group.py
    base/tests/test_groups.py
    # activities, and mail's partner/user tests
    mail/tests/test_mail_activity.py
    mail/tests/test_res_partner.py
    mail/tests/test_res_users.py
    # all of resource's and contacts' tests
    resource/tests
    contacts/tests
)
BASE_MODULES="mail,contacts,resource"
# Opt-in (CORE_TESTS_TEST_ADDONS=1): Odoo keeps most of its activity and
# resource tests in the test-only addons test_mail and test_resource (their
# own models); installed in both databases, their activity/resource tests run
# too. Beyond the acceptance criterion's directories, and slower.
if [ "${CORE_TESTS_TEST_ADDONS:-0}" = 1 ]; then
    BASE_MODULES="$BASE_MODULES,test_mail,test_resource"
    ODOO_TEST_FILES+=(
        test_mail/tests/test_mail_activity.py
        test_mail/tests/test_mail_activity_plan.py
        test_resource/tests/test_resource.py
    )
fi

find_odoo
ensure_postgres
ensure_python_deps
ensure_chromium

WORK="$(mktemp -d "${TMPDIR:-/tmp}/odoo_core_tests.XXXXXX")"
DB_BASE="odoo_core_base_$$"
DB_OURS="odoo_core_ours_$$"
KEEP_DB="${CORE_TESTS_KEEP_DB:-0}"

cleanup() {
    local rc=$?
    if [ "$KEEP_DB" = 1 ]; then
        log "Kept databases $DB_BASE and $DB_OURS (data dir $WORK/data); drop them when done"
    else
        db_drop "$DB_BASE" >/dev/null 2>&1 || warn "could not drop $DB_BASE"
        db_drop "$DB_OURS" >/dev/null 2>&1 || warn "could not drop $DB_OURS"
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT

# Which tree of our addons to test.
if [ -n "${CORE_TESTS_REF:-}" ]; then
    rev="$(git -C "$SCRIPT_REPO" rev-parse --verify "${CORE_TESTS_REF}^{commit}")" ||
        die "CORE_TESTS_REF=$CORE_TESTS_REF is not a commit of $SCRIPT_REPO"
    mkdir -p "$WORK/repo"
    git -C "$SCRIPT_REPO" archive "$rev" | tar -x -C "$WORK/repo"
    REPO_ROOT="$WORK/repo"
    log "Our addons: commit $rev (archived into $REPO_ROOT)"
elif [ -n "${CORE_TESTS_ROOT:-}" ]; then
    REPO_ROOT="$(cd "$CORE_TESTS_ROOT" && pwd)"
    log "Our addons: $REPO_ROOT"
else
    log "Our addons: working tree $REPO_ROOT ($(git -C "$REPO_ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO_ROOT" diff --quiet HEAD 2>/dev/null || echo ', with uncommitted changes'))"
fi
require_addons
ADDONS="$(our_addons)"
ADDONS_PATH="$(addons_path)"
OUT="${CORE_TESTS_OUT:-$SCRIPT_REPO/var/odoo_core_tests}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
rm -rf "$OUT"/*.xml "$OUT"/*.log "$OUT"/report.txt "$OUT"/screenshots_*

# Resolve the test files in Odoo's addon directories (first hit on the path).
addon_dir() {
    local d
    IFS=, read -r -a _dirs <<<"$ADDONS_PATH"
    for d in "$ODOO_PKG_DIR/addons" "${_dirs[@]}"; do
        [ -f "$d/$1/__manifest__.py" ] && { echo "$d/$1"; return 0; }
    done
    return 1
}
test_paths=()
for f in "${ODOO_TEST_FILES[@]}"; do
    dir="$(addon_dir "${f%%/*}")" || die "Odoo addon ${f%%/*} not found in $ADDONS_PATH"
    p="$dir/${f#*/}"
    [ -e "$p" ] || die "$p does not exist in this Odoo"
    test_paths+=("$p")
done

odoo_install() { # db modules log
    "$ODOO_PY" -m odoo "${ODOO_DB_ARGS[@]}" "--addons-path=$ADDONS_PATH" \
        --data-dir="$WORK/data" -d "$1" -i "$2" --without-demo=all \
        --stop-after-init --log-level=warn >"$3" 2>&1 || {
        tail -n 40 "$3" >&2
        die "installing $2 into $1 failed (log: $3)"
    }
    local missing
    missing="$(db_psql -d "$1" -tA -v mods="{$2}" <<<"
        SELECT string_agg(m, ',') FROM unnest(:'mods'::text[]) AS m
        WHERE m NOT IN (SELECT name FROM ir_module_module WHERE state = 'installed');")"
    if [ -n "$missing" ]; then
        grep -E 'ERROR|CRITICAL' "$3" | tail -n 20 >&2 || true
        die "not installed in $1: $missing (log: $3)"
    fi
}

log "Installing $BASE_MODULES into $DB_BASE"
odoo_install "$DB_BASE" "$BASE_MODULES" "$OUT/install_base.log"
log "Copying $DB_BASE to $DB_OURS and installing $ADDONS into it"
db_psql -d postgres -v src="$DB_BASE" -v dst="$DB_OURS" \
    <<<'CREATE DATABASE :"dst" WITH TEMPLATE :"src";'
if [ -d "$WORK/data/filestore/$DB_BASE" ]; then
    cp -a "$WORK/data/filestore/$DB_BASE" "$WORK/data/filestore/$DB_OURS"
fi
odoo_install "$DB_OURS" "$ADDONS" "$OUT/install_ours.log"

# A pytest plugin for both runs:
# * parse every manifest once before the HTTP server threads do it
#   concurrently (the guard of the repository's conftest.py, which pytest does
#   not load for test files outside the repository);
# * Odoo's tours start at the web client's URL, "/odoo[/...]". This Odoo copy
#   serves the web client under another name ("/qplexity"), so "/odoo" is a 404
#   and every tour would fail in both runs, comparing nothing. When the web
#   client's routes lack "/odoo", HttpCase.browser_js gets the URL rewritten to
#   the web client's prefix (the tours themselves are not changed).
cat >"$WORK/odoo_core_tests_plugin.py" <<'PY'
import re

import pytest


@pytest.fixture(scope="session", autouse=True)
def warm_up_odoo_statics(load_registry):
    import odoo.http
    odoo.http.root.statics  # noqa: B018
    yield


def _web_client_prefix():
    from odoo.addons.web.controllers.home import Home
    routes = Home.web_client.original_routing.get("routes") or []
    if "/odoo" in routes:
        return None
    for route in routes:
        m = re.fullmatch(r"(/[\w-]+)/<path:subpath>", route)
        if m and m.group(1) != "/scoped_app":
            return m.group(1)
    return None


@pytest.fixture(scope="session", autouse=True)
def odoo_web_client_url(load_registry):
    prefix = _web_client_prefix()
    if not prefix:
        yield
        return
    from odoo.tests.common import HttpCase
    browser_js = HttpCase.browser_js

    def patched(self, url_path, *args, **kwargs):
        if re.match(r"/odoo(?=$|[/?#])", url_path or ""):
            url_path = prefix + url_path[len("/odoo"):]
        return browser_js(self, url_path, *args, **kwargs)

    HttpCase.browser_js = patched
    print("odoo_core_tests: tours' /odoo URLs go to %s (the web client's route here)" % prefix)
    yield
    HttpCase.browser_js = browser_js
PY

# See setup/test.sh for the connection settings and PYTEST_DB_USE_ENV_VARS.
unset PYTEST_DB_USE_ENV_VARS
run_tests() { # label db
    local rc
    local cmd=(
        "$ODOO_PY" -m pytest -p no:cacheprovider -p odoo_core_tests_plugin
        --rootdir "$ROOTDIR" -c /dev/null
        --odoo-database "$2"
        --odoo-addons-path "$ADDONS_PATH"
        --odoo-extra "db_host=$DB_HOST" --odoo-extra "db_port=$DB_PORT"
        --odoo-extra "db_user=$DB_USER" --odoo-extra "db_password=$DB_PASSWORD"
        --odoo-extra "data-dir=$WORK/data" --odoo-extra "screenshots=$OUT/screenshots_$1"
        --odoo-http --odoo-log-level warn
        -rA --junitxml "$OUT/$1.xml" -o junit_family=xunit1
        "${test_paths[@]}" "${EXTRA_ARGS[@]}"
    )
    log "Running Odoo's tests against $2 ($1): ${cmd[*]/#db_password=*/db_password=***}"
    mkdir -p "$WORK/tmp_$1"
    set +e
    (cd "$WORK" && PYTHONPATH="$WORK${PYTHONPATH:+:$PYTHONPATH}" TMPDIR="$WORK/tmp_$1" \
        "${cmd[@]}") >"$OUT/$1.log" 2>&1
    rc=$?
    set -e
    log "$1: pytest exit status $rc ($(grep -E '^=+ .* in [0-9.]+s' "$OUT/$1.log" | tail -n1 | tr -d '=' | sed 's/^ *//;s/ *$//'))"
    # 0 all passed, 1 some failed: both are results. Anything else is not.
    if [ "$rc" -gt 1 ] || [ ! -s "$OUT/$1.xml" ]; then
        tail -n 30 "$OUT/$1.log" >&2
        warn "the $1 run did not complete (log: $OUT/$1.log)"
        return 1
    fi
}
EXTRA_ARGS=("$@")
# The tests' common ancestor as rootdir, so node ids and JUnit class names
# carry the path (odoo/addons/base/tests/... vs addons/mail/tests/...);
# -c /dev/null: no ini file of the Odoo tree or of this repository applies.
ROOTDIR="$("$ODOO_PY" -c 'import os, sys; print(os.path.commonpath(sys.argv[1:]))' "${test_paths[@]}")"
run_ok=0
run_tests base "$DB_BASE" || run_ok=2
run_tests ours "$DB_OURS" || run_ok=2
[ "$run_ok" = 0 ] || exit 2

set +e
"$ODOO_PY" - "$OUT/base.xml" "$OUT/ours.xml" <<'PY' | tee "$OUT/report.txt"
import sys
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict

base_xml, ours_xml = sys.argv[1:3]


def outcomes(path):
    """{(module, class, test): outcome} from a pytest JUnit XML file."""
    res = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        classname, name = case.get("classname", ""), case.get("name", "")
        kids = {c.tag for c in case}
        if "error" in kids:
            outcome = "error"
        elif "failure" in kids:
            outcome = "failed"
        elif "skipped" in kids:
            outcome = "skipped"
        else:
            outcome = "passed"
        # A test can have a setup/teardown error on top of its own result:
        # keep the worst.
        key = (classname, name)
        rank = ["passed", "skipped", "failed", "error"]
        if key not in res or rank.index(outcome) > rank.index(res[key]):
            res[key] = outcome
    return res


def file_of(classname):
    """Test file of a JUnit classname such as
    odoo.addons.base.tests.test_res_partner.TestPartner -> base/tests/test_res_partner.py
    (addons.mail.tests.x.C -> mail/tests/x.py)"""
    parts = classname.split(".")
    if "addons" in parts[:3]:
        parts = parts[parts.index("addons") + 1:]
    if len(parts) < 2:
        return classname or "(collection)"
    return "/".join(parts[:-1]) + ".py"


base, ours = outcomes(base_xml), outcomes(ours_xml)
if not base or not ours:
    print("no test results in %s" % (base_xml if not base else ours_xml))
    sys.exit(2)

counts = defaultdict(lambda: {"base": Counter(), "ours": Counter()})
for label, res in (("base", base), ("ours", ours)):
    for (cls, _name), outcome in res.items():
        bucket = "failed" if outcome == "error" else outcome
        counts[file_of(cls)][label][bucket] += 1

print()
print("Outcomes per file: passed/failed(+errors)/skipped")
print("%-48s %16s %16s" % ("file", "without ours", "with ours"))
fmt = lambda c: "%d/%d/%d" % (c["passed"], c["failed"], c["skipped"])
tot = {"base": Counter(), "ours": Counter()}
for f in sorted(counts):
    c = counts[f]
    tot["base"].update(c["base"])
    tot["ours"].update(c["ours"])
    mark = "" if c["base"] == c["ours"] else "   <-- differs"
    print("%-48s %16s %16s%s" % (f, fmt(c["base"]), fmt(c["ours"]), mark))
print("%-48s %16s %16s" % ("total", fmt(tot["base"]), fmt(tot["ours"])))

diffs = []
for key in sorted(set(base) | set(ours)):
    b, o = base.get(key, "absent"), ours.get(key, "absent")
    if b != o:
        diffs.append((key, b, o))
print()
if diffs:
    print("%d test(s) with a different outcome (without ours -> with ours):" % len(diffs))
    for (cls, name), b, o in diffs:
        print("  %-8s -> %-8s %s::%s" % (b, o, cls, name))
    sys.exit(1)
print("Every test has the same outcome with and without our addons.")
PY
rc=${PIPESTATUS[0]}
set -e
echo
echo "Logs, JUnit XML and this report: $OUT (base = without our addons, ours = with them)"
exit "$rc"
