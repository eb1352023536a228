#!/usr/bin/env bash
# Many moat processes writing at once keep the ledger one unbroken chain, lose no event, and
# never lose an update: an edit made to a version someone else changed fails with exit 1.
source "$(dirname "$0")/lib.sh"

db_flags
"$MOAT" demo "$WORK/ws" "${DB_FLAGS[@]}" >/dev/null || { fail "demo"; finish; }
before=$(sql "$WORK/ws" 'SELECT COUNT(*) FROM ledger')

# 32 writers, each importing 10 people of its own, all at once.
writers=32
for w in $(seq 1 "$writers"); do
  {
    echo "id,supplier,name,role"
    for i in $(seq 1 10); do echo "W${w}-P${i},F0$((i % 9 + 1)),Writer $w person $i,engineer"; done
  } > "$WORK/people-$w.csv"
done
pids=()
for w in $(seq 1 "$writers"); do
  "$MOAT" -w "$WORK/ws" import --kind people "$WORK/people-$w.csv" >"$WORK/out-$w" 2>&1 &
  pids+=($!)
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
CHECKS=$((CHECKS + 1))
[ "$failed" -eq 0 ] || fail "$failed of $writers concurrent imports failed: $(cat "$WORK"/out-* | grep -v Imported | head -3)"
after=$(sql "$WORK/ws" 'SELECT COUNT(*) FROM ledger')
CHECKS=$((CHECKS + 1))
[ "$after" -eq $((before + writers * 10)) ] || fail "expected $((before + writers * 10)) events, found $after"
run "$MOAT" -w "$WORK/ws" audit verify
expect_status 0 "the chain verifies after concurrent writers"

# Two people read version 1 of the same record; the second to write is told, and loses nothing.
run "$MOAT" -w "$WORK/ws" show suppliers F18 --json
expect_stdout '"version": 1'
run "$MOAT" -w "$WORK/ws" set suppliers F18 capacity=91234 --if-version 1
expect_status 0 "first edit"
run "$MOAT" -w "$WORK/ws" set suppliers F18 capacity=95678 --if-version 1
expect_status 1 "stale edit"
expect_stderr "changed by someone else: it is at version 2"
run "$MOAT" -w "$WORK/ws" show suppliers F18 --json
expect_stdout '"capacity": 91234'
run "$MOAT" -w "$WORK/ws" set suppliers F18 capacity=-5
expect_status 1 "an edit with a bad value"
expect_stderr "capacity: capacity must not be negative"
run "$MOAT" -w "$WORK/ws" set suppliers F18 trusted=true
expect_status 1 "an edit that would mix a party"
run "$MOAT" -w "$WORK/ws" set suppliers F404 capacity=1
expect_status 1 "an edit of a missing record"
run "$MOAT" -w "$WORK/ws" audit verify
expect_status 0 "the chain verifies at the end"
finish
