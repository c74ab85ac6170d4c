#!/usr/bin/env bash
# Throughput benchmark for `asyncdoctor explain` (not a test).
#
# Generates a log of about SIZE_MB megabytes (default 1024) in a temporary
# directory: realistic noise (access logs, app logs, JSON lines, SQL, a few
# WARNING/ERROR lines without any asyncio problem) with asyncio problems
# sprinkled in (tracebacks, chained tracebacks, exception groups, asyncio's
# own log messages), then times `asyncdoctor explain` on it and prints MB/s
# and the peak resident memory.
#
#   cargo build --release && scripts/bench_explain.sh [SIZE_MB]
set -euo pipefail
SIZE_MB=${1:-1024}
# TRIGGER_PCT: share of noise lines that contain a trigger word ("Error",
# "Exception", "Timeout"...) without being a problem, so they take the slow
# path (normalise + signatures). Real logs: a few percent.
TRIGGER_PCT=${TRIGGER_PCT:-2}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BIN:-$ROOT/target/release/asyncdoctor}
[ -x "$BIN" ] || { echo "build first: cargo build --release" >&2; exit 2; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
LOG=$TMP/big.log

python3 - "$LOG" "$SIZE_MB" "$TRIGGER_PCT" <<'PY'
import random, sys
path, size_mb, trigger_pct = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
rnd = random.Random(42)
paths = ["/api/users", "/api/orders", "/health", "/static/app.js", "/api/search?q=shoes", "/login"]
noise = [
    lambda i: f'2024-05-01 12:{i%60:02d}:{i%59:02d},{i%1000:03d} INFO uvicorn.access: 10.0.{i%255}.{i%7} - "GET {rnd.choice(paths)} HTTP/1.1" 200 OK',
    lambda i: f'2024-05-01 12:{i%60:02d}:{i%59:02d},{i%1000:03d} INFO app.orders: order {i} placed by user {i*7%9973} total=${i%500}.{i%100:02d}',
    lambda i: f'{{"ts": "2024-05-01T12:00:{i%60:02d}Z", "level": "info", "msg": "cache hit", "key": "user:{i}", "ms": {i%17}}}',
    lambda i: f'2024-05-01 12:{i%60:02d}:{i%59:02d},{i%1000:03d} DEBUG sqlalchemy.engine: SELECT users.id, users.name FROM users WHERE users.id = {i}',
    lambda i: f'2024-05-01 12:{i%60:02d}:{i%59:02d},{i%1000:03d} WARNING app.payments: card declined for order {i} (insufficient funds)',
    lambda i: f'2024-05-01 12:{i%60:02d}:{i%59:02d},{i%1000:03d} INFO worker: processed batch {i} in {i%900} ms, {i%50} items queued',
]
triggering = [
    lambda i: f'2024-05-01 12:00:{i%60:02d},{i%1000:03d} ERROR app.upstream: payment provider returned HTTPError 503 for order {i}, retrying',
    lambda i: f'2024-05-01 12:00:{i%60:02d},{i%1000:03d} WARNING app.client: ReadTimeout talking to inventory (attempt {i%3})',
    lambda i: f'2024-05-01 12:00:{i%60:02d},{i%1000:03d} INFO app.audit: ValidationError for field "email" in signup {i}',
    lambda i: f'{{"level": "warning", "msg": "Exception in handler suppressed", "handler": "h{i%40}", "ms": {i%90}}}',
]
problems = [
"""2024-05-01 12:00:01,123 ERROR asyncio: Task exception was never retrieved
future: <Task finished name='Task-{n}' coro=<notify() done, defined at /app/notify.py:12> exception=KeyError('channel')>
Traceback (most recent call last):
  File "/app/notify.py", line 15, in notify
    channel = cfg["channel"]
KeyError: 'channel'
""",
"""2024-05-01 12:00:02,000 ERROR asyncio: Task was destroyed but it is pending!
task: <Task pending name='Task-{n}' coro=<poll() running at /app/poller.py:31> wait_for=<Future pending cb=[Task.task_wakeup()]>>
""",
"""Traceback (most recent call last):
  File "/usr/lib/python3.11/asyncio/tasks.py", line 500, in wait_for
    return fut.result()
asyncio.exceptions.CancelledError

The above exception was the direct cause of the following exception:

Traceback (most recent call last):
  File "/app/client.py", line 26, in main
    reply = await asyncio.wait_for(conn.request(b"PING"), timeout=2)
  File "/usr/lib/python3.11/asyncio/tasks.py", line 502, in wait_for
    raise exceptions.TimeoutError() from exc
TimeoutError
""",
"""ERROR:    Exception in ASGI application
Traceback (most recent call last):
  File "/srv/app/routes.py", line 40, in create_order
    sku = payload["sku"]
KeyError: 'sku'
""",
]
block = []
size = 0
i = 0
target_block = 4 * 1024 * 1024
while size < target_block:
    if i % 2000 == 1999:
        line = rnd.choice(problems).replace("{n}", str(i))
    elif rnd.random() * 100 < trigger_pct:
        line = rnd.choice(triggering)(i) + "\n"
    else:
        line = noise[i % len(noise)](i) + "\n"
    block.append(line)
    size += len(line)
    i += 1
data = "".join(block).encode()
with open(path, "wb") as f:
    written = 0
    while written < size_mb * 1024 * 1024:
        f.write(data)
        written += len(data)
PY

BYTES=$(stat -c %s "$LOG")
echo "log: $((BYTES / 1024 / 1024)) MiB"
# Warm the page cache so the figure is explain's speed, not the disk's.
cat "$LOG" > /dev/null
START=$(date +%s.%N)
/usr/bin/time -f "%U %S %M" -o "$TMP/rss" "$BIN" explain --no-locate --output-format json "$LOG" > "$TMP/out.json"
END=$(date +%s.%N)
python3 - "$BYTES" "$START" "$END" "$TMP/rss" "$TMP/out.json" <<'PY'
import json, sys
size, start, end = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
user, system, rss_kb = open(sys.argv[4]).read().split()[-3:]
cpu, rss_kb = float(user) + float(system), int(rss_kb)
out = json.load(open(sys.argv[5]))
secs = end - start
print(f"time: {secs:.2f} s")
print(f"throughput: {size / 1e6 / secs:.0f} MB/s ({size / 1048576 / secs:.0f} MiB/s) wall clock")
# On a shared machine the wall clock includes waiting for a core.
print(f"cpu time: {cpu:.2f} s = {size / 1e6 / max(cpu, 1e-9):.0f} MB/s of CPU")
print(f"peak RSS: {rss_kb / 1024:.1f} MiB")
print("findings:", ", ".join(f"{f['id']} x{f['occurrences']}" for f in out["findings"]))
PY
