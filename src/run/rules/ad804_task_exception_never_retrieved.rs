crate::declare_rule! {
    /// ## What it does
    /// Reports a task that finished with an exception that nobody retrieved (asyncio's
    /// `Task exception was never retrieved`), with the exception and the line that
    /// created the task.
    ///
    /// ## Why is this bad?
    /// The error is only logged when the task object is garbage-collected, possibly
    /// much later and far from the cause; the code that should have handled it never
    /// learns that it failed.
    ///
    /// ## Example
    /// ```python
    /// async def main():
    ///     asyncio.create_task(fetch())  # fetch() raises; nobody sees it
    ///     await asyncio.sleep(1)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// async def main():
    ///     task = asyncio.create_task(fetch())
    ///     ...
    ///     await task  # the exception is raised here
    /// ```
    pub static TASK_EXCEPTION_NEVER_RETRIEVED = {
        code: "AD804",
        name: "task-exception-never-retrieved",
        knowledge: "exception-never-retrieved",
        default_enabled: true,
        origin: Runtime,
        help: "Await the task (or `gather` it), or add a done-callback that handles `task.exception()`",
    };
}
