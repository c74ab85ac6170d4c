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
        id: "loop-already-running",
        title: "An event loop is started inside one that is already running",
        cause: "asyncio.run(), loop.run_until_complete() and loop.run_forever() start a loop and block \
until it finishes. Called from code that already runs on a loop (an async function, a sync helper \
called from one, a Jupyter/IPython cell, whose kernel runs a loop), they would have to block the \
running loop, so asyncio refuses.",
        check: "The traceback shows asyncio.run()/run_until_complete() with an async frame (or the \
IPython kernel) further up. `asyncdoctor check` reports these calls in async context and in sync \
helpers reachable only from async code (AD101).",
        fix: "Inside async code, `await` the coroutine (or `asyncio.create_task()` it) instead of \
starting a new loop. In Jupyter/IPython, use top-level `await coro()` in the cell. To call async \
code from a sync library callback running on the loop, restructure so the callback is async, or \
run the sync part in a thread (`asyncio.to_thread`) and hand coroutines back with \
`asyncio.run_coroutine_threadsafe(coro, loop)`. `nest_asyncio.apply()` is a last resort: it patches \
asyncio globally and is unmaintained.",
        versions: "The message is `asyncio.run() cannot be called from a running event loop` for \
asyncio.run() and `This event loop is already running` for run_until_complete()/run_forever().",
        related_codes: &["AD101"],
    },
    Entry {
        id: "no-current-event-loop",
        title: "No current event loop (asyncio.get_event_loop() outside a running loop)",
        cause: "asyncio.get_event_loop() returns the running loop inside a coroutine, but outside \
one it falls back to the policy's loop for the current thread. Only the main thread gets one \
created implicitly, so in a worker thread it raises `There is no current event loop in thread \
'...'`. In the main thread the implicit creation is deprecated and is being removed.",
        check: "Look for asyncio.get_event_loop() (also in libraries, via the traceback) called from \
a thread, at import time, or in sync code before any loop runs. `asyncdoctor check` reports \
get_event_loop() (AD102) and loop calls from threads (AD103).",
        fix: "Inside a coroutine or callback use `asyncio.get_running_loop()`. At the top level, \
start the program with `asyncio.run(main())` (or `asyncio.Runner` on 3.11+) instead of creating \
and fetching a loop by hand; `asyncio.new_event_loop()` when you really need to own one. In a \
worker thread, pass it the loop object from the loop's thread and use \
`loop.call_soon_threadsafe()` or `asyncio.run_coroutine_threadsafe(coro, loop)`.",
        versions: "3.10 and 3.11 emit a DeprecationWarning when get_event_loop() is called without \
a running loop; 3.12 widens that warning; from 3.14 it raises RuntimeError when no loop is set. \
asyncio.Runner exists from 3.11.",
        related_codes: &["AD102", "AD103"],
    },
    Entry {
        id: "task-destroyed-pending",
        title: "A task was destroyed while still pending",
        cause: "A Task object was garbage-collected, or its loop was closed, before it finished. The \
event loop keeps only weak references to tasks, so a task whose result nobody holds \
(`asyncio.create_task(...)` as a bare statement) can vanish mid-flight; and a program that closes \
its loop (or exits) without cancelling and awaiting its tasks leaves them pending.",
        check: "The log line names the task and its coroutine (`task: <Task pending name='Task-3' \
coro=<worker() running at app.py:12>>`). Look for create_task/ensure_future results that are not \
stored, tasks stored in locals that are never awaited, and shutdown code. `asyncdoctor run` \
reports where such tasks were created (AD803, AD806).",
        fix: "Keep a strong reference to every task until it is done \
(`tasks.add(t); t.add_done_callback(tasks.discard)`) or use `asyncio.TaskGroup` (3.11+) / an anyio \
task group, which own their tasks. At shutdown, cancel the remaining tasks and await them: \
`for t in tasks: t.cancel()` then `await asyncio.gather(*tasks, return_exceptions=True)`. \
asyncio.run() does this for tasks still pending when main() returns.",
        versions: "asyncio.TaskGroup exists from 3.11; before that, use anyio task groups or keep task \
sets by hand.",
        related_codes: &["AD301", "AD302", "AD404", "AD803", "AD806"],
    },
    Entry {
        id: "coroutine-never-awaited",
        title: "A coroutine was created but never awaited",
        cause: "Calling an async function does not run it: it returns a coroutine object, which runs \
only when awaited or wrapped in a task. When that object is garbage-collected unstarted, Python \
warns `RuntimeWarning: coroutine 'X' was never awaited` and the work silently never happened. \
Usually an `await` is missing, or a sync callback was given an async function.",
        check: "The warning names the coroutine function. With asyncio debug mode \
(PYTHONASYNCIODEBUG=1) or tracemalloc the warning adds where the coroutine was created. \
`asyncdoctor check` finds calls whose coroutine is dropped (AD201); `asyncdoctor run` reports the \
creation site at run time (AD802).",
        fix: "Add `await` before the call, or schedule it with `asyncio.create_task()` (keeping a \
reference) or a TaskGroup. From sync code, run it with `asyncio.run()` at the top level, or \
`asyncio.run_coroutine_threadsafe(coro, loop)` from another thread.",
        versions: "",
        related_codes: &["AD201", "AD802"],
    },
    Entry {
        id: "not-awaitable",
        title: "Something that is not awaitable was awaited, or a coroutine was used as a value",
        cause: "`await` needs a coroutine, Task, Future or an object with __await__. Awaiting the \
result of a sync function (`await time.sleep(1)`, `await print()`), a plain value, or an async \
function without calling it fails. The mirror-image bug is using a coroutine object as if it were \
its result (`fetch()['id']`, `fetch().json()`), which happens when `await` is missing.",
        check: "`object X can't be used in 'await' expression` names what was awaited; \
`'coroutine' object is not subscriptable/iterable/callable` or `has no attribute` means an await \
is missing before the call on that line.",
        fix: "Await only coroutines/tasks/futures: drop the `await` before sync calls (and move \
blocking ones to `await asyncio.to_thread(func)`), call async functions before awaiting them \
(`await self.close()`, not `await self.close`), and add the missing `await` where a coroutine is \
used as a value.",
        versions: "",
        related_codes: &["AD201", "AD202"],
    },
    Entry {
        id: "coroutine-reused",
        title: "A coroutine object was awaited twice",
        cause: "A coroutine object can run only once. Awaiting the same object a second time (kept in \
a variable, retried in a loop, shared between callers) raises `RuntimeError: cannot reuse already \
awaited coroutine`.",
        check: "Find where the coroutine object is stored and awaited: a retry loop around \
`await coro` where `coro = f()` is created once, or a cache that stores coroutines instead of \
results.",
        fix: "Create a new coroutine per await (`await f()` inside the loop), or wrap it once in a \
Task (`t = asyncio.create_task(f())`): a Task or Future may be awaited any number of times and \
gives the same result. Cache results or tasks, never coroutine objects.",
        versions: "",
        related_codes: &["AD203"],
    },
    Entry {
        id: "timeout",
        title: "An asyncio timeout expired",
        cause: "asyncio.wait_for() or `async with asyncio.timeout()` ran out of time: the awaited \
operation is cancelled and TimeoutError is raised in its place. Its message is empty, so logs show \
only the exception type. The cause is either a too-short limit or an operation that hangs (a dead \
peer, an exhausted pool, a blocked loop delaying everything).",
        check: "Look at which wait_for/timeout the traceback passes through and how long the \
operation normally takes; check whether the loop was blocked at the time (`asyncdoctor run`, \
debug mode's slow-callback log).",
        fix: "Handle the timeout where it is raised (`except TimeoutError:` on 3.11+, \
`except asyncio.TimeoutError:` before 3.11) with a retry, fallback or clear error; size the limit \
to the operation; fix the cause of hangs rather than raising the limit.",
        versions: "Since 3.11 asyncio.TimeoutError is the builtin TimeoutError. On 3.10 and older it \
is a different class, so `except TimeoutError:` does not catch wait_for() timeouts there. \
asyncio.timeout() exists from 3.11 (the async-timeout package backports it).",
        related_codes: &["AD402", "AD403"],
    },
    Entry {
        id: "cancelled",
        title: "A task was cancelled (CancelledError)",
        cause: "asyncio cancels a task by raising CancelledError at its current await: on timeouts \
(wait_for, timeout()), when a TaskGroup sibling fails, at shutdown (asyncio.run cancels what is \
left, Ctrl-C), when a server's client disconnects, or on an explicit task.cancel(). Seeing it in a \
traceback means the cancellation was not expected there, or code swallowed it somewhere and broke \
the machinery that relies on it.",
        check: "Find who cancelled: a timeout around the call, a failing sibling in a TaskGroup, \
shutdown. Look for handlers that catch it and carry on: `except BaseException`, bare `except:`, \
`except asyncio.CancelledError` without re-raise, contextlib.suppress(CancelledError) (AD401).",
        fix: "Let CancelledError propagate: do cleanup in `finally` or `except CancelledError: ...; \
raise`. Catch `Exception` (which does not include it) for ordinary errors. To stop a task and \
wait for it, call `t.cancel()` and then await it, expecting CancelledError.",
        versions: "CancelledError derives from BaseException since 3.8 (before, from Exception, so \
`except Exception` swallowed it). Task.cancelling()/uncancel() exist from 3.11.",
        related_codes: &["AD401", "AD702", "AD809"],
    },
    Entry {
        id: "gather-swallowed",
        title: "Exceptions returned by gather(return_exceptions=True) are never looked at",
        cause: "With return_exceptions=True, asyncio.gather() puts each failure into the result \
list instead of raising it. If the caller drops the result or reads only the successes, the \
failures vanish without a trace.",
        check: "Find gather(..., return_exceptions=True) whose result is discarded or never tested \
with isinstance(r, BaseException) (AD303).",
        fix: "Inspect the results: `for r in results: if isinstance(r, BaseException): log or \
re-raise`. Or use asyncio.TaskGroup (3.11+), which raises all failures as an ExceptionGroup.",
        versions: "asyncio.TaskGroup exists from 3.11.",
        related_codes: &["AD303"],
    },
    Entry {
        id: "pool-exhausted",
        title: "A connection pool or the process's file descriptors are exhausted",
        cause: "More connections are open at once than the pool, the server or the OS allows: \
connections acquired and never released (no `async with`, no finally), a new client or session per \
request instead of one shared one, or unbounded concurrency (gather over thousands of items) that \
opens one connection per coroutine.",
        check: "Count concurrent operations and open connections at the failure; look for \
acquire()/connect() without `async with`, ClientSession()/AsyncClient() created per call, and \
gather/create_task over large inputs without a semaphore (AD305, AD601, AD602).",
        fix: "Acquire with `async with pool.acquire() as conn:` (or release in finally); create one \
ClientSession/AsyncClient per application and reuse it; bound concurrency with \
`sem = asyncio.Semaphore(N)` and `async with sem:` around each operation; size the pool to match.",
        versions: "",
        related_codes: &["AD305", "AD601", "AD602"],
    },
    Entry {
        id: "exception-never-retrieved",
        title: "A task failed and nobody retrieved its exception",
        cause: "A Task or Future finished with an exception, and was garbage-collected without \
anyone awaiting it or calling result()/exception(). asyncio can only log `Task exception was never \
retrieved`, long after the fact. Typical sources: fire-and-forget create_task, and the other \
awaitables of a gather() whose first exception already propagated: gather() does not cancel them, \
they keep running unsupervised and their later failures land here.",
        check: "The log shows the task, its coroutine and the exception's traceback. Find where \
that coroutine is scheduled and who should await it (AD301, AD303, AD304); `asyncdoctor run` \
reports the creation site (AD804).",
        fix: "Await every task you create (or add a done callback that calls t.exception() and \
logs it); use asyncio.TaskGroup (3.11+), which cancels siblings on the first failure and raises \
all errors together; with gather, cancel the remaining awaitables yourself when one fails.",
        versions: "asyncio.TaskGroup exists from 3.11.",
        related_codes: &["AD301", "AD303", "AD304", "AD804"],
    },
    Entry {
        id: "unclosed-resource",
        title: "An async resource was never closed",
        cause: "A client session, connector, transport, socket or file was dropped without close(): \
aiohttp logs `Unclosed client session`/`Unclosed connector`, and Python emits \
`ResourceWarning: unclosed <socket ...>`/`unclosed transport` when the object is collected. Each \
leaks a connection or descriptor until then.",
        check: "Run with `python -X dev` (or `-W default::ResourceWarning`) and tracemalloc to see \
where the object was allocated; `asyncdoctor run` reports it (AD805). Look for ClientSession(), \
AsyncClient(), open_connection() writers and pool.acquire() without `async with` or a finally \
(AD601).",
        fix: "Use `async with` for sessions, clients, connections and acquired pool members; for \
long-lived ones, close them in the application's shutdown (`await session.close()`, \
`writer.close(); await writer.wait_closed()`).",
        versions: "",
        related_codes: &["AD601", "AD805"],
    },
    Entry {
        id: "exception-group",
        title: "Errors from a TaskGroup arrive wrapped in an ExceptionGroup",
        cause: "asyncio.TaskGroup (and anyio task groups, trio nurseries) raise every child failure \
together as an ExceptionGroup/BaseExceptionGroup, so a plain `except ValueError:` around the group \
does not match. The traceback shows the `+-+---- 1 ----` tree of sub-exceptions.",
        check: "Look at the handlers around the `async with TaskGroup()` block: plain `except X` \
never sees a grouped X (AD306). Check the configured Python version supports TaskGroup and \
except* (AD307).",
        fix: "Handle grouped errors with `except* X:` (3.11+), or catch ExceptionGroup and inspect \
`eg.exceptions` / `eg.split(X)`. On older Pythons use the exceptiongroup backport with anyio.",
        versions: "TaskGroup and `except*` were added in 3.11 and raise ExceptionGroup from the start \
(there was no change in 3.12).",
        related_codes: &["AD306", "AD307"],
    },
    Entry {
        id: "async-for-sync-iterable",
        title: "async for over a regular iterable, or for over an async generator",
        cause: "`async for` needs an asynchronous iterable (__aiter__/__anext__); a list, range, file \
or sync generator raises `TypeError: 'async for' requires an object with __aiter__ method, got \
list` at run time. The reverse, plain `for` over an async generator, raises `'async_generator' \
object is not iterable`.",
        check: "The message names the type; find the loop on the traceback's line.",
        fix: "Use `for` for ordinary iterables and `async for` only for async iterators and async \
generators. To consume an async generator into a list: `[x async for x in agen()]`.",
        versions: "",
        related_codes: &["AD204"],
    },
    Entry {
        id: "context-manager-mismatch",
        title: "with/async with used on the wrong kind of context manager",
        cause: "`async with` needs __aenter__/__aexit__ and `with` needs __enter__/__exit__. \
asyncio.Lock, asyncio.timeout(), TaskGroup, aiohttp.ClientSession and httpx.AsyncClient are \
async-only; open(), threading.Lock and most sync clients are sync-only.",
        check: "The message names the object's type; the traceback points at the `with` line.",
        fix: "Use `async with` for async context managers and `with` for sync ones; for a sync \
resource inside async code, consider whether it blocks the loop (AD504, AD507).",
        versions: "From 3.11 this raises `TypeError: 'X' object does not support the (asynchronous) \
context manager protocol`; on 3.10 and older it raised `AttributeError: __aenter__` / \
`__enter__`.",
        related_codes: &["AD205"],
    },
    Entry {
        id: "await-outside-async",
        title: "await, async for or async with outside an async function",
        cause: "These keywords are only valid in the body of an `async def` (or at the top level of \
a notebook cell/asyncio REPL). Anywhere else the module fails to compile with a SyntaxError, \
including inside a nested plain `def` or lambda within an async function.",
        check: "The SyntaxError names the line; check which function encloses it.",
        fix: "Make the enclosing function `async def` (and await it from its callers), or run the \
coroutine from sync code with `asyncio.run()` at the top level.",
        versions: "",
        related_codes: &["AD206"],
    },
    Entry {
        id: "different-loop",
        title: "An asyncio object is used on a different event loop than it belongs to",
        cause: "Futures, tasks, streams and connections belong to the loop they were created on. \
Using them from another loop fails: typically objects created at import time or in a fixture \
under one asyncio.run()/test loop and used under another, or a loop created in one thread and \
its objects used from a loop in another.",
        check: "Look for module-level or cached asyncio objects (clients, pools, locks, queues) and \
for several asyncio.run() calls or per-test loops in the same process.",
        fix: "Create loop-bound objects inside the running loop (in main() or a startup hook) and \
pass them down; run the program under a single asyncio.run(); in pytest-asyncio, match fixture \
and test loop scopes.",
        versions: "asyncio.Lock/Event/Queue/Semaphore bind to a loop on first use since 3.10 (before, \
at construction through get_event_loop()), raising `... is bound to a different event loop`.",
        related_codes: &["AD102", "AD103"],
    },
    Entry {
        id: "loop-closed",
        title: "Something used an event loop after it was closed",
        cause: "A callback, transport finalizer or task tried to schedule work on a loop that had \
already been closed: tasks left running when the loop closed, resources whose __del__ runs after \
asyncio.run() returned, or a program reusing a loop after close().",
        check: "Look at what runs after the loop finished: unclosed clients, pending tasks, manual \
loop.close() without cancelling tasks and shutting down async generators (AD701, AD702).",
        fix: "Close resources explicitly before the loop ends; cancel and await pending tasks, then \
`loop.run_until_complete(loop.shutdown_asyncgens())` before `loop.close()`, or let asyncio.run() \
do all of it.",
        versions: "",
        related_codes: &["AD701", "AD702"],
    },
    Entry {
        id: "thread-unsafe-call",
        title: "A loop or asyncio object was used from another thread",
        cause: "Event loops and asyncio primitives (Lock, Event, Queue, futures) are not \
thread-safe: they only coordinate coroutines on the loop's own thread. Calling loop.call_soon(), \
create_task() or set_result() from a worker thread corrupts the loop's state or is silently \
missed until something else wakes the loop.",
        check: "In debug mode asyncio raises `Non-thread-safe operation invoked on an event loop \
other than the current one`. Find thread targets, executor functions and Thread.run methods that \
touch the loop (AD103); `asyncdoctor run` observes such calls (AD808).",
        fix: "From another thread use `loop.call_soon_threadsafe(callback, *args)` or \
`asyncio.run_coroutine_threadsafe(coro, loop)`; share data between threads with queue.Queue or \
threading primitives, not asyncio ones.",
        versions: "",
        related_codes: &["AD103", "AD808"],
    },
    Entry {
        id: "signal-off-main-thread",
        title: "A signal handler was installed off the main thread",
        cause: "Python delivers signals only to the main thread of the main interpreter: \
signal.signal() and loop.add_signal_handler() (which calls signal.set_wakeup_fd()) raise \
ValueError in any other thread. Apps that run their loop in a worker thread or call signal.signal \
from a thread target hit this.",
        check: "Find where the handler is installed and which thread runs it (AD104).",
        fix: "Install handlers in the main thread (before starting workers, or with \
`loop.add_signal_handler` on a loop running in the main thread) and notify workers through an \
event or queue.",
        versions: "",
        related_codes: &["AD104"],
    },
    Entry {
        id: "task-reentered",
        title: "A task was entered while another task was running on the same loop",
        cause: "asyncio runs one task step at a time per loop. Re-entering the loop from inside a \
running task (nest_asyncio, a run_until_complete() from a callback) makes a second task start \
while the first is still executing, which the loop refuses.",
        check: "Look for nest_asyncio.apply() or nested run_until_complete()/asyncio.run() in the \
traceback (AD101).",
        fix: "Do not nest loops: await the coroutine from the running task, or move the sync code \
that needs it to a thread and use asyncio.run_coroutine_threadsafe().",
        versions: "",
        related_codes: &["AD101"],
    },
    Entry {
        id: "timeout-outside-task",
        title: "A timeout context manager was used outside a task",
        cause: "asyncio.timeout() and async-timeout/aiohttp's timeout cancel the *current task* when \
time runs out, so they must run inside one. Used from a loop callback, from code run with the \
wrong loop, or from another thread, there is no current task.",
        check: "Check that the coroutine is running under asyncio.run()/a Task on the loop that is \
current in this thread, not via a callback or another thread's loop.",
        fix: "Run the code in a task (asyncio.run(main()), create_task); from other threads, submit \
it with asyncio.run_coroutine_threadsafe(coro, loop).",
        versions: "asyncio.timeout() exists from 3.11; before that, the async-timeout package.",
        related_codes: &["AD102", "AD103"],
    },
    Entry {
        id: "hang",
        title: "The program hangs: tasks wait on each other and nothing makes progress",
        cause: "Every task is waiting (on a lock, an event, a queue, a future) and nothing will ever \
wake them: a lock taken twice, an event never set, a queue nobody feeds, a future nobody \
completes. Unlike a blocked loop, the loop is idle.",
        check: "List the tasks and what each awaits (`asyncdoctor run` reports the await graph, \
AD807; `python -m asyncio pstree PID` on 3.14). If instead the loop thread is busy, it is a \
blocked loop (loop-blocked).",
        fix: "Break the cycle: take locks in one order, set events on every path (finally), give \
waits a timeout, and make producers close queues (3.13+ Queue.shutdown) when they stop.",
        versions: "asyncio.Queue.shutdown() exists from 3.13.",
        related_codes: &["AD807"],
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
