//! Shared helpers for the `run` tests: drive the real binary with the real `python3`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_asyncdoctor")
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> String {
    format!("tests/fixtures/run/{name}")
}

/// Is `python3` there? (CI installs it; the tests need it.)
pub fn python() -> bool {
    Command::new("python3")
        .arg("-c")
        .arg("import sys; assert sys.version_info >= (3, 9)")
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

pub struct RunResult {
    pub output: Output,
    pub findings: Vec<serde_json::Value>,
    pub report: String,
}

impl RunResult {
    pub fn codes_at(&self) -> Vec<(String, String, u64)> {
        self.findings
            .iter()
            .map(|f| {
                (
                    f["code"].as_str().unwrap_or("").to_string(),
                    f["filename"].as_str().unwrap_or("").to_string(),
                    f["location"]["row"].as_u64().unwrap_or(0),
                )
            })
            .collect()
    }

    pub fn has(&self, code: &str, file: &str, row: u64) -> bool {
        self.codes_at()
            .iter()
            .any(|(c, f, r)| c == code && f == file && *r == row)
    }
}

/// `asyncdoctor run --output-format json --report FILE <opts> -- <cmd>`, in the repo root.
pub fn run_json(opts: &[&str], cmd: &[&str], env: &[(&str, &str)]) -> RunResult {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let mut c = Command::new(bin());
    c.current_dir(root())
        .arg("run")
        .args(["--output-format", "json", "--report"])
        .arg(&report)
        .args(opts)
        .arg("--")
        .args(cmd)
        .stdin(Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    let output = c.output().unwrap();
    let text = std::fs::read_to_string(&report).unwrap_or_default();
    let findings = serde_json::from_str::<Vec<serde_json::Value>>(&text).unwrap_or_default();
    RunResult {
        output,
        findings,
        report: text,
    }
}

/// Thresholds for fixtures that block their loop on purpose (0.2 s or more):
/// small, with generous margins.
pub const FAST: &[&str] = &["--block-threshold", "50ms", "--hang-threshold", "1s"];
/// Thresholds for every other fixture: a loaded CI machine may delay a loop
/// by tens of milliseconds, which must not become a finding there.
pub const QUIET: &[&str] = &["--block-threshold", "2s", "--hang-threshold", "1s"];

/// Fixtures whose expected finding is a loop stall.
const STALLING: &[&str] = &[
    "ad801_blocked.py",
    "ad801_direct.py",
    "spawns_child.py",
    "forks.py",
];

pub fn run_fixture(name: &str) -> RunResult {
    let f = fixture(name);
    let opts = if STALLING.contains(&name) {
        FAST
    } else {
        QUIET
    };
    run_json(opts, &["python3", &f], &[])
}

pub fn plain(cmd: &[&str], dir: &Path, stdin: &[u8], env: &[(&str, &str)]) -> Output {
    use std::io::Write;
    let mut c = Command::new(cmd[0]);
    c.args(&cmd[1..])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        c.env(k, v);
    }
    let mut child = c.spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}
