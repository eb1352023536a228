#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
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
bench_name=serve_bench
# shellcheck source=bench/serve_common.sh
source "$root/bench/serve_common.sh"

# measure NAME BACKEND CONNECTIONS WRK-ARGS...: one wrk run; prints a table row, with the
# server's CPU time per request (which other load on the machine inflates least).
measure() {
  local name=$1 backend=$2 connections=$3
  shift 3
  local out before after
  before=$(server_ticks)
  out=$(wrk -t 2 -c "$connections" -d "${DURATION}s" --latency "$@")
  after=$(server_ticks)
  wrk_figures "$out"
  local cpu
  cpu=$(awk -v t=$((after - before)) -v n="$requests" -v hz="$(getconf CLK_TCK)" \
    'BEGIN {us = n ? t * 1e6 / hz / n : 0; if (us >= 1000) printf "%.1f ms", us / 1000; else printf "%d µs", us}')
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$backend" "$connections" "$rps" "$p50" "$p99" \
    "$bad" "$cpu"
}

run_backend() {
  local backend=$1 ws="$work/ws-$1" db=()
  if [ "$backend" = postgresql ]; then
    new_database "moat_serve_bench_$$"
  fi
  "$MOAT" demo "$ws" "${db[@]}" >/dev/null
  # One user sends every request here: lift the per-user rate limit (a 429 is not a measurement).
  printf '\n[serve]\nrequests_per_minute = 16777216\n' >> "$ws/moat.toml"
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
      -s "$work/patch.lua" "$base/api/suppliers/F01" -- "$token" 20 2
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
