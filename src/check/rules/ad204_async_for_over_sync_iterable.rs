crate::declare_rule! {
    /// ## What it does
    /// Reports `async for` over something that is certainly not an async
    /// iterable — a list, tuple, set, dict or string literal, a comprehension,
    /// `range()`, `zip()`, `enumerate()`, `open()`, or a call to a project
    /// sync generator — and the reverse: a plain `for` over a call to a
    /// project async generator. Iterables of unknown type are not reported.
    ///
    /// ## Why is this bad?
    /// `async for` needs `__aiter__`/`__anext__`: over a list it raises
    /// `TypeError: 'async for' requires an object with __aiter__ method, got
    /// list` at run time (nothing fails silently; it just fails late). A plain
    /// `for` over an async generator raises `TypeError: 'async_generator'
    /// object is not iterable`.
    ///
    /// ## Example
    /// ```python
    /// async def process(ids):
    ///     async for i in range(len(ids)):
    ///         await handle(ids[i])
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// async def process(ids):
    ///     for i in range(len(ids)):
    ///         await handle(ids[i])
    /// ```
    pub static ASYNC_FOR_OVER_SYNC_ITERABLE = {
        code: "AD204",
        name: "async-for-over-sync-iterable",
        knowledge: "async-for-sync-iterable",
        default_enabled: true,
        origin: Static,
        help: "Use `for` for ordinary iterables and `async for` for async iterators and async generators",
    };
}

/// Builtins whose result is a plain (sync) iterable.
pub const SYNC_ITERABLE_CALLS: &[&str] = &[
    "builtins.range",
    "builtins.zip",
    "builtins.enumerate",
    "builtins.open",
    "builtins.sorted",
    "builtins.reversed",
    "builtins.list",
    "builtins.tuple",
    "builtins.set",
    "builtins.dict",
    "builtins.map",
    "builtins.filter",
    "builtins.iter",
];
