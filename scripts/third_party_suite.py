#!/usr/bin/env python3
"""Runs a real third-party async test suite plainly and under `asyncdoctor run`
and checks that pytest reports the same pass/fail counts.

Usage: python3 scripts/third_party_suite.py [--bin PATH] [--work DIR]

Needs PyPI (pip): makes a venv in the work dir, installs pytest and
pytest-asyncio, downloads the sdists of the libraries below (their tests ship
in the sdist) and runs each suite twice. Exit status 1 if counts differ.
Not part of `cargo test` (it needs the network); `.ci/run` runs it after the tests.
"""
import argparse
import os
import re
import subprocess
import sys
import tarfile

SUITES = [
    # (requirement, directory in the sdist, extra pytest args)
    ("async-timeout==4.0.3", "async-timeout-4.0.3", ["-o", "addopts=", "tests"]),
    ("aiofiles==23.2.1", "aiofiles-23.2.1", ["tests"]),
]

here = os.path.dirname(os.path.abspath(__file__))
p = argparse.ArgumentParser()
p.add_argument("--bin", default=os.path.join(os.path.dirname(here), "target", "release",
                                             "asyncdoctor"))
p.add_argument("--work", default="/tmp/asyncdoctor-third-party")
args = p.parse_args()

os.makedirs(args.work, exist_ok=True)
venv = os.path.join(args.work, "venv")
py = os.path.join(venv, "bin", "python")
if not os.path.exists(py):
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
# Pinned so that the counts compared stay the same run to run.
subprocess.run([py, "-m", "pip", "install", "-q", "pytest==9.2.0", "pytest-asyncio==1.5.0"], check=True)

COUNTS = re.compile(r"(\d+) (passed|failed|skipped|errors?|xfailed|xpassed)")


def counts(output):
    last = [l for l in output.splitlines() if COUNTS.search(l) and " in " in l]
    return dict((kind.rstrip("s") if kind.startswith("error") else kind, int(n))
                for n, kind in COUNTS.findall(last[-1])) if last else {}


ok = True
same_count = 0
for req, directory, pytest_args in SUITES:
    subprocess.run([py, "-m", "pip", "install", "-q", req], check=True)
    subprocess.run([py, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                    "-d", args.work, req], check=True)
    sdist = os.path.join(args.work, directory + ".tar.gz")
    with tarfile.open(sdist) as tar:
        if sys.version_info >= (3, 12):
            tar.extractall(args.work, filter="data")
        else:
            tar.extractall(args.work)
    cwd = os.path.join(args.work, directory)
    cmd = [py, "-m", "pytest", "-q", "-p", "no:cacheprovider"] + pytest_args
    plain = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    report = os.path.join(args.work, directory + ".report.txt")
    under = subprocess.run([args.bin, "run", "--output-format", "concise", "--report", report,
                            "--"] + cmd, cwd=cwd, capture_output=True, text=True)
    a, b = counts(plain.stdout), counts(under.stdout)
    same = a == b and plain.returncode == under.returncode
    ok &= same
    same_count += int(same)
    with open(report) as f:
        findings = [l for l in f if re.match(r"\S+:\d+:\d+: AD8", l)]
    print("%-22s plain %s (exit %d) | under run %s (exit %d) -> %s; %d runtime findings (%s)"
          % (req, a, plain.returncode, b, under.returncode, "same" if same else "DIFFERENT",
             len(findings), report))
# The plain closing line CI reads: suites whose counts matched / differed.
# (suites whose pytest counts matched with and without `asyncdoctor run`)
print("third-party: %d passed, %d failed" % (same_count, len(SUITES) - same_count))
sys.exit(0 if ok else 1)
