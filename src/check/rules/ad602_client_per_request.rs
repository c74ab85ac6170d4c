crate::declare_rule! {
    /// ## What it does
    /// Reports `aiohttp.ClientSession()` and `httpx.AsyncClient()` created
    /// inside the body of a `for`/`while` loop or a comprehension of the same
    /// function. Reported at the client creation.
    ///
    /// ## Why is this bad?
    /// A client owns a connection pool. A new client per request opens a new
    /// connection (and TLS handshake) every time and throws the pool away, so
    /// sockets pile up in `TIME_WAIT` and throughput collapses under load.
    /// Create one client and reuse it for every request.
    ///
    /// Not yet reported: clients created in a function that is itself called
    /// in a loop elsewhere (that needs the project call graph).
    ///
    /// ## Example
    /// ```python
    /// import aiohttp
    ///
    /// async def fetch_all(urls):
    ///     pages = []
    ///     for url in urls:
    ///         async with aiohttp.ClientSession() as session:
    ///             async with session.get(url) as response:
    ///                 pages.append(await response.text())
    ///     return pages
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import aiohttp
    ///
    /// async def fetch_all(urls):
    ///     pages = []
    ///     async with aiohttp.ClientSession() as session:
    ///         for url in urls:
    ///             async with session.get(url) as response:
    ///                 pages.append(await response.text())
    ///     return pages
    /// ```
    pub static CLIENT_PER_REQUEST = {
        code: "AD602",
        name: "client-per-request",
        knowledge: "pool-exhausted",
        default_enabled: true,
        origin: Static,
        help: "Create the client once (outside the loop, or per application) and reuse it",
    };
}
