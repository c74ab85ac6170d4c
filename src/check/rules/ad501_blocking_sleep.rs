use crate::check::blocking::BlockingPattern;

crate::declare_rule! {
    /// ## What it does
    /// Reports `time.sleep()` called in an async function.
    ///
    /// ## Why is this bad?
    /// `time.sleep()` suspends the whole thread, and the event loop runs on
    /// that thread: while it sleeps no other task makes progress, timers fire
    /// late and connections time out. `await asyncio.sleep()` suspends only the
    /// current task and lets the loop run the others.
    ///
    /// Calls inside a nested `def` or `lambda` are not reported (they run when
    /// called, possibly in a thread), nor are functions passed by reference to
    /// `asyncio.to_thread`, `loop.run_in_executor` or `anyio.to_thread.run_sync`.
    ///
    /// ## Example
    /// ```python
    /// import time
    ///
    /// async def poll(client):
    ///     while not await client.ready():
    ///         time.sleep(0.5)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import asyncio
    ///
    /// async def poll(client):
    ///     while not await client.ready():
    ///         await asyncio.sleep(0.5)
    /// ```
    pub static BLOCKING_SLEEP = {
        code: "AD501",
        name: "blocking-sleep",
        knowledge: "loop-blocked",
        default_enabled: true,
        origin: Static,
        help: "Use `await asyncio.sleep(...)`, which suspends only this task",
    };
}

pub const PATTERNS: &[BlockingPattern] = &[BlockingPattern::new("time.sleep")];
