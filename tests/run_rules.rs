//! One real program per AD80x code: each must be found, at the right user line.

#[path = "run_support/mod.rs"]
#[macro_use]
mod common;
use common::*;

/// Runs fixture `name` under every interpreter found (3.`min_minor` and
/// newer) and checks each run with `check`.
fn on_each(test: &str, min_minor: u32, why: &str, check: impl Fn(&Py)) {
    if interpreters().found.is_empty() {
        eprintln!("no Python interpreter found: skipped");
        return;
    }
    on_each_python(test, min_minor, why, check);
}

/// `code` is found in fixture `name` at one of `rows` (and nothing else),
/// and the program's exit code is its own; on every interpreter.
fn expect(name: &str, code: &str, rows: &[u64]) {
    expect_then(name, code, rows, |_| {});
}

fn expect_then(name: &str, code: &str, rows: &[u64], more: impl Fn(&RunResult)) {
    on_each(name, 9, "", |py| {
        let r = run_fixture_with(&py.exe, name);
        check_one(&r, py, name, code, rows);
        more(&r);
    });
}

fn check_one(r: &RunResult, py: &Py, name: &str, code: &str, rows: &[u64]) {
    let file = fixture(name);
    let v = py.label();
    assert!(
        rows.iter().any(|row| r.has(code, &file, *row)),
        "[{v}] {code} expected at {file}:{rows:?}; got {:?}\nstderr: {}",
        r.codes_at(),
        String::from_utf8_lossy(&r.output.stderr)
    );
    // Nothing else: each fixture has exactly one problem.
    let others: Vec<_> = r
        .codes_at()
        .into_iter()
        .filter(|(c, _, _)| c != code)
        .collect();
    assert!(
        others.is_empty(),
        "[{v}] unexpected findings in {name}: {others:?}"
    );
    assert_eq!(
        r.output.status.code(),
        Some(0),
        "[{v}] the program's own exit code"
    );
}

#[test]
fn ad801_blames_the_sleep_inside_the_helper() {
    expect("ad801_blocked.py", "AD801", &[6]);
}

#[test]
fn ad802_coroutine_never_awaited() {
    expect("ad802_never_awaited.py", "AD802", &[9]);
}

#[test]
fn ad803_task_destroyed_pending_at_its_creation() {
    expect("ad803_destroyed_pending.py", "AD803", &[10]);
}

#[test]
fn ad804_exception_never_retrieved_at_task_creation() {
    expect_then("ad804_never_retrieved.py", "AD804", &[9], |r| {
        assert!(r.report.contains("ValueError: boom"), "{}", r.report);
    });
}

#[test]
fn ad805_unclosed_socket() {
    expect("ad805_unclosed.py", "AD805", &[7]);
}

#[test]
fn ad806_task_pending_when_asyncio_run_ends() {
    expect_then("ad806_pending_at_exit.py", "AD806", &[11], |r| {
        // The await chain points into the task's coroutine.
        assert!(r.report.contains("awaiting in `ticker`"), "{}", r.report);
    });
}

#[test]
fn ad807_lock_deadlock_with_holders() {
    expect_then("ad807_deadlock.py", "AD807", &[7, 14], |r| {
        assert!(r.report.contains("held by"), "{}", r.report);
        assert!(r.report.contains("deadlock"), "{}", r.report);
    });
}

#[test]
fn ad808_loop_call_from_a_thread() {
    expect("ad808_thread_unsafe.py", "AD808", &[6]);
}

#[test]
fn ad804_with_the_programs_own_task_factory() {
    // 3.12+: eager_task_factory, whose failed task has no coroutine left.
    expect_then("own_task_factory.py", "AD804", &[26], |r| {
        assert_eq!(
            String::from_utf8_lossy(&r.output.stdout),
            "own factory: True\nquick 1\n"
        );
    });
}

#[test]
fn ad808_loop_call_from_an_executor_function() {
    // The check is on only while executor code runs: off again afterwards.
    expect_then("ad808_from_executor.py", "AD808", &[6], |r| {
        assert_eq!(String::from_utf8_lossy(&r.output.stdout), "42\nFalse\n");
    });
}

/// Task.cancelling() (3.11+) tells a swallowed cancellation from a timeout's.
const AD809_WHY: &str = "AD809 needs Task.cancelling(), Python 3.11+";

#[test]
fn ad809_cancellation_swallowed() {
    let name = "ad809_cancel_swallowed.py";
    on_each(name, 11, AD809_WHY, |py| {
        let r = run_fixture_with(&py.exe, name);
        check_one(&r, py, name, "AD809", &[13]);
    });
}

#[test]
fn ad809_a_task_dropped_right_after_swallowing_is_still_reported() {
    // Both tasks finish and are dropped well within one heartbeat; the first
    // is freed exactly when it would be without asyncdoctor.
    let name = "ad809_dropped_at_once.py";
    on_each(name, 11, AD809_WHY, |py| {
        let v = py.label();
        let r = run_fixture_with(&py.exe, name);
        let f = fixture(name);
        for row in [24, 32] {
            assert!(
                r.has("AD809", &f, row),
                "[{v}] row {row}: {:?}",
                r.codes_at()
            );
        }
        assert_eq!(r.findings.len(), 2, "[{v}] {:?}", r.codes_at());
        assert_eq!(
            String::from_utf8_lossy(&r.output.stdout),
            "swallowed\nfreed: True\ncleaned up\n",
            "[{v}]"
        );
    });
}

#[test]
fn ad809_timeouts_task_groups_reraise_and_uncancel_are_not_swallowing() {
    let name = "ad809_not_swallowed.py";
    on_each(name, 11, AD809_WHY, |py| {
        let v = py.label();
        let r = run_fixture_with(&py.exe, name);
        assert!(r.findings.is_empty(), "[{v}] {:?}", r.codes_at());
        assert_eq!(
            String::from_utf8_lossy(&r.output.stdout),
            "timeout wait_for group\nre-raised\nuncancel\n",
            "[{v}]"
        );
        assert_eq!(r.output.status.code(), Some(0), "[{v}]");
    });
}

#[test]
fn clean_programs_have_no_findings() {
    on_each("clean programs", 9, "", |py| {
        let v = py.label();
        for name in ["clean.py", "clean_sync.py", "loop_at_exit.py"] {
            let r = run_fixture_with(&py.exe, name);
            assert!(r.findings.is_empty(), "[{v}] {name}: {:?}", r.codes_at());
            assert_eq!(r.output.status.code(), Some(0), "[{v}] {name}");
            assert!(!r.report.is_empty(), "[{v}] {name}: no report");
        }
        // The summary (not in the JSON report) says the harness ran without a
        // problem of its own and saw the program's tasks.
        let out = std::process::Command::new(bin())
            .current_dir(root())
            .args(["run", "--output-format", "concise"])
            .args(QUIET)
            .args(["--", py.exe.as_str(), &fixture("clean.py")])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("no findings"), "[{v}] {err}");
        assert!(!err.contains("harness problem"), "[{v}] {err}");
        assert!(err.contains(&format!("CPython {v}")), "[{v}] {err}");
        assert!(err.contains("tasks: 9 created, 9 finished"), "[{v}] {err}");
    });
}

#[test]
fn full_format_shows_source_and_summary() {
    skip_without_python!();
    let out = std::process::Command::new(bin())
        .current_dir(root())
        .args(["run", "--block-threshold", "50ms", "--"])
        .args(["python3", &fixture("ad801_blocked.py")])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("time.sleep(0.3)"), "{err}");
    assert!(err.contains("loop stalls: 1"), "{err}");
    assert!(
        err.contains("asyncdoctor explain --id loop-blocked"),
        "{err}"
    );
    assert!(err.contains("tasks: "), "{err}");
}

#[test]
fn child_python_processes_are_watched() {
    skip_without_python!();
    let r = run_fixture("spawns_child.py");
    let child = fixture("ad801_blocked.py");
    assert!(r.has("AD801", &child, 6), "{:?}", r.codes_at());
}

#[test]
fn fail_on_findings_sets_exit_code() {
    skip_without_python!();
    let f = fixture("ad802_never_awaited.py");
    let r = run_json(&["--fail-on-findings"], &["python3", &f], &[]);
    assert_eq!(r.output.status.code(), Some(1));
    let f = fixture("clean_sync.py");
    let r = run_json(&["--fail-on-findings"], &["python3", &f], &[]);
    assert_eq!(r.output.status.code(), Some(0));
}

#[test]
fn check_select_all_still_works_with_runtime_codes() {
    let out = std::process::Command::new(bin())
        .current_dir(root())
        .args(["check", "--select", "ALL", "--output-format", "concise"])
        .arg(fixture("ad801_blocked.py"))
        .output()
        .unwrap();
    assert!(matches!(out.status.code(), Some(0) | Some(1)), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains("AD8"),
        "check must not emit runtime codes: {text}"
    );
    let out = std::process::Command::new(bin())
        .current_dir(root())
        .args(["check", "--select", "AD801", "--output-format", "concise"])
        .arg(fixture("ad801_blocked.py"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
}

#[test]
fn runtime_rules_are_documented() {
    for code in [
        "AD801", "AD802", "AD803", "AD804", "AD805", "AD806", "AD807", "AD808", "AD809",
    ] {
        let out = std::process::Command::new(bin())
            .args(["rule", code])
            .output()
            .unwrap();
        assert!(out.status.success(), "{code}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("## What it does"), "{code}: {text}");
    }
}

#[test]
fn runtime_finding_names_the_matching_static_finding() {
    skip_without_python!();
    let r = run_fixture("ad801_direct.py");
    let f = fixture("ad801_direct.py");
    assert!(r.has("AD801", &f, 6), "{:?}", r.codes_at());
    let finding = &r.findings[0];
    let help = finding["help"].as_str().unwrap();
    assert!(
        help.contains("also reports this statically: AD501 at line 6"),
        "{help}"
    );
    assert_eq!(finding["knowledge"], "loop-blocked");
}

#[test]
fn uvloop_is_watched_when_installed() {
    // CI's python3 has no uvloop: set ASYNCDOCTOR_UVLOOP_PYTHON to a Python
    // that has it (e.g. a venv) to run this; otherwise it is skipped.
    let py = std::env::var("ASYNCDOCTOR_UVLOOP_PYTHON").unwrap_or_else(|_| "python3".into());
    let has = std::process::Command::new(&py)
        .args(["-c", "import uvloop"])
        .stderr(std::process::Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !has {
        eprintln!("uvloop not installed for {py}: skipped");
        return;
    }
    let f = fixture("uvloop_all.py");
    let r = run_json(FAST, &[py.as_str(), &f], &[]);
    for (code, row) in [("AD801", 5), ("AD803", 20), ("AD804", 21), ("AD806", 22)] {
        assert!(r.has(code, &f, row), "{code}:{row} in {:?}", r.codes_at());
    }
}

#[test]
fn task_churn_is_sampled_not_reported() {
    on_each("task churn", 9, "", |py| {
        let v = py.label();
        let r = run_fixture_with(&py.exe, "task_churn.py");
        assert!(r.findings.is_empty(), "[{v}] {:?}", r.codes_at());
        assert_eq!(
            String::from_utf8_lossy(&r.output.stdout),
            "4498500\n",
            "[{v}]"
        );
        let out = std::process::Command::new(bin())
            .current_dir(root())
            .args(["run", "--output-format", "concise", "--"])
            .args([py.exe.as_str(), &fixture("task_churn.py")])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("at least"), "[{v}] {err}");
        assert!(err.contains("creation sites were sampled"), "[{v}] {err}");
        assert!(!err.contains("harness problem"), "[{v}] {err}");
    });
}

#[test]
fn forked_children_report_over_their_own_connection() {
    skip_without_python!();
    let r = run_fixture("forks.py");
    let f = fixture("forks.py");
    assert!(r.has("AD801", &f, 8), "{:?}", r.codes_at());
    assert_eq!(String::from_utf8_lossy(&r.output.stdout), "exit 0\n");
    assert!(!r.report.is_empty());
}

#[test]
fn python_debug_turns_on_dev_mode_and_asyncio_debug() {
    skip_without_python!();
    let f = fixture("debug_flags.py");
    let r = run_json(&["--python-debug"], &["python3", &f], &[]);
    assert_eq!(String::from_utf8_lossy(&r.output.stdout), "True True\n");
    let r = run_json(&[], &["python3", &f], &[]);
    assert_eq!(String::from_utf8_lossy(&r.output.stdout), "False False\n");
}

#[test]
fn sarif_and_github_formats_carry_runtime_findings() {
    skip_without_python!();
    let f = fixture("ad802_never_awaited.py");
    for (format, needle) in [
        ("sarif", "\"ruleId\": \"AD802\""),
        ("github", "::error"),
        ("concise", "ad802_never_awaited.py:9:5: AD802"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let report = dir.path().join("r");
        let out = std::process::Command::new(bin())
            .current_dir(root())
            .args(["run", "--output-format", format, "--report"])
            .arg(&report)
            .args(["--", "python3", &f])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = std::fs::read_to_string(&report).unwrap();
        assert!(text.contains(needle), "{format}: {text}");
        if format == "sarif" {
            let v: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(v["version"], "2.1.0");
        }
    }
}

#[test]
fn ad806_manual_loop_closed_with_a_pending_task() {
    skip_without_python!();
    let r = run_fixture("ad806_loop_closed.py");
    let f = fixture("ad806_loop_closed.py");
    assert!(r.has("AD806", &f, 9), "{:?}", r.codes_at());
    assert!(
        r.report.contains("the event loop was closed"),
        "{}",
        r.report
    );
}

#[test]
fn python_dash_m_with_an_existing_pythonpath() {
    skip_without_python!();
    let r = run_json(
        FAST,
        &["python3", "-m", "pkgdemo"],
        &[("PYTHONPATH", "tests/fixtures/run")],
    );
    let f = fixture("pkgdemo/__main__.py");
    assert!(r.has("AD801", &f, 7), "{:?} {:?}", r.codes_at(), r.output);
}
