crate::declare_rule! {
    /// ## What it does
    /// Reports a task that was cancelled and then finished normally, without raising
    /// `CancelledError`: the cancellation was swallowed. Python 3.11+ only. Reported at
    /// the line that created the task (else where its coroutine is defined).
    ///
    /// It uses the cancel-request count asyncio keeps since 3.11
    /// (`Task.cancelling()`, which `uncancel()` decrements), so a task that catches the
    /// `TimeoutError` of `asyncio.timeout()` or `wait_for()` is not reported: the timeout
    /// took its request back. Before 3.11 there is no such count, and timeout helpers
    /// (async-timeout, anyio) swallow cancellations on purpose, so nothing is reported
    /// on 3.9 and 3.10.
    ///
    /// The harness wraps `Task.cancel` and `Task.uncancel` (nothing is added to tasks,
    /// so their reprs stay the program's) and keeps each cancelled task until it sees
    /// it finish, so a task that swallows its cancellation and is dropped at once is
    /// reported too. Requests that asyncio's own `TaskGroup` makes are not counted
    /// against the task: on 3.11 and 3.12 a group whose child fails while its parent
    /// waits at the end of `async with` never takes its request back.
    ///
    /// ## Why is this bad?
    /// `asyncio.timeout()`, `TaskGroup` and shutdown rely on cancellation reaching the
    /// task: a task that swallows it keeps running, and whoever cancelled it believes it
    /// stopped.
    ///
    /// ## Example
    /// ```python
    /// async def worker():
    ///     try:
    ///         await work()
    ///     except asyncio.CancelledError:
    ///         pass
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// async def worker():
    ///     try:
    ///         await work()
    ///     except asyncio.CancelledError:
    ///         cleanup()
    ///         raise
    /// ```
    pub static CANCELLATION_SWALLOWED_AT_RUNTIME = {
        code: "AD809",
        name: "cancellation-swallowed-at-runtime",
        knowledge: "cancelled",
        default_enabled: true,
        origin: Runtime,
        help: "Re-raise `asyncio.CancelledError` after cleanup (or call `task.uncancel()` deliberately)",
    };
}
