#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes a contract manufacturer's workspace as moat CSV files, seeded, at size S, M, L or XL.

    bench/workspace_generator.py SIZE OUTDIR [--seed N]
    moat init WS --company "Generated Devices Inc." && moat -w WS import OUTDIR/*.csv

The shape is a contract manufacturer's book rather than one product: several products, each a BOM
tree (assemblies of sub-assemblies of parts), work packages grouping its lines, secrets shared
across packages (and inference rules and recipes over them), suppliers whose sizes are skewed (a
few large ones quote most packages), a few large affiliation groups and many pairs, people at each
supplier. XL is 5 products, 100,000 BOM lines, 10,000 work packages, 2,000 suppliers, 50,000
quotes and 6,000 people. Credit codes carry valid check characters (GB 32100 and the embedded
organisation code's, GB 11714).

A year (2026) of oversight and contract data comes with it: audits and owner visits (the large
suppliers audited more often, a few failing), their findings (open and closed), a mold for each
molding package with a monthly shot-counter reading, purchase orders for part of the packages with
their shipments (a few over what the order allows), NNN and tooling agreements with the suppliers
that hold orders or molds, and IP rights (a home filing and most CN filings) for the registrable
secrets.
"""
import datetime
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
COURTS = {"440300": "深圳市中级人民法院", "441900": "东莞市中级人民法院", "440100": "广州市中级人民法院",
          "320500": "苏州市中级人民法院", "330100": "杭州市中级人民法院", "310115": "上海市浦东新区人民法院",
          "440600": "佛山市中级人民法院", "350200": "厦门市中级人民法院"}
MOLDING = {"injection-molding", "silicone-molding"}
YEAR = datetime.date(2026, 1, 1)
COMPANY = "Generated Devices Inc."  # the workspace's company: the owner of its tools and IP rights
AUDITORS = ["王涛", "陈静", "李娜", "张伟", "刘洋"]
FINDINGS = [("minor", "visitor-logs", "Visitor log kept on loose sheets", "Bound visitor book at the gate"),
            ("major", "overrun-controls", "Shot counter not logged every shift", "Log the counter every shift"),
            ("critical", "overrun-controls", "No count of molded parts against the order on the night shift",
             "Reconcile the counter with shipments weekly"),
            ("major", "", "Subcontracted spray painting without approval", "Stop the subcontract or qualify it")]
RIGHT_KINDS = {"patent": ("invention", "utility-model"), "design": ("design", "design"),
               "copyright": ("copyright", "software-copyright")}


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


def day(offset):
    """A date of the year, `offset` days after 1 January 2026, as ISO text."""
    return (YEAR + datetime.timedelta(days=min(364, max(0, offset)))).isoformat()


def oversight(rng, outdir, supplier_ids, trusted, product_ids):
    """A year of visits and their findings: audits (large suppliers more often) and owner visits."""
    visits, findings = [], []
    for rank, s in enumerate(supplier_ids):
        if s in trusted:
            continue
        audits = 4 if rank < len(supplier_ids) // 20 else 2 if rank < len(supplier_ids) // 4 else 1
        for k in range(audits):
            vid = "V%05d" % (len(visits) + 1)
            score = round(rng.uniform(55, 100), 1)
            result = "pass" if score >= 70 else "fail"
            visits.append([vid, s, "audit", day(k * 91 + rng.randrange(80)), rng.choice(AUDITORS), "ip-protection",
                           rng.choice(product_ids), score, result, rng.choice([50_000, 100_000, 200_000]),
                           rng.randint(40, 900), "Plant %s, Building %d" % (s, rng.randint(1, 9)), "", "", ""])
            for f in range(rng.randint(1, 3) if result == "fail" else rng.randint(0, 1)):
                severity, item, description, action = rng.choice(FINDINGS)
                due = visits[-1][3]
                closed = rng.random() < 0.6
                due_day = (datetime.date.fromisoformat(due) - YEAR).days + 30
                findings.append([vid, "F%d" % (f + 1), severity, item, description, action, "吴婷", day(due_day),
                                 "closed" if closed else "open", "Done" if closed else "",
                                 day(due_day - 5) if closed else "", rng.choice(AUDITORS) if closed else "", ""])
        if rank < len(supplier_ids) // 10:
            visits.append(["V%05d" % (len(visits) + 1), s, "owner-visit", day(rng.randrange(120)), "Emma Larsen", "",
                           rng.choice(product_ids), "", "", "", "", "", "", "", "Pre-launch visit"])
    write(outdir, "visits", ["id", "supplier", "kind", "date", "by", "checklist", "product", "score", "result",
                             "capacity_seen", "headcount_seen", "sites_seen", "subcontractors_seen", "evidence",
                             "note"], visits)
    write(outdir, "findings", ["visit", "id", "severity", "item", "description", "action", "owner", "due", "state",
                               "answer", "closed_on", "closed_by", "evidence"], findings)


def production(rng, outdir, package_rows, quote_rows, supplier_caps):
    """Molds with monthly counter readings, orders and their shipments. Returns who holds what."""
    quoted = {}
    for product, package, supplier, *_ in quote_rows:
        quoted.setdefault((product, package), []).append(supplier)
    tools, readings, orders, movements = [], [], [], []
    holders = {}  # supplier -> (products, has tooling)
    for product, package, _, capability, _, _, volume, _ in package_rows:
        makers = quoted.get((product, package), [])
        if not makers or rng.random() > 0.6:
            continue
        supplier = makers[0]
        quantity = max(1000, volume // 2)
        order = "PO-%s-%s" % (product, package)
        orders.append([order, supplier, product, package, quantity, day(rng.randrange(60)), day(300 + rng.randrange(60)),
                       "Designs and tools are the customer's property; no parts beyond this order", 500_000, "CNY"])
        shipped, n = 0, 0
        overrun = 1.08 if rng.random() < 0.02 else 1.0  # a few ship more than ordered
        for month in range(3, 12, 3):
            n += 1
            batch = int(quantity * overrun / 3)
            shipped += batch
            movements.append([supplier, "M-%s-%s-%d" % (product, package, n), day(month * 30 + rng.randrange(20)), "shipped",
                              product, "", batch, 1, order, ""])
        products, tooled = holders.get(supplier, (set(), False))
        products.add(product)
        if capability in MOLDING:
            tool = "T-%s-%s" % (product, package)
            cavities = rng.choice([1, 2, 4])
            tools.append([tool, product, package, "mold", "Mold for %s" % package, COMPANY, supplier, supplier,
                          "Plant %s" % supplier, "Property of the customer", "%s %dx" % (tool, cavities), cavities, 1,
                          supplier, "active", day(rng.randrange(30)), ""])
            shots = 0
            for month in range(12):
                readings.append([tool, "E%02d" % (month + 1), day(month * 30 + 28), "reading", shots, "", "", "", "",
                                 "", "", ""])
                shots += int(shipped / cavities / 12)
            tooled = True
        holders[supplier] = (products, tooled)
    write(outdir, "tooling", ["id", "product", "package", "kind", "name", "owner", "maker", "location", "site",
                              "marking", "id_plate", "cavities", "parts_per_unit", "approved_locations", "state",
                              "commissioned", "note"], tools)
    write(outdir, "tool_events", ["tool", "id", "date", "kind", "shots", "from", "to", "approved_by", "approved_on",
                                  "visit", "description", "evidence"], readings)
    write(outdir, "orders", ["id", "supplier", "product", "package", "quantity", "issued", "due", "ip_clause",
                             "penalty", "currency"], orders)
    write(outdir, "movements", ["supplier", "id", "date", "kind", "product", "item", "quantity", "per_unit", "order",
                                "note"], movements)
    return holders


def contracts(rng, outdir, holders, suppliers_by_id, secret_rows):
    """NNN agreements with every supplier that holds an order, tooling agreements where it holds a
    mold (a few expired or signed without the chop), and the IP rights of registrable secrets."""
    agreements = []
    for supplier in sorted(holders):
        products, tooled = holders[supplier]
        legal_name, code = suppliers_by_id[supplier]
        region = code[2:8]
        kinds = ["nnn"] + (["tooling"] if tooled else [])
        for kind in kinds:
            chop = rng.random() > 0.03
            expires = day(rng.randrange(300, 365)) if rng.random() < 0.05 else "2029-12-31"
            agreements.append(["AG-%s-%s" % (supplier, kind), kind, supplier, legal_name, code, "CN", "zh;en", "zh",
                               COURTS[region], "CN", region, "false", 1_000_000, "CNY",
                               "true" if kind == "nnn" else "false", "true" if kind == "nnn" else "false",
                               "true", "true", "false", "true" if kind == "tooling" else "false", "法定代表人",
                               "true", "true" if chop else "false", day(rng.randrange(60)), expires,
                               ";".join(sorted(products)), "", "", "", "", "", "", ""])
    write(outdir, "agreements", ["id", "kind", "supplier", "counterparty_name", "counterparty_uscc", "governing_law",
                                 "languages", "controlling_language", "court", "court_country", "court_division",
                                 "arbitration", "liquidated_damages", "currency", "non_use", "non_circumvention",
                                 "subcontractor_flow_down", "related_companies_liability", "improvements_ownership",
                                 "tooling_ownership", "signed_by", "signer_is_legal_rep", "chop", "effective",
                                 "expires", "products", "secrets", "document", "contracted_by", "on_behalf_of",
                                 "flows_down_to", "note", "people"], agreements)
    rights = []
    for product, secret, name, _, strategy in secret_rows:
        if strategy not in RIGHT_KINDS:
            continue
        home_kind, cn_kind = RIGHT_KINDS[strategy]
        filed = rng.randrange(0, 200)
        rid = "IP-%s-%s" % (product, secret)
        rights.append([rid + "-US", home_kind, "US", name, "", "", "", "", "US%07d" % rng.randrange(10**7), "",
                       day(filed), "", "", "", "", "false", "false", COMPANY, product, "", secret, ""])
        if rng.random() < 0.85:  # most are filed in China too, claiming the home filing's priority
            rights.append([rid + "-CN", cn_kind, "CN", name, "", "", "", "", "2026%08d" % rng.randrange(10**8), "",
                           day(filed + rng.randrange(30, 160)), day(filed), "", "", "", "false", "false", COMPANY,
                           product, "", secret, "Claims the priority of %s-US" % rid])
    write(outdir, "ip_rights", ["id", "kind", "jurisdiction", "title", "mark", "script", "nice_classes",
                                "subclasses", "application_number", "registration_number", "filed", "priority",
                                "published", "registered", "expires", "pct", "made_in_china", "owner", "products",
                                "parts", "secrets", "note"], rights)


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
    supplier_rows = [[s, "%s市%s精密制造有限公司" % (rng.choice(CITIES), s), uscc(rng, used), rng.choice(CITIES),
                      ";".join(supplier_caps[s]), rng.choice([50_000, 100_000, 200_000, 1_000_000]),
                      rng.choice(["qualified"] * 8 + ["conditional"]), "true" if s in trusted else "false"]
                     for s in supplier_ids]
    write(args.outdir, "suppliers",
          ["id", "legal_name", "uscc", "city", "capabilities", "capacity", "status", "trusted"], supplier_rows)

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
            recipe_rows.append([p, "R%03d" % (i + 1), "Recipe %d" % (i + 1),
                                ";".join(rng.sample(secret_ids, min(6, n_secrets)))])
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
    write(args.outdir, "recipes", ["product", "id", "name", "secrets"], recipe_rows)
    write(args.outdir, "bom", ["product", "id", "parent", "name", "qty", "capability", "make_buy"], bom)
    write(args.outdir, "packages", ["product", "id", "name", "capability", "parts", "exposes", "volume", "sources"],
          package_rows)
    write(args.outdir, "quotes", ["product", "package", "supplier", "unit_cost", "fixed_cost", "currency"], quote_rows)
    write(args.outdir, "people", ["id", "supplier", "name", "role"],
          [["P%05d" % (i + 1), supplier_ids[skewed(rng, suppliers)], "员工%d" % (i + 1), "Engineer"]
           for i in range(people)])

    # The year's oversight and contracts, from their own random stream so that the sourcing
    # tables above stay what they were for a given seed.
    extra = random.Random(args.seed * 7919 + 1)
    oversight(extra, args.outdir, supplier_ids, trusted, product_ids)
    holders = production(extra, args.outdir, package_rows, quote_rows, supplier_caps)
    contracts(extra, args.outdir, holders, {row[0]: (row[1], row[2]) for row in supplier_rows}, secret_rows)


if __name__ == "__main__":
    main()
