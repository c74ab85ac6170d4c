crate::declare_rule! {
    /// ## What it does
    /// Reports `t.cancel()` on a task the function created and holds in a local
    /// (`t = asyncio.create_task(...)`) when the function never awaits `t`, nor
    /// passes it to a call (`gather`, `wait`), returns, yields or stores it.
    /// Reported on the `t.cancel()` line.
    ///
    /// ## Why is this bad?
    /// `cancel()` only *requests* cancellation: the task runs on until its next
    /// `await`, then its `except`/`finally` blocks run. If nobody awaits it, that
    /// cleanup may never run before the loop closes, and asyncio logs "Task was
    /// destroyed but it is pending!" at shutdown. Awaiting the cancelled task
    /// (and expecting its `CancelledError`) is what makes the cancellation
    /// complete.
    ///
    /// Tasks kept in attributes or sets are not reported: their lifetime is
    /// managed elsewhere.
    ///
    /// ## Example
    /// ```python
    /// import asyncio
    ///
    /// async def serve(conn):
    ///     keepalive = asyncio.create_task(conn.keepalive())
    ///     await conn.run()
    ///     keepalive.cancel()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import asyncio
    /// import contextlib
    ///
    /// async def serve(conn):
    ///     keepalive = asyncio.create_task(conn.keepalive())
    ///     await conn.run()
    ///     keepalive.cancel()
    ///     with contextlib.suppress(asyncio.CancelledError):
    ///         await keepalive
    /// ```
    pub static CANCEL_NOT_AWAITED = {
        code: "AD404",
        name: "cancel-not-awaited",
        knowledge: "task-destroyed-pending",
        default_enabled: true,
        origin: Static,
        help: "Await the task after cancelling it (`with contextlib.suppress(asyncio.CancelledError): await t`)",
    };
}
