crate::declare_rule! {
    /// ## What it does
    /// Reports `await asyncio.gather(...)` without `return_exceptions=True`
    /// when every gathered awaitable is a task cancelled earlier in the same
    /// function (`for t in tasks: t.cancel()` then
    /// `await asyncio.gather(*tasks)`).
    ///
    /// ## Why is this bad?
    /// Each cancelled task ends with `CancelledError`. Without
    /// `return_exceptions=True`, `gather` raises the first one it sees: the
    /// shutdown code stops there, as if the caller itself had been cancelled,
    /// and the remaining tasks are never awaited, so their cleanup may not run
    /// before the loop closes. (`gather` does not cancel or wait for the other
    /// awaitables when one fails.)
    ///
    /// ## Example
    /// ```python
    /// import asyncio
    ///
    /// async def shutdown(tasks):
    ///     for t in tasks:
    ///         t.cancel()
    ///     await asyncio.gather(*tasks)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import asyncio
    ///
    /// async def shutdown(tasks):
    ///     for t in tasks:
    ///         t.cancel()
    ///     await asyncio.gather(*tasks, return_exceptions=True)
    /// ```
    pub static SHUTDOWN_GATHER_RAISES = {
        code: "AD702",
        name: "shutdown-gather-raises",
        knowledge: "cancelled",
        default_enabled: true,
        origin: Static,
        help: "Pass `return_exceptions=True` so every cancelled task is awaited",
    };
}
