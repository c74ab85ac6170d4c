crate::declare_rule! {
    /// ## What it does
    /// Reports `await`, `async for`, `async with` and asynchronous
    /// comprehensions outside an `async def`: at module level of a `.py` file,
    /// in a plain `def`, or in a `lambda` (also one nested in an async
    /// function). Notebooks are exempt: top-level `await` is legal in IPython.
    ///
    /// ## Why is this bad?
    /// The module does not even compile: importing it raises
    /// `SyntaxError: 'await' outside async function`.
    ///
    /// ## Example
    /// ```python
    /// def refresh(cache):
    ///     data = await fetch()
    ///     cache.update(data)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// async def refresh(cache):
    ///     data = await fetch()
    ///     cache.update(data)
    /// ```
    /// and `await refresh(cache)` in its callers (or `asyncio.run(...)` at the
    /// top level of a script).
    pub static AWAIT_OUTSIDE_ASYNC = {
        code: "AD206",
        name: "await-outside-async",
        knowledge: "await-outside-async",
        default_enabled: true,
        origin: Static,
        help: "Make the enclosing function `async def` and await it from its callers",
    };
}
