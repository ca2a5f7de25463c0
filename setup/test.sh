#!/usr/bin/env bash
# Run the addons' test suite against a throw-away database.
#
# Installs our addons into a fresh database, then runs every <addon>/tests and
# the top-level tests/ with pytest-odoo, HTTP server and headless Chromium
# included. A skipped test counts as a failure: the usual reason for a skip is
# a missing browser/websocket/HTTP server, i.e. the tour tests did not run.
#
# Environment: DB_HOST/DB_PORT/DB_USER/DB_PASSWORD, ODOO_PYTHON/ODOO_PATH (see
# setup/lib.sh), TEST_LOG (pytest output, default var/pytest.log).
# Extra arguments are passed to pytest (e.g. -k tier -x).
set -euo pipefail

# shellcheck source=setup/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

find_odoo
require_addons
ensure_postgres
ensure_python_deps
ensure_chromium

ADDONS="$(our_addons)"
ADDONS_PATH="$(addons_path)"
DB="bank_test_$$"
# Private data dir (filestore, sessions, asset bundles) so the test database
# leaves nothing behind in Odoo's default data dir (~/.local/share/...).
WORK="$(mktemp -d "${TMPDIR:-/tmp}/bank_test.XXXXXX")"
TEST_LOG="${TEST_LOG:-$REPO_ROOT/var/pytest.log}"
# Screenshots Odoo takes when a browser test fails; kept next to the log
# (for CI artifacts), only those of the latest run.
SCREENSHOTS="$REPO_ROOT/var/screenshots"
mkdir -p "$(dirname "$TEST_LOG")"
rm -rf "$SCREENSHOTS"

cleanup() {
    local rc=$?
    db_drop "$DB" >/dev/null 2>&1 || warn "could not drop test database $DB"
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT

test_paths=()
IFS=, read -r -a addon_list <<<"$ADDONS"
for a in "${addon_list[@]}"; do
    [ -d "$a/tests" ] && test_paths+=("$a/tests")
done
[ -d tests ] && test_paths+=(tests)
[ "${#test_paths[@]}" -gt 0 ] || die "no test directories found (<addon>/tests or tests/)"

log "Installing $ADDONS into fresh database $DB"
"$ODOO_PY" -m odoo "${ODOO_DB_ARGS[@]}" "--addons-path=$ADDONS_PATH" \
    --data-dir="$WORK/data" -d "$DB" -i "$ADDONS" --without-demo=all \
    --stop-after-init --log-level=warn
# Odoo can log a failed install and still exit 0; check the outcome itself.
not_installed="$(db_psql -d "$DB" -tA -v mods="{$ADDONS}" <<<"
    SELECT string_agg(m, ',') FROM unnest(:'mods'::text[]) AS m
    WHERE m NOT IN (SELECT name FROM ir_module_module WHERE state = 'installed');")"
[ -z "$not_installed" ] || die "addons failed to install: $not_installed (see the log above)"

# pytest-odoo hands --odoo-extra KEY=VALUE to Odoo's config parser as
# --KEY=VALUE, which is how the connection settings reach Odoo.
# Its other route, --odoo-db-use-env-vars, reads the *generic* HOST/PORT/USER/
# PASSWORD variables (USER is usually the login name!), and its
# PYTEST_DB_USE_ENV_VARS switch crashes pytest-odoo 2.3.0 (str.lowercase), so
# make sure it cannot leak in from the environment.
unset PYTEST_DB_USE_ENV_VARS
pytest_cmd=(
    "$ODOO_PY" -m pytest -p no:cacheprovider
    --odoo-database "$DB"
    --odoo-addons-path "$ADDONS_PATH"
    --odoo-extra "db_host=$DB_HOST" --odoo-extra "db_port=$DB_PORT"
    --odoo-extra "db_user=$DB_USER" --odoo-extra "db_password=$DB_PASSWORD"
    --odoo-extra "data-dir=$WORK/data" --odoo-extra "screenshots=$SCREENSHOTS"
    --odoo-http --odoo-log-level warn
    # Benchmarks are run by hand, never as part of the suite.
    --ignore-glob='*/bench_*.py'
    # Short summary of failures, errors and (for the check below) skips.
    -rfEs
    "${test_paths[@]}" "$@"
)
log "Running: ${pytest_cmd[*]/#db_password=*/db_password=***}"
set +e
# Odoo does not reliably delete Chromium's temporary profile directories;
# give the test process a private TMPDIR so cleanup() removes them.
mkdir -p "$WORK/tmp"
TMPDIR="$WORK/tmp" "${pytest_cmd[@]}" 2>&1 | tee "$TEST_LOG"
rc=${PIPESTATUS[0]}
set -e

summary="$(grep -aE '^=+ .* in [0-9.]+s.* =+$' "$TEST_LOG" | tail -n1 || true)"
echo
if [ "$rc" -eq 5 ]; then
    echo "FAIL: pytest collected no tests from: ${test_paths[*]}" >&2
elif [ "$rc" -eq 0 ] && grep -q '^SKIPPED' "$TEST_LOG"; then
    # HttpCase without --odoo-http, Chrome not found, websocket-client
    # missing... all end up here; a green run must have run everything.
    echo "FAIL: tests were skipped (a skip means browser/HTTP tests did not run):" >&2
    grep '^SKIPPED' "$TEST_LOG" >&2
    rc=1
elif [ "$rc" -ne 0 ]; then
    echo "FAIL: pytest exited with status $rc" >&2
else
    echo "PASS"
fi
echo "${summary:-no pytest summary line found (see $TEST_LOG)}"
echo "Full output: $TEST_LOG"
[ -d "$SCREENSHOTS" ] && echo "Browser screenshots: $SCREENSHOTS"
exit "$rc"
