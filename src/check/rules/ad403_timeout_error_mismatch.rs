crate::declare_rule! {
    /// ## What it does
    /// When the configured `target-version` is below 3.11: reports `except
    /// TimeoutError` (the builtin) and `except concurrent.futures.TimeoutError`
    /// on a `try` whose body calls `asyncio.wait_for()` or `asyncio.timeout()`,
    /// unless the same clause also names `asyncio.TimeoutError`.
    ///
    /// ## Why is this bad?
    /// Before 3.11, `asyncio.TimeoutError` is its own class, not the builtin
    /// `TimeoutError` and not `concurrent.futures.TimeoutError`. The handler
    /// never matches: the timeout propagates as an unhandled
    /// `asyncio.TimeoutError` on 3.8–3.10, while tests on 3.11+ pass.
    ///
    /// ## Example
    /// ```python
    /// import asyncio
    ///
    /// async def ping(conn):
    ///     try:
    ///         await asyncio.wait_for(conn.ping(), timeout=5)
    ///     except TimeoutError:
    ///         return False
    ///     return True
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import asyncio
    ///
    /// async def ping(conn):
    ///     try:
    ///         await asyncio.wait_for(conn.ping(), timeout=5)
    ///     except asyncio.TimeoutError:
    ///         return False
    ///     return True
    /// ```
    ///
    /// ## Python versions
    /// From 3.11, `asyncio.TimeoutError` and `concurrent.futures.TimeoutError`
    /// are aliases of the builtin `TimeoutError`, so this rule only reports
    /// when the target version is 3.10 or older. `except asyncio.TimeoutError`
    /// is correct on every version.
    pub static TIMEOUT_ERROR_MISMATCH = {
        code: "AD403",
        name: "timeout-error-mismatch",
        knowledge: "timeout",
        default_enabled: true,
        origin: Static,
        help: "Catch `asyncio.TimeoutError` (the same class as `TimeoutError` from 3.11 on)",
    };
}
