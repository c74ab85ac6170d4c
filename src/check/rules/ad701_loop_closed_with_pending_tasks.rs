crate::declare_rule! {
    /// ## What it does
    /// Reports `loop.close()` on a loop known by local facts
    /// (`asyncio.new_event_loop()`, `asyncio.get_event_loop()`) that the same
    /// function ran (`run_until_complete`/`run_forever`), when nothing before
    /// the `close()` in that function cancels and awaits the pending tasks or
    /// shuts down async generators: no `loop.shutdown_asyncgens()`, no
    /// `asyncio.all_tasks()`, no `.cancel()`, no `gather(...,
    /// return_exceptions=True)`, no call that is handed the loop (a project
    /// helper such as `cancel_all_tasks(loop)`), and no
    /// `loop.run_until_complete(self.shutdown())`-style call of a project
    /// function or method named for teardown (`shutdown`, `stop`, `close`,
    /// `cleanup`...), which may do it.
    ///
    /// ## Why is this bad?
    /// Tasks still pending when the loop closes never finish: their `finally`
    /// blocks do not run, asyncio logs "Task was destroyed but it is pending!",
    /// and async generators are never finalized. `asyncio.run()` (and
    /// `asyncio.Runner`, 3.11+) cancels the remaining tasks, waits for them and
    /// calls `shutdown_asyncgens()` for you.
    ///
    /// Loops closed in a function that never runs them are not reported (they
    /// have no tasks, or are run elsewhere).
    ///
    /// ## Example
    /// ```python
    /// import asyncio
    ///
    /// def main():
    ///     loop = asyncio.new_event_loop()
    ///     try:
    ///         loop.run_until_complete(serve())
    ///     finally:
    ///         loop.close()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import asyncio
    ///
    /// def main():
    ///     loop = asyncio.new_event_loop()
    ///     try:
    ///         loop.run_until_complete(serve())
    ///     finally:
    ///         pending = asyncio.all_tasks(loop)
    ///         for task in pending:
    ///             task.cancel()
    ///         loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    ///         loop.run_until_complete(loop.shutdown_asyncgens())
    ///         loop.close()
    /// ```
    /// Or simply `asyncio.run(serve())`.
    pub static LOOP_CLOSED_WITH_PENDING_TASKS = {
        code: "AD701",
        name: "loop-closed-with-pending-tasks",
        knowledge: "loop-closed",
        default_enabled: true,
        origin: Static,
        help: "Use `asyncio.run()`, or cancel and await the pending tasks and run `loop.shutdown_asyncgens()` before `loop.close()`",
    };
}
