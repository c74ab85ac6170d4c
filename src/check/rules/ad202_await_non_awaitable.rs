crate::declare_rule! {
    /// ## What it does
    /// Reports `await` applied to something that cannot be awaited:
    /// `await await x`; a call to a known sync function (`time.sleep()`,
    /// `print()`, `loop.call_soon()`, `asyncio.get_running_loop()`); a call to
    /// a project `def` that returns nothing but `None`; and a coroutine
    /// function that was not called (`await asyncio.sleep`, `await self.close`
    /// where `close` is an `async def`).
    ///
    /// Not reported: sync functions that may return an awaitable (any
    /// `return` of a value), functions with decorators that may wrap them,
    /// and abstract stubs (`raise NotImplementedError`) that subclasses
    /// override.
    ///
    /// ## Why is this bad?
    /// `await` needs a coroutine, a Task, a Future or an object with
    /// `__await__`; anything else raises
    /// `TypeError: object NoneType can't be used in 'await' expression` — and a
    /// sync call there has already run, often blocking the loop.
    ///
    /// ## Example
    /// ```python
    /// import time
    ///
    /// class Writer:
    ///     async def flush(self): ...
    ///
    ///     async def close(self):
    ///         await self.flush       # the method itself, not a call
    ///         await time.sleep(0.1)  # time.sleep returns None
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import asyncio
    ///
    /// class Writer:
    ///     async def flush(self): ...
    ///
    ///     async def close(self):
    ///         await self.flush()
    ///         await asyncio.sleep(0.1)
    /// ```
    pub static AWAIT_NON_AWAITABLE = {
        code: "AD202",
        name: "await-non-awaitable",
        knowledge: "not-awaitable",
        default_enabled: true,
        origin: Static,
        help: "Await only coroutines, tasks and futures: call async functions, and drop `await` before sync calls",
    };
}

/// Library sync functions whose result is never awaitable.
pub const NON_AWAITABLE: &[&str] = &[
    "builtins.print",
    "time.sleep",
    "asyncio.get_running_loop",
    "asyncio.get_event_loop",
    "asyncio.AbstractEventLoop.call_soon",
    "asyncio.AbstractEventLoop.call_soon_threadsafe",
    "asyncio.AbstractEventLoop.call_later",
    "asyncio.AbstractEventLoop.call_at",
];
