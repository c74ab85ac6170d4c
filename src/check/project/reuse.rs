//! AD203's path analysis: is a local coroutine awaited twice on one path?
//! `c = f(); await c; await c`, or `c = f()` before a loop whose body awaits
//! `c` without rebinding it. Rebinding the name resets it; `return`, `raise`,
//! `break` and `continue` end a path; branches are merged (awaited on some
//! path counts). Linear in the size of the function body.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::{Ranged, TextRange};

/// The first `await name` that runs after another `await name` on some path.
pub fn second_await(body: &[Stmt], name: &str) -> Option<TextRange> {
    let mut analysis = Analysis { name, found: None };
    let mut awaited = false;
    analysis.block(body, &mut awaited);
    analysis.found
}

struct Analysis<'n> {
    name: &'n str,
    found: Option<TextRange>,
}

impl Analysis<'_> {
    /// Runs a block; `false` when every path through it ends (return, raise...).
    fn block(&mut self, stmts: &[Stmt], awaited: &mut bool) -> bool {
        for stmt in stmts {
            if !self.stmt(stmt, awaited) {
                return false;
            }
        }
        true
    }

    fn exprs<'e>(&mut self, exprs: impl IntoIterator<Item = &'e Expr>, awaited: &mut bool) {
        for e in exprs {
            let mut finder = AwaitFinder {
                name: self.name,
                hits: Vec::new(),
            };
            finder.visit_expr(e);
            for hit in finder.hits {
                if *awaited && self.found.is_none() {
                    self.found = Some(hit);
                }
                *awaited = true;
            }
        }
    }

    fn binds(&self, target: &Expr) -> bool {
        match target {
            Expr::Name(n) => n.id.as_str() == self.name,
            Expr::Tuple(t) => t.elts.iter().any(|e| self.binds(e)),
            Expr::List(l) => l.elts.iter().any(|e| self.binds(e)),
            Expr::Starred(s) => self.binds(&s.value),
            _ => false,
        }
    }

    fn stmt(&mut self, stmt: &Stmt, awaited: &mut bool) -> bool {
        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => true,
            Stmt::Assign(a) => {
                self.exprs([&*a.value], awaited);
                if a.targets.iter().any(|t| self.binds(t)) {
                    *awaited = false;
                }
                true
            }
            Stmt::AnnAssign(a) => {
                self.exprs(a.value.as_deref(), awaited);
                if a.value.is_some() && self.binds(&a.target) {
                    *awaited = false;
                }
                true
            }
            Stmt::AugAssign(a) => {
                self.exprs([&*a.value], awaited);
                if self.binds(&a.target) {
                    *awaited = false;
                }
                true
            }
            Stmt::Return(r) => {
                self.exprs(r.value.as_deref(), awaited);
                false
            }
            Stmt::Raise(r) => {
                self.exprs(r.exc.as_deref(), awaited);
                false
            }
            Stmt::Break(_) | Stmt::Continue(_) => false,
            Stmt::If(if_stmt) => {
                self.exprs([&*if_stmt.test], awaited);
                let before = *awaited;
                let mut after = false;
                let mut any_continues = false;
                let mut branch = before;
                if self.block(&if_stmt.body, &mut branch) {
                    after |= branch;
                    any_continues = true;
                }
                let mut has_else = false;
                for clause in &if_stmt.elif_else_clauses {
                    let mut branch = before;
                    if let Some(test) = &clause.test {
                        self.exprs([test], &mut branch);
                    } else {
                        has_else = true;
                    }
                    if self.block(&clause.body, &mut branch) {
                        after |= branch;
                        any_continues = true;
                    }
                }
                if !has_else {
                    after |= before;
                    any_continues = true;
                }
                *awaited = after;
                any_continues
            }
            Stmt::For(f) => {
                self.exprs([&*f.iter], awaited);
                self.loop_body(&f.body, Some(&f.target), awaited);
                let mut rest = *awaited;
                self.block(&f.orelse, &mut rest);
                *awaited |= rest;
                true
            }
            Stmt::While(w) => {
                self.exprs([&*w.test], awaited);
                self.loop_body(&w.body, None, awaited);
                let mut rest = *awaited;
                self.block(&w.orelse, &mut rest);
                *awaited |= rest;
                true
            }
            Stmt::With(w) => {
                self.exprs(w.items.iter().map(|i| &i.context_expr), awaited);
                if w.items
                    .iter()
                    .any(|i| i.optional_vars.as_deref().is_some_and(|v| self.binds(v)))
                {
                    *awaited = false;
                }
                self.block(&w.body, awaited)
            }
            Stmt::Try(t) => {
                let before = *awaited;
                let mut body = before;
                let body_continues = self.block(&t.body, &mut body);
                // A handler may start anywhere in the body: from before or after it.
                let mut after = if body_continues { body } else { false };
                let mut continues = body_continues;
                for handler in &t.handlers {
                    let ruff_python_ast::ExceptHandler::ExceptHandler(h) = handler;
                    let mut state = before || body;
                    if self.block(&h.body, &mut state) {
                        after |= state;
                        continues = true;
                    }
                }
                if body_continues {
                    let mut state = body;
                    self.block(&t.orelse, &mut state);
                    after |= state;
                }
                *awaited = after;
                let mut state = *awaited;
                let finally_continues = self.block(&t.finalbody, &mut state);
                *awaited = state;
                continues && finally_continues
            }
            Stmt::Match(m) => {
                self.exprs([&*m.subject], awaited);
                let before = *awaited;
                let mut after = before;
                for case in &m.cases {
                    let mut state = before;
                    if self.block(&case.body, &mut state) {
                        after |= state;
                    }
                }
                *awaited = after;
                true
            }
            other => {
                let mut finder = AwaitFinder {
                    name: self.name,
                    hits: Vec::new(),
                };
                finder.visit_stmt(other);
                for hit in finder.hits {
                    if *awaited && self.found.is_none() {
                        self.found = Some(hit);
                    }
                    *awaited = true;
                }
                true
            }
        }
    }

    /// A loop body runs again with the state it ended with: an `await` of a
    /// coroutine bound outside the loop repeats on the second iteration.
    fn loop_body(&mut self, body: &[Stmt], target: Option<&Expr>, awaited: &mut bool) {
        let rebinds_each_time = target.is_some_and(|t| self.binds(t));
        let mut first = if rebinds_each_time { false } else { *awaited };
        self.block(body, &mut first);
        if !rebinds_each_time && first && self.found.is_none() {
            // Second iteration: run the body again from the state it left.
            let mut second = first;
            self.block(body, &mut second);
        }
        *awaited |= first;
    }
}

/// `await NAME` in evaluation order, not looking into nested scopes.
struct AwaitFinder<'n> {
    name: &'n str,
    hits: Vec<TextRange>,
}

impl<'e> Visitor<'e> for AwaitFinder<'_> {
    fn visit_stmt(&mut self, stmt: &'e Stmt) {
        match stmt {
            Stmt::FunctionDef(_) | Stmt::ClassDef(_) => {}
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'e Expr) {
        match expr {
            Expr::Await(a) => {
                visitor::walk_expr(self, expr);
                if matches!(&*a.value, Expr::Name(n) if n.id.as_str() == self.name) {
                    self.hits.push(a.range());
                }
            }
            Expr::Lambda(_) => {}
            _ => visitor::walk_expr(self, expr),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::parse::parse_python;

    fn second(src: &str) -> Option<usize> {
        let parsed = parse_python(src);
        let Stmt::FunctionDef(def) = &parsed.body()[0] else {
            panic!("def first")
        };
        second_await(&def.body, "c").map(|r| {
            let offset = u32::from(r.start()) as usize;
            src[..offset].lines().count()
        })
    }

    #[test]
    fn paths() {
        assert_eq!(
            second("async def f():\n    c = g()\n    await c\n    await c\n"),
            Some(4)
        );
        assert_eq!(
            second("async def f():\n    c = g()\n    await c\n    c = g()\n    await c\n"),
            None
        );
        assert_eq!(
            second(
                "async def f(x):\n    c = g()\n    if x:\n        await c\n    else:\n        await c\n"
            ),
            None
        );
        assert_eq!(
            second("async def f(x):\n    c = g()\n    if x:\n        await c\n    await c\n"),
            Some(5)
        );
        assert_eq!(
            second(
                "async def f():\n    c = g()\n    while True:\n        try:\n            return await c\n        except OSError:\n            pass\n"
            ),
            Some(5)
        );
        assert_eq!(
            second("async def f(xs):\n    for x in xs:\n        c = g(x)\n        await c\n"),
            None
        );
        assert_eq!(
            second(
                "async def f(x):\n    c = g()\n    if x:\n        await c\n        return\n    await c\n"
            ),
            None
        );
    }
}
