use ruff_python_ast as ast;

use crate::check::blocking::{
    BlockingPattern, argument, blocking_unless_disabled, is_falsy_literal,
};

crate::declare_rule! {
    /// ## What it does
    /// Reports calls in an async function that wait on a thread-level
    /// primitive: `input()`; `acquire()` on a `threading.Lock/RLock/Semaphore/
    /// BoundedSemaphore`; `wait()` on a `threading.Event/Condition`; a
    /// `with <threading lock>:` block whose body awaits; the blocking forms of
    /// `get()/put()/join()` on a `queue.Queue` (not `get_nowait()`, not
    /// `block=False`); `result()` on a `concurrent.futures.Future` (including
    /// `asyncio.run_coroutine_threadsafe(...).result()`); `Thread.join()`,
    /// `Process.join()`; and `multiprocessing.Pool.map/apply/starmap`.
    /// Receivers are known by local facts (`lock = threading.Lock()`,
    /// `self.q = queue.Queue()` in the same class, `fut = executor.submit(f)`).
    ///
    /// ## Why is this bad?
    /// These primitives block the thread, not the task. On the event loop's
    /// thread that freezes every task; if the event they wait for must be
    /// produced by another task on the same loop, it never comes: a deadlock.
    /// `asyncio.run_coroutine_threadsafe(coro, loop).result()` called on the
    /// loop's own thread always deadlocks. Holding a `threading.Lock` across an
    /// `await` lets another task on the same thread try to take it and block
    /// the loop. (`asyncio.Lock` is the opposite trade-off: it is not
    /// thread-safe and only orders coroutines on one loop.)
    ///
    /// ## Example
    /// ```python
    /// import queue
    ///
    /// jobs = queue.Queue()
    ///
    /// async def consumer():
    ///     while True:
    ///         job = jobs.get()
    ///         await handle(job)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import asyncio
    ///
    /// jobs = asyncio.Queue()
    ///
    /// async def consumer():
    ///     while True:
    ///         job = await jobs.get()
    ///         await handle(job)
    /// ```
    /// To wait for a thread-side result, `await asyncio.wrap_future(fut)` or
    /// `await asyncio.to_thread(...)`.
    pub static BLOCKING_WAIT = {
        code: "AD507",
        name: "blocking-wait",
        knowledge: "loop-blocked",
        default_enabled: true,
        origin: Static,
        help: "Use the asyncio primitive (`asyncio.Lock/Event/Queue`), `await asyncio.wrap_future(fut)`, or `await asyncio.to_thread(...)`",
    };
}

fn acquire_blocks(call: &ast::ExprCall) -> bool {
    blocking_unless_disabled(call, "blocking", 1)
}

fn queue_call_blocks(call: &ast::ExprCall) -> bool {
    blocking_unless_disabled(call, "block", 1)
}

fn queue_put_blocks(call: &ast::ExprCall) -> bool {
    if argument(call, 1, "block").is_some_and(is_falsy_literal) {
        return false;
    }
    !argument(call, 2, "timeout").is_some_and(is_falsy_literal)
}

fn wait_blocks(call: &ast::ExprCall) -> bool {
    !argument(call, 0, "timeout").is_some_and(is_falsy_literal)
}

const FUTURE_HELP: &str = "Use `await asyncio.wrap_future(fut)` instead of `fut.result()`";

pub const PATTERNS: &[BlockingPattern] = &[
    BlockingPattern::new("builtins.input")
        .help("Read stdin with `await asyncio.to_thread(input, prompt)`"),
    BlockingPattern::new("threading.Lock.acquire").when(acquire_blocks),
    BlockingPattern::new("threading.Condition.acquire").when(acquire_blocks),
    BlockingPattern::new("threading.Condition.wait").when(wait_blocks),
    BlockingPattern::new("threading.Condition.wait_for"),
    BlockingPattern::new("threading.Event.wait").when(wait_blocks),
    BlockingPattern::new("threading.Barrier.wait"),
    BlockingPattern::new("threading.Thread.join").when(wait_blocks),
    BlockingPattern::new("multiprocessing.Process.join").when(wait_blocks),
    BlockingPattern::new("queue.Queue.get")
        .when(queue_call_blocks)
        .help("Use `asyncio.Queue` and `await q.get()`, or `q.get_nowait()`"),
    BlockingPattern::new("queue.Queue.put")
        .when(queue_put_blocks)
        .help("Use `asyncio.Queue` and `await q.put(item)`, or `q.put_nowait(item)`"),
    BlockingPattern::new("queue.Queue.join"),
    BlockingPattern::new("concurrent.futures.Future.result")
        .when(wait_blocks)
        .help(FUTURE_HELP),
    BlockingPattern::new("concurrent.futures.Future.exception")
        .when(wait_blocks)
        .help(FUTURE_HELP),
    BlockingPattern::new("concurrent.futures.wait")
        .help("Use `await asyncio.wait([asyncio.wrap_future(f) for f in fs])`"),
    BlockingPattern::new("multiprocessing.pool.Pool.map"),
    BlockingPattern::new("multiprocessing.pool.Pool.apply"),
    BlockingPattern::new("multiprocessing.pool.Pool.starmap"),
];

/// Types whose `with` block must not span an `await`.
pub const THREAD_LOCK_TYPES: &[&str] = &["threading.Lock", "threading.Condition"];
