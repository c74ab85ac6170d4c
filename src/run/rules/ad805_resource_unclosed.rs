crate::declare_rule! {
    /// ## What it does
    /// Reports a `ResourceWarning` raised at run time (an unclosed socket, transport,
    /// file, subprocess, or a library's `Unclosed client session`). The harness sees
    /// these warnings even though Python hides them by default, and still shows them
    /// only where the program's own warning filters would. The finding points at the
    /// line of your code where the object was dropped; when `tracemalloc` is tracing
    /// (`PYTHONTRACEMALLOC=5`), at the line that allocated it.
    ///
    /// ## Why is this bad?
    /// An object that is garbage-collected instead of closed holds its file descriptor
    /// or connection until then; under load the process runs out of descriptors or the
    /// server's pool runs dry.
    ///
    /// ## Example
    /// ```python
    /// async def main():
    ///     reader, writer = await asyncio.open_connection(host, port)
    ///     writer.write(b"ping")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// async def main():
    ///     reader, writer = await asyncio.open_connection(host, port)
    ///     try:
    ///         writer.write(b"ping")
    ///     finally:
    ///         writer.close()
    ///         await writer.wait_closed()
    /// ```
    pub static RESOURCE_UNCLOSED = {
        code: "AD805",
        name: "resource-unclosed",
        knowledge: "unclosed-resource",
        default_enabled: true,
        origin: Runtime,
        help: "Close the resource with `with`/`async with` or in a `finally` block",
    };
}
