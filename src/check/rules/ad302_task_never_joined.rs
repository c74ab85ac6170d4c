crate::declare_rule! {
    /// ## What it does
    /// Reports a task stored in a local (`t = asyncio.create_task(...)`,
    /// `asyncio.ensure_future(...)`, `loop.create_task(...)`) that the function
    /// never awaits, cancels, returns, yields, passes to a call, stores in a
    /// container or attribute, or gives a done-callback. Reported on the line
    /// of the assignment.
    ///
    /// ## Why is this bad?
    /// When the function returns, the local was the only strong reference to
    /// the task: it may be garbage-collected while still pending ("Task was
    /// destroyed but it is pending!"), and an exception it raises is never
    /// retrieved ("Task exception was never retrieved"). For precision, any
    /// later read of the local anywhere in the function (even `t.done()`, or
    /// using it as a dictionary key) counts: the rule only reports tasks that
    /// nothing ever looks at again.
    ///
    /// ## Example
    /// ```python
    /// import asyncio
    ///
    /// async def start(conn):
    ///     heartbeat = asyncio.create_task(conn.ping_forever())
    ///     await conn.serve()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import asyncio
    ///
    /// async def start(conn):
    ///     heartbeat = asyncio.create_task(conn.ping_forever())
    ///     try:
    ///         await conn.serve()
    ///     finally:
    ///         heartbeat.cancel()
    ///         await asyncio.gather(heartbeat, return_exceptions=True)
    /// ```
    pub static TASK_NEVER_JOINED = {
        code: "AD302",
        name: "task-never-joined",
        knowledge: "task-destroyed-pending",
        default_enabled: true,
        origin: Static,
        help: "Await the task, cancel and await it when done with it, or keep it in a set with `add_done_callback(tasks.discard)`",
    };
}
