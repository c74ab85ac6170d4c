//! `asyncdoctor explain` driven through the real binary.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

mod explain_support;
use serde_json::Value;

fn explain() -> Command {
    let mut c = Command::cargo_bin("asyncdoctor").unwrap();
    c.arg("explain");
    c
}

/// Runs a command that must succeed; its standard output.
fn ok_stdout(cmd: &mut Command) -> String {
    String::from_utf8(cmd.assert().success().get_output().stdout.clone()).unwrap()
}

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

fn project() -> PathBuf {
    fixture("explain_project")
}

fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", String::from_utf8_lossy(out)))
}

fn ids(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn list_names_every_spec_id() {
    let out = ok_stdout(explain().arg("--list"));
    let text = out;
    for id in explain_support::SPEC_IDS {
        assert!(text.lines().any(|l| l.starts_with(id)), "{id} not listed");
    }
}

#[test]
fn id_prints_one_entry_and_unknown_id_is_a_usage_error() {
    let out = ok_stdout(explain().args(["--id", "task-destroyed-pending"]));
    let text = out;
    assert!(text.contains("A task was destroyed while still pending"));
    assert!(text.contains("## Fix"));
    explain().args(["--id", "no-such-id"]).assert().code(2);
}

#[test]
fn text_with_no_async_problem() {
    let out = ok_stdout(explain()
        .args(["--text", "Traceback (most recent call last):\n  File \"h.py\", line 3, in handle\n    x = d['k']\nKeyError: 'k'\n"]));
    assert_eq!(out.trim(), "no known asyncio problem found");
}

#[test]
fn empty_stdin_finds_nothing() {
    let out = ok_stdout(explain().arg("-").write_stdin(""));
    assert_eq!(out.trim(), "no known asyncio problem found");
}

#[test]
fn piped_stdin_without_dash() {
    let input =
        std::fs::read(fixture("explain/loop-closed/windows_proactor_del_py39.txt")).unwrap();
    let out = ok_stdout(
        explain()
            .args(["--output-format", "json", "--no-locate"])
            .write_stdin(input),
    );
    assert_eq!(ids(&json_of(out.as_bytes())), ["loop-closed"]);
}

#[test]
fn json_has_the_documented_shape() {
    let out = ok_stdout(
        explain()
            .arg(fixture("explain/timeout/wait_for_py310.txt"))
            .args(["--output-format", "json"])
            .current_dir(project()),
    );
    let v = json_of(out.as_bytes());
    let obj = v.as_object().unwrap();
    assert_eq!(obj.keys().collect::<Vec<_>>(), ["findings"]);
    let f = &v["findings"][0];
    for key in [
        "id",
        "title",
        "input_lines",
        "cause",
        "check",
        "fix",
        "related_codes",
        "locations",
        "diagnosis",
        "python_version",
    ] {
        assert!(f.get(key).is_some(), "missing {key}");
    }
    assert_eq!(f["id"], "timeout");
    assert_eq!(f["python_version"], "3.10");
    assert_eq!(f["input_lines"], serde_json::json!([1, 12]));
    assert_eq!(f["related_codes"], serde_json::json!(["AD402", "AD403"]));
    // Python 3.10: the fix must say asyncio.TimeoutError, not bare TimeoutError.
    assert!(
        f["fix"]
            .as_str()
            .unwrap()
            .contains("On Python 3.10: catch `asyncio.TimeoutError`")
    );
}

#[test]
fn timeout_fix_on_3_12_says_builtin_timeout_error() {
    let out = ok_stdout(
        explain()
            .arg(fixture("explain/timeout/timeout_cm_chained_py312.txt"))
            .args(["--output-format", "json", "--no-locate"]),
    );
    let v = json_of(out.as_bytes());
    assert_eq!(ids(&v), ["timeout"]);
    assert!(
        v["findings"][0]["fix"]
            .as_str()
            .unwrap()
            .contains("On Python 3.12: `except TimeoutError:` catches it")
    );
}

#[test]
fn fail_on_findings_exits_1_only_with_findings() {
    explain()
        .args([
            "--fail-on-findings",
            "--text",
            "RuntimeError: Event loop is closed",
        ])
        .assert()
        .code(1);
    explain()
        .args(["--fail-on-findings", "--text", "all good"])
        .assert()
        .code(0);
    // Without the flag, a finding is still a successful analysis.
    explain()
        .args(["--text", "RuntimeError: Event loop is closed"])
        .assert()
        .code(0);
}

#[test]
fn missing_file_is_an_error() {
    explain().arg("/nonexistent/log.txt").assert().code(2);
}

#[test]
fn human_output_is_plain_when_not_a_terminal() {
    let out = ok_stdout(explain().arg(fixture(
        "explain/loop-already-running/jupyter_asyncio_run_ipython8.txt",
    )));
    let text = out;
    assert!(!text.contains('\x1b'), "colour codes in piped output");
    assert!(text.contains("loop-already-running: "));
    // The diagnosis knows it ran in a notebook.
    assert!(text.contains("in a cell, write `await main()`"), "{text}");
    assert!(text.contains("coroutine-never-awaited: "));
    assert!(text.contains("input line"));
    assert!(text.contains("fix: "));
}

#[test]
fn binary_garbage_and_a_huge_line_find_nothing() {
    let garbage = std::fs::read(fixture("explain/_negative/binary_garbage.bin")).unwrap();
    let out = ok_stdout(explain().arg("-").write_stdin(garbage));
    assert_eq!(out.trim(), "no known asyncio problem found");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.log");
    std::fs::write(&path, vec![b'z'; 10 * 1024 * 1024]).unwrap();
    let out = ok_stdout(explain().arg(&path));
    assert_eq!(out.trim(), "no known asyncio problem found");
}

// ---- pointing at the code (fixture project: tests/fixtures/explain_project)

const CONTAINER_LOG: &str = "\
2024-04-09 14:22:03,511 WARNING asyncio: Executing <Task pending name='Task-12' coro=<fetch_rows() running at /app/src/svc/db.py:8> wait_for=None created at /usr/local/lib/python3.11/asyncio/tasks.py:374> took 0.514 seconds
Traceback (most recent call last):
  File \"/app/src/svc/db.py\", line 13, in refresh
    await asyncio.wait_for(fetch_rows(conn, \"select 1\"), timeout=1)
  File \"/usr/local/lib/python3.11/asyncio/tasks.py\", line 502, in wait_for
    raise exceptions.TimeoutError() from exc
TimeoutError
";

fn located(input: &str, root: &Path) -> Value {
    let out = ok_stdout(
        explain()
            .args(["--output-format", "json", "--root"])
            .arg(root)
            .arg("-")
            .write_stdin(input),
    );
    json_of(out.as_bytes())
}

#[test]
fn container_paths_are_resolved_by_suffix_and_checker_findings_ranked() {
    let v = located(CONTAINER_LOG, &project());
    assert_eq!(ids(&v), ["loop-blocked", "timeout"]);
    let blocked = &v["findings"][0];
    let loc = &blocked["locations"][0];
    assert_eq!(loc["path"], "src/svc/db.py");
    assert_eq!(loc["line"], 8);
    assert_eq!(loc["function"], "fetch_rows");
    assert_eq!(loc["code"], "time.sleep(0.5)");
    let near = &loc["checker_findings"][0];
    assert_eq!(near["code"], "AD501");
    assert_eq!(near["proximity"], "same line");
    assert_eq!(near["same_problem"], true);
    // The slow-callback report owns no traceback: only its own location.
    assert_eq!(blocked["locations"].as_array().unwrap().len(), 1);

    let timeout = &v["findings"][1];
    let locs = timeout["locations"].as_array().unwrap();
    // Only the project frame; the interpreter's asyncio/tasks.py is not "the code".
    assert_eq!(locs.len(), 1);
    assert_eq!(locs[0]["path"], "src/svc/db.py");
    assert_eq!(locs[0]["line"], 13);
    assert_eq!(locs[0]["function"], "refresh");
    assert_eq!(locs[0]["checker_findings"][0]["proximity"], "same file");
}

#[test]
fn same_function_ranks_between_line_and_file() {
    let log = "Traceback (most recent call last):\n  File \"/srv/src/svc/db.py\", line 6, in fetch_rows\n    rows = await conn.fetch(query)\nRuntimeError: Event loop is closed\n";
    let v = located(log, &project());
    let near = &v["findings"][0]["locations"][0]["checker_findings"][0];
    assert_eq!(near["code"], "AD501");
    assert_eq!(near["line"], 8);
    assert_eq!(near["proximity"], "same function");
    assert_eq!(near["same_problem"], false);
}

#[test]
fn unawaited_calls_of_the_named_coroutine_are_found() {
    let v = located(
        "sys:1: RuntimeWarning: coroutine 'send_receipt' was never awaited\n",
        &project(),
    );
    assert_eq!(ids(&v), ["coroutine-never-awaited"]);
    let locs = v["findings"][0]["locations"].as_array().unwrap();
    let calls: Vec<(String, u64)> = locs
        .iter()
        .filter(|l| l["source"] == "unawaited call")
        .map(|l| {
            (
                l["path"].as_str().unwrap().to_string(),
                l["line"].as_u64().unwrap(),
            )
        })
        .collect();
    // Line 6 is the bare call; line 10 awaits it and must not be listed.
    assert_eq!(calls, [("src/svc/notify.py".to_string(), 6)]);
    assert_eq!(locs[0]["function"], "finish");

    // A qualified name finds method calls.
    let v = located(
        "x.py:3: RuntimeWarning: coroutine 'Mailer.flush' was never awaited\n",
        &project(),
    );
    let locs = v["findings"][0]["locations"].as_array().unwrap();
    assert!(
        locs.iter()
            .any(|l| l["path"] == "src/svc/notify.py" && l["line"] == 18),
        "{locs:?}"
    );
}

#[test]
fn nothing_located_is_said_plainly() {
    let log = "Traceback (most recent call last):\n  File \"/app/elsewhere/other.py\", line 3, in f\n    g()\nRuntimeError: Event loop is closed\n";
    let v = located(log, &project());
    let f = &v["findings"][0];
    assert_eq!(f["locations"].as_array().unwrap().len(), 0);
    assert_eq!(
        f["not_located"],
        serde_json::json!(["/app/elsewhere/other.py"])
    );
    let out = ok_stdout(explain().arg("--root").arg(project()).args(["--text", log]));
    let text = out;
    assert!(
        text.contains("could not be located (not found under the root: /app/elsewhere/other.py)"),
        "{text}"
    );
}

/// The human layout (knowledge-base prose left out: it has its own tests and
/// may be reworded without touching explain).
#[test]
fn human_layout_snapshot() {
    let out = ok_stdout(
        explain()
            .arg("--root")
            .arg(project())
            .arg("-")
            .write_stdin(CONTAINER_LOG),
    );
    let text = out;
    let layout: Vec<&str> = text
        .lines()
        .filter(|l| {
            !(l.starts_with("  cause:")
                || l.starts_with("  check:")
                || l.starts_with("  fix:")
                || l.starts_with("  related rules:"))
        })
        .collect();
    insta::assert_snapshot!(layout.join("\n"));
}

#[test]
fn version_for_fixes_falls_back_to_the_project_and_can_be_given() {
    // No interpreter path, no banner: the input does not say its version.
    let log = "Traceback (most recent call last):\n  File \"/app/src/svc/db.py\", line 13, in refresh\n    await asyncio.wait_for(fetch_rows(conn, \"select 1\"), timeout=1)\nasyncio.exceptions.CancelledError\n\nThe above exception was the direct cause of the following exception:\n\nTraceback (most recent call last):\n  File \"/app/main.py\", line 3, in <module>\n    asyncio.run(main())\nTimeoutError\n";
    let v = located(log, &project());
    let f = &v["findings"][0];
    assert_eq!(f["id"], "timeout");
    assert_eq!(f["python_version"], "3.10");
    assert_eq!(f["python_version_source"], "the project's target-version");
    assert!(
        f["fix"]
            .as_str()
            .unwrap()
            .contains("On Python 3.10: catch `asyncio.TimeoutError`")
    );

    let out = ok_stdout(
        explain()
            .args(["--output-format", "json", "--python", "3.12", "--root"])
            .arg(project())
            .args(["--text", log]),
    );
    let v = json_of(out.as_bytes());
    assert_eq!(v["findings"][0]["python_version"], "3.12");
    assert_eq!(v["findings"][0]["python_version_source"], "--python");

    explain()
        .args(["--python", "2.7", "--text", log])
        .assert()
        .code(2);
}
