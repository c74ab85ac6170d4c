//! Helpers shared by the integration tests: a temporary project directory
//! and a way to run the real binary in it.

#![allow(dead_code)]

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// One AD501 finding at 4:5.
pub const SLEEPY: &str = "import time\n\nasync def f():\n    time.sleep(1)\n";

/// No test run may hang (a FIFO read, a symlink loop): the binary is killed
/// after this long and the test fails.
const TIMEOUT: Duration = Duration::from_secs(120);

pub struct Project {
    dir: tempfile::TempDir,
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "exit code {}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

impl Project {
    pub fn new() -> Project {
        Project {
            dir: tempfile::tempdir().expect("temporary directory"),
        }
    }

    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        self.write_bytes(rel, text.as_bytes())
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(&path, bytes).unwrap();
        path
    }

    pub fn remove(&self, rel: &str) {
        std::fs::remove_file(self.path(rel)).unwrap();
    }

    /// `asyncdoctor check --no-progress ARGS` in the project root.
    pub fn check(&self, args: &[&str]) -> Output {
        self.check_in("", args)
    }

    /// `asyncdoctor check --no-progress ARGS` in a subdirectory.
    pub fn check_in(&self, sub: &str, args: &[&str]) -> Output {
        let mut all = vec!["check", "--no-progress"];
        all.extend_from_slice(args);
        run_in(&self.path(sub), &all)
    }

    /// `asyncdoctor ARGS` in the project root.
    pub fn run(&self, args: &[&str]) -> Output {
        run_in(self.root(), args)
    }
}

pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_asyncdoctor")
}

pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    let out = assert_cmd::Command::new(binary())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .timeout(TIMEOUT)
        .output()
        .expect("the binary runs");
    let output = Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert_no_crash(&output);
    output
}

/// Whatever the input: no panic, no abort, no internal error.
pub fn assert_no_crash(out: &Output) {
    assert!(
        out.code == 0 || out.code == 1 || out.code == 2,
        "crashed or was killed: {out}"
    );
    for bad in [
        "panicked",
        "internal error",
        "stack overflow",
        "RUST_BACKTRACE",
    ] {
        assert!(!out.stderr.contains(bad), "{bad}: {out}");
        assert!(!out.stdout.contains(bad), "{bad}: {out}");
    }
}

/// `path:line:col: CODE message`, the concise finding pattern.
pub fn looks_like_finding(line: &str) -> bool {
    let mut parts = line.splitn(4, ':');
    let (Some(_path), Some(row), Some(col), Some(rest)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    row.parse::<usize>().is_ok()
        && col.parse::<usize>().is_ok()
        && rest.starts_with(" AD")
        && rest.as_bytes().get(6) == Some(&b' ')
}
