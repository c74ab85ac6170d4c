crate::declare_rule! {
    /// ## What it does
    /// Reports a task that was garbage-collected while still pending (asyncio's `Task was
    /// destroyed but it is pending!`), at the line that created it. The creation site is
    /// recorded cheaply by a task factory that creates the ordinary `asyncio.Task`: task
    /// names and reprs are unchanged. A program that creates thousands of tasks
    /// per second gets creation sites for a sample of them; for the others the
    /// finding points at the task's coroutine.
    ///
    /// ## Why is this bad?
    /// The event loop keeps only weak references to tasks. A task nobody references,
    /// waiting on a future nobody references, is collected mid-flight: its remaining
    /// work and its `finally` blocks never run.
    ///
    /// ## Example
    /// ```python
    /// async def main():
    ///     asyncio.create_task(worker())  # nothing keeps the task alive
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// background = set()
    ///
    /// async def main():
    ///     task = asyncio.create_task(worker())
    ///     background.add(task)
    ///     task.add_done_callback(background.discard)
    /// ```
    pub static TASK_DESTROYED_PENDING = {
        code: "AD803",
        name: "task-destroyed-pending",
        knowledge: "task-destroyed-pending",
        default_enabled: true,
        origin: Runtime,
        help: "Keep a reference to the task (a set plus `add_done_callback(set.discard)`) or use a `TaskGroup`",
    };
}
