//! Checker hooks for the task, cancellation, timeout, resource, shutdown and
//! version rules: AD102, AD301–AD307, AD401–AD404, AD601, AD602, AD701, AD702.
//! The checker calls the `tasks_*` hooks (one line each in `checker.rs`); rule
//! metadata and documentation live in `rules/adNNN_*.rs`.
//!
//! Everything here runs inside the checker's single walk: facts are noted as
//! statements go by (which receivers were cancelled, what a `try` body awaits
//! and calls), and per-function questions about a local's later uses are
//! answered by [`FunctionFlow`], built lazily at the end of a function only
//! when a candidate was seen there.

use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::Checker;
use crate::check::flow::{FunctionFlow, UseKind};
use crate::check::rules::ad305_unbounded_gather::looks_like_limiter;
use crate::check::rules::ad307_requires_newer_python::{feature_version, is_version_constant};
use crate::check::rules::ad401_cancellation_swallowed::HandlerScan;
use crate::check::rules::{
    ad102_get_event_loop::GET_EVENT_LOOP, ad301_dangling_task::DANGLING_TASK,
    ad302_task_never_joined::TASK_NEVER_JOINED,
    ad303_gather_exceptions_unchecked::GATHER_EXCEPTIONS_UNCHECKED,
    ad304_gather_orphans_siblings::GATHER_ORPHANS_SIBLINGS,
    ad305_unbounded_gather::UNBOUNDED_GATHER, ad306_taskgroup_plain_except::TASKGROUP_PLAIN_EXCEPT,
    ad307_requires_newer_python::REQUIRES_NEWER_PYTHON,
    ad401_cancellation_swallowed::CANCELLATION_SWALLOWED,
    ad402_timeout_unhandled::TIMEOUT_UNHANDLED,
    ad403_timeout_error_mismatch::TIMEOUT_ERROR_MISMATCH,
    ad404_cancel_not_awaited::CANCEL_NOT_AWAITED, ad601_async_resource_leak::ASYNC_RESOURCE_LEAK,
    ad602_client_per_request::CLIENT_PER_REQUEST,
    ad701_loop_closed_with_pending_tasks::LOOP_CLOSED_WITH_PENDING_TASKS,
    ad702_shutdown_gather_raises::SHUTDOWN_GATHER_RAISES,
};
use crate::check::semantic::{ScopeId, Site};
use crate::config::PythonVersion;
use crate::diagnostics::Diagnostic;

const PY311: PythonVersion = PythonVersion {
    major: 3,
    minor: 11,
};

/// State of the rules in this file; one [`Frame`] per function being walked
/// (the module is the bottom frame).
#[derive(Default)]
pub(super) struct TasksState<'a> {
    /// Any of these rules is selected (decided once per file, not per node).
    pub(super) enabled: bool,
    frames: Vec<Frame<'a>>,
    /// Depth of `if sys.version_info ...` blocks and `try: ... except
    /// ImportError:` bodies around the current node.
    version_guards: u32,
    buf: String,
    /// AD305: the file mentions a semaphore or limiter anywhere (computed once).
    uses_semaphore: Option<bool>,
    /// AD602: clients a function creates for its own use (`async with
    /// ClientSession()`, `s = ClientSession()`, `return ClientSession()`):
    /// (the function as (defining scope, name), creation, what).
    client_factories: Vec<(FunctionKey<'a>, TextRange, &'static str)>,
    /// AD602: functions of this module called inside a loop or comprehension.
    called_in_loops: Vec<FunctionKey<'a>>,
}

/// A function of this module: the scope its `def` is in, and its name.
type FunctionKey<'a> = (ScopeId, &'a str);

/// Function names whose job is tearing down: errors ignored there on purpose.
const TEARDOWN_WORDS: &[&str] = &[
    "close",
    "stop",
    "shutdown",
    "cleanup",
    "clean_up",
    "teardown",
    "tear_down",
    "disconnect",
    "exit",
    "terminate",
    "dispose",
    "cancel",
    "finalize",
    "release",
];

#[derive(Default)]
struct Frame<'a> {
    def: Option<&'a ast::StmtFunctionDef>,
    /// `t = asyncio.create_task(...)`: (name, statement, where the name is bound).
    task_locals: Vec<(&'a str, TextRange, TextSize)>,
    /// `r = await asyncio.gather(..., return_exceptions=True)`.
    gather_results: Vec<(&'a str, TextRange, TextSize)>,
    /// `t.cancel()` with a plain name receiver: (name, call).
    cancel_calls: Vec<(&'a str, TextRange)>,
    /// Receivers of `.cancel()` calls so far, as written (`t`, `self._task`).
    cancelled: Vec<&'a str>,
    /// Iterables whose loop variable was cancelled (`for t in tasks: t.cancel()`).
    cancelled_collections: Vec<&'a str>,
    /// Enclosing `for` loops: (target name, iterable as written).
    loops: Vec<(&'a str, &'a str)>,
    /// Open `try` bodies and `suppress(...)` blocks, innermost last.
    regions: Vec<Region>,
    /// Open `suppress(...)` blocks: where those that catch cancellation start.
    suppressions: Vec<Option<TextRange>>,
    /// The `except` handlers whose bodies the walk is in, innermost last.
    enclosing_handlers: Vec<&'a ast::ExceptHandlerExceptHandler>,
    /// Inside `finally` blocks.
    finally_blocks: u32,
    /// The function as a [`FunctionKey`].
    key: Option<FunctionKey<'a>>,
    /// AD601: (name, creating call, where the name is bound, what it is).
    resources: Vec<(&'a str, TextRange, TextSize, &'static str)>,
    /// Inside `for`/`while` bodies and comprehensions of this function.
    loop_depth: u32,
    /// AD305: for each enclosing `for`, whether it iterates over data.
    data_loops: Vec<bool>,
    /// AD304: awaited gathers (default `return_exceptions`) inside `try`
    /// bodies: (call, how many regions were open).
    pending_gathers: Vec<(TextRange, usize)>,
    /// AD305: inside `async with <semaphore>`, or a semaphore was acquired.
    sem_blocks: u32,
    acquired_sem: bool,
    /// AD701: loops this function ran (`loop.run_until_complete`), as written.
    loops_run: Vec<&'a str>,
    /// AD701: something before this point cancels tasks, shuts down async
    /// generators, gathers with `return_exceptions=True`, or is handed a loop
    /// that was run.
    loop_cleanup: bool,
    /// Inside `except` handlers and `finally` blocks (error/teardown paths).
    teardown_blocks: u32,
}

#[derive(Default, Clone, Copy)]
pub(super) struct Region {
    /// Something suspends in it other than joining an already cancelled task.
    awaits_other: bool,
    /// Calls `asyncio.wait_for()` / `asyncio.timeout()`.
    asyncio_timeout: bool,
    /// AD402: a handler of this `try` catches timeouts.
    handles_timeout: bool,
}

impl TasksState<'_> {
    pub(super) fn new(rules: crate::registry::RuleSet) -> Self {
        TasksState {
            enabled: any_enabled(rules),
            ..Default::default()
        }
    }
}

fn any_enabled(rules: crate::registry::RuleSet) -> bool {
    [
        &GET_EVENT_LOOP,
        &DANGLING_TASK,
        &TASK_NEVER_JOINED,
        &GATHER_EXCEPTIONS_UNCHECKED,
        &TASKGROUP_PLAIN_EXCEPT,
        &REQUIRES_NEWER_PYTHON,
        &CANCELLATION_SWALLOWED,
        &TIMEOUT_ERROR_MISMATCH,
        &CANCEL_NOT_AWAITED,
        &SHUTDOWN_GATHER_RAISES,
        &ASYNC_RESOURCE_LEAK,
        &CLIENT_PER_REQUEST,
        &LOOP_CLOSED_WITH_PENDING_TASKS,
        &UNBOUNDED_GATHER,
        &GATHER_ORPHANS_SIBLINGS,
        &TIMEOUT_UNHANDLED,
    ]
    .iter()
    .any(|r| rules.contains(r))
}

const CANCELLED_ERRORS: &[&str] = &[
    "asyncio.CancelledError",
    "asyncio.exceptions.CancelledError",
    "asyncio.futures.CancelledError",
];

impl<'m, 'a> Checker<'m, 'a> {
    fn frame(&mut self) -> &mut Frame<'a> {
        if self.tasks.frames.is_empty() {
            self.tasks.frames.push(Frame::default());
        }
        self.tasks.frames.last_mut().expect("a frame")
    }

    fn text(&self, range: TextRange) -> &'a str {
        self.source.get(range.to_std_range()).unwrap_or("")
    }

    /// The qualified name `expr` resolves to, into the shared buffer.
    fn resolve_into_buf(&mut self, expr: &Expr) -> bool {
        self.resolver
            .qualified_name(self.scope, expr, &mut self.tasks.buf)
    }

    /// A bare name bound only by imports (possibly of several modules: the
    /// `if sys.version_info ...: from asyncio import X else: from backport
    /// import X` shim) and spelled `name`.
    fn imported_as(&self, expr: &Expr, name: &str) -> bool {
        let Expr::Name(n) = expr else {
            return false;
        };
        n.id.as_str() == name
            && self
                .resolver
                .model
                .lookup(self.scope, name)
                .is_some_and(|b| b.other_sites == 0)
    }

    /// An exception class that catches the `TimeoutError` of `asyncio.timeout()`
    /// / `wait_for` (in an `except` clause or `contextlib.suppress(...)`):
    /// it, a base of it (`OSError`, `Exception`, `BaseException`), or one of
    /// its older aliases.
    fn catches_timeout(&mut self, class: &Expr) -> bool {
        self.resolves_to_any(
            class,
            &[
                "builtins.TimeoutError",
                "builtins.OSError",
                "builtins.Exception",
                "builtins.BaseException",
                "asyncio.TimeoutError",
                "asyncio.exceptions.TimeoutError",
                "concurrent.futures.TimeoutError",
            ],
        ) || matches!(class, Expr::Name(n) if n.id.as_str() == "OSError")
    }

    fn resolves_to_any(&mut self, expr: &Expr, names: &[&str]) -> bool {
        self.resolve_into_buf(expr) && names.contains(&self.tasks.buf.as_str())
    }

    /// `asyncio.create_task(...)`, `asyncio.ensure_future(...)`,
    /// `loop.create_task(...)` on a loop known by local facts.
    fn is_task_spawn(&mut self, call: &ast::ExprCall) -> bool {
        let last = match &*call.func {
            Expr::Attribute(a) => a.attr.as_str(),
            Expr::Name(n) => n.id.as_str(),
            _ => return false,
        };
        if last != "create_task" && last != "ensure_future" {
            return false;
        }
        // `ensure_future(fut)` returns an existing future or task unchanged:
        // only `ensure_future(coro())` starts a new task.
        if last == "ensure_future" && !matches!(call.arguments.args.first(), Some(Expr::Call(_))) {
            return false;
        }
        if self.resolves_to_any(
            &call.func,
            &[
                "asyncio.create_task",
                "asyncio.ensure_future",
                "asyncio.tasks.create_task",
                "asyncio.tasks.ensure_future",
            ],
        ) {
            return true;
        }
        let Expr::Attribute(attr) = &*call.func else {
            return false;
        };
        attr.attr.as_str() == "create_task"
            && self.resolver.type_of(self.scope, &attr.value, 0)
                == Some("asyncio.AbstractEventLoop")
    }

    fn gather_call<'e>(&mut self, expr: &'e Expr) -> Option<&'e ast::ExprCall> {
        let Expr::Call(call) = expr else {
            return None;
        };
        self.is_gather(call).then_some(call)
    }

    /// `asyncio.gather(...)` by import tracking.
    fn is_gather(&mut self, call: &ast::ExprCall) -> bool {
        let is_gather = match &*call.func {
            Expr::Attribute(a) => a.attr.as_str() == "gather",
            Expr::Name(n) => n.id.as_str() == "gather",
            _ => false,
        };
        is_gather && self.resolves_to_any(&call.func, &["asyncio.gather", "asyncio.tasks.gather"])
    }

    /// Every gathered awaitable is a task cancelled earlier in this function.
    fn gathers_only_cancelled(&mut self, call: &ast::ExprCall) -> bool {
        let args = &call.arguments.args;
        if args.is_empty() {
            return false;
        }
        args.iter().all(|arg| {
            let (inner, starred) = match arg {
                Expr::Starred(s) => (&*s.value, true),
                other => (other, false),
            };
            // `*(t for t in (self.a, self.b) if t is not None)`
            let comprehension = match inner {
                Expr::Generator(g) => Some((&*g.elt, g.generators.as_slice())),
                Expr::ListComp(g) => Some((&*g.elt, g.generators.as_slice())),
                _ => None,
            };
            if let (true, Some((Expr::Name(elt), [generator]))) = (starred, comprehension) {
                if !matches!(&generator.target, Expr::Name(t) if t.id == elt.id) {
                    return false;
                }
                let iter = &generator.iter;
                let items: Vec<&str> = match iter {
                    Expr::Tuple(t) => t.elts.iter().map(|e| self.text(e.range())).collect(),
                    Expr::List(l) => l.elts.iter().map(|e| self.text(e.range())).collect(),
                    other => {
                        let text = self.text(other.range());
                        return self.frame().cancelled_collections.contains(&text);
                    }
                };
                let frame = self.frame();
                return !items.is_empty() && items.iter().all(|i| frame.cancelled.contains(i));
            }
            let text = self.text(inner.range());
            let frame = self.frame();
            if starred {
                frame.cancelled_collections.contains(&text)
            } else {
                frame.cancelled.contains(&text)
            }
        })
    }

    /// In an `except`/`finally` block, or a function named like teardown
    /// (`close`, `stop`, `shutdown`...): best-effort cleanup that ignores
    /// errors on purpose.
    fn in_teardown(&mut self) -> bool {
        let frame = self.frame();
        if frame.teardown_blocks > 0 {
            return true;
        }
        frame.def.is_some_and(|def| {
            let name = def.name.id.as_str().to_ascii_lowercase();
            TEARDOWN_WORDS.iter().any(|w| name.contains(w))
        })
    }

    pub(super) fn tasks_enter_finally(&mut self) {
        let frame = self.frame();
        frame.teardown_blocks += 1;
        frame.finally_blocks += 1;
    }

    pub(super) fn tasks_exit_finally(&mut self) {
        let frame = self.frame();
        frame.teardown_blocks -= 1;
        frame.finally_blocks -= 1;
    }

    // ---- hooks called from the checker ----

    pub(super) fn tasks_enter_function(&mut self, def: &'a ast::StmtFunctionDef) {
        let parent = self.resolver.model.scope(self.scope).parent;
        self.tasks.frames.push(Frame {
            def: Some(def),
            key: parent.map(|p| (p, def.name.id.as_str())),
            ..Frame::default()
        });
    }

    /// AD602 through calls: a function that makes a client for its own use,
    /// called in a loop of the same module. Run once at the end of the module.
    pub(super) fn tasks_finish_module(&mut self) {
        if !self.rules.contains(&CLIENT_PER_REQUEST) {
            return;
        }
        let factories = std::mem::take(&mut self.tasks.client_factories);
        for (key, range, what) in factories {
            if !self.tasks.called_in_loops.contains(&key) {
                continue;
            }
            if self.diagnostics.iter().any(|d| {
                std::ptr::eq(d.rule, &CLIENT_PER_REQUEST) && d.range.start() == range.start()
            }) {
                continue;
            }
            self.diagnostics.push(Diagnostic::new(
                &CLIENT_PER_REQUEST,
                format!("A new client ({what}) is created on every call of `{}()`, which is called in a loop", key.1),
                range,
            ));
        }
    }

    /// The [`FunctionKey`] a call in the current scope goes to: `f()` for a
    /// module-level `def f`, `self.m()` for a method of the enclosing class.
    fn called_function(&self, call: &ast::ExprCall) -> Option<FunctionKey<'a>> {
        let model = self.resolver.model;
        match &*call.func {
            Expr::Name(n) => {
                let id = n.id.as_str();
                let module = model.scope(ScopeId::MODULE).bindings.get_key_value(id)?;
                let found = model.lookup(self.scope, id)?;
                (std::ptr::eq(found, module.1) && found.is_function && found.other_sites == 1)
                    .then_some((ScopeId::MODULE, module.0))
            }
            Expr::Attribute(a) => {
                let Expr::Name(base) = &*a.value else {
                    return None;
                };
                let class = model.self_class(self.scope, base.id.as_str())?;
                let (name, binding) = model.scope(class).bindings.get_key_value(a.attr.as_str())?;
                binding.is_function.then_some((class, name))
            }
            _ => None,
        }
    }

    /// A client created as the whole value of a `with` item, a local
    /// assignment or a `return` (not cached on `self`).
    fn note_client_factory(&mut self, value: &Expr) {
        if !self.rules.contains(&CLIENT_PER_REQUEST) {
            return;
        }
        let Expr::Call(call) = value else {
            return;
        };
        let Some(key) = self.tasks.frames.last().and_then(|f| f.key) else {
            return;
        };
        if self.frame().loop_depth > 0 {
            return; // reported directly
        }
        if let Some(what) = self.client_constructor(call) {
            self.tasks.client_factories.push((key, call.range(), what));
        }
    }

    pub(super) fn tasks_exit_function(&mut self) {
        let Some(frame) = self.tasks.frames.pop() else {
            return;
        };
        let Some(def) = frame.def else {
            return;
        };
        if frame.task_locals.is_empty()
            && frame.gather_results.is_empty()
            && frame.resources.is_empty()
        {
            return;
        }
        let flow = FunctionFlow::build(&def.body);
        if self.rules.contains(&TASK_NEVER_JOINED) {
            for &(name, stmt, bound_at) in &frame.task_locals {
                // Any read counts (even `t.done()`): only tasks nothing ever
                // looks at again are reported.
                let used = flow
                    .uses_besides(name, bound_at)
                    .any(|u| !matches!(u.kind, UseKind::Bind | UseKind::Delete));
                if !used {
                    self.diagnostics.push(Diagnostic::new(
                        &TASK_NEVER_JOINED,
                        format!("Task `{name}` is never awaited, cancelled or kept: it can be destroyed while pending and its exception is lost"),
                        stmt,
                    ));
                }
            }
        }
        if self.rules.contains(&CANCEL_NOT_AWAITED) {
            for &(name, call) in &frame.cancel_calls {
                if !frame.task_locals.iter().any(|(n, ..)| *n == name) {
                    continue;
                }
                let uses = flow.uses(name);
                let managed = uses.iter().any(|u| {
                    u.kind.escapes()
                        || matches!(
                            u.kind,
                            UseKind::Await
                                | UseKind::Entered
                                | UseKind::Method("add_done_callback" | "result" | "exception")
                        )
                });
                if !managed {
                    self.diagnostics.push(Diagnostic::new(
                        &CANCEL_NOT_AWAITED,
                        format!("Task `{name}` is cancelled but never awaited: its cleanup may not run before the loop closes"),
                        call,
                    ));
                }
            }
        }
        for &(name, call, bound_at, what) in &frame.resources {
            let uses: Vec<_> = flow.uses_besides(name, bound_at).collect();
            if uses
                .iter()
                .any(|u| u.kind.escapes() || u.kind == UseKind::Entered)
            {
                continue; // ownership moves elsewhere, or `async with` later
            }
            let releases: Vec<_> = uses
                .iter()
                .filter(|u| {
                    matches!(
                        u.kind,
                        UseKind::Method("close" | "aclose" | "release" | "terminate")
                    )
                })
                .collect();
            let message = if releases.is_empty() {
                format!("`{name}` ({what}) is never closed: it leaks its connections")
            } else if releases.iter().any(|u| u.in_finally)
                || (releases.iter().any(|u| u.in_handler) && releases.iter().any(|u| !u.in_handler))
            {
                continue;
            } else {
                format!(
                    "`{name}` ({what}) is closed only when no exception occurs: an error before the close leaks it"
                )
            };
            self.diagnostics
                .push(Diagnostic::new(&ASYNC_RESOURCE_LEAK, message, call));
        }
        if self.rules.contains(&GATHER_EXCEPTIONS_UNCHECKED) {
            for &(name, call, bound_at) in &frame.gather_results {
                let inspected = flow
                    .uses_besides(name, bound_at)
                    .any(|u| !matches!(u.kind, UseKind::Len | UseKind::Bind | UseKind::Delete));
                if !inspected {
                    self.diagnostics.push(Diagnostic::new(
                        &GATHER_EXCEPTIONS_UNCHECKED,
                        format!("`{name}` holds the exceptions of `gather(..., return_exceptions=True)` but is never inspected: failures vanish silently"),
                        call,
                    ));
                }
            }
        }
    }

    /// Before a statement's children are visited.
    pub(super) fn tasks_before_stmt(&mut self, stmt: &'a Stmt) {
        if !self.tasks.enabled {
            return;
        }
        match stmt {
            Stmt::Expr(e) => self.tasks_expr_stmt(&e.value),
            Stmt::Assign(assign) => {
                if let [Expr::Name(target)] = assign.targets.as_slice() {
                    self.tasks_assigned(target, &assign.value, stmt.range());
                } else {
                    self.tasks_assigned_pair(&assign.targets, &assign.value);
                }
            }
            Stmt::AnnAssign(assign) => {
                if let (Expr::Name(target), Some(value)) = (&*assign.target, &assign.value) {
                    self.tasks_assigned(target, value, stmt.range());
                }
            }
            Stmt::ImportFrom(import) => self.tasks_import_from(import),
            Stmt::Try(t) => self.tasks_try_structure(t),
            Stmt::With(w) => {
                for item in &w.items {
                    self.note_client_factory(&item.context_expr);
                }
            }
            Stmt::Return(r) => {
                if let Some(value) = &r.value {
                    self.note_client_factory(value);
                }
            }
            _ => {}
        }
        if let Stmt::Assign(assign) = stmt
            && let [Expr::Name(_)] = assign.targets.as_slice()
        {
            self.note_client_factory(&assign.value);
        }
    }

    fn tasks_expr_stmt(&mut self, value: &'a Expr) {
        match value {
            Expr::Call(call) if self.rules.contains(&DANGLING_TASK) && self.is_task_spawn(call) => {
                let written = self.text(call.func.range());
                self.diagnostics.push(Diagnostic::new(
                        &DANGLING_TASK,
                        format!("The task returned by `{written}()` is not kept: it can be garbage-collected before it finishes"),
                        call.range(),
                    ));
            }
            Expr::Await(await_expr) => {
                if !self.rules.contains(&GATHER_EXCEPTIONS_UNCHECKED) {
                    return;
                }
                let Some(call) = self.gather_call(&await_expr.value) else {
                    return;
                };
                if returns_exceptions(call)
                    && !self.gathers_only_cancelled(call)
                    && !self.in_teardown()
                {
                    self.diagnostics.push(Diagnostic::new(
                        &GATHER_EXCEPTIONS_UNCHECKED,
                        "The result of `gather(..., return_exceptions=True)` is thrown away: failures vanish silently",
                        call.range(),
                    ));
                }
            }
            _ => {}
        }
    }

    fn tasks_assigned(&mut self, target: &'a ast::ExprName, value: &'a Expr, stmt: TextRange) {
        if self.tasks.frames.last().is_none_or(|f| f.def.is_none()) {
            return; // module and class level: not a function local
        }
        let name = target.id.as_str();
        match value {
            Expr::Call(call) if self.is_task_spawn(call) => {
                let at = target.range.start();
                self.frame().task_locals.push((name, stmt, at));
            }
            Expr::Call(call) => {
                if let Some(what) = self.client_constructor(call) {
                    self.note_resource(target, call, what);
                }
            }
            Expr::Await(a) => {
                if let Expr::Call(call) = &*a.value
                    && let Some(what) = self.awaited_resource(call)
                {
                    self.note_resource(target, call, what);
                }
                if let Some(call) = self.gather_call(&a.value)
                    && returns_exceptions(call)
                    && !self.gathers_only_cancelled(call)
                {
                    let (range, at) = (call.range(), target.range.start());
                    self.frame().gather_results.push((name, range, at));
                }
            }
            _ => {}
        }
    }

    fn note_resource(
        &mut self,
        target: &'a ast::ExprName,
        call: &ast::ExprCall,
        what: &'static str,
    ) {
        if self.rules.contains(&ASYNC_RESOURCE_LEAK) {
            let (range, at) = (call.range(), target.range.start());
            self.frame()
                .resources
                .push((target.id.as_str(), range, at, what));
        }
    }

    /// `aiohttp.ClientSession(...)` / `httpx.AsyncClient(...)`.
    fn client_constructor(&mut self, call: &ast::ExprCall) -> Option<&'static str> {
        let last = match &*call.func {
            Expr::Attribute(a) => a.attr.as_str(),
            Expr::Name(n) => n.id.as_str(),
            _ => return None,
        };
        if last != "ClientSession" && last != "AsyncClient" {
            return None;
        }
        if !self.resolve_into_buf(&call.func) {
            return None;
        }
        match self.tasks.buf.as_str() {
            "aiohttp.ClientSession" | "aiohttp.client.ClientSession" => {
                Some("an `aiohttp.ClientSession`")
            }
            "httpx.AsyncClient" => Some("an `httpx.AsyncClient`"),
            _ => None,
        }
    }

    /// What `await <call>` gives that must be closed: asyncpg/aiosqlite
    /// connections and pools, a connection acquired from an asyncpg pool.
    fn awaited_resource(&mut self, call: &ast::ExprCall) -> Option<&'static str> {
        let last = match &*call.func {
            Expr::Attribute(a) => a.attr.as_str(),
            Expr::Name(n) => n.id.as_str(),
            _ => return None,
        };
        match last {
            "connect" | "create_pool" => {
                if !self.resolve_into_buf(&call.func) {
                    return None;
                }
                match self.tasks.buf.as_str() {
                    "asyncpg.connect" | "asyncpg.connection.connect" => {
                        Some("an asyncpg connection")
                    }
                    "asyncpg.create_pool" | "asyncpg.pool.create_pool" => Some("an asyncpg pool"),
                    "aiosqlite.connect" | "aiosqlite.core.connect" => {
                        Some("an aiosqlite connection")
                    }
                    _ => None,
                }
            }
            "acquire" => {
                // `pool.acquire()` where `pool = await asyncpg.create_pool(...)`.
                let Expr::Attribute(attr) = &*call.func else {
                    return None;
                };
                let Expr::Name(pool) = &*attr.value else {
                    return None;
                };
                let binding = self.resolver.model.lookup(self.scope, pool.id.as_str())?;
                let Some(Site::Value(scope, Expr::Await(made))) = binding.site else {
                    return None;
                };
                if binding.other_sites != 1 {
                    return None;
                }
                let Expr::Call(made) = &*made.value else {
                    return None;
                };
                let mut buf = String::new();
                (self.resolver.qualified_name(scope, &made.func, &mut buf)
                    && matches!(
                        buf.as_str(),
                        "asyncpg.create_pool" | "asyncpg.pool.create_pool"
                    ))
                .then_some("a connection acquired from an asyncpg pool")
            }
            _ => None,
        }
    }

    /// `reader, writer = await asyncio.open_connection(...)`: the writer.
    fn tasks_assigned_pair(&mut self, targets: &'a [Expr], value: &'a Expr) {
        let [Expr::Tuple(pair)] = targets else {
            return;
        };
        let (Some(Expr::Name(writer)), 2) = (pair.elts.get(1), pair.elts.len()) else {
            return;
        };
        let Expr::Await(a) = value else {
            return;
        };
        let Expr::Call(call) = &*a.value else {
            return;
        };
        if self.tasks.frames.last().is_none_or(|f| f.def.is_none()) {
            return;
        }
        if self.resolves_to_any(
            &call.func,
            &[
                "asyncio.open_connection",
                "asyncio.open_unix_connection",
                "asyncio.streams.open_connection",
            ],
        ) {
            self.note_resource(writer, call, "a `StreamWriter`");
        }
    }

    pub(super) fn tasks_enter_loop(&mut self) {
        self.frame().loop_depth += 1;
    }

    pub(super) fn tasks_exit_loop(&mut self) {
        self.frame().loop_depth -= 1;
    }

    /// AD701 facts and checks for every call.
    fn loop_lifecycle(&mut self, call: &'a ast::ExprCall) {
        if !self.rules.contains(&LOOP_CLOSED_WITH_PENDING_TASKS) {
            return;
        }
        if !self.frame().loops_run.is_empty() {
            // A call handed a loop that was run: a helper that may clean it up.
            let handed = call.arguments.args.iter().any(|a| {
                matches!(a, Expr::Name(_) | Expr::Attribute(_))
                    && self.tasks.frames.last().is_some_and(|f| {
                        let text = self.source.get(a.range().to_std_range()).unwrap_or("");
                        f.loops_run.contains(&text)
                    })
            });
            if handed {
                self.frame().loop_cleanup = true;
            }
        }
        let (method, receiver) = match &*call.func {
            Expr::Attribute(a) => (a.attr.as_str(), Some(&*a.value)),
            Expr::Name(n) => (n.id.as_str(), None),
            _ => return,
        };
        match (method, receiver) {
            ("run_until_complete" | "run_forever", Some(receiver)) => {
                let text = self.text(receiver.range());
                // `loop.run_until_complete(self.shutdown())`: a project
                // teardown function, which may cancel the tasks itself.
                let teardown = call.arguments.args.first().is_some_and(|arg| {
                    let Expr::Call(inner) = arg else {
                        return false;
                    };
                    let name = match &*inner.func {
                        Expr::Name(n) => n.id.as_str(),
                        Expr::Attribute(a)
                            if matches!(&*a.value, Expr::Name(s) if s.id.as_str() == "self" || s.id.as_str() == "cls") =>
                        {
                            a.attr.as_str()
                        }
                        _ => return false,
                    };
                    let name = name.to_ascii_lowercase();
                    TEARDOWN_WORDS.iter().any(|w| name.contains(w))
                });
                let frame = self.frame();
                frame.loops_run.push(text);
                frame.loop_cleanup |= teardown;
            }
            ("shutdown_asyncgens" | "all_tasks" | "cancel" | "_cancel_all_tasks", _) => {
                self.frame().loop_cleanup = true;
            }
            ("gather", _) if returns_exceptions(call) => self.frame().loop_cleanup = true,
            ("close", Some(receiver)) if call.arguments.is_empty() => {
                let text = self.text(receiver.range());
                let frame = self.frame();
                if frame.loop_cleanup || !frame.loops_run.contains(&text) {
                    return;
                }
                if self.resolver.type_of(self.scope, receiver, 0)
                    == Some("asyncio.AbstractEventLoop")
                {
                    self.diagnostics.push(Diagnostic::new(
                        &LOOP_CLOSED_WITH_PENDING_TASKS,
                        format!("`{text}.close()` without cancelling and awaiting the pending tasks: they are destroyed while pending"),
                        call.range(),
                    ));
                }
            }
            _ => {}
        }
    }

    /// Data, not a bounded or literal collection: names, attributes,
    /// subscripts, calls other than `range()` (through `enumerate`/`zip`...),
    /// comprehensions over those.
    fn is_data_iterable(&mut self, iter: &Expr, depth: u8) -> bool {
        if depth > 4 {
            return false;
        }
        match iter {
            Expr::Name(n) => self.is_runtime_data(n),
            Expr::Call(call) => {
                let name = match &*call.func {
                    Expr::Name(n) => n.id.as_str(),
                    Expr::Attribute(a) => a.attr.as_str(),
                    _ => return false,
                };
                match name {
                    "enumerate" | "zip" | "reversed" | "sorted" | "list" | "tuple" | "set"
                    | "iter" | "chain" => call
                        .arguments
                        .args
                        .iter()
                        .any(|a| self.is_data_iterable(a, depth + 1)),
                    // `rows.items()`, `data.values()`
                    "items" | "values" | "keys" => match &*call.func {
                        Expr::Attribute(a) => self.is_data_iterable(&a.value, depth + 1),
                        _ => false,
                    },
                    _ => false,
                }
            }
            Expr::ListComp(c) => self.comprehension_over_data(&c.generators, depth),
            Expr::Generator(c) => self.comprehension_over_data(&c.generators, depth),
            Expr::SetComp(c) => self.comprehension_over_data(&c.generators, depth),
            _ => false,
        }
    }

    /// A collection whose size is decided at run time by data: a local
    /// fetched with `await` (`keys = await redis.keys(...)`, `rows = await
    /// conn.fetch(...)`), except the results of a `gather` (as many as were
    /// already started). Parameters and attributes (`handlers`,
    /// `self.listeners`) are usually a handful of configured objects and are
    /// not followed: on the corpus they were mostly small.
    fn is_runtime_data(&mut self, name: &ast::ExprName) -> bool {
        let Some(binding) = self.resolver.model.lookup(self.scope, name.id.as_str()) else {
            return false;
        };
        if binding.other_sites != 1 {
            return false;
        }
        let Some(Site::Value(scope, Expr::Await(fetched))) = binding.site else {
            return false;
        };
        scope == self.scope
            && !matches!(&*fetched.value, Expr::Call(c) if matches!(&*c.func,
                Expr::Attribute(a) if a.attr.as_str() == "gather") || matches!(&*c.func, Expr::Name(n) if n.id.as_str() == "gather"))
    }

    fn comprehension_over_data(&mut self, generators: &[ast::Comprehension], depth: u8) -> bool {
        generators
            .first()
            .is_some_and(|g| !g.is_async && self.is_data_iterable(&g.iter, depth + 1))
    }

    /// `*(f(x) for x in data)`, `*map(f, data)`, or a name bound to such a
    /// comprehension: the unbounded argument of a gather.
    fn unbounded_star(&mut self, value: &Expr, follow_name: bool) -> bool {
        match value {
            Expr::Generator(g) => {
                matches!(&*g.elt, Expr::Call(_)) && self.comprehension_over_data(&g.generators, 0)
            }
            Expr::ListComp(g) => {
                matches!(&*g.elt, Expr::Call(_)) && self.comprehension_over_data(&g.generators, 0)
            }
            Expr::Call(call) => {
                matches!(&*call.func, Expr::Name(n) if n.id.as_str() == "map")
                    && call
                        .arguments
                        .args
                        .get(1)
                        .is_some_and(|a| self.is_data_iterable(a, 0))
            }
            Expr::Name(n) if follow_name => {
                let Some(binding) = self.resolver.model.lookup(self.scope, n.id.as_str()) else {
                    return false;
                };
                if binding.other_sites != 1 {
                    return false;
                }
                match binding.site {
                    Some(Site::Value(scope, value)) if scope == self.scope => {
                        self.unbounded_star(value, false)
                    }
                    _ => false,
                }
            }
            _ => false,
        }
    }

    fn limited_here(&mut self) -> bool {
        let frame = self.frame();
        if frame.sem_blocks > 0 || frame.acquired_sem {
            return true;
        }
        let source = self.source;
        *self.tasks.uses_semaphore.get_or_insert_with(|| {
            let bytes = source.as_bytes();
            [
                "Semaphore",
                "semaphore",
                "CapacityLimiter",
                "Limiter",
                "limiter",
            ]
            .iter()
            .any(|w| memchr::memmem::find(bytes, w.as_bytes()).is_some())
        })
    }

    /// AD305 for one call.
    fn check_unbounded(&mut self, call: &'a ast::ExprCall) {
        let last = match &*call.func {
            Expr::Attribute(a) => a.attr.as_str(),
            Expr::Name(n) => n.id.as_str(),
            _ => return,
        };
        match last {
            "gather" => {
                let unbounded = call.arguments.args.iter().any(|a| match a {
                    Expr::Starred(s) => self.unbounded_star(&s.value, true),
                    _ => false,
                });
                if unbounded && self.is_gather(call) && !self.in_teardown() && !self.limited_here()
                {
                    self.diagnostics.push(Diagnostic::new(
                        &UNBOUNDED_GATHER,
                        "`gather()` starts one coroutine per item of the data at once: unbounded concurrency",
                        call.range(),
                    ));
                }
            }
            "create_task" | "start_soon" | "ensure_future" => {
                if !self.frame().data_loops.iter().any(|d| *d) || self.in_teardown() {
                    return;
                }
                let spawns = match &*call.func {
                    Expr::Attribute(_) if last != "ensure_future" => true,
                    _ => self.is_task_spawn(call),
                };
                if spawns && !self.limited_here() {
                    let written = self.text(call.func.range());
                    self.diagnostics.push(Diagnostic::new(
                        &UNBOUNDED_GATHER,
                        format!("`{written}()` in a loop over data starts one task per item at once: unbounded concurrency"),
                        call.range(),
                    ));
                }
            }
            "acquire" => {
                if let Expr::Attribute(a) = &*call.func
                    && looks_like_limiter(self.text(a.value.range()))
                {
                    self.frame().acquired_sem = true;
                }
            }
            _ => {}
        }
    }

    /// Calls in any context (the blocking rules only look at async ones).
    pub(super) fn tasks_on_call(&mut self, call: &'a ast::ExprCall) {
        self.loop_lifecycle(call);
        if self.rules.contains(&CLIENT_PER_REQUEST)
            && self.frame().loop_depth > 0
            && let Some(key) = self.called_function(call)
        {
            self.tasks.called_in_loops.push(key);
        }
        if self.rules.contains(&UNBOUNDED_GATHER) {
            self.check_unbounded(call);
        }
        if self.rules.contains(&CLIENT_PER_REQUEST)
            && self.frame().loop_depth > 0
            && let Some(what) = self.client_constructor(call)
        {
            self.diagnostics.push(Diagnostic::new(
                &CLIENT_PER_REQUEST,
                format!(
                    "A new client ({what}) is created on every loop iteration: no connection reuse"
                ),
                call.range(),
            ));
        }
        let Expr::Attribute(attr) = &*call.func else {
            if let Expr::Name(_) = &*call.func {
                self.tasks_on_named_call(call);
            }
            return;
        };
        match attr.attr.as_str() {
            "cancel" if call.arguments.is_empty() || call.arguments.len() == 1 => {
                let receiver = self.text(attr.value.range());
                let frame = self.frame();
                frame.cancelled.push(receiver);
                if let Expr::Name(n) = &*attr.value {
                    let name = n.id.as_str();
                    frame.cancel_calls.push((name, call.range()));
                    if let Some(&(_, iter)) = frame.loops.iter().rev().find(|(t, _)| *t == name) {
                        frame.cancelled_collections.push(iter);
                    }
                }
            }
            "get_event_loop" => self.check_get_event_loop(call),
            "wait_for" | "timeout" | "timeout_at"
                if self.resolves_to_any(
                    &call.func,
                    &[
                        "asyncio.wait_for",
                        "asyncio.timeout",
                        "asyncio.timeout_at",
                        "asyncio.tasks.wait_for",
                    ],
                ) =>
            {
                if let Some(r) = self.frame().regions.last_mut() {
                    r.asyncio_timeout = true;
                }
                if attr.attr.as_str() != "wait_for" {
                    self.check_new_feature(call.func.range(), &call.func, "3.11");
                }
            }
            "TaskGroup" | "Runner" | "Barrier" => {
                self.check_new_feature(call.func.range(), &call.func, "3.11");
            }
            "shutdown"
                if self.rules.contains(&REQUIRES_NEWER_PYTHON)
                    && self.tasks.version_guards == 0
                    && self.run.target_version
                        < (PythonVersion {
                            major: 3,
                            minor: 13,
                        })
                    && self.resolver.type_of(self.scope, &attr.value, 0)
                        == Some("asyncio.Queue") =>
            {
                let written = self.text(call.func.range());
                self.diagnostics.push(Diagnostic::new(
                        &REQUIRES_NEWER_PYTHON,
                        format!("`{written}()` (`asyncio.Queue.shutdown`) needs Python 3.13, but the target version is {}", self.run.target_version),
                        call.range(),
                    ));
            }
            "set_task_factory" => {
                if let Some(arg @ Expr::Attribute(a)) = call.arguments.args.first()
                    && a.attr.as_str() == "eager_task_factory"
                {
                    self.check_new_feature(arg.range(), arg, "3.12");
                }
            }
            _ => {}
        }
    }

    fn tasks_on_named_call(&mut self, call: &'a ast::ExprCall) {
        let Expr::Name(n) = &*call.func else {
            return;
        };
        match n.id.as_str() {
            "get_event_loop" => self.check_get_event_loop(call),
            "wait_for" | "timeout" | "timeout_at" => {
                if self.resolves_to_any(
                    &call.func,
                    &["asyncio.wait_for", "asyncio.timeout", "asyncio.timeout_at"],
                ) && let Some(r) = self.frame().regions.last_mut()
                {
                    r.asyncio_timeout = true;
                }
            }
            _ => {}
        }
    }

    /// AD307 for `asyncio.X` written as an attribute of the module (a name
    /// imported with `from asyncio import X` is reported at the import).
    fn check_new_feature(&mut self, range: TextRange, func: &Expr, version: &str) {
        if !self.rules.contains(&REQUIRES_NEWER_PYTHON) || self.tasks.version_guards > 0 {
            return;
        }
        let Expr::Attribute(attr) = func else {
            return;
        };
        let needed = PythonVersion::parse(version).expect("a known version");
        if self.run.target_version >= needed {
            return;
        }
        if !self.resolves_to_any(&attr.value, &["asyncio"]) {
            return;
        }
        let name = attr.attr.as_str();
        self.diagnostics.push(Diagnostic::new(
            &REQUIRES_NEWER_PYTHON,
            format!(
                "`asyncio.{name}` needs Python {version}, but the target version is {}",
                self.run.target_version
            ),
            range,
        ));
    }

    fn tasks_import_from(&mut self, import: &'a ast::StmtImportFrom) {
        if !self.rules.contains(&REQUIRES_NEWER_PYTHON)
            || self.tasks.version_guards > 0
            || import.level != 0
            || import
                .module
                .as_ref()
                .is_none_or(|m| m.id.as_str() != "asyncio")
        {
            return;
        }
        let target = self.run.target_version;
        let mut too_new = Vec::new();
        for alias in &import.names {
            let name = alias.name.id.as_str();
            if let Some(version) = feature_version(name)
                && target < PythonVersion::parse(version).expect("a known version")
            {
                too_new.push(format!("`{name}` needs Python {version}"));
            }
        }
        if !too_new.is_empty() {
            self.diagnostics.push(Diagnostic::new(
                &REQUIRES_NEWER_PYTHON,
                format!(
                    "`from asyncio import ...`: {}, but the target version is {target}",
                    too_new.join(", ")
                ),
                import.range(),
            ));
        }
    }

    fn check_get_event_loop(&mut self, call: &ast::ExprCall) {
        if !self.rules.contains(&GET_EVENT_LOOP)
            || self.tasks.version_guards > 0
            || !self.resolves_to_any(
                &call.func,
                &["asyncio.get_event_loop", "asyncio.events.get_event_loop"],
            )
        {
            return;
        }
        let target = self.run.target_version;
        let diagnostic = if self.in_async_context() {
            Diagnostic::new(
                &GET_EVENT_LOOP,
                "`asyncio.get_event_loop()` in a coroutine: use `asyncio.get_running_loop()`",
                call.range(),
            )
            .with_help("Use `asyncio.get_running_loop()`, which returns the loop running this coroutine and never creates one")
        } else {
            let help = if target >= PY311 {
                "Start the program with `asyncio.run()` or `asyncio.Runner`, own a loop from `asyncio.new_event_loop()`, or call `asyncio.get_running_loop()` in code that runs on the loop"
            } else {
                "Start the program with `asyncio.run()` (`asyncio.Runner` needs 3.11), own a loop from `asyncio.new_event_loop()`, or call `asyncio.get_running_loop()` in code that runs on the loop"
            };
            let when = if target
                >= (PythonVersion {
                    major: 3,
                    minor: 14,
                }) {
                "raises `RuntimeError` on your target version when no loop is set"
            } else if target
                >= (PythonVersion {
                    major: 3,
                    minor: 10,
                })
            {
                "is deprecated on your target version when no loop is running, and raises `RuntimeError` from 3.14"
            } else {
                "is deprecated from 3.10 when no loop is running, and raises `RuntimeError` from 3.14"
            };
            Diagnostic::new(
                &GET_EVENT_LOOP,
                format!("`asyncio.get_event_loop()` outside a coroutine {when}"),
                call.range(),
            )
            .with_help(help)
        };
        self.diagnostics.push(diagnostic);
    }

    pub(super) fn tasks_on_await(&mut self, await_expr: &'a ast::ExprAwait) {
        if !self.tasks.enabled {
            return;
        }
        // What it awaits: an already cancelled task (joining it) or anything else.
        let value = &*await_expr.value;
        let joins_cancelled = if let Some(call) = self.gather_call(value) {
            let only = self.gathers_only_cancelled(call);
            if only && !returns_exceptions(call) && self.rules.contains(&SHUTDOWN_GATHER_RAISES) {
                self.diagnostics.push(Diagnostic::new(
                    &SHUTDOWN_GATHER_RAISES,
                    "`gather()` of cancelled tasks without `return_exceptions=True`: the first `CancelledError` aborts it and the other tasks are not awaited",
                    call.range(),
                ));
            }
            if !only && !returns_exceptions(call) && self.rules.contains(&GATHER_ORPHANS_SIBLINGS) {
                let depth = self.frame().regions.len();
                if depth > 0 {
                    self.frame().pending_gathers.push((call.range(), depth));
                }
            }
            only
        } else {
            if let Expr::Call(call) = value
                && self.rules.contains(&TIMEOUT_UNHANDLED)
                && !call
                    .arguments
                    .find_argument_value("timeout", 1)
                    .is_some_and(|t| t.is_none_literal_expr())
                && self.resolves_to_any(&call.func, &["asyncio.wait_for", "asyncio.tasks.wait_for"])
            {
                self.check_timeout_handled(call.range());
            }
            // `await self._task` / `await fut`: joining a task or future held
            // in a variable. A `CancelledError` there usually means *that*
            // task was cancelled (by whoever owns it): treated as a join.
            matches!(value, Expr::Name(_) | Expr::Attribute(_)) || self.is_cancelled_task(value, 0)
        };
        if !joins_cancelled {
            self.tasks_note_suspension();
        }
    }

    /// A task cancelled earlier in this function, possibly wrapped:
    /// `t`, `self._task`, `asyncio.shield(t)`, `asyncio.wait_for(t, 5)`,
    /// `asyncio.wait_for(asyncio.shield(t), 5)`.
    fn is_cancelled_task(&mut self, expr: &Expr, depth: u8) -> bool {
        if depth > 3 {
            return false;
        }
        match expr {
            Expr::Name(_) | Expr::Attribute(_) => {
                let text = self.text(expr.range());
                self.frame().cancelled.contains(&text)
            }
            Expr::Call(call) => {
                let wrapper = match &*call.func {
                    Expr::Attribute(a) => a.attr.as_str(),
                    Expr::Name(n) => n.id.as_str(),
                    _ => return false,
                };
                matches!(wrapper, "shield" | "wait_for")
                    && call
                        .arguments
                        .args
                        .first()
                        .is_some_and(|first| self.is_cancelled_task(first, depth + 1))
                    && self.resolves_to_any(
                        &call.func,
                        &[
                            "asyncio.shield",
                            "asyncio.wait_for",
                            "asyncio.tasks.shield",
                            "asyncio.tasks.wait_for",
                        ],
                    )
            }
            _ => false,
        }
    }

    /// AD402: no enclosing `try` of this function handles a timeout.
    fn check_timeout_handled(&mut self, range: TextRange) {
        if self.frame().regions.iter().any(|r| r.handles_timeout) {
            return;
        }
        let written = self
            .text(range)
            .split('(')
            .next()
            .unwrap_or("asyncio.wait_for")
            .to_string();
        self.diagnostics.push(Diagnostic::new(
            &TIMEOUT_UNHANDLED,
            format!("`{written}()` can raise `TimeoutError`, and no `try` here handles it"),
            range,
        ));
    }

    /// An `await`, `async for` or `async with` that can deliver cancellation.
    fn tasks_note_suspension(&mut self) {
        if let Some(r) = self.frame().regions.last_mut() {
            r.awaits_other = true;
        }
    }

    pub(super) fn tasks_enter_for(&mut self, for_stmt: &'a ast::StmtFor) {
        let data = !for_stmt.is_async && self.is_data_iterable(&for_stmt.iter, 0);
        self.frame().data_loops.push(data);
        self.frame().loop_depth += 1;
        if for_stmt.is_async {
            self.tasks_note_suspension();
        }
        if let Expr::Name(target) = &*for_stmt.target {
            let iter = self.text(for_stmt.iter.range());
            self.frame().loops.push((target.id.as_str(), iter));
        } else {
            self.frame().loops.push(("", ""));
        }
    }

    pub(super) fn tasks_exit_for(&mut self) {
        self.frame().data_loops.pop();
        self.frame().loop_depth -= 1;
        self.frame().loops.pop();
    }

    /// `if sys.version_info >= ...:` and friends guard both branches.
    pub(super) fn tasks_enter_if(&mut self, if_stmt: &'a ast::StmtIf) -> bool {
        let guard = self.is_version_test(&if_stmt.test);
        self.tasks.version_guards += u32::from(guard);
        guard
    }

    pub(super) fn tasks_exit_if(&mut self, guard: bool) {
        self.tasks.version_guards -= u32::from(guard);
    }

    fn is_version_test(&mut self, test: &Expr) -> bool {
        match test {
            Expr::Compare(c) => {
                self.is_version_test(&c.left)
                    || c.comparators.iter().any(|e| self.is_version_test(e))
            }
            Expr::BoolOp(b) => b.values.iter().any(|v| self.is_version_test(v)),
            Expr::UnaryOp(u) => self.is_version_test(&u.operand),
            Expr::Subscript(s) => self.is_version_test(&s.value),
            Expr::Call(c) => matches!(&*c.func, Expr::Name(n) if n.id.as_str() == "hasattr"),
            // Only an attribute named `version_info` can be `sys.version_info`.
            Expr::Attribute(a) => {
                (a.attr.as_str() == "version_info"
                    && self.resolves_to_any(test, &["sys.version_info"]))
                    || is_version_constant(a.attr.as_str())
            }
            Expr::Name(n) => {
                is_version_constant(n.id.as_str())
                    || self.resolves_to_any(test, &["sys.version_info"])
            }
            _ => false,
        }
    }

    /// Facts a `try` statement gives before its body is visited (AD306).
    fn tasks_try_structure(&mut self, try_stmt: &'a ast::StmtTry) {
        // `except*` is syntax: no `sys.version_info` check can guard it.
        if try_stmt.is_star
            && self.rules.contains(&REQUIRES_NEWER_PYTHON)
            && self.run.target_version < PY311
            && let Some(first) = try_stmt.handlers.first()
        {
            self.diagnostics.push(Diagnostic::new(
                    &REQUIRES_NEWER_PYTHON,
                    format!(
                        "`except*` needs Python 3.11 (a `SyntaxError` before), but the target version is {}",
                        self.run.target_version
                    ),
                    first.range(),
                ));
        }
        if !self.rules.contains(&TASKGROUP_PLAIN_EXCEPT) || try_stmt.is_star {
            return;
        }
        let Some(inside_timeout) = self.group_only(&try_stmt.body) else {
            return;
        };
        for handler in &try_stmt.handlers {
            let ast::ExceptHandler::ExceptHandler(h) = handler;
            let Some(ty) = &h.type_ else {
                continue;
            };
            let elements = caught_types(ty);
            let mut plain = true;
            for e in elements {
                // `_ExceptionGroup = get_exception_group()`: a variable may hold a group type.
                if let Expr::Name(n) = e {
                    let variable = self
                        .resolver
                        .model
                        .lookup(self.scope, n.id.as_str())
                        .is_some_and(|b| {
                            b.import.is_none()
                                && matches!(b.site, Some(Site::Value(..) | Site::Annotation(..)))
                        });
                    if variable {
                        plain = false;
                        break;
                    }
                }
                let name = match e {
                    Expr::Name(n) => n.id.as_str(),
                    Expr::Attribute(a) => a.attr.as_str(),
                    _ => {
                        plain = false;
                        break;
                    }
                };
                let passes_through = name.contains("Group")
                    || name == "MultiError"
                    || matches!(
                        name,
                        "BaseException"
                            | "Exception"
                            | "BaseExceptionGroup"
                            | "ExceptionGroup"
                            | "KeyboardInterrupt"
                            | "SystemExit"
                            | "GeneratorExit"
                            | "CancelledError"
                    )
                    || (inside_timeout && name == "TimeoutError");
                if passes_through {
                    plain = false;
                    break;
                }
            }
            if plain {
                let written = self.text(ty.range());
                self.diagnostics.push(Diagnostic::new(
                    &TASKGROUP_PLAIN_EXCEPT,
                    format!("`except {written}` never matches errors from the task group: they arrive wrapped in an `ExceptionGroup`"),
                    handler.range(),
                ));
            }
        }
    }

    /// `Some(inside_timeout)` when the body is a task group `async with` and
    /// nothing else that can raise (`pass`, docstrings), possibly inside
    /// `async with asyncio.timeout(...)`.
    fn group_only(&mut self, body: &'a [Stmt]) -> Option<bool> {
        let mut found = None;
        for stmt in body {
            match stmt {
                Stmt::Pass(_) => {}
                Stmt::Expr(e) if e.value.is_string_literal_expr() => {}
                Stmt::With(w) if w.is_async && w.items.len() == 1 && found.is_none() => {
                    let Expr::Call(call) = &w.items[0].context_expr else {
                        return None;
                    };
                    if self.imported_as(&call.func, "TaskGroup")
                        || self.resolves_to_any(
                            &call.func,
                            &[
                                "asyncio.TaskGroup",
                                "asyncio.taskgroups.TaskGroup",
                                "taskgroup.TaskGroup",
                                "anyio.create_task_group",
                                "trio.open_nursery",
                            ],
                        )
                    {
                        found = Some(false);
                    } else if self.imported_as(&call.func, "timeout")
                        || self.resolves_to_any(
                            &call.func,
                            &[
                                "asyncio.timeout",
                                "asyncio.timeout_at",
                                "async_timeout.timeout",
                            ],
                        )
                    {
                        self.group_only(&w.body)?;
                        found = Some(true);
                    } else {
                        return None;
                    }
                }
                _ => return None,
            }
        }
        found
    }

    /// Before a `try` body: open a region; version/import shims are guards.
    pub(super) fn tasks_enter_try_body(&mut self, try_stmt: &'a ast::StmtTry) -> bool {
        let handles_timeout = self.rules.contains(&TIMEOUT_UNHANDLED)
            && try_stmt.handlers.iter().any(|h| {
                let ast::ExceptHandler::ExceptHandler(h) = h;
                let Some(ty) = h.type_.as_deref() else {
                    return true;
                };
                caught_types(ty).iter().any(|e| self.catches_timeout(e))
            });
        self.frame().regions.push(Region {
            handles_timeout,
            ..Region::default()
        });
        let import_shim = try_stmt.handlers.iter().any(|h| {
            let ast::ExceptHandler::ExceptHandler(h) = h;
            h.type_.as_deref().is_some_and(|t| {
                let names = caught_types(t);
                names.iter().any(|e| {
                    matches!(e, Expr::Name(n) if matches!(n.id.as_str(), "ImportError" | "ModuleNotFoundError" | "AttributeError"))
                })
            })
        });
        self.tasks.version_guards += u32::from(import_shim);
        import_shim
    }

    /// After a `try` body, before its handlers: check the handlers against
    /// what the body did (AD401, AD403).
    pub(super) fn tasks_exit_try_body(
        &mut self,
        try_stmt: &'a ast::StmtTry,
        import_shim: bool,
    ) -> Region {
        self.tasks.version_guards -= u32::from(import_shim);
        let depth = self.frame().regions.len();
        if !self.frame().pending_gathers.is_empty() {
            // Gathers directly in this body: reported when a handler carries on,
            // otherwise the enclosing `try` decides.
            // A clause for cancellation only is about the outer task being
            // cancelled (then `gather` cancels its children itself).
            let carries_on = try_stmt.handlers.iter().any(|h| {
                let ast::ExceptHandler::ExceptHandler(h) = h;
                let only_base_errors = h.type_.as_deref().is_some_and(|t| {
                    let elements = caught_types(t);
                    elements.iter().all(|e| {
                        let name = match e {
                            Expr::Name(n) => n.id.as_str(),
                            Expr::Attribute(a) => a.attr.as_str(),
                            _ => "",
                        };
                        matches!(
                            name,
                            "CancelledError" | "KeyboardInterrupt" | "SystemExit" | "GeneratorExit"
                        )
                    })
                });
                !only_base_errors && !HandlerScan::run(h).raises
            });
            let mut reported = Vec::new();
            for (range, d) in &mut self.frame().pending_gathers {
                if *d == depth {
                    if carries_on {
                        reported.push(*range);
                        *d = 0;
                    } else {
                        *d -= 1;
                    }
                }
            }
            self.frame().pending_gathers.retain(|(_, d)| *d > 0);
            for range in reported {
                self.diagnostics.push(Diagnostic::new(
                    &GATHER_ORPHANS_SIBLINGS,
                    "When one awaitable fails, `gather()` raises but does not cancel the others: after this handler they keep running unsupervised",
                    range,
                ));
            }
        }
        let region = self.frame().regions.pop().unwrap_or_default();
        if let Some(outer) = self.frame().regions.last_mut() {
            outer.awaits_other |= region.awaits_other;
            outer.asyncio_timeout |= region.asyncio_timeout;
        }
        if region.asyncio_timeout
            && self.rules.contains(&TIMEOUT_ERROR_MISMATCH)
            && self.run.target_version < PY311
        {
            for handler in &try_stmt.handlers {
                self.check_timeout_handler(handler);
            }
        }
        region
    }

    fn check_timeout_handler(&mut self, handler: &'a ast::ExceptHandler) {
        let ast::ExceptHandler::ExceptHandler(h) = handler;
        let Some(ty) = &h.type_ else {
            return;
        };
        let elements = caught_types(ty);
        let mut wrong = None;
        for e in elements {
            if !self.resolve_into_buf(e) {
                continue;
            }
            match self.tasks.buf.as_str() {
                "asyncio.TimeoutError"
                | "asyncio.exceptions.TimeoutError"
                | "builtins.Exception"
                | "builtins.BaseException" => return,
                "builtins.TimeoutError" => wrong = Some("TimeoutError"),
                "concurrent.futures.TimeoutError" | "concurrent.futures._base.TimeoutError" => {
                    wrong = Some("concurrent.futures.TimeoutError")
                }
                _ => {}
            }
        }
        if let Some(wrong) = wrong {
            self.diagnostics.push(Diagnostic::new(
                &TIMEOUT_ERROR_MISMATCH,
                format!("`except {wrong}` does not catch asyncio timeouts before Python 3.11 (target version {})", self.run.target_version),
                handler.range(),
            ));
        }
    }

    /// Whether a handler type catches cancellation.
    fn catches_cancellation(&mut self, ty: Option<&Expr>) -> Option<&'static str> {
        let Some(ty) = ty else {
            return Some("A bare `except:`");
        };
        let elements = caught_types(ty);
        for e in elements {
            if !self.resolve_into_buf(e) {
                continue;
            }
            if self.tasks.buf == "builtins.BaseException" {
                return Some("`except BaseException`");
            }
            if CANCELLED_ERRORS.contains(&self.tasks.buf.as_str()) {
                return Some("`except CancelledError`");
            }
        }
        None
    }

    /// AD401 for an `except` clause, decided when the walk enters it: the
    /// `try` body can be interrupted by cancellation, the clause catches it,
    /// and nothing in the clause (or an enclosing clause) lets it go on.
    pub(super) fn tasks_enter_handler(
        &mut self,
        try_stmt: &'a ast::StmtTry,
        handler: &'a ast::ExceptHandler,
        region: Region,
    ) {
        let ast::ExceptHandler::ExceptHandler(h) = handler;
        let check = self.rules.contains(&CANCELLATION_SWALLOWED)
            && self.in_async_context()
            && region.awaits_other
            && self.catches_cancellation(h.type_.as_deref()).is_some()
            && self.swallow_not_excused()
            && !self.earlier_clause_catches_cancellation(try_stmt, handler);
        let frame = self.frame();
        frame.teardown_blocks += 1;
        frame.enclosing_handlers.push(h);
        if !check {
            return;
        }
        let scan = HandlerScan::run(h);
        if scan.raises || scan.deliberate || scan.hands_on {
            return;
        }
        let written = self
            .text(handler.range())
            .lines()
            .next()
            .unwrap_or("except")
            .trim_end();
        let written = written.split(" #").next().unwrap_or(written).trim_end();
        let written = match written.strip_suffix(':') {
            Some(w) if h.type_.is_some() => w,
            _ => written,
        };
        self.diagnostics.push(Diagnostic::new(
            &CANCELLATION_SWALLOWED,
            format!("`{written}` swallows cancellation: this task can no longer be cancelled"),
            handler.range(),
        ));
    }

    /// `except CancelledError: ...` then `except BaseException:`: the second
    /// clause never sees cancellation (only the first is reported).
    fn earlier_clause_catches_cancellation(
        &mut self,
        try_stmt: &'a ast::StmtTry,
        handler: &ast::ExceptHandler,
    ) -> bool {
        for earlier in &try_stmt.handlers {
            if std::ptr::eq(earlier, handler) {
                return false;
            }
            let ast::ExceptHandler::ExceptHandler(e) = earlier;
            if self.catches_cancellation(e.type_.as_deref()).is_some() {
                return true;
            }
        }
        false
    }

    pub(super) fn tasks_exit_handler(&mut self) {
        let frame = self.frame();
        frame.teardown_blocks -= 1;
        frame.enclosing_handlers.pop();
    }

    /// Not inside a `finally` block (best-effort cleanup; the original
    /// exception goes on afterwards) nor inside an `except` clause that
    /// raises (the error propagates anyway).
    fn swallow_not_excused(&mut self) -> bool {
        let frame = self.frame();
        frame.finally_blocks == 0
            && !frame
                .enclosing_handlers
                .iter()
                .any(|outer| HandlerScan::run(outer).raises)
    }

    /// `with contextlib.suppress(asyncio.CancelledError):` acts as a handler
    /// around its body; `async with` suspends.
    pub(super) fn tasks_enter_with(&mut self, with: &'a ast::StmtWith) -> WithState {
        let limiter = with.is_async
            && with
                .items
                .iter()
                .any(|item| looks_like_limiter(self.text(item.context_expr.range())));
        if limiter {
            self.frame().sem_blocks += 1;
        }
        if with.is_async && self.rules.contains(&TIMEOUT_UNHANDLED) {
            for item in &with.items {
                if let Expr::Call(call) = &item.context_expr
                    && self.resolves_to_any(
                        &call.func,
                        &[
                            "asyncio.timeout",
                            "asyncio.timeout_at",
                            "asyncio.timeouts.timeout",
                        ],
                    )
                {
                    self.check_timeout_handled(call.range());
                }
            }
        }
        WithState {
            suppress: self.enter_suppress(with),
            limiter,
        }
    }

    /// `with contextlib.suppress(...)`: a region like a `try` body; it acts
    /// as a handler for cancellation (AD401) and timeouts (AD402).
    fn enter_suppress(&mut self, with: &'a ast::StmtWith) -> bool {
        if with.is_async {
            self.tasks_note_suspension();
            return false;
        }
        let watch_cancel = self.rules.contains(&CANCELLATION_SWALLOWED) && self.in_async_context();
        let watch_timeout = self.rules.contains(&TIMEOUT_UNHANDLED);
        if !watch_cancel && !watch_timeout {
            return false;
        }
        for item in &with.items {
            let Expr::Call(call) = &item.context_expr else {
                continue;
            };
            if !matches!(&*call.func, Expr::Attribute(a) if a.attr.as_str() == "suppress")
                && !matches!(&*call.func, Expr::Name(n) if n.id.as_str() == "suppress")
            {
                continue;
            }
            if !self.resolves_to_any(&call.func, &["contextlib.suppress"]) {
                continue;
            }
            let catches_cancel = watch_cancel
                && call
                    .arguments
                    .args
                    .iter()
                    .any(|a| self.catches_cancellation(Some(a)).is_some());
            let handles_timeout =
                watch_timeout && call.arguments.args.iter().any(|a| self.catches_timeout(a));
            if catches_cancel || handles_timeout {
                let range = call.range();
                let frame = self.frame();
                frame.regions.push(Region {
                    handles_timeout,
                    ..Region::default()
                });
                frame.suppressions.push(catches_cancel.then_some(range));
                return true;
            }
        }
        false
    }

    pub(super) fn tasks_exit_with(&mut self, state: WithState) {
        if state.limiter {
            self.frame().sem_blocks -= 1;
        }
        if !state.suppress {
            return;
        }
        let frame = self.frame();
        let depth = frame.regions.len();
        for (_, d) in &mut frame.pending_gathers {
            if *d == depth {
                *d -= 1;
            }
        }
        frame.pending_gathers.retain(|(_, d)| *d > 0);
        let region = frame.regions.pop().unwrap_or_default();
        let Some(suppressed) = frame.suppressions.pop() else {
            return;
        };
        if let Some(outer) = self.frame().regions.last_mut() {
            outer.awaits_other |= region.awaits_other;
        }
        let Some(range) = suppressed else {
            return;
        };
        if region.awaits_other && self.swallow_not_excused() {
            let written = self.text(range);
            self.diagnostics.push(Diagnostic::new(
                &CANCELLATION_SWALLOWED,
                format!("`{written}` swallows cancellation: this task can no longer be cancelled"),
                range,
            ));
        }
    }
}

/// What entering a `with` opened, for the exit hook.
#[derive(Clone, Copy)]
pub(super) struct WithState {
    suppress: bool,
    limiter: bool,
}

/// `return_exceptions=True` (a literal).
fn returns_exceptions(call: &ast::ExprCall) -> bool {
    call.arguments
        .find_keyword("return_exceptions")
        .is_some_and(|k| matches!(&k.value, Expr::BooleanLiteral(b) if b.value))
}

/// The classes an `except` clause names: the elements of a tuple, or the one
/// expression (no allocation).
pub(crate) fn caught_types(ty: &Expr) -> &[Expr] {
    match ty {
        Expr::Tuple(t) => &t.elts,
        other => std::slice::from_ref(other),
    }
}
