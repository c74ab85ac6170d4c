crate::declare_rule! {
    /// ## What it does
    /// Reports `async with` on a context manager that is sync-only (`open()`,
    /// `threading.Lock()`, a `requests.Session`, project classes with
    /// `__enter__` but no `__aenter__`), and `with` on one that is async-only
    /// (`asyncio.Lock()`, `asyncio.Semaphore()`, `asyncio.timeout()`,
    /// `asyncio.TaskGroup()`, `aiohttp.ClientSession()`, `httpx.AsyncClient()`,
    /// project classes with `__aenter__` but no `__enter__`). Objects of
    /// unknown type, and project classes with a base outside the project that
    /// may define those methods (any base but `object`, exceptions, typing
    /// markers, ABCs and enums), are not reported.
    ///
    /// ## Why is this bad?
    /// It fails at run time: `TypeError: 'X' object does not support the
    /// asynchronous context manager protocol` (3.11+; `AttributeError:
    /// __aenter__` before), or the sync variant for `with`.
    ///
    /// ## Example
    /// ```python
    /// import asyncio
    ///
    /// lock = asyncio.Lock()
    ///
    /// async def update():
    ///     with lock:
    ///         await write()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import asyncio
    ///
    /// lock = asyncio.Lock()
    ///
    /// async def update():
    ///     async with lock:
    ///         await write()
    /// ```
    ///
    /// ## Python versions
    /// The error is a `TypeError` from 3.11 and an `AttributeError` on 3.10 and
    /// older; `asyncio.timeout()` and `TaskGroup` exist from 3.11.
    pub static CONTEXT_MANAGER_MISMATCH = {
        code: "AD205",
        name: "context-manager-mismatch",
        knowledge: "context-manager-mismatch",
        default_enabled: true,
        origin: Static,
        help: "Use `async with` for async context managers and `with` for sync ones",
    };
}

/// Types usable only with `with`.
pub const SYNC_ONLY: &[&str] = &[
    "io.IOBase",
    "threading.Lock",
    "threading.Condition",
    "requests.Session",
    "httpx.Client",
    "socket.socket",
    "subprocess.Popen",
    "concurrent.futures.Executor",
    "multiprocessing.pool.Pool",
];

/// Types usable only with `async with`.
pub const ASYNC_ONLY: &[&str] = &[
    "asyncio.Lock",
    "asyncio.Semaphore",
    "asyncio.Condition",
    "asyncio.Timeout",
    "asyncio.TaskGroup",
    "aiohttp.ClientSession",
    "httpx.AsyncClient",
];
