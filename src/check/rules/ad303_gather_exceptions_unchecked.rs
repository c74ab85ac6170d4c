crate::declare_rule! {
    /// ## What it does
    /// Reports `await asyncio.gather(..., return_exceptions=True)` whose result
    /// is thrown away, or assigned to a local that is never read (or read only
    /// by `len()`).
    ///
    /// ## Why is this bad?
    /// With `return_exceptions=True`, `gather` does not raise: each failure is
    /// returned in the result list in place of a value. Nobody looks at the list,
    /// so every failure vanishes silently. Any other read of the result counts
    /// as inspected (iterating, indexing, passing it on, returning it).
    ///
    /// Not reported: the shutdown idiom, where every gathered awaitable is a
    /// task cancelled earlier in the same function
    /// (`for t in tasks: t.cancel()` then
    /// `await asyncio.gather(*tasks, return_exceptions=True)`): there the
    /// results are the expected `CancelledError`s. Also not reported, because
    /// there ignoring errors is usually deliberate best-effort cleanup: gathers
    /// inside `except` and `finally` blocks, and in functions whose name says
    /// they tear down (`close`, `aclose`, `stop`, `shutdown`, `cleanup`,
    /// `disconnect`, `__aexit__`, `terminate`, `dispose`, `release`...).
    ///
    /// ## Example
    /// ```python
    /// import asyncio
    ///
    /// async def notify_all(users):
    ///     await asyncio.gather(*(send(u) for u in users), return_exceptions=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import asyncio
    ///
    /// async def notify_all(users):
    ///     results = await asyncio.gather(*(send(u) for u in users), return_exceptions=True)
    ///     for user, result in zip(users, results):
    ///         if isinstance(result, Exception):
    ///             log.error("notifying %s failed", user, exc_info=result)
    /// ```
    pub static GATHER_EXCEPTIONS_UNCHECKED = {
        code: "AD303",
        name: "gather-exceptions-unchecked",
        knowledge: "gather-swallowed",
        default_enabled: true,
        origin: Static,
        help: "Check each result with `isinstance(result, BaseException)` and log or re-raise failures",
    };
}
