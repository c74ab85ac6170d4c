//! The central visitor: walks a module once with the semantic model, keeps
//! the context (which scope, async or not) and dispatches to the rules. Rules
//! never walk the tree themselves.

mod pruning;
mod tasks;

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

use crate::check::blocking::{BlockingTable, display_target};
use crate::check::library::Library;
use crate::check::project::collect::{self, PendingUsage, SummaryBuilder};
use crate::check::project::{BlockingFact, Callee, CalleeDraft, ProjectContext, Usage};
use crate::check::rules::ad507_blocking_wait;
use crate::check::rules::hooks;
use crate::check::semantic::{
    Resolver, ScopeId, ScopeKind, SemanticModel, builder_walks, grow_stack,
};
use crate::diagnostics::Diagnostic;
use crate::registry::RuleSet;

/// What stays the same for every file of a run.
pub struct RunContext {
    pub library: Library,
    pub blocking: BlockingTable,
    pub project: ProjectContext,
    /// The oldest Python the checked code must run on (version-aware rules).
    pub target_version: crate::config::PythonVersion,
}

pub struct Checker<'m, 'a> {
    source: &'a str,
    resolver: Resolver<'m, 'a>,
    run: &'m RunContext,
    rules: RuleSet,
    scope: ScopeId,
    /// Whether the innermost `def`/`lambda`/class body is an `async def`.
    /// Kept here rather than read from the scope, so a lambda the model has
    /// no scope for (inside a `type` alias) still leaves async context.
    async_context: bool,
    /// Inside a `try` whose handlers catch `BlockingIOError`: socket calls
    /// there are on non-blocking sockets.
    expects_blocking_io_error: u32,
    /// Reused for every call target, so resolving allocates nothing per node.
    target: String,
    scratch: String,
    /// How the next call (starting at this offset) is used: set by the
    /// statement or `await` around it, taken by the call.
    pending_usage: Option<(ruff_text_size::TextSize, PendingUsage<'a>)>,
    /// Whole-project facts about this module, built during the walk.
    pub summary: SummaryBuilder<'a>,
    /// State of the task/cancellation/version rules (see `checker/tasks.rs`).
    tasks: tasks::TasksState<'a>,
    /// Checking the code cells of a notebook: IPython semantics (top-level
    /// `await` is legal; a top-level `asyncio.run()` is an error).
    pub is_notebook: bool,
    pub diagnostics: Vec<Diagnostic>,
}

impl<'m, 'a> Checker<'m, 'a> {
    pub fn new(
        source: &'a str,
        model: &'m SemanticModel<'a>,
        run: &'m RunContext,
        rules: RuleSet,
    ) -> Self {
        let summary = SummaryBuilder::new(model.module_name, model.is_package);
        Checker {
            scratch: String::with_capacity(64),
            pending_usage: None,
            summary,
            tasks: tasks::TasksState::new(rules),
            source,
            resolver: Resolver::new(model, &run.library),
            run,
            rules,
            scope: ScopeId::MODULE,
            async_context: false,
            expects_blocking_io_error: 0,
            target: String::with_capacity(64),
            is_notebook: false,
            diagnostics: Vec::new(),
        }
    }

    /// Async context per the catalog: the innermost `def`/`lambda` is an
    /// `async def` (comprehensions do not open scopes here, so they inherit).
    pub(crate) fn in_async_context(&self) -> bool {
        self.async_context
    }

    /// Whether `await` is allowed here: the innermost function is `async def`.
    fn may_await(&self) -> bool {
        self.in_async_context()
    }

    pub(crate) fn resolver(&self) -> &Resolver<'m, 'a> {
        &self.resolver
    }

    pub(crate) fn scope(&self) -> ScopeId {
        self.scope
    }

    pub(crate) fn report(&mut self, diagnostic: Diagnostic) {
        if self.rules.contains(diagnostic.rule) {
            self.diagnostics.push(diagnostic);
        }
    }

    /// Ends the walk: the module's summary for whole-project analysis.
    pub fn finish(mut self) -> (Vec<Diagnostic>, crate::check::project::ModuleSummary) {
        self.tasks_finish_module();
        let summary = self.summary.finish(&self.resolver, &self.run.project);
        (self.diagnostics, summary)
    }

    fn set_usage(&mut self, expr: &'a Expr, usage: PendingUsage<'a>) {
        if let Expr::Call(call) = expr {
            self.pending_usage = Some((call.range().start(), usage));
        }
    }

    fn take_usage(&mut self, call: &ast::ExprCall) -> PendingUsage<'a> {
        match self.pending_usage.take() {
            Some((start, usage)) if start == call.range().start() => usage,
            _ => PendingUsage::Known(Usage::Other),
        }
    }

    /// Summary facts and project-wide call sites for one call.
    fn record_call(&mut self, call: &'a ast::ExprCall, usage: PendingUsage<'a>, by_import: bool) {
        let awaited = matches!(usage, PendingUsage::Known(Usage::Awaited));
        let method_class = self.summary.method_class();
        let callee = if by_import {
            // Already resolved through imports into `self.target`.
            self.run
                .project
                .is_project_name(&self.target)
                .then_some(CalleeDraft::Qualified(self.target.as_str()))
        } else {
            collect::callee_of(
                &self.resolver,
                &self.run.project,
                self.scope,
                &call.func,
                method_class,
                &mut self.scratch,
                // `call.func` did not resolve through imports (`by_import`).
                false,
            )
        };
        if let Some(callee) = callee {
            self.summary.record_call(callee, call.range(), usage);
            self.record_call_args(call);
        } else if !self.target.is_empty() && hooks::is_library_coroutine(&self.target) {
            let callee = CalleeDraft::Qualified(self.target.as_str());
            self.summary.record_call(callee, call.range(), usage);
        }
        if self.target.is_empty() {
            return;
        }
        hooks::on_resolved_call(self, call, by_import, awaited);
    }

    pub(crate) fn source_text(&self, range: TextRange) -> &'a str {
        self.source.get(range.to_std_range()).unwrap_or("")
    }

    /// Notebook cells allow top-level `await` (set when checking `.ipynb`).
    pub(crate) fn is_notebook(&self) -> bool {
        self.is_notebook
    }

    pub(crate) fn take_target(&mut self) -> String {
        std::mem::take(&mut self.target)
    }

    pub(crate) fn restore_target(&mut self, target: String) {
        self.target = target;
    }

    /// Records a project function used as a value (a callback).
    pub(crate) fn record_reference(&mut self, expr: &Expr) {
        let method_class = self.summary.method_class();
        if let Some(callee) = collect::callee_of(
            &self.resolver,
            &self.run.project,
            self.scope,
            expr,
            method_class,
            &mut self.scratch,
            true,
        ) && !matches!(callee, CalleeDraft::SuperMethod { .. })
        {
            self.summary.record_reference(callee);
        }
    }

    pub(crate) fn scratch_callee(&mut self, expr: &Expr) -> Option<Callee> {
        let method_class = self.summary.method_class();
        let mut buf = std::mem::take(&mut self.scratch);
        let expr = collect::unwrap_partial(&self.resolver, self.scope, expr, &mut buf);
        let callee = collect::callee_of(
            &self.resolver,
            &self.run.project,
            self.scope,
            expr,
            method_class,
            &mut buf,
            true,
        );
        let callee = callee.map(|d| self.summary.intern_callee(d));
        self.scratch = buf;
        callee
    }

    /// Enters the body of a `def`/`lambda`/class starting at `start`.
    fn enter(&mut self, start: ruff_text_size::TextSize, is_async: bool) -> (ScopeId, bool) {
        let previous = (self.scope, self.async_context);
        if let Some(id) = self.resolver.model.scope_at(start) {
            self.scope = id;
        }
        self.async_context = is_async;
        previous
    }

    fn leave(&mut self, previous: (ScopeId, bool)) {
        (self.scope, self.async_context) = previous;
    }

    /// Blocking calls: reported in async context, remembered (for AD508) in
    /// sync functions. `self.target` holds the resolved call target.
    fn check_blocking_call(&mut self, call: &ast::ExprCall) {
        if self.target.is_empty() {
            return;
        }
        let Some(found) = self.run.blocking.classify(&self.target, call) else {
            return;
        };
        let in_async = self.in_async_context();
        if in_async && !self.rules.contains(found.rule) {
            return;
        }
        if let Expr::Attribute(attr) = &*call.func {
            // `sock.setblocking(False)` in the same scope: its I/O no longer blocks.
            if self.resolver.made_nonblocking(self.scope, &attr.value) {
                return;
            }
            // `try: sock.recv(n) except BlockingIOError:` is non-blocking socket code.
            if self.expects_blocking_io_error > 0 && self.target.starts_with("socket.socket.") {
                return;
            }
        }
        if !in_async {
            if self.summary.current_index() != 0 {
                self.summary.record_blocking(BlockingFact {
                    rule: found.rule,
                    display: display_target(&self.target).into(),
                    range: call.range(),
                    guards: Vec::new(),
                });
            }
            return;
        }
        let message = self.blocking_message(call);
        let mut diagnostic = Diagnostic::new(found.rule, message, call.range());
        if let Some(help) = found.pattern.help {
            diagnostic = diagnostic.with_help(help);
        }
        self.diagnostics.push(diagnostic);
    }

    /// "`conn.execute()` blocks the event loop (a `sqlite3.Connection` method)":
    /// the call as written, and what we resolved it to when that is not obvious.
    fn blocking_message(&self, call: &ast::ExprCall) -> String {
        let written = self
            .source
            .get(call.func.range().to_std_range())
            .unwrap_or("");
        let resolved = display_target(&self.target);
        let shown_as_written =
            !written.is_empty() && written.len() <= 60 && !written.contains('\n');
        if !shown_as_written {
            return format!("`{resolved}` blocks the event loop");
        }
        let written_call = format!("{written}()");
        if written_call == resolved
            || matches!(&*call.func, Expr::Name(_))
            || self.resolved_by_import(call)
        {
            if written_call == resolved {
                format!("`{written_call}` blocks the event loop")
            } else {
                format!("`{written_call}` (`{resolved}`) blocks the event loop")
            }
        } else {
            let (ty, _) = self.target.rsplit_once('.').unwrap_or((&self.target, ""));
            format!(
                "`{written_call}` blocks the event loop (a {} method)",
                describe_type(ty)
            )
        }
    }

    /// Whether the callee itself resolved by imports (`t.sleep`), as opposed to
    /// a method on a receiver typed by local facts.
    fn resolved_by_import(&self, call: &ast::ExprCall) -> bool {
        let mut scratch = String::new();
        self.resolver
            .qualified_name(self.scope, &call.func, &mut scratch)
    }

    /// Base classes as project callees; whether one is `threading.Thread`.
    /// The class's project bases, whether it derives from `threading.Thread`,
    /// and whether some base is neither a project class nor a plain builtin
    /// (its methods, `__enter__` say, are unknown here).
    fn class_bases(&mut self, class: &ast::StmtClassDef) -> (Vec<Callee>, bool, bool) {
        let mut bases = Vec::new();
        let mut is_thread = false;
        let mut external = false;
        for base in class.bases() {
            // `Generic[T]`, `Base[int]`: the class is what is subscripted.
            let base = match base {
                Expr::Subscript(sub) => &*sub.value,
                other => other,
            };
            let named = self
                .resolver
                .qualified_name(self.scope, base, &mut self.scratch);
            if named && self.scratch == "threading.Thread" {
                is_thread = true;
            }
            let adds_no_methods = named && adds_no_methods(&self.scratch);
            if let Some(callee) = collect::callee_of(
                &self.resolver,
                &self.run.project,
                self.scope,
                base,
                None,
                &mut self.scratch,
                true,
            ) {
                bases.push(self.summary.intern_callee(callee));
            } else if !adds_no_methods {
                external = true;
            }
        }
        (bases, is_thread, external)
    }

    /// AD507: `with <threading lock>:` whose body awaits.
    fn check_sync_with(&mut self, with: &ast::StmtWith) {
        if !self.rules.contains(&ad507_blocking_wait::BLOCKING_WAIT) {
            return;
        }
        for item in &with.items {
            let Some(ty) = self.resolver.type_of(self.scope, &item.context_expr, 0) else {
                continue;
            };
            if !ad507_blocking_wait::THREAD_LOCK_TYPES.contains(&ty) || !body_awaits(&with.body) {
                continue;
            }
            // `threading.Lock` stands for every lock-like type (RLock,
            // Semaphore): name what was written, not the type we mapped it to.
            let written = self
                .source
                .get(item.context_expr.range().to_std_range())
                .filter(|w| w.len() <= 60 && !w.contains('\n'));
            let what = describe_type(ty);
            let message = match written {
                Some(w) => format!(
                    "`{w}` (a {what}) is held across an `await`: another task taking it blocks the event loop"
                ),
                None => format!(
                    "A {what} is held across an `await`: another task taking it blocks the event loop"
                ),
            };
            self.diagnostics.push(
                Diagnostic::new(
                    &ad507_blocking_wait::BLOCKING_WAIT,
                    message,
                    TextRange::new(with.range().start(), item.context_expr.range().end()),
                )
                .with_help(
                    "Use `asyncio.Lock` between tasks, or release the thread lock before awaiting",
                ),
            );
        }
    }
}

/// `except BlockingIOError`, `except (BlockingIOError, InterruptedError)`,
/// `except ssl.SSLWantReadError` (by name: these are builtins or obvious).
fn handler_catches_blocking_io_error(handler: &ast::ExceptHandler) -> bool {
    let ast::ExceptHandler::ExceptHandler(h) = handler;
    let is_nonblocking_error = |e: &Expr| {
        let name = match e {
            Expr::Name(n) => n.id.as_str(),
            Expr::Attribute(a) => a.attr.as_str(),
            _ => return false,
        };
        matches!(
            name,
            "BlockingIOError" | "SSLWantReadError" | "SSLWantWriteError"
        )
    };
    h.type_
        .as_deref()
        .is_some_and(|ty| tasks::caught_types(ty).iter().any(is_nonblocking_error))
}

/// How a receiver type reads in a message.
fn describe_type(ty: &str) -> String {
    match ty {
        "io.IOBase" => "file object".to_string(),
        "threading.Lock" => "`threading` lock".to_string(),
        other => format!("`{other}`"),
    }
}

/// Whether a block suspends (`await`, `async for`, `async with`) outside
/// nested functions.
fn body_awaits(body: &[Stmt]) -> bool {
    struct Finder(bool);
    impl<'b> Visitor<'b> for Finder {
        fn visit_stmt(&mut self, stmt: &'b Stmt) {
            if self.0 {
                return;
            }
            match stmt {
                Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
                Stmt::For(f) if f.is_async => self.0 = true,
                Stmt::With(w) if w.is_async => self.0 = true,
                _ => grow_stack(|| visitor::walk_stmt(self, stmt)),
            }
        }
        fn visit_expr(&mut self, expr: &'b Expr) {
            if self.0 {
                return;
            }
            match expr {
                Expr::Await(_) => self.0 = true,
                Expr::Lambda(_) => {}
                _ => grow_stack(|| visitor::walk_expr(self, expr)),
            }
        }
    }
    let mut finder = Finder(false);
    finder.visit_body(body);
    finder.0
}

impl<'m, 'a> Visitor<'a> for Checker<'m, 'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        grow_stack(|| self.visit_stmt_inner(stmt));
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if !crate::check::semantic::is_leaf(expr) {
            grow_stack(|| self.visit_expr_inner(expr));
        }
    }

    fn visit_body(&mut self, body: &'a [Stmt]) {
        // Parameter tests implied by an early exit hold to the end of the block.
        let mark = self.summary.guard_mark();
        visitor::walk_body(self, body);
        self.summary.truncate_guards(mark);
    }
}

impl<'m, 'a> Checker<'m, 'a> {
    fn visit_stmt_inner(&mut self, stmt: &'a Stmt) {
        // Task/cancellation/version rules (checker/tasks.rs): facts before children.
        self.tasks_before_stmt(stmt);
        match stmt {
            Stmt::FunctionDef(def) => {
                builder_walks::walk_function_header(self, def);
                let kind = self.resolver.model.scope(self.scope).kind;
                let unknown_decorator =
                    collect::has_unknown_decorator(&self.resolver, self.scope, def);
                self.summary.enter_function(
                    def,
                    kind == ScopeKind::Class,
                    self.scope == ScopeId::MODULE,
                    unknown_decorator,
                );
                let previous = self.enter(def.range().start(), def.is_async);
                self.tasks_enter_function(def);
                self.visit_body(&def.body);
                self.tasks_exit_function();
                self.leave(previous);
                self.summary.exit_function();
            }
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                if let Some(arguments) = &class.arguments {
                    self.visit_arguments(arguments);
                }
                let (bases, is_thread, external_base) = self.class_bases(class);
                self.summary.enter_class(
                    class,
                    bases,
                    is_thread,
                    external_base,
                    self.scope == ScopeId::MODULE,
                );
                let previous = self.enter(class.range().start(), false);
                self.visit_body(&class.body);
                self.leave(previous);
                self.summary.exit_class();
            }
            Stmt::If(if_stmt) => {
                let main_guard =
                    self.scope == ScopeId::MODULE && collect::is_main_guard(&if_stmt.test);
                let was = self.summary.in_main_guard;
                self.summary.in_main_guard = was || main_guard;
                let guard = self.tasks_enter_if(if_stmt);
                self.visit_if(if_stmt);
                self.tasks_exit_if(guard);
                self.summary.in_main_guard = was;
            }
            Stmt::While(_) => {
                self.tasks_enter_loop();
                self.summary.loop_depth += 1;
                visitor::walk_stmt(self, stmt);
                self.summary.loop_depth -= 1;
                self.tasks_exit_loop();
            }
            Stmt::Expr(expr_stmt) => {
                self.set_usage(&expr_stmt.value, PendingUsage::Known(Usage::Discarded));
                visitor::walk_stmt(self, stmt);
            }
            Stmt::Assign(assign) => {
                if let [Expr::Name(name)] = assign.targets.as_slice() {
                    self.set_usage(&assign.value, PendingUsage::AssignedTo(name.id.as_str()));
                }
                if matches!(&*assign.value, Expr::Name(_) | Expr::Attribute(_)) {
                    hooks::note_reference(self, &assign.value);
                }
                visitor::walk_stmt(self, stmt);
            }
            Stmt::Return(ret) => {
                if ret
                    .value
                    .as_deref()
                    .is_some_and(|v| !v.is_none_literal_expr())
                {
                    self.summary.current().returns_value = true;
                }
                if let Some(value @ (Expr::Name(_) | Expr::Attribute(_))) = ret.value.as_deref() {
                    hooks::note_reference(self, value);
                }
                visitor::walk_stmt(self, stmt);
            }
            Stmt::For(for_stmt) => {
                if for_stmt.is_async && !self.may_await() {
                    hooks::await_outside_async(self, stmt.range(), "async for");
                }
                hooks::check_for_iterable(self, for_stmt);
                self.set_usage(
                    &for_stmt.iter,
                    PendingUsage::Known(Usage::Iterated {
                        is_async: for_stmt.is_async,
                    }),
                );
                self.tasks_enter_for(for_stmt);
                self.summary.loop_depth += 1;
                visitor::walk_stmt(self, stmt);
                self.summary.loop_depth -= 1;
                self.tasks_exit_for();
            }
            Stmt::Try(try_stmt) => {
                let catches = try_stmt
                    .handlers
                    .iter()
                    .any(handler_catches_blocking_io_error);
                self.expects_blocking_io_error += u32::from(catches);
                let shim = self.tasks_enter_try_body(try_stmt);
                self.visit_body(&try_stmt.body);
                let region = self.tasks_exit_try_body(try_stmt, shim);
                self.expects_blocking_io_error -= u32::from(catches);
                for handler in &try_stmt.handlers {
                    self.tasks_enter_handler(try_stmt, handler, region);
                    self.visit_except_handler(handler);
                    self.tasks_exit_handler();
                }
                self.visit_body(&try_stmt.orelse);
                self.tasks_enter_finally();
                self.visit_body(&try_stmt.finalbody);
                self.tasks_exit_finally();
            }
            Stmt::With(with) => {
                if !with.is_async && self.in_async_context() {
                    self.check_sync_with(with);
                }
                if with.is_async && !self.may_await() {
                    hooks::await_outside_async(self, stmt.range(), "async with");
                }
                hooks::check_with_items(self, with);
                let opened = self.tasks_enter_with(with);
                for item in &with.items {
                    self.set_usage(
                        &item.context_expr,
                        PendingUsage::Known(Usage::Entered {
                            is_async: with.is_async,
                        }),
                    );
                    self.visit_with_item(item);
                }
                self.visit_body(&with.body);
                self.tasks_exit_with(opened);
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr_inner(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    builder_walks::walk_parameter_exprs(self, parameters);
                }
                let previous = self.enter(lambda.range().start(), false);
                self.visit_expr(&lambda.body);
                self.leave(previous);
            }
            Expr::Call(call) => {
                let usage = self.take_usage(call);
                let by_import =
                    self.resolver
                        .qualified_name(self.scope, &call.func, &mut self.target);
                if !by_import
                    && !self
                        .resolver
                        .typed_method_target(self.scope, call, &mut self.target)
                {
                    self.target.clear();
                }
                self.check_blocking_call(call);
                self.tasks_on_call(call);
                self.record_call(call, usage, by_import);
                self.visit_expr(&call.func);
                // Functions passed as arguments are callbacks: callable from anywhere.
                for arg in call
                    .arguments
                    .args
                    .iter()
                    .chain(call.arguments.keywords.iter().map(|k| &k.value))
                {
                    if matches!(arg, Expr::Name(_) | Expr::Attribute(_)) {
                        hooks::note_reference(self, arg);
                    }
                }
                self.visit_arguments(&call.arguments);
            }
            Expr::Await(await_expr) => {
                if !self.may_await() {
                    hooks::await_outside_async(self, expr.range(), "await");
                }
                hooks::check_await(self, await_expr);
                self.tasks_on_await(await_expr);
                self.set_usage(&await_expr.value, PendingUsage::Known(Usage::Awaited));
                visitor::walk_expr(self, expr);
            }
            Expr::Yield(_) | Expr::YieldFrom(_) => {
                self.summary.current().is_generator = true;
                visitor::walk_expr(self, expr);
            }
            Expr::ListComp(_) | Expr::SetComp(_) | Expr::DictComp(_) | Expr::Generator(_) => {
                let generators = match expr {
                    Expr::ListComp(c) => &c.generators,
                    Expr::SetComp(c) => &c.generators,
                    Expr::DictComp(c) => &c.generators,
                    Expr::Generator(c) => &c.generators,
                    _ => unreachable!("matched above"),
                };
                let async_comprehension =
                    !matches!(expr, Expr::Generator(_)) && generators.iter().any(|g| g.is_async);
                if async_comprehension && !self.may_await() {
                    hooks::await_outside_async(self, expr.range(), "asynchronous comprehension");
                }
                self.tasks_enter_loop();
                visitor::walk_expr(self, expr);
                self.tasks_exit_loop();
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

/// Bases that give a class no methods a project-wide rule looks up
/// (`__enter__`, `__aenter__`, `__await__`, `__iter__`, ...): `object`,
/// exceptions, typing markers, ABCs and enums. Any other outside base may.
fn adds_no_methods(qualified: &str) -> bool {
    matches!(
        qualified,
        "builtins.object"
            | "builtins.Exception"
            | "builtins.BaseException"
            | "builtins.RuntimeError"
            | "builtins.ValueError"
            | "builtins.TypeError"
            | "builtins.KeyError"
            | "builtins.OSError"
            | "abc.ABC"
            | "typing.Generic"
            | "typing.Protocol"
            | "typing_extensions.Protocol"
            | "typing.NamedTuple"
            | "enum.Enum"
            | "enum.IntEnum"
            | "enum.StrEnum"
    )
}
