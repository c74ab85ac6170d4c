crate::declare_rule! {
    /// ## What it does
    /// Reports a call that schedules work on a running event loop (`loop.call_soon`,
    /// `call_later`, `call_at`, `create_task`, `Future.set_result` and everything built
    /// on them) made from a thread other than the loop's. Observed on the standard
    /// event loop; uvloop's loop cannot be hooked cheaply. The check is
    /// installed when the program starts its first thread (a pure-asyncio
    /// program does not pay for it).
    ///
    /// ## Why is this bad?
    /// The loop's data structures are not thread-safe and the loop is not woken up: the
    /// callback may run late, never, or corrupt the loop's state.
    ///
    /// ## Example
    /// ```python
    /// def worker(loop, fut):
    ///     fut.set_result(42)  # from a thread
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// def worker(loop, fut):
    ///     loop.call_soon_threadsafe(fut.set_result, 42)
    /// ```
    pub static THREAD_UNSAFE_LOOP_CALL = {
        code: "AD808",
        name: "thread-unsafe-loop-call",
        knowledge: "thread-unsafe-call",
        default_enabled: true,
        origin: Runtime,
        help: "From other threads use `loop.call_soon_threadsafe()` or `asyncio.run_coroutine_threadsafe()`",
    };
}
