#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# serve_write_bench.sh [MOAT]: `moat serve` under wrk on loopback over a generated workspace
# (bench/workspace_generator.py, SIZE=XL by default), on SQLite (BACKEND=postgresql under
# scripts/with-postgres for PostgreSQL):
#   1. writes: PATCH /api/suppliers/{id} (a new capacity, If-Match: *) spread over every supplier,
#      WRITE_CONNECTIONS (16) keep-alive connections; each write is one ledger event. Targets:
#      ≥ 1,000 writes/s, p99 ≤ 50 ms.
#   2. reads beside writes: READ_CONNECTIONS (64) connections of cached GETs while WRITE_RATE
#      (100) PATCHes per second run beside them, once reading other tables (GET /api/products)
#      and once the very table being written (GET /api/suppliers?limit=5). Target for the reads:
#      ≥ 20,000/s, p99 ≤ 10 ms.
# Every run lasts DURATION seconds (default 10) after a 3-second warm-up. Prints Markdown rows.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
MOAT=$(realpath "${1:-${MOAT:-$root/build/src/cli/moat}}")
SIZE=${SIZE:-XL}
BACKEND=${BACKEND:-sqlite}
DURATION=${DURATION:-10}
READ_CONNECTIONS=${READ_CONNECTIONS:-64}
WRITE_CONNECTIONS=${WRITE_CONNECTIONS:-16}
WRITE_RATE=${WRITE_RATE:-100}
SERVER_THREADS=${SERVER_THREADS:-2}
PASSWORD="benchmark passphrase 1234"
bench_name=serve_write_bench
# shellcheck source=bench/serve_common.sh
source "$root/bench/serve_common.sh"

# row NAME CONNECTIONS WRK-OUTPUT: one table row from wrk's output.
row() {
  local name=$1 connections=$2 out=$3
  wrk_figures "$out"
  printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$SIZE" "$BACKEND" "$connections" "$rps" "$p50" "$p99" "$bad"
}

# SAVED=DIR (SQLite): the imported workspace is kept there and reused by the next run.
gen="$work/gen" ws="$work/ws" import_s="(reused)"
if [ -n "${SAVED:-}" ] && [ -d "$SAVED" ] && [ "$BACKEND" = sqlite ]; then
  cp -r "$SAVED" "$ws"
else
  python3 "$root/bench/workspace_generator.py" "$SIZE" "$gen" >/dev/null
  db=()
  if [ "$BACKEND" = postgresql ]; then
    new_database "moat_serve_write_bench_$$"
  fi
  "$MOAT" init "$ws" "${db[@]}" >/dev/null
  started=$(date +%s.%N)
  "$MOAT" -w "$ws" import "$gen"/*.csv >/dev/null
  import_s="$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s"
  printf '\n[serve]\nrequests_per_minute = 16777216\n' >> "$ws/moat.toml"
  printf '%s\n' "$PASSWORD" | "$MOAT" -w "$ws" user add bench --role sourcing >/dev/null
  if [ -n "${SAVED:-}" ] && [ "$BACKEND" = sqlite ]; then cp -r "$ws" "$SAVED"; fi
fi
suppliers=$("$MOAT" -w "$ws" list suppliers --json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
token=$("$MOAT" -w "$ws" token create bench 2>/dev/null)
start_server "$ws"
base="http://127.0.0.1:$port"

echo "moat serve over a generated $SIZE workspace ($suppliers suppliers, imported in ${import_s}) on $(nproc) cores,"
echo "$SERVER_THREADS server threads; wrk 2 threads, ${DURATION}s per run (load average before: $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "| path | size | backend | connections | requests/s | p50 | p99 | non-2xx |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- |"

wrk -t 2 -c "$WRITE_CONNECTIONS" -d 3s -s "$work/patch.lua" "$base/api/suppliers/F0001" -- "$token" "$suppliers" 4 >/dev/null
before=$(server_ticks)
out=$(wrk -t 2 -c "$WRITE_CONNECTIONS" -d "${DURATION}s" --latency -s "$work/patch.lua" "$base/api/suppliers/F0001" -- "$token" "$suppliers" 4)
after=$(server_ticks)
row "write, PATCH /api/suppliers/{id} (+ ledger event)" "$WRITE_CONNECTIONS" "$out"
awk -v t=$((after - before)) -v n="$requests" -v hz="$(getconf CLK_TCK)" \
  'BEGIN {printf "\nserver CPU per write: %.2f ms\n\n", n ? t * 1000 / hz / n : 0}'

# mixed READ-PATH: reads at READ_CONNECTIONS while eight connections PATCH at WRITE_RATE in all,
# each write sent at its slot of a fixed schedule.
mixed() {
  local read_path=$1
  wrk -t 2 -c "$READ_CONNECTIONS" -d 3s -H "Authorization: Bearer $token" "$base$read_path" >/dev/null
  wrk -t 1 -c 8 -d "$((DURATION + 2))s" --latency -s "$work/patch.lua" "$base/api/suppliers/F0001" -- \
    "$token" "$suppliers" 4 "$WRITE_RATE" > "$work/writes.out" &
  local writer=$!
  sleep 1
  local reads
  reads=$(wrk -t 2 -c "$READ_CONNECTIONS" -d "${DURATION}s" --latency -H "Authorization: Bearer $token" "$base$read_path")
  wait "$writer"
  row "cached read beside writes, GET $read_path" "$READ_CONNECTIONS" "$reads"
  row "the writes beside them ($WRITE_RATE/s asked)" 8 "$(cat "$work/writes.out")"
}
mixed "/api/products"
mixed "/api/suppliers?limit=5"

stop_server
"$MOAT" -w "$ws" audit verify >/dev/null || { echo "serve_write_bench: the ledger does not verify" >&2; exit 1; }
echo
echo "the ledger verifies after the runs"
