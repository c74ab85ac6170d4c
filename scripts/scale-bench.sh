#!/usr/bin/env bash
# Scale benchmark (not a test): `check` time on synthetic projects of 5k, 10k
# and 20k modules with deep import chains and call cycles. Linear scaling
# means the time per module stays flat. Needs a release build.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${ASYNCDOCTOR:-$here/../target/release/asyncdoctor}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for n in 5000 10000 20000; do
  root="$(python3 "$here/synthetic_project.py" "$n" "$work/$n")"
  start=$(date +%s.%N)
  ASYNCDOCTOR_TIMINGS=1 "$bin" check "$root" --output-format concise --no-progress --exit-zero > "$work/$n.out" 2> "$work/$n.err"
  end=$(date +%s.%N)
  findings=$(grep -c ': AD' "$work/$n.out" || true)
  link=$(grep -o 'linking [0-9][^ ]*' "$work/$n.err" || true)
  awk -v n="$n" -v s="$start" -v e="$end" -v f="$findings" -v l="$link" \
    'BEGIN { t = e - s; printf "%6d modules: %.2fs total, %.1f us/module, %s, %d findings\n", n, t, t / n * 1e6, l, f }'
done
