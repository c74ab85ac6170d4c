#!/usr/bin/env bash
# Runs `asyncdoctor check --select ALL` over the whole installed Python
# standard library (including its test/ folder, which holds deliberately
# broken files) and reports: exit code, internal errors/panics, files checked,
# and findings per code. Fails when the run crashed or reported an internal
# error; the counts themselves are a measurement, not a pass/fail criterion.
#
# Usage: scripts/stdlib-sweep.sh [BINARY] [STDLIB_DIR]
#   BINARY      default: target/release/asyncdoctor, else target/debug/asyncdoctor
#   STDLIB_DIR  default: sysconfig's "stdlib" path of `python3`
# Full output is kept in $SWEEP_OUT (default: a new temporary directory).
set -uo pipefail

cd "$(dirname "$0")/.."
bin=${1:-}
if [[ -z $bin ]]; then
    if [[ -x target/release/asyncdoctor ]]; then bin=target/release/asyncdoctor; else bin=target/debug/asyncdoctor; fi
fi
[[ -x $bin ]] || { echo "no binary at $bin: run cargo build first" >&2; exit 2; }
stdlib=${2:-$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')}
out=${SWEEP_OUT:-$(mktemp -d)}
mkdir -p "$out"

echo "binary: $bin"
echo "stdlib: $stdlib ($(python3 --version 2>&1))"
start=$(date +%s.%N)
# site-packages (third-party code) stays out through the default excludes.
"$bin" check --select ALL --output-format concise --no-progress "$stdlib" \
    >"$out/stdout" 2>"$out/stderr"
rc=$?
end=$(date +%s.%N)

echo "exit code: $rc (0/1 expected; 101 = panic, 134 = abort, 2 = error)"
printf 'wall time: %.1f s\n' "$(echo "$end - $start" | bc)"
grep -E '^Found|^All checks' "$out/stdout" || true
internal=$(grep -c -E 'internal error|panicked|overflow' "$out/stderr")
echo "internal errors / panics on stderr: $internal"
echo "findings per code:"
grep -E '^[^ ]+:[0-9]+:[0-9]+: AD[0-9]{3} ' "$out/stdout" \
    | sed -E 's/^[^ ]+:[0-9]+:[0-9]+: (AD[0-9]{3}) .*/\1/' | sort | uniq -c | sort -k2
echo "full output: $out/stdout, $out/stderr"

if [[ $rc -ne 0 && $rc -ne 1 ]] || [[ $internal -ne 0 ]]; then
    echo "FAIL: the sweep crashed or reported an internal error" >&2
    head -20 "$out/stderr" >&2
    exit 1
fi
