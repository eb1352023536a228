#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""`moat plan --time-limit 1` on instance shapes the benchmark families do not make.

bench/instance_generator.cc's families are what the planner was measured on. This test builds
instances another way, each stressing one rule of DESIGN.md's contract the families leave at its
easy setting: collusion 3, hundreds of small recipes, binding exposure caps (the policy's and
suppliers' own), several sources from parties that own several suppliers, inference rules in a
cycle, conditional and pending suppliers, a handful of large parties, a trusted party that must
carry most of the work, no recipes at all (the whole product is then the one recipe), volumes that
do not divide by their sources (0, 1, primes), ids in Chinese script, costs spread over fifteen
orders of magnitude, and an instance that is infeasible at size.

For each: `moat plan --instance F --json --time-limit 1` must end within 1.5 s from the process's
start to its exit; a plan it gives (optimal or feasible) must pass the checker written from the
contract (time_limit.py's, coalitions searched up to the collusion level); when `--heuristic`
finds a valid plan the timed run must give one too; `infeasible` must carry reasons. Exit 1 on any
failure.

usage: other_shapes.py MOAT [SCALE]   (SCALE: packages per shape = 40 × SCALE, default 12)
"""
import json
import os
import random
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from time_limit import timed_plan  # noqa: E402

CAPABILITIES = ("molding", "smt", "machining", "assembly")


def base(rng, scale):
    """Secrets, packages exposing one or two of them, one supplier a party: the plain start."""
    n_packages, n_suppliers, n_secrets = 40 * scale, 14 * scale, 20 * scale
    secrets = [{"id": f"S{i}", "weight": rng.choice([1, 2, 3, 5, 8])} for i in range(n_secrets)]
    packages = [{"id": f"P{p}", "capability": rng.choice(CAPABILITIES),
                 "exposes": [f"S{s}" for s in rng.sample(range(n_secrets), rng.choice([1, 1, 2]))],
                 "volume": rng.choice([1000, 2000, 5000]), "sources": 1} for p in range(n_packages)]
    suppliers = [{"id": f"F{s}", "party": f"G{s}", "capabilities": rng.sample(CAPABILITIES, rng.randint(2, 4)),
                  "capacity": rng.choice([20000, 50000, 200000]), "status": "qualified", "trusted": False}
                 for s in range(n_suppliers)]
    return {"policy": {"collusion": 1, "max_exposure_share": 1.0, "allow_conditional": False},
            "secrets": secrets, "derives": [], "recipes": recipes(rng, n_secrets, 3 * scale, 4, 7),
            "packages": packages, "suppliers": suppliers, "quotes": []}


def recipes(rng, n_secrets, count, least, most):
    return [{"id": f"R{r}", "secrets": [f"S{s}" for s in rng.sample(range(n_secrets), rng.randint(least, most))]}
            for r in range(count)]


def quote_all(rng, instance, per_package):
    """Up to `per_package` quotes a package, from suppliers with its capability."""
    for package in instance["packages"]:
        able = [s for s in instance["suppliers"] if package["capability"] in s["capabilities"]]
        for supplier in rng.sample(able, min(per_package, len(able))):
            instance["quotes"].append({"package": package["id"], "supplier": supplier["id"],
                                       "unit_cost": round(rng.uniform(0.5, 9.0), 2),
                                       "fixed_cost": rng.choice([0, 100, 5000])})
    return instance


def collusion_three(rng, scale):
    instance = base(rng, scale)
    instance["policy"]["collusion"] = 3
    for i, supplier in enumerate(instance["suppliers"]):
        supplier["party"] = f"G{i % 24}"  # coalitions of three among 24 parties: 2,024 to check
    instance["recipes"] = recipes(rng, len(instance["secrets"]), 2 * scale, 8, 12)
    return quote_all(rng, instance, 8)


def many_recipes(rng, scale):
    instance = base(rng, scale)
    for package in instance["packages"]:
        package["exposes"] = package["exposes"][:1]
    instance["recipes"] = recipes(rng, len(instance["secrets"]), 60 * scale, 3, 4)
    return quote_all(rng, instance, 10)


def exposure_caps(rng, scale):
    instance = base(rng, scale)
    instance["policy"]["max_exposure_share"] = 0.15
    for supplier in instance["suppliers"][::3]:
        supplier["max_exposure_share"] = 0.08
    return quote_all(rng, instance, 10)


def shared_parties_many_sources(rng, scale):
    instance = base(rng, scale)
    for package in instance["packages"]:
        package["sources"] = rng.choice([1, 2, 2, 3, 4])
    for i, supplier in enumerate(instance["suppliers"]):
        supplier["party"] = f"G{i // 2}"  # two suppliers a party: sources must come from different ones
        supplier["capabilities"] = list(CAPABILITIES)
    return quote_all(rng, instance, 12)


def inference_cycle(rng, scale):
    instance = base(rng, scale)
    ids = [s["id"] for s in instance["secrets"]]
    n = len(ids)
    # Each secret follows from the two before it (a cycle), and some longer rules across it.
    instance["derives"] = [{"from": [ids[i], ids[(i + 1) % n]], "gives": ids[(i + 2) % n]} for i in range(0, n, 3)]
    instance["derives"] += [{"from": rng.sample(ids, 3), "gives": rng.choice(ids)} for _ in range(scale * 4)]
    instance["recipes"] = recipes(rng, n, 3 * scale, 5, 8)
    return quote_all(rng, instance, 10)


def conditional_suppliers(rng, scale):
    instance = base(rng, scale)
    instance["policy"]["allow_conditional"] = True
    for supplier in instance["suppliers"]:
        supplier["status"] = rng.choice(["qualified", "conditional", "conditional", "pending", "rejected"])
        if supplier["status"] == "conditional":
            supplier["max_exposure_share"] = rng.choice([0.2, 0.3, 0.5])
    return quote_all(rng, instance, 12)


def few_large_parties(rng, scale):
    instance = base(rng, scale)
    for i, supplier in enumerate(instance["suppliers"]):
        supplier["party"] = f"G{i % 6}"
    instance["recipes"] = recipes(rng, len(instance["secrets"]), 2 * scale, 10, 14)
    return quote_all(rng, instance, 10)


def trusted_carries_most(rng, scale):
    instance = base(rng, scale)
    for supplier in instance["suppliers"][:3]:
        supplier.update(party="HQ", trusted=True, capacity=10**7, capabilities=list(CAPABILITIES))
    instance["recipes"] = recipes(rng, len(instance["secrets"]), 6 * scale, 2, 3)
    instance = quote_all(rng, instance, 6)
    for package in instance["packages"]:  # the trusted party quotes everything, dearer
        for supplier in instance["suppliers"][:3]:
            instance["quotes"].append({"package": package["id"], "supplier": supplier["id"],
                                       "unit_cost": round(rng.uniform(8.0, 14.0), 2), "fixed_cost": 0})
    seen = set()
    instance["quotes"] = [q for q in instance["quotes"]
                          if (q["package"], q["supplier"]) not in seen and not seen.add((q["package"], q["supplier"]))]
    return instance


def no_recipes(rng, scale):
    instance = base(rng, scale)
    instance["recipes"] = []
    return quote_all(rng, instance, 8)


def odd_volumes(rng, scale):
    instance = base(rng, scale)
    for i, supplier in enumerate(instance["suppliers"]):
        supplier["party"] = f"G{i}"
        supplier["capacity"] = rng.choice([7919, 99991, 10**6 + 3])
    for package in instance["packages"]:
        package["volume"] = rng.choice([0, 1, 3, 7, 997, 4099])
        package["sources"] = rng.choice([1, 2, 3])
    return quote_all(rng, instance, 10)


def chinese_ids(rng, scale):
    instance = quote_all(rng, base(rng, scale), 8)
    names = {s["id"]: f"秘密·{s['id']}·模具图纸" for s in instance["secrets"]}
    for secret in instance["secrets"]:
        secret["id"] = names[secret["id"]]
    for package in instance["packages"]:
        package["exposes"] = [names[s] for s in package["exposes"]]
    for recipe in instance["recipes"]:
        recipe["id"] = "配方" + recipe["id"]
        recipe["secrets"] = [names[s] for s in recipe["secrets"]]
    suppliers = {s["id"]: f"深圳{s['id']}电子有限公司" for s in instance["suppliers"]}
    for supplier in instance["suppliers"]:
        supplier["id"] = suppliers[supplier["id"]]
        supplier["party"] = "集团" + supplier["party"]
    for quote in instance["quotes"]:
        quote["supplier"] = suppliers[quote["supplier"]]
    return instance


def extreme_costs(rng, scale):
    instance = quote_all(rng, base(rng, scale), 8)
    for quote in instance["quotes"]:
        quote["unit_cost"] = rng.choice([1e-4, 0.37, 12.5, 3.3e3, 9.9e5])
        quote["fixed_cost"] = rng.choice([0, 3.5, 2.5e4, 1e9])
    return instance


def collusion_twenty(rng, scale):
    """Collusion 20, recipes of 60 to 120 of 200 secrets, rules of two and three: the heuristic's
    check of each move searches coalitions of up to 20 parties (one search ran past a limit of 30 s
    until the heuristic's deadline reached into it). Sized by the package count that showed it."""
    instance = base(rng, max(1, 25 * scale // 12))
    n_secrets = 200
    instance["secrets"] = [{"id": f"S{i}", "weight": rng.randint(1, 20)} for i in range(n_secrets)]
    for package in instance["packages"]:
        package["exposes"] = [f"S{t}" for t in rng.sample(range(n_secrets), rng.randint(0, 2))]
    instance["policy"].update(collusion=20, max_exposure_share=0.5)
    instance["recipes"] = recipes(rng, n_secrets, 20, 60, min(120, n_secrets))
    ids = [s["id"] for s in instance["secrets"]]
    instance["derives"] = [{"from": rng.sample(ids, rng.randint(2, 3)), "gives": rng.choice(ids)} for _ in range(50)]
    for supplier in instance["suppliers"]:
        if rng.random() < 0.3:
            supplier["party"] = f"G{rng.randrange(len(instance['suppliers']) // 3)}"
    for package in instance["packages"]:
        if rng.random() < 0.2:
            package["sources"] = rng.choice([2, 3])
    return quote_all(rng, instance, 60)


def infeasible_at_size(rng, scale):
    instance = quote_all(rng, base(rng, scale), 8)
    # Two packages that each expose a whole recipe alone, quoted only by untrusted suppliers.
    instance["recipes"].append({"id": "R-alone", "secrets": list(instance["packages"][0]["exposes"])})
    return instance


SHAPES = [collusion_three, many_recipes, exposure_caps, shared_parties_many_sources, inference_cycle,
          conditional_suppliers, few_large_parties, trusted_carries_most, no_recipes, odd_volumes, chinese_ids,
          extreme_costs, infeasible_at_size, collusion_twenty]


def main():
    moat = sys.argv[1]
    scale = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    failures = 0
    with tempfile.TemporaryDirectory() as work:
        for seed, shape in enumerate(SHAPES, start=1):
            instance = shape(random.Random(seed), scale)
            path = os.path.join(work, shape.__name__ + ".json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(instance, f, ensure_ascii=False)
            # The contract reads no recipes as one recipe of every secret.
            checked = dict(instance, recipes=instance["recipes"] or
                           [{"id": "all", "secrets": [s["id"] for s in instance["secrets"]]}])
            # The heuristic alone, within a few seconds (collusion 20's takes its whole limit).
            answer, elapsed, problems = timed_plan(moat, path, checked, 5)
            if answer:
                status = answer["status"]
                if shape is infeasible_at_size and status != "infeasible":
                    problems.append(f"a package exposes a whole recipe alone, yet the answer is {status}")
                print(f"{shape.__name__}: {status} in {elapsed:.2f} s "
                      f"({len(instance['packages'])} packages, {len(instance['quotes'])} quotes)")
            for problem in problems:
                print(f"{shape.__name__}: {problem}")
            failures += bool(problems)
    print(f"{failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
