//! `asyncdoctor check`: static analysis. The pipeline: discover files →
//! per file in parallel (read → parse once → semantic model → checker →
//! noqa filter) → findings in a deterministic order.

pub mod blocking;
pub mod checker;
pub mod discovery;
pub mod flow;
pub mod library;
#[cfg(test)]
mod mutation_tests;
pub mod noqa;
pub mod notebook;
pub mod parse;
pub mod project;
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
            project: project::ProjectContext::default(),
            target_version: settings.target_version,
        }
    }

    /// With the project's top-level package names, so summaries record calls
    /// into the project.
    pub fn for_project(settings: &Settings, files: &[SourceFile]) -> Self {
        let mut run = RunContext::new(settings);
        for f in files {
            for name in f.module_name.iter().chain(&f.namespace_name) {
                let head = name.split('.').next().unwrap_or(name);
                run.project.top_level.insert(head.to_string());
            }
        }
        run
    }
}

/// What checking one file produces.
#[derive(Clone)]
pub struct FileResult {
    pub diagnostics: Vec<Diagnostic>,
    /// Facts for whole-project analysis (`None` when the file did not parse).
    pub summary: Option<project::ModuleSummary>,
    pub suppressions: Option<noqa::Suppressions>,
}

impl FileResult {
    /// A copy that shares no memory with this one (`Arc`s included), made
    /// outside the file's parse region so that it outlives the region.
    fn detached(&self) -> FileResult {
        let mut copy = self.clone();
        for d in &mut copy.diagnostics {
            for related in &mut d.related {
                related.path = related.path.as_deref().map(Arc::from);
            }
        }
        copy
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

/// Checks one source text (per-file rules only). Pure: no file system access.
pub fn check_source(
    source: &str,
    module_name: Option<&str>,
    is_package: bool,
    rules: RuleSet,
    run: &RunContext,
) -> Vec<Diagnostic> {
    check_module(source, module_name, is_package, rules, run).diagnostics
}

/// Checks one source text as a project of its own: per-file rules plus the
/// project-wide rules on its summary. Pure: no file system access.
pub fn check_single_module(
    source: &str,
    module_name: Option<&str>,
    is_package: bool,
    rules: RuleSet,
    run: &RunContext,
) -> Vec<Diagnostic> {
    let result = check_module(source, module_name, is_package, rules, run);
    let mut diagnostics = result.diagnostics;
    let Some(summary) = result.summary else {
        return diagnostics;
    };
    let suppressions = result.suppressions;
    let suppressed = |_: usize, range: TextRange, code: &str| {
        suppressions
            .as_ref()
            .is_some_and(|s| s.suppresses(range.start(), code))
    };
    for finding in project::link::link(std::slice::from_ref(&summary), &[rules], &suppressed) {
        let d = finding.diagnostic;
        if !suppressed(0, d.range, d.rule.code) && !is_reported_directly(&diagnostics, &d) {
            diagnostics.push(d);
        }
    }
    diagnostics.sort_by_key(|d| (d.range.start(), d.rule.code));
    diagnostics
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
    .diagnostics
}

/// Checks one source text and summarises it for the project-wide pass.
pub fn check_module(
    source: &str,
    module_name: Option<&str>,
    is_package: bool,
    rules: RuleSet,
    run: &RunContext,
) -> FileResult {
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

fn check_parsed(
    source: &str,
    parsed: parse::ParsedModule,
    module_name: Option<&str>,
    is_notebook: bool,
    is_package: bool,
    rules: RuleSet,
    run: &RunContext,
) -> FileResult {
    let mut diagnostics = Vec::new();
    let mut summary = None;
    if let Some(error) = parsed.first_syntax_error() {
        if rules.contains(&SYNTAX_ERROR) {
            diagnostics.push(Diagnostic::new(
                &SYNTAX_ERROR,
                format!("Syntax error: {}", error.message),
                error.range,
            ));
        }
    } else {
        // SAFETY: the model owns what it builds (scopes and bindings that
        // borrow the tree) and touches no lazily made statics; it is dropped
        // before the tree.
        let model = unsafe {
            parse::arena::build_in_region(|| {
                semantic::build(parsed.body(), module_name, is_package)
            })
        };
        let mut checker = Checker::new(source, &model, run, rules);
        checker.is_notebook = is_notebook;
        checker.visit_body(parsed.body());
        let (found, module_summary) = checker.finish();
        diagnostics = found;
        summary = Some(module_summary);
    }
    let suppressions = memchr::memmem::find(source.as_bytes(), b"noqa")
        .or_else(|| memchr::memmem::find(source.as_bytes(), b"NOQA"))
        .and_then(|_| noqa::Suppressions::parse(source, parsed.comment_ranges()));
    if diagnostics.is_empty() {
        return FileResult {
            diagnostics,
            summary,
            suppressions,
        };
    }
    // One finding per (code, start): `sqlite3.connect(p).execute(q)` starts two
    // calls at the same offset.
    diagnostics.sort_by_key(|d| (d.range.start(), d.rule.code));
    diagnostics.dedup_by(|a, b| a.range.start() == b.range.start() && a.rule.code == b.rule.code);
    if let Some(s) = &suppressions {
        s.filter(&mut diagnostics);
    }
    FileResult {
        diagnostics,
        summary,
        suppressions,
    }
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
/// Without `keep_sources`, findings get their rows and columns right away
/// and the file texts are not kept (for output without source excerpts).
pub fn check_files(
    files: &[SourceFile],
    settings: &Settings,
    cwd: &Path,
    progress: &(dyn Fn() + Sync),
    keep_sources: bool,
) -> CheckRun {
    let run = RunContext::for_project(settings, files);
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(WORKER_STACK_BYTES)
        .build()
        .expect("cannot start worker threads");
    let results: Vec<Result<Checked, String>> = pool.install(|| {
        files
            .par_iter()
            // One file per job: rayon otherwise hands a worker a run of
            // files it cannot share, and the other worker idles at the end
            // (30 ms of one-worker tail on the corpus).
            .with_max_len(1)
            .map(|file| {
                let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
                    check_file(file, settings, &run, cwd, keep_sources)
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
    // The workers' last parse trees are not needed any more.
    pool.broadcast(|_| parse::arena::trim());
    let mut out = CheckRun {
        files: Vec::new(),
        checked: files.len(),
        internal_errors: Vec::new(),
    };
    let mut per_file: Vec<FileFindings> = Vec::with_capacity(results.len());
    let mut summaries = Vec::with_capacity(results.len());
    let mut suppressions = Vec::with_capacity(results.len());
    let mut summary_file = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok((findings, summary, supp)) => {
                if let Some(summary) = summary {
                    summaries.push(summary);
                    suppressions.push(supp);
                    summary_file.push(per_file.len());
                }
                per_file.push(findings);
            }
            Err(e) => out.internal_errors.push(e),
        }
    }
    if std::env::var_os("ASYNCDOCTOR_TIMINGS").is_some() {
        eprintln!("timing: before linking {:?}", peak_rss());
    }
    let link_started = std::time::Instant::now();
    let project_findings = {
        let rules: Vec<RuleSet> = summary_file
            .iter()
            .map(|&i| settings.rules_for(&per_file[i].path))
            .collect();
        let suppressed = |module: usize, range: TextRange, code: &str| {
            suppressions[module]
                .as_ref()
                .is_some_and(|s| s.suppresses(range.start(), code))
        };
        // On the same workers: linking resolves call sites in parallel.
        pool.install(|| project::link::link(&summaries, &rules, &suppressed))
    };
    let link_time = link_started.elapsed();
    if std::env::var_os("ASYNCDOCTOR_TIMINGS").is_some() {
        let functions: usize = summaries.iter().map(|m| m.functions.len()).sum();
        let calls: usize = summaries
            .iter()
            .flat_map(|m| &m.functions)
            .map(|f| f.calls.len())
            .sum();
        let references: usize = summaries.iter().map(|m| m.references.len()).sum();
        let rss = peak_rss();
        let with_noqa = suppressions.iter().filter(|s| s.is_some()).count();
        let kib = |f: &dyn Fn(&project::ModuleSummary) -> usize| {
            summaries.iter().map(f).sum::<usize>() / 1024
        };
        eprintln!(
            "timing: summaries: text {} KiB, calls {} KiB, functions {} KiB, classes {} KiB, exports {} KiB, extras {}",
            kib(&|m| m.text.capacity()),
            kib(&|m| m.calls.capacity() * std::mem::size_of::<project::CallSite>()),
            kib(&|m| m.functions.capacity() * std::mem::size_of::<project::FunctionSummary>()),
            kib(&|m| m.classes.capacity() * std::mem::size_of::<project::ClassSummary>()),
            kib(&|m| m.exports.capacity()
                * std::mem::size_of::<(project::StrRef, project::Export)>()),
            summaries
                .iter()
                .flat_map(|m| &m.functions)
                .filter(|f| f.extra.is_some())
                .count(),
        );
        eprintln!(
            "timing: AD508 pruning facts: params {} KiB, arguments {} KiB, keywords {} KiB, guards {} KiB, keyword masks {} KiB",
            kib(&|m| std::mem::size_of_val(&m.params[..])),
            kib(&|m| std::mem::size_of_val(&m.arg_facts[..])),
            kib(&|m| std::mem::size_of_val(&m.keyword_facts[..])),
            kib(&|m| std::mem::size_of_val(&m.call_guards[..])),
            kib(&|m| std::mem::size_of_val(&m.call_keywords[..])),
        );
        eprintln!("timing: peak RSS after linking {rss:?}, files with noqa: {with_noqa}");
        eprintln!(
            "timing: linking {link_time:?} ({} modules, {functions} functions, {calls} calls, {references} references)",
            summaries.len()
        );
    }
    // Freeing the summaries (~60k small allocations on the corpus) takes
    // about as long as all that follows: it is left to another thread.
    std::thread::spawn(move || drop(summaries));
    add_project_findings(
        &mut per_file,
        &summary_file,
        &suppressions,
        project_findings,
    );
    out.files = per_file
        .into_iter()
        .filter(|f| !f.diagnostics.is_empty())
        .collect();
    out
}

/// The process's peak resident memory so far (Linux), for `ASYNCDOCTOR_TIMINGS`.
fn peak_rss() -> Option<String> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find(|l| l.starts_with("VmHWM"))
        .map(|l| l.split_whitespace().skip(1).collect::<Vec<_>>().join(" "))
}

/// An AD508 on a call that a blocking rule (AD501–AD507, AD509) already
/// reports, e.g. a configured blocking function whose body also blocks.
fn is_reported_directly(existing: &[Diagnostic], candidate: &Diagnostic) -> bool {
    candidate.rule.code == "AD508"
        && existing
            .iter()
            .any(|d| d.range.start() == candidate.range.start() && d.rule.code.starts_with("AD5"))
}

/// Puts project-wide findings into their files: noqa applies; related
/// places get rows and columns from the files they point into.
fn add_project_findings(
    per_file: &mut [FileFindings],
    summary_file: &[usize],
    suppressions: &[Option<noqa::Suppressions>],
    findings: Vec<project::link::ProjectFinding>,
) {
    use crate::diagnostics::{LineIndex, RelatedSpan};
    let mut sources: rustc_hash::FxHashMap<usize, (Arc<str>, LineIndex)> =
        rustc_hash::FxHashMap::default();
    // Files with only project-wide findings were not kept: read them again.
    fn load(
        sources: &mut rustc_hash::FxHashMap<usize, (Arc<str>, LineIndex)>,
        file: usize,
        per_file: &mut [FileFindings],
    ) -> bool {
        if let std::collections::hash_map::Entry::Vacant(e) = sources.entry(file) {
            let f = &mut per_file[file];
            if f.source.is_empty() {
                match source::read_source(&f.path) {
                    Ok(text) => f.source = Arc::from(text),
                    Err(_) => return false,
                }
            }
            e.insert((f.source.clone(), LineIndex::new(&f.source)));
        }
        true
    }
    let mut added = Vec::new();
    for finding in findings {
        let file = summary_file[finding.module];
        if suppressions[finding.module].as_ref().is_some_and(|s| {
            s.suppresses(
                finding.diagnostic.range.start(),
                finding.diagnostic.rule.code,
            )
        }) {
            continue;
        }
        let mut diagnostic = finding.diagnostic;
        for (module, range, message) in finding.related {
            let related_file = summary_file[module];
            if !load(&mut sources, related_file, per_file) {
                continue;
            }
            let (text, index) = &sources[&related_file];
            diagnostic.related.push(RelatedSpan {
                path: (related_file != file).then(|| per_file[related_file].display.clone()),
                location: index.location(text, range.start()),
                message,
            });
        }
        if !load(&mut sources, file, per_file) {
            continue;
        }
        if is_reported_directly(&per_file[file].diagnostics, &diagnostic) {
            continue;
        }
        added.push((file, diagnostic));
    }
    for (file, diagnostic) in added {
        per_file[file].diagnostics.push(diagnostic);
    }
    for f in per_file.iter_mut() {
        f.diagnostics
            .sort_by_key(|d| (d.range.start(), d.rule.code));
    }
}

fn check_file(
    file: &SourceFile,
    settings: &Settings,
    run: &RunContext,
    cwd: &Path,
    keep_source: bool,
) -> Checked {
    let display: Arc<str> = display_path(&file.path, cwd).into();
    let rules = settings.rules_for(&file.path);
    if notebook::is_notebook(&file.path) {
        return check_notebook(file, display, rules, run, keep_source);
    }
    // The whole per-file pass, reading the file included, runs in the
    // thread's parse region: its many short-lived allocations cost a pointer
    // bump and are never freed one by one, the file's text reuses the same
    // pages file after file, and only the compact copy of the result below
    // reaches the long-lived heap.
    // SAFETY: reading and checking a module allocate nothing that outlives
    // them but the text and the result (the reader's per-thread record holds
    // no heap memory and is made just above): the rules' lazily made tables are
    // made when `run` is (`BlockingTable::new`), nothing is printed, and
    // `RunContext` is read-only here. The result is copied (`detached`), and
    // the text copied or dropped, before the region can be reused.
    source::prepare_thread();
    let pass = unsafe {
        parse::arena::build_in_region(|| {
            let text = source::read_source(&file.path);
            let result = text.as_ref().ok().map(|text| {
                check_module(
                    text,
                    file.module_name.as_deref(),
                    file.is_package,
                    rules,
                    run,
                )
            });
            (text, result)
        })
    };
    let (text, result) = match &*pass {
        (Ok(text), Some(result)) => (text, result.detached()),
        (Err(error), _) => {
            return (
                unreadable(file.path.clone(), display, error.to_string(), rules),
                None,
                None,
            );
        }
        (Ok(_), None) => unreachable!("checked whenever read"),
    };
    let mut findings = FileFindings {
        path: file.path.clone(),
        display,
        source: Arc::from(""),
        diagnostics: result.diagnostics,
        cell_starts: None,
    };
    if !findings.diagnostics.is_empty() {
        if keep_source {
            // Only kept when needed for rendering.
            findings.source = Arc::from(text.as_str());
        } else {
            findings.locate(text);
        }
    }
    drop(pass);
    let summary = result.summary.map(|mut s| {
        s.namespace_name = file.namespace_name.as_deref().map(Into::into);
        s
    });
    (findings, summary, result.suppressions)
}

/// A notebook: its cells are read and joined outside the parse region.
fn check_notebook(
    file: &SourceFile,
    display: Arc<str>,
    rules: RuleSet,
    run: &RunContext,
    keep_source: bool,
) -> Checked {
    let text = match source::read_source(&file.path) {
        Ok(text) => text,
        Err(error) => {
            return (
                unreadable(file.path.clone(), display, error.to_string(), rules),
                None,
                None,
            );
        }
    };
    let (text, cell_starts) = match notebook::extract(&text) {
        Ok(nb) => (nb.source, nb.cell_starts),
        Err(message) => {
            return (
                unreadable(file.path.clone(), display, message, rules),
                None,
                None,
            );
        }
    };
    let result = check_parsed(
        &text,
        parse::parse_ipython(&text),
        None,
        true,
        false,
        rules,
        run,
    );
    let mut findings = FileFindings {
        path: file.path.clone(),
        display,
        source: if result.diagnostics.is_empty() {
            Arc::from("")
        } else {
            Arc::from(text)
        },
        diagnostics: result.diagnostics,
        cell_starts: Some(cell_starts),
    };
    if !keep_source {
        findings.forget_source();
    }
    let summary = result.summary.map(|mut s| {
        s.namespace_name = file.namespace_name.as_deref().map(Into::into);
        s
    });
    (findings, summary, result.suppressions)
}

/// What checking one file gives: its findings, its summary for project-wide
/// analysis and its `# noqa` comments (both `None` when it did not parse).
type Checked = (
    FileFindings,
    Option<project::ModuleSummary>,
    Option<noqa::Suppressions>,
);

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Overrides;

    fn source_file(path: PathBuf) -> SourceFile {
        SourceFile {
            path,
            module_name: None,
            is_package: false,
            namespace_name: None,
        }
    }

    /// Files that cannot be read at check time (a directory where a file was
    /// expected, a file deleted after discovery) are AD002 findings, and the
    /// other files are still checked. Works as root, where permissions do not
    /// stop reads.
    #[test]
    fn unreadable_files_are_ad002_and_the_run_goes_on() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("good.py");
        std::fs::write(&good, "import time\nasync def f():\n    time.sleep(1)\n").unwrap();
        let a_dir = dir.path().join("pkg.py");
        std::fs::create_dir(&a_dir).unwrap();
        let gone = dir.path().join("gone.py");
        let settings = Settings::resolve(None, &Overrides::default(), dir.path()).unwrap();
        let files = vec![source_file(a_dir), source_file(gone), source_file(good)];
        let run = check_files(&files, &settings, dir.path(), &|| {}, true);
        assert!(run.internal_errors.is_empty(), "{:?}", run.internal_errors);
        assert_eq!(run.checked, 3);
        let mut found: Vec<(String, &str, String)> = run
            .files
            .iter()
            .flat_map(|f| {
                f.diagnostics
                    .iter()
                    .map(|d| (f.display.to_string(), d.rule.code, d.message.clone()))
            })
            .collect();
        found.sort();
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].0, "gone.py");
        assert_eq!(found[0].1, "AD002");
        assert!(
            found[0].2.starts_with("Cannot read the file: No such file"),
            "{found:?}"
        );
        assert_eq!(found[1].0, "good.py");
        assert_eq!(found[1].1, "AD501");
        assert_eq!(found[2].0, "pkg.py");
        assert_eq!(found[2].1, "AD002");
        assert!(
            found[2]
                .2
                .starts_with("Cannot read the file: Is a directory"),
            "{found:?}"
        );
    }

    /// `check_source` on a thread with the default 2 MiB test stack: the
    /// walks grow their own stack, so deep nesting does not overflow even
    /// outside the big-stack worker pool.
    #[test]
    fn deep_nesting_on_a_small_stack() {
        let settings = Settings::resolve(None, &Overrides::default(), Path::new(".")).unwrap();
        let run = RunContext::new(&settings);
        let n = 20_000;
        let src = format!(
            "import time\nasync def f():\n    x = {}time.sleep(1){}\n",
            "g(".repeat(n),
            ")".repeat(n)
        );
        let handle = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || check_source(&src, None, false, settings.rules, &run).len())
            .unwrap();
        assert_eq!(handle.join().unwrap(), 1);
    }
}
