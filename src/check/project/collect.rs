//! Building a [`ModuleSummary`] during the checker's one walk: the checker
//! calls these hooks; nothing here walks the tree on its own except the lazy
//! "which names does this function read" scan, done only for functions that
//! assign a call's result to a local.

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{self as ast, Expr, Stmt};
use ruff_text_size::{Ranged, TextRange, TextSize};

use super::guards::{
    self, ArgFact, ArgShape, ArgValue, Guard, GuardTest, KeywordFact, MethodKind, ParamInfo,
};
use super::{
    BlockingFact, CallSite, Callee, CalleeDraft, ClassIndex, ClassSummary, Export, FunctionIndex,
    FunctionSummary, ModuleSummary, ProjectContext, StrRef, Usage,
};
use crate::check::semantic::{Resolver, ScopeId, ScopeKind, grow_stack};

/// Decorators that do not change what calling the function returns.
const TRANSPARENT_DECORATORS: &[&str] = &[
    "builtins.staticmethod",
    "builtins.classmethod",
    "abc.abstractmethod",
    "typing.override",
    "typing_extensions.override",
    "typing.final",
    "typing_extensions.final",
    "typing.overload",
    "functools.wraps",
];

/// A call's usage before we know whether the assigned name is read.
#[derive(Debug, Clone, Copy)]
pub enum PendingUsage<'a> {
    Known(Usage),
    AssignedTo(&'a str),
}

struct OpenFunction<'a> {
    index: FunctionIndex,
    def: Option<&'a ast::StmtFunctionDef>,
    /// Its calls, moved into the module's `calls` when it closes.
    calls: Vec<CallSite>,
    /// Call sites whose value went to a local: (call index, name).
    assigned: Vec<(usize, &'a str)>,
    /// Where its entries start in the builder's guard stack and pending
    /// side tables (a nested function's entries are moved out when it
    /// closes, so the rest of each list is this function's).
    guard_base: usize,
    pending_start: [usize; 5],
    /// The enclosing function's `loop_depth`, restored when this one closes.
    outer_loop_depth: u32,
}

/// A test on a parameter of the open function that the code being walked
/// sits under.
#[derive(Debug, Clone, Copy)]
pub struct ActiveGuard<'a> {
    pub param: &'a ast::ParameterWithDefault,
    /// Position in the `def`, or [`guards::KEYWORD_ONLY`].
    pub position: u8,
    pub test: GuardTest,
    pub holds: bool,
}

/// Guards kept per call or blocking call (the innermost ones).
const MAX_GUARDS_PER_CALL: usize = 4;
/// Guarded blocking calls kept per function before the next counts as unguarded.
const MAX_GUARDED_BLOCKING: usize = 8;

struct OpenClass<'a> {
    index: ClassIndex,
    /// Names of the methods defined in the class body (known up front so
    /// `self.m` used as a value can be recognised before `m` is visited).
    methods: Vec<&'a str>,
}

pub struct SummaryBuilder<'a> {
    pub summary: ModuleSummary,
    functions: Vec<OpenFunction<'a>>,
    classes: Vec<OpenClass<'a>>,
    /// Module-level function/class definitions: name → index.
    module_defs: Vec<(&'a str, Export)>,
    /// Inside `if __name__ == "__main__":` at module level.
    pub in_main_guard: bool,
    /// `for`/`while` statements around the code being walked, in the open
    /// function (a parameter rebound later in the body may be rebound
    /// before a test that a loop runs again).
    pub loop_depth: u32,
    /// Parameter tests around the code being walked (see [`ActiveGuard`]).
    guard_stack: Vec<ActiveGuard<'a>>,
    /// Side-table entries of open functions, with call indices local to
    /// their function until it closes.
    pending_facts: Vec<ArgFact>,
    pending_keyword_facts: Vec<KeywordFact>,
    pending_guards: Vec<(u32, Guard)>,
    pending_keywords: Vec<(u32, u32)>,
    /// With the name, interned only if the entry is kept.
    pending_params: Vec<(&'a str, ParamInfo)>,
    /// The references recorded so far (strings are interned, so equal
    /// callees are equal values).
    references_seen: rustc_hash::FxHashSet<Callee>,
}

impl<'a> SummaryBuilder<'a> {
    pub fn new(module_name: Option<&str>, is_package: bool) -> Self {
        let mut summary = ModuleSummary {
            module_name: module_name.map(Into::into),
            is_package,
            ..ModuleSummary::default()
        };
        let module = summary.intern("<module>");
        summary
            .functions
            .push(FunctionSummary::new(module, module, TextRange::default()));
        SummaryBuilder {
            summary,
            functions: vec![OpenFunction {
                index: 0,
                def: None,
                calls: Vec::new(),
                assigned: Vec::new(),
                guard_base: 0,
                pending_start: [0; 5],
                outer_loop_depth: 0,
            }],
            classes: Vec::new(),
            module_defs: Vec::new(),
            in_main_guard: false,
            loop_depth: 0,
            guard_stack: Vec::new(),
            pending_facts: Vec::new(),
            pending_keyword_facts: Vec::new(),
            pending_guards: Vec::new(),
            pending_keywords: Vec::new(),
            pending_params: Vec::new(),
            references_seen: Default::default(),
        }
    }

    pub fn current_index(&self) -> FunctionIndex {
        self.functions.last().map_or(0, |f| f.index)
    }

    pub fn current(&mut self) -> &mut FunctionSummary {
        let i = self.current_index() as usize;
        &mut self.summary.functions[i]
    }

    /// The class whose body we are directly in (for method definitions).
    pub fn open_class(&self) -> Option<ClassIndex> {
        self.classes.last().map(|c| c.index)
    }

    /// The class of the method we are in (for `self.m()` calls).
    pub fn method_class(&self) -> Option<ClassIndex> {
        self.summary.functions[self.current_index() as usize].class
    }

    pub fn method_names_of_current_class(&self) -> &[&'a str] {
        let Some(class) = self.method_class() else {
            return &[];
        };
        self.classes
            .iter()
            .rev()
            .find(|c| c.index == class)
            .map_or(&[], |c| &c.methods)
    }

    pub fn enter_function(
        &mut self,
        def: &'a ast::StmtFunctionDef,
        directly_in_class: bool,
        at_module_level: bool,
        unknown_decorator: bool,
    ) {
        let class = if directly_in_class {
            self.open_class()
        } else {
            None
        };
        let name = def.name.id.as_str();
        let parent = self.summary.functions[self.current_index() as usize].qualname;
        let qualname = match (class, self.current_index()) {
            (Some(c), _) => format!(
                "{}.{}",
                self.summary.str(self.summary.classes[c as usize].name),
                name
            ),
            (None, 0) => name.to_string(),
            (None, _) => format!("{}.<locals>.{}", self.summary.str(parent), name),
        };
        let qualname = self.summary.intern(&qualname);
        // The name is the qualname's last segment: no second copy.
        let name_ref = StrRef::suffix_of(qualname, name.len());
        let mut f = FunctionSummary::new(name_ref, qualname, def.name.range);
        f.class = class;
        f.is_async = def.is_async;
        f.unknown_decorator = unknown_decorator;
        f.is_entry_point = name == "main" || (at_module_level && self.in_main_guard);
        f.is_stub = is_stub_body(&def.body);
        let index = self.summary.functions.len() as FunctionIndex;
        self.summary.functions.push(f);
        if let Some(c) = class {
            self.summary.classes[c as usize]
                .methods
                .push((name_ref, index));
        }
        if at_module_level {
            self.module_defs.push((name, Export::Function(index)));
        }
        self.functions.push(OpenFunction {
            index,
            def: Some(def),
            calls: Vec::new(),
            assigned: Vec::new(),
            guard_base: self.guard_stack.len(),
            pending_start: [
                self.pending_facts.len(),
                self.pending_guards.len(),
                self.pending_keywords.len(),
                self.pending_params.len(),
                self.pending_keyword_facts.len(),
            ],
            outer_loop_depth: std::mem::take(&mut self.loop_depth),
        });
    }

    /// Closes the current function: settles which assigned calls were unread
    /// and moves its calls into the module's list.
    pub fn exit_function(&mut self) {
        let Some(mut open) = self.functions.pop() else {
            return;
        };
        if !open.assigned.is_empty()
            && let Some(def) = open.def
        {
            // Each assigned name once, with how many calls are assigned to it.
            let mut names: Vec<(&str, u32)> = Vec::new();
            for (_, name) in &open.assigned {
                match names.iter_mut().find(|(n, _)| n == name) {
                    Some((_, count)) => *count += 1,
                    None => names.push((name, 1)),
                }
            }
            let uses = names_used(&def.body, &names);
            for (call, name) in &open.assigned {
                let i = names
                    .iter()
                    .position(|(n, _)| n == name)
                    .expect("collected above");
                if let Some(site) = open.calls.get_mut(*call) {
                    site.usage = if uses.is_read(i) {
                        Usage::Other
                    } else {
                        Usage::AssignedUnread
                    };
                }
                // AD203: the name holds this call's value only if no other
                // call is assigned to it.
                // Only names awaited directly somewhere get the path analysis.
                if names[i].1 == 1
                    && uses.is_awaited(i)
                    && let Some(second) = super::reuse::second_await(&def.body, name)
                {
                    let f = &mut self.summary.functions[open.index as usize];
                    f.extra_mut().reused.push((*call as u32, second));
                }
            }
        }
        let start = self.summary.calls.len() as u32;
        self.summary.calls.append(&mut open.calls);
        let end = self.summary.calls.len() as u32;
        self.summary.functions[open.index as usize].calls = start..end;
        // Side-table entries: local call indices become module ones. Only
        // what AD508 reads is kept: the arguments of calls from async code
        // (first steps of chains), and everything in functions a chain can
        // go through; an async function's own parameters are never known.
        let f = &self.summary.functions[open.index as usize];
        let followed = open.index != 0 && !f.is_async && !f.is_generator && !f.unknown_decorator;
        let (keep_args, keep_params) = (followed || f.is_async, followed);
        let [facts, guards, keywords, params, keyword_facts] = open.pending_start;
        let kept =
            |value: &ArgValue| keep_params || (keep_args && matches!(value, ArgValue::Known(_)));
        let summary = &mut self.summary;
        summary.arg_facts.extend(
            self.pending_facts
                .drain(facts..)
                .filter(|f| kept(&f.value))
                .map(|mut f| {
                    f.call += start;
                    f
                }),
        );
        summary.keyword_facts.extend(
            self.pending_keyword_facts
                .drain(keyword_facts..)
                .filter(|f| kept(&f.value))
                .map(|mut f| {
                    f.call += start;
                    f
                }),
        );
        summary.call_guards.extend(
            self.pending_guards
                .drain(guards..)
                .filter(|_| keep_params)
                .map(|(call, g)| (call + start, g)),
        );
        summary.call_keywords.extend(
            self.pending_keywords
                .drain(keywords..)
                .filter(|_| keep_args)
                .map(|(call, k)| (call + start, k)),
        );
        if keep_params {
            for (name, mut p) in self.pending_params.drain(params..) {
                p.function = open.index;
                p.name = summary.intern(name);
                summary.params.push(p);
            }
        } else {
            self.pending_params.truncate(params);
        }
        self.guard_stack.truncate(open.guard_base);
        self.loop_depth = open.outer_loop_depth;
    }

    /// The open function's `def` (none at module level).
    pub fn current_def(&self) -> Option<&'a ast::StmtFunctionDef> {
        self.functions.last().and_then(|f| f.def)
    }

    pub fn guard_mark(&self) -> usize {
        self.guard_stack.len()
    }

    pub fn truncate_guards(&mut self, mark: usize) {
        self.guard_stack.truncate(mark);
    }

    pub fn push_guard(&mut self, guard: ActiveGuard<'a>) {
        self.guard_stack.push(guard);
    }

    /// The open function's parameter as an index into its `params` table
    /// (added on first use).
    pub fn param_index(
        &mut self,
        param: &'a ast::ParameterWithDefault,
        position: u8,
    ) -> Option<u8> {
        let name = param.parameter.name.as_str();
        let open = self.functions.last()?;
        let def = open.def?;
        // Nested functions moved theirs out when they closed: the rest is this one's.
        let own = &self.pending_params[open.pending_start[3]..];
        if let Some(i) = own.iter().position(|(n, _)| *n == name) {
            return u8::try_from(i).ok();
        }
        let slot = u8::try_from(own.len()).ok().filter(|i| *i < u8::MAX)?;
        let method = own
            .first()
            .map_or_else(|| method_kind(def), |(_, p)| p.method);
        self.pending_params.push((
            name,
            ParamInfo {
                function: open.index,
                method,
                name: StrRef::default(),
                position,
                default: param.default.as_deref().and_then(guards::literal),
            },
        ));
        Some(slot)
    }

    /// The innermost guards of the open function, as stored.
    fn active_guards(&mut self) -> Vec<Guard> {
        let base = self.functions.last().map_or(0, |f| f.guard_base);
        let active: Vec<ActiveGuard<'a>> = self.guard_stack[base.min(self.guard_stack.len())..]
            .iter()
            .rev()
            .take(MAX_GUARDS_PER_CALL)
            .copied()
            .collect();
        active
            .into_iter()
            .filter_map(|g| {
                Some(Guard {
                    param: self.param_index(g.param, g.position)?,
                    holds: g.holds,
                    test: g.test,
                })
            })
            .collect()
    }

    fn has_active_guards(&self) -> bool {
        let base = self.functions.last().map_or(0, |f| f.guard_base);
        self.guard_stack.len() > base
    }

    /// Facts about the arguments of the call recorded last.
    pub fn record_call_args(&mut self, shape: ArgShape, keyword_bits: u32) {
        let Some(open) = self.functions.last_mut() else {
            return;
        };
        let Some(site) = open.calls.last_mut() else {
            return;
        };
        site.args = shape;
        let call = open.calls.len() as u32 - 1;
        if keyword_bits != 0 {
            self.pending_keywords.push((call, keyword_bits));
        }
    }

    /// One argument of the call recorded last with a known value.
    pub fn record_arg(&mut self, keyword: Option<&str>, position: u8, value: ArgValue) {
        let Some(call) = self
            .functions
            .last()
            .and_then(|f| f.calls.len().checked_sub(1))
        else {
            return;
        };
        let call = call as u32;
        match keyword {
            Some(k) => self.pending_keyword_facts.push(KeywordFact {
                call,
                value,
                keyword: guards::name_hash(k),
            }),
            None => self.pending_facts.push(ArgFact {
                call,
                position,
                value,
            }),
        }
    }

    pub fn enter_class(
        &mut self,
        class: &'a ast::StmtClassDef,
        bases: Vec<Callee>,
        is_thread: bool,
        external_base: bool,
        at_module_level: bool,
    ) {
        let index = self.summary.classes.len() as ClassIndex;
        let name = self.summary.intern(class.name.id.as_str());
        self.summary.classes.push(ClassSummary {
            name,
            name_range: class.name.range,
            bases,
            methods: Vec::new(),
            is_thread,
            external_base,
        });
        if at_module_level {
            self.module_defs
                .push((class.name.id.as_str(), Export::Class(index)));
        }
        let methods = class
            .body
            .iter()
            .filter_map(|s| match s {
                Stmt::FunctionDef(f) => Some(f.name.id.as_str()),
                _ => None,
            })
            .collect();
        self.classes.push(OpenClass { index, methods });
    }

    pub fn exit_class(&mut self) {
        self.classes.pop();
    }

    /// A function used as a value (recorded once per module).
    pub fn record_reference(&mut self, callee: CalleeDraft<'_>) {
        let callee = self.summary.intern_callee(callee);
        if self.references_seen.insert(callee) {
            self.summary.references.push(callee);
        }
    }

    pub fn intern_callee(&mut self, callee: CalleeDraft<'_>) -> Callee {
        self.summary.intern_callee(callee)
    }

    /// Records a call into project code with its usage.
    pub fn record_call(
        &mut self,
        callee: CalleeDraft<'_>,
        range: TextRange,
        usage: PendingUsage<'a>,
    ) {
        let (usage, assigned) = match usage {
            PendingUsage::Known(u) => (u, None),
            PendingUsage::AssignedTo(name) => (Usage::Other, Some(name)),
        };
        let callee = self.summary.intern_callee(callee);
        let Some(open) = self.functions.last_mut() else {
            return;
        };
        open.calls.push(CallSite {
            callee,
            range,
            usage,
            args: ArgShape::default(),
        });
        let call_index = open.calls.len() - 1;
        if let Some(name) = assigned {
            open.assigned.push((call_index, name));
        }
        if self.has_active_guards() {
            for guard in self.active_guards() {
                self.pending_guards.push((call_index as u32, guard));
            }
        }
    }

    /// A blocking call: the first of the function, and later ones as long
    /// as every one kept sits under a parameter test (one of them may be
    /// pruned for a call site, the next one not).
    pub fn record_blocking(&mut self, mut fact: BlockingFact) {
        let kept = &self.current().extra().blocking;
        let all_guarded = kept.iter().all(|b| !b.guards.is_empty());
        if !all_guarded {
            return;
        }
        let full = kept.len() >= MAX_GUARDED_BLOCKING;
        if self.has_active_guards() && !full {
            fact.guards = self.active_guards();
        }
        self.current().extra_mut().blocking.push(fact);
    }

    /// Finishes the summary: module-level exports from definitions and imports.
    pub fn finish(
        mut self,
        resolver: &Resolver<'_, 'a>,
        project: &ProjectContext,
    ) -> ModuleSummary {
        // Close the module body (function 0) and anything left open.
        while !self.functions.is_empty() {
            self.exit_function();
        }
        let mut exports: Vec<(StrRef, Export)> = Vec::new();
        let mut buf = String::new();
        for (name, binding) in resolver.model.scope(ScopeId::MODULE).bindings.iter() {
            if let Some(target) = binding.as_import() {
                buf.clear();
                // Only re-exports of project code can be followed.
                if resolver.write_import(target, &mut buf) && project.is_project_name(&buf) {
                    let name = self.summary.intern(name);
                    let target = self.summary.intern(&buf);
                    exports.push((name, Export::Import(target)));
                }
            }
        }
        for (name, export) in std::mem::take(&mut self.module_defs) {
            // A name defined twice at module level is ambiguous: keep neither.
            let twice = resolver
                .model
                .scope(ScopeId::MODULE)
                .bindings
                .get(name)
                .is_some_and(|b| b.other_sites > 1 || b.import.is_some());
            if !twice {
                let name = self.summary.intern(name);
                exports.push((name, export));
            }
        }
        let summary = &mut self.summary;
        exports.sort_by(|a, b| summary.str(a.0).cmp(summary.str(b.0)));
        summary.exports = exports;
        // Functions close innermost first: order the table by function.
        summary.params.sort_by_key(|p| p.function);
        summary.seal();
        self.summary
    }
}

/// `@staticmethod` / `@classmethod` (by name: what else would they be).
fn method_kind(def: &ast::StmtFunctionDef) -> MethodKind {
    for d in &def.decorator_list {
        let name = match &d.expression {
            Expr::Name(n) => n.id.as_str(),
            Expr::Attribute(a) => a.attr.as_str(),
            _ => continue,
        };
        match name {
            "staticmethod" => return MethodKind::Static,
            "classmethod" => return MethodKind::Class,
            _ => {}
        }
    }
    MethodKind::Plain
}

/// Only a docstring, `pass`, `...` or `raise ...`.
fn is_stub_body(body: &[Stmt]) -> bool {
    body.iter().all(|s| match s {
        Stmt::Pass(_) | Stmt::Raise(_) => true,
        Stmt::Expr(e) => matches!(&*e.value, Expr::StringLiteral(_) | Expr::EllipsisLiteral(_)),
        _ => false,
    })
}

/// Which of `names` are loaded, and which awaited directly (`await NAME`),
/// anywhere in a function body (nested functions included: a closure reading
/// a variable counts as reading it). Compares against the few names asked
/// for instead of collecting every name. Past 64 names, all count as read and
/// none as awaited (both the cautious answer).
fn names_used(body: &[Stmt], names: &[(&str, u32)]) -> NameUses {
    struct Uses<'n, 'w> {
        names: &'n [(&'w str, u32)],
        read: u64,
        awaited: u64,
    }
    impl Uses<'_, '_> {
        fn bit(&self, name: &str) -> u64 {
            self.names
                .iter()
                .position(|(n, _)| *n == name)
                .map_or(0, |i| 1 << i)
        }
    }
    impl<'b> Visitor<'b> for Uses<'_, '_> {
        fn visit_expr(&mut self, expr: &'b Expr) {
            match expr {
                Expr::Name(n) if n.ctx.is_load() || n.ctx.is_del() => {
                    self.read |= self.bit(n.id.as_str());
                }
                Expr::Await(a) => {
                    if let Expr::Name(n) = &*a.value {
                        self.awaited |= self.bit(n.id.as_str());
                    }
                }
                _ => {}
            }
            grow_stack(|| visitor::walk_expr(self, expr));
        }
        fn visit_stmt(&mut self, stmt: &'b Stmt) {
            match stmt {
                // `global x` / `nonlocal x`: the value escapes the function.
                Stmt::Global(ast::StmtGlobal { names, .. })
                | Stmt::Nonlocal(ast::StmtNonlocal { names, .. }) => {
                    for n in names {
                        self.read |= self.bit(n.id.as_str());
                    }
                }
                // `x += 1` reads x.
                Stmt::AugAssign(a) => {
                    if let Expr::Name(n) = &*a.target {
                        self.read |= self.bit(n.id.as_str());
                    }
                }
                _ => {}
            }
            grow_stack(|| visitor::walk_stmt(self, stmt));
        }
    }
    if names.len() > 64 {
        return NameUses {
            read: u64::MAX,
            awaited: 0,
        };
    }
    let mut uses = Uses {
        names,
        read: 0,
        awaited: 0,
    };
    uses.visit_body(body);
    NameUses {
        read: uses.read,
        awaited: uses.awaited,
    }
}

/// Bits by position in the names asked for.
struct NameUses {
    read: u64,
    awaited: u64,
}

impl NameUses {
    fn is_read(&self, i: usize) -> bool {
        i >= 64 || self.read & (1 << i) != 0
    }

    fn is_awaited(&self, i: usize) -> bool {
        i < 64 && self.awaited & (1 << i) != 0
    }
}

/// Whether every decorator is one that keeps the function as it is.
pub fn has_unknown_decorator(
    resolver: &Resolver<'_, '_>,
    scope: ScopeId,
    def: &ast::StmtFunctionDef,
) -> bool {
    let mut buf = String::new();
    def.decorator_list.iter().any(|d| {
        let expr = match &d.expression {
            Expr::Call(c) => &*c.func,
            other => other,
        };
        if let Expr::Attribute(a) = expr {
            // `@x.setter` / `@x.deleter` on properties: not called as functions.
            if matches!(a.attr.as_str(), "setter" | "getter" | "deleter") {
                return false;
            }
        }
        !(resolver.qualified_name(scope, expr, &mut buf)
            && TRANSPARENT_DECORATORS.contains(&buf.as_str()))
    })
}

/// `if __name__ == "__main__":`
pub fn is_main_guard(test: &Expr) -> bool {
    let Expr::Compare(cmp) = test else {
        return false;
    };
    let is_name = |e: &Expr| matches!(e, Expr::Name(n) if n.id.as_str() == "__name__");
    let is_main = |e: &Expr| matches!(e, Expr::StringLiteral(s) if s.value.to_str() == "__main__");
    cmp.comparators.len() == 1
        && ((is_name(&cmp.left) && is_main(&cmp.comparators[0]))
            || (is_main(&cmp.left) && is_name(&cmp.comparators[0])))
}

/// What an expression used as a callee (or a callback) refers to in the
/// project, if anything. `buf` is scratch space. `may_be_qualified`: false
/// when `qualified_name` is already known to fail for `expr` (it is then
/// not tried again).
pub fn callee_of<'b>(
    resolver: &Resolver<'_, '_>,
    project: &ProjectContext,
    scope: ScopeId,
    expr: &'b Expr,
    method_class: Option<ClassIndex>,
    buf: &'b mut String,
    may_be_qualified: bool,
) -> Option<CalleeDraft<'b>> {
    match expr {
        Expr::Name(name) => {
            let id = name.id.as_str();
            let (bound_in, binding) = resolver.model.lookup_with_scope(scope, id)?;
            if let Some(_target) = binding.as_import() {
                return (may_be_qualified
                    && resolver.qualified_name(scope, expr, buf)
                    && project.is_project_name(buf))
                .then_some(CalleeDraft::Qualified(buf.as_str()));
            }
            let module_def = bound_in == ScopeId::MODULE
                && (binding.is_function || binding.is_class)
                && binding.other_sites == 1;
            module_def.then_some(CalleeDraft::Local(id))
        }
        Expr::Attribute(attr) => {
            // super().m()
            if let Expr::Call(inner) = &*attr.value
                && matches!(&*inner.func, Expr::Name(n) if n.id.as_str() == "super")
                && inner.arguments.args.is_empty()
            {
                return method_class.map(|class| CalleeDraft::SuperMethod {
                    class,
                    name: attr.attr.as_str(),
                });
            }
            // self.m() / cls.m()
            if let Expr::Name(base) = &*attr.value
                && let Some(class) = method_class
                && is_self_name(resolver, scope, base.id.as_str())
            {
                return Some(CalleeDraft::SelfMethod {
                    class,
                    name: attr.attr.as_str(),
                });
            }
            (may_be_qualified
                && resolver.qualified_name(scope, expr, buf)
                && project.is_project_name(buf))
            .then_some(CalleeDraft::Qualified(buf.as_str()))
        }
        _ => None,
    }
}

/// `name` is the `self`/`cls` parameter of the method enclosing `scope`
/// (directly, or through lambdas and nested functions that do not rebind it).
fn is_self_name(resolver: &Resolver<'_, '_>, scope: ScopeId, name: &str) -> bool {
    let mut current = Some(scope);
    while let Some(id) = current {
        let s = resolver.model.scope(id);
        if s.self_name == Some(name) {
            return true;
        }
        if s.bindings.contains_key(name) || s.kind == ScopeKind::Class {
            return false;
        }
        current = s.parent;
    }
    false
}

/// The function handed over by `functools.partial(f, ...)`, or `expr` itself.
pub fn unwrap_partial<'e>(
    resolver: &Resolver<'_, '_>,
    scope: ScopeId,
    expr: &'e Expr,
    buf: &mut String,
) -> &'e Expr {
    if let Expr::Call(call) = expr
        && resolver.qualified_name(scope, &call.func, buf)
        && buf == "functools.partial"
        && let Some(first) = call.arguments.args.first()
    {
        return first;
    }
    expr
}

/// Offsets of a call for matching a pending usage.
pub fn call_start(call: &ast::ExprCall) -> TextSize {
    call.range().start()
}
