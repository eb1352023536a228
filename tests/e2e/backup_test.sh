#!/usr/bin/env bash
# Backups restore to a workspace whose ledger verifies: pg_dump/pg_restore on PostgreSQL, the
# online .backup on SQLite (docs/deploy.md).
source "$(dirname "$0")/lib.sh"

db_flags
"$MOAT" demo "$WORK/ws" "${DB_FLAGS[@]}" >/dev/null || { fail "demo"; finish; }
"$MOAT" -w "$WORK/ws" export "$WORK/before.json"
cp -r "$WORK/ws" "$WORK/restored"
if [ "$BACKEND" = postgresql ]; then
  pg_dump --format=custom --file "$WORK/backup.dump" "$(database_of "$WORK/ws")"
  restored=$(new_database_url)
  pg_restore --no-owner --dbname "$restored" "$WORK/backup.dump"
  sed -i "s|^database = .*|database = '$restored'|" "$WORK/restored/moat.toml"
else
  sqlite3 "$WORK/ws/moat.db" ".backup '$WORK/backup.db'"
  rm -f "$WORK/restored"/moat.db*
  cp "$WORK/backup.db" "$WORK/restored/moat.db"
fi
run "$MOAT" -w "$WORK/restored" audit verify
expect_status 0 "the restored ledger verifies"
run "$MOAT" -w "$WORK/restored" export "$WORK/after.json"
same_files "$WORK/before.json" "$WORK/after.json" "the restored workspace"
finish
