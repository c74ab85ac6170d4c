//! Signatures: which known problem (knowledge-base id) an exception or a
//! log line is evidence of.
//!
//! Every signature looks at structure, not at a grep of the whole input:
//! an exception's type and message (from the traceback model, a pytest `E`
//! line, or an exception line a logger printed), its role (did it surface,
//! or was it only the context of a later one), its frames, and for asyncio's
//! own log lines the line and the task repr that follows it.
//!
//! These checks run only on lines the scanner's trigger words selected, so
//! plain `str::contains` and a few `regex` captures are cheap enough here.
//!
//! # Variants covered (each has a fixture under `tests/fixtures/explain/<id>/`)
//!
//! | id | variants |
//! |---|---|
//! | `loop-already-running` | `This event loop is already running` (3.8–3.14; uvloop's lowercase `this event loop is already running.`); `asyncio.run() cannot be called from a running event loop` (3.8–3.14, Jupyter/IPython, uvicorn.run inside async code); `Runner.run() cannot be called from a running event loop` (3.11+); `Cannot run the event loop while another loop is running` (tornado/Jupyter); anyio `Already running asyncio in this thread` |
//! | `no-current-event-loop` | `RuntimeError: There is no current event loop in thread 'X'.` (3.8–3.14, any thread name); `DeprecationWarning: There is no current event loop` (3.10–3.13, as a warning line or pytest summary); `RuntimeError: no running event loop` (get_running_loop/create_task outside a loop) |
//! | `task-destroyed-pending` | `Task was destroyed but it is pending!` alone or after a logger prefix, with the `task: <Task pending name=... coro=<f() running at file:line> ...>` line (3.8+ with `name=`, 3.12+ `done, defined at`), optional `source_traceback:` |
//! | `coroutine-never-awaited` | `file.py:12: RuntimeWarning: coroutine 'f' was never awaited` (3.8–3.14), qualified names (`'Client.close'`), `sys:1:` location, pytest's warnings summary, debug mode's `Coroutine created at (most recent call last)` frames, old `<CoroWrapper ...> was never yielded from` |
//! | `not-awaitable` | `object X can't be used in 'await' expression` (3.8–3.11); `'X' object can't be awaited` (3.12+); `'coroutine' object is not subscriptable/iterable/callable/an iterator`, `has no attribute`, `cannot unpack non-iterable coroutine object`, `object of type 'coroutine' has no len()`; the same with `_asyncio.Task`/`_asyncio.Future` objects; `An asyncio.Future, a coroutine or an awaitable is required`; `a coroutine was expected, got ...` (TypeError or ValueError); `A coroutine object is required`; `coroutines cannot be used with run_in_executor()/call_soon()` |
//! | `coroutine-reused` | `cannot reuse already awaited coroutine`; async generators' `cannot reuse already awaited __anext__()/asend()` and `aclose()/athrow()`; `coroutine is being awaited already` |
//! | `timeout` | `asyncio.exceptions.TimeoutError` (3.8–3.10, from wait_for, async_timeout, aiohttp's total timeout); bare `TimeoutError` (3.11+) and `concurrent.futures._base.TimeoutError` with an empty message only with evidence it came from asyncio (frames in `asyncio/tasks.py`, `asyncio/timeouts.py`, `async_timeout`, or chained from `CancelledError`); `concurrent.futures._base.TimeoutError`; aiohttp's `ServerTimeoutError`/`ConnectionTimeoutError`/`SocketTimeoutError`; discord.py's `Command raised an exception: TimeoutError` |
//! | `cancelled` | `asyncio.exceptions.CancelledError`, `asyncio.CancelledError` (bare `CancelledError` and `concurrent.futures._base.CancelledError` only with asyncio in the traceback) only when it surfaced: the last exception of a chain, a group member, or a line that is only the exception; never a mention in a code line or in a chain that ended in something else (3.11's wait_for chains it into TimeoutError) |
//! | `loop-blocked` | debug mode's `Executing <Task pending name=... coro=<...>> took 1.234 seconds`, `Executing <Handle ...> took`, `Executing <TimerHandle ...> took`, 3.12+ `<Task finished ...>` (also aiodebug's slow-callback log, same wording); watchdogs: Home Assistant's `Detected blocking call to X inside the event loop ... at file.py, line N`, blockbuster's `BlockingError: Blocking call to time.sleep` |
//! | `gather-swallowed` | an exception *object* used as a value, with gather's results in the failing code line (`gather(`, `return_exceptions`, `results`): `'ValueError' object has no attribute 'x'`, `'ClientConnectorError' object is not subscriptable/iterable`, `cannot unpack non-iterable TimeoutError object`, `unsupported operand type(s) ... 'ZeroDivisionError'`; a logged result list holding exception reprs (`results: [1, ValueError('x')]`) |
//! | `pool-exhausted` | SQLAlchemy `QueuePool limit of size N overflow M reached` (also AsyncAdaptedQueuePool, wrapped); asyncpg `TooManyConnectionsError` / `sorry, too many clients already` / `remaining connection slots are reserved`; psycopg `too many connections for role`; MySQL `(1040, 'Too many connections')`; redis `Too many connections` / `max number of clients reached`; `OSError: [Errno 24] Too many open files` (also inside aiohttp's `Cannot connect to host`); Windows `too many file descriptors in select()`; httpx `PoolTimeout`; aiohttp `Connector is closed` |
//! | `exception-never-retrieved` | `Task exception was never retrieved`, `Future exception was never retrieved` (also `_GatheringFuture`), with the `future: <Task finished ... exception=...>` line |
//! | `unclosed-resource` | aiohttp `Unclosed client session`, `Unclosed connector`, `Unclosed connection`, `Unclosed response`; `ResourceWarning: unclosed <socket.socket ...>`, `unclosed transport <...>`, `unclosed event loop <...>`, `unclosed file <...>`, `unclosed <StreamWriter ...>`, uvloop `unclosed resource <TCPTransport ...>` |
//! | `exception-group` | `ExceptionGroup`/`BaseExceptionGroup: unhandled errors in a TaskGroup (N sub-exception(s))` (3.11+, anyio 4), trio `Exceptions from Trio nursery`, `exceptiongroup.ExceptionGroup` backport, pytest `E` lines; any group whose frames pass through `asyncio/taskgroups.py`, anyio or trio. Members are explained too |
//! | `async-for-sync-iterable` | `'async for' requires an object with __aiter__ method, got X`; `'async for' received an object from __aiter__ that does not implement __anext__`; `'async_generator' object is not iterable` / `is not an iterator` |
//! | `context-manager-mismatch` | 3.11+ `'X' object does not support the asynchronous context manager protocol`; `... does not support the context manager protocol` for async-only types (Lock, ClientSession, TaskGroup, Timeout, AsyncClient, ...) or with asyncio in the traceback; 3.12+ `(missed __aexit__ method)`; ≤3.10 `AttributeError: __aenter__`/`__aexit__`, and `__enter__`/`__exit__` with asyncio evidence; aiohttp `Use async with instead`; 3.8 `"yield from" should be used as context manager expression`; `'async with' received an object from __aenter__ that does not implement __await__` |
//! | `await-outside-async` | `SyntaxError: 'await' outside async function`, `'await' outside function`, `'async with' outside async function`, `'async for' outside async function`, `asynchronous comprehension outside of an asynchronous function` |
//! | `different-loop` | `Task <...> got Future <...> attached to a different loop`; `<asyncio.locks.Lock ...> is bound to a different event loop` (3.10+); `The future belongs to a different loop than the one specified as the loop argument` (3.8–3.9) |
//! | `loop-closed` | `RuntimeError: Event loop is closed` (asyncio and uvloop; as an exception, a repr `RuntimeError('Event loop is closed')`, or after `Exception ignored in: <function _ProactorBasePipeTransport.__del__>`) |
//! | `thread-unsafe-call` | `Non-thread-safe operation invoked on an event loop other than the current one` |
//! | `signal-off-main-thread` | `signal only works in main thread` (3.8) / `... of the main interpreter` (3.9+); `set_wakeup_fd only works in main thread` (ValueError, or RuntimeError from add_signal_handler) |
//! | `task-reentered` | `Cannot enter into task <...> while another task <...> is being executed.`; `Leaving task <...> does not match the current task <...>.` |
//! | `timeout-outside-task` | async-timeout/aiohttp `Timeout context manager should be used inside a task`; 3.11+ asyncio `Timeout should be used inside a task` |

use std::sync::LazyLock;

use regex::Regex;

use super::traceback::{Exception, Frame, is_group_type, parse_exception_line};

/// Where an exception stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The last exception of a traceback: the one that surfaced.
    Surfaced,
    /// An earlier exception of a chain (`During handling...` / direct cause).
    Chained,
    /// A member of an exception group.
    Member,
    /// A line that is only an exception (`E   X: y`, a logger's line).
    Standalone,
    /// An exception named inside another line of text.
    Embedded,
}

/// A place in code the input itself names (a task repr, a warning).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRef {
    pub file: String,
    pub line: u32,
    pub function: Option<String>,
    pub what: &'static str,
    pub input_line: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub id: &'static str,
    pub diagnosis: String,
    /// What the finding is about (a coroutine, a task), when known.
    pub subject: Option<String>,
    pub refs: Vec<CodeRef>,
}

impl Hit {
    fn new(id: &'static str, diagnosis: impl Into<String>) -> Hit {
        Hit {
            id,
            diagnosis: diagnosis.into(),
            subject: None,
            refs: Vec::new(),
        }
    }
    fn subject(mut self, s: Option<String>) -> Hit {
        self.subject = s;
        self
    }
}

/// What surrounds an exception.
pub struct Ctx<'a> {
    pub role: Role,
    /// All frames of the traceback the exception is part of.
    pub frames: &'a [&'a Frame],
    /// The exception right before it in its chain.
    pub previous: Option<&'a Exception>,
    pub input_line: u64,
}

impl Ctx<'_> {
    fn frame_file_has(&self, needles: &[&str]) -> bool {
        self.frames.iter().any(|f| {
            let file = f.file.replace('\\', "/");
            needles.iter().any(|n| file.contains(n))
        })
    }

    /// Signs that the program is async at all: asyncio (or an async
    /// framework) in the frames, or async syntax in a code line.
    fn async_evidence(&self) -> bool {
        self.frame_file_has(&[
            "asyncio",
            "aiohttp",
            "anyio",
            "trio",
            "uvicorn",
            "starlette",
            "uvloop",
        ]) || self.frames.iter().any(|f| {
            f.code.as_deref().is_some_and(|c| {
                c.contains("await ") || c.contains("async ") || c.contains("asyncio.")
            })
        })
    }
}

fn short(ty: &str) -> &str {
    ty.rsplit('.').next().unwrap_or(ty)
}

fn quote(ty: &str, msg: &str) -> String {
    let mut s = if msg.is_empty() {
        ty.to_string()
    } else {
        format!("{ty}: {}", msg.lines().next().unwrap_or(""))
    };
    if s.len() > 160 {
        let mut cut = 157;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push_str("...");
    }
    s
}

static THREAD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"in thread '([^']*)'").expect("thread"));
static AWAIT_EXPR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"object (\S+) can't be used in 'await' expression|'([^']+)' object can't be awaited|^(\w+) object can't be awaited",
    )
    .expect("await expr")
});
static COROUTINE_AS_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        // Only asyncio's C types print as `_asyncio.Task`; a bare 'Task' is
        // somebody's own class (Celery, Prefect), not evidence.
        r"'(coroutine|_asyncio\.Task|_asyncio\.Future|_RequestContextManager)' object ",
        r"(?:is not|has no attribute|does not support|cannot be interpreted)",
        r"|non-iterable (coroutine) object",
        r"|of type '(coroutine)'",
        r"|instances of '(coroutine)'|and '(coroutine)'|: '(coroutine)' and"
    ))
    .expect("coroutine as value")
});
static EXCEPTION_AS_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"'(\w+(?:Error|Exception|Timeout))' object (?:has no attribute|is not (?:subscriptable|iterable|callable)|does not support item)",
        r"|non-iterable (\w+(?:Error|Exception|Timeout)) object",
        r"|unsupported operand type\(s\) for .+'(\w+(?:Error|Exception))'"
    ))
    .expect("exception as value")
});
static RESULT_LIST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[(?:[^\[\]]*?, )?([A-Z]\w*(?:Error|Exception|Timeout))\(").expect("result list")
});
static NEVER_AWAITED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"coroutine '([^']+)' was never awaited|<CoroWrapper ([\w.<>]+)\(\)[^>]*> was never yielded from")
        .expect("never awaited")
});
static WARNING_LOCATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(.+?\.py):(\d+): \w*Warning:").expect("warning location"));
/// `coro=<worker() running at /app/x.py:12>`, `coro=<boom() done, defined at
/// /app/x.py:3>`, a handle's `cb() at /app/x.py:7`.
static REPR_LOCATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"((?:[A-Za-z_]\w*|<locals>)(?:\.(?:[A-Za-z_]\w*|<locals>))*)\([^()]*\) (?:running at|done, defined at|at) ([^\s>]+?\.pyw?):(\d+)")
        .expect("repr location")
});
static EXECUTING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"Executing <(.+)> took (\d+(?:\.\d+)?) seconds").expect("executing")
});
/// Home Assistant's loop watchdog: `Detected blocking call to sleep with
/// args (1,) inside the event loop by custom integration 'x' at
/// custom_components/x/sensor.py, line 40: time.sleep(1)`.
static DETECTED_BLOCKING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"Detected blocking call to (\S+?)(?: with args .*?)? inside the event loop(?:.*? at ([^\s,]+\.py), line (\d+))?")
        .expect("detected blocking")
});
static UNCLOSED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b[Uu]nclosed (client session|connector|connection|response|transport|event loop|resource|file|socket|<[\w.]+)",
    )
    .expect("unclosed")
});
/// An exception named inside a longer line: `... failed: RuntimeError: x`,
/// `RuntimeError('Event loop is closed')`, `raised an exception: X: y`.
static EMBEDDED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r#"(?:^|[\s:(\[,])((?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Warning|Timeout|ExceptionGroup))"#,
        r#"(?:: (.*)$|:$|\((?:'([^']*)'|"([^"]*)")?\))"#
    ))
    .expect("embedded")
});
static CM_TYPE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"'([\w.]+)' object does not support").expect("cm type"));

/// Types that only work with `async with`.
const ASYNC_ONLY_CMS: &[&str] = &[
    "Lock",
    "Semaphore",
    "BoundedSemaphore",
    "Condition",
    "TaskGroup",
    "Timeout",
    "ClientSession",
    "AsyncClient",
    "AsyncSession",
    "AsyncEngine",
    "AsyncConnection",
    "AsyncExitStack",
    "PoolAcquireContext",
    "_RequestContextManager",
    "_AsyncGeneratorContextManager",
    "coroutine",
    "async_generator",
    "CancelScope",
];

pub fn repr_refs(text: &str, input_line: u64, what: &'static str) -> Vec<CodeRef> {
    REPR_LOCATION
        .captures_iter(text)
        .take(4)
        .map(|c| CodeRef {
            file: c[2].to_string(),
            line: c[3].parse().unwrap_or(0),
            function: Some(c[1].to_string()),
            what,
            input_line,
        })
        .collect()
}

fn repr_subject(text: &str) -> Option<String> {
    REPR_LOCATION
        .captures(text)
        .map(|c| format!("{}()", &c[1]))
        .or_else(|| {
            let at = text.find("coro=<")?;
            let rest = &text[at + 6..];
            let end = rest.find('(')?;
            Some(format!("{}()", &rest[..end]))
        })
}

/// The problems an exception is evidence of.
pub fn exception_hits(exc: &Exception, ctx: &Ctx) -> Vec<Hit> {
    let mut hits = message_hits(&exc.ty, &exc.message, ctx);
    // Wrappers that print the wrapped exception in their message (discord.py's
    // `Command raised an exception: X: y`, `... failed: X('y')`).
    if hits.is_empty()
        && !exc.message.is_empty()
        && let Some((ty, msg)) = embedded_exception(&exc.message)
        && ty != exc.ty
    {
        let inner = Ctx {
            role: ctx.role,
            frames: ctx.frames,
            previous: ctx.previous,
            input_line: ctx.input_line,
        };
        hits = message_hits(&ty, &msg, &inner);
    }
    hits
}

/// Cheap test before [`EMBEDDED`]: an exception name followed by `:` or `(`.
fn maybe_embedded(text: &str) -> bool {
    static AC: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
        aho_corasick::AhoCorasick::new([
            "Error:",
            "Error(",
            "Exception:",
            "Exception(",
            "Warning:",
            "Warning(",
            "Timeout:",
            "Timeout(",
            "Group:",
        ])
        .expect("embedded prefilter")
    });
    AC.is_match(text)
}

fn embedded_exception(text: &str) -> Option<(String, String)> {
    let c = EMBEDDED.captures(text)?;
    let ty = c.get(1)?.as_str().to_string();
    let msg = c
        .get(2)
        .or(c.get(3))
        .or(c.get(4))
        .map_or("", |m| m.as_str())
        .trim()
        .to_string();
    Some((ty, msg))
}

fn is_timeout_type(ty: &str) -> bool {
    matches!(
        ty,
        "TimeoutError"
            | "asyncio.TimeoutError"
            | "asyncio.exceptions.TimeoutError"
            | "asyncio.futures.TimeoutError"
            | "concurrent.futures.TimeoutError"
            | "concurrent.futures._base.TimeoutError"
    )
}

/// asyncio's own CancelledError, by its printed name.
fn is_asyncio_cancelled(ty: &str) -> bool {
    matches!(
        ty,
        "asyncio.CancelledError"
            | "asyncio.exceptions.CancelledError"
            | "asyncio.futures.CancelledError"
    )
}

/// Names that are asyncio's CancelledError only with asyncio around them
/// (a bare name; concurrent.futures' class, which thread pools raise too).
fn is_maybe_cancelled(ty: &str) -> bool {
    matches!(
        ty,
        "CancelledError"
            | "concurrent.futures.CancelledError"
            | "concurrent.futures._base.CancelledError"
    )
}

fn is_cancelled_type(ty: &str) -> bool {
    is_asyncio_cancelled(ty) || is_maybe_cancelled(ty)
}

fn message_hits(ty: &str, msg: &str, ctx: &Ctx) -> Vec<Hit> {
    let mut hits = Vec::new();
    let short_ty = short(ty);
    let q = quote(ty, msg);
    let lower = msg.to_ascii_lowercase();

    // loop-already-running
    if lower.contains("event loop is already running")
        || msg.contains("cannot be called from a running event loop")
        || msg.contains("Cannot run the event loop while another loop is running")
        || msg.contains("Already running asyncio in this thread")
    {
        let notebook = ctx.frames.iter().any(|f| {
            f.file.starts_with("In[")
                || f.file.starts_with("<ipython-input")
                || f.file.contains("ipykernel")
        });
        hits.push(Hit::new(
            "loop-already-running",
            if notebook {
                format!(
                    "`{q}`: the notebook's kernel already runs an event loop; in a cell, write `await main()` instead of starting a loop"
                )
            } else {
                format!(
                    "`{q}`: code started an event loop while one was already running on this thread"
                )
            },
        ));
    }

    // no-current-event-loop
    if msg.contains("There is no current event loop") || msg.contains("no running event loop") {
        let thread = THREAD.captures(msg).map(|c| c[1].to_string());
        let d = if short_ty.ends_with("Warning") {
            format!(
                "`{q}`: asyncio.get_event_loop() was called with no running loop (deprecated, an error from 3.14)"
            )
        } else if msg.contains("no running event loop") {
            format!("`{q}`: an asyncio call that needs a running loop ran outside one")
        } else {
            format!(
                "`{q}`: asyncio.get_event_loop() found no loop for thread {}",
                thread
                    .as_deref()
                    .map_or("?".to_string(), |t| format!("'{t}'"))
            )
        };
        hits.push(Hit::new("no-current-event-loop", d).subject(thread));
    }

    // coroutine-never-awaited (as a warning printed like an exception)
    if let Some(c) = NEVER_AWAITED.captures(msg) {
        let name = c.get(1).or(c.get(2)).map(|m| m.as_str().to_string());
        hits.push(
            Hit::new(
                "coroutine-never-awaited",
                format!(
                    "coroutine `{}` was created but never awaited, so it never ran",
                    name.as_deref().unwrap_or("?")
                ),
            )
            .subject(name),
        );
    }

    // coroutine-reused
    if msg.contains("cannot reuse already awaited")
        || msg.contains("coroutine is being awaited already")
    {
        hits.push(Hit::new(
            "coroutine-reused",
            format!("`{q}`: the same coroutine object was awaited a second time"),
        ));
    }

    // async-for-sync-iterable (before not-awaitable: async generators)
    let async_for = msg.contains("'async for' requires an object with __aiter__")
        || msg.contains("'async for' received an object from __aiter__")
        || msg.contains("'async_generator' object is not iterable")
        || msg.contains("'async_generator' object is not an iterator");
    if async_for {
        hits.push(Hit::new(
            "async-for-sync-iterable",
            if msg.contains("async_generator") {
                format!("`{q}`: a plain `for` (or list()) was used on an async generator")
            } else {
                format!("`{q}`: `async for` was used on an ordinary iterable")
            },
        ));
    }

    // not-awaitable
    if !async_for
        && matches!(
            short_ty,
            "TypeError" | "AttributeError" | "ValueError" | "RuntimeError"
        )
    {
        if let Some(c) = AWAIT_EXPR.captures(msg) {
            let what = c
                .get(1)
                .or(c.get(2))
                .or(c.get(3))
                .map_or("?", |m| m.as_str());
            hits.push(Hit::new(
                "not-awaitable",
                format!("`{q}`: `await` was applied to a {what}, which is not awaitable"),
            ));
        } else if let Some(c) = COROUTINE_AS_VALUE.captures(msg) {
            let what = (1..=6)
                .find_map(|i| c.get(i))
                .map_or("coroutine", |m| m.as_str());
            hits.push(Hit::new(
                "not-awaitable",
                format!("`{q}`: a {what} object was used as if it were its result: an `await` is missing"),
            ));
        } else if msg.contains("An asyncio.Future, a coroutine or an awaitable is required")
            || msg.contains("a coroutine was expected, got")
            || msg.contains("A coroutine object is required")
            || msg.starts_with("coroutines cannot be used with")
        {
            hits.push(Hit::new(
                "not-awaitable",
                format!("`{q}`: asyncio was given something other than a coroutine/awaitable (or a coroutine where a plain callable belongs)"),
            ));
        }
    }

    // timeout
    let aiohttp_timeout = matches!(
        short_ty,
        "ServerTimeoutError" | "ConnectionTimeoutError" | "SocketTimeoutError"
    ) && ty.contains("aiohttp");
    if aiohttp_timeout {
        hits.push(Hit::new(
            "timeout",
            format!("`{q}`: an aiohttp timeout (a subclass of asyncio.TimeoutError) expired"),
        ));
    } else if is_timeout_type(ty) && msg.is_empty() {
        // Printed as asyncio's class (3.8-3.10). concurrent.futures' class is
        // also raised by thread pools: it needs asyncio evidence like the
        // builtin name does.
        let typed = ty.starts_with("asyncio.");
        let from_asyncio = ctx.frame_file_has(&[
            "asyncio/tasks.py",
            "asyncio/timeouts.py",
            "async_timeout",
            "asyncio/locks.py",
            "asyncio/queues.py",
        ]) || ctx.previous.is_some_and(|p| is_cancelled_type(&p.ty));
        if typed || from_asyncio {
            hits.push(Hit::new(
                "timeout",
                format!("`{q}`: an asyncio timeout (wait_for / timeout()) expired and cancelled the operation"),
            ));
        }
    }

    // cancelled: only when it surfaced.
    if (is_asyncio_cancelled(ty) || is_maybe_cancelled(ty) && ctx.async_evidence())
        && matches!(ctx.role, Role::Surfaced | Role::Member | Role::Standalone)
    {
        hits.push(Hit::new(
            "cancelled",
            format!("`{q}` surfaced: a task was cancelled where the code did not expect it"),
        ));
    }

    // gather-swallowed
    if matches!(short_ty, "AttributeError" | "TypeError")
        && let Some(c) = EXCEPTION_AS_VALUE.captures(msg)
    {
        let what = (1..=3).find_map(|i| c.get(i)).map_or("?", |m| m.as_str());
        // An exception object used as a value is this problem only
        // next to gather's results: `e.json()` on an exception the code
        // caught itself is an ordinary bug.
        let gather = ctx.frames.iter().any(|f| {
            f.code.as_deref().is_some_and(|c| {
                c.contains("gather(") || c.contains("return_exceptions") || c.contains("results")
            })
        });
        if gather {
            hits.push(Hit::new(
                    "gather-swallowed",
                    format!(
                        "`{q}`: an exception object ({what}) was used as a result value: an unchecked result of gather(..., return_exceptions=True)"
                    ),
                ));
        }
    }

    // loop-blocked: blockbuster raises on blocking calls in the loop.
    if short_ty == "BlockingError" && msg.starts_with("Blocking call to") {
        hits.push(Hit::new(
            "loop-blocked",
            format!("`{q}`: a blocking call ran on the event loop (caught by blockbuster)"),
        ));
    }

    // pool-exhausted
    if let Some(d) = pool_exhausted(ty, msg) {
        hits.push(Hit::new("pool-exhausted", format!("`{q}`: {d}")));
    }

    // exception-group
    if is_group_type(short_ty)
        && (msg.contains("TaskGroup")
            || lower.contains("task group")
            || lower.contains("nursery")
            || ctx.frame_file_has(&["asyncio/taskgroups.py", "anyio", "trio"]))
    {
        hits.push(Hit::new(
            "exception-group",
            format!("`{q}`: a task group raised its children's errors together; plain `except X` does not see them"),
        ));
    }

    // context-manager-mismatch
    let cm_type = msg
        .contains("does not support")
        .then(|| CM_TYPE.captures(msg).map(|c| c[1].to_string()))
        .flatten();
    let async_only = cm_type
        .as_deref()
        .is_some_and(|t| ASYNC_ONLY_CMS.contains(&short(t)));
    let cm = msg.contains("does not support the asynchronous context manager protocol")
        || (msg.contains("does not support the context manager protocol")
            && (async_only || ctx.async_evidence()))
        || (short_ty == "AttributeError" && matches!(msg, "__aenter__" | "__aexit__"))
        || (short_ty == "AttributeError"
            && matches!(msg, "__enter__" | "__exit__")
            && ctx.async_evidence())
        || msg == "Use async with instead"
        || msg.contains("\"yield from\" should be used as context manager expression")
        || msg.contains("'async with' received an object from __aenter__");
    if cm {
        hits.push(Hit::new(
            "context-manager-mismatch",
            format!("`{q}`: `with` and `async with` were mixed up for this object"),
        ));
    }

    // await-outside-async
    if short_ty == "SyntaxError"
        && (msg.contains("'await' outside")
            || msg.contains("'async with' outside")
            || msg.contains("'async for' outside")
            || msg.contains("asynchronous comprehension outside"))
    {
        hits.push(Hit::new(
            "await-outside-async",
            format!("`{q}`: async syntax used in a function that is not `async def`"),
        ));
    }

    // different-loop
    if msg.contains("attached to a different loop")
        || msg.contains("bound to a different event loop")
        || msg.contains("belongs to a different loop")
    {
        hits.push(Hit::new(
            "different-loop",
            format!("`{q}`: an asyncio object created on one event loop was used on another"),
        ));
    }

    // loop-closed
    if msg.contains("Event loop is closed") {
        hits.push(Hit::new(
            "loop-closed",
            format!("`{q}`: something scheduled work on an event loop after it was closed"),
        ));
    }

    // thread-unsafe-call
    if msg.contains("Non-thread-safe operation invoked on an event loop other than the current one")
    {
        hits.push(Hit::new(
            "thread-unsafe-call",
            format!("`{q}`: the event loop was called from a thread other than its own"),
        ));
    }

    // signal-off-main-thread
    if msg.contains("signal only works in main thread")
        || msg.contains("set_wakeup_fd only works in main thread")
        || msg.contains("can only be called from the main thread") && msg.contains("signal")
    {
        hits.push(Hit::new(
            "signal-off-main-thread",
            format!(
                "`{q}`: a signal handler was installed from a thread other than the main thread"
            ),
        ));
    }

    // task-reentered
    if msg.contains("Cannot enter into task")
        || (msg.starts_with("Leaving task") && msg.contains("does not match the current task"))
    {
        hits.push(Hit::new(
            "task-reentered",
            format!("`{}`: a second task started while another was running on the same loop (nested loop)", quote(ty, msg)),
        ));
    }

    // timeout-outside-task
    if msg.contains("Timeout context manager should be used inside a task")
        || msg.contains("Timeout should be used inside a task")
    {
        hits.push(Hit::new(
            "timeout-outside-task",
            format!("`{q}`: a timeout context manager ran outside an asyncio task"),
        ));
    }

    hits
}

fn pool_exhausted(ty: &str, msg: &str) -> Option<String> {
    let lower = msg.to_ascii_lowercase();
    if msg.contains("QueuePool limit of size") {
        Some("the SQLAlchemy connection pool has no free connection (pool_size + max_overflow all checked out)".into())
    } else if ty.ends_with("TooManyConnectionsError")
        || lower.contains("too many clients already")
        || lower.contains("remaining connection slots are reserved")
        || lower.contains("too many connections")
        || lower.contains("max number of clients reached")
    {
        Some("the database server refused a new connection: too many are open".into())
    } else if msg.contains("Too many open files")
        || msg.contains("too many file descriptors in select")
    {
        Some("the process ran out of file descriptors: sockets or files are opened faster than they are closed".into())
    } else if ty.ends_with("PoolTimeout") {
        Some("no connection became free in the HTTP client's pool in time".into())
    } else if msg.contains("Connector is closed") {
        Some("a request went through an aiohttp connector (pool) that was already closed".into())
    } else {
        None
    }
}

/// Fragments (ASCII case-insensitive) at least one of which every signature
/// needs. One Aho-Corasick pass over a line rules out the many log lines
/// that merely contain a trigger word ("HTTPError 503", "ReadTimeout") before
/// the per-id checks run; the signature tests keep this list complete.
const SIGNATURE_WORDS: &[&str] = &[
    "event loop",
    "loop is closed",
    "another loop",
    "running asyncio",
    "never awaited",
    "never yielded",
    "never retrieved",
    "already awaited",
    "awaited already",
    "async for",
    "async with",
    "async_generator",
    "await",
    "coroutine",
    "_asyncio.",
    "_RequestContextManager",
    "TimeoutError",
    "CancelledError",
    "' object has no attribute",
    "' object is not",
    "' object does not support",
    "non-iterable",
    "operand type",
    "QueuePool",
    "TooManyConnections",
    "too many",
    "connection slots",
    "max number of clients",
    "PoolTimeout",
    "Connector is closed",
    "ExceptionGroup",
    "MultiError",
    "context manager",
    "__aenter__",
    "__aexit__",
    "__enter__",
    "__exit__",
    "yield from",
    "' outside",
    "comprehension outside",
    "different loop",
    "different event loop",
    "Non-thread-safe",
    "main thread",
    "enter into task",
    "current task",
    "inside a task",
    "Blocking call",
    "blocking call",
    "Task was destroyed",
    "Executing <",
    "unclosed",
    "result",
    "gather",
];

fn may_hit(text: &str) -> bool {
    static AC: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(SIGNATURE_WORDS)
            .expect("signature words")
    });
    AC.is_match(text)
}

/// Whether `phrase` occurs as asyncio prints it: at the start of the text or
/// after a delimiter (a prefix the normaliser did not know, a JSON quote),
/// not quoted inside prose (`fixed the 'Task was destroyed...' warning`).
fn starts_a_message(t: &str, phrase: &str) -> bool {
    t.match_indices(phrase).any(|(at, _)| {
        !t[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || matches!(c, '\'' | '`' | '_'))
    })
}

/// The problems a standalone line is evidence of: asyncio's log messages,
/// warnings, and exception lines without a traceback.
pub fn line_hits(text: &str, input_line: u64) -> Vec<Hit> {
    let mut hits = Vec::new();
    let t = text.trim();
    if !may_hit(t) {
        return hits;
    }
    if starts_a_message(t, "Task was destroyed but it is pending") {
        let mut h = Hit::new(
            "task-destroyed-pending",
            "`Task was destroyed but it is pending!`: a task was garbage-collected or its loop closed before it finished",
        )
        .subject(repr_subject(t));
        h.refs = repr_refs(t, input_line, "task");
        hits.push(h);
    }
    if t.contains("exception was never retrieved") {
        let what = if t.contains("Future exception") {
            "Future exception was never retrieved"
        } else {
            "Task exception was never retrieved"
        };
        let mut h = Hit::new(
            "exception-never-retrieved",
            format!("`{what}`: a task failed and nothing ever awaited it or read its exception"),
        )
        .subject(repr_subject(t));
        h.refs = repr_refs(t, input_line, "task");
        hits.push(h);
    }
    if let Some(c) = t
        .contains("Executing <")
        .then(|| EXECUTING.captures(t))
        .flatten()
    {
        let repr = &c[1];
        let mut h = Hit::new(
            "loop-blocked",
            format!(
                "one step of {} held the event loop for {} s (asyncio debug mode's slow-callback report)",
                repr_subject(repr).map_or_else(|| "a callback".to_string(), |s| format!("`{s}`")),
                &c[2]
            ),
        )
        .subject(repr_subject(repr));
        h.refs = repr_refs(repr, input_line, "slow step");
        hits.push(h);
    }
    if let Some(c) = t
        .contains("inside the event loop")
        .then(|| DETECTED_BLOCKING.captures(t))
        .flatten()
    {
        let mut h = Hit::new(
            "loop-blocked",
            format!(
                "a watchdog caught the blocking call `{}` running on the event loop",
                &c[1]
            ),
        )
        .subject(Some(c[1].to_string()));
        if let (Some(file), Some(line)) = (c.get(2), c.get(3)) {
            h.refs.push(CodeRef {
                file: file.as_str().to_string(),
                line: line.as_str().parse().unwrap_or(0),
                function: None,
                what: "watchdog",
                input_line,
            });
        }
        hits.push(h);
    }
    // Not the warning's own source line (`_warn(f"unclosed transport ...`).
    if let Some(c) = t
        .contains("nclosed")
        .then(|| UNCLOSED.captures(t))
        .flatten()
        .filter(|c| !t[..c.get(0).map_or(0, |m| m.start())].ends_with(['"', '\'']))
    {
        let what = c[1].trim_start_matches('<');
        hits.push(Hit::new(
            "unclosed-resource",
            format!(
                "an unclosed {what} was garbage-collected (`{}`)",
                quote(t, "")
            ),
        ));
    }
    if let Some(c) = (t.contains("never awaited") || t.contains("never yielded"))
        .then(|| NEVER_AWAITED.captures(t))
        .flatten()
    {
        let name = c.get(1).or(c.get(2)).map(|m| m.as_str().to_string());
        let mut h = Hit::new(
            "coroutine-never-awaited",
            format!(
                "coroutine `{}` was created but never awaited, so it never ran",
                name.as_deref().unwrap_or("?")
            ),
        )
        .subject(name);
        if let Some(w) = WARNING_LOCATION.captures(t) {
            h.refs.push(CodeRef {
                file: w[1].to_string(),
                line: w[2].parse().unwrap_or(0),
                function: None,
                what: "warning",
                input_line,
            });
        }
        hits.push(h);
    }
    if let Some(c) = t.contains('[').then(|| RESULT_LIST.captures(t)).flatten() {
        let lower = t.to_ascii_lowercase();
        if lower.contains("result") || lower.contains("gather") {
            hits.push(Hit::new(
                "gather-swallowed",
                format!(
                    "a logged result list holds an exception object ({}): a gather(..., return_exceptions=True) failure nobody handled",
                    &c[1]
                ),
            ));
        }
    }
    // An exception line without its traceback (asyncio's own messages
    // above are never also one).
    if !hits.is_empty() {
        return hits;
    }
    let (exc, role) = match parse_exception_line(t) {
        Some(e) => (Some(e), Role::Standalone),
        None if maybe_embedded(t) => (embedded_exception(t), Role::Embedded),
        None => (None, Role::Embedded),
    };
    if let Some((ty, msg)) = exc {
        let ctx = Ctx {
            role,
            frames: &[],
            previous: None,
            input_line,
        };
        for h in message_hits(&ty, &msg, &ctx) {
            if !hits.iter().any(|x| x.id == h.id) {
                hits.push(h);
            }
        }
    } else if let Some(d) = pool_exhausted("", t) {
        hits.push(Hit::new(
            "pool-exhausted",
            format!("`{}`: {d}", quote(t, "")),
        ));
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<&'static str> {
        line_hits(text, 1).into_iter().map(|h| h.id).collect()
    }

    #[test]
    fn standalone_lines() {
        assert_eq!(ids("RuntimeError: Event loop is closed"), ["loop-closed"]);
        assert_eq!(
            ids("/app/x.py:12: RuntimeWarning: coroutine 'fetch' was never awaited"),
            ["coroutine-never-awaited"]
        );
        assert_eq!(ids("asyncio.exceptions.CancelledError"), ["cancelled"]);
        assert_eq!(ids("asyncio.exceptions.TimeoutError"), ["timeout"]);
        assert_eq!(
            ids(r#"{"msg": "Task was destroyed but it is pending!", "lvl": "error"}"#),
            ["task-destroyed-pending"]
        );
        assert!(
            ids("INFO release notes: fixed the 'Task was destroyed but it is pending!' warning")
                .is_empty()
        );
        // A bare TimeoutError with no context is not known to be asyncio's.
        assert!(ids("TimeoutError").is_empty());
        // Mentions are not surfacing.
        assert!(ids("    except asyncio.CancelledError:").is_empty());
        assert!(ids("KeyError: 'user_id'").is_empty());
        assert!(ids("SyntaxError: expected ':'").is_empty());
        for unrelated in [
            "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='api.x.com', port=443): Read timed out. (read timeout=5)",
            "ERROR worker: job failed: ValueError('bad input')",
            "WARNING: results: [1, 2, 3]",
            "TypeError: 'NoneType' object is not subscriptable",
            "AttributeError: 'Task' object has no attribute 'delay'",
            "INFO Cancelled 3 orders",
            "DEBUG asyncio: Using selector: EpollSelector",
            "concurrent.futures._base.CancelledError",
            "ERROR: we hit CancelledError during shutdown",
            "TimeoutError: [Errno 110] Connection timed out",
            "SyntaxError: invalid syntax",
        ] {
            assert!(ids(unrelated).is_empty(), "{unrelated}");
        }
        assert_eq!(
            ids("failed: RuntimeError('Event loop is closed')"),
            ["loop-closed"]
        );
        assert_eq!(
            ids(
                "Executing <Task pending name='Task-1' coro=<main() running at /app/m.py:9>> took 1.503 seconds"
            ),
            ["loop-blocked"]
        );
    }

    /// One line per message variant of the table at the top of this file:
    /// each must give exactly its id (this also keeps SIGNATURE_WORDS complete).
    #[test]
    fn every_variant_line() {
        let table: &[(&str, &str)] = &[
            (
                "RuntimeError: This event loop is already running",
                "loop-already-running",
            ),
            (
                "RuntimeError: this event loop is already running.",
                "loop-already-running",
            ),
            (
                "RuntimeError: asyncio.run() cannot be called from a running event loop",
                "loop-already-running",
            ),
            (
                "RuntimeError: Runner.run() cannot be called from a running event loop",
                "loop-already-running",
            ),
            (
                "RuntimeError: Cannot run the event loop while another loop is running",
                "loop-already-running",
            ),
            (
                "RuntimeError: Already running asyncio in this thread",
                "loop-already-running",
            ),
            (
                "RuntimeError: There is no current event loop in thread 'Thread-1'.",
                "no-current-event-loop",
            ),
            (
                "app.py:3: DeprecationWarning: There is no current event loop",
                "no-current-event-loop",
            ),
            (
                "RuntimeError: no running event loop",
                "no-current-event-loop",
            ),
            (
                "Task was destroyed but it is pending!",
                "task-destroyed-pending",
            ),
            (
                "x.py:1: RuntimeWarning: coroutine 'f' was never awaited",
                "coroutine-never-awaited",
            ),
            (
                "<CoroWrapper f() running at x.py:3, created at y.py:9> was never yielded from",
                "coroutine-never-awaited",
            ),
            (
                "TypeError: object NoneType can't be used in 'await' expression",
                "not-awaitable",
            ),
            (
                "TypeError: 'NoneType' object can't be awaited",
                "not-awaitable",
            ),
            (
                "TypeError: 'coroutine' object is not subscriptable",
                "not-awaitable",
            ),
            (
                "TypeError: 'coroutine' object is not iterable",
                "not-awaitable",
            ),
            (
                "TypeError: 'coroutine' object is not callable",
                "not-awaitable",
            ),
            (
                "AttributeError: 'coroutine' object has no attribute 'json'",
                "not-awaitable",
            ),
            (
                "TypeError: cannot unpack non-iterable coroutine object",
                "not-awaitable",
            ),
            (
                "TypeError: object of type 'coroutine' has no len()",
                "not-awaitable",
            ),
            (
                "TypeError: '_asyncio.Task' object is not subscriptable",
                "not-awaitable",
            ),
            (
                "AttributeError: '_RequestContextManager' object has no attribute 'json'",
                "not-awaitable",
            ),
            (
                "TypeError: An asyncio.Future, a coroutine or an awaitable is required",
                "not-awaitable",
            ),
            (
                "ValueError: a coroutine was expected, got <function main at 0x7f>",
                "not-awaitable",
            ),
            ("TypeError: A coroutine object is required", "not-awaitable"),
            (
                "TypeError: coroutines cannot be used with run_in_executor()",
                "not-awaitable",
            ),
            (
                "RuntimeError: cannot reuse already awaited coroutine",
                "coroutine-reused",
            ),
            (
                "RuntimeError: cannot reuse already awaited __anext__()/asend()",
                "coroutine-reused",
            ),
            (
                "RuntimeError: cannot reuse already awaited aclose()/athrow()",
                "coroutine-reused",
            ),
            (
                "RuntimeError: coroutine is being awaited already",
                "coroutine-reused",
            ),
            ("asyncio.exceptions.TimeoutError", "timeout"),
            ("asyncio.TimeoutError", "timeout"),
            (
                "aiohttp.client_exceptions.ServerTimeoutError: Timeout on reading data from socket",
                "timeout",
            ),
            (
                "aiohttp.client_exceptions.ConnectionTimeoutError: Connection timeout to host x",
                "timeout",
            ),
            ("asyncio.exceptions.CancelledError", "cancelled"),
            ("asyncio.CancelledError", "cancelled"),
            (
                "Executing <Handle cb() at /a/x.py:3 created at /b.py:1> took 0.2 seconds",
                "loop-blocked",
            ),
            (
                "Detected blocking call to open with args ('x',) inside the event loop by integration 'y'",
                "loop-blocked",
            ),
            (
                "blockbuster.blockbuster.BlockingError: Blocking call to time.sleep",
                "loop-blocked",
            ),
            ("INFO results: [1, ValueError('x'), 3]", "gather-swallowed"),
            (
                "sqlalchemy.exc.TimeoutError: QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00",
                "pool-exhausted",
            ),
            (
                "asyncpg.exceptions.TooManyConnectionsError: sorry, too many clients already",
                "pool-exhausted",
            ),
            (
                "psycopg.OperationalError: connection failed: FATAL:  too many connections for role \"app\"",
                "pool-exhausted",
            ),
            (
                "pymysql.err.OperationalError: (1040, 'Too many connections')",
                "pool-exhausted",
            ),
            (
                "redis.exceptions.ConnectionError: max number of clients reached",
                "pool-exhausted",
            ),
            ("OSError: [Errno 24] Too many open files", "pool-exhausted"),
            (
                "ValueError: too many file descriptors in select()",
                "pool-exhausted",
            ),
            ("httpx.PoolTimeout", "pool-exhausted"),
            ("RuntimeError: Connector is closed.", "pool-exhausted"),
            (
                "FATAL:  remaining connection slots are reserved for non-replication superuser connections",
                "pool-exhausted",
            ),
            (
                "Task exception was never retrieved",
                "exception-never-retrieved",
            ),
            (
                "Future exception was never retrieved",
                "exception-never-retrieved",
            ),
            ("Unclosed client session", "unclosed-resource"),
            ("Unclosed connector", "unclosed-resource"),
            (
                "x.py:3: ResourceWarning: unclosed <socket.socket fd=3>",
                "unclosed-resource",
            ),
            (
                "ResourceWarning: unclosed transport <_SelectorSocketTransport fd=7>",
                "unclosed-resource",
            ),
            (
                "ResourceWarning: unclosed event loop <_UnixSelectorEventLoop running=False>",
                "unclosed-resource",
            ),
            (
                "ExceptionGroup: unhandled errors in a TaskGroup (2 sub-exceptions)",
                "exception-group",
            ),
            (
                "BaseExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception)",
                "exception-group",
            ),
            (
                "exceptiongroup.ExceptionGroup: Exceptions from Trio nursery (2 sub-exceptions)",
                "exception-group",
            ),
            (
                "TypeError: 'async for' requires an object with __aiter__ method, got list",
                "async-for-sync-iterable",
            ),
            (
                "TypeError: 'async for' received an object from __aiter__ that does not implement __anext__: generator",
                "async-for-sync-iterable",
            ),
            (
                "TypeError: 'async_generator' object is not iterable",
                "async-for-sync-iterable",
            ),
            (
                "TypeError: 'ClientSession' object does not support the context manager protocol",
                "context-manager-mismatch",
            ),
            (
                "TypeError: 'X' object does not support the asynchronous context manager protocol",
                "context-manager-mismatch",
            ),
            (
                "TypeError: 'X' object does not support the asynchronous context manager protocol (missed __aexit__ method)",
                "context-manager-mismatch",
            ),
            ("AttributeError: __aenter__", "context-manager-mismatch"),
            ("AttributeError: __aexit__", "context-manager-mismatch"),
            (
                "TypeError: Use async with instead",
                "context-manager-mismatch",
            ),
            (
                "RuntimeError: \"yield from\" should be used as context manager expression",
                "context-manager-mismatch",
            ),
            (
                "SyntaxError: 'await' outside async function",
                "await-outside-async",
            ),
            (
                "SyntaxError: 'await' outside function",
                "await-outside-async",
            ),
            (
                "SyntaxError: 'async with' outside async function",
                "await-outside-async",
            ),
            (
                "SyntaxError: 'async for' outside async function",
                "await-outside-async",
            ),
            (
                "SyntaxError: asynchronous comprehension outside of an asynchronous function",
                "await-outside-async",
            ),
            (
                "RuntimeError: Task <Task pending name='Task-1'> got Future <Future pending> attached to a different loop",
                "different-loop",
            ),
            (
                "RuntimeError: <asyncio.locks.Event object at 0x1 [unset]> is bound to a different event loop",
                "different-loop",
            ),
            (
                "ValueError: The future belongs to a different loop than the one specified as the loop argument",
                "different-loop",
            ),
            ("RuntimeError: Event loop is closed", "loop-closed"),
            (
                "RuntimeError: Non-thread-safe operation invoked on an event loop other than the current one",
                "thread-unsafe-call",
            ),
            (
                "ValueError: signal only works in main thread",
                "signal-off-main-thread",
            ),
            (
                "ValueError: signal only works in main thread of the main interpreter",
                "signal-off-main-thread",
            ),
            (
                "RuntimeError: set_wakeup_fd only works in main thread of the main interpreter",
                "signal-off-main-thread",
            ),
            (
                "RuntimeError: Cannot enter into task <Task pending> while another task <Task pending> is being executed.",
                "task-reentered",
            ),
            (
                "RuntimeError: Leaving task <Task pending> does not match the current task <Task pending>.",
                "task-reentered",
            ),
            (
                "RuntimeError: Timeout context manager should be used inside a task",
                "timeout-outside-task",
            ),
            (
                "RuntimeError: Timeout should be used inside a task",
                "timeout-outside-task",
            ),
        ];
        for (line, id) in table {
            assert_eq!(ids(line), [*id], "{line}");
        }
    }

    #[test]
    fn repr_locations() {
        let refs = repr_refs(
            "task: <Task pending name='Task-2' coro=<worker() running at /app/svc/w.py:14> wait_for=<Future pending>>",
            3,
            "task",
        );
        assert_eq!(refs.len(), 1);
        assert_eq!(refs[0].file, "/app/svc/w.py");
        assert_eq!(refs[0].line, 14);
        assert_eq!(refs[0].function.as_deref(), Some("worker"));
        assert_eq!(
            repr_subject(
                "<Task finished name='Task-3' coro=<boom() done, defined at x.py:3> exception=ValueError()>"
            ),
            Some("boom()".into())
        );
    }
}
