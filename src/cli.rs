//! Command-line glue: parses arguments (clap) and hands over to the faces.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::check::{self, discovery};
use crate::config::{self, Overrides, Settings};
use crate::diagnostics::render::{self, OutputFormat, Summary};
use crate::diagnostics::{self, Finding};
use crate::registry::{self, ALL_RULES};

#[derive(Parser)]
#[command(
    name = "asyncdoctor",
    version,
    about = "Finds, explains and observes asyncio bugs in Python programs"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check Python files for asyncio bugs (static analysis).
    Check(CheckArgs),
    /// Show the documentation of one rule.
    Rule {
        /// A code (`AD501`) or a rule name (`blocking-sleep`).
        code: String,
    },
    /// List all rules.
    Rules {
        #[arg(long, value_enum, default_value = "text")]
        output_format: ListFormat,
    },
    /// Explain a traceback or log: the known problem, its cause and fix.
    Explain(crate::explain::ExplainArgs),
    /// Run a Python program under the runtime harness and report what happened.
    Run(crate::run::RunArgs),
    /// Show the live task tree of a program started under `asyncdoctor run`.
    Tasks(crate::run::TasksArgs),
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ListFormat {
    Text,
    Json,
}

#[derive(Args)]
struct CheckArgs {
    /// Files or directories to check (default: the current directory).
    paths: Vec<PathBuf>,
    /// Rules to enable, replacing the configured set (codes, prefixes, names or ALL).
    #[arg(long, value_delimiter = ',')]
    select: Option<Vec<String>>,
    /// Rules to disable.
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Rules to enable in addition to the configured set.
    #[arg(long, value_delimiter = ',')]
    extend_select: Vec<String>,
    /// Glob patterns to exclude, replacing the defaults and the config.
    #[arg(long, value_delimiter = ',')]
    exclude: Option<Vec<String>>,
    /// Glob patterns to exclude in addition.
    #[arg(long, value_delimiter = ',')]
    extend_exclude: Vec<String>,
    /// The oldest Python version the code must run on (`py39`, `3.11`).
    #[arg(long)]
    target_version: Option<String>,
    /// Output format (default: full on a terminal, concise otherwise).
    #[arg(long, value_enum)]
    output_format: Option<OutputFormat>,
    /// Exit with 0 even when there are findings.
    #[arg(long)]
    exit_zero: bool,
    /// Show the number of findings per rule instead of the findings.
    #[arg(long)]
    statistics: bool,
    /// Print findings only: no summary line.
    #[arg(long, short)]
    quiet: bool,
    /// Never show a progress bar.
    #[arg(long)]
    no_progress: bool,
    /// Use this config file instead of discovering one.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Ignore all config files.
    #[arg(long, conflicts_with = "config")]
    isolated: bool,
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Check(args) => run_check(args),
        Command::Rule { code } => show_rule(&code),
        Command::Rules { output_format } => list_rules(output_format),
        Command::Explain(args) => crate::explain::main(args),
        Command::Run(args) => crate::run::main(args),
        Command::Tasks(args) => crate::run::tasks_main(args),
    }
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    anstream::eprintln!("asyncdoctor: error: {message}");
    ExitCode::from(2)
}

fn run_check(args: CheckArgs) -> ExitCode {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    for p in &paths {
        if std::fs::symlink_metadata(p).is_err() {
            return fail(format!("{}: no such file or directory", p.display()));
        }
    }
    let config_file = if args.isolated {
        None
    } else if let Some(explicit) = &args.config {
        match config::load_file(explicit) {
            Ok(Some(c)) => Some(c),
            Ok(None) => {
                return fail(format!(
                    "{}: has no [tool.asyncdoctor] table",
                    explicit.display()
                ));
            }
            Err(e) => return fail(e),
        }
    } else {
        // The closest config to the first checked path (all paths share one run).
        match config::discover(&paths[0]) {
            Ok(c) => c,
            Err(e) => return fail(e),
        }
    };
    let overrides = Overrides {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        extend_select: args.extend_select.clone(),
        exclude: args.exclude.clone(),
        extend_exclude: args.extend_exclude.clone(),
        target_version: args.target_version.clone(),
    };
    let settings = match Settings::resolve(config_file.as_ref(), &overrides, &cwd) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };

    let timings = std::env::var_os("ASYNCDOCTOR_TIMINGS").is_some();
    let started = std::time::Instant::now();
    let excludes = discovery::Excludes::new(&settings.exclude, &settings.root);
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for p in &paths {
        discovery::walk(p, &excludes, &mut files, &mut problems);
    }
    if timings {
        eprintln!("timing: walk {:?}", started.elapsed());
    }
    let sources = discovery::with_module_names(files);
    if timings {
        eprintln!(
            "timing: discovery {:?} ({} files)",
            started.elapsed(),
            sources.len()
        );
    }

    let show_progress = !args.no_progress && std::io::stderr().is_terminal() && sources.len() > 200;
    let bar = show_progress.then(|| {
        let bar = indicatif::ProgressBar::new(sources.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} checking {pos}/{len} files {wide_bar} {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let tick = || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let stdout_terminal = std::io::stdout().is_terminal();
    let format = args.output_format.unwrap_or(if stdout_terminal {
        OutputFormat::Full
    } else {
        OutputFormat::Concise
    });
    let with_snippets = format == OutputFormat::Full && !args.statistics;
    let mut result = check::check_files(&sources, &settings, &cwd, &tick, with_snippets);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if timings {
        eprintln!("timing: checked at {:?}", started.elapsed());
    }
    for problem in problems {
        let display = check::display_path(&problem.path, &cwd);
        result.files.push(check::unreadable(
            problem.path,
            display.into(),
            problem.message,
            settings.rules,
        ));
    }

    let mut findings: Vec<Finding> = result
        .files
        .iter()
        .flat_map(|f| f.resolve(with_snippets))
        .collect();
    diagnostics::sort_findings(&mut findings);

    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = if args.statistics {
        render::statistics(&findings, &mut out)
    } else {
        let summary = Summary {
            files_checked: result.checked,
            show: !args.quiet,
        };
        let color = stdout_terminal && std::env::var_os("NO_COLOR").is_none();
        render::render(&findings, format, &summary, &mut out, color)
    };
    let flushed = written.and_then(|_| out.flush());
    drop(out);
    if let Err(e) = flushed
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return fail(format!("cannot write output: {e}"));
    }
    for e in &result.internal_errors {
        anstream::eprintln!("asyncdoctor: error: {e}");
    }
    if !result.internal_errors.is_empty() {
        ExitCode::from(2)
    } else if findings.is_empty() || args.exit_zero {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn show_rule(code: &str) -> ExitCode {
    match registry::by_code(code) {
        Some(rule) => {
            println!("# {} ({})\n", rule.name, rule.code);
            if !rule.default_enabled {
                println!("*Opt-in*: enable with `--select {}`.\n", rule.code);
            }
            print!("{}", rule.documentation());
            if let Some(entry) = crate::knowledge::get(rule.knowledge) {
                println!("\n## Knowledge base: `{}`\n{}", entry.id, entry.title);
                println!("Explain: `asyncdoctor explain --id {}`", entry.id);
            }
            ExitCode::SUCCESS
        }
        None => fail(format!(
            "unknown rule `{code}`: `asyncdoctor rules` lists them"
        )),
    }
}

fn list_rules(format: ListFormat) -> ExitCode {
    match format {
        ListFormat::Text => {
            for r in ALL_RULES {
                let flag = match (r.origin, r.default_enabled) {
                    (registry::Origin::Runtime, _) => "run",
                    (_, true) => "on",
                    (_, false) => "opt-in",
                };
                let summary = r.summary();
                // The first sentence: one line per rule on a terminal.
                let first = summary
                    .split(". ")
                    .next()
                    .unwrap_or(&summary)
                    .trim_end_matches('.');
                println!("{:<6} {:<34} {:<7} {first}", r.code, r.name, flag);
            }
        }
        ListFormat::Json => {
            let rules: Vec<_> = ALL_RULES
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "code": r.code,
                        "name": r.name,
                        "summary": r.summary(),
                        "default": r.default_enabled,
                        "origin": r.origin,
                        "knowledge": r.knowledge,
                        "help": r.help(),
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&rules).unwrap_or_default()
            );
        }
    }
    ExitCode::SUCCESS
}

#[allow(dead_code)]
fn is_dir(p: &Path) -> bool {
    p.is_dir()
}
