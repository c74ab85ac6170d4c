//! One file per rule. Each declares its metadata with
//! [`declare_rule!`](crate::declare_rule) (the doc comment is the user
//! documentation) and, for blocking calls, the patterns it reports. Rules never
//! walk the tree: the checker dispatches to them.

pub mod ad001_syntax_error;
pub mod ad002_unreadable_file;
pub mod ad101_run_in_running_loop;
pub mod ad102_get_event_loop;
pub mod ad103_loop_api_from_thread;
pub mod ad104_signal_handler_off_main_thread;
pub mod ad201_unawaited_coroutine;
pub mod ad202_await_non_awaitable;
pub mod ad203_coroutine_reused;
pub mod ad204_async_for_over_sync_iterable;
pub mod ad205_context_manager_mismatch;
pub mod ad206_await_outside_async;
pub mod ad301_dangling_task;
pub mod ad302_task_never_joined;
pub mod ad303_gather_exceptions_unchecked;
pub mod ad304_gather_orphans_siblings;
pub mod ad305_unbounded_gather;
pub mod ad306_taskgroup_plain_except;
pub mod ad307_requires_newer_python;
pub mod ad401_cancellation_swallowed;
pub mod ad402_timeout_unhandled;
pub mod ad403_timeout_error_mismatch;
pub mod ad404_cancel_not_awaited;
pub mod ad501_blocking_sleep;
pub mod ad502_blocking_http_call;
pub mod ad503_blocking_subprocess;
pub mod ad504_blocking_file_io;
pub mod ad505_blocking_database_call;
pub mod ad506_blocking_socket_call;
pub mod ad507_blocking_wait;
pub mod ad508_blocking_via_helper;
pub mod ad509_blocking_configured_call;
pub mod ad601_async_resource_leak;
pub mod ad602_client_per_request;
pub mod ad701_loop_closed_with_pending_tasks;
pub mod ad702_shutdown_gather_raises;
pub mod hooks;

use crate::check::blocking::BlockingPattern;
use crate::registry::RuleMeta;

/// The blocking rules and their patterns, for the classifier.
pub fn blocking_rule_patterns() -> [(&'static RuleMeta, &'static [BlockingPattern]); 7] {
    [
        (
            &ad501_blocking_sleep::BLOCKING_SLEEP,
            ad501_blocking_sleep::PATTERNS,
        ),
        (
            &ad502_blocking_http_call::BLOCKING_HTTP_CALL,
            ad502_blocking_http_call::PATTERNS,
        ),
        (
            &ad503_blocking_subprocess::BLOCKING_SUBPROCESS,
            ad503_blocking_subprocess::PATTERNS,
        ),
        (
            &ad504_blocking_file_io::BLOCKING_FILE_IO,
            ad504_blocking_file_io::PATTERNS,
        ),
        (
            &ad505_blocking_database_call::BLOCKING_DATABASE_CALL,
            ad505_blocking_database_call::patterns(),
        ),
        (
            &ad506_blocking_socket_call::BLOCKING_SOCKET_CALL,
            ad506_blocking_socket_call::PATTERNS,
        ),
        (
            &ad507_blocking_wait::BLOCKING_WAIT,
            ad507_blocking_wait::PATTERNS,
        ),
    ]
}

/// Per-rule fixtures (`tests/fixtures/rules/ADnnn.py`) with inline
/// expectations, their snapshots, and the conventions every rule follows.
#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::fmt::Write as _;
    use std::path::{Path, PathBuf};
    use std::sync::Arc;

    use crate::check::checker::RunContext;
    use crate::check::{check_single_module, source, unreadable};
    use crate::config::{ConfigFile, Options, Overrides, Settings};
    use crate::diagnostics::render::{self, OutputFormat, Summary};
    use crate::diagnostics::{FileFindings, Finding};
    use crate::registry::{ALL_RULES, Origin, RuleMeta};

    /// What AD509's fixture declares blocking.
    const CONFIGURED_BLOCKING_CALLS: &[&str] = &["mycorp.sdk.fetch", "mycorp.db.Session.execute"];

    fn fixtures_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules")
    }

    fn fixture_path(rule: &RuleMeta) -> PathBuf {
        fixtures_dir().join(format!("{}.py", rule.code))
    }

    fn static_rules() -> impl Iterator<Item = &'static RuleMeta> {
        ALL_RULES
            .iter()
            .copied()
            .filter(|r| r.origin == Origin::Static)
    }

    /// `--select ALL`, plus the `blocking-calls` AD509's fixture needs.
    fn settings() -> Settings {
        let config = ConfigFile {
            path: PathBuf::from("asyncdoctor.toml"),
            options: Options {
                select: Some(vec!["ALL".into()]),
                blocking_calls: Some(
                    CONFIGURED_BLOCKING_CALLS
                        .iter()
                        .map(|s| s.to_string())
                        .collect(),
                ),
                ..Options::default()
            },
            requires_python: None,
        };
        Settings::resolve(Some(&config), &Overrides::default(), Path::new("."))
            .expect("fixture settings resolve")
    }

    /// Checks source bytes the way `check` checks a file (decode, then
    /// `check_source`), without touching the file system.
    fn check_bytes(name: &str, bytes: Vec<u8>, settings: &Settings) -> Vec<Finding> {
        let run = RunContext::new(settings);
        let display: Arc<str> = Arc::from(name);
        let path = PathBuf::from(name);
        let findings = match source::decode(bytes) {
            Ok(text) => {
                let module = name.trim_end_matches(".py");
                let diagnostics =
                    check_single_module(&text, Some(module), false, settings.rules, &run);
                FileFindings {
                    path,
                    display,
                    source: Arc::from(text),
                    diagnostics,
                    cell_starts: None,
                }
            }
            Err(error) => unreadable(path, display, error.to_string(), settings.rules),
        };
        findings.resolve(true)
    }

    fn check_text(text: &str, settings: &Settings) -> Vec<Finding> {
        check_bytes("example.py", text.as_bytes().to_vec(), settings)
    }

    /// `(line, code)` pairs marked `# expect: AD501, AD502` in a fixture.
    fn expectations(text: &str) -> BTreeSet<(usize, String)> {
        let mut out = BTreeSet::new();
        for (i, line) in text.lines().enumerate() {
            let Some(pos) = line.find("# expect:") else {
                continue;
            };
            let codes = line[pos + "# expect:".len()..]
                .split([',', ' '])
                .filter(|c| !c.is_empty())
                .take_while(|c| c.len() == 5 && c.starts_with("AD"));
            for code in codes {
                out.insert((i + 1, code.to_string()));
            }
        }
        out
    }

    fn concise(findings: &[Finding]) -> String {
        let mut out = Vec::new();
        let summary = Summary {
            files_checked: 1,
            show: false,
        };
        render::render(findings, OutputFormat::Concise, &summary, &mut out, false)
            .expect("rendering to memory");
        String::from_utf8(out).expect("concise output is UTF-8")
    }

    fn fixture_findings(rule: &RuleMeta, settings: &Settings) -> (String, Vec<Finding>) {
        let path = fixture_path(rule);
        let bytes = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("{}: fixture {} missing: {e}", rule.code, path.display()));
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let mut findings = check_bytes(&format!("{}.py", rule.code), bytes, settings);
        crate::diagnostics::sort_findings(&mut findings);
        (text, findings)
    }

    #[test]
    fn fixtures_match_inline_expectations() {
        let settings = settings();
        let mut failures = String::new();
        for rule in static_rules() {
            let (text, findings) = fixture_findings(rule, &settings);
            let expected = expectations(&text);
            assert!(
                expected.iter().any(|(_, code)| code == rule.code),
                "{}: the fixture expects no {} at all",
                rule.code,
                rule.code
            );
            let reported: BTreeSet<(usize, String)> = findings
                .iter()
                .map(|f| (f.location.row, f.rule.code.to_string()))
                .collect();
            assert_eq!(
                reported.len(),
                findings.len(),
                "{}: two findings of one code on one line",
                rule.code
            );
            let lines: Vec<&str> = text.lines().collect();
            let show = |(line, code): &(usize, String)| {
                let src = lines.get(line - 1).map_or("", |l| l.trim());
                format!("    {}.py:{line}: {code}    | {src}\n", rule.code)
            };
            let missing: Vec<_> = expected.difference(&reported).collect();
            let unexpected: Vec<_> = reported.difference(&expected).collect();
            if !missing.is_empty() || !unexpected.is_empty() {
                let _ = writeln!(failures, "{}:", rule.code);
                if !missing.is_empty() {
                    failures.push_str("  expected but not reported:\n");
                    missing.iter().for_each(|m| failures.push_str(&show(m)));
                }
                if !unexpected.is_empty() {
                    failures.push_str("  reported but not expected:\n");
                    for u in &unexpected {
                        failures.push_str(&show(u));
                        if let Some(f) = findings
                            .iter()
                            .find(|f| f.location.row == u.0 && f.rule.code == u.1)
                        {
                            let _ = writeln!(failures, "        message: {}", f.message);
                        }
                    }
                }
            }
        }
        assert!(failures.is_empty(), "fixture mismatches:\n{failures}");
    }

    #[test]
    fn fixture_snapshots() {
        let settings = settings();
        for rule in static_rules() {
            let (_, findings) = fixture_findings(rule, &settings);
            insta::assert_snapshot!(rule.code, concise(&findings));
        }
    }

    #[test]
    fn expectation_parser() {
        let text = "a  # expect: AD501\nb\nc  # expect: AD502, AD504 (why)\n# expect: nothing";
        let got: Vec<_> = expectations(text).into_iter().collect();
        assert_eq!(
            got,
            [
                (1, "AD501".to_string()),
                (3, "AD502".to_string()),
                (3, "AD504".to_string())
            ]
        );
    }

    // ---- conventions (clippy-style): every rule looks the same ----

    const SECTIONS: &[&str] = &[
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
    ];

    /// The first fenced code block after `heading`.
    fn code_block_after<'d>(doc: &'d str, heading: &str) -> Option<&'d str> {
        let section = &doc[doc.find(heading)? + heading.len()..];
        let section = section.split("\n## ").next().unwrap_or(section);
        let start = section.find("```python\n")? + "```python\n".len();
        let end = section[start..].find("```")?;
        Some(&section[start..start + end])
    }

    #[test]
    fn every_rule_has_documentation_fixture_and_snapshot() {
        let snapshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/check/rules/snapshots");
        let mut problems = Vec::new();
        for rule in ALL_RULES {
            let doc = rule.documentation();
            let mut last = 0;
            for section in SECTIONS {
                match doc.find(&format!("{section}\n")) {
                    Some(at) if at >= last => last = at,
                    Some(_) => problems.push(format!("{}: `{section}` out of order", rule.code)),
                    None => problems.push(format!("{}: no `{section}` section", rule.code)),
                }
            }
            if !doc.starts_with("## What it does") {
                problems.push(format!(
                    "{}: doc must open with `## What it does`",
                    rule.code
                ));
            }
            if rule.summary().is_empty() {
                problems.push(format!("{}: empty summary", rule.code));
            }
            if crate::knowledge::get(rule.knowledge).is_none() {
                problems.push(format!(
                    "{}: knowledge id `{}` does not exist",
                    rule.code, rule.knowledge
                ));
            }
            check_help(rule.code, rule.help(), &mut problems);
            if rule.origin == Origin::Static {
                if !fixture_path(rule).is_file() {
                    problems.push(format!(
                        "{}: no fixture {}",
                        rule.code,
                        fixture_path(rule).display()
                    ));
                }
                let snap = snapshots.join(format!(
                    "asyncdoctor__check__rules__tests__{}.snap",
                    rule.code
                ));
                if !snap.is_file() {
                    problems.push(format!("{}: no snapshot {}", rule.code, snap.display()));
                }
            }
        }
        for (rule, patterns) in super::blocking_rule_patterns() {
            for p in patterns {
                if let Some(help) = p.help {
                    check_help(rule.code, help, &mut problems);
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    fn check_help(code: &str, help: &str, problems: &mut Vec<String>) {
        if !help.starts_with(|c: char| c.is_ascii_uppercase()) {
            problems.push(format!("{code}: help must start with a capital: {help:?}"));
        }
        if help.ends_with('.') {
            problems.push(format!("{code}: help must not end with a period: {help:?}"));
        }
    }

    /// Messages and help of every finding the fixtures produce follow one style.
    #[test]
    fn messages_follow_one_style() {
        let settings = settings();
        let mut problems = Vec::new();
        for rule in static_rules() {
            let (_, findings) = fixture_findings(rule, &settings);
            for f in &findings {
                let m = &f.message;
                if !(m.starts_with('`') || m.starts_with(|c: char| c.is_ascii_uppercase())) {
                    problems.push(format!(
                        "{}: message must start with ` or a capital: {m:?}",
                        f.rule.code
                    ));
                }
                if m.ends_with('.') || m.contains('\n') || m.trim() != m {
                    problems.push(format!(
                        "{}: message must be one line without a final period: {m:?}",
                        f.rule.code
                    ));
                }
                check_help(f.rule.code, &f.help, &mut problems);
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// Each rule's documented example is reported by that rule, and the
    /// suggested fix is not. (AD002's example is about bytes, not text.)
    #[test]
    fn documentation_examples_are_checked() {
        let settings = settings();
        let mut problems = Vec::new();
        for rule in static_rules().filter(|r| r.code != "AD002") {
            let doc = rule.documentation();
            for (heading, must_report) in [("## Example", true), ("## Use instead", false)] {
                let Some(code) = code_block_after(&doc, heading) else {
                    problems.push(format!(
                        "{}: no ```python block under `{heading}`",
                        rule.code
                    ));
                    continue;
                };
                let findings = check_text(code, &settings);
                let reported = findings.iter().any(|f| f.rule.code == rule.code);
                if reported != must_report {
                    problems.push(format!(
                        "{}: `{heading}` {} but got: {:?}",
                        rule.code,
                        if must_report {
                            "must be reported"
                        } else {
                            "must be clean"
                        },
                        findings
                            .iter()
                            .map(|f| format!("{} {}", f.rule.code, f.message))
                            .collect::<Vec<_>>()
                    ));
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}

#[cfg(test)]
mod fixture_expectations;
