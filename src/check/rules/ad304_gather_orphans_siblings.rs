crate::declare_rule! {
    /// ## What it does
    /// *Opt-in.* Reports `await asyncio.gather(...)` with the default
    /// `return_exceptions=False` inside a `try` that has a handler which does
    /// not re-raise (it catches the error and carries on).
    ///
    /// ## Why is this bad?
    /// When one awaitable fails, `gather` raises its exception right away but
    /// does **not** cancel the others: they keep running, unsupervised, after
    /// the handler has decided the operation failed. Their results are lost and
    /// their own failures surface later only as "Task exception was never
    /// retrieved". (A common belief, repeated in many guides, is that `gather`
    /// cancels the remaining awaitables; it does not. `asyncio.TaskGroup`,
    /// 3.11+, is what cancels siblings.)
    ///
    /// Not reported: gathers of tasks that were all cancelled earlier in the
    /// function (shutdown code), and handlers that contain a `raise`.
    ///
    /// ## Example
    /// ```python
    /// import asyncio
    ///
    /// async def load(user_id):
    ///     try:
    ///         profile, orders = await asyncio.gather(get_profile(user_id), get_orders(user_id))
    ///     except LookupError:
    ///         return None
    ///     return profile, orders
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import asyncio
    ///
    /// async def load(user_id):
    ///     try:
    ///         async with asyncio.TaskGroup() as tg:
    ///             profile = tg.create_task(get_profile(user_id))
    ///             orders = tg.create_task(get_orders(user_id))
    ///     except* LookupError:
    ///         return None
    ///     return profile.result(), orders.result()
    /// ```
    ///
    /// ## Python versions
    /// `asyncio.TaskGroup` and `except*` need 3.11; before that, cancel the
    /// remaining tasks yourself in the handler (`for t in tasks: t.cancel()`)
    /// and await them.
    pub static GATHER_ORPHANS_SIBLINGS = {
        code: "AD304",
        name: "gather-orphans-siblings",
        knowledge: "exception-never-retrieved",
        default_enabled: false,
        origin: Static,
        help: "Use an `asyncio.TaskGroup` (3.11+), which cancels the siblings, or cancel the remaining tasks in the handler",
    };
}
