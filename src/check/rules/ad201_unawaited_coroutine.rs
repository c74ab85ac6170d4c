crate::declare_rule! {
    /// ## What it does
    /// Reports a call whose value is a coroutine that is thrown away: used as
    /// a statement, or assigned to a local that is never read. The callee is
    /// an `async def` of the checked project (same module, imported from
    /// another module, including through a package's `__init__` re-exports,
    /// `self.m()`/`cls.m()` through project base classes, `super().m()`), or
    /// a known library coroutine function (`asyncio.sleep`, `wait_for`,
    /// `wait`, `open_connection`, `start_server`,
    /// `create_subprocess_exec/shell`, `to_thread`, `StreamWriter.drain/
    /// wait_closed`, and `put/get/join/acquire/wait` on `asyncio.Queue/Lock/
    /// Event/Condition/Semaphore` objects known by local facts).
    ///
    /// Not reported: a value that is awaited, returned, yielded, passed to a
    /// call, stored, or scheduled (`create_task`, `gather`, `TaskGroup`);
    /// methods on receivers of unknown type; a function with a decorator that
    /// may change what it returns.
    ///
    /// ## Why is this bad?
    /// Calling an async function does not run it: it creates a coroutine
    /// object, which runs only when awaited or wrapped in a task. Thrown away,
    /// the work silently never happens and Python later warns
    /// `RuntimeWarning: coroutine 'X' was never awaited`.
    ///
    /// ## Example
    /// ```python
    /// async def save(order): ...
    ///
    /// async def checkout(order):
    ///     save(order)
    ///     return "ok"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// async def checkout(order):
    ///     await save(order)
    ///     return "ok"
    /// ```
    /// From sync code: `asyncio.run(save(order))` at the top level, or
    /// `asyncio.run_coroutine_threadsafe(save(order), loop)` from a thread.
    pub static UNAWAITED_COROUTINE = {
        code: "AD201",
        name: "unawaited-coroutine",
        knowledge: "coroutine-never-awaited",
        default_enabled: true,
        origin: Static,
        help: "Add `await`, or schedule it with `asyncio.create_task(...)` and keep a reference to the task",
    };
}

/// Library functions that return a coroutine.
pub const LIBRARY_COROUTINES: &[&str] = &[
    "asyncio.sleep",
    "asyncio.wait_for",
    "asyncio.wait",
    "asyncio.open_connection",
    "asyncio.start_server",
    "asyncio.open_unix_connection",
    "asyncio.start_unix_server",
    "asyncio.create_subprocess_exec",
    "asyncio.create_subprocess_shell",
    "asyncio.to_thread",
    "asyncio.StreamWriter.drain",
    "asyncio.StreamWriter.wait_closed",
    "asyncio.Queue.put",
    "asyncio.Queue.get",
    "asyncio.Queue.join",
    "asyncio.Lock.acquire",
    "asyncio.Event.wait",
    "asyncio.Condition.acquire",
    "asyncio.Condition.wait",
    "asyncio.Condition.wait_for",
    "asyncio.Semaphore.acquire",
];
