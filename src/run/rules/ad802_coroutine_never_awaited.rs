crate::declare_rule! {
    /// ## What it does
    /// Reports a coroutine object that was garbage-collected without ever being awaited
    /// (Python's `RuntimeWarning: coroutine '...' was never awaited`). The finding points
    /// at the line of your code where the coroutine was dropped, which for a call used as
    /// a statement is where it was created; with `--python-debug` the creation site comes
    /// from coroutine origin tracking.
    ///
    /// ## Why is this bad?
    /// Calling an `async def` function only creates a coroutine object; its body never
    /// runs unless it is awaited or wrapped in a task. The work silently does not happen.
    ///
    /// ## Example
    /// ```python
    /// async def main():
    ///     save(record)  # never runs
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// async def main():
    ///     await save(record)
    /// ```
    pub static COROUTINE_NEVER_AWAITED = {
        code: "AD802",
        name: "coroutine-never-awaited",
        knowledge: "coroutine-never-awaited",
        default_enabled: true,
        origin: Runtime,
        help: "Await the coroutine, or schedule it with `asyncio.create_task()` and keep a reference",
    };
}
