crate::declare_rule! {
    /// ## What it does
    /// Reports `signal.signal()` called in an async function, or in a
    /// function that runs in another thread (see AD103 for how that is found).
    ///
    /// ## Why is this bad?
    /// Python runs signal handlers only in the main thread of the main
    /// interpreter: `signal.signal()` elsewhere raises
    /// `ValueError: signal only works in main thread of the main interpreter`.
    /// In async code, a handler installed with `signal.signal()` also runs
    /// between bytecodes of whatever the loop is doing, not as a loop callback.
    ///
    /// ## Example
    /// ```python
    /// import signal
    ///
    /// async def serve():
    ///     signal.signal(signal.SIGTERM, lambda *_: stop.set())
    ///     await stop.wait()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import asyncio, signal
    ///
    /// async def serve():
    ///     loop = asyncio.get_running_loop()
    ///     loop.add_signal_handler(signal.SIGTERM, stop.set)
    ///     await stop.wait()
    /// ```
    /// In worker threads, install handlers in the main thread and tell the
    /// workers through an event or a queue.
    pub static SIGNAL_HANDLER_OFF_MAIN_THREAD = {
        code: "AD104",
        name: "signal-handler-off-main-thread",
        knowledge: "signal-off-main-thread",
        default_enabled: true,
        origin: Static,
        help: "Use `loop.add_signal_handler(...)` on the main thread's loop, or install the handler in the main thread",
    };
}
