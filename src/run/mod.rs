//! `asyncdoctor run`: runs a Python program under a low-overhead harness and
//! reports what its event loops suffered (AD801–AD809); `asyncdoctor tasks PID`
//! shows the live task tree of a program started that way.
//!
//! The harness is a Python file kept in this repository
//! (`harness/asyncdoctor_harness.py`, loaded by a `sitecustomize.py` shim that
//! chains to any existing one), embedded in the binary and written at run time
//! to a per-user, per-version directory (`$TMPDIR/asyncdoctor-UID/harness-HASH`,
//! mode 0700, so Python can cache its bytecode; or this run's private temp dir)
//! put first on the program's `PYTHONPATH`. Every Python process of the command
//! (children included) connects to a Unix socket in this run's private temp dir
//! and sends versioned JSON lines ([`protocol`]), validated here.
//! The program's stdin, stdout and stderr are inherited, never piped through us.

pub mod child;
pub mod collect;
pub mod protocol;
pub mod report;
pub mod rules;
pub mod tasks;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::Duration;

use crate::diagnostics::render::{self, OutputFormat, Summary};

pub use tasks::{TasksArgs, tasks_main};

/// The harness, embedded from real `.py` files in the repository.
pub const HARNESS_PY: &str = include_str!("harness/asyncdoctor_harness.py");
pub const SITECUSTOMIZE_PY: &str = include_str!("harness/sitecustomize.py");

/// Where `asyncdoctor tasks PID` finds a process's control socket.
pub const CONTROL_DIR_ENV: &str = "ASYNCDOCTOR_CONTROL_DIR";

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Report a loop stall longer than this (`100ms`, `0.5s`).
    #[arg(long, default_value = "100ms", value_parser = parse_duration)]
    pub block_threshold: Duration,
    /// Report a hang when no task made progress for this long (`10s`).
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub hang_threshold: Duration,
    /// Also turn on asyncio debug mode and Python's development mode (`-X dev`)
    /// with coroutine origin tracking, at their cost.
    #[arg(long)]
    pub python_debug: bool,
    /// Output format of the report (default: full).
    #[arg(long, value_enum)]
    pub output_format: Option<OutputFormat>,
    /// Write the report to this file instead of stderr.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Exit with 1 if anything was found (otherwise the program's own exit code).
    #[arg(long)]
    pub fail_on_findings: bool,
    /// Do not look for matching static findings (`check`) near runtime findings.
    #[arg(long)]
    pub no_static: bool,
    /// The command to run, after `--` (e.g. `-- python app.py`, `-- pytest`).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
    pub command: Vec<String>,
}

/// `100ms`, `0.5s`, `2m`: a unit is required (a bare `100` is ambiguous).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let (num, scale) = if let Some(n) = t.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix('m') {
        (n, 60.0)
    } else {
        return Err(format!("`{t}`: give a unit, e.g. 100ms or 2s"));
    };
    let v: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("`{t}` is not a duration (e.g. 100ms or 2s)"))?;
    if !v.is_finite() || v <= 0.0 || v * scale > 86_400.0 {
        return Err(format!("`{t}` is out of range"));
    }
    Ok(Duration::from_secs_f64(v * scale))
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    anstream::eprintln!("asyncdoctor run: error: {message}");
    ExitCode::from(2)
}

/// The private directory for this run's channel socket.
fn prepare_dir() -> std::io::Result<tempfile::TempDir> {
    // tempfile creates the directory with mode 0700: only we (and the
    // program, which runs as us) can reach the socket.
    tempfile::Builder::new().prefix("asyncdoctor-").tempdir()
}

fn write_harness(dir: &std::path::Path) -> std::io::Result<()> {
    for (name, text) in [
        ("asyncdoctor_harness.py", HARNESS_PY),
        ("sitecustomize.py", SITECUSTOMIZE_PY),
    ] {
        let path = dir.join(name);
        if std::fs::read_to_string(&path).is_ok_and(|t| t == text) {
            continue;
        }
        // Atomically: a concurrent run never sees half a file.
        let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
        std::io::Write::write_all(&mut tmp, text.as_bytes())?;
        tmp.persist(&path).map_err(|e| e.error)?;
    }
    Ok(())
}

/// Where the harness files go: a per-version directory inside the per-user
/// control directory (so Python can cache their bytecode across runs), or
/// this run's private directory when that is not available.
fn harness_dir(private: &std::path::Path) -> std::io::Result<PathBuf> {
    if let Some(control) = ensure_control_dir() {
        // FNV-1a of the embedded files: one directory per harness version.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in HARNESS_PY.bytes().chain(SITECUSTOMIZE_PY.bytes()) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        let dir = control.join(format!("harness-{h:016x}"));
        let made = std::fs::create_dir(&dir);
        if (made.is_ok() || dir.is_dir()) && write_harness(&dir).is_ok() {
            return Ok(dir);
        }
    }
    write_harness(private)?;
    Ok(private.to_path_buf())
}

/// A directory only we can use, shared by every run: `tasks PID` looks there.
pub fn control_dir() -> PathBuf {
    let uid = nix::unistd::getuid().as_raw();
    std::env::temp_dir().join(format!("asyncdoctor-{uid}"))
}

fn ensure_control_dir() -> Option<PathBuf> {
    use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
    let dir = control_dir();
    let _ = std::fs::DirBuilder::new().mode(0o700).create(&dir);
    let meta = std::fs::symlink_metadata(&dir).ok()?;
    // Refuse a directory someone else made or opened up.
    if !meta.is_dir()
        || meta.uid() != nix::unistd::getuid().as_raw()
        || meta.permissions().mode() & 0o077 != 0
    {
        return None;
    }
    Some(dir)
}

pub fn main(args: RunArgs) -> ExitCode {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let dir = match prepare_dir() {
        Ok(d) => d,
        Err(e) => return fail(format!("cannot prepare the harness: {e}")),
    };
    let harness = match harness_dir(dir.path()) {
        Ok(h) => h,
        Err(e) => return fail(format!("cannot write the harness: {e}")),
    };
    let socket = dir.path().join("events.sock");
    let collector = match collect::Collector::start(&socket) {
        Ok(c) => c,
        Err(e) => return fail(format!("cannot open the harness channel: {e}")),
    };
    let signals = match child::install_signal_forwarding() {
        Ok(fd) => fd,
        Err(e) => return fail(format!("cannot install signal forwarding: {e}")),
    };

    let mut cmd = Command::new(&args.command[0]);
    cmd.args(&args.command[1..]);
    let mut pythonpath = std::ffi::OsString::from(&harness);
    if let Some(existing) = std::env::var_os("PYTHONPATH").filter(|p| !p.is_empty()) {
        pythonpath.push(":");
        pythonpath.push(existing);
    }
    cmd.env("PYTHONPATH", pythonpath);
    cmd.env("ASYNCDOCTOR_SOCKET", &socket);
    let config = serde_json::json!({
        "block_ms": args.block_threshold.as_secs_f64() * 1000.0,
        "hang_ms": args.hang_threshold.as_secs_f64() * 1000.0,
        "debug": args.python_debug,
    });
    cmd.env("ASYNCDOCTOR_CONFIG", config.to_string());
    if let Some(control) = ensure_control_dir() {
        cmd.env(CONTROL_DIR_ENV, control);
    }
    if args.python_debug {
        cmd.env("PYTHONASYNCIODEBUG", "1");
        cmd.env("PYTHONDEVMODE", "1");
    }

    let mut program = match child::spawn(&mut cmd) {
        Ok(c) => c,
        Err(e) => {
            return fail(format!("cannot start `{}`: {e}", args.command[0]));
        }
    };
    let pid = program.id();
    let _ = std::thread::Builder::new()
        .name("asyncdoctor-signals".into())
        .spawn(move || child::forward_signals(signals, pid));
    let status = match program.wait() {
        Ok(s) => s,
        Err(e) => return fail(format!("cannot wait for the program: {e}")),
    };
    let ending = child::Ending::from_status(status);
    let collected = collector.finish(Duration::from_secs(2));
    remove_stale_control_sockets(&collected);

    let (mut findings, summary) = report::build(&collected, &cwd, !args.no_static);
    crate::diagnostics::sort_findings(&mut findings);

    let format = args.output_format.unwrap_or(OutputFormat::Full);
    let written = match &args.report {
        Some(path) => std::fs::File::create(path).and_then(|f| {
            let mut out = std::io::BufWriter::new(f);
            write_report(&findings, &summary, format, &ending, &mut out, false)?;
            out.flush()
        }),
        None => {
            let stderr = std::io::stderr();
            let color = stderr.is_terminal() && std::env::var_os("NO_COLOR").is_none();
            let mut out = stderr.lock();
            write_report(&findings, &summary, format, &ending, &mut out, color)
        }
    };
    if let Err(e) = written {
        return fail(format!("cannot write the report: {e}"));
    }
    drop(dir);
    if args.fail_on_findings && !findings.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::from(ending.exit_code())
    }
}

/// A process that died without running its atexit handlers (a signal,
/// `os._exit`) leaves its control socket behind: remove those of our
/// processes that are gone.
fn remove_stale_control_sockets(collected: &collect::Collected) {
    let dir = control_dir();
    for m in &collected.messages {
        if let protocol::Event::Hello { .. } = m.event {
            let pid = nix::unistd::Pid::from_raw(m.pid as i32);
            if nix::sys::signal::kill(pid, None) == Err(nix::errno::Errno::ESRCH) {
                let _ = std::fs::remove_file(dir.join(format!("{}.sock", m.pid)));
            }
        }
    }
}

fn write_report(
    findings: &[crate::diagnostics::Finding],
    summary: &report::RunSummary,
    format: OutputFormat,
    ending: &child::Ending,
    out: &mut dyn Write,
    color: bool,
) -> std::io::Result<()> {
    let quiet = Summary {
        files_checked: 0,
        show: false,
    };
    render::render(findings, format, &quiet, out, color)?;
    if matches!(format, OutputFormat::Full | OutputFormat::Concise) {
        write!(
            out,
            "{}",
            summary.render(findings.len(), &ending.describe())
        )?;
    }
    Ok(())
}
