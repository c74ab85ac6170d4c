use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{self as ast, Expr, Stmt};

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

/// What an `except` clause's body does with the exception (nested functions
/// excluded). Only run on the few clauses AD401 is about to report.
#[derive(Default)]
pub(crate) struct HandlerScan<'a> {
    /// The `as name` of the clause.
    pub name: Option<&'a str>,
    /// Contains a `raise`.
    pub raises: bool,
    /// Calls `cancelling()` / `uncancel()`: decides deliberately.
    pub deliberate: bool,
    /// Hands the exception to other code (`convert(exc)`, `err = exc`,
    /// `return exc`, `outcome.append(Error(exc))`), which may re-raise it.
    /// Logging it does not count.
    pub hands_on: bool,
}

impl<'a> HandlerScan<'a> {
    pub(crate) fn run(handler: &'a ast::ExceptHandlerExceptHandler) -> Self {
        let mut scan = HandlerScan {
            name: handler.name.as_ref().map(|n| n.id.as_str()),
            ..HandlerScan::default()
        };
        scan.visit_body(&handler.body);
        scan
    }

    fn is_name(&self, e: &Expr) -> bool {
        matches!((e, self.name), (Expr::Name(n), Some(name)) if n.id.as_str() == name)
    }
}

/// `log.exception(...)`, `logger.warning(...)`, `print(...)`, `isinstance(...)`:
/// calls that look at an exception without taking it over.
pub(crate) fn only_looks_at_exception(func: &Expr) -> bool {
    match func {
        Expr::Name(n) => matches!(
            n.id.as_str(),
            "print" | "isinstance" | "repr" | "str" | "type"
        ),
        Expr::Attribute(a) => {
            let method = a.attr.as_str();
            let receiver_is_log = match &*a.value {
                Expr::Name(n) => n.id.to_ascii_lowercase().contains("log"),
                Expr::Attribute(inner) => inner.attr.to_ascii_lowercase().contains("log"),
                _ => false,
            };
            receiver_is_log
                || matches!(
                    method,
                    "debug" | "info" | "warning" | "warn" | "error" | "exception" | "critical"
                )
        }
        _ => false,
    }
}

impl<'a> Visitor<'a> for HandlerScan<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            Stmt::Raise(_) => self.raises = true,
            Stmt::Assign(a) if self.mentions_name(&a.value) => self.hands_on = true,
            Stmt::Return(r) if r.value.as_deref().is_some_and(|v| self.is_name(v)) => {
                self.hands_on = true;
            }
            _ => walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(_) => {}
            Expr::Call(call) => {
                if let Expr::Attribute(a) = &*call.func
                    && matches!(a.attr.as_str(), "cancelling" | "uncancel")
                {
                    self.deliberate = true;
                }
                let passes_it = call.arguments.args.iter().any(|a| self.mentions_name(a))
                    || call
                        .arguments
                        .keywords
                        .iter()
                        .any(|k| self.mentions_name(&k.value));
                if passes_it && !only_looks_at_exception(&call.func) {
                    self.hands_on = true;
                }
                walk_expr(self, expr);
            }
            _ => walk_expr(self, expr),
        }
    }
}

impl HandlerScan<'_> {
    /// `exc`, `Error(exc)`, `(exc,)`, `*sys.exc_info()`: the exception itself
    /// is in the argument.
    fn mentions_name(&self, e: &Expr) -> bool {
        let is_exc_info = |e: &Expr| matches!(e, Expr::Call(c) if matches!(&*c.func, Expr::Attribute(a) if a.attr.as_str() == "exc_info"));
        if is_exc_info(e) || matches!(e, Expr::Starred(s) if is_exc_info(&s.value)) {
            return true;
        }
        match e {
            Expr::Call(c) => c.arguments.args.iter().any(|a| self.is_name(a)),
            Expr::Tuple(t) => t.elts.iter().any(|a| self.is_name(a)),
            Expr::Starred(s) => self.is_name(&s.value),
            other => self.is_name(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(src: &str) -> (bool, bool, bool) {
        let parsed = crate::check::parse::parse_python(src);
        let Stmt::Try(t) = &parsed.body()[0] else {
            panic!("a try")
        };
        let ast::ExceptHandler::ExceptHandler(h) = &t.handlers[0];
        let s = HandlerScan::run(h);
        (s.raises, s.deliberate, s.hands_on)
    }

    #[test]
    fn what_a_clause_does_with_the_exception() {
        let t = "try:\n    pass\nexcept BaseException as e:\n";
        assert_eq!(scan(&format!("{t}    raise\n")), (true, false, false));
        assert_eq!(
            scan(&format!("{t}    log.exception('x', exc_info=e)\n")),
            (false, false, false)
        );
        assert_eq!(
            scan(&format!("{t}    self._convert(e)\n")),
            (false, false, true)
        );
        assert_eq!(scan(&format!("{t}    err = e\n")), (false, false, true));
        assert_eq!(
            scan(&format!("{t}    info = sys.exc_info()\n")),
            (false, false, true)
        );
        assert_eq!(
            scan(&format!(
                "{t}    if asyncio.current_task().cancelling():\n        pass\n"
            )),
            (false, true, false)
        );
        assert_eq!(
            scan(&format!("{t}    def inner():\n        raise\n")),
            (false, false, false)
        );
    }
}
