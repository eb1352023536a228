#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The planner benchmarks' records (bench/run_plan_benchmarks.sh) as the tables of
docs/PERFORMANCE.md: per family and size, moat beside the plain-CBC peer, with two ratios of
their CPU times, each like with like: user time (moat: its process and the exact engine's child;
the peer: CBC's own log, whose CoinCpuTime counts user time only), and user and system time of
the process over the same span (from compiling the instance to the answer).

The records of several seeds (SEED=2 bench/run_plan_benchmarks.sh, ...) may be given together: each
seed is a row, and a family's M k=1 ratio is then taken over its seeds, the peer's times summed
over the moat's summed (one seed's few milliseconds do not decide a family, nor one lucky seed).

usage: summarize_plan_benchmarks.py RESULTS [RESULTS ...]
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
    rows = [row for path in sys.argv[1:] for row in records(path)]
    # Runs repeated on one instance: the last run's answer, and each time the least over the runs
    # (the load only ever adds).
    moat, peer = {}, {}
    for r in rows:
        side = moat if r["who"] == "moat" else peer
        k = (r["family"], r["size"], r["k"], r["limit"], r.get("seed", "1"))
        if k in side:
            for t in ("cpu_s", "user_s", "cbc_cpu_s", "wall_s"):
                if t in r and t in side[k]:
                    r[t] = str(min(float(r[t]), float(side[k][t])))
        side[k] = r
    print("| family | size | seed | k | limit s | moat first plan s | moat | moat user s (with system) | peer | "
          "peer CBC log s (process with system) | ratio, user | ratio, with system |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    # Per family at M k=1, over its seeds: [peer's time, moat's time], summed.
    sums = {"user": {}, "with system": {}}
    for key, m in sorted(moat.items(), key=lambda kv: (kv[0][0], "TSMLX".index(kv[0][1][0]), kv[0][2],
                                                        float(kv[0][3]), int(kv[0][4]))):
        p = peer.get(key)
        gap = f", gap {float(m['gap']):.2f}%" if float(m.get("gap", -1)) > 1e-9 else ""
        mine = f"{m.get('status', '-')}{gap}"
        theirs, shown = "–", {"user": "–", "with system": "–"}
        if p:
            theirs = p["status"]
            if p["status"] == "feasible" and float(p["bound"]) > 0:
                theirs += f", gap {100 * (float(p['cost']) - float(p['bound'])) / float(p['cost']):.2f}%"
            if m.get("status") == "optimal" and p["status"] == "optimal":
                for measure, (peer_s, moat_s) in {"user": ("cbc_cpu_s", "user_s"),
                                                  "with system": ("cpu_s", "cpu_s")}.items():
                    if float(m.get(moat_s, 0)) <= 0 or peer_s not in p:
                        continue
                    r = float(p[peer_s]) / float(m[moat_s])
                    shown[measure] = f"{r:.1f}×"
                    if key[2] == "1" and key[1] == "M":
                        both = sums[measure].setdefault(key[0], [0.0, 0.0])
                        both[0] += float(p[peer_s])
                        both[1] += float(m[moat_s])
        first = m["first_s"] if float(m["first_s"]) >= 0 else "none"
        mine_s = f"{m.get('user_s', '-')} ({m.get('cpu_s', '-')})"
        theirs_s = f"{p['cbc_cpu_s']} ({p.get('cpu_s', '-')})" if p else "–"
        print(f"| {key[0]} | {key[1]} | {key[4]} | {key[2]} | {key[3]} | {first} | {mine} | {mine_s} | {theirs} | "
              f"{theirs_s} | {shown['user']} | {shown['with system']} |")
    seeds = sorted({key[4] for key in moat if key[1] == "M" and key[2] == "1"}, key=int)
    for measure, by_family in sums.items():
        if by_family:
            ratio = {family: peer / mine for family, (peer, mine) in by_family.items() if mine > 0}
            listed = ", ".join(f"{family} {r:.1f}×" for family, r in sorted(ratio.items()))
            print(f"\nM k=1 ratio, {measure} (peer / moat, over seeds {', '.join(seeds)}): "
                  f"median {statistics.median(ratio.values()):.2f}×, lowest {min(ratio.values()):.2f}× "
                  f"({min(ratio, key=ratio.get)}); {listed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
