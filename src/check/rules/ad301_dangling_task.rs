crate::declare_rule! {
    /// ## What it does
    /// Reports `asyncio.create_task(...)`, `asyncio.ensure_future(<call>)` and
    /// `loop.create_task(...)` (on a loop known by local facts) whose result is
    /// thrown away: the call is an expression statement. (`ensure_future` of a
    /// name is not reported: given a future or task it returns it unchanged.)
    ///
    /// ## Why is this bad?
    /// The event loop keeps only a weak reference to a task. A task nobody
    /// holds can be garbage-collected before it finishes ("Task was destroyed
    /// but it is pending!"), and if it fails, its exception is never retrieved
    /// and only shows up as a log line at garbage collection. `tg.create_task()`
    /// on an `asyncio.TaskGroup` (or `start_soon` on an anyio task group / trio
    /// nursery) is fine: the group holds and awaits its tasks. Tasks stored in
    /// a local are checked by AD302 instead.
    ///
    /// ## Example
    /// ```python
    /// import asyncio
    ///
    /// async def handle(request):
    ///     asyncio.create_task(audit_log(request))
    ///     return "ok"
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import asyncio
    ///
    /// background_tasks = set()
    ///
    /// async def handle(request):
    ///     task = asyncio.create_task(audit_log(request))
    ///     background_tasks.add(task)
    ///     task.add_done_callback(background_tasks.discard)
    ///     return "ok"
    /// ```
    pub static DANGLING_TASK = {
        code: "AD301",
        name: "dangling-task",
        knowledge: "task-destroyed-pending",
        default_enabled: true,
        origin: Static,
        help: "Keep a reference until it is done (`tasks.add(t); t.add_done_callback(tasks.discard)`) or start it in an `asyncio.TaskGroup`",
    };
}
