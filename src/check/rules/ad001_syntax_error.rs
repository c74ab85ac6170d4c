crate::declare_rule! {
    /// ## What it does
    /// Reports a file that does not parse as Python, with the parser's message
    /// and position. The run goes on with the other files.
    ///
    /// ## Why is this bad?
    /// A file that does not parse cannot be checked, so asyncio bugs in it go
    /// unreported; Python itself will refuse to import it. No other rule runs on
    /// a file with a syntax error, because findings on half-parsed code would
    /// be guesses.
    ///
    /// ## Example
    /// ```python
    /// async def handler(request)
    ///     return await respond(request)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// async def handler(request):
    ///     return await respond(request)
    /// ```
    ///
    /// `await`, `async for` and `async with` outside an async function are
    /// reported as AD206, not as a syntax error.
    pub static SYNTAX_ERROR = {
        code: "AD001",
        name: "syntax-error",
        knowledge: "file-not-checked",
        default_enabled: true,
        origin: Static,
        help: "Fix the syntax error, or exclude the file if it is not Python source",
    };
}
