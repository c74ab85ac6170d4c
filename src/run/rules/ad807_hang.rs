crate::declare_rule! {
    /// ## What it does
    /// Reports that no task made progress for longer than `--hang-threshold` (default
    /// 10 s) while tasks were waiting on each other: a cycle of tasks waiting for
    /// `asyncio.Lock`s held by one another or for each other, or every task waiting on
    /// a lock, event, queue or future with no timer or I/O left that could wake them.
    /// The finding shows the await graph: what each task waits on and which task holds
    /// each `asyncio.Lock`. The "nothing left that could wake them" case needs
    /// the standard event loop (its timers and selector are inspected); on other
    /// loops only lock cycles are reported.
    ///
    /// ## Why is this bad?
    /// A deadlocked asyncio program does not crash and uses no CPU; thread dumps show
    /// only the idle event loop. Without the await graph it is very hard to see who waits
    /// for whom.
    ///
    /// ## Example
    /// ```python
    /// async def a():
    ///     async with lock1:
    ///         await asyncio.sleep(0)
    ///         async with lock2: ...
    ///
    /// async def b():
    ///     async with lock2:
    ///         await asyncio.sleep(0)
    ///         async with lock1: ...
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// async def a():
    ///     async with lock1:
    ///         async with lock2: ...
    ///
    /// async def b():
    ///     async with lock1:  # the same order everywhere
    ///         async with lock2: ...
    /// ```
    pub static HANG = {
        code: "AD807",
        name: "hang",
        knowledge: "hang",
        default_enabled: true,
        origin: Runtime,
        help: "Acquire locks in one global order, and make sure every awaited future or event is eventually set",
    };
}
