#!/usr/bin/env bash
# The ledger catches tampering done directly in the database: a corrupted, deleted, reordered
# or inserted event, events cut off the end, and records changed behind moat's back.
source "$(dirname "$0")/lib.sh"

db_flags
"$MOAT" demo "$WORK/pristine" "${DB_FLAGS[@]}" >/dev/null || { fail "demo"; finish; }
last=$(sql "$WORK/pristine" 'SELECT MAX(seq) FROM ledger')

# tamper NAME SQL EXPECTED-TEXT: copies the pristine workspace, runs SQL, expects verify to fail.
tamper() {
  local name=$1 sql=$2 expected=$3
  clone_workspace "$WORK/pristine" "$WORK/t" || { fail "$name: cannot copy the workspace"; return; }
  sql "$WORK/t" "$sql" >/dev/null || { fail "$name: the SQL failed"; return; }
  run "$MOAT" -w "$WORK/t" audit verify
  expect_status 1 "$name"
  expect_stderr "$expected" "$name"
}

run "$MOAT" -w "$WORK/pristine" audit verify
expect_status 0 "pristine verify"
expect_stdout "Ledger verified: $last events"

tamper "corrupt a field" "UPDATE ledger SET actor = 'mallory' WHERE seq = 5" "event 5 was altered"
tamper "corrupt an after-image" "UPDATE ledger SET after_json = replace(after_json, '\"capacity\":', '\"capacity\":1') WHERE seq = (SELECT MIN(seq) FROM ledger WHERE entity = 'suppliers')" "was altered"
tamper "delete an event" "DELETE FROM ledger WHERE seq = 7" "event 7 is missing"
tamper "delete the first event" "DELETE FROM ledger WHERE seq = 1" "event 1 is missing"
tamper "reorder two events" "UPDATE ledger SET seq = -1 WHERE seq = 3; UPDATE ledger SET seq = 3 WHERE seq = 4; UPDATE ledger SET seq = 4 WHERE seq = -1;" "event 3"
tamper "insert an event" "UPDATE ledger SET seq = -seq WHERE seq > 10; UPDATE ledger SET seq = 1 - seq WHERE seq < 0; INSERT INTO ledger SELECT 11, at, 'mallory', action, entity, entity_key, before_json, after_json, prev_hash, hash FROM ledger WHERE seq = 10" "event 11"
tamper "append a forged event" "INSERT INTO ledger SELECT seq + 1, at, 'mallory', 'put', 'suppliers', 'F99', NULL, '{}', hash, hash FROM ledger WHERE seq = $last" "event $((last + 1)) was altered"
tamper "cut events off the end" "DELETE FROM ledger WHERE seq > $((last - 3))" "removed from the end"
tamper "edit a record behind the ledger" "UPDATE suppliers SET capacity = capacity + 1 WHERE id = 'F05'" "suppliers/F05 differs"
tamper "delete a record behind the ledger" "DELETE FROM people WHERE id = (SELECT MIN(id) FROM people)" "deleted outside moat"
tamper "add a record behind the ledger" "INSERT INTO products (id, name) VALUES ('ghost', 'Ghost')" "products/ghost is stored but the ledger never recorded it"

# --json names the first bad event for scripts.
clone_workspace "$WORK/pristine" "$WORK/t"
sql "$WORK/t" "UPDATE ledger SET entity_key = 'x' WHERE seq = 9"
run "$MOAT" -w "$WORK/t" audit verify --json
expect_status 1 "verify --json"
expect_stdout '"first_bad_event": 9'
finish
