//! `asyncdoctor check`: static analysis. The pipeline: discover files →
//! per file in parallel (read → parse once → semantic model → checker →
//! noqa filter) → findings in a deterministic order.

pub mod blocking;
pub mod checker;
pub mod discovery;
pub mod flow;
pub mod library;
pub mod noqa;
pub mod notebook;
pub mod parse;
pub mod rules;
pub mod semantic;
pub mod source;

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use ruff_python_ast::visitor::Visitor;
use ruff_text_size::{TextRange, TextSize};

use crate::config::Settings;
use crate::diagnostics::{Diagnostic, FileFindings};
use crate::registry::RuleSet;
use checker::{Checker, RunContext};
use discovery::SourceFile;
use rules::{ad001_syntax_error::SYNTAX_ERROR, ad002_unreadable_file::UNREADABLE_FILE};

/// Stack for the threads that parse and walk: deeply nested generated code
/// must not overflow (the parser grows its own stack; our walks recurse).
const WORKER_STACK_BYTES: usize = 256 * 1024 * 1024;

impl RunContext {
    pub fn new(settings: &Settings) -> Self {
        RunContext {
            library: library::Library::new(&configured_types(&settings.blocking_calls)),
            blocking: blocking::BlockingTable::new(&settings.blocking_calls),
            target_version: settings.target_version,
        }
    }
}

/// `mycorp.db.Session.execute` declares `mycorp.db.Session` a type whose
/// instances we can follow by local facts.
fn configured_types(calls: &[&'static str]) -> Vec<&'static str> {
    calls
        .iter()
        .filter_map(|c| c.rsplit_once('.').map(|(ty, _)| ty))
        .collect()
}

/// Checks one source text. Pure: no file system access.
pub fn check_source(
    source: &str,
    module_name: Option<&str>,
    is_package: bool,
    rules: RuleSet,
    run: &RunContext,
) -> Vec<Diagnostic> {
    check_parsed(
        source,
        parse::parse_python(source),
        module_name,
        false,
        is_package,
        rules,
        run,
    )
}

/// Checks the code cells of a notebook joined into one module (see
/// [`notebook::extract`]), with IPython syntax and semantics.
pub fn check_notebook_source(source: &str, rules: RuleSet, run: &RunContext) -> Vec<Diagnostic> {
    check_parsed(
        source,
        parse::parse_ipython(source),
        None,
        true,
        false,
        rules,
        run,
    )
}

fn check_parsed(
    source: &str,
    parsed: parse::ParsedModule,
    module_name: Option<&str>,
    is_notebook: bool,
    is_package: bool,
    rules: RuleSet,
    run: &RunContext,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    if let Some(error) = parsed.first_syntax_error() {
        if rules.contains(&SYNTAX_ERROR) {
            diagnostics.push(Diagnostic::new(
                &SYNTAX_ERROR,
                format!("Syntax error: {}", error.message),
                error.range,
            ));
        }
    } else if could_have_findings(source) {
        let model = semantic::build(parsed.body(), module_name, is_package);
        let mut checker = Checker::new(source, &model, run, rules);
        checker.is_notebook = is_notebook;
        checker.visit_body(parsed.body());
        checker.finish();
        diagnostics = checker.diagnostics;
    }
    if diagnostics.is_empty() {
        return diagnostics;
    }
    // One finding per (code, start): `sqlite3.connect(p).execute(q)` starts two
    // calls at the same offset.
    diagnostics.sort_by_key(|d| (d.range.start(), d.rule.code));
    diagnostics.dedup_by(|a, b| a.range.start() == b.range.start() && a.rule.code == b.rule.code);
    noqa::filter(source, parsed.comment_ranges(), &mut diagnostics);
    diagnostics
}

/// Every rule other than AD001/AD002 needs an `async def` (or `async with`/
/// `async for`/`await`), all spelled with `async`/`await`, or names something
/// from `asyncio` (AD102, AD301, AD307 also fire in sync code): files without
/// those words skip the semantic model and the rule walk. (`async` is a
/// substring of `asyncio`.)
fn could_have_findings(source: &str) -> bool {
    let bytes = source.as_bytes();
    memchr::memmem::find(bytes, b"async").is_some()
        || memchr::memmem::find(bytes, b"await").is_some()
}

/// How a path is shown: relative to the cwd when under it.
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let shown = path.strip_prefix(cwd).unwrap_or(path);
    let s = shown.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

pub struct CheckRun {
    pub files: Vec<FileFindings>,
    pub checked: usize,
    /// Internal errors (a panic caught on one file): reported, exit 2.
    pub internal_errors: Vec<String>,
}

/// Checks files in parallel; `progress` is called once per finished file.
pub fn check_files(
    files: &[SourceFile],
    settings: &Settings,
    cwd: &Path,
    progress: &(dyn Fn() + Sync),
) -> CheckRun {
    let run = RunContext::new(settings);
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(WORKER_STACK_BYTES)
        .build()
        .expect("cannot start worker threads");
    let results: Vec<Result<FileFindings, String>> = pool.install(|| {
        files
            .par_iter()
            .map(|file| {
                let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
                    check_file(file, settings, &run, cwd)
                }));
                progress();
                outcome.map_err(|panic| {
                    let what = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "unknown panic".into());
                    format!(
                        "internal error while checking {}: {what} (please report this)",
                        file.path.display()
                    )
                })
            })
            .collect()
    });
    let mut out = CheckRun {
        files: Vec::new(),
        checked: files.len(),
        internal_errors: Vec::new(),
    };
    for r in results {
        match r {
            Ok(f) if !f.diagnostics.is_empty() => out.files.push(f),
            Ok(_) => {}
            Err(e) => out.internal_errors.push(e),
        }
    }
    out
}

fn check_file(
    file: &SourceFile,
    settings: &Settings,
    run: &RunContext,
    cwd: &Path,
) -> FileFindings {
    let display: Arc<str> = display_path(&file.path, cwd).into();
    let rules = settings.rules_for(&file.path);
    let text = match source::read_source(&file.path) {
        Ok(text) => text,
        Err(error) => return unreadable(file.path.clone(), display, error.to_string(), rules),
    };
    let (text, cell_starts, diagnostics) = if notebook::is_notebook(&file.path) {
        match notebook::extract(&text) {
            Ok(nb) => {
                let diagnostics = check_notebook_source(&nb.source, rules, run);
                (nb.source, Some(nb.cell_starts), diagnostics)
            }
            Err(message) => return unreadable(file.path.clone(), display, message, rules),
        }
    } else {
        let diagnostics = check_source(
            &text,
            file.module_name.as_deref(),
            file.is_package,
            rules,
            run,
        );
        (text, None, diagnostics)
    };
    FileFindings {
        path: file.path.clone(),
        display,
        // Only kept when needed for rendering.
        source: if diagnostics.is_empty() {
            Arc::from("")
        } else {
            Arc::from(text)
        },
        diagnostics,
        cell_starts,
    }
}

/// An AD002 finding for a path that could not be read.
pub fn unreadable(
    path: PathBuf,
    display: Arc<str>,
    message: String,
    rules: RuleSet,
) -> FileFindings {
    let mut diagnostics = Vec::new();
    if rules.contains(&UNREADABLE_FILE) {
        let mut m = message;
        if let Some(first) = m.get(..1) {
            m = first.to_uppercase() + &m[1..];
        }
        diagnostics.push(Diagnostic::new(
            &UNREADABLE_FILE,
            m,
            TextRange::empty(TextSize::new(0)),
        ));
    }
    FileFindings {
        path,
        display,
        source: Arc::from(""),
        diagnostics,
        cell_starts: None,
    }
}
