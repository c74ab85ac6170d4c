//! Builds the [`SemanticModel`] in one pre-order walk. The checker walks the
//! tree again in exactly the same order (see [`walk_function_header`]), so
//! scope ids are simply handed out by a counter in both walks.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Parameters, Pattern, Stmt};
use ruff_text_size::Ranged;
use rustc_hash::FxHashMap;

use super::{
    Binding, ImportTarget, Scope, ScopeId, ScopeKind, SemanticModel, Site, grow_stack, is_leaf,
    is_none_literal,
};

pub fn build<'a>(
    body: &'a [Stmt],
    module_name: Option<&'a str>,
    is_package: bool,
) -> SemanticModel<'a> {
    let mut builder = Builder {
        scopes: vec![Scope::new(ScopeKind::Module, None, 0.into())],
        scope_starts: FxHashMap::default(),
        current: ScopeId::MODULE,
        nonblocking: Vec::new(),
    };
    builder.visit_body(body);
    let mut model = SemanticModel {
        scopes: builder.scopes,
        scope_starts: builder.scope_starts,
        module_name,
        is_package,
    };
    for (scope, target) in builder.nonblocking {
        match target {
            NonblockingTarget::Name(name) => {
                // The socket may be bound in an enclosing scope (a module-level
                // socket switched to non-blocking inside a function).
                if let Some(owner) = model.binding_scope(scope, name)
                    && let Some(b) = model.scopes[owner.0 as usize].bindings.get_mut(name)
                {
                    b.made_nonblocking = true;
                }
            }
            NonblockingTarget::SelfAttr(class, attr) => {
                if let Some(b) = model.scopes[class.0 as usize].self_attrs.get_mut(attr) {
                    b.made_nonblocking = true;
                }
            }
        }
    }
    model
}

/// Records one binding site. `x = None` placeholders do not change what a
/// name is; a name bound in too many places is not followed.
fn add_site<'a>(b: &mut Binding<'a>, site: Site<'a>) {
    if let Site::Value(_, value) = site
        && is_none_literal(value)
    {
        b.assigned_none = true;
        return;
    }
    b.other_sites = b.other_sites.saturating_add(1);
    if b.site.is_none() {
        b.site = Some(site);
    } else if b.more_sites.len() < MAX_SITES {
        b.more_sites.push(site);
    } else {
        b.more_sites.push(Site::Opaque);
    }
}

/// Names bound in more places than this are not followed.
const MAX_SITES: usize = 4;

enum NonblockingTarget<'a> {
    Name(&'a str),
    SelfAttr(ScopeId, &'a str),
}

struct Builder<'a> {
    scopes: Vec<Scope<'a>>,
    scope_starts: FxHashMap<ruff_text_size::TextSize, ScopeId>,
    current: ScopeId,
    nonblocking: Vec<(ScopeId, NonblockingTarget<'a>)>,
}

/// Visits what a `def` evaluates in the *enclosing* scope, in a fixed order
/// shared by both walks: decorators, parameter annotations and defaults, the
/// return annotation.
pub fn walk_function_header<'a, V: Visitor<'a>>(v: &mut V, def: &'a ast::StmtFunctionDef) {
    for decorator in &def.decorator_list {
        v.visit_expr(&decorator.expression);
    }
    walk_parameter_exprs(v, &def.parameters);
    if let Some(returns) = &def.returns {
        v.visit_expr(returns);
    }
}

pub fn walk_parameter_exprs<'a, V: Visitor<'a>>(v: &mut V, parameters: &'a Parameters) {
    for p in parameters.iter() {
        if let Some(annotation) = p.annotation() {
            v.visit_expr(annotation);
        }
        if let Some(default) = p.default() {
            v.visit_expr(default);
        }
    }
}

fn is_staticmethod(def: &ast::StmtFunctionDef) -> bool {
    def.decorator_list.iter().any(|d| match &d.expression {
        Expr::Name(n) => n.id.as_str() == "staticmethod",
        Expr::Attribute(a) => a.attr.as_str() == "staticmethod",
        _ => false,
    })
}

fn first_parameter(parameters: &Parameters) -> Option<&str> {
    parameters
        .posonlyargs
        .first()
        .or(parameters.args.first())
        .map(|p| p.name().as_str())
}

impl<'a> Builder<'a> {
    fn scope_mut(&mut self) -> &mut Scope<'a> {
        &mut self.scopes[self.current.0 as usize]
    }

    fn push_scope(&mut self, kind: ScopeKind, start: ruff_text_size::TextSize) -> ScopeId {
        let id = ScopeId(self.scopes.len() as u32);
        self.scopes
            .push(Scope::new(kind, Some(self.current), start));
        self.scope_starts.insert(start, id);
        self.current = id;
        id
    }

    fn pop_scope(&mut self) {
        self.current = self.scopes[self.current.0 as usize]
            .parent
            .unwrap_or(ScopeId::MODULE);
    }

    /// The binding a store to `name` in the current scope creates or adds
    /// to: a name declared `global` here lives in the module scope.
    fn binding(&mut self, name: &'a str) -> &mut Binding<'a> {
        let scope = if self.scope_mut().globals.contains(&name) {
            ScopeId::MODULE
        } else {
            self.current
        };
        self.scopes[scope.0 as usize].bindings.entry(name)
    }

    fn bind_import(&mut self, name: &'a str, target: ImportTarget<'a>) {
        let b = self.binding(name);
        match b.import {
            None if !b.import_conflict => b.import = Some(target),
            Some(existing) if existing == target => {}
            _ => {
                b.import = None;
                b.import_conflict = true;
            }
        }
    }

    fn bind_site(&mut self, name: &'a str, site: Site<'a>) {
        add_site(self.binding(name), site);
    }

    /// The class whose instance `name` is, when `name` is the current method's
    /// `self`/`cls` parameter (looking through nested lambdas is not needed:
    /// attribute facts come from assignments in method bodies).
    fn self_class_of(&self, name: &str) -> Option<ScopeId> {
        let scope = &self.scopes[self.current.0 as usize];
        if scope.self_name == Some(name) {
            scope.parent
        } else {
            None
        }
    }

    fn bind_self_attr(&mut self, class: ScopeId, attr: &'a str, site: Site<'a>) {
        let b = self.scopes[class.0 as usize].self_attrs.entry(attr);
        add_site(b, site);
    }

    /// Binds an assignment target. `value` is the assigned expression when the
    /// target receives it whole.
    fn bind_target(&mut self, target: &'a Expr, site: Site<'a>) {
        match target {
            Expr::Name(n) => self.bind_site(n.id.as_str(), site),
            Expr::Attribute(a) => {
                if let Expr::Name(base) = &*a.value
                    && let Some(class) = self.self_class_of(base.id.as_str())
                {
                    self.bind_self_attr(class, a.attr.as_str(), site);
                }
            }
            Expr::Tuple(t) => {
                for e in &t.elts {
                    self.bind_target(e, Site::Opaque);
                }
            }
            Expr::List(l) => {
                for e in &l.elts {
                    self.bind_target(e, Site::Opaque);
                }
            }
            Expr::Starred(s) => self.bind_target(&s.value, Site::Opaque),
            _ => {}
        }
    }

    fn bind_parameters(&mut self, parameters: &'a Parameters) {
        let scope = self.current;
        for p in parameters.iter() {
            let name = p.name().as_str();
            match p.annotation() {
                // `*args: T` / `**kwargs: T` annotate the elements: the name
                // itself is a tuple or a dict.
                Some(annotation) if !p.is_variadic() => {
                    self.bind_site(name, Site::Annotation(scope, annotation))
                }
                _ => self.bind_site(name, Site::Opaque),
            }
        }
    }

    fn note_nonblocking_call(&mut self, call: &'a ast::ExprCall) {
        let Expr::Attribute(attr) = &*call.func else {
            return;
        };
        let method = attr.attr.as_str();
        if method != "setblocking" && method != "settimeout" {
            return;
        }
        let Some(arg) = call.arguments.args.first() else {
            return;
        };
        let makes_nonblocking = match (method, arg) {
            ("setblocking", Expr::BooleanLiteral(b)) => !b.value,
            ("setblocking" | "settimeout", Expr::NumberLiteral(n)) => match &n.value {
                ast::Number::Int(i) => i.as_u64() == Some(0),
                ast::Number::Float(f) => *f == 0.0,
                _ => false,
            },
            _ => false,
        };
        if !makes_nonblocking {
            return;
        }
        match &*attr.value {
            Expr::Name(n) => {
                let scope = self.current;
                self.nonblocking
                    .push((scope, NonblockingTarget::Name(n.id.as_str())));
            }
            Expr::Attribute(inner) => {
                if let Expr::Name(base) = &*inner.value
                    && let Some(class) = self.self_class_of(base.id.as_str())
                {
                    self.nonblocking.push((
                        class,
                        NonblockingTarget::SelfAttr(class, inner.attr.as_str()),
                    ));
                }
            }
            _ => {}
        }
    }
}

impl<'a> Visitor<'a> for Builder<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        grow_stack(|| self.visit_stmt_inner(stmt));
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if !is_leaf(expr) {
            grow_stack(|| self.visit_expr_inner(expr));
        }
    }

    fn visit_comprehension(&mut self, comprehension: &'a ast::Comprehension) {
        // Comprehension variables are bound conservatively in the enclosing
        // scope: they can only make a name unknown, never wrongly known.
        self.visit_expr(&comprehension.iter);
        self.bind_target(&comprehension.target, Site::Opaque);
        for cond in &comprehension.ifs {
            self.visit_expr(cond);
        }
    }

    fn visit_pattern(&mut self, pattern: &'a Pattern) {
        grow_stack(|| self.visit_pattern_inner(pattern));
    }
}

impl<'a> Builder<'a> {
    fn visit_stmt_inner(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(def) => {
                walk_function_header(self, def);
                let name = def.name.id.as_str();
                self.bind_site(name, Site::Opaque);
                self.binding(name).is_function = true;
                let in_class = self.scopes[self.current.0 as usize].kind == ScopeKind::Class;
                self.push_scope(
                    ScopeKind::Function {
                        is_async: def.is_async,
                    },
                    def.range().start(),
                );
                if in_class && !is_staticmethod(def) {
                    self.scope_mut().self_name = first_parameter(&def.parameters);
                }
                self.bind_parameters(&def.parameters);
                self.visit_body(&def.body);
                self.pop_scope();
            }
            Stmt::ClassDef(class) => {
                for decorator in &class.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                if let Some(arguments) = &class.arguments {
                    self.visit_arguments(arguments);
                }
                self.bind_site(class.name.id.as_str(), Site::Opaque);
                self.binding(class.name.id.as_str()).is_class = true;
                let id = self.push_scope(ScopeKind::Class, class.range().start());
                self.visit_body(&class.body);
                // Class-body assignments and annotations are also `self.<attr>` facts.
                let facts: Vec<(&'a str, Site<'a>)> = class
                    .body
                    .iter()
                    .filter_map(|s| match s {
                        Stmt::Assign(a) if a.targets.len() == 1 => match &a.targets[0] {
                            Expr::Name(n) => Some((n.id.as_str(), Site::Value(id, &a.value))),
                            _ => None,
                        },
                        Stmt::AnnAssign(a) => match &*a.target {
                            Expr::Name(n) => {
                                Some((n.id.as_str(), Site::Annotation(id, &a.annotation)))
                            }
                            _ => None,
                        },
                        _ => None,
                    })
                    .collect();
                for (attr, site) in facts {
                    self.bind_self_attr(id, attr, site);
                }
                self.pop_scope();
            }
            Stmt::Import(import) => {
                for alias in &import.names {
                    let full = alias.name.id.as_str();
                    match &alias.asname {
                        Some(asname) => self.bind_import(
                            asname.id.as_str(),
                            ImportTarget {
                                module: full,
                                member: None,
                                level: 0,
                            },
                        ),
                        None => {
                            let first = full.split('.').next().unwrap_or(full);
                            self.bind_import(
                                first,
                                ImportTarget {
                                    module: first,
                                    member: None,
                                    level: 0,
                                },
                            );
                        }
                    }
                }
            }
            Stmt::ImportFrom(import) => {
                let module = import.module.as_ref().map(|m| m.id.as_str()).unwrap_or("");
                for alias in &import.names {
                    let member = alias.name.id.as_str();
                    if member == "*" {
                        continue;
                    }
                    let local = alias
                        .asname
                        .as_ref()
                        .map(|a| a.id.as_str())
                        .unwrap_or(member);
                    self.bind_import(
                        local,
                        ImportTarget {
                            module,
                            member: Some(member),
                            level: import.level,
                        },
                    );
                }
            }
            Stmt::Assign(assign) => {
                self.visit_expr(&assign.value);
                let scope = self.current;
                for target in &assign.targets {
                    self.bind_target(target, Site::Value(scope, &assign.value));
                    self.visit_expr(target);
                }
            }
            Stmt::AnnAssign(assign) => {
                self.visit_expr(&assign.annotation);
                if let Some(value) = &assign.value {
                    self.visit_expr(value);
                }
                let scope = self.current;
                self.bind_target(&assign.target, Site::Annotation(scope, &assign.annotation));
                self.visit_expr(&assign.target);
            }
            Stmt::AugAssign(assign) => {
                self.visit_expr(&assign.value);
                self.bind_target(&assign.target, Site::Opaque);
                self.visit_expr(&assign.target);
            }
            Stmt::For(for_stmt) => {
                self.visit_expr(&for_stmt.iter);
                self.bind_target(&for_stmt.target, Site::Opaque);
                self.visit_expr(&for_stmt.target);
                self.visit_body(&for_stmt.body);
                self.visit_body(&for_stmt.orelse);
            }
            Stmt::With(with) => {
                let scope = self.current;
                for item in &with.items {
                    self.visit_expr(&item.context_expr);
                    if let Some(vars) = &item.optional_vars {
                        self.bind_target(vars, Site::Entered(scope, &item.context_expr));
                        self.visit_expr(vars);
                    }
                }
                self.visit_body(&with.body);
            }
            Stmt::Global(global) => {
                for name in &global.names {
                    let name = name.id.as_str();
                    self.scope_mut().globals.push(name);
                }
            }
            Stmt::Nonlocal(nonlocal) => {
                for name in &nonlocal.names {
                    let name = name.id.as_str();
                    self.bind_site(name, Site::Opaque);
                    // The inner function may rebind the outer variable: it is
                    // no longer known there either.
                    let mut outer = self.scopes[self.current.0 as usize].parent;
                    while let Some(id) = outer {
                        let scope = &mut self.scopes[id.0 as usize];
                        if scope.kind != ScopeKind::Class
                            && let Some(b) = scope.bindings.get_mut(name)
                        {
                            b.other_sites = b.other_sites.saturating_add(1);
                            break;
                        }
                        outer = scope.parent;
                    }
                }
            }
            Stmt::Try(try_stmt) => {
                self.visit_body(&try_stmt.body);
                for handler in &try_stmt.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = handler;
                    if let Some(t) = &h.type_ {
                        self.visit_expr(t);
                    }
                    if let Some(name) = &h.name {
                        self.bind_site(name.id.as_str(), Site::Opaque);
                    }
                    self.visit_body(&h.body);
                }
                self.visit_body(&try_stmt.orelse);
                self.visit_body(&try_stmt.finalbody);
            }
            Stmt::TypeAlias(_) => {}
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr_inner(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Lambda(lambda) => {
                if let Some(parameters) = &lambda.parameters {
                    walk_parameter_exprs(self, parameters);
                }
                self.push_scope(ScopeKind::Lambda, lambda.range().start());
                if let Some(parameters) = &lambda.parameters {
                    self.bind_parameters(parameters);
                }
                self.visit_expr(&lambda.body);
                self.pop_scope();
            }
            Expr::Named(named) => {
                self.visit_expr(&named.value);
                // A walrus binds in the enclosing function even inside a comprehension.
                let scope = self.current;
                self.bind_target(&named.target, Site::Value(scope, &named.value));
            }
            Expr::Call(call) => {
                self.note_nonblocking_call(call);
                visitor::walk_expr(self, expr);
            }
            _ => visitor::walk_expr(self, expr),
        }
    }

    fn visit_pattern_inner(&mut self, pattern: &'a Pattern) {
        match pattern {
            Pattern::MatchAs(p) => {
                if let Some(name) = &p.name {
                    self.bind_site(name.id.as_str(), Site::Opaque);
                }
            }
            Pattern::MatchStar(p) => {
                if let Some(name) = &p.name {
                    self.bind_site(name.id.as_str(), Site::Opaque);
                }
            }
            Pattern::MatchMapping(p) => {
                if let Some(name) = &p.rest {
                    self.bind_site(name.id.as_str(), Site::Opaque);
                }
            }
            _ => {}
        }
        visitor::walk_pattern(self, pattern);
    }
}
