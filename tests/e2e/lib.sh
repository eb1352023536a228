# SPDX-License-Identifier: Apache-2.0
# Shared by the end-to-end tests: a temporary folder, the real moat binary, and checks that
# count failures instead of stopping at the first, so one run shows everything that broke.
set -uo pipefail
: "${MOAT:?set MOAT to the moat binary}"
: "${MOAT_SOURCE_DIR:?set MOAT_SOURCE_DIR to the repository root}"
export MOAT_ACTOR=e2e-test
unset MOAT_WORKSPACE
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
FAILURES=0
CHECKS=0

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
