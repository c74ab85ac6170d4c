crate::declare_rule! {
    /// ## What it does
    /// Reports `aiohttp.ClientSession()` and `httpx.AsyncClient()` created
    /// inside the body of a `for`/`while` loop or a comprehension of the same
    /// function, or created for its own use (`async with ClientSession()`,
    /// assigned to a local, returned) by a function of the same module that is
    /// called in a loop or comprehension there (`f()` for a module-level
    /// function, `self.m()` for a method of the same class). Reported at the
    /// client creation.
    ///
    /// ## Why is this bad?
    /// A client owns a connection pool. A new client per request opens a new
    /// connection (and TLS handshake) every time and throws the pool away, so
    /// sockets pile up in `TIME_WAIT` and throughput collapses under load.
    /// Create one client and reuse it for every request.
    ///
    /// Clients cached on `self` (`self._session = ClientSession()`) are created
    /// once and not reported. Calls from other modules are not followed (that
    /// needs the project call graph).
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
