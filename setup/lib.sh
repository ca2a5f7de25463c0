# shellcheck shell=bash
# Shared helpers for setup/run.sh and setup/test.sh -- source it, don't run it.
#
# Everything here must work on a fresh Debian 12 box, as root, from a
# non-interactive shell that read no start-up files (that is how CI calls us),
# so nothing may rely on ~/.bashrc having put pyenv or anything else on PATH.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Database connection. Odoo always connects over TCP with a password (never the
# local socket with peer auth) so the same settings work for a local cluster,
# a container or a remote server.
DB_HOST="${DB_HOST:-localhost}"
DB_PORT="${DB_PORT:-5432}"
DB_USER="${DB_USER:-odoo}"
DB_PASSWORD="${DB_PASSWORD:-odoo}"

# Our addons, in dependency order (Odoo sorts -i itself, but logs and humans
# read better in this order). Extra addon folders are appended after these.
KNOWN_ADDONS=(star_tiering call_tracking audit_penalty)

export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_ROOT_USER_ACTION=ignore

# Bold only on a terminal; CI logs get plain text.
if [ -t 2 ]; then _B=$'\033[1m' _N=$'\033[0m'; else _B="" _N=""; fi
log() { printf '%s==> %s%s\n' "$_B" "$*" "$_N" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() { printf '\nERROR: %s\n' "$*" >&2; exit 1; }

# apt and the postgres superuser need root; the scripts are meant to run as
# root, but let a developer with sudo use them too.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "need root (or sudo) to run: $*"
    fi
}
# Runs a command as the postgres OS user (peer auth on the local socket).
# cd / first: postgres usually cannot read the caller's cwd and psql warns.
as_postgres() {
    if [ "$(id -u)" -ne 0 ]; then
        (cd / && sudo -u postgres "$@")
    elif command -v runuser >/dev/null; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && su postgres -s /bin/bash -c "$(printf '%q ' "$@")")
    fi
}

apt_install() {
    log "Installing Debian packages: $*"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"
}

# --------------------------------------------------------------------------
# Odoo / Python
# --------------------------------------------------------------------------

# Try one interpreter. On success prints "executable|python version|odoo
# package dir|odoo version|major version"; on failure prints the error.
_probe_odoo() {
    "$1" - 2>&1 <<'PY'
import sys
try:
    import odoo, odoo.release as r
except Exception as e:
    print("cannot import odoo: %s: %s" % (type(e).__name__, e))
    sys.exit(1)
print("|".join([sys.executable, sys.version.split()[0], odoo.__path__[0],
                r.version, r.major_version]))
PY
}

# Sets ODOO_PY (absolute interpreter path), ODOO_VERSION and ODOO_PKG_DIR, and
# exports PYTHONPATH when Odoo comes from an ODOO_PATH source tree.
find_odoo() {
    local candidates=() c out="" last_err="" pyenv_root odoo_bin shebang

    if [ -n "${ODOO_PYTHON:-}" ]; then
        # An explicit choice is honoured or fails; never silently replaced.
        candidates=("$ODOO_PYTHON")
    else
        candidates=(python3)
        # CI shells read no start-up files, so pyenv's shims (where Odoo is
        # installed on our dev boxes) are not on PATH and `python3` is
        # Debian's bare interpreter. Fall back to pyenv's global Python and
        # to whatever interpreter the `odoo` console script was installed for.
        pyenv_root="${PYENV_ROOT:-$(getent passwd "$(id -u)" | cut -d: -f6)/.pyenv}"
        [ -x "$pyenv_root/shims/python3" ] && candidates+=("$pyenv_root/shims/python3")
        if odoo_bin="$(command -v odoo 2>/dev/null)"; then
            shebang="$(head -n1 "$odoo_bin" 2>/dev/null || true)"
            shebang="${shebang#\#!}"
            case "$shebang" in
                */env\ *python*) candidates+=("${shebang##* }") ;;
                *python*) candidates+=("${shebang%% *}") ;;
            esac
        fi
    fi

    for c in "${candidates[@]}"; do
        command -v "$c" >/dev/null 2>&1 || { last_err="$c: not found"; continue; }
        if out="$(_probe_odoo "$c")"; then break; fi
        last_err="$c: $out"
        # An Odoo source tree that is not pip-installed: put it on the path.
        if [ -n "${ODOO_PATH:-}" ] && [ -f "$ODOO_PATH/odoo/release.py" ]; then
            if out="$(PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}" _probe_odoo "$c")"; then
                export PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}"
                break
            fi
            last_err="$c with PYTHONPATH=$ODOO_PATH: $out"
        fi
        out=""
    done

    if [ -z "$out" ]; then
        [ -n "${ODOO_PATH:-}" ] && [ ! -f "$ODOO_PATH/odoo/release.py" ] &&
            warn "ODOO_PATH=$ODOO_PATH is not an Odoo source tree (no odoo/release.py)"
        die "Odoo 18 not found (${last_err:-no Python interpreter found}).
Install Odoo 18.0 so that \`python3 -c 'import odoo'\` works (e.g. pip install -e
<odoo-18 checkout>), or set ODOO_PATH=<odoo 18 source tree> (its Python
requirements must be installed), or ODOO_PYTHON=<python that imports odoo 18>."
    fi

    local pyver major
    IFS='|' read -r ODOO_PY pyver ODOO_PKG_DIR ODOO_VERSION major <<<"$out"
    if [ "$major" != "18.0" ]; then
        die "$ODOO_PY imports Odoo $ODOO_VERSION from $ODOO_PKG_DIR, but these addons need Odoo 18.0.
Install Odoo 18, or point ODOO_PYTHON / ODOO_PATH at an Odoo 18 installation."
    fi
    log "Python: $ODOO_PY ($pyver)"
    log "Odoo:   $ODOO_VERSION from $ODOO_PKG_DIR${PYTHONPATH:+ (PYTHONPATH=$PYTHONPATH)}"
}

# Python packages from requirements.txt. pip is only called when a pin is not
# satisfied, so a ready machine needs no network and an externally-managed
# interpreter that already has everything does not trip over PEP 668.
ensure_python_deps() {
    local req="$REPO_ROOT/requirements.txt" missing
    [ -f "$req" ] || return 0
    if missing="$("$ODOO_PY" - "$req" 2>&1 <<'PY'
import sys
from importlib import metadata
try:
    from packaging.requirements import Requirement
except ImportError:
    from pip._vendor.packaging.requirements import Requirement
missing = []
for line in open(sys.argv[1]):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    req = Requirement(line)
    if req.marker and not req.marker.evaluate():
        continue
    try:
        have = metadata.version(req.name)
    except metadata.PackageNotFoundError:
        missing.append(str(req))
        continue
    if not req.specifier.contains(have, prereleases=True):
        missing.append("%s (have %s)" % (req, have))
print(", ".join(missing))
sys.exit(1 if missing else 0)
PY
)"; then
        log "Python requirements: all satisfied"
        return 0
    fi
    log "Installing Python requirements (missing: $missing)"
    "$ODOO_PY" -m pip install -q -r "$req" || die "pip install -r requirements.txt failed for $ODOO_PY.
If pip refused because the environment is 'externally managed' (PEP 668), use a
virtualenv with Odoo installed in it (ODOO_PYTHON=<venv>/bin/python), or set
PIP_BREAK_SYSTEM_PACKAGES=1 if you really mean to install into that Python."
}

# Headless Chromium for HttpCase browser/tour tests. Odoo looks these names
# up on PATH and *skips* (not fails) browser tests when none is found.
ensure_chromium() {
    local b browser=""
    for b in chromium chromium-browser google-chrome google-chrome-stable; do
        if command -v "$b" >/dev/null; then
            browser="$b"
            break
        fi
    done
    if [ -z "$browser" ]; then
        apt_install chromium
        command -v chromium >/dev/null || die "chromium is still not on PATH after apt-get install chromium"
        browser=chromium
    fi
    # The staff work in Chinese: without a CJK font, zh_CN screens (tours,
    # screenshots) render their text as boxes.
    if ! fc-list 2>/dev/null | grep -qi "noto.*cjk"; then
        apt_install fonts-noto-cjk
    fi
    log "Browser: $(command -v "$browser")"
    # Odoo gives Chromium 10 s to open its DevTools port and skips the browser
    # tests otherwise; a cold first start (font cache, profile) has taken
    # longer here. One throw-away start first, outside that window.
    local profile
    profile="$(mktemp -d)"
    timeout 60 "$browser" --headless --no-sandbox --disable-gpu --no-first-run \
        --user-data-dir="$profile" --dump-dom about:blank >/dev/null 2>&1 || true
    rm -rf "$profile"
}

# --------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------

_is_local_db() {
    case "$DB_HOST" in localhost | 127.0.0.1 | ::1 | /*) return 0 ;; *) return 1 ;; esac
}

# psql as $DB_USER over the same connection Odoo uses.
db_psql() {
    PGPASSWORD="$DB_PASSWORD" psql -X -q -v ON_ERROR_STOP=1 \
        -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" "$@"
}

db_exists() {
    [ "$(db_psql -d postgres -tA -v db="$1" <<<"SELECT 1 FROM pg_database WHERE datname = :'db';")" = 1 ]
}

# WITH (FORCE) kicks out sessions a crashed Odoo/pytest may have left behind.
db_drop() {
    db_psql -d postgres -v db="$1" <<<'DROP DATABASE IF EXISTS :"db" WITH (FORCE);'
}

_start_local_cluster() {
    if command -v pg_lsclusters >/dev/null; then
        # Debian layout: start the cluster listening on $DB_PORT, creating
        # one if the package was installed with create_main_cluster=false.
        if [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then
            local ver
            ver="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n1)"
            log "Creating PostgreSQL cluster $ver/main"
            as_root pg_createcluster "$ver" main -p "$DB_PORT"
        fi
        local ver name port status started=0
        while read -r ver name port status _; do
            [ "$port" = "$DB_PORT" ] || continue
            if [ "$status" != online ]; then
                log "Starting PostgreSQL cluster $ver/$name (port $port)"
                as_root pg_ctlcluster "$ver" "$name" start
            fi
            started=1
        done < <(pg_lsclusters -h)
        [ "$started" = 1 ] || die "no PostgreSQL cluster listens on port $DB_PORT:
$(pg_lsclusters)
Set DB_PORT to one of these ports."
    else
        log "Starting PostgreSQL (service postgresql start)"
        as_root service postgresql start
    fi
}

# Install/start a local PostgreSQL (when DB_HOST is local) and make sure the
# Odoo role exists and can log in over TCP with its password.
ensure_postgres() {
    # Already reachable with our credentials (set-up box, container, remote
    # server): nothing to install, start or create.
    if command -v psql >/dev/null && db_psql -d postgres -tAc 'SELECT 1' >/dev/null 2>&1; then
        log "PostgreSQL: $DB_USER@$DB_HOST:$DB_PORT OK"
        odoo_db_args
        return 0
    fi

    if _is_local_db; then
        if ! command -v pg_lsclusters >/dev/null || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
            apt_install postgresql
        fi
        if ! pg_isready -q -h "$DB_HOST" -p "$DB_PORT"; then
            _start_local_cluster
        fi
    elif ! command -v psql >/dev/null; then
        apt_install postgresql-client
    fi

    local i
    for i in $(seq 1 30); do
        pg_isready -q -h "$DB_HOST" -p "$DB_PORT" && break
        [ "$i" = 30 ] && die "PostgreSQL on $DB_HOST:$DB_PORT is not accepting connections"
        sleep 1
    done

    if _is_local_db; then
        # CREATEDB/SUPERUSER: Odoo creates and drops databases itself (demo,
        # tests, `odoo db`). Done as the postgres OS user over peer auth.
        as_postgres psql -X -q -v ON_ERROR_STOP=1 -p "$DB_PORT" -d postgres \
            -v role="$DB_USER" -v pw="$DB_PASSWORD" <<'SQL' || die "could not create PostgreSQL role $DB_USER"
SELECT NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') AS missing \gset
\if :missing
  \echo Creating PostgreSQL role :role
  CREATE ROLE :"role" LOGIN CREATEDB SUPERUSER PASSWORD :'pw';
\endif
SQL
    fi

    db_psql -d postgres -tAc 'SELECT 1' >/dev/null ||
        die "cannot log in to PostgreSQL at $DB_HOST:$DB_PORT as $DB_USER with the given password.
Check DB_HOST/DB_PORT/DB_USER/DB_PASSWORD (an existing role keeps its own password)."
    log "PostgreSQL: $DB_USER@$DB_HOST:$DB_PORT OK"
    odoo_db_args
}

# ODOO_DB_ARGS: the connection options for every odoo invocation. A function
# so that callers who change DB_* after sourcing can rebuild it.
odoo_db_args() {
    # shellcheck disable=SC2034  # used by the scripts sourcing this file
    ODOO_DB_ARGS=(
        "--db_host=$DB_HOST" "--db_port=$DB_PORT"
        "--db_user=$DB_USER" "--db_password=$DB_PASSWORD"
    )
}
odoo_db_args

# --------------------------------------------------------------------------
# Addons
# --------------------------------------------------------------------------

_has_addons() { compgen -G "$1/*/__manifest__.py" >/dev/null; }

# Comma-separated addons path. Passing --addons-path replaces Odoo's default,
# so Odoo's own addon dirs are computed the way odoo/tools/config.py does it
# (<odoo pkg>/addons and <odoo pkg>/../addons) -- never hard-coded.
# .oca/odoo/addons is where `pip install --no-deps --target .oca odoo-addon-x`
# puts OCA modules; Odoo rejects addon dirs without any module, hence the check.
addons_path() {
    local dirs=("$REPO_ROOT") d
    _has_addons "$REPO_ROOT/.oca/odoo/addons" && dirs+=("$REPO_ROOT/.oca/odoo/addons")
    for d in "$ODOO_PKG_DIR/addons" "$(dirname "$ODOO_PKG_DIR")/addons"; do
        _has_addons "$d" && dirs+=("$(cd "$d" && pwd)")
    done
    local IFS=,
    echo "${dirs[*]}"
}

# Comma-separated list of the repo's addons (top-level dirs with a manifest).
our_addons() {
    local names=() a m
    for a in "${KNOWN_ADDONS[@]}"; do
        [ -f "$REPO_ROOT/$a/__manifest__.py" ] && names+=("$a")
    done
    for m in "$REPO_ROOT"/*/__manifest__.py; do
        [ -f "$m" ] || continue
        a="$(basename "$(dirname "$m")")"
        [[ " ${names[*]} " == *" $a "* ]] || names+=("$a")
    done
    local IFS=,
    echo "${names[*]}"
}

require_addons() {
    [ -n "$(our_addons)" ] || die "no addons found in $REPO_ROOT (no top-level directory with a __manifest__.py)"
}
