crate::declare_rule! {
    /// ## What it does
    /// Reports an async resource stored in a local without `async with` and
    /// not released in a `finally` block: `aiohttp.ClientSession()`,
    /// `httpx.AsyncClient()`, `await asyncpg.connect()`, `await
    /// asyncpg.create_pool()`, `await pool.acquire()` on an asyncpg pool known by
    /// local facts, `await aiosqlite.connect()`, and the writer of `await
    /// asyncio.open_connection()`. Reported where the resource is created, once
    /// when it is never closed and once when it is closed only on the happy
    /// path (an exception before the `close()` skips it).
    ///
    /// ## Why is this bad?
    /// Each of these holds sockets or pooled connections until it is closed.
    /// Leaked ones pile up until the pool is exhausted ("Connection pool
    /// exhausted", "too many open files"), and aiohttp warns "Unclosed client
    /// session" at garbage collection.
    ///
    /// Not reported: resources entered with `async with` later, released
    /// (`close()`, `aclose()`, `release()`, `terminate()`) in a `finally` block
    /// or both in an `except` block and after it, and resources whose ownership
    /// moves elsewhere: returned, yielded, stored in an attribute, container or
    /// mapping, passed to a function or constructor, used by a nested function.
    ///
    /// ## Example
    /// ```python
    /// import aiohttp
    ///
    /// async def fetch(url):
    ///     session = aiohttp.ClientSession()
    ///     async with session.get(url) as response:
    ///         return await response.text()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import aiohttp
    ///
    /// async def fetch(url):
    ///     async with aiohttp.ClientSession() as session:
    ///         async with session.get(url) as response:
    ///             return await response.text()
    /// ```
    pub static ASYNC_RESOURCE_LEAK = {
        code: "AD601",
        name: "async-resource-leak",
        knowledge: "unclosed-resource",
        default_enabled: true,
        origin: Static,
        help: "Use `async with`, or release it in a `finally:` block",
    };
}
