#!/usr/bin/env bash
# Runs the planner benchmarks whose figures are in docs/PERFORMANCE.md. Build first (make build).
set -u
bench=${BUILD:-build}/bench/plan_bench
for seed in 1 2 3; do "$bench" --size S --collusion 1 --seed "$seed" --time-limit 60 --peer; echo; done
for seed in 1 2; do "$bench" --size M --collusion 1 --seed "$seed" --time-limit 60 --peer; echo; done
for seed in 1 2; do "$bench" --size M --collusion 2 --seed "$seed" --time-limit 60 --peer; echo; done
"$bench" --size L --collusion 1 --seed 1 --time-limit 28; echo
"$bench" --size L --collusion 2 --seed 1 --time-limit 28; echo
"$bench" --size XL --collusion 1 --seed 1 --time-limit 10 --heuristic-only; echo
"$bench" --size XL --collusion 2 --seed 1 --time-limit 10 --heuristic-only
