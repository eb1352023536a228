#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`moat plan --time-limit 1` answers within 1.5 s on every benchmark family at sizes S and M.

For each family of bench/instance_generator.cc, `plan_bench --write` writes the instance (seed 1,
collusion 1) and `moat plan --instance F --json --time-limit 1` runs as a process whose
wall-clock time is measured from start to exit: reading, building, solving and printing all
count. It must end within the limit plus 0.5 s. Whenever `moat plan --heuristic` finds a valid
plan, the timed run must print one too (optimal or feasible), and it must pass the checker
written from the contract (random_instances.py's, with coalitions searched up to the collusion
level). Exit 1 on any failure.

At size M the same runs again at collusion 2 (`--collusion 2`), where checking a plan and
describing it search coalitions of two parties — exponential in the worst case, and on the deep
family's chains of inference the phase most likely to run past a deadline.

usage: time_limit.py MOAT PLAN_BENCH [SIZES]   (SIZES: comma-separated, default S,M)
"""
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from random_instances import EPS, closure, holdings, party_cap, untrusted_parties  # noqa: E402
from family_instances import FAMILIES  # noqa: E402

LIMIT = 1.0
MARGIN = 0.5


def problems_with(instance, plan):
    """Rules `plan` breaks, for coalitions of up to the collusion level (empty when valid)."""
    suppliers = {s["id"]: s for s in instance["suppliers"]}
    packages = {p["id"]: p for p in instance["packages"]}
    quoted = {(q["package"], q["supplier"]) for q in instance["quotes"]}
    chosen, load, found = {}, {}, []
    for a in plan["assignments"]:
        chosen.setdefault(a["package"], []).append(a["supplier"])
    for package in instance["packages"]:
        sources = chosen.get(package["id"], [])
        if len(sources) != package["sources"] or len({suppliers[s]["party"] for s in sources}) != len(sources):
            found.append(f"package {package['id']}: sources {sources}")
        for s in sources:
            supplier = suppliers[s]
            ok_status = supplier["status"] == "qualified" or (
                supplier["status"] == "conditional" and instance["policy"].get("allow_conditional", False))
            if (package["id"], s) not in quoted or not ok_status or package["capability"] not in supplier["capabilities"]:
                found.append(f"package {package['id']}: {s} is not eligible")
            load[s] = load.get(s, 0.0) + package["volume"] / package["sources"]
    found += [f"supplier {s} over capacity" for s in load if load[s] > suppliers[s]["capacity"] + EPS]
    held = holdings(instance, chosen)
    total = sum(s["weight"] for s in instance["secrets"])
    weight = {s["id"]: s["weight"] for s in instance["secrets"]}
    untrusted = untrusted_parties(instance)
    for party in untrusted:
        if sum(weight[t] for t in held[party]) > party_cap(instance, party) * total + EPS:
            found.append(f"party {party} over its cap")
    knowing = [g for g in untrusted if held[g]]
    for recipe in instance["recipes"]:
        needed = set(recipe["secrets"])
        for size in range(1, instance["policy"]["collusion"] + 1):
            for group in itertools.combinations(knowing, size):
                if needed <= closure(set().union(*(held[g] for g in group)), instance["derives"]):
                    found.append(f"recipe {recipe['id']} completed by {group}")
                    break
    return found


def timed_plan(moat, path, instance, heuristic_limit=None):
    """`moat plan --instance PATH --json --time-limit LIMIT`, timed from the process's start to its
    exit, after `--heuristic` on the same file (within `heuristic_limit` seconds when given, else
    moat's default): (the plan or None, seconds, what is wrong with it). Wrong: an exit other than
    0 (of either run), an answer past the limit plus the margin, an answer the planner did not
    give itself (the CLI's watchdog's, when the planner overran its own deadline), no plan where the
    heuristic finds one, a plan that breaks a rule, `infeasible` without reasons."""
    limit = ["--time-limit", str(heuristic_limit)] if heuristic_limit else []
    quick = subprocess.run([moat, "plan", "--instance", path, "--json", "--heuristic", *limit],
                           capture_output=True, text=True)
    if quick.returncode != 0:
        return None, 0.0, [f"--heuristic: exit {quick.returncode}: {quick.stderr.strip()}"]
    heuristic_found = json.loads(quick.stdout)["status"] == "feasible"
    started = time.monotonic()
    run = subprocess.run([moat, "plan", "--instance", path, "--json", "--time-limit", str(LIMIT)],
                         capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if run.returncode != 0:
        return None, elapsed, [f"exit {run.returncode}: {run.stderr.strip()}"]
    plan = json.loads(run.stdout)
    problems = []
    if elapsed > LIMIT + MARGIN:
        problems.append(f"answered in {elapsed:.2f} s, over {LIMIT + MARGIN:.1f} s")
    if any("no answer was ready" in reason for reason in plan["reasons"]):
        problems.append("the watchdog answered: the planner overran its own deadline")
    if heuristic_found and plan["status"] not in ("optimal", "feasible"):
        problems.append(f"the heuristic finds a plan but the timed run says {plan['status']}")
    if plan["status"] in ("optimal", "feasible"):
        problems += problems_with(instance, plan)[:5]
    if plan["status"] == "infeasible" and not plan["reasons"]:
        problems.append("infeasible without reasons")
    return plan, elapsed, problems


COLLUSION_TWO_SIZES = ("M",)


def main():
    moat, bench = sys.argv[1], sys.argv[2]
    sizes = sys.argv[3].split(",") if len(sys.argv) > 3 else ["S", "M"]
    failures = 0
    with tempfile.TemporaryDirectory() as work:
        runs = [(size, family, 1) for size, family in itertools.product(sizes, FAMILIES)]
        runs += [(size, family, 2) for size, family in itertools.product(sizes, FAMILIES) if size in COLLUSION_TWO_SIZES]
        for size, family, collusion in runs:
            path = f"{work}/{family}-{size}-{collusion}.json"
            subprocess.run([bench, "--family", family, "--size", size, "--collusion", str(collusion), "--write", path,
                            "--write-only"], check=True, capture_output=True)
            with open(path) as f:
                instance = json.load(f)
            name = f"{family} {size} k={collusion}"
            plan, elapsed, problems = timed_plan(moat, path, instance)
            if plan:
                print(f"{name}: {plan['status']} in {elapsed:.2f} s")
            for problem in problems:
                print(f"{name}: {problem}")
            failures += bool(problems)
    print(f"{failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
