//! Checker hooks for AD508's call-site pruning (see `project::guards`): the
//! tests on the open function's parameters that the code being walked sits
//! under, and what each project call passes as arguments.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextSize};

use super::Checker;
use crate::check::project::collect::ActiveGuard;
use crate::check::project::guards::{
    self, ArgShape, ArgValue, ClassSet, GuardTest, KEYWORD_ONLY, Known, keyword_bit,
};
use crate::check::semantic::{ScopeKind, Site};

impl<'m, 'a> Checker<'m, 'a> {
    /// An `if` statement in `walk_stmt`'s order, each branch under the tests
    /// that lead to it; afterwards, what an early exit implies holds for the
    /// rest of the enclosing block.
    pub(super) fn visit_if(&mut self, if_stmt: &'a ast::StmtIf) {
        self.visit_expr(&if_stmt.test);
        let mark = self.summary.guard_mark();
        self.push_param_tests(&if_stmt.test, true);
        self.visit_body(&if_stmt.body);
        self.summary.truncate_guards(mark);
        let clauses = &if_stmt.elif_else_clauses;
        for (i, clause) in clauses.iter().enumerate() {
            self.push_failed_tests(if_stmt, i);
            if let Some(test) = &clause.test {
                self.visit_expr(test);
                self.push_param_tests(test, true);
            }
            self.visit_body(&clause.body);
            self.summary.truncate_guards(mark);
        }
        // Branches that fall through (a missing `else` does); when only one
        // does, the code after the `if` runs only through it.
        let has_else = clauses.last().is_some_and(|c| c.test.is_none());
        let mut open = (!terminates(&if_stmt.body)).then_some(0);
        let mut open_count = usize::from(open.is_some());
        for (i, clause) in clauses.iter().enumerate() {
            if !terminates(&clause.body) {
                open = Some(i + 1);
                open_count += 1;
            }
        }
        if !has_else {
            open = Some(clauses.len() + 1);
            open_count += 1;
        }
        match (open_count, open) {
            (1, Some(0)) => self.push_param_tests(&if_stmt.test, true),
            (1, Some(n)) => {
                self.push_failed_tests(if_stmt, n - 1);
                if let Some(test) = clauses.get(n - 1).and_then(|c| c.test.as_ref()) {
                    self.push_param_tests(test, true);
                }
            }
            _ => {}
        }
    }

    /// The tests of the `if` and of its first `n` `elif`s, as failed.
    fn push_failed_tests(&mut self, if_stmt: &'a ast::StmtIf, n: usize) {
        self.push_param_tests(&if_stmt.test, false);
        for clause in if_stmt.elif_else_clauses.iter().take(n) {
            if let Some(test) = &clause.test {
                self.push_param_tests(test, false);
            }
        }
    }

    /// Pushes the parameter tests that `test` coming out as `holds` implies
    /// (each conjunct of a true `and`, each disjunct of a false `or`).
    fn push_param_tests(&mut self, test: &'a Expr, holds: bool) {
        match test {
            Expr::BoolOp(b) if (b.op == ast::BoolOp::And) == holds => {
                for value in &b.values {
                    self.push_param_tests(value, holds);
                }
            }
            Expr::UnaryOp(u) if u.op == ast::UnaryOp::Not => {
                self.push_param_tests(&u.operand, !holds);
            }
            _ => {
                let at = test.range().end();
                let Some((name, test, negated)) = self.param_test(test) else {
                    return;
                };
                let Some((param, position)) = self.unchanged_param(name, at) else {
                    return;
                };
                self.summary.push_guard(ActiveGuard {
                    param,
                    position,
                    test,
                    holds: holds != negated,
                });
            }
        }
    }

    /// `p`, `p is None`, `p is not None`, `isinstance(p, C)`: the name, the
    /// test, and whether it is negated.
    fn param_test(&mut self, test: &'a Expr) -> Option<(&'a str, GuardTest, bool)> {
        match test {
            Expr::Name(n) => Some((n.id.as_str(), GuardTest::Truthy, false)),
            Expr::Compare(c) if c.ops.len() == 1 && c.comparators.len() == 1 => {
                let negated = match c.ops[0] {
                    ast::CmpOp::Is => false,
                    ast::CmpOp::IsNot => true,
                    _ => return None,
                };
                let name = match (&*c.left, &c.comparators[0]) {
                    (Expr::Name(n), Expr::NoneLiteral(_))
                    | (Expr::NoneLiteral(_), Expr::Name(n)) => n.id.as_str(),
                    _ => return None,
                };
                Some((name, GuardTest::IsNone, negated))
            }
            Expr::Call(c) => {
                let [Expr::Name(subject), classes] = &*c.arguments.args else {
                    return None;
                };
                if !c.arguments.keywords.is_empty() {
                    return None;
                }
                let mut buf = std::mem::take(&mut self.scratch);
                let is_isinstance = self.resolver.qualified_name(self.scope, &c.func, &mut buf)
                    && buf == "builtins.isinstance";
                let mut set = ClassSet::default();
                if is_isinstance {
                    self.class_set(classes, &mut set, &mut buf);
                }
                self.scratch = buf;
                is_isinstance.then(|| (subject.id.as_str(), GuardTest::IsInstance(set), false))
            }
            _ => None,
        }
    }

    /// The classes of `isinstance`'s second argument: a class, a tuple of
    /// them, or a `A | B` union.
    fn class_set(&self, expr: &Expr, set: &mut ClassSet, buf: &mut String) {
        match expr {
            Expr::Tuple(t) => {
                for e in &t.elts {
                    self.class_set(e, set, buf);
                }
            }
            Expr::BinOp(b) if b.op == ast::Operator::BitOr => {
                self.class_set(&b.left, set, buf);
                self.class_set(&b.right, set, buf);
            }
            _ => {
                let known = self.resolver.qualified_name(self.scope, expr, buf);
                set.add(known.then_some(buf.as_str()));
            }
        }
    }

    /// A parameter of the open function that still holds what the call site
    /// passed at `at`: never rebound, or rebound only further down and not
    /// in a loop around `at`. With its position in the `def`.
    fn unchanged_param(
        &self,
        name: &str,
        at: TextSize,
    ) -> Option<(&'a ast::ParameterWithDefault, u8)> {
        let def = self.summary.current_def()?;
        let scope = self.resolver.model.scope(self.scope);
        if !matches!(scope.kind, ScopeKind::Function { .. })
            || scope.node_start != def.range().start()
        {
            return None;
        }
        let binding = scope.bindings.get(name)?;
        if binding.assigned_none || binding.import.is_some() {
            return None;
        }
        if binding.other_sites != 1 {
            // The parameter is the first site; every other one is recorded
            // (none hidden by `nonlocal` or the cap) and comes after `at`.
            let all_recorded = usize::from(binding.other_sites) == 1 + binding.more_sites.len();
            let later = |site: &Site<'_>| match site {
                Site::Value(_, e) | Site::Entered(_, e) | Site::Annotation(_, e) => {
                    e.range().start() > at
                }
                Site::Opaque => false,
            };
            if self.summary.loop_depth > 0 || !all_recorded || !binding.more_sites.iter().all(later)
            {
                return None;
            }
        }
        // Positional-only parameters are left out: a `**kwargs` may take a
        // keyword of the same name, which would look like their argument.
        let parameters = &def.parameters;
        if let Some((i, p)) = parameters
            .args
            .iter()
            .enumerate()
            .find(|(_, p)| p.parameter.name.as_str() == name)
        {
            return u8::try_from(i + parameters.posonlyargs.len())
                .ok()
                .filter(|i| *i != KEYWORD_ONLY)
                .map(|i| (p, i));
        }
        parameters
            .kwonlyargs
            .iter()
            .find(|p| p.parameter.name.as_str() == name)
            .map(|p| (p, KEYWORD_ONLY))
    }

    /// What an argument is known to be: a literal, a known class's
    /// instance (`io.BytesIO(...)`), or a parameter passed on unchanged.
    fn arg_value(&mut self, expr: &'a Expr) -> Option<ArgValue> {
        if let Some(known) = guards::literal(expr) {
            return Some(ArgValue::Known(known));
        }
        match expr {
            Expr::Call(c) => {
                let mut buf = std::mem::take(&mut self.scratch);
                let class = self
                    .resolver
                    .qualified_name(self.scope, &c.func, &mut buf)
                    .then(|| guards::constructed_class(&buf))
                    .flatten();
                self.scratch = buf;
                class.map(|class| {
                    ArgValue::Known(Known {
                        class,
                        truthy: None,
                    })
                })
            }
            Expr::Name(n) => {
                let name = n.id.as_str();
                // `self` is never a literal: not worth a fact per method call.
                if self.resolver.model.scope(self.scope).self_name == Some(name) {
                    return None;
                }
                let (param, position) = self.unchanged_param(name, n.range().start())?;
                self.summary
                    .param_index(param, position)
                    .map(ArgValue::Param)
            }
            _ => None,
        }
    }

    /// Facts about the arguments of the project call just recorded.
    pub(super) fn record_call_args(&mut self, call: &'a ast::ExprCall) {
        let mut shape = ArgShape::default();
        let mut keyword_bits = 0;
        for (i, arg) in call.arguments.args.iter().enumerate() {
            if arg.is_starred_expr() {
                shape.flags |= ArgShape::STARRED;
                break;
            }
            shape.positional = shape.positional.saturating_add(1);
            if let Ok(position) = u8::try_from(i)
                && let Some(value) = self.arg_value(arg)
            {
                self.summary.record_arg(None, position, value);
            }
        }
        for keyword in &call.arguments.keywords {
            match &keyword.arg {
                Some(name) => {
                    keyword_bits |= keyword_bit(name.as_str());
                    if let Some(value) = self.arg_value(&keyword.value) {
                        self.summary.record_arg(Some(name.as_str()), 0, value);
                    }
                }
                None => match self.kwargs_dict(&keyword.value) {
                    Some((dict, stored)) => {
                        self.record_dict_args(dict, stored, &mut shape, &mut keyword_bits)
                    }
                    None => shape.flags |= ArgShape::UNKNOWN_KEYWORDS,
                },
            }
        }
        if keyword_bits != 0 {
            shape.flags |= ArgShape::KEYWORDS;
        }
        self.summary.record_call_args(shape, keyword_bits);
    }

    /// `**{"k": v}` as keywords. A `**splat` inside the dict may hide the
    /// keys before it; keys in `stored` are set elsewhere too (unknown value).
    fn record_dict_args(
        &mut self,
        dict: &'a ast::ExprDict,
        stored: StoredKeys<'a>,
        shape: &mut ArgShape,
        keyword_bits: &mut u32,
    ) {
        if stored.any_key {
            shape.flags |= ArgShape::UNKNOWN_KEYWORDS;
        }
        let last_splat = dict.items.iter().rposition(|item| item.key.is_none());
        if last_splat.is_some() {
            shape.flags |= ArgShape::UNKNOWN_KEYWORDS;
        }
        let from = last_splat.map_or(0, |i| i + 1);
        for key in &stored.keys {
            *keyword_bits |= keyword_bit(key);
        }
        for (i, item) in dict.items.iter().enumerate().skip(from) {
            let Some(Expr::StringLiteral(key)) = &item.key else {
                shape.flags |= ArgShape::UNKNOWN_KEYWORDS;
                continue;
            };
            let key = key.value.to_str();
            *keyword_bits |= keyword_bit(key);
            // A later entry with the same key wins.
            let repeated = dict.items[i + 1..]
                .iter()
                .any(|later| matches!(&later.key, Some(Expr::StringLiteral(k)) if k.value.to_str() == key));
            if repeated || stored.keys.contains(&key) {
                continue;
            }
            if let Some(value) = self.arg_value(&item.value) {
                self.summary.record_arg(Some(key), 0, value);
            }
        }
    }

    /// The dict literal behind `**expr`: written inline, or a local of the
    /// open function assigned only that literal and otherwise only read
    /// (and given more keys by `d["k"] = v`, which are returned).
    fn kwargs_dict(&self, expr: &'a Expr) -> Option<(&'a ast::ExprDict, StoredKeys<'a>)> {
        let name = match expr {
            Expr::Dict(d) => return Some((d, StoredKeys::default())),
            Expr::Name(n) => n.id.as_str(),
            _ => return None,
        };
        let def = self.summary.current_def()?;
        let scope = self.resolver.model.scope(self.scope);
        if scope.node_start != def.range().start()
            || self.resolver.model.binding_scope(self.scope, name) != Some(self.scope)
        {
            return None;
        }
        // Only a name given a dict literal (`d = {...}`, or `d: T = {...}`)
        // can be decoded: skip the walk of the body for the rest, such as a
        // `**kwargs` parameter passed on.
        let binding = scope.bindings.get(name)?;
        let may_hold_literal = binding
            .site
            .iter()
            .chain(&binding.more_sites)
            .any(|site| matches!(site, Site::Value(_, Expr::Dict(_)) | Site::Annotation(..)));
        if !may_hold_literal {
            return None;
        }
        let mut uses = DictUses {
            name,
            dict: None,
            assignments: 0,
            stored: StoredKeys::default(),
            opaque: false,
        };
        uses.visit_body(&def.body);
        if uses.opaque || uses.assignments != 1 {
            return None;
        }
        uses.dict.map(|d| (d, uses.stored))
    }
}

/// Keys a dict local gets by `d["k"] = v`.
#[derive(Default)]
struct StoredKeys<'a> {
    keys: Vec<&'a str>,
    /// `d[k] = v` with a key that is not a string literal.
    any_key: bool,
}

/// Every use of a dict local in a function, when all are harmless: one
/// assignment of a dict literal, `**d` in calls, reads (`d[k]`, `d.get(k)`,
/// `k in d`), and stores of string keys.
struct DictUses<'a> {
    name: &'a str,
    dict: Option<&'a ast::ExprDict>,
    assignments: u32,
    stored: StoredKeys<'a>,
    opaque: bool,
}

impl<'a> DictUses<'a> {
    fn is_name(&self, expr: &Expr) -> bool {
        matches!(expr, Expr::Name(n) if n.id.as_str() == self.name)
    }

    fn assign_target(&mut self, target: &'a Expr, value: Option<&'a Expr>) {
        match target {
            Expr::Name(n) if n.id.as_str() == self.name => {
                self.assignments += 1;
                match value {
                    Some(Expr::Dict(d)) => self.dict = Some(d),
                    _ => self.opaque = true,
                }
            }
            Expr::Subscript(s) if self.is_name(&s.value) => {
                match &*s.slice {
                    Expr::StringLiteral(k) => self.stored.keys.push(k.value.to_str()),
                    _ => self.stored.any_key = true,
                }
                self.visit_expr(&s.slice);
            }
            _ => self.visit_expr(target),
        }
    }
}

impl<'a> Visitor<'a> for DictUses<'a> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        if self.opaque {
            return;
        }
        match stmt {
            Stmt::Assign(a) => {
                for target in &a.targets {
                    self.assign_target(target, Some(&a.value));
                }
                self.visit_expr(&a.value);
            }
            Stmt::AnnAssign(a) => {
                self.assign_target(&a.target, a.value.as_deref());
                if let Some(value) = &a.value {
                    self.visit_expr(value);
                }
            }
            Stmt::Global(g) if g.names.iter().any(|n| n.id.as_str() == self.name) => {
                self.opaque = true;
            }
            Stmt::Nonlocal(g) if g.names.iter().any(|n| n.id.as_str() == self.name) => {
                self.opaque = true;
            }
            _ => visitor::walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        if self.opaque {
            return;
        }
        match expr {
            // Any use not matched below: it may change the dict.
            Expr::Name(n) if n.id.as_str() == self.name => self.opaque = true,
            Expr::Subscript(s) if s.ctx.is_load() && self.is_name(&s.value) => {
                self.visit_expr(&s.slice);
            }
            Expr::Call(c) => {
                match &*c.func {
                    Expr::Attribute(a)
                        if self.is_name(&a.value)
                            && matches!(
                                a.attr.as_str(),
                                "get" | "keys" | "values" | "items" | "copy"
                            ) => {}
                    func => self.visit_expr(func),
                }
                for arg in &c.arguments.args {
                    self.visit_expr(arg);
                }
                for keyword in &c.arguments.keywords {
                    if !(keyword.arg.is_none() && self.is_name(&keyword.value)) {
                        self.visit_expr(&keyword.value);
                    }
                }
            }
            Expr::Compare(c)
                if c.ops
                    .iter()
                    .all(|op| matches!(op, ast::CmpOp::In | ast::CmpOp::NotIn)) =>
            {
                self.visit_expr(&c.left);
                for e in &c.comparators {
                    if !self.is_name(e) {
                        self.visit_expr(e);
                    }
                }
            }
            _ => visitor::walk_expr(self, expr),
        }
    }
}

/// A block that never falls through its end.
fn terminates(body: &[Stmt]) -> bool {
    match body.last() {
        Some(Stmt::Return(_) | Stmt::Raise(_) | Stmt::Continue(_) | Stmt::Break(_)) => true,
        Some(Stmt::If(i)) => {
            i.elif_else_clauses.last().is_some_and(|c| c.test.is_none())
                && terminates(&i.body)
                && i.elif_else_clauses.iter().all(|c| terminates(&c.body))
        }
        _ => false,
    }
}
