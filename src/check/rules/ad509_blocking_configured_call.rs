crate::declare_rule! {
    /// ## What it does
    /// Reports calls in an async function to functions your configuration
    /// declares blocking:
    /// ```toml
    /// [tool.asyncdoctor]
    /// blocking-calls = ["mycorp.sdk.fetch", "mycorp.db.Session.execute"]
    /// ```
    /// A dotted name matches the function by import tracking
    /// (`from mycorp.sdk import fetch; fetch()`); `Module.Class.method` matches
    /// calls on an object known by local facts to be that class
    /// (`s = mycorp.db.Session(); s.execute(...)`).
    ///
    /// ## Why is this bad?
    /// Your own SDKs and wrappers block the loop just like `requests` does, but
    /// no tool can know that unless you say so.
    ///
    /// ## Example
    /// ```python
    /// from mycorp.sdk import fetch
    ///
    /// async def refresh():
    ///     return fetch("inventory")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import asyncio
    /// from mycorp.sdk import fetch
    ///
    /// async def refresh():
    ///     return await asyncio.to_thread(fetch, "inventory")
    /// ```
    pub static BLOCKING_CONFIGURED_CALL = {
        code: "AD509",
        name: "blocking-configured-call",
        knowledge: "loop-blocked",
        default_enabled: true,
        origin: Static,
        help: "Run it off the loop with `await asyncio.to_thread(...)`, or use an async alternative",
    };
}
