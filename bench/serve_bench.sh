#!/usr/bin/env bash
# serve_bench.sh [MOAT]: `moat serve` under wrk on loopback, over the Aurora demo workspace, on
# SQLite and on PostgreSQL (started by scripts/with-postgres unless MOAT_TEST_POSTGRES names one).
#   1. authenticated cached reads: a bearer token, GET /api/suppliers?limit=5 (a ~2 KB answer),
#      64 keep-alive connections, 2 server threads; targets ≥ 20,000 requests/s, p99 ≤ 10 ms;
#   2. the write path: PATCH /api/suppliers/{id} (a changed capacity, If-Match: *), each write one
#      transaction with its ledger event; throughput and p99 reported.
# Every run is bounded: DURATION seconds of load (default 10) after a 3-second warm-up.
# Prints one Markdown table row per backend and path.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
MOAT=$(realpath "${1:-${MOAT:-$root/build/src/cli/moat}}")
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
WRITE_CONNECTIONS=${WRITE_CONNECTIONS:-16}
SERVER_THREADS=${SERVER_THREADS:-2}
PASSWORD="benchmark passphrase 1234"

if [ -z "${MOAT_TEST_POSTGRES:-}" ] && [ "${SERVE_BENCH_NO_POSTGRES:-0}" != 1 ]; then
  exec "$root/scripts/with-postgres" "$0" "$MOAT"
fi
command -v wrk >/dev/null || { echo "serve_bench: wrk is not installed (scripts/install-deps)" >&2; exit 2; }

work=$(mktemp -d)
server_pid=""
databases=()
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  for name in "${databases[@]}"; do
    psql "$MOAT_TEST_POSTGRES" -qAtc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

cat > "$work/patch.lua" <<'EOF'
-- PATCHes spread over the 20 suppliers (as many people editing different records), each with a
-- capacity it has not had before, so that every one writes (and is ledgered).
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
local n = 0
function request()
  n = n + 1
  local supplier = string.format("/api/suppliers/F%02d", (n * 2 + id) % 20 + 1)
  local body = '{"capacity": ' .. (100000 + n * 16 + id) .. '}'
  return wrk.format("PATCH", supplier, headers, body)
end
function init(args)
  headers = {["Authorization"] = "Bearer " .. args[1], ["Content-Type"] = "application/json", ["If-Match"] = "*"}
end
EOF
# start_server WORKSPACE: runs moat serve on a free port; sets server_pid and port.
start_server() {
  "$MOAT" -w "$1" serve --quiet --listen 127.0.0.1:0 --threads "$SERVER_THREADS" > "$work/serve.out" 2> "$work/serve.err" &
  server_pid=$!
  for _ in $(seq 1 100); do
    port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/serve.out")
    [ -n "$port" ] && return 0
    sleep 0.1
  done
  echo "serve_bench: moat serve did not start: $(cat "$work/serve.err")" >&2
  exit 2
}

stop_server() {
  kill -TERM "$server_pid"
  wait "$server_pid"
  server_pid=""
}

# The server's CPU time so far, in clock ticks (user + system).
server_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }

# measure NAME BACKEND CONNECTIONS WRK-ARGS...: one wrk run; prints a table row, with the
# server's CPU time per request (which other load on the machine inflates least).
measure() {
  local name=$1 backend=$2 connections=$3
  shift 3
  local out before after
  before=$(server_ticks)
  out=$(wrk -t 2 -c "$connections" -d "${DURATION}s" --latency "$@")
  after=$(server_ticks)
  local rps p50 p99 bad requests cpu
  rps=$(awk '/^Requests\/sec:/ {printf "%d", $2}' <<<"$out")
  p50=$(awk '$1 == "50.000%" || $1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99.000%" || $1 == "99%" {print $2}' <<<"$out")
  bad=$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$out")
  requests=$(awk '/requests in/ {print $1}' <<<"$out")
  cpu=$(awk -v t=$((after - before)) -v n="$requests" -v hz="$(getconf CLK_TCK)" \
    'BEGIN {us = n ? t * 1e6 / hz / n : 0; if (us >= 1000) printf "%.1f ms", us / 1000; else printf "%d µs", us}')
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$backend" "$connections" "$rps" "$p50" "$p99" \
    "${bad:-0}" "$cpu"
}

run_backend() {
  local backend=$1 ws="$work/ws-$1" db=()
  if [ "$backend" = postgresql ]; then
    local name="moat_serve_bench_$$"
    psql "$MOAT_TEST_POSTGRES" -qAtc "CREATE DATABASE $name" >/dev/null
    databases+=("$name")
    db=(--db "${MOAT_TEST_POSTGRES%/*}/$name")
  fi
  "$MOAT" demo "$ws" "${db[@]}" >/dev/null
  printf '%s\n' "$PASSWORD" | "$MOAT" -w "$ws" user add bench --role sourcing >/dev/null
  local token
  token=$("$MOAT" -w "$ws" token create bench 2>/dev/null)
  start_server "$ws"
  local base="http://127.0.0.1:$port"
  local read_path="/api/suppliers?limit=5"
  local bytes
  bytes=$(curl -s -H "Authorization: Bearer $token" "$base$read_path" | wc -c)
  wrk -t 2 -c "$CONNECTIONS" -d 3s -H "Authorization: Bearer $token" "$base$read_path" >/dev/null
  measure "cached read, GET $read_path ($bytes bytes)" "$backend" "$CONNECTIONS" \
    -H "Authorization: Bearer $token" "$base$read_path"
  for connections in "$WRITE_CONNECTIONS" "$CONNECTIONS"; do
    measure "write, PATCH /api/suppliers/{id} (+ ledger event)" "$backend" "$connections" \
      -s "$work/patch.lua" "$base/api/suppliers/F01" -- "$token"
  done
  stop_server
  "$MOAT" -w "$ws" audit verify >/dev/null || { echo "serve_bench: the ledger does not verify after $backend" >&2; exit 1; }
}

echo "moat serve on $(nproc) cores, $SERVER_THREADS server threads; wrk 2 threads, ${DURATION}s per run"
echo
echo "(load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "| path | backend | connections | requests/s | p50 | p99 | non-2xx | server CPU per request |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
run_backend sqlite
if [ -n "${MOAT_TEST_POSTGRES:-}" ]; then run_backend postgresql; fi
