#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# The wall clock of a one-record `moat set` and of `moat --version` (the process alone), for one
# or more moat binaries run in turn on the same workspace, so that the load of a shared machine
# falls on each alike. Each `set` writes a new capacity, so that every run changes the record.
#
# Usage: bench/set_latency.py WORKSPACE MOAT [MOAT...] [--runs N] [--supplier ID]
# Prints, per binary and command: the median, fastest and slowest of N runs in ms, with the load
# average before and after.
import argparse
import os
import statistics
import subprocess
import sys
import time


def timed(command):
    start = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)}: exit {done.returncode}: {done.stderr.decode(errors='replace')}")
    return elapsed


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("workspace")
    parser.add_argument("moat", nargs="+")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--supplier", default="F0005")
    args = parser.parse_args()
    times = {(moat, kind): [] for moat in args.moat for kind in ("set", "--version")}
    capacity = 6_000_000 + int(time.time()) % 1_000_000 * 10
    load_before = os.getloadavg()
    for _ in range(args.runs):
        for moat in args.moat:
            capacity += 1
            times[(moat, "set")].append(
                timed([moat, "-w", args.workspace, "set", "suppliers", args.supplier, f"capacity={capacity}"]))
            times[(moat, "--version")].append(timed([moat, "--version"]))
    load_after = os.getloadavg()
    print(f"load average before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
          f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    for (moat, kind), values in times.items():
        print(f"{moat} {kind}: median {statistics.median(values):.1f} ms "
              f"({min(values):.1f}-{max(values):.1f}, {len(values)} runs)")


if __name__ == "__main__":
    main()
