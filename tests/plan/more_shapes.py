#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`moat plan --instance` on the shapes of bench/shape_sweep.py that once went wrong, and a few of
the most different ones that did not, each small enough to run in a fraction of a second.

Each case names the answers it may give: a plan (optimal or feasible), passing the sweep's checker
(tests/plan/time_limit.py's for assignments, capacity and caps, coalitions of two or more searched
by the sweep), or `infeasible` with reasons; the run must end within its limit plus 0.5 s and leave
no process of its own behind. What
went wrong before: weights of 1e-300 or 1.7e308 (no plan; an invalid one presented as optimal),
one party owning every supplier (the conflict search ran past the limit: `unknown`), one untrusted
supplier quoting all of 20,000 packages (the heuristic's repair ran past the limit: `unknown`), a
limit of 0.1 s (every instance answered unread), and instances refused without a place, or not
refused. The one at 20,000 packages (XL) is there because that failure only showed at that size.

usage: more_shapes.py MOAT
"""
import json
import os
import random
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "bench"))
import shape_sweep  # noqa: E402
from shape_sweep import ERRORS, MARGIN, problems_of_plan  # noqa: E402

PLAN = ("optimal", "feasible")
INFEASIBLE = ("infeasible",)

# (shape, packages, suppliers, time limit, answers it may give)
CASES = [
    ("tiny_weights", 200, 60, 1, PLAN),
    ("huge_weights", 200, 60, 1, PLAN),
    ("all_one_party", 1000, 200, 1, INFEASIBLE),
    ("recipes_of_one", 120, 40, 0.1, PLAN),
    ("collusion_5", 160, 50, 1, PLAN),
    ("exposure_cap_zero", 200, 60, 1, PLAN),
    ("sources_equal_eligible", 200, 60, 1, PLAN),
    ("one_big_untrusted", 20000, 2000, 2, PLAN),
    ("derives_wide_and_deep", 120, 40, 1, PLAN + INFEASIBLE + ("unknown",)),
]
REFUSED = ("derive_no_premises", "recipe_no_secrets", "volume_1e400", "quote_unknown_supplier", "duplicate_quote")


def plan_case(moat, work, name, n, m, limit, answers):
    seed = [s.__name__ for s in shape_sweep.SHAPES].index(name) + 1
    instance = getattr(shape_sweep, name)(random.Random(seed), n, m)
    path = os.path.join(work, name + ".json")
    shape_sweep.write(path, instance)
    run, elapsed, stray = shape_sweep.run(moat, path, ["--time-limit", str(limit)])
    problems = [f"processes left after the answer: {stray}"] if stray else []
    if run.returncode != 0:
        return elapsed, None, problems + [f"exit {run.returncode}: {run.stderr.strip()[:200]}"]
    plan = json.loads(run.stdout)
    if elapsed > limit + MARGIN:
        problems.append(f"answered in {elapsed:.2f} s, over {limit + MARGIN:.1f} s")
    if plan["status"] not in answers:
        problems.append(f"{plan['status']} ({plan['reasons'][:1]}), expected one of {answers}")
    if plan["status"] in PLAN:
        problems += problems_of_plan(instance, plan)[:5]
    elif not plan["reasons"]:
        problems.append(f"{plan['status']} without reasons")
    return elapsed, plan["status"], problems


def refused_case(moat, work, name):
    build, expected = next((b, p) for b, p in ERRORS if b.__name__ == name)
    path = os.path.join(work, name + ".json")
    shape_sweep.write(path, build(random.Random(7)))
    run = subprocess.run([moat, "plan", "--instance", path, "--json", "--time-limit", "1"],
                         capture_output=True, text=True)
    if run.returncode != 1:
        return [f"exit {run.returncode}, expected 1"]
    return [] if expected in run.stderr else [f"the message does not say {expected!r}: {run.stderr.strip()[:200]}"]


def main():
    moat = sys.argv[1]
    failures = 0
    with tempfile.TemporaryDirectory() as work:
        for name, n, m, limit, answers in CASES:
            elapsed, status, problems = plan_case(moat, work, name, n, m, limit, answers)
            print(f"{name} ({n}×{m}, --time-limit {limit}): {status} in {elapsed:.2f} s")
            for problem in problems:
                print(f"  {problem}")
            failures += bool(problems)
        for name in REFUSED:
            problems = refused_case(moat, work, name)
            print(f"{name}: {'refused' if not problems else 'wrong'}")
            for problem in problems:
                print(f"  {problem}")
            failures += bool(problems)
    print(f"{failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
