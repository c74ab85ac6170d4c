//! The entries. Prose is ours; facts were checked against CPython's docs.

use super::Entry;

pub static ENTRIES: &[Entry] = &[
    Entry {
        id: "loop-blocked",
        title: "The event loop is blocked by synchronous work",
        cause: "An event loop runs one callback or task step at a time on one thread. A synchronous \
call that waits (time.sleep, requests, a sync database driver, subprocess.run, file I/O, \
socket DNS lookups, threading locks, Future.result()) or CPU-heavy work inside a coroutine \
holds the thread: no other task runs, timers fire late, connections time out, and under load \
the program looks hung. The blocking call is often one helper away from the async function.",
        check: "Run with asyncio debug mode (PYTHONASYNCIODEBUG=1 or `python -X dev`): the loop logs \
`Executing <Task ...> took 1.234 seconds` for steps slower than loop.slow_callback_duration \
(100 ms). `asyncdoctor run -- python app.py` samples the loop thread while it is blocked and \
names the line; `asyncdoctor check` finds known blocking calls statically (AD501-AD509).",
        fix: "Use the async equivalent (asyncio.sleep, httpx.AsyncClient/aiohttp, asyncpg/aiosqlite/\
psycopg's AsyncConnection, asyncio.create_subprocess_exec, redis.asyncio) or move the call off \
the loop with `await asyncio.to_thread(func, *args)` (3.9+) or \
`await loop.run_in_executor(None, func, *args)`. Push CPU-bound work to a ProcessPoolExecutor.",
        versions: "asyncio.to_thread exists since Python 3.9; on 3.8 use loop.run_in_executor.",
        related_codes: &[
            "AD501", "AD502", "AD503", "AD504", "AD505", "AD506", "AD507", "AD508", "AD509",
            "AD801",
        ],
    },
    Entry {
        id: "file-not-checked",
        title: "A file could not be checked",
        cause: "The file does not parse as Python (a syntax error, Python 2 code, a truncated or \
generated file) or could not be read or decoded (permissions, binary content, bytes that are \
not UTF-8 and no PEP 263 coding cookie explains them).",
        check: "Run `python -m py_compile FILE` with the Python version you target; check the file's \
permissions and encoding.",
        fix: "Fix the syntax or encoding, or exclude the file (`exclude`/`extend-exclude` in \
[tool.asyncdoctor]) if it is not meant to be Python source.",
        versions: "",
        related_codes: &["AD001", "AD002"],
    },
];
