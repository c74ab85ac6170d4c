//! The blocking-call classifier shared by AD501–AD507 and AD509: each rule
//! file lists its patterns; this builds one map from qualified call target to
//! rule once per run, so classifying a call is one resolution and one lookup.

use ruff_python_ast::{self as ast, Expr};
use rustc_hash::FxHashMap;

use crate::check::rules;
use crate::registry::RuleMeta;

/// Decides from the arguments whether a call is the blocking form
/// (`q.get(block=False)` is not).
pub type ArgFilter = fn(&ast::ExprCall) -> bool;

/// One blocking call a rule reports.
#[derive(Debug, Clone, Copy)]
pub struct BlockingPattern {
    /// Qualified target: `time.sleep`, or `Type.method` for a receiver known
    /// by local facts (`sqlite3.Connection.execute`).
    pub target: &'static str,
    /// `Some(f)`: blocking only when `f(call)` is true.
    pub filter: Option<ArgFilter>,
    /// What to use instead, when more specific than the rule's help.
    pub help: Option<&'static str>,
}

impl BlockingPattern {
    pub const fn new(target: &'static str) -> Self {
        BlockingPattern {
            target,
            filter: None,
            help: None,
        }
    }

    pub const fn help(mut self, help: &'static str) -> Self {
        self.help = Some(help);
        self
    }

    pub const fn when(mut self, filter: ArgFilter) -> Self {
        self.filter = Some(filter);
        self
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Classified {
    pub rule: &'static RuleMeta,
    pub pattern: BlockingPattern,
}

/// Qualified call target → the rule that reports it.
pub struct BlockingTable {
    map: FxHashMap<&'static str, Classified>,
}

impl BlockingTable {
    /// The built-in patterns plus `blocking-calls` from config (AD509).
    pub fn new(configured: &[&'static str]) -> Self {
        let mut map = FxHashMap::default();
        for (rule, patterns) in rules::blocking_rule_patterns() {
            for pattern in patterns {
                map.insert(
                    pattern.target,
                    Classified {
                        rule,
                        pattern: *pattern,
                    },
                );
            }
        }
        for target in configured {
            // A user's declaration wins: they know their SDK.
            map.insert(
                *target,
                Classified {
                    rule: &rules::ad509_blocking_configured_call::BLOCKING_CONFIGURED_CALL,
                    pattern: BlockingPattern::new(target),
                },
            );
        }
        BlockingTable { map }
    }

    /// Classifies a call whose resolved target is `target`.
    pub fn classify(&self, target: &str, call: &ast::ExprCall) -> Option<Classified> {
        let found = self.map.get(target)?;
        match found.pattern.filter {
            Some(is_blocking) if !is_blocking(call) => None,
            _ => Some(*found),
        }
    }
}

/// How a resolved target is shown in messages: `open()`, `requests.get()`,
/// `sqlite3.Connection.execute()`.
pub fn display_target(target: &str) -> String {
    let shown = target.strip_prefix("builtins.").unwrap_or(target);
    format!("{shown}()")
}

// ---- argument helpers shared by the rules' filters ----

/// The argument at `position` or passed as `name`.
pub fn argument<'c>(call: &'c ast::ExprCall, position: usize, name: &str) -> Option<&'c Expr> {
    call.arguments
        .keywords
        .iter()
        .find(|k| k.arg.as_ref().is_some_and(|a| a.as_str() == name))
        .map(|k| &k.value)
        .or_else(|| {
            // Positional arguments after a `*args` are unknowable.
            let args = &call.arguments.args;
            if args.iter().take(position + 1).any(|a| a.is_starred_expr()) {
                None
            } else {
                args.get(position)
            }
        })
}

/// `False`, `0`, `0.0` literally.
pub fn is_falsy_literal(expr: &Expr) -> bool {
    match expr {
        Expr::BooleanLiteral(b) => !b.value,
        Expr::NumberLiteral(n) => match &n.value {
            ast::Number::Int(i) => i.as_u64() == Some(0),
            ast::Number::Float(f) => *f == 0.0,
            _ => false,
        },
        _ => false,
    }
}

/// `block`/`blocking` argument not literally false, and no zero timeout.
pub fn blocking_unless_disabled(
    call: &ast::ExprCall,
    block_name: &str,
    timeout_position: usize,
) -> bool {
    if argument(call, 0, block_name).is_some_and(is_falsy_literal) {
        return false;
    }
    if argument(call, timeout_position, "timeout").is_some_and(is_falsy_literal) {
        return false;
    }
    true
}
