#!/usr/bin/env bash
# Lint the repository as OCA repositories do: ruff (.ruff.toml) and pylint with
# pylint-odoo's checks for Odoo 18.0 (.pylintrc), over every addon (top-level
# directory with a __manifest__.py), data/, tests/ and the top-level Python
# files. Exits non-zero on any finding.
#
# The linters live in a venv of their own, var/lintvenv, created from PyPI on
# the first run (and again when the pins below change); nothing is installed
# into the Python that runs Odoo, and Odoo itself is not needed. The same
# versions are pinned in .pre-commit-config.yaml: change both together.
#
#   ./setup/lint.sh              everything
#   ./setup/lint.sh PATH...      only these files or directories
#
# Environment: LINT_PYTHON (the interpreter the venv is made with, python3 by
# default; pylint 4 needs Python 3.10 or later), LINT_VENV (var/lintvenv).
set -euo pipefail

# shellcheck source=setup/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

PINS=(
    "ruff==0.17.6"
    "pylint==4.0.10"
    "pylint-odoo==10.0.12"
    "pylint-plugin-utils==0.9.0"
    "astroid==4.0.4"
)
VENV="${LINT_VENV:-$REPO_ROOT/var/lintvenv}"
STAMP="$VENV/.lint-pins"

ensure_lint_venv() {
    local want
    want="$(printf '%s\n' "${PINS[@]}")"
    if [ -x "$VENV/bin/ruff" ] && [ -x "$VENV/bin/pylint" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$want" ]; then
        return 0
    fi
    local py="${LINT_PYTHON:-python3}"
    command -v "$py" >/dev/null || die "$py not found (set LINT_PYTHON to a Python 3.10+ interpreter)"
    "$py" -c 'import sys; sys.exit(sys.version_info < (3, 10))' ||
        die "$py is Python $("$py" -c 'import platform; print(platform.python_version())'); the linters need 3.10 or later (set LINT_PYTHON)"
    if ! "$py" -c 'import ensurepip, venv' 2>/dev/null; then
        # Debian ships venv's pip bootstrap separately
        apt_install python3-venv
    fi
    log "Creating the lint venv $VENV ($("$py" -c 'import sys; print(sys.executable)'))"
    rm -rf "$VENV"
    "$py" -m venv "$VENV"
    "$VENV/bin/python" -m pip install -q "${PINS[@]}" || die "pip could not install ${PINS[*]} into $VENV"
    printf '%s\n' "$want" >"$STAMP"
}

ensure_lint_venv

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    targets=()
    for m in */__manifest__.py; do
        [ -f "$m" ] && targets+=("$(dirname "$m")")
    done
    for d in data tests; do
        [ -d "$d" ] && targets+=("$d")
    done
    for f in *.py; do
        [ -f "$f" ] && targets+=("$f")
    done
fi
[ "${#targets[@]}" -gt 0 ] || die "nothing to lint in $REPO_ROOT"

rc=0
log "ruff $("$VENV/bin/ruff" --version | cut -d' ' -f2): ruff check ${targets[*]}"
"$VENV/bin/ruff" check --no-fix --output-format=concise "${targets[@]}" || rc=1

log "pylint $("$VENV/bin/pylint" --version | sed -n 's/^pylint //p') with pylint-odoo: pylint --rcfile=.pylintrc ${targets[*]}"
pylint_out="$(mktemp)"
trap 'rm -f "$pylint_out"' EXIT
set +e
"$VENV/bin/pylint" --rcfile=.pylintrc "${targets[@]}" | tee "$pylint_out"
pylint_rc=${PIPESTATUS[0]}
set -e
# pylint's exit status is a bit mask (1 fatal, 2 error, 4 warning,
# 8 refactor, 16 convention, 32 usage error): any bit is a failure
if [ "$pylint_rc" -ne 0 ]; then
    findings="$(grep -cE '^[^ ]+:[0-9]+:[0-9]+: ' "$pylint_out" || true)"
    echo "pylint: ${findings} finding(s) (exit status $pylint_rc)" >&2
    rc=1
else
    echo "pylint: no findings"
fi

echo
if [ "$rc" -eq 0 ]; then
    echo "PASS: ruff and pylint-odoo found nothing"
else
    echo "FAIL: see the findings above" >&2
fi
exit "$rc"
