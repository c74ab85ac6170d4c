crate::declare_rule! {
    /// ## What it does
    /// Reports `asyncio.run()`, `loop.run_until_complete()`,
    /// `loop.run_forever()` and `asyncio.Runner(...).run()` called in an async
    /// function, or in a sync function of the project that is only ever
    /// called from async functions (found through the project's call graph).
    ///
    /// Not reported: the same calls under `if __name__ == "__main__":`, in a
    /// sync `main()`, in functions nothing in the project calls, and in
    /// functions that run in another thread (`asyncio.to_thread`,
    /// `run_in_executor`, `Thread(target=...)`), where a new loop is fine.
    ///
    /// ## Why is this bad?
    /// These calls start an event loop and block until it finishes. On a
    /// thread that already runs a loop, asyncio refuses:
    /// `RuntimeError: asyncio.run() cannot be called from a running event loop`
    /// or `RuntimeError: This event loop is already running`.
    ///
    /// ## Example
    /// ```python
    /// import asyncio
    ///
    /// def load_user(user_id):
    ///     return asyncio.run(fetch_user(user_id))
    ///
    /// async def handler(request):
    ///     return load_user(request.user_id)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// async def handler(request):
    ///     return await fetch_user(request.user_id)
    /// ```
    /// In Jupyter/IPython, `await` at the top level of a cell. `nest_asyncio`
    /// is a last resort: it patches asyncio globally and is unmaintained.
    pub static RUN_IN_RUNNING_LOOP = {
        code: "AD101",
        name: "run-in-running-loop",
        knowledge: "loop-already-running",
        default_enabled: true,
        origin: Static,
        help: "Await the coroutine instead of starting a new event loop",
    };
}
