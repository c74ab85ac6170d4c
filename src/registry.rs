//! The one table of rule codes. Codes are public API: never renumber, never
//! reuse. Each rule declares its metadata next to its implementation with
//! [`declare_rule!`]; the doc comment on that declaration *is* the user
//! documentation shown by `asyncdoctor rule CODE`.

use crate::check::rules;
use crate::run::rules as runtime;

/// Where a rule's findings come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// `asyncdoctor check`.
    Static,
    /// `asyncdoctor run`.
    Runtime,
}

#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    /// Knowledge-base id (see [`crate::knowledge`]).
    pub knowledge: &'static str,
    pub default_enabled: bool,
    pub origin: Origin,
    /// One line: what to do instead.
    pub help_text: &'static str,
    /// Markdown, from the declaration's doc comment.
    pub doc: &'static str,
}

impl RuleMeta {
    pub fn help(&self) -> &'static str {
        self.help_text
    }

    /// The numeric part of the code (`AD501` → 501).
    pub const fn number(&self) -> u16 {
        code_number(self.code)
    }

    /// The documentation with the doc comment's leading space removed.
    pub fn documentation(&self) -> String {
        let mut out = String::with_capacity(self.doc.len());
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.trim_end().to_string() + "\n"
    }

    /// The first paragraph under "## What it does": a one-line summary.
    pub fn summary(&self) -> String {
        let doc = self.documentation();
        let body = doc.split("## What it does").nth(1).unwrap_or(&doc);
        body.trim_start()
            .split("\n\n")
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Parses `ADnnn` at compile time; anything else is a bug caught by tests.
pub const fn code_number(code: &str) -> u16 {
    let b = code.as_bytes();
    if b.len() != 5 || b[0] != b'A' || b[1] != b'D' {
        return u16::MAX;
    }
    let mut n: u16 = 0;
    let mut i = 2;
    while i < 5 {
        n = n * 10 + (b[i] - b'0') as u16;
        i += 1;
    }
    n
}

/// Declares a rule's metadata; the doc comment becomes its documentation.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub static $ident:ident = {
            code: $code:literal,
            name: $name:literal,
            knowledge: $kb:literal,
            default_enabled: $default:expr,
            origin: $origin:ident,
            help: $help:literal $(,)?
        };
    ) => {
        $(#[doc = $doc])*
        pub static $ident: $crate::registry::RuleMeta = $crate::registry::RuleMeta {
            code: $code,
            name: $name,
            knowledge: $kb,
            default_enabled: $default,
            origin: $crate::registry::Origin::$origin,
            help_text: $help,
            doc: concat!($($doc, "\n"),*),
        };
    };
}

/// Every rule, in code order.
pub static ALL_RULES: &[&RuleMeta] = &[
    &rules::ad001_syntax_error::SYNTAX_ERROR,
    &rules::ad002_unreadable_file::UNREADABLE_FILE,
    &rules::ad101_run_in_running_loop::RUN_IN_RUNNING_LOOP,
    &rules::ad102_get_event_loop::GET_EVENT_LOOP,
    &rules::ad103_loop_api_from_thread::LOOP_API_FROM_THREAD,
    &rules::ad104_signal_handler_off_main_thread::SIGNAL_HANDLER_OFF_MAIN_THREAD,
    &rules::ad201_unawaited_coroutine::UNAWAITED_COROUTINE,
    &rules::ad202_await_non_awaitable::AWAIT_NON_AWAITABLE,
    &rules::ad203_coroutine_reused::COROUTINE_REUSED,
    &rules::ad204_async_for_over_sync_iterable::ASYNC_FOR_OVER_SYNC_ITERABLE,
    &rules::ad205_context_manager_mismatch::CONTEXT_MANAGER_MISMATCH,
    &rules::ad206_await_outside_async::AWAIT_OUTSIDE_ASYNC,
    &rules::ad301_dangling_task::DANGLING_TASK,
    &rules::ad302_task_never_joined::TASK_NEVER_JOINED,
    &rules::ad303_gather_exceptions_unchecked::GATHER_EXCEPTIONS_UNCHECKED,
    &rules::ad304_gather_orphans_siblings::GATHER_ORPHANS_SIBLINGS,
    &rules::ad305_unbounded_gather::UNBOUNDED_GATHER,
    &rules::ad306_taskgroup_plain_except::TASKGROUP_PLAIN_EXCEPT,
    &rules::ad307_requires_newer_python::REQUIRES_NEWER_PYTHON,
    &rules::ad401_cancellation_swallowed::CANCELLATION_SWALLOWED,
    &rules::ad402_timeout_unhandled::TIMEOUT_UNHANDLED,
    &rules::ad403_timeout_error_mismatch::TIMEOUT_ERROR_MISMATCH,
    &rules::ad404_cancel_not_awaited::CANCEL_NOT_AWAITED,
    &rules::ad501_blocking_sleep::BLOCKING_SLEEP,
    &rules::ad502_blocking_http_call::BLOCKING_HTTP_CALL,
    &rules::ad503_blocking_subprocess::BLOCKING_SUBPROCESS,
    &rules::ad504_blocking_file_io::BLOCKING_FILE_IO,
    &rules::ad505_blocking_database_call::BLOCKING_DATABASE_CALL,
    &rules::ad506_blocking_socket_call::BLOCKING_SOCKET_CALL,
    &rules::ad507_blocking_wait::BLOCKING_WAIT,
    &rules::ad508_blocking_via_helper::BLOCKING_VIA_HELPER,
    &rules::ad509_blocking_configured_call::BLOCKING_CONFIGURED_CALL,
    &rules::ad601_async_resource_leak::ASYNC_RESOURCE_LEAK,
    &rules::ad602_client_per_request::CLIENT_PER_REQUEST,
    &rules::ad701_loop_closed_with_pending_tasks::LOOP_CLOSED_WITH_PENDING_TASKS,
    &rules::ad702_shutdown_gather_raises::SHUTDOWN_GATHER_RAISES,
    &runtime::ad801_loop_blocked::LOOP_BLOCKED,
    &runtime::ad802_coroutine_never_awaited::COROUTINE_NEVER_AWAITED,
    &runtime::ad803_task_destroyed_pending::TASK_DESTROYED_PENDING,
    &runtime::ad804_task_exception_never_retrieved::TASK_EXCEPTION_NEVER_RETRIEVED,
    &runtime::ad805_resource_unclosed::RESOURCE_UNCLOSED,
    &runtime::ad806_tasks_pending_at_exit::TASKS_PENDING_AT_EXIT,
    &runtime::ad807_hang::HANG,
    &runtime::ad808_thread_unsafe_loop_call::THREAD_UNSAFE_LOOP_CALL,
    &runtime::ad809_cancellation_swallowed_at_runtime::CANCELLATION_SWALLOWED_AT_RUNTIME,
];

pub fn by_code(code: &str) -> Option<&'static RuleMeta> {
    let upper = code.to_ascii_uppercase();
    ALL_RULES
        .iter()
        .copied()
        .find(|r| r.code == upper || r.name == code)
}

/// A set of rules, indexed by code number (AD000–AD999).
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct RuleSet([u64; 16]);

impl RuleSet {
    pub const EMPTY: RuleSet = RuleSet([0; 16]);

    pub fn insert(&mut self, rule: &RuleMeta) {
        let n = rule.number() as usize;
        self.0[n / 64] |= 1 << (n % 64);
    }

    pub fn remove(&mut self, rule: &RuleMeta) {
        let n = rule.number() as usize;
        self.0[n / 64] &= !(1 << (n % 64));
    }

    #[inline]
    pub fn contains(&self, rule: &RuleMeta) -> bool {
        let n = rule.number() as usize;
        self.0[n / 64] & (1 << (n % 64)) != 0
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    pub fn iter(&self) -> impl Iterator<Item = &'static RuleMeta> + '_ {
        ALL_RULES.iter().copied().filter(|r| self.contains(r))
    }

    /// The rules on by default (static and runtime).
    pub fn defaults() -> RuleSet {
        let mut set = RuleSet::EMPTY;
        for r in ALL_RULES.iter().filter(|r| r.default_enabled) {
            set.insert(r);
        }
        set
    }
}

impl std::fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter().map(|r| r.code)).finish()
    }
}

/// Rules matching a selector: `ALL`, a code (`AD501`), a prefix (`AD5`, `AD50`)
/// or a rule name (`blocking-sleep`). `None` when nothing could ever match.
pub fn select(selector: &str) -> Option<Vec<&'static RuleMeta>> {
    let sel = selector.trim();
    if sel.eq_ignore_ascii_case("ALL") {
        return Some(ALL_RULES.to_vec());
    }
    if let Some(rule) = ALL_RULES.iter().find(|r| r.name == sel) {
        return Some(vec![rule]);
    }
    let upper = sel.to_ascii_uppercase();
    let valid_prefix = upper.len() >= 2
        && upper.len() <= 5
        && upper.starts_with("AD")
        && upper[2..].bytes().all(|b| b.is_ascii_digit());
    if !valid_prefix {
        return None;
    }
    // A well-formed code with no rule yet (e.g. a future AD9) selects nothing,
    // but a well-formed full code that is not registered is an error.
    let matched: Vec<_> = ALL_RULES
        .iter()
        .copied()
        .filter(|r| r.code.starts_with(&upper))
        .collect();
    if matched.is_empty() && upper.len() == 5 {
        return None;
    }
    Some(matched)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_well_formed_and_sorted() {
        let mut last = 0;
        for r in ALL_RULES {
            assert_ne!(r.number(), u16::MAX, "{} is not ADnnn", r.code);
            assert!(r.number() > last || last == 0, "{} out of order", r.code);
            last = r.number();
            assert!(
                r.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b == b'-' || b.is_ascii_digit()),
                "{}: name must be kebab-case",
                r.code
            );
        }
    }

    #[test]
    fn selectors() {
        assert_eq!(select("ALL").unwrap().len(), ALL_RULES.len());
        assert!(
            select("AD5")
                .unwrap()
                .iter()
                .all(|r| r.code.starts_with("AD5"))
        );
        assert_eq!(select("blocking-sleep").unwrap()[0].code, "AD501");
        assert!(select("ASYNC100").is_none());
        assert!(select("AD599").is_none());
        assert!(select("AD9").unwrap().is_empty());
    }

    #[test]
    fn ruleset_membership() {
        let mut s = RuleSet::EMPTY;
        let r = by_code("AD501").unwrap();
        s.insert(r);
        assert!(s.contains(r));
        assert!(!s.contains(by_code("AD502").unwrap()));
        s.remove(r);
        assert!(s.is_empty());
    }
}

/// The README's rule table, generated from the registry.
pub fn markdown_table() -> String {
    let mut out = String::from("| Code | Name | Default | What it reports |\n|---|---|---|---|\n");
    for r in ALL_RULES {
        let default = match (r.origin, r.default_enabled) {
            (Origin::Runtime, _) => "run",
            (_, true) => "on",
            (_, false) => "opt-in",
        };
        out.push_str(&format!(
            "| {} | `{}` | {} | {} |\n",
            r.code,
            r.name,
            default,
            r.summary().replace('|', "\\|")
        ));
    }
    out
}

#[cfg(test)]
mod readme_tests {
    /// The README's rule table must match the code. `UPDATE_README=1 cargo test`
    /// rewrites it.
    #[test]
    fn readme_rule_table_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
        let readme = std::fs::read_to_string(path).expect("README.md");
        let (start, end) = ("<!-- rules:start -->\n", "<!-- rules:end -->");
        let a = readme.find(start).expect("rules:start marker") + start.len();
        let b = readme.find(end).expect("rules:end marker");
        let expected = super::markdown_table();
        if readme[a..b] != expected {
            if std::env::var_os("UPDATE_README").is_some() {
                let updated = format!("{}{}{}", &readme[..a], expected, &readme[b..]);
                std::fs::write(path, updated).expect("write README.md");
            } else {
                panic!("README rule table is out of date; run `UPDATE_README=1 cargo test readme`");
            }
        }
    }
}
