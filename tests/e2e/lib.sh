# SPDX-License-Identifier: Apache-2.0
# Shared by the end-to-end tests: a temporary folder, the real moat binary, and checks that
# count failures instead of stopping at the first, so one run shows everything that broke.
set -uo pipefail
: "${MOAT:?set MOAT to the moat binary}"
: "${MOAT_SOURCE_DIR:?set MOAT_SOURCE_DIR to the repository root}"
export MOAT_ACTOR=e2e-test
unset MOAT_WORKSPACE
WORK=$(mktemp -d)
# The interpreter Debian's python3-* packages (openpyxl, icalendar) install into, whatever
# python3 comes first on PATH.
SYSTEM_PYTHON=/usr/bin/python3
# python3 is the interpreter the first python3 on PATH runs, found once: where that is a version
# manager's shim (pyenv), each start through it costs a second or more, and a test starts python3
# dozens of times. Scripts these tests start (bash -c) see the function too.
PYTHON3=$(python3 -c 'import sys; print(sys.executable)') || exit 1
python3() { "$PYTHON3" "$@"; }
export PYTHON3
export -f python3
FAILURES=0
CHECKS=0

# The backend under test: MOAT_TEST_BACKEND=sqlite (default) or postgresql, the latter on the
# server MOAT_TEST_POSTGRES names (scripts/with-postgres starts one).
BACKEND=${MOAT_TEST_BACKEND:-sqlite}
if [ "$BACKEND" = postgresql ] && [ -z "${MOAT_TEST_POSTGRES:-}" ]; then
  echo "MOAT_TEST_POSTGRES is not set: run the tests through scripts/with-postgres" >&2
  exit 1
fi

cleanup() {
  if [ -f "$WORK/databases" ]; then
    while read -r name; do
      psql "$MOAT_TEST_POSTGRES" -qAtc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1
    done < "$WORK/databases"
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# new_database_name: a name no other database of this run has (works in subshells too).
new_database_name() {
  local count=0
  [ -f "$WORK/databases" ] && count=$(wc -l < "$WORK/databases")
  local name="moat_e2e_$$_$count"
  echo "$name" >> "$WORK/databases"
  echo "$name"
}

# new_database_url: a fresh, empty PostgreSQL database's URL.
new_database_url() {
  local name
  name=$(new_database_name)
  psql "$MOAT_TEST_POSTGRES" -qAtc "CREATE DATABASE $name" >/dev/null || return 1
  echo "${MOAT_TEST_POSTGRES%/*}/$name"
}

# db_flags: what `moat init` and `moat demo` need for the backend under test (nothing for SQLite).
# Call it as a command (db_flags; then use "${DB_FLAGS[@]}").
db_flags() {
  DB_FLAGS=()
  if [ "$BACKEND" = postgresql ]; then DB_FLAGS=(--db "$(new_database_url)"); fi
}

database_of() {
  python3 -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1] + "/moat.toml", "rb"))["database"])' "$1"
}

# sql WORKSPACE STATEMENTS: runs SQL directly on a workspace's database, as an attacker or an
# administrator would; prints the results, one row a line, columns separated by '|'.
sql() {
  if [ "$BACKEND" = postgresql ]; then
    psql "$(database_of "$1")" -qAt -v ON_ERROR_STOP=1 -c "$2"
  else
    sqlite3 "$1/moat.db" "$2"
  fi
}

# clone_workspace FROM TO: a copy of a workspace with its own copy of the database.
clone_workspace() {
  rm -rf "$2" && cp -r "$1" "$2"
  if [ "$BACKEND" = postgresql ]; then
    local name from
    name=$(new_database_name)
    from=$(database_of "$1")
    psql "$MOAT_TEST_POSTGRES" -qAtc "CREATE DATABASE $name TEMPLATE ${from##*/}" >/dev/null || return 1
    sed -i "s|^database = .*|database = '${MOAT_TEST_POSTGRES%/*}/$name'|" "$2/moat.toml"
  fi
}

# on_terminal OUT COMMAND...: runs COMMAND with stdin, stdout and stderr on a pseudo-terminal
# (script), its output and errors in OUT.
on_terminal() {
  local out=$1
  shift
  script -qec "$(printf '%q ' "$@")" /dev/null > "$out" 2>&1 < /dev/null
}

fail() { echo "FAIL: $*" >&2; FAILURES=$((FAILURES + 1)); }

# run CMD...: runs moat-or-anything, keeping stdout, stderr and the exit code for the checks below.
run() {
  "$@" >"$WORK/stdout" 2>"$WORK/stderr"
  STATUS=$?
}

expect_status() {
  CHECKS=$((CHECKS + 1))
  [ "$STATUS" -eq "$1" ] || fail "${2:-command}: exit $STATUS, expected $1; stderr: $(head -c 600 "$WORK/stderr")"
}

expect_stderr() {
  CHECKS=$((CHECKS + 1))
  grep -qF -- "$1" "$WORK/stderr" || fail "${2:-stderr} lacks '$1'; stderr: $(head -c 600 "$WORK/stderr")"
}

expect_stdout() {
  CHECKS=$((CHECKS + 1))
  grep -qF -- "$1" "$WORK/stdout" || fail "${2:-stdout} lacks '$1'; stdout: $(head -c 600 "$WORK/stdout")"
}

same_files() {
  CHECKS=$((CHECKS + 1))
  cmp -s "$1" "$2" || fail "${3:-files} differ: $1 $2 ($(diff "$1" "$2" | head -5))"
}

finish() {
  if [ "$FAILURES" -gt 0 ]; then
    echo "$FAILURES of $CHECKS checks failed" >&2
    exit 1
  fi
  echo "all $CHECKS checks passed"
  exit 0
}
