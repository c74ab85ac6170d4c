crate::declare_rule! {
    /// ## What it does
    /// Reports, in an async function, a handler that catches cancellation and
    /// neither re-raises it nor lets it propagate: `except
    /// asyncio.CancelledError:`, `except BaseException:`, a bare `except:`, a
    /// tuple containing one of those, and `with
    /// contextlib.suppress(asyncio.CancelledError):` (or `BaseException`).
    ///
    /// ## Why is this bad?
    /// Cancellation is delivered as a `CancelledError` raised at the `await`
    /// where the task is suspended. A handler that swallows it turns "stop now"
    /// into "carry on": `asyncio.timeout()`/`wait_for` no longer time out,
    /// `TaskGroup` cannot stop its children, and shutdown hangs waiting for a
    /// task that refuses to end. Since Python 3.8 `CancelledError` is a
    /// `BaseException`, so `except Exception:` does not catch it and is fine.
    ///
    /// Not reported:
    /// - handlers that contain a `raise` (re-raising, or raising something else);
    /// - `try` bodies (and `suppress` blocks) with no `await`, `async for` or
    ///   `async with`: cancellation can only arrive at a suspension point;
    /// - awaiting a task or future held in a variable or attribute
    ///   (`await self._task`): a `CancelledError` there usually means that task
    ///   was cancelled by its owner, so catching it is joining the task;
    /// - a clause after another clause of the same `try` that already catches
    ///   `CancelledError` (only the first is reported);
    /// - the join-after-cancel idiom: `t.cancel()` earlier in the function, then
    ///   awaiting `t` (also through `asyncio.shield()`/`asyncio.wait_for()`, or
    ///   gathering the cancelled tasks) inside the handler's `try` or the
    ///   `suppress` block;
    /// - handlers that call `cancelling()` or `uncancel()` (3.11+): they decide
    ///   deliberately;
    /// - handlers that hand the caught exception to other code
    ///   (`self._convert_error(exc)`, `err = exc` raised later,
    ///   `outcome.append(Error(exc))`), which may re-raise it; logging it does
    ///   not count;
    /// - handlers nested in an `except` clause that raises, or in a `finally`
    ///   block (best-effort cleanup: the original exception goes on).
    ///
    /// ## Example
    /// ```python
    /// import asyncio
    ///
    /// async def worker(queue):
    ///     while True:
    ///         try:
    ///             job = await queue.get()
    ///             await job.run()
    ///         except BaseException:
    ///             log.exception("job failed")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import asyncio
    ///
    /// async def worker(queue):
    ///     while True:
    ///         try:
    ///             job = await queue.get()
    ///             await job.run()
    ///         except Exception:
    ///             log.exception("job failed")
    /// ```
    pub static CANCELLATION_SWALLOWED = {
        code: "AD401",
        name: "cancellation-swallowed",
        knowledge: "cancelled",
        default_enabled: true,
        origin: Static,
        help: "Re-raise the `CancelledError` (end the handler with `raise`), or catch `Exception` instead",
    };
}
