//! `asyncdoctor tasks PID`: the live task tree of a program started under
//! `asyncdoctor run` (any supported Python version, unlike 3.14's
//! `python -m asyncio pstree`). The harness in that process listens on a Unix
//! socket in the per-user control directory; the reply is validated like every
//! other harness message.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use serde::Deserialize;

use super::protocol::{self, TaskInfo};

#[derive(Debug, clap::Args)]
pub struct TasksArgs {
    /// The process id of a Python process started under `asyncdoctor run`.
    pub pid: u32,
    /// Refresh until the process ends.
    #[arg(long)]
    pub watch: bool,
    /// Refresh interval with `--watch`.
    #[arg(long, default_value = "1s", value_parser = super::parse_duration)]
    pub interval: Duration,
    /// Print the harness's reply as JSON instead of a tree.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Deserialize)]
pub struct Snapshot {
    pub v: u64,
    pub pid: u32,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub loops: Vec<LoopSnapshot>,
}

#[derive(Debug, Deserialize)]
pub struct LoopSnapshot {
    #[serde(rename = "impl")]
    pub implementation: String,
    #[serde(default)]
    pub running: bool,
    #[serde(default)]
    pub off_loop: bool,
    #[serde(default)]
    pub tasks: Vec<LiveTask>,
}

#[derive(Debug, Deserialize)]
pub struct LiveTask {
    #[serde(flatten)]
    pub info: TaskInfo,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub awaits: Vec<String>,
}

pub fn query(dir: &Path, pid: u32) -> Result<(String, Snapshot), String> {
    let path = dir.join(format!("{pid}.sock"));
    let mut stream = UnixStream::connect(&path).map_err(|e| {
        format!(
            "cannot reach process {pid} ({e}): is it a Python process started under `asyncdoctor run` with an event loop?"
        )
    })?;
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .map_err(|e| e.to_string())?;
    stream
        .write_all(format!("{{\"v\":{},\"cmd\":\"tasks\"}}\n", protocol::VERSION).as_bytes())
        .map_err(|e| format!("cannot send the request: {e}"))?;
    let mut line = Vec::new();
    BufReader::new(stream)
        .take(protocol::MAX_LINE as u64 * 8)
        .read_until(b'\n', &mut line)
        .map_err(|e| format!("no reply: {e}"))?;
    let text = String::from_utf8(line).map_err(|_| "reply is not UTF-8".to_string())?;
    let snap: Snapshot =
        serde_json::from_str(text.trim_end()).map_err(|e| format!("malformed reply: {e}"))?;
    if snap.v != protocol::VERSION {
        return Err(format!("protocol version {} not supported", snap.v));
    }
    if snap.pid != pid {
        return Err(format!("reply from pid {} instead of {pid}", snap.pid));
    }
    if let Some(e) = &snap.error {
        return Err(format!("the harness refused: {e}"));
    }
    Ok((text, snap))
}

fn frame_text(f: &protocol::Frame, cwd: &Path) -> String {
    let shown = crate::check::display_path(Path::new(&f.file), cwd);
    format!("{shown}:{} in {}", f.line, f.func)
}

pub fn render(snap: &Snapshot, cwd: &Path) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "process {}", snap.pid);
    if snap.loops.is_empty() {
        let _ = writeln!(out, "  no event loop");
    }
    for lp in &snap.loops {
        let _ = writeln!(
            out,
            "└─ loop {}{}{}",
            lp.implementation,
            if lp.running { "" } else { " (not running)" },
            if lp.off_loop {
                " (busy: read from another thread)"
            } else {
                ""
            }
        );
        let by_name: HashMap<&str, &LiveTask> =
            lp.tasks.iter().map(|t| (t.info.name.as_str(), t)).collect();
        let awaited: HashSet<&str> = lp
            .tasks
            .iter()
            .flat_map(|t| t.awaits.iter().map(|s| s.as_str()))
            .collect();
        let mut roots: Vec<&LiveTask> = lp
            .tasks
            .iter()
            .filter(|t| !awaited.contains(t.info.name.as_str()))
            .collect();
        roots.sort_by(|a, b| {
            b.info
                .age_ms
                .cmp(&a.info.age_ms)
                .then(a.info.name.cmp(&b.info.name))
        });
        let mut seen = HashSet::new();
        for t in roots {
            node(&mut out, t, &by_name, "   ", cwd, &mut seen);
        }
    }
    out
}

fn node<'a>(
    out: &mut String,
    t: &'a LiveTask,
    by_name: &HashMap<&str, &'a LiveTask>,
    indent: &str,
    cwd: &Path,
    seen: &mut HashSet<&'a str>,
) {
    if !seen.insert(t.info.name.as_str()) {
        return;
    }
    let age = t
        .info
        .age_ms
        .map(|a| format!(", {:.1} s", a as f64 / 1000.0))
        .unwrap_or_default();
    let waits = t
        .info
        .waits_on
        .as_ref()
        .filter(|w| !w.what.is_empty())
        .map(|w| format!(", waits on {}", w.what))
        .unwrap_or_default();
    let _ = writeln!(
        out,
        "{indent}└─ {} `{}` [{}{age}{waits}]",
        t.info.name, t.info.coro, t.state
    );
    if let Some(site) = &t.info.site {
        let _ = writeln!(out, "{indent}     created at {}", frame_text(site, cwd));
    }
    for f in t.info.chain.iter().filter(|f| f.user) {
        let _ = writeln!(out, "{indent}     awaiting {}", frame_text(f, cwd));
    }
    let deeper = format!("{indent}   ");
    for child in &t.awaits {
        if let Some(c) = by_name.get(child.as_str()) {
            node(out, c, by_name, &deeper, cwd, seen);
        }
    }
}

pub fn tasks_main(args: TasksArgs) -> ExitCode {
    let dir = super::control_dir();
    let cwd = std::env::current_dir().unwrap_or_else(|_| ".".into());
    let mut first = true;
    loop {
        match query(&dir, args.pid) {
            Ok((raw, snap)) => {
                if args.watch {
                    print!("\x1b[2J\x1b[H");
                }
                if args.json {
                    print!("{raw}");
                } else {
                    print!("{}", render(&snap, &cwd));
                }
                let _ = std::io::stdout().flush();
            }
            Err(e) => {
                if first || !args.watch {
                    anstream::eprintln!("asyncdoctor tasks: error: {e}");
                    return ExitCode::from(2);
                }
                // The process ended while we watched.
                return ExitCode::SUCCESS;
            }
        }
        first = false;
        if !args.watch {
            return ExitCode::SUCCESS;
        }
        std::thread::sleep(args.interval);
    }
}
