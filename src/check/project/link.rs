//! Linking module summaries into a project: resolve call targets across
//! modules (imports, `__init__` re-exports, methods through project base
//! classes, class instantiation), then run the project-wide rules on the
//! resulting call graph. Everything here is linear in the size of the
//! summaries (plus the fixpoints, each a worklist over call edges).

mod blocking;

use std::collections::VecDeque;

use ruff_text_size::TextRange;
use rustc_hash::FxHashMap;

use super::{
    CallSite, Callee, CalleeDraft, ClassIndex, Export, FunctionSummary, ModuleSummary, Usage,
};
use crate::check::rules::{
    ad101_run_in_running_loop::RUN_IN_RUNNING_LOOP,
    ad103_loop_api_from_thread::LOOP_API_FROM_THREAD,
    ad104_signal_handler_off_main_thread::SIGNAL_HANDLER_OFF_MAIN_THREAD,
    ad201_unawaited_coroutine::{LIBRARY_COROUTINES, UNAWAITED_COROUTINE},
    ad202_await_non_awaitable::AWAIT_NON_AWAITABLE,
    ad203_coroutine_reused::COROUTINE_REUSED,
    ad204_async_for_over_sync_iterable::ASYNC_FOR_OVER_SYNC_ITERABLE,
    ad205_context_manager_mismatch::CONTEXT_MANAGER_MISMATCH,
};
use crate::diagnostics::Diagnostic;
use crate::registry::RuleSet;

/// A finding from project-wide analysis, still in byte ranges.
pub struct ProjectFinding {
    pub module: usize,
    pub diagnostic: Diagnostic,
    /// Related places: (module, range, message).
    pub related: Vec<(usize, TextRange, String)>,
}

/// A function anywhere in the project: (module, index in its summary).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct FnRef {
    module: u32,
    index: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Function(FnRef),
    Class { module: u32, class: ClassIndex },
}

/// Rows of items in one allocation (compressed sparse rows): the call graph's
/// adjacency lists and per-function call targets. One `Vec` per function
/// would be ~60k small allocations on a large project.
struct Rows<T> {
    /// Row `r` is `items[start[r]..start[r + 1]]`.
    start: Vec<u32>,
    items: Vec<T>,
}

impl<T: Copy> Rows<T> {
    /// Groups `(row, item)` pairs by row, keeping their order within a row.
    fn from_pairs(rows: usize, pairs: &[(u32, T)]) -> Self {
        let mut start = vec![0u32; rows + 1];
        for &(r, _) in pairs {
            start[r as usize + 1] += 1;
        }
        for r in 0..rows {
            start[r + 1] += start[r];
        }
        let mut fill = start.clone();
        // Every slot is written below; the first item only fills them first.
        let mut items: Vec<T> = match pairs.first() {
            Some(&(_, first)) => vec![first; pairs.len()],
            None => Vec::new(),
        };
        for &(r, item) in pairs {
            let at = &mut fill[r as usize];
            items[*at as usize] = item;
            *at += 1;
        }
        Rows { start, items }
    }

    /// [`Rows::from_pairs`] for pairs that `pairs` produces twice, the same
    /// each time (once to count them, once to place them), so that they are
    /// never all held at once besides the rows.
    fn from_pair_fn(rows: usize, pairs: impl Fn(&mut dyn FnMut(u32, T))) -> Self {
        let mut start = vec![0u32; rows + 1];
        let mut first = None;
        pairs(&mut |r, item| {
            start[r as usize + 1] += 1;
            first.get_or_insert(item);
        });
        for r in 0..rows {
            start[r + 1] += start[r];
        }
        // Every slot is written below; the first item only fills them first.
        let mut items: Vec<T> = match first {
            Some(first) => vec![first; start[rows] as usize],
            None => Vec::new(),
        };
        let mut fill = start.clone();
        pairs(&mut |r, item| {
            let at = &mut fill[r as usize];
            items[*at as usize] = item;
            *at += 1;
        });
        Rows { start, items }
    }

    /// Rows given one after another.
    fn from_lengths(lengths: impl Iterator<Item = usize>, items: Vec<T>) -> Self {
        let mut start = Vec::with_capacity(lengths.size_hint().0 + 1);
        start.push(0);
        let mut at = 0u32;
        for len in lengths {
            at += len as u32;
            start.push(at);
        }
        debug_assert_eq!(at as usize, items.len());
        Rows { start, items }
    }

    fn len(&self) -> usize {
        self.start.len() - 1
    }
}

impl<T> std::ops::Index<usize> for Rows<T> {
    type Output = [T];
    fn index(&self, row: usize) -> &[T] {
        &self.items[self.start[row] as usize..self.start[row + 1] as usize]
    }
}

/// A class's linearised project bases, and whether some base is unknown.
struct Mro<'p> {
    order: std::borrow::Cow<'p, [(u32, ClassIndex)]>,
    unknown_base: bool,
}

/// All classes' MROs, indexed by global class number.
struct MroTable {
    orders: Rows<(u32, ClassIndex)>,
    unknown_base: Vec<bool>,
}

/// Longest chain of re-exports followed before giving up (cycles stop here).
const MAX_REEXPORT_DEPTH: u8 = 12;

struct Project<'s> {
    modules: &'s [ModuleSummary],
    by_name: FxHashMap<&'s str, u32>,
    /// Global function number of each module's function 0.
    offsets: Vec<usize>,
    /// Global class number of each module's class 0.
    class_offsets: Vec<usize>,
    /// Every class's method resolution order, once computed.
    mros: Option<MroTable>,
    /// The `__init__` each class runs (by global class number), once
    /// computed: every instantiation looks it up, often many times.
    inits: Vec<Option<FnRef>>,
}

impl<'s> Project<'s> {
    fn new(modules: &'s [ModuleSummary]) -> Self {
        let mut by_name = FxHashMap::default();
        let mut offsets = Vec::with_capacity(modules.len());
        let mut class_offsets = Vec::with_capacity(modules.len());
        let (mut total, mut classes) = (0, 0);
        for (i, m) in modules.iter().enumerate() {
            for name in m.module_name.iter().chain(&m.namespace_name) {
                // Two files claiming one module name: the first (in path order) wins.
                by_name.entry(&**name).or_insert(i as u32);
            }
            offsets.push(total);
            total += m.functions.len();
            class_offsets.push(classes);
            classes += m.classes.len();
        }
        let mut project = Project {
            modules,
            by_name,
            offsets,
            class_offsets,
            mros: None,
            inits: Vec::new(),
        };
        project.compute_mros();
        project.inits = project.compute_inits();
        project
    }

    fn function(&self, f: FnRef) -> &'s FunctionSummary {
        &self.modules[f.module as usize].functions[f.index as usize]
    }

    fn global(&self, f: FnRef) -> usize {
        self.offsets[f.module as usize] + f.index as usize
    }

    fn total_functions(&self) -> usize {
        self.offsets.last().map_or(0, |o| {
            o + self.modules.last().map_or(0, |m| m.functions.len())
        })
    }

    /// `app.db.fetch` → the function, class or nothing.
    fn resolve_qualified(&self, name: &str, depth: u8) -> Option<Target> {
        if depth > MAX_REEXPORT_DEPTH {
            return None;
        }
        // Longest module prefix first.
        let mut end = name.len();
        loop {
            let prefix = &name[..end];
            if let Some(&m) = self.by_name.get(prefix) {
                let rest = name.get(end + 1..).unwrap_or("");
                return if rest.is_empty() {
                    None
                } else {
                    self.resolve_in_module(m, rest, depth)
                };
            }
            end = prefix.rfind('.')?;
        }
    }

    fn resolve_in_module(&self, module: u32, path: &str, depth: u8) -> Option<Target> {
        let (first, rest) = match path.split_once('.') {
            Some((a, b)) => (a, Some(b)),
            None => (path, None),
        };
        let summary = &self.modules[module as usize];
        match summary.export(first) {
            Some(Export::Function(index)) => rest.is_none().then_some(Target::Function(FnRef {
                module,
                index: *index,
            })),
            Some(Export::Class(class)) => match rest {
                None => Some(Target::Class {
                    module,
                    class: *class,
                }),
                Some(method) if !method.contains('.') => self
                    .method(module, *class, method, false)
                    .map(Target::Function),
                Some(_) => None,
            },
            Some(Export::Import(target)) => {
                let target = summary.str(*target);
                let full = match rest {
                    Some(r) => format!("{target}.{r}"),
                    None => target.to_string(),
                };
                self.resolve_qualified(&full, depth + 1)
            }
            None => {
                // A submodule: `pkg.sub.func` written as an attribute path.
                let name = summary.module_name.as_deref()?;
                let sub = format!("{name}.{first}");
                let &m = self.by_name.get(sub.as_str())?;
                rest.and_then(|r| self.resolve_in_module(m, r, depth + 1))
            }
        }
    }

    fn resolve_callee(&self, module: u32, callee: &Callee) -> Option<Target> {
        match self.modules[module as usize].draft(callee) {
            CalleeDraft::Qualified(q) => self.resolve_qualified(q, 0),
            CalleeDraft::Local(name) => self.resolve_in_module(module, name, 0),
            CalleeDraft::SelfMethod { class, name } => self
                .method(module, class, name, false)
                .map(Target::Function),
            CalleeDraft::SuperMethod { class, name } => {
                self.method(module, class, name, true).map(Target::Function)
            }
        }
    }

    /// Depth-first, left-to-right linearisation of project base classes, and
    /// whether some base is outside the project (unknown methods). Read from
    /// the table once [`Project::compute_mros`] has filled it.
    fn mro(&self, module: u32, class: ClassIndex) -> Mro<'_> {
        match &self.mros {
            Some(table) => {
                let g = self.class_offsets[module as usize] + class as usize;
                Mro {
                    order: std::borrow::Cow::Borrowed(&table.orders[g]),
                    unknown_base: table.unknown_base[g],
                }
            }
            None => self.linearise(module, class),
        }
    }

    fn linearise(&self, module: u32, class: ClassIndex) -> Mro<'static> {
        let mut order = Vec::new();
        let mut unknown_base = false;
        let mut stack = vec![(module, class)];
        while let Some((m, c)) = stack.pop() {
            if order.contains(&(m, c)) || order.len() > 64 {
                continue;
            }
            order.push((m, c));
            let class = &self.modules[m as usize].classes[c as usize];
            unknown_base |= class.external_base;
            let bases = &class.bases;
            let first_base = stack.len();
            for base in bases {
                match self.resolve_callee(m, base) {
                    Some(Target::Class { module, class }) => stack.push((module, class)),
                    _ => unknown_base = true,
                }
            }
            // Leftmost base on top of the stack: visited first.
            stack[first_base..].reverse();
        }
        Mro {
            order: std::borrow::Cow::Owned(order),
            unknown_base,
        }
    }

    /// Every class's MRO, once, in parallel (method lookups then take no lock
    /// and copy nothing). Each class's bases are resolved once; the
    /// linearisation then follows resolved bases only.
    fn compute_mros(&mut self) {
        use rayon::prelude::*;
        let classes: Vec<(u32, ClassIndex)> = (0..self.modules.len() as u32)
            .flat_map(|m| {
                (0..self.modules[m as usize].classes.len() as ClassIndex).map(move |c| (m, c))
            })
            .collect();
        // Parallel loops in linking take small batches: rayon otherwise
        // stops splitting early, and one worker is left finishing a long
        // run alone.
        let direct: Vec<(Vec<u32>, bool)> = classes
            .par_iter()
            .with_max_len(256)
            .map(|&(m, c)| {
                let class = &self.modules[m as usize].classes[c as usize];
                let mut unknown = class.external_base;
                let mut bases = Vec::new();
                for base in &class.bases {
                    match self.resolve_callee(m, base) {
                        Some(Target::Class { module, class }) => bases
                            .push((self.class_offsets[module as usize] + class as usize) as u32),
                        _ => unknown = true,
                    }
                }
                (bases, unknown)
            })
            .collect();
        let mros: Vec<(Vec<(u32, ClassIndex)>, bool)> = (0..classes.len())
            .into_par_iter()
            .with_max_len(256)
            .map(|g| {
                let mut order: Vec<u32> = Vec::new();
                let mut unknown_base = false;
                let mut stack = vec![g as u32];
                while let Some(k) = stack.pop() {
                    if order.contains(&k) || order.len() > 64 {
                        continue;
                    }
                    order.push(k);
                    let (bases, unknown) = &direct[k as usize];
                    unknown_base |= unknown;
                    // Leftmost base on top of the stack: visited first.
                    stack.extend(bases.iter().rev());
                }
                (
                    order.into_iter().map(|k| classes[k as usize]).collect(),
                    unknown_base,
                )
            })
            .collect();
        let unknown_base = mros.iter().map(|m| m.1).collect();
        let lengths: Vec<usize> = mros.iter().map(|m| m.0.len()).collect();
        let items = mros.into_iter().flat_map(|m| m.0).collect();
        self.mros = Some(MroTable {
            orders: Rows::from_lengths(lengths.into_iter(), items),
            unknown_base,
        });
    }

    fn compute_inits(&self) -> Vec<Option<FnRef>> {
        use rayon::prelude::*;
        (0..self.modules.len() as u32)
            .into_par_iter()
            .with_max_len(64)
            .flat_map_iter(|m| {
                (0..self.modules[m as usize].classes.len() as ClassIndex)
                    .map(move |c| self.method(m, c, "__init__", false))
            })
            .collect()
    }

    fn method(&self, module: u32, class: ClassIndex, name: &str, skip_self: bool) -> Option<FnRef> {
        let mro = self.mro(module, class);
        mro.order
            .iter()
            .skip(usize::from(skip_self))
            .find_map(|&(m, c)| {
                self.modules[m as usize]
                    .method(c, name)
                    .map(|index| FnRef { module: m, index })
            })
    }

    /// The function a call runs: the function itself, or a class's `__init__`.
    fn called_function(&self, target: Target) -> Option<FnRef> {
        match target {
            Target::Function(f) => Some(f),
            Target::Class { module, class } => {
                self.inits[self.class_offsets[module as usize] + class as usize]
            }
        }
    }
}

impl Project<'_> {
    fn calls(&self, f: FnRef) -> &[CallSite] {
        let module = &self.modules[f.module as usize];
        module.calls_of(&module.functions[f.index as usize])
    }

    fn qualname(&self, f: FnRef) -> &str {
        let module = &self.modules[f.module as usize];
        module.str(module.functions[f.index as usize].qualname)
    }

    /// `Class.method()` for messages.
    fn display(&self, f: FnRef) -> String {
        format!("{}()", self.qualname(f))
    }

    fn class_name(&self, module: u32, class: ClassIndex) -> &str {
        let m = &self.modules[module as usize];
        m.str(m.classes[class as usize].name)
    }
}

/// Everything project-wide. `rules[i]` are the rules enabled for module `i`;
/// `suppressed(i, range, code)` tells whether a noqa comment covers a place.
pub fn link(
    modules: &[ModuleSummary],
    rules: &[RuleSet],
    suppressed: &dyn Fn(usize, TextRange, &str) -> bool,
) -> Vec<ProjectFinding> {
    let project = Project::new(modules);
    let total = project.total_functions();
    let mut findings = Vec::new();

    // Resolve every call site once.
    // Resolving call sites is independent per module: in parallel.
    use rayon::prelude::*;
    // A dotted name resolves the same from every module: each worker keeps
    // what it has resolved (many modules call the same helpers).
    let per_module: Vec<Vec<Option<Target>>> = modules
        .par_iter()
        .enumerate()
        .map_init(
            FxHashMap::<&str, Option<Target>>::default,
            |known, (m, module)| {
                module
                    .functions
                    .iter()
                    .flat_map(|f| module.calls_of(f))
                    .map(|c| match c.callee {
                        Callee::Qualified(q) => {
                            let name = module.str(q);
                            *known
                                .entry(name)
                                .or_insert_with(|| project.resolve_qualified(name, 0))
                        }
                        _ => project.resolve_callee(m as u32, &c.callee),
                    })
                    .collect()
            },
        )
        .collect();
    // Row g: the targets of function g's call sites, in order.
    let resolved = Rows::from_lengths(
        modules
            .iter()
            .flat_map(|m| &m.functions)
            .map(|f| f.calls.len()),
        per_module.into_iter().flatten().collect(),
    );
    let mut refs: Vec<FnRef> = Vec::with_capacity(total);
    for (m, module) in modules.iter().enumerate() {
        for i in 0..module.functions.len() {
            refs.push(FnRef {
                module: m as u32,
                index: i as u32,
            });
        }
    }

    // Callers of each function (call edges), functions that escape as
    // values, and thread entry points: per module in parallel, then merged
    // in module order (so the edge order, and the output, stay the same).
    /// Per module: (callee, caller) edges, thread entry points, escaping functions.
    type ModuleEdges = (Vec<(u32, u32)>, Vec<usize>, Vec<usize>);
    let per_module: Vec<ModuleEdges> = modules
        .par_iter()
        .with_max_len(64)
        .enumerate()
        .map(|(m, module)| {
            let (mut edges, mut entries, mut escaping) = (Vec::new(), Vec::new(), Vec::new());
            let first = project.offsets[m];
            for (i, f) in module.functions.iter().enumerate() {
                let g = first + i;
                for target in resolved[g].iter().flatten() {
                    if let Some(callee) = project.called_function(*target) {
                        edges.push((project.global(callee) as u32, g as u32));
                    }
                }
                for r in &f.extra().thread_entries {
                    if let Some(Target::Function(callee)) = project.resolve_callee(m as u32, r) {
                        entries.push(project.global(callee));
                    }
                }
            }
            for r in &module.references {
                if let Some(Target::Function(callee)) = project.resolve_callee(m as u32, r) {
                    escaping.push(project.global(callee));
                }
            }
            (edges, entries, escaping)
        })
        .collect();
    let mut call_edges: Vec<(u32, u32)> = Vec::new();
    let mut escapes = vec![false; total];
    let mut thread_entry = vec![false; total];
    for (edges, entries, escaping) in per_module {
        call_edges.extend(edges);
        for g in entries {
            thread_entry[g] = true;
        }
        for g in escaping {
            escapes[g] = true;
        }
    }
    let callers = Rows::from_pairs(total, &call_edges);
    drop(call_edges);
    // `run()` of `threading.Thread` subclasses runs in the new thread.
    for (m, module) in modules.iter().enumerate() {
        for class in module.classes.iter().filter(|c| c.is_thread) {
            if let Some((_, index)) = class.methods.iter().find(|(n, _)| module.str(*n) == "run") {
                thread_entry[project.global(FnRef {
                    module: m as u32,
                    index: *index,
                })] = true;
            }
        }
    }

    blocking::blocking_via_helper(&project, &refs, &resolved, suppressed, rules, &mut findings);
    // Two independent analyses side by side, after AD508's search has given
    // its memory back (running that one alongside raised peak memory).
    let (mut coroutines, mut loops) = rayon::join(
        || {
            let mut found = Vec::new();
            coroutine_usage(&project, &refs, &resolved, rules, &mut found);
            found
        },
        || {
            let mut found = Vec::new();
            run_in_running_loop(
                &project,
                &refs,
                &callers,
                &escapes,
                &thread_entry,
                rules,
                &mut found,
            );
            loop_api_from_thread(&project, &refs, &callers, &thread_entry, rules, &mut found);
            found
        },
    );
    findings.append(&mut coroutines);
    findings.append(&mut loops);
    findings
}

/// AD201, AD202, AD204, AD205: what a call's value is, judged by the callee.
fn coroutine_usage(
    project: &Project<'_>,
    refs: &[FnRef],
    resolved: &Rows<Option<Target>>,
    rules: &[RuleSet],
    findings: &mut Vec<ProjectFinding>,
) {
    for (g, f_ref) in refs.iter().enumerate() {
        let caller = project.function(*f_ref);
        let module = f_ref.module as usize;
        let summary = &project.modules[module];
        let rules = rules[module];
        for (site, target) in project.calls(*f_ref).iter().zip(&resolved[g]) {
            let callee = target.and_then(|t| match t {
                Target::Function(f) => Some(f),
                Target::Class { .. } => None,
            });
            let callee_fn = callee.map(|c| project.function(c));
            match site.usage {
                Usage::Discarded | Usage::AssignedUnread
                    if rules.contains(&UNAWAITED_COROUTINE) =>
                {
                    let library = match site.callee {
                        Callee::Qualified(q) if LIBRARY_COROUTINES.contains(&summary.str(q)) => {
                            Some(summary.str(q).to_string())
                        }
                        _ => None,
                    };
                    let project_coroutine = callee_fn
                        .is_some_and(|c| c.is_async && !c.is_generator && !c.unknown_decorator)
                        && callee.is_some_and(|c| {
                            !overridden_differently(project, c, f_ref.module, &site.callee)
                        });
                    if library.is_none() && !project_coroutine {
                        continue;
                    }
                    let name = match (library, callee) {
                        (Some(l), _) => l,
                        (None, Some(c)) => project.qualname(c).to_string(),
                        (None, None) => continue,
                    };
                    let how = if site.usage == Usage::Discarded {
                        "discarded"
                    } else {
                        "assigned to a variable that is never read"
                    };
                    let mut diagnostic = Diagnostic::new(
                        &UNAWAITED_COROUTINE,
                        format!("The coroutine from `{name}()` is {how}, so it never runs"),
                        site.range,
                    );
                    if !caller.is_async {
                        diagnostic = diagnostic.with_help(
                            "In sync code, run it with `asyncio.run(...)` at the top level, schedule it with `loop.create_task(...)`, or use `asyncio.run_coroutine_threadsafe(coro, loop)` from another thread",
                        );
                    }
                    let related = callee
                        .filter(|_| project_coroutine)
                        .map(|c| {
                            let def = project.function(c);
                            vec![(
                                c.module as usize,
                                def.name_range,
                                format!("`{}` is an `async def`", project.qualname(c)),
                            )]
                        })
                        .unwrap_or_default();
                    findings.push(ProjectFinding {
                        module,
                        diagnostic,
                        related,
                    });
                }
                Usage::Awaited if rules.contains(&AWAIT_NON_AWAITABLE) => {
                    let Some((c, def)) = callee.zip(callee_fn) else {
                        continue;
                    };
                    let plain = !def.is_async
                        && !def.is_generator
                        && !def.unknown_decorator
                        && !def.returns_value
                        && !def.is_stub
                        && !overridden_differently(project, c, f_ref.module, &site.callee);
                    if plain {
                        findings.push(ProjectFinding {
                            module,
                            diagnostic: Diagnostic::new(
                                &AWAIT_NON_AWAITABLE,
                                format!(
                                    "`{}` is not awaitable: it is a plain `def` that returns `None`",
                                    project.display(c)
                                ),
                                site.range,
                            ),
                            related: vec![(
                                c.module as usize,
                                def.name_range,
                                format!("`{}` is a plain `def`", project.qualname(c)),
                            )],
                        });
                    }
                }
                Usage::Iterated { is_async } if rules.contains(&ASYNC_FOR_OVER_SYNC_ITERABLE) => {
                    let Some((c, def)) = callee.zip(callee_fn) else {
                        continue;
                    };
                    if !def.is_generator || def.unknown_decorator {
                        continue;
                    }
                    let message = if is_async && !def.is_async {
                        format!(
                            "`async for` over `{}`, a sync generator",
                            project.display(c)
                        )
                    } else if !is_async && def.is_async {
                        format!(
                            "`for` over `{}`, an async generator: use `async for`",
                            project.display(c)
                        )
                    } else {
                        continue;
                    };
                    findings.push(ProjectFinding {
                        module,
                        diagnostic: Diagnostic::new(
                            &ASYNC_FOR_OVER_SYNC_ITERABLE,
                            message,
                            site.range,
                        ),
                        related: vec![(
                            c.module as usize,
                            def.name_range,
                            "defined here".to_string(),
                        )],
                    });
                }
                Usage::Entered { is_async } if rules.contains(&CONTEXT_MANAGER_MISMATCH) => {
                    let Some(Target::Class { module: cm, class }) = *target else {
                        continue;
                    };
                    let mro = project.mro(cm, class);
                    let (order, unknown_base) = (&mro.order, mro.unknown_base);
                    if unknown_base {
                        continue;
                    }
                    let has = |name: &str| {
                        order
                            .iter()
                            .any(|(m, c)| project.modules[*m as usize].method(*c, name).is_some())
                    };
                    let (enter, aenter) = (has("__enter__"), has("__aenter__"));
                    let class_name = project.class_name(cm, class);
                    let message = if is_async && enter && !aenter {
                        format!(
                            "`async with` on `{class_name}`, which has `__enter__` but no `__aenter__`"
                        )
                    } else if !is_async && aenter && !enter {
                        format!(
                            "`with` on `{class_name}`, which has `__aenter__` but no `__enter__`"
                        )
                    } else {
                        continue;
                    };
                    let name_range =
                        project.modules[cm as usize].classes[class as usize].name_range;
                    findings.push(ProjectFinding {
                        module,
                        diagnostic: Diagnostic::new(&CONTEXT_MANAGER_MISMATCH, message, site.range),
                        related: vec![(
                            cm as usize,
                            name_range,
                            format!("`{class_name}` is defined here"),
                        )],
                    });
                }
                _ => {}
            }
        }
        // AD203: a stored coroutine awaited twice.
        if rules.contains(&COROUTINE_REUSED) {
            let calls = project.calls(*f_ref);
            for (call, second) in &caller.extra().reused {
                let Some(site) = calls.get(*call as usize) else {
                    continue;
                };
                let library = match site.callee {
                    Callee::Qualified(q) if LIBRARY_COROUTINES.contains(&summary.str(q)) => {
                        Some(summary.str(q).to_string())
                    }
                    _ => None,
                };
                let target = resolved[g].get(*call as usize).copied().flatten();
                let coroutine_fn = match target {
                    Some(Target::Function(c)) => {
                        let def = project.function(c);
                        (def.is_async && !def.is_generator && !def.unknown_decorator)
                            .then(|| project.qualname(c).to_string())
                    }
                    _ => None,
                };
                let Some(name) = library.or(coroutine_fn) else {
                    continue;
                };
                findings.push(ProjectFinding {
                    module,
                    diagnostic: Diagnostic::new(
                        &COROUTINE_REUSED,
                        format!("The coroutine from `{name}()` is awaited a second time: a coroutine runs only once"),
                        *second,
                    ),
                    related: vec![(module, site.range, "the coroutine is created here".to_string())],
                });
            }
        }
        // `await self.close` (a coroutine function, not called).
        if rules.contains(&AWAIT_NON_AWAITABLE) {
            for (callee, range) in &caller.extra().awaited_references {
                let Some(Target::Function(c)) = project.resolve_callee(f_ref.module, callee) else {
                    continue;
                };
                let def = project.function(c);
                if def.is_async && !def.is_generator && !def.unknown_decorator {
                    let qualname = project.qualname(c);
                    let name = qualname.rsplit('.').next().unwrap_or(qualname);
                    findings.push(ProjectFinding {
                        module,
                        diagnostic: Diagnostic::new(
                            &AWAIT_NON_AWAITABLE,
                            format!("`{qualname}` is awaited without being called"),
                            *range,
                        )
                        .with_help(format!("Call it: `await ...{name}(...)`")),
                        related: vec![(
                            c.module as usize,
                            def.name_range,
                            format!("`{qualname}` is an `async def`"),
                        )],
                    });
                }
            }
        }
    }
}

/// For `self.m()`: whether a project subclass overrides `m` with different
/// async-ness (then the call's value depends on the instance).
fn overridden_differently(
    project: &Project<'_>,
    callee: FnRef,
    caller_module: u32,
    how: &Callee,
) -> bool {
    let Callee::SelfMethod { name, .. } = *how else {
        return false;
    };
    let name = project.modules[caller_module as usize].str(name);
    let is_async = project.function(callee).is_async;
    let owner = project.function(callee).class;
    for (m, module) in project.modules.iter().enumerate() {
        for c in 0..module.classes.len() {
            let Some(index) = module.method(c as ClassIndex, name) else {
                continue;
            };
            if module.functions[index as usize].is_async == is_async {
                continue;
            }
            // Does this class derive from the callee's class?
            let mro = project.mro(m as u32, c as ClassIndex);
            let order = &mro.order;
            if owner.is_some_and(|owner| order.contains(&(callee.module, owner))) {
                return true;
            }
        }
    }
    false
}

/// Greatest fixpoint: `holds(g)` for a sync function with callers when every
/// caller is `base(caller)` or itself `holds`. `seed(g)` forces true.
fn only_reachable_from(
    project: &Project<'_>,
    refs: &[FnRef],
    callers: &Rows<u32>,
    excluded: &dyn Fn(usize) -> bool,
    base: &dyn Fn(usize) -> bool,
    seed: &dyn Fn(usize) -> bool,
) -> Vec<bool> {
    let total = refs.len();
    let mut holds: Vec<bool> = (0..total)
        .map(|g| {
            let f = project.function(refs[g]);
            seed(g) || (!f.is_async && refs[g].index != 0 && !excluded(g) && !callers[g].is_empty())
        })
        .collect();
    // callees[c] for propagation of "no longer holds".
    let mut edges: Vec<(u32, u32)> = Vec::new();
    for g in 0..callers.len() {
        for &c in &callers[g] {
            edges.push((c, g as u32));
        }
    }
    let callees = Rows::from_pairs(total, &edges);
    drop(edges);
    let mut queue: VecDeque<usize> = (0..total).filter(|g| !holds[*g]).collect();
    while let Some(c) = queue.pop_front() {
        if base(c) {
            continue;
        }
        for &g in &callees[c] {
            let g = g as usize;
            if holds[g] && !seed(g) {
                holds[g] = false;
                queue.push_back(g);
            }
        }
    }
    holds
}

/// AD101 for sync functions only reachable from async code.
fn run_in_running_loop(
    project: &Project<'_>,
    refs: &[FnRef],
    callers: &Rows<u32>,
    escapes: &[bool],
    thread_entry: &[bool],
    rules: &[RuleSet],
    findings: &mut Vec<ProjectFinding>,
) {
    if !refs
        .iter()
        .any(|r| !project.function(*r).extra().loop_starts.is_empty())
    {
        return;
    }
    let is_async = |g: usize| project.function(refs[g]).is_async;
    let excluded = |g: usize| {
        let f = project.function(refs[g]);
        escapes[g] || thread_entry[g] || f.is_entry_point || f.unknown_decorator
    };
    let only_async = only_reachable_from(project, refs, callers, &excluded, &is_async, &|_| false);
    for g in 0..refs.len() {
        let f = project.function(refs[g]);
        let module = refs[g].module as usize;
        if f.extra().loop_starts.is_empty()
            || !only_async[g]
            || !rules[module].contains(&RUN_IN_RUNNING_LOOP)
        {
            continue;
        }
        let related: Vec<(usize, TextRange, String)> = callers[g]
            .iter()
            .take(3)
            .map(|&c| {
                let c = c as usize;
                let caller = project.function(refs[c]);
                (
                    refs[c].module as usize,
                    caller.name_range,
                    format!("called from `{}`", project.display(refs[c])),
                )
            })
            .collect();
        for (range, shown) in &f.extra().loop_starts {
            findings.push(ProjectFinding {
                module,
                diagnostic: Diagnostic::new(
                    &RUN_IN_RUNNING_LOOP,
                    format!(
                        "`{shown}` starts an event loop, but `{}` is only called from async code",
                        project.display(refs[g])
                    ),
                    *range,
                ),
                related: related.clone(),
            });
        }
    }
}

/// AD103/AD104 in functions that run in another thread.
fn loop_api_from_thread(
    project: &Project<'_>,
    refs: &[FnRef],
    callers: &Rows<u32>,
    thread_entry: &[bool],
    rules: &[RuleSet],
    findings: &mut Vec<ProjectFinding>,
) {
    if !thread_entry.iter().any(|t| *t) {
        return;
    }
    let entry = |g: usize| thread_entry[g];
    let excluded = |g: usize| project.function(refs[g]).unknown_decorator;
    let in_thread = only_reachable_from(project, refs, callers, &excluded, &entry, &entry);
    for g in 0..refs.len() {
        let f = project.function(refs[g]);
        let module = refs[g].module as usize;
        // A thread that runs its own loop may use it freely.
        if !in_thread[g] || f.is_async || !f.extra().loop_starts.is_empty() {
            continue;
        }
        for (range, shown, is_signal) in &f.extra().thread_unsafe_calls {
            let (rule, message) = if *is_signal {
                (
                    &SIGNAL_HANDLER_OFF_MAIN_THREAD,
                    format!(
                        "`signal.signal()` in `{}`, which runs in another thread",
                        project.display(refs[g])
                    ),
                )
            } else {
                (
                    &LOOP_API_FROM_THREAD,
                    format!(
                        "`{shown}` is not thread-safe, but `{}` runs in another thread",
                        project.display(refs[g])
                    ),
                )
            };
            if rules[module].contains(rule) {
                findings.push(ProjectFinding {
                    module,
                    diagnostic: Diagnostic::new(rule, message, *range),
                    related: Vec::new(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{RunContext, check_module};
    use crate::config::{Overrides, Settings};

    #[test]
    fn rows_from_a_pair_function_equal_rows_from_pairs() {
        let pairs: Vec<(u32, (u32, u32))> = vec![
            (3, (1, 0)),
            (0, (2, 1)),
            (3, (0, 2)),
            (1, (5, 5)),
            (3, (9, 9)),
            (0, (7, 0)),
        ];
        let by_slice = Rows::from_pairs(5, &pairs);
        let by_fn = Rows::from_pair_fn(5, |emit| {
            for &(r, item) in &pairs {
                emit(r, item);
            }
        });
        for r in 0..5 {
            assert_eq!(by_slice[r], by_fn[r], "row {r}");
        }
        assert_eq!(&by_fn[3], &[(1, 0), (0, 2), (9, 9)]);
        assert!(by_fn[2].is_empty() && by_fn[4].is_empty());
        let empty = Rows::<(u32, u32)>::from_pair_fn(3, |_| {});
        assert!((0..3).all(|r| empty[r].is_empty()));
    }

    fn summaries(files: &[(&str, &str)]) -> Vec<ModuleSummary> {
        let settings =
            Settings::resolve(None, &Overrides::default(), std::path::Path::new(".")).unwrap();
        let mut run = RunContext::new(&settings);
        run.project.top_level.insert("app".into());
        files
            .iter()
            .map(|(name, source)| {
                check_module(source, Some(name), false, RuleSet::defaults(), &run)
                    .summary
                    .expect("parses")
            })
            .collect()
    }

    fn mro_names(project: &Project<'_>, module: u32, class: &str) -> (Vec<String>, bool) {
        let m = &project.modules[module as usize];
        let c = m
            .classes
            .iter()
            .position(|k| m.str(k.name) == class)
            .expect("class exists") as ClassIndex;
        let mro = project.mro(module, c);
        let names = mro
            .order
            .iter()
            .map(|&(m, c)| project.class_name(m, c).to_string())
            .collect();
        (names, mro.unknown_base)
    }

    #[test]
    fn mro_is_depth_first_left_to_right_across_modules() {
        let modules = summaries(&[
            (
                "app.base",
                "class Root:\n    pass\nclass Left(Root):\n    pass\nclass Right(Root):\n    pass\n",
            ),
            (
                "app.leaf",
                "import threading\nfrom app.base import Left, Right\n\
                 class Leaf(Left, Right):\n    pass\n\
                 class Mixed(Right, threading.Thread):\n    pass\n\
                 class Cycle(Cycle2):\n    pass\nclass Cycle2(Cycle):\n    pass\n",
            ),
        ]);
        let project = Project::new(&modules);
        // Each class once, bases in declaration order, depth first.
        assert_eq!(
            mro_names(&project, 1, "Leaf"),
            (
                vec!["Leaf".into(), "Left".into(), "Root".into(), "Right".into()],
                false
            )
        );
        // A base outside the project: methods may come from it.
        assert_eq!(
            mro_names(&project, 1, "Mixed"),
            (vec!["Mixed".into(), "Right".into(), "Root".into()], true)
        );
        // A cycle ends.
        assert_eq!(
            mro_names(&project, 1, "Cycle").0,
            vec!["Cycle".to_string(), "Cycle2".into()]
        );
        // Lookups follow that order: the table agrees with linearising afresh.
        for (m, module) in modules.iter().enumerate() {
            for c in 0..module.classes.len() as ClassIndex {
                let table = project.mro(m as u32, c);
                let fresh = project.linearise(m as u32, c);
                assert_eq!(table.order, fresh.order);
                assert_eq!(table.unknown_base, fresh.unknown_base);
            }
        }
    }
}
