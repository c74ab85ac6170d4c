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
    /// Do not look for the code the input points at.
    #[arg(long)]
    pub no_locate: bool,
    /// Exit with 1 when a known problem was found.
    #[arg(long)]
    pub fail_on_findings: bool,
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
    let analysis = match analysis {
        Ok(a) => a,
        Err(e) => return fail(format!("cannot read the input: {e}")),
    };

    let root = args
        .root
        .clone()
        .or_else(|| std::env::current_dir().ok())
        .unwrap_or_else(|| PathBuf::from("."));
    if args.root.is_some() && !root.is_dir() {
        return fail(format!("--root {}: not a directory", root.display()));
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
