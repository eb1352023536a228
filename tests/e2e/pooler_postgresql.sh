#!/usr/bin/env bash
# moat through a connection pooler: PgBouncer (session pooling) in front of the test server.
# PgBouncer refuses the `options` startup parameter in which moat sends its session settings;
# moat must connect anyway and make the settings itself. The database's own default for
# extra_float_digits is set to 0 (15 significant digits), so a double written and read back
# through the pooler keeps all its digits only if moat's setting was made. PostgreSQL only.
source "$(dirname "$0")/lib.sh"

[ "$BACKEND" = postgresql ] || { echo "this test runs on PostgreSQL only" >&2; exit 1; }
PGBOUNCER=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
[ -x "$PGBOUNCER" ] || { echo "pgbouncer is not installed (scripts/install-deps installs it)" >&2; exit 1; }

server=${MOAT_TEST_POSTGRES#postgresql://moat@}
server=${server%%/*}
host=${server%:*}
port=${server#*:}
name=$(new_database_name)
psql "$MOAT_TEST_POSTGRES" -qAtc "CREATE DATABASE $name" >/dev/null || { fail "create database"; finish; }
psql "$MOAT_TEST_POSTGRES" -qAtc "ALTER DATABASE $name SET extra_float_digits = 0" >/dev/null

pooler_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# Its own folder, outside the test's (owner-only) one: PgBouncer refuses to run as root, and
# runs as nobody when the test does.
pooler=$(mktemp -d)
cat > "$pooler/pgbouncer.ini" <<EOF
[databases]
$name = host=$host port=$port dbname=$name user=moat
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $pooler_port
unix_socket_dir =
auth_type = trust
auth_file = $pooler/users.txt
pool_mode = session
logfile = $pooler/pgbouncer.log
pidfile = $pooler/pgbouncer.pid
EOF
echo '"moat" ""' > "$pooler/users.txt"
chmod -R a+rwX "$pooler"
as_user=()
[ "$(id -u)" = 0 ] && as_user=(runuser -u nobody --)
"${as_user[@]}" "$PGBOUNCER" -d "$pooler/pgbouncer.ini" || { fail "pgbouncer did not start"; finish; }
stop_pooler() {
  [ -f "$pooler/pgbouncer.pid" ] && kill "$(cat "$pooler/pgbouncer.pid")" 2>/dev/null
  rm -rf "$pooler"
  cleanup
}
trap stop_pooler EXIT
url="postgresql://moat@127.0.0.1:$pooler_port/$name"
for _ in $(seq 50); do
  psql "$url" -qAtc "SELECT 1" >/dev/null 2>&1 && break
  sleep 0.1
done

# The pooler refuses moat's settings in the options parameter (what moat sends first), as this
# test assumes: "unsupported startup parameter: options" up to PgBouncer 1.19, "… in options:
# client_min_messages" from 1.20.
PGOPTIONS="-c client_min_messages=warning" psql "$url" -qAtc "SELECT 1" >/dev/null 2>"$WORK/refused.err"
grep -q "unsupported startup parameter" "$WORK/refused.err" || fail "the pooler took moat's options"

run "$MOAT" demo "$WORK/ws" --db "$url"
expect_status 0 "the demo made through the pooler"
run "$MOAT" -w "$WORK/ws" set quotes aurora/WP01/F04 unit_cost=0.30000000000000004
expect_status 0 "a set through the pooler"
run "$MOAT" -w "$WORK/ws" show quotes aurora/WP01/F04 --json
expect_stdout "0.30000000000000004" "a double read back through the pooler with all its digits"
run "$MOAT" -w "$WORK/ws" audit verify
expect_status 0 "the ledger written through the pooler verifies"
# What the pooler wrote reads back the same over a direct connection.
direct="${MOAT_TEST_POSTGRES%/*}/$name"
run "$MOAT" -w "$WORK/ws" export "$WORK/pooled.json"
expect_status 0 "the export through the pooler"
sed -i "s#^database = .*#database = '$direct'#" "$WORK/ws/moat.toml"
run "$MOAT" -w "$WORK/ws" export "$WORK/direct.json"
expect_status 0 "the export over a direct connection"
same_files "$WORK/pooled.json" "$WORK/direct.json" "the export through the pooler and directly"
grep -q "login attempt: db=$name" "$pooler/pgbouncer.log" || fail "moat's connections did not go through the pooler"

finish
