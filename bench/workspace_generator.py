#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes a contract manufacturer's workspace as moat CSV files, seeded, at size S, M, L or XL.

    bench/workspace_generator.py SIZE OUTDIR [--seed N]
    moat init WS && moat -w WS import OUTDIR/*.csv

The shape is a contract manufacturer's book rather than one product: several products, each a BOM
tree (assemblies of sub-assemblies of parts), work packages grouping its lines, secrets shared
across packages (and inference rules and recipes over them), suppliers whose sizes are skewed (a
few large ones quote most packages), a few large affiliation groups and many pairs, people at each
supplier. XL is 5 products, 100,000 BOM lines, 10,000 work packages, 2,000 suppliers, 50,000
quotes and 6,000 people. Credit codes carry valid check characters (GB 32100 and the embedded
organisation code's, GB 11714). Only the tables a sourcing book needs are written (no visits,
tooling, orders or agreements yet).
"""
import argparse
import csv
import os
import random

SIZES = {  # products, BOM lines, packages, suppliers, quotes, people
    "S": (1, 1_000, 100, 50, 500, 150),
    "M": (2, 10_000, 1_000, 200, 5_000, 600),
    "L": (3, 40_000, 4_000, 800, 20_000, 2_400),
    "XL": (5, 100_000, 10_000, 2_000, 50_000, 6_000),
}
CAPABILITIES = ["injection-molding", "pcb-fabrication", "pcba-smt", "cable-harness", "silicone-molding",
                "speaker-driver", "acoustic-assembly", "optics", "mesh-fabric", "printing-packaging",
                "labeling", "component-supply"]
STRATEGIES = ["trade-secret", "design", "patent", "copyright"]
REGIONS = ["440300", "441900", "440100", "320500", "330100", "310115", "440600", "350200"]
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2]
CITIES = ["深圳", "东莞", "广州", "苏州", "杭州", "上海", "佛山", "厦门"]


def org_code(rng):
    """Eight digits and the GB 11714 check character."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    check = 11 - sum(int(c) * w for c, w in zip(body, ORG_WEIGHTS)) % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def uscc(rng, used):
    while True:
        body = "91" + rng.choice(REGIONS) + org_code(rng)
        total = sum(USCC_CHARS.index(c) * w for c, w in zip(body, USCC_WEIGHTS))
        code = body + USCC_CHARS[(31 - total % 31) % 31]
        if code not in used:
            used.add(code)
            return code


def write(outdir, name, header, rows):
    with open(os.path.join(outdir, name + ".csv"), "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


def skewed(rng, n):
    """An index in [0, n) where low indices are far likelier (a few large suppliers)."""
    return min(n - 1, int(rng.paretovariate(1.2)) - 1) if rng.random() < 0.5 else rng.randrange(n)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("size", choices=sorted(SIZES))
    parser.add_argument("outdir")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    products, lines, packages, suppliers, quotes, people = SIZES[args.size]
    os.makedirs(args.outdir, exist_ok=True)

    supplier_ids = ["F%04d" % i for i in range(1, suppliers + 1)]
    trusted = set(supplier_ids[: max(1, suppliers // 50)])  # the manufacturer's own plants
    used = set()
    supplier_caps = {s: rng.sample(CAPABILITIES, rng.randint(1, 4)) for s in supplier_ids}
    write(args.outdir, "suppliers",
          ["id", "legal_name", "uscc", "city", "capabilities", "capacity", "status", "trusted"],
          [[s, "%s市%s精密制造有限公司" % (rng.choice(CITIES), s), uscc(rng, used), rng.choice(CITIES),
            ";".join(supplier_caps[s]), rng.choice([50_000, 100_000, 200_000, 1_000_000]),
            rng.choice(["qualified"] * 8 + ["conditional"]), "true" if s in trusted else "false"]
           for s in supplier_ids])

    # Affiliations: a few large groups (a chain through each), then pairs; never across trust.
    untrusted = [s for s in supplier_ids if s not in trusted]
    rng.shuffle(untrusted)
    affiliations, cursor = [], 0
    for _ in range(max(1, suppliers // 200)):
        group = untrusted[cursor:cursor + rng.randint(5, 15)]
        cursor += len(group)
        affiliations += [[a, b, "owner", ""] for a, b in zip(group, group[1:])]
    for _ in range(suppliers // 20):
        if cursor + 2 > len(untrusted):
            break
        affiliations.append([untrusted[cursor], untrusted[cursor + 1], rng.choice(["address", "common-parent"]), ""])
        cursor += 2
    write(args.outdir, "affiliations", ["a", "b", "kind", "note"], affiliations)

    product_ids = ["p%d" % i for i in range(1, products + 1)]
    write(args.outdir, "products", ["id", "name"], [[p, "Product %s" % p] for p in product_ids])

    bom, secret_rows, derive_rows, recipe_rows, package_rows, quote_rows = [], [], [], [], [], []
    quotes_per_package = max(1, quotes // packages)
    for p in product_ids:
        n_lines, n_packages = lines // products, packages // products
        n_secrets = max(6, n_packages // 15)
        secret_ids = ["S%04d" % i for i in range(1, n_secrets + 1)]
        secret_rows += [[p, s, "Secret %s" % s, rng.randint(1, 10), rng.choice(STRATEGIES)] for s in secret_ids]
        for i in range(n_secrets // 10):
            sources = rng.sample(secret_ids, 2)
            gives = rng.choice([s for s in secret_ids if s not in sources])
            derive_rows.append([p, "D%03d" % (i + 1), ";".join(sources), gives])
        for i in range(max(1, n_secrets // 6)):
            recipe_rows.append([p, "R%03d" % (i + 1), ";".join(rng.sample(secret_ids, min(6, n_secrets)))])
        # The BOM: a top assembly, one sub-assembly per package, parts below them.
        bom.append([p, "TOP", "", "Top assembly", 1, "", "make"])
        assemblies = ["A%05d" % i for i in range(1, n_packages + 1)]
        bom += [[p, a, "TOP", "Assembly %s" % a, 1, "", "make"] for a in assemblies]
        parts_of = {a: [] for a in assemblies}
        for i in range(n_lines - 1 - n_packages):
            parent = assemblies[i % n_packages]
            part = "X%06d" % (i + 1)
            parts_of[parent].append(part)
            bom.append([p, part, parent, "Part %s" % part, rng.randint(1, 8), "", rng.choice(["make", "buy"])])
        for i, a in enumerate(assemblies):
            capability = rng.choice(CAPABILITIES)
            package = "WP%05d" % (i + 1)
            exposes = rng.sample(secret_ids, rng.randint(1, 3))  # secrets shared across packages
            package_rows.append([p, package, "Package %s" % package, capability, ";".join([a] + parts_of[a][:5]),
                                 ";".join(exposes), rng.randint(1, 50) * 1000, 1])
            makers = [s for s in supplier_ids if capability in supplier_caps[s]] or supplier_ids
            chosen = set()
            while len(chosen) < min(quotes_per_package, len(makers)):
                chosen.add(makers[skewed(rng, len(makers))])
            quote_rows += [[p, package, s, round(rng.uniform(0.5, 50), 2), rng.choice([0, 5000, 50000]), "CNY"]
                           for s in sorted(chosen)]
    write(args.outdir, "secrets", ["product", "id", "name", "weight", "strategy"], secret_rows)
    write(args.outdir, "derives", ["product", "id", "from", "gives"], derive_rows)
    write(args.outdir, "recipes", ["product", "id", "secrets"], recipe_rows)
    write(args.outdir, "bom", ["product", "id", "parent", "name", "qty", "capability", "make_buy"], bom)
    write(args.outdir, "packages", ["product", "id", "name", "capability", "parts", "exposes", "volume", "sources"],
          package_rows)
    write(args.outdir, "quotes", ["product", "package", "supplier", "unit_cost", "fixed_cost", "currency"], quote_rows)
    write(args.outdir, "people", ["id", "supplier", "name", "role"],
          [["P%05d" % (i + 1), supplier_ids[skewed(rng, suppliers)], "员工%d" % (i + 1), "Engineer"]
           for i in range(people)])


if __name__ == "__main__":
    main()
