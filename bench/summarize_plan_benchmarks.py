#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The planner benchmarks' records (bench/run_plan_benchmarks.sh) as the tables of
docs/PERFORMANCE.md: per family and size, moat beside the plain-CBC peer, with the ratio of
their CPU times (moat: its process and the exact engine's child; the peer: CBC's own log).

usage: summarize_plan_benchmarks.py RESULTS
"""
import statistics
import sys


def records(path):
    with open(path) as f:
        for line in f:
            fields = line.split()
            if len(fields) < 2 or fields[0] != "result":
                continue
            who = "peer" if fields[1] == "peer" else "moat"
            row = dict(kv.split("=", 1) for kv in fields[1:] if "=" in kv)
            row["who"] = who
            yield row


def main():
    rows = list(records(sys.argv[1]))
    moat = {(r["family"], r["size"], r["k"], r["limit"]): r for r in rows if r["who"] == "moat"}
    peer = {(r["family"], r["size"], r["k"], r["limit"]): r for r in rows if r["who"] == "peer"}
    print("| family | size | k | limit s | moat first plan s | moat | moat CPU s | peer | peer CBC CPU s | ratio |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    ratios = {}
    for key, m in sorted(moat.items(), key=lambda kv: (kv[0][0], "TSMLX".index(kv[0][1][0]), kv[0][2], float(kv[0][3]))):
        p = peer.get(key)
        gap = f", gap {float(m['gap']):.2f}%" if float(m.get("gap", -1)) > 1e-9 else ""
        mine = f"{m.get('status', '-')}{gap}"
        theirs, ratio = "–", "–"
        if p:
            theirs = p["status"]
            if p["status"] == "feasible" and float(p["bound"]) > 0:
                theirs += f", gap {100 * (float(p['cost']) - float(p['bound'])) / float(p['cost']):.2f}%"
            if m.get("status") == "optimal" and p["status"] == "optimal" and float(m["cpu_s"]) > 0:
                r = float(p["cbc_cpu_s"]) / float(m["cpu_s"])
                ratio = f"{r:.1f}×"
                if key[2] == "1" and key[1] == "M":
                    ratios[key[0]] = r
        first = m["first_s"] if float(m["first_s"]) >= 0 else "none"
        print(f"| {key[0]} | {key[1]} | {key[2]} | {key[3]} | {first} | {mine} | {m.get('cpu_s', '-')} | {theirs} | "
              f"{p['cbc_cpu_s'] if p else '–'} | {ratio} |")
    if ratios:
        print(f"\nM k=1 ratio (peer CBC CPU / moat CPU): median {statistics.median(ratios.values()):.2f}×, "
              f"lowest {min(ratios.values()):.2f}× ({min(ratios, key=ratios.get)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
