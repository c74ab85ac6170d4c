//! Bad input on the real binary: every case gives a clear message, never a
//! panic, and the run goes on with the other files.

mod common;

use common::{Project, SLEEPY};

/// Checks `bad` next to a good file: the good file's finding must be there
/// too (the run went on), and the bad file's line must contain `expected`.
fn check_beside_good(p: &Project, bad: &str, expected: &str) -> common::Output {
    p.write("good.py", SLEEPY);
    let out = p.check(&["--quiet", bad, "good.py"]);
    assert_eq!(out.code, 1, "{out}");
    assert!(
        out.stdout
            .contains("good.py:4:5: AD501 `time.sleep()` blocks the event loop"),
        "the run must go on: {out}"
    );
    let line = out
        .stdout
        .lines()
        .find(|l| l.starts_with(bad))
        .unwrap_or_else(|| panic!("nothing reported for {bad}: {out}"));
    assert!(line.contains(expected), "{line}");
    out
}

#[test]
fn syntax_error() {
    let p = Project::new();
    p.write("bad.py", "async def f(:\n    pass\n");
    check_beside_good(
        &p,
        "bad.py",
        "bad.py:1:13: AD001 Syntax error: Expected a parameter or the end of the parameter list",
    );
}

#[test]
fn unterminated_string_and_unbalanced_brackets() {
    let p = Project::new();
    p.write("s.py", "x = 'abc\n");
    check_beside_good(&p, "s.py", "s.py:1:5: AD001 Syntax error:");
    p.write("b.py", "x = [1, 2\ny = (\n");
    check_beside_good(&p, "b.py", "AD001 Syntax error:");
    p.write("i.py", "def f():\n  x = 1\n    y = 2\n");
    check_beside_good(&p, "i.py", "i.py:3:");
}

#[test]
fn python2_file() {
    let p = Project::new();
    p.write("py2.py", "print \"hello\"\nexec \"x = 1\"\n");
    check_beside_good(
        &p,
        "py2.py",
        "py2.py:1:7: AD001 Syntax error: Simple statements must be separated by newlines or semicolons",
    );
    for (name, src, expected) in [
        (
            "raise.py",
            "raise ValueError, \"bad\"\n",
            "raise.py:1:7: AD001 Syntax error:",
        ),
        (
            "octal.py",
            "x = 0777\n",
            "octal.py:1:5: AD001 Syntax error: Invalid decimal integer literal",
        ),
        (
            "backtick.py",
            "x = `1`\n",
            "backtick.py:1:5: AD001 Syntax error:",
        ),
        (
            "tuple_param.py",
            "def f((a, b)):\n    pass\n",
            "tuple_param.py:1:7: AD001 Syntax error:",
        ),
    ] {
        p.write(name, src);
        check_beside_good(&p, name, expected);
    }
}

#[test]
fn non_utf8_bytes_are_ad002_with_the_line() {
    let p = Project::new();
    p.write_bytes("latin.py", b"a = 1\nb = 2\nc = 'caf\xe9'\n");
    check_beside_good(
        &p,
        "latin.py",
        "latin.py:1:1: AD002 The file is not valid UTF-8 (byte 0xE9 on line 3) and has no coding cookie that explains it",
    );
}

#[test]
fn latin1_with_a_coding_cookie_is_checked() {
    let p = Project::new();
    p.write_bytes(
        "cookie.py",
        b"# -*- coding: latin-1 -*-\nimport time\n\nasync def caf\xe9():\n    s = '\xe9t\xe9'\n    time.sleep(1)\n",
    );
    let out = p.check(&["--quiet"]);
    assert_eq!(
        out.stdout,
        "cookie.py:6:5: AD501 `time.sleep()` blocks the event loop\n"
    );
    // The full format shows the decoded line.
    let full = p.check(&["--output-format", "full", "cookie.py"]);
    assert!(full.stdout.contains("time.sleep(1)"), "{full}");
}

#[test]
fn a_cookie_naming_an_unknown_encoding_is_ad002() {
    let p = Project::new();
    p.write("k.py", "# coding: klingon\nx = 1\n");
    check_beside_good(
        &p,
        "k.py",
        "AD002 The coding cookie names an unknown encoding `klingon`",
    );
}

#[test]
fn nul_filled_file_is_ad002() {
    let p = Project::new();
    p.write_bytes("nul.py", &[0u8; 4096]);
    check_beside_good(
        &p,
        "nul.py",
        "nul.py:1:1: AD002 The file holds binary data (a NUL byte at offset 0), not Python source",
    );
    let mut mixed = SLEEPY.as_bytes().to_vec();
    mixed.extend_from_slice(b"\0\0x = 1\n");
    p.write_bytes("mixed.py", &mixed);
    check_beside_good(
        &p,
        "mixed.py",
        "AD002 The file holds binary data (a NUL byte at offset 46)",
    );
}

#[test]
fn empty_and_whitespace_only_files() {
    let p = Project::new();
    p.write("empty.py", "");
    p.write("blank.py", "\n\n   \n\t\n");
    p.write("bom.py", "\u{feff}");
    p.write(
        "crlf.py",
        "import time\r\n\r\nasync def f():\r\n    time.sleep(1)\r\n",
    );
    p.write(
        "cr.py",
        "import time\r\rasync def f():\r    time.sleep(1)\r",
    );
    let out = p.check(&["--quiet"]);
    assert_eq!(
        out.stdout,
        "cr.py:4:5: AD501 `time.sleep()` blocks the event loop\n\
         crlf.py:4:5: AD501 `time.sleep()` blocks the event loop\n"
    );
    let out = p.check(&["empty.py"]);
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(out.stdout, "All checks passed (1 file checked).\n");
}

#[test]
fn twenty_megabyte_generated_file() {
    let p = Project::new();
    let mut src = String::with_capacity(21 << 20);
    let mut n = 0;
    while src.len() < 20 << 20 {
        src.push_str(&format!(
            "def helper_{n}(x):\n    return [i * x for i in range({n} % 7)]\n\n"
        ));
        n += 1;
    }
    src.push_str(SLEEPY);
    let total_lines = src.lines().count();
    p.write("big.py", &src);
    let out = p.check(&["--quiet", "big.py"]);
    assert_eq!(out.code, 1, "{out}");
    assert_eq!(
        out.stdout,
        format!("big.py:{total_lines}:5: AD501 `time.sleep()` blocks the event loop\n")
    );
}

#[test]
fn file_over_the_size_limit_is_ad002() {
    // 64 MiB is the limit; a sparse file costs no disk space.
    let p = Project::new();
    let path = p.path("huge.py");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(65 << 20).unwrap();
    check_beside_good(
        &p,
        "huge.py",
        "AD002 The file is 65.0 MiB, over the 64 MiB limit",
    );
}

/// `x = ((((1))))`, `[[[[1]]]]`, `f(f(f(1)))`, ... 5,000 deep and, for the
/// shapes that make deep trees, 100,000 deep: no stack overflow.
#[test]
fn deeply_nested_expressions() {
    let p = Project::new();
    let nest = |open: &str, inner: &str, close: &str, n: usize| {
        format!("x = {}{inner}{}\n", open.repeat(n), close.repeat(n))
    };
    let cases = [
        ("parens", nest("(", "1", ")", 5000)),
        ("lists", nest("[", "1", "]", 5000)),
        ("dicts", nest("{1: ", "1", "}", 5000)),
        ("calls", nest("f(", "1", ")", 5000)),
        ("subscripts", format!("x = a{}\n", "[0]".repeat(5000))),
        ("attributes", format!("x = a{}\n", ".b".repeat(5000))),
        ("not", format!("x = {}1\n", "not ".repeat(5000))),
        ("unary", format!("x = {}1\n", "-".repeat(5000))),
        ("binop", format!("x = 1{}\n", " + 1".repeat(5000))),
        ("power", format!("x = 2{}\n", " ** 2".repeat(5000))),
        ("lambda", format!("x = {}1\n", "lambda: ".repeat(5000))),
        ("ternary", format!("x = {}0\n", "1 if y else ".repeat(5000))),
        (
            "async_calls",
            format!(
                "import time\nasync def f():\n    x = {}time.sleep(1){}\n",
                "g(".repeat(5000),
                ")".repeat(5000)
            ),
        ),
        ("calls_100k", nest("f(", "1", ")", 100_000)),
        ("lists_100k", nest("[", "1", "]", 100_000)),
        ("binop_100k", format!("x = 1{}\n", " + 1".repeat(100_000))),
        (
            "async_calls_100k",
            format!(
                "async def f():\n    x = {}1{}\n",
                "g(".repeat(100_000),
                ")".repeat(100_000)
            ),
        ),
        ("unclosed", format!("x = {}1\n", "(".repeat(5000))),
    ];
    for (name, src) in &cases {
        p.write(&format!("deep_{name}.py"), src);
    }
    // A deeply indented block (Python allows 100 levels; the parser more).
    let mut blocks = String::new();
    for i in 0..1000 {
        blocks.push_str(&" ".repeat(i));
        blocks.push_str("if x:\n");
    }
    blocks.push_str(&" ".repeat(1000));
    blocks.push_str("pass\n");
    p.write("deep_blocks.py", &blocks);
    p.write("good.py", SLEEPY);

    let out = p.check(&["--quiet", "--select", "ALL"]);
    assert_eq!(out.code, 1, "{out}");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines.contains(&"good.py:4:5: AD501 `time.sleep()` blocks the event loop"),
        "{out}"
    );
    // The nested blocking call is still found 5,000 calls deep.
    assert!(
        lines.contains(&"deep_async_calls.py:3:10009: AD501 `time.sleep()` blocks the event loop"),
        "{out}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("deep_unclosed.py:") && l.contains("AD001")),
        "{out}"
    );
}

#[test]
fn symlink_loop_inside_a_checked_directory() {
    let p = Project::new();
    p.write("pkg/a.py", SLEEPY);
    std::os::unix::fs::symlink("..", p.path("pkg/up")).unwrap();
    std::os::unix::fs::symlink("loop2", p.path("pkg/loop1")).unwrap();
    std::os::unix::fs::symlink("loop1", p.path("pkg/loop2")).unwrap();
    std::os::unix::fs::symlink("loop3.py", p.path("pkg/loop3.py")).unwrap();
    std::os::unix::fs::symlink("/nonexistent/x.py", p.path("pkg/dangling.py")).unwrap();
    let out = p.check(&["--quiet", "pkg"]);
    assert_eq!(out.code, 1, "{out}");
    assert!(
        out.stdout
            .contains("pkg/a.py:4:5: AD501 `time.sleep()` blocks the event loop"),
        "{out}"
    );
    // Named explicitly, a looping symlink is an AD002 that says why.
    let out = p.check(&["--quiet", "pkg/loop1", "pkg/a.py"]);
    assert_eq!(out.code, 1, "{out}");
    assert!(
        out.stdout.contains(
            "pkg/loop1:1:1: AD002 Cannot read this path: Too many levels of symbolic links"
        ),
        "{out}"
    );
    let out = p.check(&["--quiet", "pkg/dangling.py"]);
    assert!(
        out.stdout.contains(
            "pkg/dangling.py:1:1: AD002 Cannot read this path: No such file or directory"
        ),
        "{out}"
    );
}

#[test]
fn missing_path_is_a_usage_error() {
    let p = Project::new();
    p.write("good.py", SLEEPY);
    let out = p.check(&["good.py", "no/such/file.py"]);
    assert_eq!(out.code, 2, "{out}");
    assert!(out.stdout.is_empty(), "{out}");
    assert_eq!(
        out.stderr,
        "asyncdoctor: error: no/such/file.py: no such file or directory\n"
    );
}

#[test]
fn fifo_named_explicitly_is_ad002_and_never_read() {
    let p = Project::new();
    let fifo = p.path("pipe.py");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    // Named explicitly: reported, not opened (opening would block forever).
    check_beside_good(
        &p,
        "pipe.py",
        "pipe.py:1:1: AD002 Not a regular file or directory (a FIFO, socket or device): not read",
    );
    // Found while walking: skipped.
    let out = p.check(&["--quiet"]);
    assert_eq!(
        out.stdout,
        "good.py:4:5: AD501 `time.sleep()` blocks the event loop\n"
    );
}

#[test]
fn a_directory_named_like_a_python_file_is_walked() {
    let p = Project::new();
    p.write("odd.py/inner.py", SLEEPY);
    let out = p.check(&["--quiet", "odd.py"]);
    assert_eq!(
        out.stdout,
        "odd.py/inner.py:4:5: AD501 `time.sleep()` blocks the event loop\n"
    );
}

fn is_root() -> bool {
    // `id -u` rather than libc: root reads files whatever their mode.
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A directory and a file without read permission. As root `chmod 000` does
/// not stop reads, so the binary is run as `nobody` through `setpriv` when it
/// is available; otherwise the assertion is skipped with a note.
#[test]
fn unreadable_directory_and_file() {
    use std::os::unix::fs::PermissionsExt;
    let p = Project::new();
    p.write("locked/b.py", SLEEPY);
    p.write("ok/a.py", SLEEPY);
    p.write("ok/secret.py", SLEEPY);
    let mode = |rel: &str, m: u32| {
        std::fs::set_permissions(p.path(rel), std::fs::Permissions::from_mode(m)).unwrap()
    };
    mode("locked", 0o000);
    mode("ok/secret.py", 0o000);
    let reads_anyway = std::fs::read_dir(p.path("locked")).is_ok();

    let expect = |out: &common::Output| {
        assert_eq!(out.code, 1, "{out}");
        assert_eq!(
            out.stdout,
            "locked:1:1: AD002 Cannot walk this path: Permission denied (os error 13)\n\
             ok/a.py:4:5: AD501 `time.sleep()` blocks the event loop\n\
             ok/secret.py:1:1: AD002 Cannot read the file: Permission denied (os error 13)\n"
        );
    };
    if !reads_anyway {
        expect(&p.check(&["--quiet", "."]));
    } else if is_root() && std::path::Path::new("/usr/bin/setpriv").exists() {
        // The temporary directory is private to root: let `nobody` in.
        mode("", 0o755);
        mode("ok", 0o755);
        let out = assert_cmd::Command::new("/usr/bin/setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(common::binary())
            .args(["check", "--no-progress", "--quiet", "."])
            .current_dir(p.root())
            .env("NO_COLOR", "1")
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        let out = common::Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        };
        if out.stderr.starts_with("setpriv:") || out.code == 126 || out.code == 127 {
            // The binary is not reachable by `nobody` (a private target dir).
            eprintln!(
                "note: cannot run the binary as nobody ({}); permission assertions skipped",
                out.stderr.trim()
            );
        } else {
            common::assert_no_crash(&out);
            expect(&out);
        }
    } else {
        eprintln!(
            "note: running as root without setpriv: chmod 000 does not stop reads; permission assertions skipped"
        );
        common::assert_no_crash(&p.check(&["--quiet", "."]));
    }
    // Restore so the temporary directory can be removed.
    mode("locked", 0o755);
    mode("ok/secret.py", 0o644);
}
