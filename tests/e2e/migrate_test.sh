#!/usr/bin/env bash
# moat migrate: a workspace moves to an empty PostgreSQL database with every record and every
# ledger event; the exports before and after are byte-identical; moat.toml is switched only
# when the copy is proven. On the postgresql backend the source is itself on PostgreSQL.
source "$(dirname "$0")/lib.sh"
: "${MOAT_TEST_POSTGRES:?migration needs a PostgreSQL server: run the tests through scripts/with-postgres}"

db_flags
"$MOAT" demo "$WORK/ws" "${DB_FLAGS[@]}" >/dev/null || { fail "demo"; finish; }
run "$MOAT" -w "$WORK/ws" set suppliers F18 capacity=77000
expect_status 0 "an edit before the move (a record at version 2)"
echo "a passphrase that moves along" | "$MOAT" -w "$WORK/ws" user add mover --role sourcing --display-name 李搬家 >/dev/null
token=$("$MOAT" -w "$WORK/ws" token create mover 2>/dev/null)
"$MOAT" -w "$WORK/ws" export "$WORK/before.json"
events=$(sql "$WORK/ws" 'SELECT COUNT(*) FROM ledger')
source_db=$(database_of "$WORK/ws")

target=$(new_database_url)
run "$MOAT" -w "$WORK/ws" migrate --to "$target"
expect_status 0 "migrate"
expect_stdout "$events ledger events verified, exports identical"
CHECKS=$((CHECKS + 1))
[ "$(database_of "$WORK/ws")" = "$target" ] || fail "moat.toml does not name the new database"
if [ "$BACKEND" = sqlite ]; then
  CHECKS=$((CHECKS + 1))
  [ -f "$WORK/ws/moat.db" ] || fail "the SQLite file was not kept as a backup"
fi

run "$MOAT" -w "$WORK/ws" export "$WORK/after.json"
expect_status 0 "export after the move"
same_files "$WORK/before.json" "$WORK/after.json" "exports before and after the move"
run "$MOAT" -w "$WORK/ws" audit verify
expect_status 0 "the moved ledger verifies"
expect_stdout "$events events"
run "$MOAT" -w "$WORK/ws" show suppliers F18 --json
expect_stdout '"version": 2' "row versions moved too"

# The accounts moved too: the user and its API token (only the token's hash is stored).
run "$MOAT" -w "$WORK/ws" user list
expect_stdout "mover" "the user moved"
expect_stdout "李搬家" "its display name moved with it"
CHECKS=$((CHECKS + 1))
[ "$(psql "$target" -qAtc "SELECT COUNT(*) FROM api_tokens WHERE user_name = 'mover' AND revoked = 0")" = 1 ] ||
  fail "the API token did not move"
CHECKS=$((CHECKS + 1))
[ -n "$token" ] || fail "no token was made"

# The moved workspace goes on working, and writes land in PostgreSQL.
run "$MOAT" -w "$WORK/ws" set suppliers F18 capacity=78000 --if-version 2
expect_status 0 "edit after the move"
CHECKS=$((CHECKS + 1))
[ "$(psql "$target" -qAtc "SELECT capacity FROM suppliers WHERE id = 'F18'")" = 78000 ] || fail "the edit did not reach PostgreSQL"

# A database that is not empty is refused, and moat.toml stays as it was.
db_flags
"$MOAT" demo "$WORK/other" "${DB_FLAGS[@]}" >/dev/null
run "$MOAT" -w "$WORK/other" migrate --to "$target"
expect_status 1 "migrate into a database that holds a workspace"
expect_stderr "not empty"
CHECKS=$((CHECKS + 1))
[ "$(database_of "$WORK/other")" != "$target" ] || fail "a refused migration switched moat.toml"
run "$MOAT" -w "$WORK/other" migrate --to "postgresql://moat:hunter2@127.0.0.1:1/nowhere?connect_timeout=2"
expect_status 1 "migrate to an unreachable server"
CHECKS=$((CHECKS + 1))
! grep -q hunter2 "$WORK/stderr" || fail "the password appeared in an error message"
# A migration killed after its copy committed, before moat.toml named the database, left the target
# holding this very workspace: run again, it checks the copy and finishes. The state is made here by
# migrating a copy of the folder first. The refusal above stands for any other content.
db_flags
"$MOAT" demo "$WORK/third" "${DB_FLAGS[@]}" >/dev/null || fail "demo"
clone_workspace "$WORK/third" "$WORK/third-copy"
again=$(new_database_url)
run "$MOAT" -w "$WORK/third-copy" migrate --to "$again"
expect_status 0 "the copy's migration (the killed run's commit)"
run "$MOAT" -w "$WORK/third" migrate --to "$again"
expect_status 0 "migrate again into the database that holds this workspace"
expect_stdout "held this workspace already"
CHECKS=$((CHECKS + 1))
[ "$(database_of "$WORK/third")" = "$again" ] || fail "the finished migration did not switch moat.toml"
if [ "$BACKEND" = postgresql ]; then
  expect_stdout "the database it named before stays as it was" "no moat.db to speak of"
fi
[ -n "$source_db" ]
finish
