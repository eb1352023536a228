#!/usr/bin/env bash
# Long commands show their progress (count, rate, time left) on a terminal's stderr, and never in
# --json output or when stderr is not a terminal. The terminal is a real pseudo-terminal (script).
source "$(dirname "$0")/lib.sh"

export MOAT_PROGRESS_DELAY_MS=0  # draw from the first record: the test must not depend on speed

# on_terminal OUT COMMAND...: runs COMMAND with stdin, stdout and stderr on a pseudo-terminal.
on_terminal() {
  local out=$1
  shift
  script -qec "$(printf '%q ' "$@")" /dev/null > "$out" 2>&1 < /dev/null
}

"$SYSTEM_PYTHON" - "$WORK/people.csv" <<'PY'
import sys
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.write("id,name,role\n")
    for i in range(1, 6001):
        out.write("P%05d,员工%d,Engineer\n" % (i, i))
PY

for ws in tty piped json; do
  db_flags
  run "$MOAT" init "$WORK/$ws" "${DB_FLAGS[@]}"
  expect_status 0 "init $ws"
done

on_terminal "$WORK/tty.out" "$MOAT" -w "$WORK/tty" import "$WORK/people.csv"
grep -q "Importing .*6,000/6,000 records" "$WORK/tty.out" || fail "import on a terminal shows no progress: $(tail -c 400 "$WORK/tty.out")"
grep -q "records .*/s" "$WORK/tty.out" || fail "the progress line gives no rate"
grep -q "Imported 6000 records" "$WORK/tty.out" || fail "the import's report is missing on the terminal"

"$MOAT" -w "$WORK/piped" import "$WORK/people.csv" > "$WORK/piped.out" 2> "$WORK/piped.err" | cat
grep -q "Importing" "$WORK/piped.out" "$WORK/piped.err" && fail "progress was printed to a pipe"
grep -q "Imported 6000 records" "$WORK/piped.out" || fail "the piped import did not report"

on_terminal "$WORK/json.out" "$MOAT" -w "$WORK/json" import --json "$WORK/people.csv"
grep -q "Importing" "$WORK/json.out" && fail "progress was printed with --json"
grep -q '"read"' "$WORK/json.out" || fail "the --json import printed no report: $(head -c 300 "$WORK/json.out")"

on_terminal "$WORK/verify.out" "$MOAT" -w "$WORK/tty" audit verify
grep -q "Verifying .* events and records" "$WORK/verify.out" || fail "audit verify on a terminal shows no progress"
on_terminal "$WORK/verify-json.out" "$MOAT" -w "$WORK/tty" audit verify --json
grep -q "Verifying" "$WORK/verify-json.out" && fail "audit verify --json printed progress"
"$MOAT" -w "$WORK/tty" audit verify 2> "$WORK/verify.err" > /dev/null
grep -q "Verifying" "$WORK/verify.err" && fail "audit verify printed progress to a file"

on_terminal "$WORK/export.out" "$MOAT" -w "$WORK/tty" export "$WORK/export.json"
grep -q "Exporting .* records" "$WORK/export.out" || fail "export on a terminal shows no progress"
"$SYSTEM_PYTHON" -c 'import json, sys; json.load(open(sys.argv[1]))' "$WORK/export.json" || fail "the export is not JSON"
"$MOAT" -w "$WORK/tty" export > "$WORK/stdout.json" 2> "$WORK/export.err"
grep -q "Exporting" "$WORK/export.err" "$WORK/stdout.json" && fail "export to a pipe printed progress"

finish
