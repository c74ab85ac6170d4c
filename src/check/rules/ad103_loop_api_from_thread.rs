crate::declare_rule! {
    /// ## What it does
    /// Reports, in a function that runs in another thread, calls that are not
    /// thread-safe on an event loop or an asyncio object:
    /// `loop.call_soon/call_later/call_at/create_task`, `asyncio.create_task`,
    /// `asyncio.get_running_loop()`, `fut.set_result/set_exception`, and the
    /// mutating methods of `asyncio.Lock/Event/Condition/Semaphore/Queue`
    /// objects known by local facts.
    ///
    /// A function runs in another thread when it is passed to
    /// `threading.Thread(target=...)`, `asyncio.to_thread(f)`,
    /// `loop.run_in_executor(ex, f)` or `executor.submit(f)`, is the `run()`
    /// method of a `threading.Thread` subclass, or is a project function
    /// reachable only from such functions. Read-only calls (`Event.is_set()`,
    /// `Queue.qsize()`, `fut.done()`) are fine.
    ///
    /// ## Why is this bad?
    /// Event loops and asyncio primitives coordinate coroutines on the loop's
    /// own thread and are not thread-safe: from another thread the callback
    /// may run late or never, state gets corrupted, and
    /// `asyncio.get_running_loop()` raises `RuntimeError: no running event loop`.
    /// (`asyncio.Lock` only orders coroutines on one loop; it is not a thread lock.)
    ///
    /// ## Example
    /// ```python
    /// import asyncio
    ///
    /// def worker(loop: asyncio.AbstractEventLoop, results: asyncio.Queue):
    ///     data = crunch()
    ///     loop.call_soon(results.put_nowait, data)
    ///
    /// async def main():
    ///     loop = asyncio.get_running_loop()
    ///     await loop.run_in_executor(None, worker, loop, results)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import asyncio
    ///
    /// def worker(loop: asyncio.AbstractEventLoop, results: asyncio.Queue):
    ///     data = crunch()
    ///     loop.call_soon_threadsafe(results.put_nowait, data)
    /// ```
    /// or `asyncio.run_coroutine_threadsafe(coro, loop)` to run a coroutine.
    pub static LOOP_API_FROM_THREAD = {
        code: "AD103",
        name: "loop-api-from-thread",
        knowledge: "thread-unsafe-call",
        default_enabled: true,
        origin: Static,
        help: "Use `loop.call_soon_threadsafe(...)` or `asyncio.run_coroutine_threadsafe(coro, loop)` from other threads",
    };
}
