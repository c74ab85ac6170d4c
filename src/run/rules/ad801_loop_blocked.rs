crate::declare_rule! {
    /// ## What it does
    /// Reports, at run time, that the event loop did not get control back for longer than
    /// `--block-threshold` (default 100 ms). The finding points at the innermost line of
    /// *your* code that was running while the loop was blocked: the harness samples the
    /// loop thread's stack while the stall is happening (not afterwards), so a
    /// `time.sleep()` inside a helper is named, not the `await` that follows it.
    ///
    /// ## Why is this bad?
    /// While one callback or task step runs, nothing else on the loop does: other
    /// tasks stall, timers fire late, connections time out. Static checks (AD501-AD508)
    /// find known blocking calls; this finds all of them, including CPU-heavy loops and
    /// slow calls inside third-party libraries.
    ///
    /// ## Example
    /// ```python
    /// import time
    ///
    /// def load():
    ///     time.sleep(0.5)  # reported: the loop is blocked here
    ///
    /// async def handler():
    ///     load()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import asyncio
    ///
    /// async def handler():
    ///     await asyncio.to_thread(load)
    /// ```
    pub static LOOP_BLOCKED = {
        code: "AD801",
        name: "loop-blocked",
        knowledge: "loop-blocked",
        default_enabled: true,
        origin: Runtime,
        help: "Move the blocking call off the loop (`await asyncio.to_thread(f, ...)`) or use its async equivalent",
    };
}
