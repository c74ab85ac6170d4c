#!/usr/bin/env python3
"""Overhead of `asyncdoctor run` (a benchmark, not a test).

Usage: python3 scripts/bench_run_overhead.py [--repeat N] [--scale N] [--bin PATH]
       [--baseline-bin PATH] [--python PYTHON] [--no-debug]

Runs scripts/overhead_workload.py as: plain python3; under `asyncdoctor run`
(default mode); with PYTHONASYNCIODEBUG=1; under `asyncdoctor run --python-debug`.
Reports the median in-program time per part and the ratio to plain Python.
Configurations are interleaved so machine noise hits them alike.

The tcp_echo part used to be bimodal (about 0.135 s or 0.29 s CPU on CPython
3.11, the slow mode ~20,000 more page faults, mostly system time): glibc's
dynamic mmap threshold, raised only once the process has freed a large mmapped
block. Plain python3 showed both modes depending on what it imported first
(`import json, importlib.util` in a sitecustomize: slow; either alone: fast),
and so did the sitecustomize shim with the harness not even installed. The
workload now frees a 1 MiB block first, which puts every configuration in the
fast mode. (The harness does not do that itself: it would change the program's
own allocator state, and make some programs faster under `run` than without.)
"""
import argparse
import json
import os
import statistics
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)

p = argparse.ArgumentParser()
p.add_argument("--repeat", type=int, default=5)
p.add_argument("--scale", type=int, default=1)
p.add_argument("--bin", default=os.path.join(root, "target", "release", "asyncdoctor"))
p.add_argument("--baseline-bin", default=None,
               help="another asyncdoctor build to compare with (e.g. before a change)")
p.add_argument("--python", default="python3")
p.add_argument("--no-debug", action="store_true",
               help="skip the two debug-mode configurations (they take ~20x longer)")
args = p.parse_args()

workload = [args.python, os.path.join(here, "overhead_workload.py"), str(args.scale)]
report = os.path.join("/tmp", "asyncdoctor-bench-report-%d.txt" % os.getpid())
configs = {
    "plain": (workload, {}),
    "run": ([args.bin, "run", "--report", report, "--"] + workload, {}),
    "PYTHONASYNCIODEBUG=1": (workload, {"PYTHONASYNCIODEBUG": "1"}),
    "run --python-debug": (
        [args.bin, "run", "--python-debug", "--report", report, "--"] + workload, {}),
}
if args.baseline_bin:
    configs["run (baseline bin)"] = (
        [args.baseline_bin, "run", "--report", report, "--"] + workload, {})
if args.no_debug:
    del configs["PYTHONASYNCIODEBUG=1"], configs["run --python-debug"]
results = {name: [] for name in configs}
for _ in range(args.repeat):
    for name, (cmd, env) in configs.items():
        out = subprocess.run(cmd, env=dict(os.environ, **env), stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, check=True, text=True)
        results[name].append(json.loads(out.stdout.strip().splitlines()[-1]))

parts = ["short_tasks", "queue_ping_pong", "tcp_echo", "total"]
for label, get in (("wall time", lambda r, p: r[p]), ("CPU time", lambda r, p: r["cpu"][p])):
    base = {part: statistics.median(get(r, part) for r in results["plain"]) for part in parts}
    print("%s, median of %d runs, scale %d (seconds; ratio to plain)"
          % (label, args.repeat, args.scale))
    print("%-22s" % "" + "".join("%22s" % part for part in parts))
    for name in configs:
        cells = []
        for part in parts:
            m = statistics.median(get(r, part) for r in results[name])
            cells.append("%22s" % ("%.3f (%.2fx)" % (m, m / base[part])))
        print("%-22s" % name + "".join(cells))
    print()
try:
    os.remove(report)
except OSError:
    pass
