#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The planner against brute force on the benchmark families' tiny instances.

bench/instance_generator.cc builds instances in families (dense and sparse quote matrices, tight
capacities, many sources per package, deep inference chains, large affiliation groups, mostly
trusted and mostly untrusted supply bases). At size T (six packages) every assignment can be
enumerated: for each family, seed and collusion level, `plan_bench --size T --write` writes the
instance, moat plans it, and the plan is checked against brute force with the independent
checker of random_instances.py. Exit 1 on any disagreement.

usage: family_instances.py MOAT PLAN_BENCH [SEEDS]
"""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from random_instances import brute_force, check_plan  # noqa: E402

FAMILIES = ["modular", "dense", "sparse", "tight", "multisource", "deep", "groups", "trusted", "untrusted"]


def main():
    moat, bench = sys.argv[1], sys.argv[2]
    seeds = int(sys.argv[3]) if len(sys.argv) > 3 else 6
    failures, count, infeasible = 0, 0, 0
    with tempfile.TemporaryDirectory() as work:
        for family in FAMILIES:
            for seed in range(1, seeds + 1):
                for collusion in (1, 2):
                    path = f"{work}/{family}-{seed}-{collusion}.json"
                    subprocess.run([bench, "--family", family, "--size", "T", "--seed", str(seed),
                                    "--collusion", str(collusion), "--heuristic-only", "--write", path],
                                   check=True, capture_output=True)
                    with open(path) as f:
                        instance = json.load(f)
                    count += 1
                    name = f"{family} seed {seed} collusion {collusion}"
                    optimum = brute_force(instance)
                    infeasible += optimum is None
                    problems = []
                    # Both exact engines: the search of every choice (the default at this size) and the MIP.
                    for engine in ([], ["--no-whole-search"]):
                        run = subprocess.run([moat, "plan", "--instance", path, "--json", "--time-limit", "20"]
                                             + engine, capture_output=True, text=True)
                        which = " ".join(engine) or "default"
                        if run.returncode != 0:
                            problems.append(f"{which}: exit {run.returncode}: {run.stderr.strip()}")
                            continue
                        problems += [f"{which}: {p}" for p in check_plan(instance, json.loads(run.stdout), optimum)]
                    for problem in problems:
                        print(f"{name}: {problem}")
                    failures += bool(problems)
    print(f"{count} family instances ({infeasible} infeasible): {count - failures} agree, {failures} disagree")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
