#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The planner against brute force, on random small instances.

For each seed: generate an instance (collusion 1 or 2, dual sourcing, inference rules, parties,
a trusted party, unqualified and conditional suppliers, missing quotes, capacities, exposure
caps), enumerate every assignment to find the optimal cost, run `moat plan --instance F --json`
(and again with `--no-whole-search`: the MIP, beside the search of every choice that instances this
small get), and check each plan with a validity checker written here from DESIGN.md's contract —
it shares no code with the planner. Exit 1 on any disagreement.

usage: random_instances.py MOAT [COUNT] [FIRST_SEED]
"""
import itertools
import json
import random
import subprocess
import sys
import tempfile

EPS = 1e-6


def generate(seed):
    rng = random.Random(seed)
    n_secrets = rng.randint(3, 5)
    secrets = [{"id": f"S{i}", "weight": rng.choice([1, 2, 3, 5, 8])} for i in range(n_secrets)]
    ids = [s["id"] for s in secrets]
    derives = []
    for _ in range(rng.randint(0, 2)):
        gives = rng.choice(ids)
        pool = [s for s in ids if s != gives]
        derives.append({"from": rng.sample(pool, rng.randint(1, 2)), "gives": gives})
    recipes = [{"id": f"R{r}", "secrets": rng.sample(ids, rng.randint(3, n_secrets))}
               for r in range(rng.randint(1, 2))]
    capabilities = ["molding", "smt"]
    n_packages = rng.randint(3, 5)
    packages = []
    for p in range(n_packages):
        packages.append({"id": f"P{p}", "capability": rng.choice(capabilities),
                         "exposes": rng.sample(ids, 1 if rng.random() < 0.7 else 2),
                         "volume": rng.choice([1000, 2000, 4000]),
                         "sources": 2 if rng.random() < 0.2 else 1})
    n_suppliers = rng.randint(4, 6)
    n_parties = rng.randint(3, n_suppliers)
    party_of = [f"G{rng.randrange(n_parties)}" for _ in range(n_suppliers)]
    trusted_party = rng.choice(party_of) if rng.random() < 0.3 else None
    suppliers = []
    for s in range(n_suppliers):
        supplier = {"id": f"F{s}", "party": party_of[s],
                    "capabilities": rng.sample(capabilities, rng.randint(1, 2)),
                    "capacity": rng.choice([4000, 8000, 100000, 100000]),
                    "status": rng.choices(["qualified", "conditional", "pending"], [0.8, 0.12, 0.08])[0],
                    "trusted": party_of[s] == trusted_party}
        if rng.random() < 0.2:
            supplier["max_exposure_share"] = rng.choice([0.4, 0.6])
        suppliers.append(supplier)
    quotes = []
    for p in packages:
        for s in suppliers:
            if rng.random() < 0.85:
                quotes.append({"package": p["id"], "supplier": s["id"],
                               "unit_cost": round(rng.uniform(0.5, 5.0), 2),
                               "fixed_cost": rng.choice([0, 500, 2000])})
    policy = {"collusion": rng.choice([1, 1, 2]),
              "max_exposure_share": rng.choice([1.0, 1.0, 0.8, 0.6]),
              "allow_conditional": rng.random() < 0.5}
    return {"policy": policy, "secrets": secrets, "derives": derives, "recipes": recipes,
            "packages": packages, "suppliers": suppliers, "quotes": quotes}


# --- the contract, written out independently ------------------------------------------------

def closure(held, derives):
    held = set(held)
    changed = True
    while changed:
        changed = False
        for rule in derives:
            if rule["gives"] not in held and all(f in held for f in rule["from"]):
                held.add(rule["gives"])
                changed = True
    return held


def eligible(instance, package, supplier):
    quoted = any(q["package"] == package["id"] and q["supplier"] == supplier["id"] for q in instance["quotes"])
    status = supplier["status"] == "qualified" or (
        supplier["status"] == "conditional" and instance["policy"]["allow_conditional"])
    return quoted and status and package["capability"] in supplier["capabilities"]


def quote(instance, package_id, supplier_id):
    return next(q for q in instance["quotes"] if q["package"] == package_id and q["supplier"] == supplier_id)


def holdings(instance, assignment):
    """party -> secrets held (closed), for {package id: [supplier ids]}."""
    suppliers = {s["id"]: s for s in instance["suppliers"]}
    packages = {p["id"]: p for p in instance["packages"]}
    held = {}
    for s in instance["suppliers"]:
        held.setdefault(s["party"], set())
    for package_id, chosen in assignment.items():
        for supplier_id in chosen:
            held[suppliers[supplier_id]["party"]] |= set(packages[package_id]["exposes"])
    return {party: closure(secrets, instance["derives"]) for party, secrets in held.items()}


def untrusted_parties(instance):
    parties = {}
    for s in instance["suppliers"]:
        parties.setdefault(s["party"], []).append(s["trusted"])
    return sorted(p for p, flags in parties.items() if not any(flags))


def min_coalition(instance, held, recipe):
    parties = untrusted_parties(instance)
    for size in range(1, len(parties) + 1):
        for group in itertools.combinations(parties, size):
            pool = set().union(*(held[g] for g in group))
            if set(recipe["secrets"]) <= closure(pool, instance["derives"]):
                return size
    return None


def party_cap(instance, party):
    cap = instance["policy"]["max_exposure_share"]
    for s in instance["suppliers"]:
        if s["party"] == party and "max_exposure_share" in s:
            cap = min(cap, s["max_exposure_share"])
    return cap


def valid(instance, assignment):
    suppliers = {s["id"]: s for s in instance["suppliers"]}
    load = {s["id"]: 0.0 for s in instance["suppliers"]}
    for package in instance["packages"]:
        chosen = assignment.get(package["id"], [])
        if len(chosen) != package["sources"]:
            return False
        if len({suppliers[s]["party"] for s in chosen}) != len(chosen):
            return False
        for s in chosen:
            if not eligible(instance, package, suppliers[s]):
                return False
            load[s] += package["volume"] / package["sources"]
    if any(load[s] > suppliers[s]["capacity"] + EPS for s in load):
        return False
    held = holdings(instance, assignment)
    total = sum(s["weight"] for s in instance["secrets"])
    weight = {s["id"]: s["weight"] for s in instance["secrets"]}
    for party in untrusted_parties(instance):
        if sum(weight[t] for t in held[party]) > party_cap(instance, party) * total + EPS:
            return False
    recipes = instance["recipes"] or [{"id": "all", "secrets": [s["id"] for s in instance["secrets"]]}]
    for recipe in recipes:
        size = min_coalition(instance, held, recipe)
        if size is not None and size <= instance["policy"]["collusion"]:
            return False
    return True


def cost(instance, assignment):
    packages = {p["id"]: p for p in instance["packages"]}
    total = 0.0
    for package_id, chosen in assignment.items():
        units = packages[package_id]["volume"] / packages[package_id]["sources"]
        for s in chosen:
            q = quote(instance, package_id, s)
            total += q["unit_cost"] * units + q["fixed_cost"]
    return total


def brute_force(instance):
    suppliers = instance["suppliers"]
    choices = []
    for package in instance["packages"]:
        ids = [s["id"] for s in suppliers if eligible(instance, package, s)]
        choices.append(list(itertools.combinations(ids, package["sources"])))
    best = None
    for combo in itertools.product(*choices):
        assignment = {p["id"]: list(c) for p, c in zip(instance["packages"], combo)}
        if valid(instance, assignment):
            c = cost(instance, assignment)
            if best is None or c < best:
                best = c
    return best


def check_plan(instance, plan, optimum):
    """Problems with `plan` (empty when it is right)."""
    problems = []
    if optimum is None:
        if plan["status"] != "infeasible":
            problems.append(f"brute force finds no valid plan but moat says {plan['status']}")
        elif not plan["reasons"]:
            problems.append("infeasible without reasons")
        return problems
    if plan["status"] != "optimal":
        return [f"brute force finds optimum {optimum} but moat says {plan['status']}"]
    assignment = {}
    for a in plan["assignments"]:
        assignment.setdefault(a["package"], []).append(a["supplier"])
    if not valid(instance, assignment):
        problems.append("the plan breaks the contract's rules")
    if abs(cost(instance, assignment) - plan["cost"]) > EPS * max(1.0, optimum):
        problems.append(f"reported cost {plan['cost']} differs from its assignments' {cost(instance, assignment)}")
    if abs(plan["cost"] - optimum) > EPS * max(1.0, optimum):
        problems.append(f"cost {plan['cost']} is not the optimum {optimum}")
    held = holdings(instance, assignment)
    reported = {p["party"]: set(p["secrets"]) for p in plan["parties"]}
    for party, secrets in held.items():
        if secrets != reported.get(party, set()):
            problems.append(f"party {party}: holds {sorted(secrets)}, plan says {sorted(reported.get(party, set()))}")
    recipes = instance["recipes"] or [{"id": "all", "secrets": [s["id"] for s in instance["secrets"]]}]
    for recipe, row in zip(recipes, plan["recipes"]):
        if min_coalition(instance, held, recipe) != row["min_coalition"]:
            problems.append(f"recipe {recipe['id']}: min_coalition {row['min_coalition']}, "
                            f"expected {min_coalition(instance, held, recipe)}")
    return problems


def main():
    moat = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    first = int(sys.argv[3]) if len(sys.argv) > 3 else 1
    failures, infeasible, collusion2, dual = 0, 0, 0, 0
    heuristic_found, heuristic_gap = 0, 0.0
    with tempfile.TemporaryDirectory() as work:
        for seed in range(first, first + count):
            instance = generate(seed)
            path = f"{work}/instance-{seed}.json"
            with open(path, "w") as f:
                json.dump(instance, f)
            optimum = brute_force(instance)
            problems = []
            # Both exact engines: the search of every choice these small instances get by default,
            # and the MIP, which larger instances get.
            for engine in ([], ["--no-whole-search"]):
                run = subprocess.run([moat, "plan", "--instance", path, "--json", "--time-limit", "20"] + engine,
                                     capture_output=True, text=True)
                name = " ".join(engine) or "default"
                if run.returncode != 0:
                    problems.append(f"{name}: exit {run.returncode}: {run.stderr.strip()}")
                    continue
                problems += [f"{name}: {problem}" for problem in check_plan(instance, json.loads(run.stdout), optimum)]
            # The heuristic alone: any plan it returns must be valid and cost no less than the optimum.
            fast = subprocess.run([moat, "plan", "--instance", path, "--json", "--heuristic"],
                                  capture_output=True, text=True)
            quick = json.loads(fast.stdout) if fast.returncode == 0 else None
            if quick is None:
                problems.append(f"--heuristic exit {fast.returncode}: {fast.stderr.strip()}")
            elif quick["status"] == "feasible":
                chosen = {}
                for a in quick["assignments"]:
                    chosen.setdefault(a["package"], []).append(a["supplier"])
                if not valid(instance, chosen):
                    problems.append("the heuristic returned a plan that breaks the rules")
                elif optimum is None or quick["cost"] < optimum - EPS * max(1.0, optimum):
                    problems.append(f"the heuristic's cost {quick['cost']} beats the optimum {optimum}")
                else:
                    heuristic_found += 1
                    heuristic_gap += (quick["cost"] - optimum) / max(1.0, optimum)
            infeasible += optimum is None
            collusion2 += instance["policy"]["collusion"] == 2
            dual += any(p["sources"] == 2 for p in instance["packages"])
            for problem in problems:
                print(f"seed {seed}: {problem}")
            failures += bool(problems)
    print(f"{count} instances ({infeasible} infeasible, {collusion2} at collusion 2, {dual} with dual sourcing): "
          f"{count - failures} agree, {failures} disagree")
    feasible = count - infeasible
    if heuristic_found:
        print(f"heuristic alone: a valid plan for {heuristic_found} of {feasible} feasible instances, "
              f"mean gap to the optimum {100 * heuristic_gap / heuristic_found:.2f}%")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
