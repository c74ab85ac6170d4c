crate::declare_rule! {
    /// ## What it does
    /// Reports tasks that were still pending when the program ended: when `asyncio.run()`
    /// finished (it then cancels them), when an event loop was closed, at interpreter exit
    /// or on SIGTERM. Each finding shows where the task was created and the await chain
    /// it was suspended in.
    ///
    /// ## Why is this bad?
    /// Work that was still running is cut off: its cleanup runs (if at all) during the
    /// loop's shutdown, after the code that should have waited for it has gone.
    ///
    /// ## Example
    /// ```python
    /// async def main():
    ///     asyncio.create_task(flush_metrics_forever())
    ///     await serve()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// async def main():
    ///     async with asyncio.TaskGroup() as tg:
    ///         tg.create_task(flush_metrics_forever())
    ///         await serve()
    /// ```
    pub static TASKS_PENDING_AT_EXIT = {
        code: "AD806",
        name: "tasks-pending-at-exit",
        knowledge: "task-destroyed-pending",
        default_enabled: true,
        origin: Runtime,
        help: "Cancel and await background tasks before the program ends (or run them in a `TaskGroup`)",
    };
}
