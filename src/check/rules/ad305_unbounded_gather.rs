crate::declare_rule! {
    /// ## What it does
    /// Reports unbounded fan-out over data:
    /// - `asyncio.gather(*<comprehension or generator>)` whose items are calls
    ///   and whose iterable is data sized at run time, `asyncio.gather(*map(f,
    ///   data))`, and `asyncio.gather(*coros)` where `coros` was built that way
    ///   in the same function;
    /// - `asyncio.create_task(...)`, `loop.create_task(...)`,
    ///   `tg.create_task(...)` and anyio's `tg.start_soon(...)` inside a `for`
    ///   loop over data.
    ///
    /// ## Why is this bad?
    /// Every item starts at once: with ten items that is fine, with a hundred
    /// thousand it opens a hundred thousand sockets, exhausts the connection
    /// pool ("Connection pool exhausted", "Too many open files") or memory, and
    /// overloads the server on the other side. A semaphore caps how many run
    /// at the same time.
    ///
    /// "Data sized at run time" is, for precision, much narrower than the
    /// catalog's "anything not a literal": a local fetched with `await` (`keys =
    /// await redis.keys("job:*")`, `rows = await conn.fetch(query)`), and
    /// `enumerate`/`zip`/`.items()`/comprehensions over it. Parameters
    /// (`urls`), attributes (`self.listeners`, `self.handlers`) and other calls
    /// are not followed: on real code they were mostly a handful of configured
    /// objects, and the size of a parameter is decided by callers we do not see.
    ///
    /// Not reported: `range(...)` of anything (worker pools such as `for _ in
    /// range(self.workers)`), literal iterables, items that are not calls
    /// (existing tasks), gathers in teardown code (`close()`, `shutdown()`,
    /// `finally:` blocks), calls inside an `async with <semaphore>` block or
    /// after a semaphore `acquire()` in the function, and any file that uses a
    /// `Semaphore`/`CapacityLimiter` at all (the called coroutine may acquire
    /// it; looking into the called coroutine across modules needs the project
    /// call graph).
    ///
    /// ## Example
    /// ```python
    /// import asyncio
    ///
    /// async def refresh_all(redis, client):
    ///     keys = await redis.keys("user:*")
    ///     return await asyncio.gather(*(client.refresh(key) for key in keys))
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import asyncio
    ///
    /// async def refresh_all(redis, client):
    ///     keys = await redis.keys("user:*")
    ///     limit = asyncio.Semaphore(20)
    ///
    ///     async def refresh(key):
    ///         async with limit:
    ///             return await client.refresh(key)
    ///
    ///     return await asyncio.gather(*(refresh(key) for key in keys))
    /// ```
    pub static UNBOUNDED_GATHER = {
        code: "AD305",
        name: "unbounded-gather",
        knowledge: "pool-exhausted",
        default_enabled: true,
        origin: Static,
        help: "Bound the concurrency: acquire an `asyncio.Semaphore(N)` in the coroutine, or use a fixed pool of workers",
    };
}

/// `sem`, `self._semaphore`, `limiter`, `self.rate_limit`: a concurrency cap.
pub(crate) fn looks_like_limiter(written: &str) -> bool {
    let lower = written.to_ascii_lowercase();
    lower.contains("sem") || lower.contains("limit")
}
