crate::declare_rule! {
    /// ## What it does
    /// Reports a plain `except X:` clause on a `try` whose body is an
    /// `async with asyncio.TaskGroup()` (or the `taskgroup` backport, an anyio
    /// task group, a trio nursery), when `X` is not `BaseException`,
    /// `Exception`, `BaseExceptionGroup` or `ExceptionGroup`. Reported once per
    /// offending `except` clause.
    ///
    /// ## Why is this bad?
    /// A task group re-raises the failures of its child tasks (and of its own
    /// body) wrapped in an `ExceptionGroup` ("unhandled errors in a
    /// TaskGroup"), even when only one task failed. `except ValueError:` never
    /// matches an `ExceptionGroup`, so the handler is dead code and the error
    /// propagates. `except* ValueError:` (3.11+) matches inside the group.
    /// This has been so since `TaskGroup` arrived in 3.11 (anyio 4 and trio
    /// 0.25 with strict exception groups behave the same).
    ///
    /// Only reported when the `try` body holds nothing but the group (an
    /// exception raised elsewhere in the body would arrive unwrapped), and not
    /// for `KeyboardInterrupt`, `SystemExit` and `CancelledError`, which a task
    /// group re-raises as they are. An `except TimeoutError` around a group
    /// inside an `asyncio.timeout()` block in the same `try` is fine: the
    /// timeout is raised outside the group.
    ///
    /// ## Example
    /// ```python
    /// import asyncio
    ///
    /// async def fetch_all(urls):
    ///     try:
    ///         async with asyncio.TaskGroup() as tg:
    ///             for url in urls:
    ///                 tg.create_task(fetch(url))
    ///     except ConnectionError:
    ///         log.warning("a fetch failed")
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import asyncio
    ///
    /// async def fetch_all(urls):
    ///     try:
    ///         async with asyncio.TaskGroup() as tg:
    ///             for url in urls:
    ///                 tg.create_task(fetch(url))
    ///     except* ConnectionError:
    ///         log.warning("a fetch failed")
    /// ```
    ///
    /// ## Python versions
    /// `asyncio.TaskGroup`, `ExceptionGroup` and `except*` are 3.11+; on older
    /// targets use the `taskgroup` and `exceptiongroup` backports (with
    /// `exceptiongroup.catch()` instead of `except*`).
    pub static TASKGROUP_PLAIN_EXCEPT = {
        code: "AD306",
        name: "taskgroup-plain-except",
        knowledge: "exception-group",
        default_enabled: true,
        origin: Static,
        help: "Use `except* X:` (3.11+) or catch `ExceptionGroup` and look inside it",
    };
}
