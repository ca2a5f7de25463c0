#!/usr/bin/env bash
# Start a demo Odoo with our addons and a synthetic bank loaded.
#
# First run: creates database $DEMO_DB, installs the addons and loads the
# generated bank (data/generate_bank.py), last month's calls and sheets
# (data/generate_calls.py) and that month's audit (data/generate_audit.py). Later runs reuse that database,
# install addons that are new since and upgrade (-u) those whose manifest
# version changed; DEMO_UPDATE=1 upgrades them all, e.g. after changing
# views or fields without a new version.
#
# Environment: DEMO_DB (bank_demo), DEMO_CUSTOMERS (3000), DEMO_BRANCHES (5),
# DEMO_SEED (42), HTTP_PORT (8069), DEMO_UPDATE, DB_HOST/DB_PORT/DB_USER/
# DB_PASSWORD, ODOO_PYTHON/ODOO_PATH (see setup/lib.sh).
set -euo pipefail

# shellcheck source=setup/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

DB="${DEMO_DB:-bank_demo}"
HTTP_PORT="${HTTP_PORT:-8069}"

find_odoo
require_addons
ensure_postgres
ensure_python_deps

ADDONS="$(our_addons)"
ADDONS_PATH="$(addons_path)"
ODOO=("$ODOO_PY" -m odoo "${ODOO_DB_ARGS[@]}" "--addons-path=$ADDONS_PATH")

# The demo's working history, for the addons that have one and a database
# that does not have it yet: last month's calls and sheets (call_tracking),
# then that month's audit (audit_penalty).
load_demo_activity() {
    local calls
    calls="$(db_psql -d "$DB" -tA <<<"
        SELECT count(*) FROM pg_tables WHERE tablename = 'call_log';")"
    if [ "$calls" = 1 ] && [ "$(db_psql -d "$DB" -tA <<<"SELECT count(*) FROM call_log;")" = 0 ]; then
        log "Loading last month's calls and sheets (data/generate_calls.py)"
        "$ODOO_PY" data/generate_calls.py --database "$DB" --seed "${DEMO_SEED:-42}" \
            "${ODOO_DB_ARGS[@]}" "--addons-path=$ADDONS_PATH"
    fi
    if [ "$(db_psql -d "$DB" -tA <<<"SELECT count(*) FROM pg_tables WHERE tablename = 'audit_penalty';")" = 1 ] &&
       [ "$(db_psql -d "$DB" -tA <<<"SELECT count(*) FROM audit_penalty;")" = 0 ]; then
        log "Auditing last month: fines, samples, the bulletin (data/generate_audit.py)"
        "$ODOO_PY" data/generate_audit.py --database "$DB" --seed "${DEMO_SEED:-42}" \
            "${ODOO_DB_ARGS[@]}" "--addons-path=$ADDONS_PATH"
    fi
}

if ! db_exists "$DB"; then
    log "Creating demo database $DB with addons: $ADDONS"
    # A half-built demo (failed install or data load) would be silently reused
    # by the next run, so drop it again if anything below fails. `odoo db
    # drop` also removes its filestore; plain DROP DATABASE is the fallback.
    trap 'warn "demo setup failed; dropping half-built database $DB"
          "$ODOO_PY" -m odoo db "${ODOO_DB_ARGS[@]}" drop "$DB" >/dev/null 2>&1 ||
              db_drop "$DB" || true' EXIT
    # Staff work in Chinese or English: both languages are loaded, each user
    # picks theirs in their preferences.
    "${ODOO[@]}" -d "$DB" -i "$ADDONS" --without-demo=all --load-language=en_US,zh_CN \
        --stop-after-init --log-level=warn
    log "Loading synthetic bank (${DEMO_CUSTOMERS:-3000} customers, ${DEMO_BRANCHES:-5} branches, seed ${DEMO_SEED:-42})"
    "$ODOO_PY" data/generate_bank.py --database "$DB" \
        --customers "${DEMO_CUSTOMERS:-3000}" \
        --branches "${DEMO_BRANCHES:-5}" \
        --seed "${DEMO_SEED:-42}" \
        "${ODOO_DB_ARGS[@]}" "--addons-path=$ADDONS_PATH"
    load_demo_activity
    trap - EXIT
else
    log "Reusing existing database $DB"
    # Addons added to the repo since the database was built get installed.
    missing="$(db_psql -d "$DB" -tA -v mods="{$ADDONS}" <<<"
        SELECT string_agg(m, ',') FROM unnest(:'mods'::text[]) AS m
        WHERE m NOT IN (SELECT name FROM ir_module_module WHERE state = 'installed');")" ||
        die "database $DB exists but does not look like an Odoo database.
Drop it (dropdb $DB) or pick another name with DEMO_DB=..."
    if [ -n "$missing" ]; then
        log "Installing addons missing from $DB: $missing"
        "${ODOO[@]}" -d "$DB" -i "$missing" --stop-after-init --log-level=warn
        load_demo_activity
    fi
    # Addons whose code is newer than the database (another manifest
    # version) get upgraded, with their migration scripts.
    stale=""
    for mod in ${ADDONS//,/ }; do
        want="$("$ODOO_PY" -c 'import ast, sys; print(ast.literal_eval(open(sys.argv[1]).read())["version"])' \
                "$REPO_ROOT/$mod/__manifest__.py")"
        have="$(db_psql -d "$DB" -tA -v mod="$mod" <<<"
            SELECT latest_version FROM ir_module_module WHERE name = :'mod' AND state = 'installed';")"
        if [ -n "$have" ] && [ "$have" != "$want" ]; then stale="${stale:+$stale,}$mod"; fi
    done
    if [ -n "${DEMO_UPDATE:-}" ]; then
        stale="$ADDONS"
    fi
    if [ -n "$stale" ]; then
        log "Upgrading addons in $DB: $stale"
        "${ODOO[@]}" -d "$DB" -u "$stale" --stop-after-init --log-level=warn
    fi
fi

# The core-banking system's drop for the next night: every customer's AUM
# moved by at most ±0.3 % (the daily recomputation of the annual average),
# dated the bank's today, plus two rows the feed must reject (an unknown
# customer number, a negative AUM). The feed's scheduled action (01:30 bank
# time) imports it before the nightly tiering; head office reads the outcome
# and downloads the rejected rows in Customers & Tiers ▸ Reporting ▸ Feed Log.
FEED_DIR="${DEMO_FEED_DIR:-$REPO_ROOT/var/feed/$DB}"
mkdir -p "$FEED_DIR"
bank_today="$(TZ=Asia/Shanghai date +%F)"
feed_file="$FEED_DIR/aum_${bank_today}.csv"
if [ ! -e "$feed_file" ] && [ ! -e "$FEED_DIR/done/aum_${bank_today}.csv" ]; then
    {
        echo "customer_number,as_of_date,aum,has_business"
        db_psql -d "$DB" -tA -v day="$bank_today" <<<"
            COPY (SELECT customer_number, :'day'::date,
                         round((COALESCE(aum_daily_avg, 0) * (1 + (hashint4(id) % 301) / 100000.0))::numeric, 2),
                         CASE WHEN has_business THEN 1 ELSE 0 END
                    FROM res_partner
                   WHERE branch_id IS NOT NULL AND customer_number IS NOT NULL AND active
                     AND customer_number <> (SELECT min(customer_number) FROM res_partner)
                   ORDER BY id) TO STDOUT WITH (FORMAT csv);"
        echo "C99999999,$bank_today,1000.00,1"
        # the one customer left out above, with an AUM the feed refuses
        echo "$(db_psql -d "$DB" -tA <<<"SELECT min(customer_number) FROM res_partner;"),$bank_today,-5.00,1"
    } > "$feed_file.part"
    mv "$feed_file.part" "$feed_file"
    log "Dropped the core-banking feed for the next night: $feed_file"
fi
db_psql -d "$DB" -v folder="$FEED_DIR" <<<"
    INSERT INTO ir_config_parameter (key, value, create_uid, write_uid, create_date, write_date)
    VALUES ('star_tiering.feed_folder', :'folder', 1, 1, now() at time zone 'UTC', now() at time zone 'UTC')
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;" >/dev/null

echo
log "Odoo will listen on http://localhost:$HTTP_PORT (database $DB)"
if [ -f data/demo_logins.txt ]; then
    log "Demo logins (data/demo_logins.txt):"
    cat data/demo_logins.txt
fi
echo

# Two cron threads (Odoo's default), so the scheduled actions really run and
# the nightly tiering's two workers share the night.
exec "${ODOO[@]}" -d "$DB" --db-filter="^$DB\$" \
    --http-port="$HTTP_PORT" --max-cron-threads=2
