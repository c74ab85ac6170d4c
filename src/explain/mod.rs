//! `asyncdoctor explain`: reads a traceback or a log and names the known
//! asyncio problem, its cause, how to check it, the fix (for the Python
//! version the input shows) and, when the input's frames name files of the
//! project, the line in the user's code and the checker's nearest findings.
//!
//! Modules, in pipeline order:
//! - [`input`]: streaming, bounded-memory line scanner with a trigger-word
//!   fast path;
//! - [`normalize`]: ANSI codes, timestamps, logger/pytest/docker prefixes;
//! - [`traceback`]: the traceback model (chains, groups, frames) and its
//!   streaming assembler;
//! - [`signatures`]: exception/log-line → knowledge-base id (with the table
//!   of message variants covered);
//! - [`analyze`]: the pipeline and aggregation of findings;
//! - [`versions`]: the Python version an input shows, version-aware fixes;
//! - [`locate`]: resolving frames to project files, ranking checker findings,
//!   searching un-awaited calls;
//! - [`render`]: human and JSON output.
//!
//! Crates: `aho-corasick` (SIMD multi-literal search: the scanner's trigger
//! words and the signature-word prefilter), `memchr` (newline counting and
//! substring finders), `regex` (captures on the few lines that pass the
//! prefilters; its lazy DFA keeps them linear-time whatever the input). All
//! three are maintained by the same author and were already in the
//! dependency tree through `globset`/`ignore`.
//!
//! Exit status: 0 when the input was analysed (whether or not something was
//! found: a log with no known problem is not an error), 1 when
//! `--fail-on-findings` is given and something was found, 2 for usage and
//! I/O errors.

pub mod analyze;
pub mod input;
pub mod locate;
pub mod normalize;
pub mod render;
pub mod signatures;
pub mod traceback;
pub mod versions;

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExplainFormat {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Exit status: 0 when the input was analysed (found or not), 1 with --fail-on-findings when a known problem was found, 2 for usage and I/O errors."
)]
pub struct ExplainArgs {
    /// A file to read (a traceback, a log of any size), or `-` for standard
    /// input. Without a FILE and without --text, standard input is read.
    #[arg(conflicts_with_all = ["text", "list", "id"])]
    pub input: Option<PathBuf>,
    /// Explain this text instead of a file.
    #[arg(long, conflicts_with_all = ["list", "id"])]
    pub text: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    pub output_format: ExplainFormat,
    /// List every known problem id with its title.
    #[arg(long, conflicts_with = "id")]
    pub list: bool,
    /// Show one knowledge-base entry (e.g. `task-destroyed-pending`).
    #[arg(long, value_name = "ID")]
    pub id: Option<String>,
    /// The project directory frames are resolved against (default: the
    /// current directory).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// The Python version the input came from (`3.10`, `py311`), for the
    /// version-specific part of fixes. Default: what the input shows
    /// (interpreter paths, banners), else the project's configured
    /// target-version / requires-python.
    #[arg(long, value_name = "VERSION")]
    pub python: Option<String>,
    /// Do not look for the code the input points at.
    #[arg(long)]
    pub no_locate: bool,
    /// Exit with 1 when a known problem was found.
    #[arg(long)]
    pub fail_on_findings: bool,
}

/// The project's configured target version (`target-version`,
/// `requires-python`), when one is configured.
fn project_target(root: &std::path::Path) -> Option<u8> {
    let config = crate::config::discover(root).ok().flatten()?;
    let settings =
        crate::config::Settings::resolve(Some(&config), &crate::config::Overrides::default(), root)
            .ok()?;
    (settings.target_version_source != "the default").then_some(settings.target_version.minor)
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    anstream::eprintln!("asyncdoctor explain: error: {message}");
    ExitCode::from(2)
}

fn finish(result: std::io::Result<()>) -> Option<ExitCode> {
    match result {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Some(fail(format!("cannot write output: {e}")))
        }
        _ => None,
    }
}

pub fn main(args: ExplainArgs) -> ExitCode {
    let json = args.output_format == ExplainFormat::Json;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.list {
        let r = render::list(&mut out, json).and_then(|_| out.flush());
        return finish(r).unwrap_or(ExitCode::SUCCESS);
    }
    if let Some(id) = &args.id {
        let Some(entry) = crate::knowledge::get(id) else {
            return fail(format!(
                "unknown id `{id}`: `asyncdoctor explain --list` lists them"
            ));
        };
        let r = render::entry(entry, &mut out, json).and_then(|_| out.flush());
        return finish(r).unwrap_or(ExitCode::SUCCESS);
    }

    let analysis = if let Some(text) = &args.text {
        analyze::analyze(text.as_bytes())
    } else {
        match args.input.as_deref() {
            Some(p) if p.as_os_str() != "-" => match std::fs::File::open(p) {
                Ok(f) => {
                    if f.metadata().is_ok_and(|m| m.is_dir()) {
                        return fail(format!("{}: is a directory", p.display()));
                    }
                    analyze::analyze(f)
                }
                Err(e) => return fail(format!("{}: {e}", p.display())),
            },
            _ => {
                let stdin = std::io::stdin();
                if args.input.is_none() && stdin.is_terminal() {
                    return fail(
                        "nothing to explain: give a FILE, `-` (standard input) or --text \"...\"",
                    );
                }
                analyze::analyze(stdin.lock().by_ref())
            }
        }
    };
    let mut analysis = match analysis {
        Ok(a) => a,
        Err(e) => return fail(format!("cannot read the input: {e}")),
    };
    let explicit = match args
        .python
        .as_deref()
        .map(crate::config::PythonVersion::parse)
    {
        Some(Some(v)) => Some(v.minor),
        Some(None) => {
            return fail(format!(
                "--python {}: not a Python version asyncdoctor knows (3.8 to 3.14)",
                args.python.as_deref().unwrap_or("")
            ));
        }
        None => None,
    };

    let root = args
        .root
        .clone()
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."));
    if args.root.is_some() && !root.is_dir() {
        return fail(format!("--root {}: not a directory", root.display()));
    }
    // The version for fixes: --python, else the input's, else the project's
    // configured oldest version (what the fix must work on).
    let project_minor =
        if explicit.is_none() && analysis.findings.iter().any(|f| !f.python.is_known()) {
            project_target(&root)
        } else {
            None
        };
    for f in &mut analysis.findings {
        if let Some(m) = explicit {
            f.python = versions::PyVersion::exact(m);
            f.python_source = Some("--python");
        } else if !f.python.is_known()
            && let Some(m) = project_minor
        {
            f.python = versions::PyVersion::exact(m);
            f.python_source = Some("the project's target-version");
        }
    }
    let mut locator =
        (!args.no_locate && !analysis.findings.is_empty()).then(|| locate::Locator::new(&root));
    let reports: Vec<render::Report> = analysis
        .findings
        .iter()
        .filter_map(|f| {
            let located = locator.as_mut().map(|l| l.locate(f)).unwrap_or_default();
            render::report(f, located)
        })
        .collect();

    let color = !json && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let written = if json {
        render::json(&reports, &mut out)
    } else {
        render::human(&reports, &analysis, &mut out, color, !args.no_locate)
    };
    if let Some(code) = finish(written.and_then(|_| out.flush())) {
        return code;
    }
    if args.fail_on_findings && !reports.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
