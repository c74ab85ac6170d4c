crate::declare_rule! {
    /// ## What it does
    /// Reports calls to `asyncio.get_event_loop()`. In an async function the
    /// advice is `asyncio.get_running_loop()`; elsewhere it depends on the
    /// configured `target-version`.
    ///
    /// ## Why is this bad?
    /// Inside a coroutine, `get_event_loop()` returns the running loop, but
    /// `get_running_loop()` says what is meant and can never create or return a
    /// different loop. Outside a running loop, `get_event_loop()` falls back to
    /// the policy's loop for the current thread: in a worker thread that raises
    /// "There is no current event loop in thread ...", and in the main thread
    /// the implicit loop creation is deprecated.
    ///
    /// Calls inside an `if sys.version_info ...` block are not reported (that is
    /// compatibility code for old versions), nor `get_event_loop()` methods of
    /// other objects (`policy.get_event_loop()`).
    ///
    /// ## Example
    /// ```python
    /// import asyncio
    ///
    /// async def fetch(executor, path):
    ///     loop = asyncio.get_event_loop()
    ///     return await loop.run_in_executor(executor, read, path)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import asyncio
    ///
    /// async def fetch(executor, path):
    ///     loop = asyncio.get_running_loop()
    ///     return await loop.run_in_executor(executor, read, path)
    /// ```
    ///
    /// ## Python versions
    /// 3.10 and 3.11 emit a `DeprecationWarning` when `get_event_loop()` is
    /// called without a running loop; 3.12 widens the warning; from 3.14 it
    /// raises `RuntimeError` when no loop is set. `asyncio.Runner` (suggested
    /// for top-level code when the target is 3.11 or later) exists from 3.11;
    /// below that, start the program with `asyncio.run()` (3.7+) or own a loop
    /// made by `asyncio.new_event_loop()`.
    pub static GET_EVENT_LOOP = {
        code: "AD102",
        name: "get-event-loop",
        knowledge: "no-current-event-loop",
        default_enabled: true,
        origin: Static,
        help: "Use `asyncio.get_running_loop()` inside coroutines and callbacks; start programs with `asyncio.run()`",
    };
}
