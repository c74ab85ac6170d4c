//! The central visitor: walks a module once with the semantic model, keeps
//! the context (which scope, async or not) and dispatches to the rules. Rules
//! never walk the tree themselves.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

mod tasks;

use crate::check::blocking::{BlockingTable, display_target};
use crate::check::library::Library;
use crate::check::rules::ad507_blocking_wait;
use crate::check::semantic::{Resolver, ScopeId, SemanticModel, builder_walks};
use crate::diagnostics::Diagnostic;
use crate::registry::RuleSet;

/// What stays the same for every file of a run.
pub struct RunContext {
    pub library: Library,
    pub blocking: BlockingTable,
    /// The oldest Python the checked code must run on (version-aware rules).
    pub target_version: crate::config::PythonVersion,
}

pub struct Checker<'m, 'a> {
    source: &'a str,
    resolver: Resolver<'m, 'a>,
    run: &'m RunContext,
    rules: RuleSet,
    scope: ScopeId,
    /// Inside a `try` whose handlers catch `BlockingIOError`: socket calls
    /// there are on non-blocking sockets.
    expects_blocking_io_error: u32,
    /// Reused for every call target, so resolving allocates nothing per node.
    target: String,
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
        Checker {
            source,
            resolver: Resolver::new(model, &run.library),
            run,
            rules,
            scope: ScopeId::MODULE,
            expects_blocking_io_error: 0,
            target: String::with_capacity(64),
            tasks: tasks::TasksState::default(),
            is_notebook: false,
            diagnostics: Vec::new(),
        }
    }

    /// After the walk: rules that need the whole module (AD602 through calls).
    pub fn finish(&mut self) {
        self.tasks_finish_module();
    }

    /// Async context per the catalog: the innermost `def`/`lambda` is an
    /// `async def` (comprehensions do not open scopes here, so they inherit).
    fn in_async_context(&self) -> bool {
        self.resolver.model.scope(self.scope).is_async_function()
    }

    fn enter(&mut self, start: ruff_text_size::TextSize) -> ScopeId {
        let previous = self.scope;
        if let Some(id) = self.resolver.model.scope_at(start) {
            self.scope = id;
        }
        previous
    }

    fn check_call(&mut self, call: &ast::ExprCall) {
        if !self
            .resolver
            .call_target(self.scope, call, &mut self.target)
        {
            return;
        }
        let Some(found) = self.run.blocking.classify(&self.target, call) else {
            return;
        };
        if !self.rules.contains(found.rule) {
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
            self.diagnostics.push(
                Diagnostic::new(
                    &ad507_blocking_wait::BLOCKING_WAIT,
                    format!("`{ty}` is held across an `await`: another task taking it blocks the event loop"),
                    TextRange::new(with.range().start(), item.context_expr.range().end()),
                )
                .with_help("Use `asyncio.Lock` between tasks, or release the thread lock before awaiting"),
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
    match h.type_.as_deref() {
        Some(Expr::Tuple(t)) => t.elts.iter().any(is_nonblocking_error),
        Some(e) => is_nonblocking_error(e),
        None => false,
    }
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
                _ => visitor::walk_stmt(self, stmt),
            }
        }
        fn visit_expr(&mut self, expr: &'b Expr) {
            if self.0 {
                return;
            }
            match expr {
                Expr::Await(_) => self.0 = true,
                Expr::Lambda(_) => {}
                _ => visitor::walk_expr(self, expr),
            }
        }
    }
    let mut finder = Finder(false);
    finder.visit_body(body);
    finder.0
}

impl<'m, 'a> Visitor<'a> for Checker<'m, 'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        // Task/cancellation/version rules (checker/tasks.rs): facts before children.
        self.tasks_before_stmt(stmt);
        match stmt {
            Stmt::FunctionDef(def) => {
                builder_walks::walk_function_header(self, def);
                let previous = self.enter(def.range().start());
                self.tasks_enter_function(def);
                self.visit_body(&def.body);
                self.tasks_exit_function();
                self.scope = previous;
            }
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                if let Some(arguments) = &class.arguments {
                    self.visit_arguments(arguments);
                }
                let previous = self.enter(class.range().start());
                self.visit_body(&class.body);
                self.scope = previous;
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
                let opened = self.tasks_enter_with(with);
                visitor::walk_stmt(self, stmt);
                self.tasks_exit_with(opened);
            }
            Stmt::For(for_stmt) => {
                self.tasks_enter_for(for_stmt);
                visitor::walk_stmt(self, stmt);
                self.tasks_exit_for();
            }
            Stmt::While(_) => {
                self.tasks_enter_loop();
                visitor::walk_stmt(self, stmt);
                self.tasks_exit_loop();
            }
            Stmt::If(if_stmt) => {
                let guard = self.tasks_enter_if(if_stmt);
                visitor::walk_stmt(self, stmt);
                self.tasks_exit_if(guard);
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    builder_walks::walk_parameter_exprs(self, parameters);
                }
                let previous = self.enter(lambda.range().start());
                self.visit_expr(&lambda.body);
                self.scope = previous;
            }
            Expr::Call(call) => {
                if self.in_async_context() {
                    self.check_call(call);
                }
                self.tasks_on_call(call);
                visitor::walk_expr(self, expr);
            }
            Expr::Await(await_expr) => {
                self.tasks_on_await(await_expr);
                visitor::walk_expr(self, expr);
            }
            Expr::ListComp(_) | Expr::SetComp(_) | Expr::DictComp(_) | Expr::Generator(_) => {
                self.tasks_enter_loop();
                visitor::walk_expr(self, expr);
                self.tasks_exit_loop();
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}
