crate::declare_rule! {
    /// ## What it does
    /// Reports a task that was cancelled and then finished normally, without raising
    /// `CancelledError`: the cancellation was swallowed. Uses the cancel-request count
    /// that asyncio keeps since Python 3.11 (`Task.cancelling()`), so it is not reported
    /// on 3.9 and 3.10.
    ///
    /// The harness adds no done-callback to tasks (it would show in their
    /// repr), so it checks finished tasks when it looks: at each heartbeat for
    /// new tasks, about once a second for older ones, and when the loop stops.
    /// A task that swallows its cancellation and is dropped by the program
    /// between two looks is missed.
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
