//! "What happens to this local later in the function": one linear walk of a
//! function body that records every use of every name with how it is used
//! (awaited, a method called on it, passed to a call, stored in a container or
//! attribute, returned, yielded, entered with `with`, rebound...) and where
//! (inside a `finally`, inside an `except` handler, inside a loop).
//!
//! Built lazily: the checker only computes it for a function in which a rule
//! saw a candidate (a task stored in a local, a resource, a gather result).
//! Names are matched by spelling within the function; uses inside nested
//! functions and lambdas are recorded as [`UseKind::Closure`] (the value
//! escapes to code that runs later).

use ruff_python_ast::{self as ast, Expr, ExprContext, Stmt};
use ruff_text_size::{TextRange, TextSize};
use rustc_hash::FxHashMap;

/// How a name is used at one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UseKind<'a> {
    /// Any read not described below (`if t`, `t == u`, `print(t.x)`...).
    Read,
    /// `await t`.
    Await,
    /// `t.method(...)`.
    Method(&'a str),
    /// `t.attr` not called.
    Attribute(&'a str),
    /// An argument of a call (`gather(t)`, `f(*ts)`, `wait([t])`).
    Argument,
    /// `len(t)`.
    Len,
    /// Put in a container literal or comprehension, or assigned to an
    /// attribute or subscript (`self.t = t`, `d[k] = t`).
    Stored,
    /// `return t` (also inside a returned literal or conditional expression).
    Returned,
    /// `yield t`.
    Yielded,
    /// The whole value of an assignment to another name (`u = t`).
    Aliased,
    /// `with t:` / `async with t:`.
    Entered,
    /// `for x in t`.
    Iterated,
    /// Read inside a nested function, lambda or class body.
    Closure,
    /// Assigned (`t = ...`, `for t in`, `except E as t`...).
    Bind,
    /// `del t`.
    Delete,
    /// `global t` / `nonlocal t`: not a local at all.
    Declared,
}

impl UseKind<'_> {
    /// The value leaves the function's control: someone else may join,
    /// close or inspect it.
    pub fn escapes(self) -> bool {
        matches!(
            self,
            UseKind::Argument
                | UseKind::Stored
                | UseKind::Returned
                | UseKind::Yielded
                | UseKind::Aliased
                | UseKind::Closure
                | UseKind::Declared
        )
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Use<'a> {
    pub at: TextSize,
    pub kind: UseKind<'a>,
    /// Inside the `finally:` block of a `try` of this function.
    pub in_finally: bool,
    /// Inside an `except` handler of this function.
    pub in_handler: bool,
    /// The outermost loop of the function the use sits in.
    pub outer_loop: Option<TextRange>,
}

impl Use<'_> {
    /// Whether this use can run after the statement at `at`: later in the
    /// text, or anywhere in a loop that also contains `at`.
    pub fn can_follow(&self, at: TextSize) -> bool {
        self.at > at || self.outer_loop.is_some_and(|l| l.contains(at))
    }
}

/// Every use of every name in one function body.
#[derive(Debug, Default)]
pub struct FunctionFlow<'a> {
    uses: FxHashMap<&'a str, Vec<Use<'a>>>,
}

impl<'a> FunctionFlow<'a> {
    pub fn build(body: &'a [Stmt]) -> Self {
        let mut walker = Walker {
            flow: FunctionFlow::default(),
            in_finally: 0,
            in_handler: 0,
            nested: 0,
            outer_loop: None,
        };
        walker.body(body);
        walker.flow
    }

    /// The uses of `name` in text order (empty when never used).
    pub fn uses(&self, name: &str) -> &[Use<'a>] {
        self.uses.get(name).map_or(&[], Vec::as_slice)
    }

    /// Uses of `name` other than the binding at `bound_at`.
    pub fn uses_besides(&self, name: &str, bound_at: TextSize) -> impl Iterator<Item = &Use<'a>> {
        self.uses(name).iter().filter(move |u| u.at != bound_at)
    }
}

#[derive(Clone, Copy)]
enum Ctx {
    Read,
    Await,
    Argument,
    Len,
    Stored,
    Returned,
    Yielded,
    Aliased,
}

struct Walker<'a> {
    flow: FunctionFlow<'a>,
    in_finally: u32,
    in_handler: u32,
    nested: u32,
    outer_loop: Option<TextRange>,
}

impl<'a> Walker<'a> {
    fn record(&mut self, name: &'a str, at: TextSize, kind: UseKind<'a>) {
        let kind = if self.nested > 0 && !matches!(kind, UseKind::Declared) {
            if matches!(kind, UseKind::Bind) {
                return; // a different variable of the nested scope
            }
            UseKind::Closure
        } else {
            kind
        };
        self.flow.uses.entry(name).or_default().push(Use {
            at,
            kind,
            in_finally: self.in_finally > 0,
            in_handler: self.in_handler > 0,
            outer_loop: self.outer_loop,
        });
    }

    fn body(&mut self, body: &'a [Stmt]) {
        for stmt in body {
            self.stmt(stmt);
        }
    }

    fn loop_body(&mut self, range: TextRange, f: impl FnOnce(&mut Self)) {
        let outer = self.outer_loop;
        if outer.is_none() {
            self.outer_loop = Some(range);
        }
        f(self);
        self.outer_loop = outer;
    }

    fn target(&mut self, target: &'a Expr) {
        match target {
            Expr::Name(n) => self.record(n.id.as_str(), n.range.start(), UseKind::Bind),
            Expr::Tuple(t) => t.elts.iter().for_each(|e| self.target(e)),
            Expr::List(l) => l.elts.iter().for_each(|e| self.target(e)),
            Expr::Starred(s) => self.target(&s.value),
            Expr::Attribute(a) => self.expr(&a.value, Ctx::Read),
            Expr::Subscript(s) => {
                // `d[t] = v`: `t` becomes a key of a container.
                self.expr(&s.value, Ctx::Read);
                self.expr(&s.slice, Ctx::Stored);
            }
            other => self.expr(other, Ctx::Read),
        }
    }

    fn stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(def) => {
                for d in &def.decorator_list {
                    self.expr(&d.expression, Ctx::Read);
                }
                for p in def.parameters.iter() {
                    if let Some(default) = p.default() {
                        self.expr(default, Ctx::Read);
                    }
                }
                self.record(def.name.id.as_str(), def.range.start(), UseKind::Bind);
                self.nested += 1;
                self.body(&def.body);
                self.nested -= 1;
            }
            Stmt::ClassDef(class) => {
                self.record(class.name.id.as_str(), class.range.start(), UseKind::Bind);
                self.nested += 1;
                if let Some(arguments) = &class.arguments {
                    for a in arguments.args.iter() {
                        self.expr(a, Ctx::Read);
                    }
                }
                self.body(&class.body);
                self.nested -= 1;
            }
            Stmt::Return(r) => {
                if let Some(v) = &r.value {
                    self.expr(v, Ctx::Returned);
                }
            }
            Stmt::Assign(a) => {
                let ctx = match a.targets.as_slice() {
                    [Expr::Name(_)] => Ctx::Aliased,
                    [Expr::Attribute(_) | Expr::Subscript(_)] => Ctx::Stored,
                    _ => Ctx::Aliased,
                };
                self.expr(&a.value, ctx);
                for t in &a.targets {
                    self.target(t);
                }
            }
            Stmt::AnnAssign(a) => {
                if let Some(v) = &a.value {
                    let ctx = match &*a.target {
                        Expr::Name(_) => Ctx::Aliased,
                        _ => Ctx::Stored,
                    };
                    self.expr(v, ctx);
                    self.target(&a.target);
                }
            }
            Stmt::AugAssign(a) => {
                self.expr(&a.value, Ctx::Stored);
                if let Expr::Name(n) = &*a.target {
                    self.record(n.id.as_str(), n.range.start(), UseKind::Read);
                }
                self.target(&a.target);
            }
            Stmt::For(f) => {
                self.iterated(&f.iter);
                self.loop_body(f.range, |w| {
                    w.target(&f.target);
                    w.body(&f.body);
                });
                self.body(&f.orelse);
            }
            Stmt::While(w) => {
                self.loop_body(w.range, |s| {
                    s.expr(&w.test, Ctx::Read);
                    s.body(&w.body);
                });
                self.body(&w.orelse);
            }
            Stmt::With(w) => {
                for item in &w.items {
                    match &item.context_expr {
                        Expr::Name(n) => {
                            self.record(n.id.as_str(), n.range.start(), UseKind::Entered)
                        }
                        other => self.expr(other, Ctx::Read),
                    }
                    if let Some(vars) = &item.optional_vars {
                        self.target(vars);
                    }
                }
                self.body(&w.body);
            }
            Stmt::Try(t) => {
                self.body(&t.body);
                for handler in &t.handlers {
                    let ast::ExceptHandler::ExceptHandler(h) = handler;
                    if let Some(ty) = &h.type_ {
                        self.expr(ty, Ctx::Read);
                    }
                    self.in_handler += 1;
                    if let Some(name) = &h.name {
                        self.record(name.id.as_str(), h.range.start(), UseKind::Bind);
                    }
                    self.body(&h.body);
                    self.in_handler -= 1;
                }
                self.body(&t.orelse);
                self.in_finally += 1;
                self.body(&t.finalbody);
                self.in_finally -= 1;
            }
            Stmt::Delete(d) => {
                for t in &d.targets {
                    match t {
                        Expr::Name(n) => {
                            self.record(n.id.as_str(), n.range.start(), UseKind::Delete)
                        }
                        other => self.target(other),
                    }
                }
            }
            Stmt::Global(g) => {
                for n in &g.names {
                    self.record(n.id.as_str(), n.range.start(), UseKind::Declared);
                }
            }
            Stmt::Nonlocal(g) => {
                for n in &g.names {
                    self.record(n.id.as_str(), n.range.start(), UseKind::Declared);
                }
            }
            Stmt::Expr(e) => self.expr(&e.value, Ctx::Read),
            Stmt::If(i) => {
                self.expr(&i.test, Ctx::Read);
                self.body(&i.body);
                for clause in &i.elif_else_clauses {
                    if let Some(test) = &clause.test {
                        self.expr(test, Ctx::Read);
                    }
                    self.body(&clause.body);
                }
            }
            Stmt::Raise(r) => {
                if let Some(e) = &r.exc {
                    self.expr(e, Ctx::Argument);
                }
                if let Some(c) = &r.cause {
                    self.expr(c, Ctx::Argument);
                }
            }
            Stmt::Assert(a) => {
                self.expr(&a.test, Ctx::Read);
                if let Some(m) = &a.msg {
                    self.expr(m, Ctx::Read);
                }
            }
            Stmt::Match(m) => {
                self.expr(&m.subject, Ctx::Read);
                for case in &m.cases {
                    if let Some(g) = &case.guard {
                        self.expr(g, Ctx::Read);
                    }
                    self.body(&case.body);
                }
            }
            _ => {}
        }
    }

    fn iterated(&mut self, iter: &'a Expr) {
        match iter {
            Expr::Name(n) => self.record(n.id.as_str(), n.range.start(), UseKind::Iterated),
            other => self.expr(other, Ctx::Read),
        }
    }

    fn expr(&mut self, expr: &'a Expr, ctx: Ctx) {
        match expr {
            Expr::Name(n) => {
                if n.ctx == ExprContext::Load {
                    let kind = match ctx {
                        Ctx::Read => UseKind::Read,
                        Ctx::Await => UseKind::Await,
                        Ctx::Argument => UseKind::Argument,
                        Ctx::Len => UseKind::Len,
                        Ctx::Stored => UseKind::Stored,
                        Ctx::Returned => UseKind::Returned,
                        Ctx::Yielded => UseKind::Yielded,
                        Ctx::Aliased => UseKind::Aliased,
                    };
                    self.record(n.id.as_str(), n.range.start(), kind);
                } else if n.ctx == ExprContext::Store {
                    self.record(n.id.as_str(), n.range.start(), UseKind::Bind);
                }
            }
            Expr::Await(a) => self.expr(&a.value, Ctx::Await),
            Expr::Call(call) => {
                let mut is_len = false;
                match &*call.func {
                    Expr::Attribute(attr) => match &*attr.value {
                        Expr::Name(n) => self.record(
                            n.id.as_str(),
                            n.range.start(),
                            UseKind::Method(attr.attr.as_str()),
                        ),
                        other => self.expr(other, Ctx::Read),
                    },
                    Expr::Name(n) if n.id.as_str() == "len" => is_len = true,
                    other => self.expr(other, Ctx::Read),
                }
                let arg_ctx = if is_len { Ctx::Len } else { Ctx::Argument };
                for a in call.arguments.args.iter() {
                    self.expr(a, arg_ctx);
                }
                for k in call.arguments.keywords.iter() {
                    self.expr(&k.value, Ctx::Argument);
                }
            }
            Expr::Attribute(a) => match &*a.value {
                Expr::Name(n) if n.ctx == ExprContext::Load => {
                    self.record(
                        n.id.as_str(),
                        n.range.start(),
                        UseKind::Attribute(a.attr.as_str()),
                    );
                }
                other => self.expr(other, Ctx::Read),
            },
            Expr::Starred(s) => self.expr(&s.value, ctx),
            Expr::List(l) => {
                let c = container_ctx(ctx);
                l.elts.iter().for_each(|e| self.expr(e, c));
            }
            Expr::Tuple(t) => {
                let c = container_ctx(ctx);
                t.elts.iter().for_each(|e| self.expr(e, c));
            }
            Expr::Set(s) => {
                let c = container_ctx(ctx);
                s.elts.iter().for_each(|e| self.expr(e, c));
            }
            Expr::Dict(d) => {
                let c = container_ctx(ctx);
                for item in &d.items {
                    if let Some(k) = &item.key {
                        self.expr(k, c);
                    }
                    self.expr(&item.value, c);
                }
            }
            Expr::If(i) => {
                self.expr(&i.test, Ctx::Read);
                self.expr(&i.body, ctx);
                self.expr(&i.orelse, ctx);
            }
            Expr::BoolOp(b) => b.values.iter().for_each(|v| self.expr(v, ctx)),
            Expr::Named(n) => {
                self.expr(&n.value, Ctx::Aliased);
                self.target(&n.target);
            }
            Expr::Yield(y) => {
                if let Some(v) = &y.value {
                    self.expr(v, Ctx::Yielded);
                }
            }
            Expr::YieldFrom(y) => self.expr(&y.value, Ctx::Yielded),
            Expr::Lambda(l) => {
                self.nested += 1;
                self.expr(&l.body, Ctx::Read);
                self.nested -= 1;
            }
            Expr::ListComp(c) => self.comprehension(&c.generators, &[&c.elt], ctx),
            Expr::SetComp(c) => self.comprehension(&c.generators, &[&c.elt], ctx),
            Expr::Generator(c) => self.comprehension(&c.generators, &[&c.elt], ctx),
            Expr::DictComp(c) => match &c.key {
                Some(key) => self.comprehension(&c.generators, &[key, &c.value], ctx),
                None => self.comprehension(&c.generators, &[&c.value], ctx),
            },
            Expr::Subscript(s) => {
                self.expr(&s.value, Ctx::Read);
                self.expr(&s.slice, Ctx::Read);
            }
            Expr::Slice(s) => {
                for e in [&s.lower, &s.upper, &s.step].into_iter().flatten() {
                    self.expr(e, Ctx::Read);
                }
            }
            Expr::BinOp(b) => {
                self.expr(&b.left, Ctx::Read);
                self.expr(&b.right, Ctx::Read);
            }
            Expr::UnaryOp(u) => self.expr(&u.operand, Ctx::Read),
            Expr::Compare(c) => {
                self.expr(&c.left, Ctx::Read);
                c.comparators.iter().for_each(|e| self.expr(e, Ctx::Read));
            }
            Expr::FString(f) => {
                for e in f.value.elements() {
                    if let ast::InterpolatedStringElement::Interpolation(i) = e {
                        self.expr(&i.expression, Ctx::Argument);
                    }
                }
            }
            _ => {}
        }
    }

    fn comprehension(&mut self, generators: &'a [ast::Comprehension], elts: &[&'a Expr], ctx: Ctx) {
        for g in generators {
            self.iterated(&g.iter);
            self.target(&g.target);
            for cond in &g.ifs {
                self.expr(cond, Ctx::Read);
            }
        }
        let c = match ctx {
            Ctx::Argument | Ctx::Returned | Ctx::Yielded => ctx,
            _ => Ctx::Stored,
        };
        for e in elts {
            self.expr(e, c);
        }
    }
}

/// What an element of a container literal is: the container's fate when the
/// literal is passed, returned or yielded; otherwise stored.
fn container_ctx(ctx: Ctx) -> Ctx {
    match ctx {
        Ctx::Argument | Ctx::Returned | Ctx::Yielded => ctx,
        _ => Ctx::Stored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str, name: &str) -> Vec<String> {
        let parsed = crate::check::parse::parse_python(src);
        let Stmt::FunctionDef(def) = &parsed.body()[0] else {
            panic!("expected a def")
        };
        let flow = FunctionFlow::build(&def.body);
        flow.uses(name)
            .iter()
            .map(|u| {
                let mut s = format!("{:?}", u.kind);
                if u.in_finally {
                    s.push_str("+finally");
                }
                if u.in_handler {
                    s.push_str("+handler");
                }
                s
            })
            .collect()
    }

    #[test]
    fn classifies_uses() {
        let src = "async def f():\n    t = g()\n    await t\n    t.cancel()\n    x = t.done\n    h(t)\n    [t]\n    self.a = t\n    u = t\n    len(t)\n    for _ in t: pass\n    async with t: pass\n    def inner(): t\n    del t\n    return t\n";
        assert_eq!(
            kinds(src, "t"),
            [
                "Bind",
                "Await",
                "Method(\"cancel\")",
                "Attribute(\"done\")",
                "Argument",
                "Stored",
                "Stored",
                "Aliased",
                "Len",
                "Iterated",
                "Entered",
                "Closure",
                "Delete",
                "Returned"
            ]
        );
    }

    #[test]
    fn records_finally_handlers_and_nested_containers() {
        let src = "async def f():\n    s = S()\n    try:\n        pass\n    except E:\n        await s.close()\n    finally:\n        await s.close()\n    return {'s': [s]}\n";
        assert_eq!(
            kinds(src, "s"),
            [
                "Bind",
                "Method(\"close\")+handler",
                "Method(\"close\")+finally",
                "Returned"
            ]
        );
    }

    #[test]
    fn loops_let_earlier_uses_follow() {
        let src = "async def f():\n    while True:\n        await t\n        t = g()\n";
        let parsed = crate::check::parse::parse_python(src);
        let Stmt::FunctionDef(def) = &parsed.body()[0] else {
            panic!()
        };
        let flow = FunctionFlow::build(&def.body);
        let uses = flow.uses("t");
        let bind = uses.iter().find(|u| u.kind == UseKind::Bind).unwrap();
        let wait = uses.iter().find(|u| u.kind == UseKind::Await).unwrap();
        assert!(wait.can_follow(bind.at));
    }
}
