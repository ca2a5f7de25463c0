#!/usr/bin/env bash
# PostgreSQL settings for a bank of about a million customers -- opt-in.
#
#   ./setup/tune_postgres.sh           apply them (and restart a local cluster)
#   ./setup/tune_postgres.sh --reset   back to the server's defaults
#   ./setup/tune_postgres.sh --show    print the current values only
#
# Debian's defaults (shared_buffers 128MB, max_wal_size 1GB, checkpoint_timeout
# 5min) suit a small database. The nightly tiering of a million customers
# rewrites hundreds of megabytes of rows and indexes: at those defaults most of
# its pages are evicted and read back within the run, and a checkpoint every
# few hundred MB of WAL makes every page written after it log a full image
# again. tests/bench_star_tiering.py measured the go-live night at 55-70 s with
# the defaults and 48 s with these settings (README, Performance).
#
# What it sets, with ALTER SYSTEM (postgresql.auto.conf) as $DB_USER, who must
# be a superuser (setup/run.sh creates the role so):
#   shared_buffers      a quarter of the RAM, at most 8GB (needs a restart)
#   max_wal_size        8GB
#   checkpoint_timeout  15min
# A local Debian cluster (the one on $DB_PORT) is restarted; for another server
# the script says that a restart is needed. This is the database server's
# configuration, not the addons': on a production server it is the DBA's call.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SETTINGS=(shared_buffers max_wal_size checkpoint_timeout)

show() {
    local name
    for name in "${SETTINGS[@]}"; do
        printf '  %-20s %s\n' "$name" "$(db_psql -d postgres -tAc "SHOW $name")"
    done
}

restart() {
    if _is_local_db && command -v pg_lsclusters >/dev/null; then
        local ver name port _
        while read -r ver name port _; do
            [ "$port" = "$DB_PORT" ] || continue
            log "Restarting PostgreSQL cluster $ver/$name (port $port)"
            as_root pg_ctlcluster "$ver" "$name" restart
        done < <(pg_lsclusters -h)
        for _ in $(seq 1 30); do
            pg_isready -q -h "$DB_HOST" -p "$DB_PORT" && return 0
            sleep 1
        done
        die "PostgreSQL on $DB_HOST:$DB_PORT did not come back after the restart"
    else
        warn "restart the PostgreSQL server at $DB_HOST:$DB_PORT for shared_buffers to change"
        return 1
    fi
}

mode="${1:-apply}"
case "$mode" in
    --show)
        show
        exit 0
        ;;
    --reset)
        log "Resetting ${SETTINGS[*]} to the server's defaults"
        for name in "${SETTINGS[@]}"; do
            db_psql -d postgres -c "ALTER SYSTEM RESET $name"
        done
        ;;
    apply)
        ram_kib="$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)"
        buffers_mib=$((ram_kib / 4 / 1024))
        [ "$buffers_mib" -gt 8192 ] && buffers_mib=8192
        log "Setting shared_buffers=${buffers_mib}MB, max_wal_size=8GB, checkpoint_timeout=15min"
        db_psql -d postgres -c "ALTER SYSTEM SET shared_buffers = '${buffers_mib}MB'"
        db_psql -d postgres -c "ALTER SYSTEM SET max_wal_size = '8GB'"
        db_psql -d postgres -c "ALTER SYSTEM SET checkpoint_timeout = '15min'"
        ;;
    *)
        die "usage: $0 [--reset | --show]"
        ;;
esac
db_psql -d postgres -c "SELECT pg_reload_conf()" >/dev/null
restart || true
log "PostgreSQL settings now:"
show
