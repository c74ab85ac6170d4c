//! AD508: shortest chains from async call sites to direct blocking calls.
//!
//! A breadth-first search back from the blocking calls gives every sync
//! function its shortest chain, whatever its arguments. A search forward
//! from each async call site then skips blocking calls and calls that sit
//! under a parameter test the known arguments fail (see `guards`): literals,
//! `io.BytesIO(...)`, defaults of omitted parameters, and parameters passed
//! on unchanged, at any depth. Where the search gives up (depth, budget,
//! a cycle) it takes the unpruned chain: unknown always means "not pruned".

use std::collections::VecDeque;

use ruff_text_size::TextRange;
use rustc_hash::FxHashMap;

use super::{FnRef, Project, ProjectFinding, Rows, Target};
use crate::check::project::Callee;
use crate::check::project::guards::{
    ArgFact, ArgShape, ArgValue, KEYWORD_ONLY, Known, MethodKind, keyword_bit, name_hash,
};
use crate::check::rules::ad508_blocking_via_helper::BLOCKING_VIA_HELPER;
use crate::diagnostics::Diagnostic;
use crate::registry::RuleSet;

/// `dist` of a function no blocking call is reachable from.
const UNREACHED: u32 = u32::MAX;

/// Functions one call site's search may enter with some argument known
/// (those with nothing known are searched once for all call sites).
const SEARCH_BUDGET: u32 = 256;

/// Deepest call nesting the search follows before taking the unpruned chain.
const MAX_DEPTH: usize = 48;

/// Longest chain shown.
const MAX_STEPS: usize = 64;

/// What is known of each entry of a function's `params`.
type Context = Vec<Option<Known>>;

/// One step of a chain.
#[derive(Debug, Clone, Copy)]
enum Hop {
    /// Function `g` calls `callee` at its call site `site`.
    Call {
        g: usize,
        site: usize,
        callee: usize,
    },
    /// Function `g` makes its blocking call `fact`.
    Block { g: usize, fact: usize },
}

/// The first step of the shortest chain found, and the chain's length.
#[derive(Debug, Clone, Copy)]
struct Best {
    len: u32,
    hop: Hop,
}

struct Chains<'p, 's> {
    project: &'p Project<'s>,
    refs: &'p [FnRef],
    resolved: &'p Rows<Option<Target>>,
    suppressed: &'p dyn Fn(usize, TextRange, &str) -> bool,
    /// Calls to the nearest blocking call, ignoring arguments.
    dist: Vec<u32>,
    /// (call site in g, callee) toward it.
    next: Vec<Option<(u32, u32)>>,
    /// The pruned search's result for a function entered with nothing
    /// known (only those searched: a map, not a vector per function).
    memo: FxHashMap<usize, Option<Best>>,
    /// What is left of the current call site's [`SEARCH_BUDGET`].
    budget: u32,
}

pub(super) fn blocking_via_helper(
    project: &Project<'_>,
    refs: &[FnRef],
    resolved: &Rows<Option<Target>>,
    suppressed: &dyn Fn(usize, TextRange, &str) -> bool,
    rules: &[RuleSet],
    findings: &mut Vec<ProjectFinding>,
) {
    let total = refs.len();
    let mut chains = Chains {
        project,
        refs,
        resolved,
        suppressed,
        dist: vec![UNREACHED; total],
        next: vec![None; total],
        memo: FxHashMap::default(),
        budget: 0,
    };
    let mut queue = VecDeque::new();
    for g in 0..total {
        if chains.followed(g) && chains.usable_fact(g, None).is_some() {
            chains.dist[g] = 0;
            queue.push_back(g);
        }
    }
    // Reverse edges among followed functions.
    let reverse = Rows::from_pair_fn(total, |emit| {
        for g in 0..resolved.len() {
            if !chains.followed(g) {
                continue;
            }
            for (site, target) in resolved[g].iter().enumerate() {
                let Some(callee) = target.and_then(|t| project.called_function(t)) else {
                    continue;
                };
                let c = project.global(callee);
                if chains.followed(c) {
                    emit(c as u32, (g as u32, site as u32));
                }
            }
        }
    });
    while let Some(c) = queue.pop_front() {
        for &(g, site) in &reverse[c] {
            let g = g as usize;
            if chains.dist[g] == UNREACHED {
                chains.dist[g] = chains.dist[c] + 1;
                chains.next[g] = Some((site, c as u32));
                queue.push_back(g);
            }
        }
    }
    for a in 0..total {
        let caller = project.function(refs[a]);
        let module = refs[a].module as usize;
        if !caller.is_async || !rules[module].contains(&BLOCKING_VIA_HELPER) {
            continue;
        }
        for (site_index, target) in resolved[a].iter().enumerate() {
            let Some(target) = *target else {
                continue;
            };
            let Some(callee) = project.called_function(target) else {
                continue;
            };
            let g = project.global(callee);
            if chains.dist[g] == UNREACHED {
                continue;
            }
            let context = chains.context(a, site_index, target, callee, &[]);
            // Every way to a blocking call is ruled out for this call site.
            let Some(hops) = chains.chain(g, context) else {
                continue;
            };
            let site = &project.calls(refs[a])[site_index];
            findings.push(chains.finding(module, site.range, target, g, &hops));
        }
    }
}

impl Chains<'_, '_> {
    fn followed(&self, g: usize) -> bool {
        let f = self.project.function(self.refs[g]);
        self.refs[g].index != 0 && !f.is_async && !f.is_generator && !f.unknown_decorator
    }

    /// The first blocking call of `g` not marked `# noqa` and, given what is
    /// known of its parameters, not ruled out.
    fn usable_fact(&self, g: usize, context: Option<&[Option<Known>]>) -> Option<usize> {
        let f = self.project.function(self.refs[g]);
        let module = self.refs[g].module as usize;
        f.extra().blocking.iter().position(|fact| {
            !(self.suppressed)(module, fact.range, fact.rule.code)
                && context.is_none_or(|ctx| {
                    !fact.guards.iter().any(|guard| {
                        guard.refuted_by(ctx.get(guard.param as usize).copied().flatten())
                    })
                })
        })
    }

    /// The first step of the shortest chain from `g` whatever its arguments.
    fn unpruned(&self, g: usize) -> Option<Best> {
        let len = self.dist[g].checked_add(1)?;
        let hop = match self.next[g] {
            Some((site, callee)) => Hop::Call {
                g,
                site: site as usize,
                callee: callee as usize,
            },
            None => Hop::Block {
                g,
                fact: self.usable_fact(g, None)?,
            },
        };
        Some(Best { len, hop })
    }

    /// The chain from `g` entered with `context`; `None` when every way to a
    /// blocking call is ruled out.
    fn chain(&mut self, mut g: usize, mut context: Context) -> Option<Vec<Hop>> {
        self.budget = SEARCH_BUDGET;
        let mut best = self.search(g, &context, &mut Vec::new())?;
        let mut hops = Vec::new();
        while hops.len() < MAX_STEPS {
            hops.push(best.hop);
            let Hop::Call { site, callee, .. } = best.hop else {
                break;
            };
            let target = self.resolved[g][site]?;
            let callee_ref = self.refs[callee];
            context = self.context(g, site, target, callee_ref, &context);
            g = callee;
            self.budget = SEARCH_BUDGET;
            best = match self.search(g, &context, &mut Vec::new()) {
                Some(b) => b,
                // Searched again with less budget: take the plain chain.
                None => self.unpruned(g)?,
            };
        }
        Some(hops)
    }

    /// The first step of the shortest chain from `g` that what is known of
    /// its parameters (`context`) does not rule out. `path`: the functions
    /// being searched (a cycle back into one takes its unpruned chain).
    fn search(
        &mut self,
        g: usize,
        context: &[Option<Known>],
        path: &mut Vec<usize>,
    ) -> Option<Best> {
        let nothing_known = context.iter().all(Option::is_none);
        if nothing_known && let Some(memo) = self.memo.get(&g) {
            return *memo;
        }
        if path.len() >= MAX_DEPTH || (!nothing_known && self.budget == 0) {
            return self.unpruned(g);
        }
        if !nothing_known {
            self.budget -= 1;
        }
        let best = self.search_calls(g, context, path);
        if nothing_known {
            self.memo.insert(g, best);
        }
        best
    }

    fn search_calls(
        &mut self,
        g: usize,
        context: &[Option<Known>],
        path: &mut Vec<usize>,
    ) -> Option<Best> {
        if let Some(fact) = self.usable_fact(g, Some(context)) {
            return Some(Best {
                len: 1,
                hop: Hop::Block { g, fact },
            });
        }
        let f_ref = self.refs[g];
        let project = self.project;
        let f = project.function(f_ref);
        let module = &project.modules[f_ref.module as usize];
        let mut best: Option<Best> = None;
        path.push(g);
        for (site, target) in self.resolved[g].iter().enumerate() {
            let Some(target) = *target else {
                continue;
            };
            let Some(callee) = project.called_function(target) else {
                continue;
            };
            let c = project.global(callee);
            if !self.followed(c) || self.dist[c] == UNREACHED {
                continue;
            }
            // A pruned chain is never shorter than the unpruned one.
            if best.is_some_and(|b| b.len <= self.dist[c] + 2) {
                continue;
            }
            let call = f.calls.start + site as u32;
            let ruled_out = module.call_guards_of(call).iter().any(|(_, guard)| {
                guard.refuted_by(context.get(guard.param as usize).copied().flatten())
            });
            if ruled_out {
                continue;
            }
            let callee_context = self.context(g, site, target, callee, context);
            let rest = if path.contains(&c) {
                self.unpruned(c)
            } else {
                self.search(c, &callee_context, path)
            };
            if let Some(rest) = rest
                && best.is_none_or(|b| rest.len + 1 < b.len)
            {
                best = Some(Best {
                    len: rest.len + 1,
                    hop: Hop::Call { g, site, callee: c },
                });
            }
        }
        path.pop();
        best
    }

    /// What the call site `site` of `caller` passes for each of `callee`'s
    /// `params`, given what is known of the caller's own (`caller_context`).
    fn context(
        &self,
        caller: usize,
        site: usize,
        target: Target,
        callee: FnRef,
        caller_context: &[Option<Known>],
    ) -> Context {
        let callee_fn = self.project.function(callee);
        let callee_module = &self.project.modules[callee.module as usize];
        let params = callee_module.params_of(callee.index);
        let Some(first) = params.first() else {
            return Vec::new();
        };
        let caller_ref = self.refs[caller];
        let caller_module = &self.project.modules[caller_ref.module as usize];
        let call_site = &self.project.calls(caller_ref)[site];
        let call = self.project.function(caller_ref).calls.start + site as u32;
        let facts = caller_module.arg_facts_of(call);
        let keyword_facts = caller_module.keyword_facts_of(call);
        let keywords = caller_module.keyword_bits_of(call);
        let shift = bound_arguments(
            callee_fn.class.is_some(),
            first.method,
            target,
            &call_site.callee,
        );
        let value = |v: ArgValue| match v {
            ArgValue::Known(k) => Some(k),
            ArgValue::Param(i) => caller_context.get(i as usize).copied().flatten(),
        };
        params
            .iter()
            .map(|p| {
                let shape = call_site.args;
                if p.position != KEYWORD_ONLY {
                    let position = p.position.checked_sub(shift)?;
                    if position < shape.positional {
                        return positional(facts, position).and_then(value);
                    }
                    if shape.flags & ArgShape::STARRED != 0 {
                        return None;
                    }
                }
                let name = callee_module.str(p.name);
                let hash = name_hash(name);
                if let Some(fact) = keyword_facts.iter().find(|f| f.keyword == hash) {
                    return value(fact.value);
                }
                let maybe_passed = keywords & keyword_bit(name) != 0
                    || shape.flags & ArgShape::UNKNOWN_KEYWORDS != 0;
                if maybe_passed { None } else { p.default }
            })
            .collect()
    }

    fn finding(
        &self,
        module: usize,
        range: TextRange,
        target: Target,
        first: usize,
        hops: &[Hop],
    ) -> ProjectFinding {
        let project = self.project;
        let mut names = Vec::new();
        if let Target::Class { module: cm, class } = target {
            names.push(format!("{}()", project.class_name(cm, class)));
        }
        names.push(project.display(self.refs[first]));
        let mut related = Vec::new();
        for hop in hops {
            match *hop {
                Hop::Call { g, site, callee } => {
                    let callee_name = project.display(self.refs[callee]);
                    related.push((
                        self.refs[g].module as usize,
                        project.calls(self.refs[g])[site].range,
                        format!("`{}` calls `{callee_name}`", project.display(self.refs[g])),
                    ));
                    names.push(callee_name);
                }
                Hop::Block { g, fact } => {
                    let fact = &project.function(self.refs[g]).extra().blocking[fact];
                    names.push(fact.display.to_string());
                    related.push((
                        self.refs[g].module as usize,
                        fact.range,
                        format!("`{}` blocks here ({})", fact.display, fact.rule.code),
                    ));
                }
            }
        }
        let chain = names.join(" -> ");
        ProjectFinding {
            module,
            diagnostic: Diagnostic::new(
                &BLOCKING_VIA_HELPER,
                format!("`{}` blocks the event loop: {chain}", names[0]),
                range,
            ),
            related,
        }
    }
}

/// The value passed at call position `position`, when known.
fn positional(facts: &[ArgFact], position: u8) -> Option<ArgValue> {
    facts
        .iter()
        .find(|f| f.position == position)
        .map(|f| f.value)
}

/// How many leading parameters the call fills itself (`self`/`cls`).
fn bound_arguments(is_method: bool, kind: MethodKind, target: Target, how: &Callee) -> u8 {
    if !is_method {
        return 0;
    }
    match kind {
        MethodKind::Static => 0,
        MethodKind::Class => 1,
        MethodKind::Plain => match (target, how) {
            (Target::Class { .. }, _) => 1,
            (_, Callee::SelfMethod { .. } | Callee::SuperMethod { .. }) => 1,
            // `Class.method(obj, ...)`: the instance is passed explicitly.
            _ => 0,
        },
    }
}
