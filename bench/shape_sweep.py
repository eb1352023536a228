#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A second sweep of `moat plan --instance F --time-limit T` over instance shapes that neither the
benchmark families (bench/instance_generator.cc) nor tests/plan/other_shapes.py make.

Each shape is built here, seeded, at a size of packages × suppliers (M 500 × 100, L 2,000 × 500,
XL 20,000 × 2,000, or the shape's own), and run at several time limits, two runs at a time (a
load of two). For each run: the exit code (0 for a plan; 1 with a JSON pointer for a bad
instance; never 2 or a signal), the wall-clock time from the process's start to its exit against
T + 0.5 s, the plan against the contract's checker (tests/plan/time_limit.py's, with coalitions of
two or more searched here by branching on who can supply a missing secret), its cost against its
assignments, each recipe's reported coalition, the heuristic's valid plan implying a plan from the
timed run, reasons on `infeasible` and `unknown`, and no exact engine's process left
running after the parent ended (`pgrep -f` on the run's own instance path). A plan is owed when
`--heuristic --time-limit T` (the heuristic alone, under the same limit) gives a valid one; how long
`--heuristic` takes under its default limit of 30 s is shown for each shape.

usage: shape_sweep.py MOAT [--only NAME,…] [--sizes M,L,XL] [--limits 0.1,0.3,1,2] [--jobs 2]
"""
import argparse
import concurrent.futures
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "plan"))
from random_instances import closure, holdings, untrusted_parties  # noqa: E402
from time_limit import problems_with  # noqa: E402

MARGIN = 0.5
CAPABILITIES = ("molding", "smt", "machining", "assembly", "coating")
SIZES = {"S": (60, 24), "M": (500, 100), "L": (2000, 500), "XL": (20000, 2000)}


# --- building blocks ---------------------------------------------------------------------------

def base(rng, n_packages, n_suppliers, n_secrets=None, per_package=8):
    """One supplier a party, every package one source, exposing one or two secrets, quoted by up
    to `per_package` capable suppliers; recipes of 4–7 secrets."""
    n_secrets = n_secrets or max(12, n_packages // 3)
    secrets = [{"id": f"S{i}", "weight": rng.choice([1, 2, 3, 5, 8])} for i in range(n_secrets)]
    packages = [{"id": f"P{p}", "capability": CAPABILITIES[p % len(CAPABILITIES)],
                 "exposes": [f"S{s}" for s in rng.sample(range(n_secrets), rng.choice([1, 1, 2]))],
                 "volume": rng.choice([500, 1000, 2000]), "sources": 1} for p in range(n_packages)]
    suppliers = [{"id": f"F{s}", "party": f"G{s}",
                  "capabilities": sorted({CAPABILITIES[s % len(CAPABILITIES)]} | set(rng.sample(CAPABILITIES, 2))),
                  "capacity": rng.choice([20000, 60000, 200000]), "status": "qualified", "trusted": False}
                 for s in range(n_suppliers)]
    instance = {"policy": {"collusion": 1, "max_exposure_share": 1.0, "allow_conditional": False},
                "secrets": secrets, "derives": [], "recipes": recipes(rng, n_secrets, max(4, n_secrets // 10), 4, 7),
                "packages": packages, "suppliers": suppliers, "quotes": []}
    return quote(rng, instance, per_package)


def recipes(rng, n_secrets, count, least, most):
    return [{"id": f"R{r}", "secrets": [f"S{s}" for s in rng.sample(range(n_secrets), min(n_secrets, rng.randint(least, most)))]}
            for r in range(count)]


def quote(rng, instance, per_package, cost=None):
    by_capability = {}
    for s in instance["suppliers"]:
        for c in s["capabilities"]:
            by_capability.setdefault(c, []).append(s["id"])
    instance["quotes"] = []
    for package in instance["packages"]:
        able = by_capability.get(package["capability"], [])
        for supplier in rng.sample(able, min(per_package, len(able))):
            unit, fixed = cost(rng) if cost else (round(rng.uniform(0.5, 9.0), 2), rng.choice([0, 100, 5000]))
            instance["quotes"].append({"package": package["id"], "supplier": supplier,
                                       "unit_cost": unit, "fixed_cost": fixed})
    return instance


def add_trusted(instance, rng, count=2, unit=(12.0, 20.0)):
    """A trusted party (HQ) of `count` suppliers that can make everything, dearer, ample capacity."""
    for i in range(count):
        instance["suppliers"].append({"id": f"HQ{i}", "party": "HQ", "capabilities": list(CAPABILITIES),
                                      "capacity": 10**9, "status": "qualified", "trusted": True})
        for package in instance["packages"]:
            instance["quotes"].append({"package": package["id"], "supplier": f"HQ{i}",
                                       "unit_cost": round(rng.uniform(*unit), 2), "fixed_cost": 0})
    return instance


# --- the shapes --------------------------------------------------------------------------------
# Each: (rng, packages, suppliers) -> instance. Shapes that must be refused return an instance and
# name the JSON pointer expected in EXPECT_ERROR.

def collusion_4(rng, n, m):
    i = base(rng, n, m)
    i["policy"]["collusion"] = 4
    i["recipes"] = recipes(rng, len(i["secrets"]), max(4, len(i["secrets"]) // 20), 10, 14)
    return i


def collusion_5(rng, n, m):
    i = collusion_4(rng, n, m)
    i["policy"]["collusion"] = 5
    return i


def collusion_over_parties(rng, n, m):
    """Collusion 50 with 8 untrusted parties: all of them pooled must miss a secret of every recipe,
    which only the trusted party can keep."""
    i = base(rng, n, m)
    for k, s in enumerate(i["suppliers"]):
        s["party"] = f"G{k % 8}"
    i["policy"]["collusion"] = 50
    return add_trusted(i, rng)


def collusion_over_parties_no_trusted(rng, n, m):
    i = collusion_over_parties(rng, n, m)
    i["suppliers"] = [s for s in i["suppliers"] if not s["trusted"]]
    i["quotes"] = [q for q in i["quotes"] if not q["supplier"].startswith("HQ")]
    return i


def recipes_of_one(rng, n, m):
    """Recipes of one secret: no untrusted party may hold it at all (made, or inferred)."""
    i = base(rng, n, m)
    ids = [s["id"] for s in i["secrets"]]
    i["recipes"] = [{"id": f"ONE{k}", "secrets": [t]} for k, t in enumerate(ids[:10])]
    i["derives"] = [{"from": [ids[-1], ids[-2]], "gives": ids[0]}]
    return add_trusted(i, rng)


def recipes_of_forty(rng, n, m):
    i = base(rng, n, m)
    i["policy"]["collusion"] = 2
    i["recipes"] = recipes(rng, len(i["secrets"]), 30, 40, 60)
    return i


def secret_in_every_recipe(rng, n, m):
    i = base(rng, n, m)
    i["policy"]["collusion"] = 2
    for r in i["recipes"]:
        if "S0" not in r["secrets"]:
            r["secrets"].append("S0")
    for p in i["packages"][::7]:
        p["exposes"] = sorted(set(p["exposes"]) | {"S0"})
    return i


def derives_wide_and_deep(rng, n, m):
    """Rules of 10–15 premises; a chain of 40 rules; rules giving a secret also exposed directly;
    rules whose premises no package exposes."""
    i = base(rng, n, m)
    ids = [s["id"] for s in i["secrets"]]
    k = len(ids)
    i["derives"] = [{"from": rng.sample(ids, rng.randint(10, 15)), "gives": rng.choice(ids)} for _ in range(k // 5)]
    chain = rng.sample(ids, min(41, k))
    i["derives"] += [{"from": [chain[j]], "gives": chain[j + 1]} for j in range(len(chain) - 1)]
    exposed = sorted({t for p in i["packages"] for t in p["exposes"]})
    i["derives"] += [{"from": rng.sample(ids, 2), "gives": rng.choice(exposed)} for _ in range(k // 10)]
    hidden = [f"H{j}" for j in range(12)]
    i["secrets"] += [{"id": h, "weight": 4} for h in hidden]
    i["derives"] += [{"from": hidden[j:j + 3], "gives": rng.choice(ids)} for j in range(0, 12, 3)]
    i["recipes"] += [{"id": "RH", "secrets": hidden[:4]}]
    i["policy"]["collusion"] = 2
    return i


def only_derived_secrets(rng, n, m):
    """Secrets no package exposes, which rules derive from what packages expose."""
    i = base(rng, n, m)
    ids = [s["id"] for s in i["secrets"]]
    derived = [f"D{j}" for j in range(20)]
    i["secrets"] += [{"id": d, "weight": 10} for d in derived]
    i["derives"] = [{"from": rng.sample(ids, 3), "gives": d} for d in derived]
    i["recipes"] = [{"id": f"RD{j}", "secrets": derived[j:j + 2]} for j in range(0, 20, 2)]
    return i


def packages_expose_nothing(rng, n, m):
    i = base(rng, n, m)
    for p in i["packages"]:
        p["exposes"] = []
    return i


def capacity_exact(rng, n, m):
    """Every supplier's capacity is exactly its load in a hidden plan of thirds (three sources a
    package, volumes not divisible by three): no slack, and units that are not whole."""
    i = base(rng, n, m)
    for k, s in enumerate(i["suppliers"]):
        s["capabilities"] = list(CAPABILITIES)
    load = {s["id"]: 0.0 for s in i["suppliers"]}
    ids = [s["id"] for s in i["suppliers"]]
    hidden = {}
    for p in i["packages"]:
        p["sources"] = 3
        p["volume"] = rng.choice([10, 1000, 2001, 7])
        p["exposes"] = p["exposes"][:1]
        hidden[p["id"]] = rng.sample(ids, 3)
        for s in hidden[p["id"]]:
            load[s] += p["volume"] / 3
    for s in i["suppliers"]:
        s["capacity"] = load[s["id"]]
    i["quotes"] = [{"package": p["id"], "supplier": s, "unit_cost": round(rng.uniform(1, 9), 2), "fixed_cost": 0}
                   for p in i["packages"] for s in sorted(set(hidden[p["id"]]) | set(rng.sample(ids, 3)))]
    i["recipes"] = recipes(rng, len(i["secrets"]), 10, 8, 12)
    return i


def capacity_zero(rng, n, m):
    i = base(rng, n, m)
    for s in i["suppliers"][::2]:
        s["capacity"] = 0
    for p in i["packages"][::5]:
        p["volume"] = 0
    return i


def volume_over_every_capacity(rng, n, m):
    i = base(rng, n, m)
    i["packages"][3]["volume"] = 10**7
    return i


def sources_equal_eligible(rng, n, m):
    """Each package needs as many sources as it has eligible parties."""
    i = base(rng, n, m, per_package=4)
    count = {}
    for q in i["quotes"]:
        count[q["package"]] = count.get(q["package"], 0) + 1
    for p in i["packages"]:
        p["sources"] = count.get(p["id"], 1)
        p["exposes"] = p["exposes"][:1]
    for s in i["suppliers"]:
        s["capacity"] = 10**7
    i["recipes"] = recipes(rng, len(i["secrets"]), 6, 20, 30)
    return i


def sources_over_eligible(rng, n, m):
    i = sources_equal_eligible(rng, n, m)
    i["packages"][5]["sources"] += 1
    return i


def one_big_untrusted(rng, n, m):
    """One untrusted supplier quotes everything, cheapest, with room for all; many small ones."""
    i = base(rng, n, m, per_package=3)
    for s in i["suppliers"]:
        s["capacity"] = 3000
    i["suppliers"].append({"id": "BIG", "party": "BIG", "capabilities": list(CAPABILITIES), "capacity": 10**9,
                           "status": "qualified", "trusted": False})
    for p in i["packages"]:
        i["quotes"].append({"package": p["id"], "supplier": "BIG", "unit_cost": 0.1, "fixed_cost": 0})
    return i


def all_one_party(rng, n, m):
    i = base(rng, n, m)
    for s in i["suppliers"]:
        s["party"] = "ONE"
    return i


def all_one_trusted_party(rng, n, m):
    i = all_one_party(rng, n, m)
    for s in i["suppliers"]:
        s["trusted"] = True
    return i


def own_party_three_sources(rng, n, m):
    i = base(rng, n, m, per_package=6)
    for s in i["suppliers"]:
        s["capacity"] = 10**7
    for p in i["packages"]:
        p["sources"] = 3
        p["exposes"] = p["exposes"][:1]
    return i


def fixed_cost_dominant(rng, n, m):
    return quote(rng, base(rng, n, m), 8, cost=lambda r: (0.001, r.choice([1e6, 2e6, 5e6])))


def zero_costs(rng, n, m):
    i = quote(rng, base(rng, n, m), 8, cost=lambda r: (0, 0))
    i["policy"]["collusion"] = 2
    return i


def identical_quotes(rng, n, m):
    i = quote(rng, base(rng, n, m), 8, cost=lambda r: (1.5, 100))
    i["policy"]["collusion"] = 2
    return i


def huge_volumes(rng, n, m):
    i = base(rng, n, m)
    for p in i["packages"]:
        p["volume"] = rng.choice([1e15, 3e17, 1e12 + 1])
    for s in i["suppliers"]:
        s["capacity"] = 1e300
    return i


def exposure_cap_zero(rng, n, m):
    """Cap 0: an untrusted party may hold nothing, so every package that exposes a secret goes to
    the trusted party; the rest are free."""
    i = base(rng, n, m)
    i["policy"]["max_exposure_share"] = 0
    for p in i["packages"][::2]:
        p["exposes"] = []
    return add_trusted(i, rng)


def exposure_cap_zero_no_trusted(rng, n, m):
    i = base(rng, n, m)
    i["policy"]["max_exposure_share"] = 0
    return i


def one_secret_all_weight(rng, n, m):
    i = base(rng, n, m)
    for s in i["secrets"]:
        s["weight"] = 1e-3
    i["secrets"][0]["weight"] = 1e6
    i["policy"]["max_exposure_share"] = 0.5
    for p in i["packages"][::9]:
        p["exposes"] = sorted(set(p["exposes"]) | {"S0"})
    return add_trusted(i, rng, 1)


def tiny_weights(rng, n, m):
    i = base(rng, n, m)
    for s in i["secrets"]:
        s["weight"] = 1e-300
    i["policy"]["max_exposure_share"] = 0.2
    return i


def huge_weights(rng, n, m):
    """Weights near the largest double: their total overflows unless scaled first."""
    i = tiny_weights(rng, n, m)
    for s in i["secrets"]:
        s["weight"] = 1.7e308 * rng.choice([0.05, 0.2, 1.0])
    i["policy"]["max_exposure_share"] = 0.1
    return i


def many_suppliers_few_packages(rng, n, m):
    i = base(rng, 200, 5000, per_package=60)
    i["policy"]["collusion"] = 2
    return i


def many_packages_few_suppliers(rng, n, m):
    i = base(rng, 20000, 50, n_secrets=400, per_package=12)
    for s in i["suppliers"]:
        s["capacity"] = 10**9
    return i


def full_supplier_kept_by_rule(rng, n, m):
    """One untrusted supplier, cheapest for every package and full with packages each of its own
    secret; the rest of its packages (a few dozen) are made dearer elsewhere and kept off it by a
    recipe it would complete with a secret it already holds: a cheaper option that making room on
    the supplier cannot open. The local search's ejection chains once tried every package on it."""
    del rng, m
    movable = min(32, max(1, n // 8))
    full = max(1, n - movable - 1)
    i = {"policy": {"collusion": 1, "max_exposure_share": 1.0, "allow_conditional": False},
         "secrets": [{"id": f"q{k}", "weight": 1} for k in range(full)] + [{"id": s, "weight": 1} for s in "xyw"],
         "derives": [{"from": ["x", "y"], "gives": "w"}], "recipes": [{"id": "R", "secrets": ["x", "y"]}],
         "packages": [{"id": "Z", "capability": "molding", "exposes": ["y"], "volume": 1, "sources": 1}],
         "suppliers": [supplier("SA", 11 * full + 1), supplier("D", 110 * full)],
         "quotes": [{"package": "Z", "supplier": "SA", "unit_cost": 1.0, "fixed_cost": 0}]}
    for j in range(movable):
        i["suppliers"].append(supplier(f"SB{j}", 10))
        i["packages"].append({"id": f"P{j}", "capability": "molding", "exposes": ["x"], "volume": 10, "sources": 1})
        i["quotes"] += [{"package": f"P{j}", "supplier": "SA", "unit_cost": 1.0, "fixed_cost": 0},
                        {"package": f"P{j}", "supplier": f"SB{j}", "unit_cost": 3.0, "fixed_cost": 0}]
    for k in range(full):
        i["packages"].append({"id": f"Q{k}", "capability": "molding", "exposes": [f"q{k}"], "volume": 11,
                              "sources": 1})
        i["quotes"] += [{"package": f"Q{k}", "supplier": "SA", "unit_cost": 1.0, "fixed_cost": 0},
                        {"package": f"Q{k}", "supplier": "D", "unit_cost": 1.5, "fixed_cost": 0}]
    return i


def supplier(name, capacity):
    """An untrusted supplier, its own party, able to mould."""
    return {"id": name, "party": name, "capabilities": ["molding"], "capacity": capacity,
            "status": "qualified", "trusted": False}


SHAPES = [collusion_4, collusion_5, collusion_over_parties, collusion_over_parties_no_trusted, recipes_of_one,
          recipes_of_forty, secret_in_every_recipe, derives_wide_and_deep, only_derived_secrets,
          packages_expose_nothing, capacity_exact, capacity_zero, volume_over_every_capacity,
          sources_equal_eligible, sources_over_eligible, one_big_untrusted, all_one_party, all_one_trusted_party,
          own_party_three_sources, fixed_cost_dominant, zero_costs, identical_quotes, huge_volumes,
          exposure_cap_zero, exposure_cap_zero_no_trusted, one_secret_all_weight, tiny_weights,
          huge_weights, many_suppliers_few_packages, many_packages_few_suppliers, full_supplier_kept_by_rule]
# Shapes whose size is their own: run once, not per size.
OWN_SIZE = {"many_suppliers_few_packages", "many_packages_few_suppliers"}
EXPECT_INFEASIBLE = {"collusion_over_parties_no_trusted", "volume_over_every_capacity", "sources_over_eligible",
                     "all_one_party", "exposure_cap_zero_no_trusted"}


# --- instances that must be refused (exit 1, a JSON pointer in the message) ---------------------

def small(rng):
    return base(rng, 12, 6, per_package=3)


def bad(name, pointer, change):
    def build(rng):
        i = small(rng)
        change(i)
        return i
    build.__name__ = name
    return build, pointer


def _set(path, value):
    def change(i):
        target = i
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


ERRORS = [
    bad("duplicate_quote", "/quotes/", lambda i: i["quotes"].append(dict(i["quotes"][0]))),
    bad("quote_unknown_package", "/quotes/0/package", _set(["quotes", 0, "package"], "NOPE")),
    bad("quote_unknown_supplier", "/quotes/1/supplier", _set(["quotes", 1, "supplier"], "NOPE")),
    bad("negative_volume", "/packages/2/volume", _set(["packages", 2, "volume"], -5)),
    bad("volume_as_text", "/packages/2/volume", _set(["packages", 2, "volume"], "100")),
    bad("volume_1e400", "number out of range", _set(["packages", 2, "volume"], "__1e400__")),
    bad("sources_zero", "/packages/1/sources", _set(["packages", 1, "sources"], 0)),
    bad("sources_fraction", "/packages/1/sources", _set(["packages", 1, "sources"], 1.5)),
    bad("sources_huge", "/packages/1/sources", _set(["packages", 1, "sources"], 10**12)),
    bad("negative_capacity", "/suppliers/1/capacity", _set(["suppliers", 1, "capacity"], -1)),
    bad("negative_unit_cost", "/quotes/2/unit_cost", _set(["quotes", 2, "unit_cost"], -0.5)),
    bad("weight_zero", "/secrets/0/weight", _set(["secrets", 0, "weight"], 0)),
    bad("collusion_negative", "/policy/collusion", _set(["policy", "collusion"], -1)),
    bad("share_over_one", "/policy/max_exposure_share", _set(["policy", "max_exposure_share"], 1.5)),
    bad("derive_unknown_secret", "/derives/0/from", lambda i: i["derives"].append({"from": ["NOPE"], "gives": "S0"})),
    bad("derive_no_premises", "/derives/0/from", lambda i: i["derives"].append({"from": [], "gives": "S0"})),
    bad("recipe_no_secrets", "/recipes/0/secrets", _set(["recipes", 0, "secrets"], [])),
    bad("recipe_unknown_secret", "/recipes/0/secrets", _set(["recipes", 0, "secrets"], ["S1", "NOPE"])),
    bad("expose_unknown_secret", "/packages/0/exposes", _set(["packages", 0, "exposes"], ["NOPE"])),
    bad("mixed_trust_party", "/suppliers/", lambda i: i["suppliers"][1].update(party="G0", trusted=True)),
    bad("duplicate_supplier", "/suppliers/", lambda i: i["suppliers"].append(dict(i["suppliers"][0]))),
    bad("duplicate_package", "/packages/", lambda i: i["packages"].append(dict(i["packages"][0]))),
    bad("packages_not_list", "/packages", _set(["packages"], {"P0": 1})),
    bad("no_suppliers_key", "missing 'suppliers'", lambda i: i.pop("suppliers")),
]


# --- checking ----------------------------------------------------------------------------------

def coalition_completing(instance, held, recipe, most, candidates):
    """A set of at most `most` parties among `candidates` whose pooled holdings, closed under the
    rules, cover the recipe; None when there is none. Branches on a recipe secret not yet covered:
    some member must then add a secret that leads to it (it or a premise of a rule that gives it,
    transitively), so only parties holding one such are tried."""
    derives = instance["derives"]
    leads_to = {}  # secret -> the secrets it can be worked out from, itself included

    def ancestors(t):
        if t not in leads_to:
            found, todo = {t}, [t]
            while todo:
                x = todo.pop()
                for rule in derives:
                    if rule["gives"] == x:
                        for f in rule["from"]:
                            if f not in found:
                                found.add(f)
                                todo.append(f)
            leads_to[t] = found
        return leads_to[t]

    needed = set(recipe["secrets"])
    relevant = set().union(*(ancestors(t) for t in needed))
    projected = {}
    for g in candidates:
        part = frozenset(held[g] & relevant)
        if part and not any(part < other for other in projected.values()):
            projected[g] = part
    # Drop parties whose holdings another holds in full (dominated); keep one of equal ones.
    kept, seen = [], set()
    for g, part in sorted(projected.items(), key=lambda kv: -len(kv[1])):
        if part in seen or any(part < projected[h] for h in kept):
            continue
        seen.add(part)
        kept.append(g)

    def search(group, pool):
        known = closure(pool, derives)
        missing = needed - known
        if not missing:
            return group
        if len(group) == most:
            return None
        best = None
        for t in missing:
            adds = ancestors(t) - known
            options = [g for g in kept if g not in group and projected[g] & adds]
            if best is None or len(options) < len(best):
                best = options
        for g in best:
            found = search(group + [g], pool | projected[g])
            if found:
                return found
        return None

    return search([], set())


def problems_of_plan(instance, plan):
    """What the plan breaks: time_limit.py's checker for assignments, capacity, caps and single
    parties; coalitions of two or more searched here; the cost; the reported coalitions."""
    # Weights as shares of the largest, so that Python's sums neither overflow nor vanish.
    largest = max((s["weight"] for s in instance["secrets"]), default=1.0)
    instance = dict(instance, secrets=[dict(s, weight=s["weight"] / largest) for s in instance["secrets"]])
    k = instance["policy"]["collusion"]
    found = problems_with(dict(instance, policy=dict(instance["policy"], collusion=min(k, 1))), plan)
    chosen = {}
    for a in plan["assignments"]:
        chosen.setdefault(a["package"], []).append(a["supplier"])
    held = holdings(instance, chosen)
    untrusted = untrusted_parties(instance)
    knowing = [g for g in untrusted if held[g]]
    for recipe in instance["recipes"]:
        if k >= 2:
            group = coalition_completing(instance, held, recipe, k, knowing)
            if group:
                found.append(f"recipe {recipe['id']} completed by {group}")
    quotes = {(q["package"], q["supplier"]): q for q in instance["quotes"]}
    volume = {p["id"]: (p["volume"], p["sources"]) for p in instance["packages"]}
    cost = sum(quotes[(a["package"], a["supplier"])]["unit_cost"] * volume[a["package"]][0] / volume[a["package"]][1]
               + quotes[(a["package"], a["supplier"])].get("fixed_cost", 0) for a in plan["assignments"]
               if (a["package"], a["supplier"]) in quotes)
    if plan["cost"] is None or abs(cost - plan["cost"]) > 1e-6 * max(1.0, abs(cost)):
        found.append(f"cost {plan['cost']} but its assignments cost {cost}")
    if plan.get("lower_bound") is not None and plan["lower_bound"] > plan["cost"] * (1 + 1e-6) + 1e-6:
        found.append(f"lower bound {plan['lower_bound']} above the cost {plan['cost']}")
    rows = {r["recipe"]: r for r in plan["recipes"]}
    for recipe in instance["recipes"]:
        row = rows.get(recipe["id"])
        if row is None:
            found.append(f"recipe {recipe['id']} not described")
            continue
        if row["min_coalition"] is not None and row["min_coalition"] <= k:
            found.append(f"recipe {recipe['id']}: min_coalition {row['min_coalition']} within collusion {k}")
        if row.get("coalition"):
            pool = set().union(*(held.get(g, set()) for g in row["coalition"]))
            if not set(recipe["secrets"]) <= closure(pool, instance["derives"]):
                found.append(f"recipe {recipe['id']}: its coalition {row['coalition']} does not complete it")
            if row["min_coalition"] != len(row["coalition"]):
                found.append(f"recipe {recipe['id']}: min_coalition {row['min_coalition']} "
                             f"but a coalition of {len(row['coalition'])}")
    return found


def run(moat, path, args):
    started = time.monotonic()
    done = subprocess.run([moat, "plan", "--instance", path, "--json"] + args, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    stray = subprocess.run(["pgrep", "-f", path], capture_output=True, text=True).stdout.split()
    if stray:
        time.sleep(1.0)  # a killed engine of hundreds of MB takes a moment to go
        stray = subprocess.run(["pgrep", "-f", path], capture_output=True, text=True).stdout.split()
    return done, elapsed, stray


def heuristic_finds(moat, path, instance, limit):
    """Whether `moat plan --heuristic --time-limit LIMIT` gives a plan that passes the checker."""
    done, _, _ = run(moat, path, ["--heuristic", "--time-limit", str(limit)])
    if done.returncode != 0:
        return False
    plan = json.loads(done.stdout)
    return plan["status"] == "feasible" and not problems_of_plan(instance, plan)


def check_run(moat, path, instance, limit, heuristic_valid, expect_infeasible):
    """A timed run's problems; a plan is owed when `heuristic_valid` (the heuristic alone found
    one under the same limit)."""
    done, elapsed, stray = run(moat, path, ["--time-limit", str(limit)])
    problems = []
    if stray:
        problems.append(f"processes left after the answer: {stray}")
    if done.returncode != 0:
        return None, elapsed, problems + [f"exit {done.returncode}: {done.stderr.strip()[:300]}".splitlines()[0]]
    plan = json.loads(done.stdout)
    if elapsed > limit + MARGIN:
        problems.append(f"answered in {elapsed:.2f} s, over {limit + MARGIN:.1f} s")
    status = plan["status"]
    if heuristic_valid and status not in ("optimal", "feasible"):
        problems.append(f"--heuristic --time-limit {limit} finds a valid plan but the run says {status}: "
                        f"{plan['reasons'][:2]}")
    if status in ("optimal", "feasible"):
        problems += problems_of_plan(instance, plan)[:5]
        if expect_infeasible:
            problems.append("a plan for an instance built to have none")
    if status in ("infeasible", "unknown") and not plan["reasons"]:
        problems.append(f"{status} without reasons")
    return plan, elapsed, problems


def check_error(moat, path, pointer):
    done, elapsed, stray = run(moat, path, ["--time-limit", "1"])
    problems = [f"processes left: {stray}"] if stray else []
    if done.returncode != 1:
        problems.append(f"exit {done.returncode} (expected 1): {(done.stderr or done.stdout).strip()[:200]}")
    elif pointer not in done.stderr:
        problems.append(f"message does not name {pointer}: {done.stderr.strip()[:200]}")
    return done.stderr.strip().splitlines()[0] if done.stderr.strip() else "", elapsed, problems


# --- the sweep ---------------------------------------------------------------------------------

PRINT = threading.Lock()


def say(line):
    with PRINT:
        print(line, flush=True)


def write(path, instance):
    text = json.dumps(instance, ensure_ascii=False)
    text = text.replace('"__1e400__"', "1e400")
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def sweep_shape(moat, work, shape, size, limits, seed):
    n, m = SIZES.get(size, SIZES["M"])
    name = shape.__name__ if shape.__name__ in OWN_SIZE else f"{shape.__name__} {size}"
    instance = shape(random.Random(seed), n, m)
    if not instance["recipes"]:
        instance["recipes"] = [{"id": "all", "secrets": [s["id"] for s in instance["secrets"]]}]
    path = os.path.join(work, name.replace(" ", "-") + ".json")
    write(path, instance)
    started = time.monotonic()
    quick = subprocess.run([moat, "plan", "--instance", path, "--json", "--heuristic"], capture_output=True, text=True)
    heuristic_seconds = time.monotonic() - started
    results = []
    heuristic_valid = False
    if quick.returncode != 0:
        results.append((name, "--heuristic", None, 0.0, [f"--heuristic exit {quick.returncode}: {quick.stderr[:300]}"]))
    else:
        plan = json.loads(quick.stdout)
        if plan["status"] == "feasible":
            wrong = problems_of_plan(instance, plan)
            heuristic_valid = not wrong
            if wrong:
                results.append((name, "--heuristic", plan, heuristic_seconds, ["heuristic plan: " + w for w in wrong[:3]]))
    shape_facts = (f"{len(instance['packages'])}×{len(instance['suppliers'])}, {len(instance['quotes'])} quotes, "
                   f"k={instance['policy']['collusion']}, heuristic {'valid' if heuristic_valid else 'none'} "
                   f"in {heuristic_seconds:.2f} s")
    for limit in limits:
        owed = heuristic_valid and heuristic_finds(moat, path, instance, limit)
        plan, elapsed, problems = check_run(moat, path, instance, limit, owed, shape.__name__ in EXPECT_INFEASIBLE)
        results.append((name, f"T={limit}", plan, elapsed, problems))
    os.remove(path)
    return name, shape_facts, results


def report(name, facts, results):
    lines = [f"{name} ({facts})"]
    for _, label, plan, elapsed, problems in results:
        status = plan["status"] if plan else "-"
        extra = ""
        if plan and plan["status"] == "feasible" and plan.get("lower_bound") and plan["cost"]:
            extra = f", gap {100 * (plan['cost'] - plan['lower_bound']) / max(1e-9, abs(plan['cost'])):.3f}%"
        if plan and plan["status"] in ("infeasible", "unknown"):
            extra = f": {plan['reasons'][0][:110] if plan['reasons'] else ''}"
        lines.append(f"  {label}: {status} in {elapsed:.2f} s{extra}" + ("" if not problems else "  FAIL"))
        lines += [f"    - {p}" for p in problems]
    say("\n".join(lines))
    return sum(bool(r[4]) for r in results)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("moat")
    parser.add_argument("--only", default="")
    parser.add_argument("--sizes", default="M,L")
    parser.add_argument("--limits", default="0.1,0.3,1,2")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--no-errors", action="store_true")
    args = parser.parse_args()
    only = set(filter(None, args.only.split(",")))
    limits = [float(x) for x in args.limits.split(",")]
    sizes = args.sizes.split(",")
    failures = 0
    say(f"load average at start: {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as work, concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        jobs = []
        for seed, shape in enumerate(SHAPES, start=1):
            if only and shape.__name__ not in only:
                continue
            for size in (["own"] if shape.__name__ in OWN_SIZE else sizes):
                jobs.append(pool.submit(sweep_shape, args.moat, work, shape, size, limits, seed))
        if not args.no_errors:
            for seed, (build, pointer) in enumerate(ERRORS, start=100):
                if only and build.__name__ not in only:
                    continue
                path = os.path.join(work, build.__name__ + ".json")
                write(path, build(random.Random(seed)))
                message, elapsed, problems = check_error(args.moat, path, pointer)
                say(f"error {build.__name__}: {'FAIL' if problems else 'ok'} in {elapsed:.2f} s: {message[:140]}")
                for p in problems:
                    say(f"    - {p}")
                failures += bool(problems)
        for job in jobs:
            failures += report(*job.result())
            say(f"  (load average {os.getloadavg()[0]:.2f})")
    say(f"{failures} failures; load average at end: {os.getloadavg()[0]:.2f}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
