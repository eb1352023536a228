#!/usr/bin/env bash
# The planner benchmarks whose figures are in docs/PERFORMANCE.md: every instance family at
# sizes S, M, L and XL, moat (the planner as `moat plan` runs it) and the plain-CBC peer
# (bench/cbc_peer.cc, the textbook model) back to back on the same instance, then a summary
# table. Build first (make build). Every run appends its `result ...` record to $OUT.
#
#   bench/run_plan_benchmarks.sh                     # everything (hours on two cores)
#   FAMILIES="dense tight" SIZES="M" bench/run_plan_benchmarks.sh
#   KS=1 SIZES=M bench/run_plan_benchmarks.sh        # M at collusion 1 only
#   bench/summarize_plan_benchmarks.py plan-results.txt
#   for s in 1 2 3 4 5; do SEED=$s KS=1 SIZES=M OUT=m1-$s.txt bench/run_plan_benchmarks.sh; done
#   bench/summarize_plan_benchmarks.py m1-*.txt     # each family's ratio over its seeds
set -u
build=${BUILD:-build}
bench=$build/bench/plan_bench
peer=$build/bench/cbc_peer
families=${FAMILIES:-modular dense sparse tight multisource deep groups trusted untrusted}
sizes=${SIZES:-S M L XL}
seed=${SEED:-1}
collusions=${KS:-1 2}  # at S and M
out=${OUT:-plan-results.txt}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One moat run and, unless PEER_LIMIT is empty, the peer on the same instance.
run() {  # family size k moat-limit peer-limit
  local file="$work/$1-$2-$3.json"
  echo "## $1 $2 k=$3 (load: $(cut -d' ' -f1-3 /proc/loadavg))"
  "$bench" --family "$1" --size "$2" --collusion "$3" --seed "$seed" --time-limit "$4" --write "$file" |
    tee /dev/stderr | grep '^result' | sed "s/\$/ limit=$4/" >>"$out"
  if [ -n "$5" ]; then
    "$peer" --instance "$file" --time-limit "$5" | tee /dev/stderr | grep '^result' |
      sed "s/^result peer/result peer family=$1 size=$2 seed=$seed k=$3 limit=$5/" >>"$out"
  fi
}

for family in $families; do
  for size in $sizes; do
    case $size in
      S | M)
        for k in $collusions; do run "$family" "$size" "$k" 60 60; done ;;
      L)
        for k in 1 2; do
          run "$family" L "$k" 1 ""
          run "$family" L "$k" 30 30
        done ;;
      XL)
        run "$family" XL 1 10 10
        run "$family" XL 2 10 "" ;;
    esac
  done
done 2>&1
echo "records in $out"
