#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Times moat's commands on generated workspaces of each size, with their peak memory:
#
#   bench/workspace_bench.sh MOAT [SIZE...]            # SQLite; sizes S M L (XL when named)
#   scripts/with-postgres bash -c 'BACKEND=postgresql bench/workspace_bench.sh MOAT S M'
#
# For each size: bench/workspace_generator.py writes the CSV files; `moat import` loads them; a
# checkpoint is signed (as every gate verdict signs one in use); then `moat set` of one supplier
# (RUNS times), `moat status`, `moat flags` (twice: recording the flags, then re-evaluating them),
# `moat gate --product p1`, `moat export` and `moat audit verify`, each under /usr/bin/time. Prints
# one tab-separated line per command: size, backend, command, records, wall seconds, user + system
# CPU seconds, peak RSS in MiB, and the load average when it started (the machine may be shared).
# GENERATED=DIR keeps each size's CSV files in DIR/gen-SIZE and reuses them in later runs.
set -euo pipefail

MOAT=$(realpath "${1:?usage: workspace_bench.sh MOAT [SIZE...]}")
shift
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(S M L)
BACKEND=${BACKEND:-sqlite}
RUNS=${RUNS:-3}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/moat-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

load() { cut -d' ' -f1 /proc/loadavg; }

# timed SIZE NAME RECORDS COMMAND...: runs COMMAND (output discarded) and prints its line.
timed() {
  local size=$1 name=$2 records=$3 at
  shift 3
  at=$(load)
  if ! /usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$@" > "$WORK/out" 2> "$WORK/err"; then
    # A NO-GO from the gate exits 3: a verdict, not a failure.
    if ! [ "$name" = gate ] || ! grep -q NO-GO "$WORK/out"; then
      echo "$name failed:" >&2
      tail -5 "$WORK/err" >&2
      return 1
    fi
  fi
  read -r wall user sys rss < <(tail -1 "$WORK/time")
  awk -v size="$size" -v backend="$BACKEND" -v name="$name" -v records="$records" -v wall="$wall" \
    -v user="$user" -v sys="$sys" -v rss="$rss" -v at="$at" \
    'BEGIN { printf "%s\t%s\t%s\t%s\t%s\t%.2f\t%.1f\t%s\n", size, backend, name, records, wall, user + sys, rss / 1024, at }'
}

database_flags() {
  [ "$BACKEND" = postgresql ] || return 0
  local name
  name="moat_bench_$(echo "$1" | tr "[:upper:]" "[:lower:]")_$$"
  psql "$MOAT_TEST_POSTGRES" -qAtc "DROP DATABASE IF EXISTS $name" > /dev/null
  psql "$MOAT_TEST_POSTGRES" -qAtc "CREATE DATABASE $name" > /dev/null
  echo "--db ${MOAT_TEST_POSTGRES%/*}/$name"
}

printf 'size\tbackend\tcommand\trecords\twall_s\tcpu_s\tpeak_mib\tload\n'
for size in "${SIZES[@]}"; do
  gen="${GENERATED:-$WORK}/gen-$size" ws="$WORK/ws-$size"
  if [ -z "${GENERATED:-}" ] || [ ! -d "$gen" ]; then
    python3 "$HERE/workspace_generator.py" "$size" "$gen"
  fi
  records=$(( $(cat "$gen"/*.csv | wc -l) - $(ls "$gen"/*.csv | wc -l) ))
  # shellcheck disable=SC2046
  "$MOAT" init "$ws" --company "Generated Devices Inc." $(database_flags "$size") > /dev/null
  timed "$size" import "$records" "$MOAT" -w "$ws" import "$gen"/*.csv
  "$MOAT" -w "$ws" audit checkpoint > /dev/null
  for run in $(seq 1 "$RUNS"); do
    timed "$size" set "$records" "$MOAT" -w "$ws" set suppliers F0005 "capacity=$((5000000 + run))"
  done
  timed "$size" status "$records" "$MOAT" -w "$ws" status
  timed "$size" flags "$records" "$MOAT" -w "$ws" flags
  timed "$size" "flags (again)" "$records" "$MOAT" -w "$ws" flags
  timed "$size" gate "$records" "$MOAT" -w "$ws" gate --product p1
  timed "$size" status "$records" "$MOAT" -w "$ws" status
  timed "$size" export "$records" "$MOAT" -w "$ws" export "$WORK/export-$size.json"
  timed "$size" "audit verify" "$records" "$MOAT" -w "$ws" audit verify
  [ -n "${GENERATED:-}" ] || rm -rf "$gen"
  rm -rf "$WORK/export-$size.json"
done
