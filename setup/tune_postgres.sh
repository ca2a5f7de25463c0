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
# again. tests/bench_star_tiering.py measured the go-live night at 56-70 s with
# the defaults and 52 s with these settings (48-54 s with shared_buffers 4GB;
# README, Performance).
#
# What it sets, with ALTER SYSTEM (postgresql.auto.conf) as $DB_USER, who must
# be a superuser (setup/run.sh creates the role so):
#   shared_buffers      a quarter of the RAM, at most 8GB (needs a restart)
#   max_wal_size        8GB
#   checkpoint_timeout  15min
# It runs on the database server's machine only (DB_HOST local: the RAM it
# sizes for is this machine's) and restarts the Debian cluster on $DB_PORT.
# This is the database server's configuration, not the addons': on a
# production server it is the DBA's call.
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

# Restarts the Debian cluster listening on $DB_PORT; says how to undo the
# settings by hand when it does not come back (--reset needs a connection).
restart() {
    local conf ver name port _ found=""
    conf="$(db_psql -d postgres -tAc "SHOW data_directory")/postgresql.auto.conf"
    while read -r ver name port _; do
        [ "$port" = "$DB_PORT" ] && found="$ver $name"
    done < <(pg_lsclusters -h 2>/dev/null)
    if [ -z "$found" ]; then
        warn "no Debian cluster listens on port $DB_PORT: restart the PostgreSQL server yourself for shared_buffers to change"
        return 0
    fi
    log "Restarting PostgreSQL cluster ${found/ //} (port $DB_PORT)"
    # shellcheck disable=SC2086  # "version name"
    if as_root pg_ctlcluster $found restart; then
        for _ in $(seq 1 30); do
            pg_isready -q -h "$DB_HOST" -p "$DB_PORT" && return 0
            sleep 1
        done
    fi
    die "PostgreSQL on port $DB_PORT did not come back after the restart.
Remove the settings this script added from $conf
and start the cluster again: pg_ctlcluster $found start"
}

_is_local_db || die "run this on the database server's machine (DB_HOST=$DB_HOST is not local)"
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
restart
log "PostgreSQL settings now:"
show
