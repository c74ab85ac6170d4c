crate::declare_rule! {
    /// ## What it does
    /// *Opt-in.* Reports `await asyncio.wait_for(...)` and `async with
    /// asyncio.timeout(...)` (or `timeout_at`) that no enclosing `try` in the
    /// same function handles: no `except TimeoutError`, `except
    /// asyncio.TimeoutError`, `except OSError`, `except Exception`/`BaseException`
    /// or bare `except:` around it, and no `contextlib.suppress(...)` of one of
    /// those classes.
    ///
    /// ## Why is this bad?
    /// A timeout is an expected outcome, not a bug: when it fires, the
    /// `TimeoutError` propagates up through callers that usually do not expect
    /// it, and the request or task fails with an error that does not say which
    /// operation was slow. Handling it where the timeout is set keeps the
    /// decision (retry, fall back, report) next to the limit. This rule is
    /// opt-in because letting the timeout propagate to a caller that handles it
    /// is also a valid design.
    ///
    /// ## Example
    /// ```python
    /// import asyncio
    ///
    /// async def ping(conn):
    ///     await asyncio.wait_for(conn.ping(), timeout=5)
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
    ///         raise ConnectionError("no pong within 5 s") from None
    /// ```
    ///
    /// ## Python versions
    /// Before 3.11, catch `asyncio.TimeoutError` (the builtin `TimeoutError` does
    /// not match it; see AD403). `asyncio.timeout()` is 3.11+.
    pub static TIMEOUT_UNHANDLED = {
        code: "AD402",
        name: "timeout-unhandled",
        knowledge: "timeout",
        default_enabled: false,
        origin: Static,
        help: "Wrap it in `try: ... except asyncio.TimeoutError:` and decide what a timeout means here",
    };
}
