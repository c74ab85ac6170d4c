crate::declare_rule! {
    /// ## What it does
    /// Reports a coroutine object stored in a local and awaited a second time
    /// on some path through the function: `c = fetch(); await c; await c`,
    /// or `c = fetch()` before a retry loop whose body awaits `c` without
    /// calling `fetch()` again. The coroutine comes from an `async def` of the
    /// project or a known library coroutine function; reported on the second
    /// `await`.
    ///
    /// Not reported: tasks and futures (`t = asyncio.create_task(...)` may be
    /// awaited any number of times), a name reassigned between the awaits, and
    /// awaits in branches that exclude each other.
    ///
    /// ## Why is this bad?
    /// A coroutine object runs once. Awaiting it again raises
    /// `RuntimeError: cannot reuse already awaited coroutine` — typically on
    /// the first retry, which is exactly when the code was supposed to
    /// recover.
    ///
    /// ## Example
    /// ```python
    /// async def fetch(url): ...
    ///
    /// async def fetch_with_retry(url):
    ///     attempt = fetch(url)
    ///     for _ in range(3):
    ///         try:
    ///             return await attempt
    ///         except ConnectionError:
    ///             pass
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// async def fetch(url): ...
    ///
    /// async def fetch_with_retry(url):
    ///     for _ in range(3):
    ///         try:
    ///             return await fetch(url)
    ///         except ConnectionError:
    ///             pass
    /// ```
    /// or wrap it once in a task (`t = asyncio.create_task(fetch(url))`) if
    /// several places need the same result.
    pub static COROUTINE_REUSED = {
        code: "AD203",
        name: "coroutine-reused",
        knowledge: "coroutine-reused",
        default_enabled: true,
        origin: Static,
        help: "Create a new coroutine for each await, or wrap it once in a task with `asyncio.create_task(...)`",
    };
}
