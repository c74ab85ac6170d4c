//! Shared helpers for the `run` tests: drive the real binary with the real `python3`.
#![allow(dead_code)]

/// Returns from a test (saying so) when there is no `python3` at all.
macro_rules! skip_without_python {
    () => {
        if !python() {
            eprintln!("python3 not found: skipped");
            return;
        }
    };
}

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

/// One Python interpreter the multi-version tests run under.
#[derive(Clone, Debug)]
pub struct Py {
    /// What to run: a command name or a path.
    pub exe: String,
    /// `sys.version_info` as (major, minor, micro).
    pub version: (u32, u32, u32),
}

impl Py {
    /// "3.12.1"
    pub fn label(&self) -> String {
        let (a, b, c) = self.version;
        format!("{a}.{b}.{c}")
    }

    pub fn at_least(&self, minor: u32) -> bool {
        self.version.0 == 3 && self.version.1 >= minor
    }
}

/// The interpreters found for the multi-version tests, and what was asked
/// for but could not be used.
pub struct Interpreters {
    pub found: Vec<Py>,
    pub unusable: Vec<String>,
}

/// The versions the harness supports; each one found is tested.
const SUPPORTED_MINORS: std::ops::RangeInclusive<u32> = 9..=14;

/// Runs `exe` to learn its version; None if it does not run or is not a
/// supported CPython (e.g. a pyenv shim for a version that is not selected).
fn probe(exe: &str) -> Option<Py> {
    let out = Command::new(exe)
        .args([
            "-c",
            "import sys; print(sys.implementation.name, *sys.version_info[:3])",
        ])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut words = text.split_whitespace();
    if words.next()? != "cpython" {
        return None;
    }
    let mut num = || words.next()?.parse::<u32>().ok();
    let version = (num()?, num()?, num()?);
    (version.0 == 3 && SUPPORTED_MINORS.contains(&version.1)).then(|| Py {
        exe: exe.to_string(),
        version,
    })
}

/// `$(pyenv root)/versions/3.M*/bin/python`, newest patch release first.
fn pyenv_candidates(minor: u32) -> Vec<String> {
    let Some(root) = Command::new("pyenv")
        .arg("root")
        .stderr(Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(Path::new(&root).join("versions")) else {
        return Vec::new();
    };
    let prefix = format!("3.{minor}.");
    let mut found: Vec<(u32, String)> = entries
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let micro = name.strip_prefix(&prefix)?.parse::<u32>().ok()?;
            let exe = e.path().join("bin").join("python");
            exe.is_file()
                .then(|| (micro, exe.to_string_lossy().into_owned()))
        })
        .collect();
    found.sort_by_key(|f| std::cmp::Reverse(f.0));
    found.into_iter().map(|(_, exe)| exe).collect()
}

fn discover() -> Interpreters {
    let mut found: Vec<Py> = Vec::new();
    let mut unusable = Vec::new();
    let requested = std::env::var("ASYNCDOCTOR_TEST_PYTHONS").unwrap_or_default();
    if !requested.trim().is_empty() {
        // An explicit list: each one is used, even two of the same version.
        for exe in requested.split([',', ':', ' ', '\n', '\t']) {
            if exe.is_empty() || found.iter().any(|p| p.exe == exe) {
                continue;
            }
            match probe(exe) {
                Some(py) => found.push(py),
                None => unusable.push(format!("{exe} (does not run, or not CPython 3.9-3.14)")),
            }
        }
        return Interpreters { found, unusable };
    }
    // Default: python3, then one interpreter per other supported version.
    if let Some(py) = probe("python3") {
        found.push(py);
    }
    for minor in SUPPORTED_MINORS {
        if found.iter().any(|p| p.version.1 == minor) {
            continue;
        }
        let mut candidates = vec![format!("python3.{minor}")];
        candidates.extend(pyenv_candidates(minor));
        match candidates
            .iter()
            .find_map(|c| probe(c).filter(|p| p.version.1 == minor))
        {
            Some(py) => found.push(py),
            None => unusable.push(format!("3.{minor} (not found)")),
        }
    }
    Interpreters { found, unusable }
}

/// The interpreters to test with (`ASYNCDOCTOR_TEST_PYTHONS`, a list of
/// executables separated by commas, colons or spaces; default: `python3`
/// plus python3.9-3.14 found on PATH or in pyenv). Said once per test binary
/// on stderr, outside the test harness's capture so it shows in every run.
pub fn interpreters() -> &'static Interpreters {
    static FOUND: std::sync::OnceLock<Interpreters> = std::sync::OnceLock::new();
    FOUND.get_or_init(|| {
        let found = discover();
        let used: Vec<String> = found
            .found
            .iter()
            .map(|p| format!("{} ({})", p.label(), p.exe))
            .collect();
        say(&format!(
            "run tests: Python interpreters: {}; skipped: {}",
            if used.is_empty() {
                "none".into()
            } else {
                used.join(", ")
            },
            if found.unusable.is_empty() {
                "none".into()
            } else {
                found.unusable.join(", ")
            },
        ));
        found
    })
}

/// A line on the real stderr (libtest captures only `eprintln!`).
pub fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Runs `check` once per interpreter at least 3.`min_minor`, each in turn,
/// and fails if it failed on any of them (naming each one it failed on).
/// The interpreters skipped for this test are said on stderr.
pub fn on_each_python(test: &str, min_minor: u32, why: &str, check: impl Fn(&Py)) {
    let all = &interpreters().found;
    let (run, skipped): (Vec<&Py>, Vec<&Py>) = all.iter().partition(|p| p.at_least(min_minor));
    if !skipped.is_empty() {
        let names: Vec<String> = skipped.iter().map(|p| p.label()).collect();
        say(&format!("{test}: skipped on {} ({why})", names.join(", ")));
    }
    if run.is_empty() {
        say(&format!("{test}: no interpreter to run it with: skipped"));
        return;
    }
    let mut failed = Vec::new();
    for py in run {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(py)));
        if result.is_err() {
            failed.push(format!("{} ({})", py.label(), py.exe));
        }
    }
    assert!(
        failed.is_empty(),
        "{test} failed on: {} (each failure's message is above)",
        failed.join(", ")
    );
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
    run_fixture_with("python3", name)
}

pub fn run_fixture_with(python: &str, name: &str) -> RunResult {
    let f = fixture(name);
    let opts = if STALLING.contains(&name) {
        FAST
    } else {
        QUIET
    };
    run_json(opts, &[python, &f], &[])
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
