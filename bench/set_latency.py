#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# The wall clock of a one-record `moat set` and of `moat --version` (the process alone), for one
# or more moat binaries run in turn on the same workspace, so that the load of a shared machine
# falls on each alike. Each `set` writes a new capacity, so that every run changes the record.
# Beside the wall clock (time.perf_counter around each process), each run's CPU time (user +
# system, the task clock) and page faults, from the process's own resource usage.
#
# Usage: bench/set_latency.py WORKSPACE MOAT [MOAT...] [--runs N] [--supplier ID] [--instructions]
#                             [--each-in WORKSPACE...]
# Prints, per binary and command: the median, fastest and slowest of N runs in ms, the median CPU
# time and page faults, with the load average before and after. --instructions adds each binary's
# instructions for one `set` and one `--version`, counted by callgrind (valgrind), which the load
# does not change. --each-in runs the i-th binary in the i-th workspace (copies of one), for
# binaries that leave the workspace's files in different states (one empties the WAL on close,
# another keeps it).
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def timed(command):
    """(wall ms, CPU ms, page faults) of one run of `command`."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = (time.perf_counter() - start) * 1000
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            sys.exit(f"{' '.join(command)}: exit {process.returncode}: {errors.read().decode(errors='replace')}")
    return elapsed, (usage.ru_utime + usage.ru_stime) * 1000, usage.ru_minflt + usage.ru_majflt


def instructions(command):
    """Instructions of one run of `command` under callgrind."""
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"] + command,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    for line in done.stderr.decode(errors="replace").splitlines():
        if "Collected :" in line:
            return int(line.split(":")[-1].strip())
    sys.exit(f"{' '.join(command)}: callgrind counted nothing")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("workspace")
    parser.add_argument("moat", nargs="+")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--supplier", default="F0005")
    parser.add_argument("--instructions", action="store_true")
    parser.add_argument("--each-in", nargs="+", default=None)
    args = parser.parse_args()
    if args.each_in is not None and len(args.each_in) != len(args.moat):
        sys.exit("--each-in names one workspace per binary")
    workspace = dict(zip(args.moat, args.each_in or [args.workspace] * len(args.moat)))
    times = {(moat, kind): [] for moat in args.moat for kind in ("set", "--version")}
    capacity = 6_000_000 + int(time.time()) % 1_000_000 * 10
    load_before = os.getloadavg()
    for _ in range(args.runs):
        for moat in args.moat:
            capacity += 1
            times[(moat, "set")].append(
                timed([moat, "-w", workspace[moat], "set", "suppliers", args.supplier, f"capacity={capacity}"]))
            times[(moat, "--version")].append(timed([moat, "--version"]))
    load_after = os.getloadavg()
    print(f"load average before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
          f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    for (moat, kind), runs in times.items():
        walls = [wall for wall, _, _ in runs]
        line = (f"{moat} {kind}: median {statistics.median(walls):.1f} ms "
                f"({min(walls):.1f}-{max(walls):.1f}, {len(runs)} runs), "
                f"CPU {statistics.median([cpu for _, cpu, _ in runs]):.1f} ms, "
                f"{statistics.median([faults for _, _, faults in runs]):.0f} page faults")
        if args.instructions:
            capacity += 1
            command = ([moat, "-w", workspace[moat], "set", "suppliers", args.supplier, f"capacity={capacity}"]
                       if kind == "set" else [moat, "--version"])
            line += f", {instructions(command) / 1e6:.1f} M instructions"
        print(line)


if __name__ == "__main__":
    main()
