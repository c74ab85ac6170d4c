//! Harness events → findings (the `check` formats) and the run summary.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::collect::Collected;
use super::protocol::{Event, Frame, TaskInfo};
use super::rules::{
    ad801_loop_blocked::LOOP_BLOCKED, ad802_coroutine_never_awaited::COROUTINE_NEVER_AWAITED,
    ad803_task_destroyed_pending::TASK_DESTROYED_PENDING,
    ad804_task_exception_never_retrieved::TASK_EXCEPTION_NEVER_RETRIEVED,
    ad805_resource_unclosed::RESOURCE_UNCLOSED, ad806_tasks_pending_at_exit::TASKS_PENDING_AT_EXIT,
    ad807_hang::HANG, ad808_thread_unsafe_loop_call::THREAD_UNSAFE_LOOP_CALL,
    ad809_cancellation_swallowed_at_runtime::CANCELLATION_SWALLOWED_AT_RUNTIME,
};
use crate::diagnostics::{Finding, Location, Related, SourceSnippet};
use crate::registry::RuleMeta;

/// Facts for the closing summary.
#[derive(Debug, Default)]
pub struct RunSummary {
    pub processes: Vec<(u32, String)>,
    pub loops: Vec<String>,
    pub stalls: usize,
    pub worst_stall_ms: f64,
    pub total_stall_ms: f64,
    pub tasks_created: u64,
    pub tasks_finished: u64,
    pub tasks_pending_at_exit: usize,
    /// Some tasks were created too fast to follow: counts are lower bounds.
    pub tasks_sampled: bool,
    pub harness_errors: Vec<String>,
    /// Problems seen with no frame of the program's own on the stack (e.g. a
    /// ResourceWarning from a garbage collection inside the event loop).
    pub unlocated: Vec<String>,
    pub unlocated_count: usize,
    pub malformed: Vec<String>,
    pub malformed_count: usize,
}

/// The static codes that point at the same problem (from the rule catalog).
pub fn related_static_codes(rule: &RuleMeta) -> &'static [&'static str] {
    match rule.code {
        "AD801" => &[
            "AD501", "AD502", "AD503", "AD504", "AD505", "AD506", "AD507", "AD508", "AD509",
        ],
        "AD802" => &["AD201"],
        "AD803" => &["AD301", "AD302", "AD404"],
        "AD804" => &["AD301", "AD303", "AD304"],
        "AD805" => &["AD601"],
        "AD806" => &["AD404", "AD701"],
        "AD807" => &[],
        "AD808" => &["AD103"],
        "AD809" => &["AD401"],
        _ => &[],
    }
}

struct Builder {
    cwd: PathBuf,
    sources: HashMap<String, Option<Arc<str>>>,
    static_findings: HashMap<String, Vec<(usize, &'static str)>>,
    findings: Vec<Finding>,
    /// (code, file, line) already reported: one finding per place.
    seen: HashMap<(&'static str, String, u32), usize>,
    with_static: bool,
    /// Findings with no frame of the program's own to point at.
    unlocated: Vec<String>,
}

impl Builder {
    fn source(&mut self, file: &str) -> Option<Arc<str>> {
        self.sources
            .entry(file.to_string())
            .or_insert_with(|| {
                std::fs::read(file)
                    .ok()
                    .map(|b| Arc::from(String::from_utf8_lossy(&b).into_owned()))
            })
            .clone()
    }

    fn display(&self, file: &str) -> Arc<str> {
        Arc::from(crate::check::display_path(Path::new(file), &self.cwd))
    }

    fn place(&mut self, frame: &Frame) -> (Location, Location, Option<SourceSnippet>) {
        let row = frame.line as usize;
        let Some(source) = self.source(&frame.file) else {
            let loc = Location { row, column: 1 };
            return (loc, loc, None);
        };
        let line = source.lines().nth(row.saturating_sub(1)).unwrap_or("");
        let indent = line.len() - line.trim_start().len();
        let column = line[..indent].chars().count() + 1;
        let end_column = line.trim_end().chars().count() + 1;
        let snippet = SourceSnippet {
            first_row: row,
            text: line.to_string(),
            span: indent..line.trim_end().len().max(indent),
        };
        (
            Location { row, column },
            Location {
                row,
                column: end_column.max(column),
            },
            Some(snippet),
        )
    }

    /// Static findings of related codes at or near `row` in `file`.
    fn static_matches(&mut self, rule: &RuleMeta, file: &str, row: usize) -> Vec<String> {
        if !self.with_static || related_static_codes(rule).is_empty() {
            return Vec::new();
        }
        if !self.static_findings.contains_key(file) {
            let found = match self.source(file) {
                Some(src) if file.ends_with(".py") => static_check(&src),
                _ => Vec::new(),
            };
            self.static_findings.insert(file.to_string(), found);
        }
        let codes = related_static_codes(rule);
        self.static_findings[file]
            .iter()
            .filter(|(r, code)| codes.contains(code) && r.abs_diff(row) <= 2)
            .map(|(r, code)| format!("{code} at line {r}"))
            .collect()
    }

    fn push(
        &mut self,
        rule: &'static RuleMeta,
        frame: &Frame,
        message: String,
        related: Vec<Related>,
    ) {
        if !frame.user {
            // Never blame asyncio, the standard library, site-packages or the
            // harness: without a frame of the program's own, say so in the summary.
            self.unlocated.push(format!("{} {}", rule.code, message));
            return;
        }
        let key = (rule.code, frame.file.clone(), frame.line);
        if let Some(&i) = self.seen.get(&key) {
            // Same problem at the same place again: count it, keep one finding.
            let f = &mut self.findings[i];
            if let Some(n) = f.message.rfind(" (seen ") {
                let times: usize = f.message[n + 7..]
                    .trim_end_matches(" times)")
                    .parse()
                    .unwrap_or(1);
                f.message = format!("{} (seen {} times)", &f.message[..n], times + 1);
            } else {
                f.message = format!("{} (seen 2 times)", f.message);
            }
            return;
        }
        let (location, end_location, snippet) = self.place(frame);
        let mut help = rule.help().to_string();
        let codes = related_static_codes(rule);
        let matches = self.static_matches(rule, &frame.file, location.row);
        if !matches.is_empty() {
            let _ = write!(
                help,
                ". `asyncdoctor check` also reports this statically: {}",
                matches.join(", ")
            );
        } else if !codes.is_empty() {
            let _ = write!(help, ". Related static checks: {}", codes.join(", "));
        }
        let _ = write!(
            help,
            ". More: `asyncdoctor explain --id {}`",
            rule.knowledge
        );
        let filename = self.display(&frame.file);
        self.seen.insert(key, self.findings.len());
        self.findings.push(Finding {
            rule,
            message,
            filename,
            location,
            end_location,
            help,
            related,
            fix: None,
            cell: None,
            snippet,
        });
    }

    fn related(&self, frame: &Frame, message: impl Into<String>) -> Related {
        Related {
            filename: self.display(&frame.file),
            location: Location {
                row: frame.line as usize,
                column: 1,
            },
            message: message.into(),
        }
    }

    fn chain_related(&self, chain: &[Frame]) -> Vec<Related> {
        chain
            .iter()
            .filter(|f| f.user)
            .map(|f| self.related(f, format!("awaiting in `{}`", f.func)))
            .collect()
    }
}

/// `check` on one file, for "also reported statically". Runs on a thread with
/// a big stack (as `check` does) and never takes the report down with it.
fn static_check(source: &Arc<str>) -> Vec<(usize, &'static str)> {
    let source = source.clone();
    std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(move || std::panic::catch_unwind(|| static_check_inner(&source)).unwrap_or_default())
        .ok()
        .and_then(|h| h.join().ok())
        .unwrap_or_default()
}

fn static_check_inner(source: &str) -> Vec<(usize, &'static str)> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let Ok(settings) = crate::config::Settings::resolve(None, &Default::default(), &cwd) else {
        return Vec::new();
    };
    let ctx = crate::check::checker::RunContext::new(&settings);
    let diagnostics = crate::check::check_source(source, None, false, settings.rules, &ctx);
    let index = crate::diagnostics::LineIndex::new(source);
    diagnostics
        .iter()
        .map(|d| (index.line_of(d.range.start()) + 1, d.rule.code))
        .collect()
}

/// Innermost user frame of an await chain (outermost first).
fn innermost_user(chain: &[Frame]) -> Option<&Frame> {
    chain.iter().rev().find(|f| f.user)
}

fn task_label(name: &str, coro: &str) -> String {
    if coro.is_empty() {
        format!("`{name}`")
    } else {
        format!("`{name}` (coroutine `{coro}`)")
    }
}

fn where_task(t: &TaskInfo) -> Option<&Frame> {
    t.site
        .as_ref()
        .or_else(|| innermost_user(&t.chain))
        .or(t.defined.as_ref())
}

fn ms(v: f64) -> String {
    if v >= 1000.0 {
        format!("{:.2} s", v / 1000.0)
    } else {
        format!("{v:.0} ms")
    }
}

pub fn build(collected: &Collected, cwd: &Path, with_static: bool) -> (Vec<Finding>, RunSummary) {
    let mut b = Builder {
        cwd: cwd.to_path_buf(),
        sources: HashMap::new(),
        static_findings: HashMap::new(),
        findings: Vec::new(),
        seen: HashMap::new(),
        with_static,
        unlocated: Vec::new(),
    };
    let mut summary = RunSummary {
        malformed: collected.malformed.clone(),
        malformed_count: collected.malformed_count,
        ..Default::default()
    };
    let mut stalls_at: HashMap<(String, u32), (usize, f64, f64)> = HashMap::new();
    // Stalls first pass: per place count/worst/total, for one finding per place.
    for m in &collected.messages {
        if let Event::Stall {
            duration_ms, blame, ..
        } = &m.event
        {
            summary.stalls += 1;
            summary.total_stall_ms += duration_ms;
            summary.worst_stall_ms = summary.worst_stall_ms.max(*duration_ms);
            if let Some(f) = blame {
                let e = stalls_at
                    .entry((f.file.clone(), f.line))
                    .or_insert((0, 0.0, 0.0));
                e.0 += 1;
                e.1 = e.1.max(*duration_ms);
                e.2 += duration_ms;
            }
        }
    }
    let mut stalls_done: std::collections::HashSet<(String, u32)> = Default::default();
    let mut unsampled = 0usize;
    let mut stats: HashMap<u32, (u64, u64, bool)> = HashMap::new();
    for m in &collected.messages {
        match &m.event {
            Event::Hello { python, .. } => summary.processes.push((m.pid, python.clone())),
            Event::Loop { impl_ } => {
                let name = impl_.clone().unwrap_or_else(|| "?".into());
                if !summary.loops.contains(&name) {
                    summary.loops.push(name);
                }
            }
            Event::Stall {
                blame,
                callee,
                frames,
                ..
            } => {
                let Some(frame) = blame else {
                    unsampled += 1;
                    continue;
                };
                if !stalls_done.insert((frame.file.clone(), frame.line)) {
                    continue;
                }
                let (count, worst, total) = stalls_at[&(frame.file.clone(), frame.line)];
                let inside = callee
                    .as_ref()
                    .map(|c| format!(" (inside `{}`, {}:{})", c.func, short(&c.file), c.line))
                    .unwrap_or_default();
                let message = if count == 1 {
                    format!(
                        "The event loop was blocked for at least {} while `{}` ran this line{inside}",
                        ms(worst),
                        frame.func
                    )
                } else {
                    format!(
                        "The event loop was blocked {count} times at this line in `{}` (worst {}, total {}){inside}",
                        frame.func,
                        ms(worst),
                        ms(total)
                    )
                };
                let pos = frames.iter().position(|f| f == frame).unwrap_or(0);
                let related = frames
                    .iter()
                    .skip(pos + 1)
                    .filter(|f| f.user)
                    .map(|f| b.related(f, format!("called from `{}`", f.func)))
                    .collect();
                b.push(&LOOP_BLOCKED, frame, message, related);
            }
            Event::NeverAwaited {
                coro,
                defined,
                site,
                origin_tracked,
            } => {
                let Some(frame) = site.as_ref().or(defined.as_ref()) else {
                    continue;
                };
                let how = if site.is_none() {
                    "(defined here; where it was created is unknown)"
                } else if *origin_tracked {
                    "(created here)"
                } else {
                    "(dropped here without being awaited)"
                };
                let related = defined
                    .iter()
                    .filter(|d| site.is_some() && d.line > 0)
                    .map(|d| b.related(d, format!("`{coro}` is defined here")))
                    .collect();
                b.push(
                    &COROUTINE_NEVER_AWAITED,
                    frame,
                    format!("Coroutine `{coro}` was never awaited {how}"),
                    related,
                );
            }
            Event::TaskDestroyed(t) => {
                let Some(frame) = where_task(t) else { continue };
                let mut related = b.chain_related(&t.chain);
                if t.site.is_none() {
                    related.clear();
                }
                b.push(
                    &TASK_DESTROYED_PENDING,
                    frame,
                    format!(
                        "Task {} was destroyed while still pending: nothing kept a reference to it{}",
                        task_label(&t.name, &t.coro),
                        if t.site.is_some() { " (created here)" } else { "" }
                    ),
                    related,
                );
            }
            Event::ExceptionNeverRetrieved {
                task,
                coro,
                exception,
                site,
                defined,
                raised,
            } => {
                let Some(frame) = site.as_ref().or(defined.as_ref()) else {
                    continue;
                };
                let related = raised
                    .iter()
                    .map(|r| b.related(r, format!("`{exception}` was raised here")))
                    .collect();
                b.push(
                    &TASK_EXCEPTION_NEVER_RETRIEVED,
                    frame,
                    format!(
                        "Task {} failed with `{exception}` and nobody retrieved the exception{}",
                        task_label(task, coro),
                        if site.is_some() {
                            " (task created here)"
                        } else {
                            ""
                        }
                    ),
                    related,
                );
            }
            Event::ResourceWarning {
                message,
                site,
                alloc,
                warned_at,
            } => {
                let Some(frame) = alloc.as_ref().or(site.as_ref()).or(warned_at.as_ref()) else {
                    continue;
                };
                let how = if alloc.is_some() {
                    "allocated here"
                } else if site.is_some() {
                    "dropped here without being closed"
                } else {
                    "warned here"
                };
                b.push(
                    &RESOURCE_UNCLOSED,
                    frame,
                    format!("ResourceWarning: {} ({how})", first_line(message)),
                    Vec::new(),
                );
            }
            Event::PendingAtExit { reason, tasks } => {
                summary.tasks_pending_at_exit += tasks.len();
                for t in tasks {
                    let Some(frame) = where_task(t) else { continue };
                    let suspended = innermost_user(&t.chain)
                        .map(|f| format!("; suspended in `{}` at line {}", f.func, f.line))
                        .unwrap_or_default();
                    let related = b.chain_related(&t.chain);
                    b.push(
                        &TASKS_PENDING_AT_EXIT,
                        frame,
                        format!(
                            "Task {} was still pending when {reason}{suspended}",
                            task_label(&t.name, &t.coro)
                        ),
                        related,
                    );
                }
            }
            Event::Hang {
                idle_ms,
                deadlock,
                tasks,
            } => {
                // Deterministic: the first place (file, line) among the tasks in the cycle.
                let first = tasks
                    .iter()
                    .filter(|t| t.in_cycle)
                    .min_by_key(|t| innermost_user(&t.chain).map(|f| (f.file.clone(), f.line)))
                    .or_else(|| {
                        tasks.iter().find(|t| {
                            t.waits_on
                                .as_ref()
                                .is_some_and(|w| !matches!(w.kind.as_str(), "task" | "future"))
                        })
                    })
                    .or(tasks.first());
                let Some(first) = first else { continue };
                let Some(frame) = innermost_user(&first.chain).or(where_task(first)) else {
                    continue;
                };
                let mut graph = Vec::new();
                let mut related = Vec::new();
                for t in tasks {
                    let waits = t
                        .waits_on
                        .as_ref()
                        .map(|w| {
                            let holder = w
                                .holder
                                .as_ref()
                                .map(|h| format!(" held by `{h}`"))
                                .unwrap_or_default();
                            format!("{}{holder}", w.what)
                        })
                        .unwrap_or_else(|| "?".into());
                    let who = task_label(&t.name, &t.coro);
                    graph.push(format!("{who} waits on {waits}"));
                    if let Some(f) = innermost_user(&t.chain) {
                        related.push(b.related(f, format!("{who} waits on {waits}")));
                    }
                }
                let what = if *deadlock {
                    "deadlock"
                } else {
                    "no timer, I/O or other thread left that could wake them"
                };
                b.push(
                    &HANG,
                    frame,
                    format!(
                        "No task made progress for {} ({what}): {}",
                        ms(*idle_ms as f64),
                        graph.join("; ")
                    ),
                    related,
                );
            }
            Event::ThreadUnsafe {
                method,
                thread,
                site,
                ..
            } => {
                let Some(frame) = site else { continue };
                b.push(
                    &THREAD_UNSAFE_LOOP_CALL,
                    frame,
                    format!(
                        "`loop.{method}()` was called from thread `{thread}`, not the event loop's thread"
                    ),
                    Vec::new(),
                );
            }
            Event::CancelSwallowed {
                task,
                coro,
                site,
                defined,
            } => {
                let Some(frame) = site.as_ref().or(defined.as_ref()) else {
                    continue;
                };
                let related = defined
                    .iter()
                    .filter(|_| site.is_some())
                    .map(|d| b.related(d, format!("`{coro}` is defined here")))
                    .collect();
                b.push(
                    &CANCELLATION_SWALLOWED_AT_RUNTIME,
                    frame,
                    format!(
                        "Task {} was cancelled but finished without raising `CancelledError`{}",
                        task_label(task, coro),
                        if site.is_some() {
                            " (task created here)"
                        } else {
                            ""
                        }
                    ),
                    related,
                );
            }
            Event::Stats {
                created,
                finished,
                sampled,
            } => {
                // Cumulative per process: the last one counts.
                stats.insert(m.pid, (*created, *finished, *sampled));
            }
            Event::HarnessError { place, error } => {
                summary
                    .harness_errors
                    .push(format!("pid {} in {place}: {error}", m.pid));
            }
        }
    }
    if unsampled > 0 {
        summary.harness_errors.push(format!(
            "{unsampled} loop stall(s) could not be sampled (the blocking code held the GIL throughout)"
        ));
    }
    for (created, finished, sampled) in stats.values() {
        summary.tasks_created += created;
        summary.tasks_finished += finished;
        summary.tasks_sampled |= sampled;
    }
    let mut unlocated = std::mem::take(&mut b.unlocated);
    let total = unlocated.len();
    unlocated.sort();
    unlocated.dedup();
    summary.unlocated_count = total;
    summary.unlocated = unlocated.into_iter().take(5).collect();
    (b.findings, summary)
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

fn short(file: &str) -> String {
    // `.../json/decoder.py` → `json/decoder.py`: enough to recognise a library.
    let parts: Vec<&str> = file.rsplit('/').take(2).collect();
    parts.into_iter().rev().collect::<Vec<_>>().join("/")
}

impl RunSummary {
    pub fn render(&self, findings: usize, ending: &str) -> String {
        let mut out = String::new();
        let procs = self.processes.len();
        let versions: Vec<&str> = {
            let mut v: Vec<&str> = self.processes.iter().map(|(_, p)| p.as_str()).collect();
            v.sort();
            v.dedup();
            v
        };
        let _ = writeln!(
            out,
            "asyncdoctor run: the program {ending}; watched {procs} Python process{}{}",
            if procs == 1 { "" } else { "es" },
            if versions.is_empty() {
                String::new()
            } else {
                format!(" (CPython {})", versions.join(", "))
            }
        );
        if procs == 0 {
            let _ = writeln!(
                out,
                "  no Python process reported to the harness (not Python, or started with -S/-I?)"
            );
        }
        if !self.loops.is_empty() {
            let _ = writeln!(out, "  event loops: {}", self.loops.join(", "));
        }
        if self.stalls == 0 {
            let _ = writeln!(out, "  loop stalls: none");
        } else {
            let _ = writeln!(
                out,
                "  loop stalls: {} (worst {}, total {})",
                self.stalls,
                ms(self.worst_stall_ms),
                ms(self.total_stall_ms)
            );
        }
        let at_least = if self.tasks_sampled { "at least " } else { "" };
        let _ = writeln!(
            out,
            "  tasks: {at_least}{} created, {at_least}{} finished, {} pending at exit{}",
            self.tasks_created,
            self.tasks_finished,
            self.tasks_pending_at_exit,
            if self.tasks_sampled {
                " (tasks were created faster than the harness follows them: creation sites were sampled)"
            } else {
                ""
            }
        );
        if self.unlocated_count > 0 {
            let _ = writeln!(
                out,
                "  {} problem(s) seen with no line of the program's own to point at (set PYTHONTRACEMALLOC=5 for allocation sites):",
                self.unlocated_count
            );
            for u in &self.unlocated {
                let _ = writeln!(out, "    {u}");
            }
        }
        for e in &self.harness_errors {
            let _ = writeln!(out, "  harness problem (the program was not affected): {e}");
        }
        if self.malformed_count > 0 {
            let _ = writeln!(
                out,
                "  {} malformed harness event(s) ignored: {}",
                self.malformed_count,
                self.malformed.join("; ")
            );
        }
        let _ = writeln!(
            out,
            "  {}",
            match findings {
                0 => "no findings".to_string(),
                1 => "1 finding".to_string(),
                n => format!("{n} findings"),
            }
        );
        out
    }
}
