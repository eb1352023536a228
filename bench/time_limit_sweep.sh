#!/usr/bin/env bash
# The time limit as a user gets it: `moat plan --instance FILE --json --time-limit T` on every
# instance family, timed from the process's start to its exit (reading the file, solving,
# printing and ending the process all count), with the largest process's peak memory. One line
# per run: family, size, k, limit, wall-clock s, peak MiB, status (or exit-N, or no-answer), cost,
# bound, gap %, load, binary. BINARIES (paths, space-separated) runs each instance and limit with
# each of them in turn, so that two builds are compared under the same load. INSTANCES (a
# directory) keeps the generated files there as FAMILY-SIZE-kK-sSEED.json and reuses them on the
# next run (an XL file takes seconds to write and up to 145 MB); without it they are deleted.
#
#   bench/time_limit_sweep.sh                                   # L and XL, limits 1 and 30, k = 1
#   SIZES=M LIMITS=60 K=2 bench/time_limit_sweep.sh             # a part
#   SIZES=XL LIMITS=1 BINARIES="moat-before build/src/cli/moat" bench/time_limit_sweep.sh
#   INSTANCES=/var/tmp/plan-instances SIZES=XL LIMITS=1 bench/time_limit_sweep.sh
set -u
build=${BUILD:-build}
families=${FAMILIES:-modular dense sparse tight multisource deep groups trusted untrusted}
sizes=${SIZES:-L XL}
limits=${LIMITS:-1 30}
k=${K:-1}
seed=${SEED:-1}
binaries=${BINARIES:-$build/src/cli/moat}
instances=${INSTANCES:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

summary() {  # plan.json
  python3 -c '
import json, sys
try:
    p = json.load(open(sys.argv[1]))
except ValueError:
    sys.exit(print("no-answer - - -"))
cost, bound = p.get("cost"), p.get("lower_bound")
gap = "%.3f" % (100 * (cost - bound) / cost) if cost and bound is not None else "-"
print(p["status"], cost if cost is not None else "-", bound if bound is not None else "-", gap)' "$1"
}

# Proofs a sweep contradicts, checked after it on the lines it printed: a bound above a plan
# another run found for the same instance (another limit or binary; an `optimal` answer above it
# is one), or `infeasible` where another run found a plan. Exit 1 when there is one.
contradictions() {  # sweep output
  python3 -c '
import sys
rows = [line.split() for line in open(sys.argv[1]) if not line.startswith("family ")]
cheapest = {}
for r in rows:
    if r[6] in ("optimal", "feasible"):
        key = tuple(r[:3])
        cheapest[key] = min(cheapest.get(key, float("inf")), float(r[7]))
false = 0
for r in rows:
    plan = cheapest.get(tuple(r[:3]))
    if plan is None:
        continue
    if r[8] != "-" and float(r[8]) > plan * (1 + 1e-9):
        false += print("FALSE BOUND:", " ".join(r), "- a plan of", plan) or 1
    if r[6] == "infeasible":
        false += print("FALSE INFEASIBLE:", " ".join(r), "- a plan of", plan) or 1
sys.exit(1 if false else 0)' "$1"
}

: >"$work/sweep"
echo "family size k limit wall_s peak_mib status cost bound gap_pct load1 binary"
for size in $sizes; do
  for family in $families; do
    file="${instances:-$work}/$family-$size-k$k-s$seed.json"
    if [ -z "$instances" ] || [ ! -s "$file" ]; then
      [ -n "$instances" ] && mkdir -p "$instances"
      "$build/bench/plan_bench" --family "$family" --size "$size" --collusion "$k" --seed "$seed" \
        --write "$file" --write-only >/dev/null
    fi
    for limit in $limits; do
      for moat in $binaries; do
        load=$(cut -d' ' -f1 /proc/loadavg)
        /usr/bin/time -q -o "$work/time" -f '%e %M %x' "$moat" plan --instance "$file" --json \
          --time-limit "$limit" >"$work/plan.json" 2>/dev/null
        read -r wall kib code <"$work/time"
        if [ "$code" = 0 ]; then
          echo "$family $size $k $limit $wall $((kib / 1024)) $(summary "$work/plan.json") $load $moat"
        else
          echo "$family $size $k $limit $wall $((kib / 1024)) exit-$code - - - $load $moat"
        fi | tee -a "$work/sweep"
      done
    done
    [ -z "$instances" ] && rm -f "$file"
  done
done
contradictions "$work/sweep"
