//! Dispatch from the checker's walk to the coroutine, loop and thread rules
//! (AD101–AD104, AD201–AD206, AD508): the per-file checks run here; facts
//! that need the whole project go into the module summary and are judged in
//! [`crate::check::project::link`].

use ruff_python_ast::{self as ast, Expr};
use ruff_text_size::{Ranged, TextRange};

use super::{
    ad101_run_in_running_loop::RUN_IN_RUNNING_LOOP,
    ad104_signal_handler_off_main_thread::SIGNAL_HANDLER_OFF_MAIN_THREAD,
    ad201_unawaited_coroutine::LIBRARY_COROUTINES,
    ad202_await_non_awaitable::{AWAIT_NON_AWAITABLE, NON_AWAITABLE},
    ad204_async_for_over_sync_iterable::{ASYNC_FOR_OVER_SYNC_ITERABLE, SYNC_ITERABLE_CALLS},
    ad205_context_manager_mismatch::{ASYNC_ONLY, CONTEXT_MANAGER_MISMATCH, SYNC_ONLY},
    ad206_await_outside_async::AWAIT_OUTSIDE_ASYNC,
};
use crate::check::checker::Checker;
use crate::diagnostics::Diagnostic;

pub fn is_library_coroutine(target: &str) -> bool {
    LIBRARY_COROUTINES.contains(&target)
}

/// Calls that are not safe from another thread (AD103).
const THREAD_UNSAFE: &[&str] = &[
    "asyncio.AbstractEventLoop.call_soon",
    "asyncio.AbstractEventLoop.call_later",
    "asyncio.AbstractEventLoop.call_at",
    "asyncio.AbstractEventLoop.create_task",
    "asyncio.create_task",
    "asyncio.ensure_future",
    "asyncio.get_running_loop",
    "asyncio.Future.set_result",
    "asyncio.Future.set_exception",
    "asyncio.Future.cancel",
    "asyncio.Lock.release",
    "asyncio.Event.set",
    "asyncio.Event.clear",
    "asyncio.Condition.notify",
    "asyncio.Condition.notify_all",
    "asyncio.Condition.release",
    "asyncio.Semaphore.release",
    "asyncio.Queue.put_nowait",
    "asyncio.Queue.get_nowait",
    "asyncio.Queue.task_done",
];

/// Functions that hand a callable to another thread, and which argument it is.
fn thread_entry_argument<'c>(target: &str, call: &'c ast::ExprCall) -> Option<&'c Expr> {
    let keyword = |name: &str| {
        call.arguments
            .keywords
            .iter()
            .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == name))
            .map(|k| &k.value)
    };
    match target {
        "threading.Thread" => keyword("target").or_else(|| call.arguments.args.get(1)),
        "asyncio.to_thread" | "anyio.to_thread.run_sync" | "concurrent.futures.Executor.submit" => {
            call.arguments.args.first()
        }
        "asyncio.AbstractEventLoop.run_in_executor" => call.arguments.args.get(1),
        _ => None,
    }
}

/// The last identifier of a receiver: `self.loop` → `loop`.
fn receiver_name(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Name(n) => Some(n.id.as_str()),
        Expr::Attribute(a) => Some(a.attr.as_str()),
        _ => None,
    }
}

/// Per-call facts once the call's target is resolved (`checker.target()`).
pub fn on_resolved_call(
    checker: &mut Checker<'_, '_>,
    call: &ast::ExprCall,
    by_import: bool,
    awaited: bool,
) {
    // Borrowed out of the checker (no copy per call) and put back after.
    let target = checker.take_target();
    if awaited && NON_AWAITABLE.contains(&target.as_str()) {
        let shown = format!("{}()", target.strip_prefix("builtins.").unwrap_or(&target));
        checker.report(Diagnostic::new(
            &AWAIT_NON_AWAITABLE,
            format!("`{shown}` is not awaitable: it is a plain function that already ran"),
            call.range(),
        ));
    }
    resolved_call(checker, call, by_import, &target);
    checker.restore_target(target);
}

fn resolved_call(
    checker: &mut Checker<'_, '_>,
    call: &ast::ExprCall,
    _by_import: bool,
    target: &str,
) {
    let in_async = checker.in_async_context();
    let in_function = checker.summary.current_index() != 0;

    // Thread entry points (AD103/AD104, and AD101's "runs in a thread").
    let entry = thread_entry_argument(target, call).or_else(|| {
        // `loop.run_in_executor(ex, f)` on a receiver of unknown type.
        match &*call.func {
            Expr::Attribute(a) if a.attr.as_str() == "run_in_executor" => {
                call.arguments.args.get(1)
            }
            _ => None,
        }
    });
    if let Some(entry) = entry
        && let Some(callee) = checker.scratch_callee(entry)
    {
        checker
            .summary
            .current()
            .extra_mut()
            .thread_entries
            .push(callee);
    }

    // AD101: starting a loop inside one.
    let starts_loop = matches!(
        target,
        "asyncio.run"
            | "asyncio.Runner.run"
            | "asyncio.AbstractEventLoop.run_until_complete"
            | "asyncio.AbstractEventLoop.run_forever"
    ) || match &*call.func {
        Expr::Attribute(a) if matches!(a.attr.as_str(), "run_until_complete" | "run_forever") => {
            receiver_name(&a.value).is_some_and(|n| n.to_ascii_lowercase().contains("loop"))
        }
        _ => false,
    };
    if starts_loop {
        let shown = shown_call(checker, call, target);
        if checker.is_notebook() && !in_function && !in_async {
            // IPython runs the kernel's event loop already.
            checker.report(
                Diagnostic::new(
                    &RUN_IN_RUNNING_LOOP,
                    format!("`{shown}` in a notebook: IPython already runs an event loop"),
                    call.range(),
                )
                .with_help(
                    "Await the coroutine at the top level of the cell instead: `await main()`",
                ),
            );
        } else if in_async {
            checker.report(
                Diagnostic::new(
                    &RUN_IN_RUNNING_LOOP,
                    format!("`{shown}` starts an event loop inside a running one"),
                    call.range(),
                )
                .with_help("Await the coroutine here instead of starting a new event loop"),
            );
        } else if in_function {
            checker
                .summary
                .current()
                .extra_mut()
                .loop_starts
                .push((call.range(), shown.into()));
        }
    }

    // AD104 in async code; AD103/AD104 facts for functions that may run in threads.
    if target == "signal.signal" {
        if in_async {
            checker.report(Diagnostic::new(
                &SIGNAL_HANDLER_OFF_MAIN_THREAD,
                "`signal.signal()` in an async function: use `loop.add_signal_handler()`"
                    .to_string(),
                call.range(),
            ));
        } else if in_function {
            checker
                .summary
                .current()
                .extra_mut()
                .thread_unsafe_calls
                .push((call.range(), "signal.signal()".into(), true));
        }
    } else if in_function && !in_async && THREAD_UNSAFE.contains(&target) {
        let shown = shown_call(checker, call, target);
        checker
            .summary
            .current()
            .extra_mut()
            .thread_unsafe_calls
            .push((call.range(), shown.into(), false));
    }
}

/// The call as written (`loop.call_soon()`), shortened when long.
fn shown_call(checker: &Checker<'_, '_>, call: &ast::ExprCall, target: &str) -> String {
    let written = checker.source_text(call.func.range());
    if written.is_empty() || written.len() > 60 || written.contains('\n') {
        let t = target;
        format!("{}()", t.strip_prefix("builtins.").unwrap_or(t))
    } else {
        format!("{written}()")
    }
}

/// AD206.
pub fn await_outside_async(checker: &mut Checker<'_, '_>, range: TextRange, what: &str) {
    if checker.is_notebook() {
        return;
    }
    let message = if what == "await" {
        "`await` outside an async function".to_string()
    } else {
        format!("`{what}` outside an async function")
    };
    checker.report(Diagnostic::new(&AWAIT_OUTSIDE_ASYNC, message, range));
}

/// AD202 (per-file part) and facts for its project part.
pub fn check_await(checker: &mut Checker<'_, '_>, await_expr: &ast::ExprAwait) {
    match &*await_expr.value {
        Expr::Await(_) => checker.report(Diagnostic::new(
            &AWAIT_NON_AWAITABLE,
            "`await await ...`: the inner `await` already produced the result".to_string(),
            await_expr.range(),
        )),
        // `await sync_call()`: judged when the call itself is resolved
        // (`on_resolved_call`), so the target is resolved once.
        Expr::Call(_) => {}
        value @ (Expr::Name(_) | Expr::Attribute(_)) => {
            let mut buf = String::new();
            if checker
                .resolver()
                .qualified_name(checker.scope(), value, &mut buf)
                && LIBRARY_COROUTINES.contains(&buf.as_str())
            {
                checker.report(
                    Diagnostic::new(
                        &AWAIT_NON_AWAITABLE,
                        format!("`{buf}` is awaited without being called"),
                        await_expr.range(),
                    )
                    .with_help(format!("Call it: `await {buf}(...)`")),
                );
            } else if let Some(callee) = checker.scratch_callee(value) {
                checker
                    .summary
                    .current()
                    .extra_mut()
                    .awaited_references
                    .push((callee, await_expr.range()));
            }
        }
        _ => {}
    }
}

/// AD204 (per-file part).
pub fn check_for_iterable(checker: &mut Checker<'_, '_>, for_stmt: &ast::StmtFor) {
    if !for_stmt.is_async {
        return;
    }
    let what = match &*for_stmt.iter {
        Expr::List(_) => Some("a list".to_string()),
        Expr::Tuple(_) => Some("a tuple".to_string()),
        Expr::Set(_) => Some("a set".to_string()),
        Expr::Dict(_) => Some("a dict".to_string()),
        Expr::StringLiteral(_) | Expr::FString(_) => Some("a string".to_string()),
        Expr::ListComp(c) if !c.generators.iter().any(|g| g.is_async) => {
            Some("a list comprehension".to_string())
        }
        Expr::SetComp(c) if !c.generators.iter().any(|g| g.is_async) => {
            Some("a set comprehension".to_string())
        }
        Expr::DictComp(c) if !c.generators.iter().any(|g| g.is_async) => {
            Some("a dict comprehension".to_string())
        }
        Expr::Generator(g) if !g.generators.iter().any(|g| g.is_async) => {
            Some("a generator expression".to_string())
        }
        Expr::Call(call) => {
            let mut buf = String::new();
            (checker
                .resolver()
                .qualified_name(checker.scope(), &call.func, &mut buf)
                && SYNC_ITERABLE_CALLS.contains(&buf.as_str()))
            .then(|| format!("`{}()`", buf.strip_prefix("builtins.").unwrap_or(&buf)))
        }
        _ => None,
    };
    if let Some(what) = what {
        checker.report(
            Diagnostic::new(
                &ASYNC_FOR_OVER_SYNC_ITERABLE,
                format!("`async for` over {what}, which is not an async iterable"),
                for_stmt.range(),
            )
            .with_help("Use a plain `for` loop"),
        );
    }
}

/// AD205 (per-file part): known library types.
pub fn check_with_items(checker: &mut Checker<'_, '_>, with: &ast::StmtWith) {
    for item in &with.items {
        let Some(ty) = checker
            .resolver()
            .type_of(checker.scope(), &item.context_expr, 0)
        else {
            continue;
        };
        let mismatch = if with.is_async {
            SYNC_ONLY.contains(&ty)
        } else {
            ASYNC_ONLY.contains(&ty)
        };
        if !mismatch {
            continue;
        }
        let message = if with.is_async {
            format!(
                "`async with` on `{}`, a sync-only context manager",
                describe(ty)
            )
        } else {
            format!(
                "`with` on `{}`, an async-only context manager",
                describe(ty)
            )
        };
        let help = if with.is_async {
            "Use `with`"
        } else {
            "Use `async with`"
        };
        checker.report(
            Diagnostic::new(
                &CONTEXT_MANAGER_MISMATCH,
                message,
                item.context_expr.range(),
            )
            .with_help(help),
        );
    }
}

fn describe(ty: &str) -> &str {
    match ty {
        "io.IOBase" => "file object",
        "asyncio.Timeout" => "asyncio.timeout()",
        other => other,
    }
}

/// A project function or method used as a value: it may be called from
/// anywhere (AD101's "only reachable from async" must not hold for it).
pub fn note_reference(checker: &mut Checker<'_, '_>, expr: &Expr) {
    match expr {
        Expr::Name(_) => {}
        Expr::Attribute(a) => {
            // Only `self.m` where `m` is a method of the class.
            let Expr::Name(_) = &*a.value else { return };
            if !checker
                .summary
                .method_names_of_current_class()
                .contains(&a.attr.as_str())
            {
                return;
            }
        }
        _ => return,
    }
    checker.record_reference(expr);
}
