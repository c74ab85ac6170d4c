//! Checks the fixtures of the task/cancellation/version rules against their
//! `# expect: ADnnn` comments, the way the shared fixture harness does
//! (`--select ALL`, default settings: target version 3.9), so they are
//! verified on this branch too. Every line not marked must produce nothing.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::check::check_source;
use crate::check::checker::RunContext;
use crate::config::{ConfigFile, Options, Overrides, Settings};
use crate::diagnostics::LineIndex;

const CODES: &[&str] = &[
    "AD102", "AD301", "AD302", "AD303", "AD304", "AD305", "AD306", "AD307", "AD401", "AD402",
    "AD403", "AD404", "AD601", "AD602", "AD701", "AD702",
];

fn settings() -> Settings {
    let config = ConfigFile {
        path: PathBuf::from("asyncdoctor.toml"),
        options: Options {
            select: Some(vec!["ALL".into()]),
            ..Options::default()
        },
        requires_python: None,
    };
    Settings::resolve(Some(&config), &Overrides::default(), Path::new(".")).expect("settings")
}

fn expectations(text: &str) -> BTreeSet<(usize, String)> {
    let mut out = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        let Some(pos) = line.find("# expect:") else {
            continue;
        };
        for code in line[pos + "# expect:".len()..]
            .split([',', ' '])
            .filter(|c| !c.is_empty())
            .take_while(|c| c.len() == 5 && c.starts_with("AD"))
        {
            out.insert((i + 1, code.to_string()));
        }
    }
    out
}

#[test]
fn task_rule_fixtures_match_their_expectations() {
    let settings = settings();
    let run = RunContext::new(&settings);
    let mut failures = String::new();
    for code in CODES {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/rules")
            .join(format!("{code}.py"));
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let diagnostics = check_source(&text, Some(code), false, settings.rules, &run);
        let index = LineIndex::new(&text);
        let reported: BTreeSet<(usize, String)> = diagnostics
            .iter()
            .map(|d| {
                (
                    index.location(&text, d.range.start()).row,
                    d.rule.code.to_string(),
                )
            })
            .collect();
        let expected = expectations(&text);
        assert!(
            expected.iter().any(|(_, c)| c == code),
            "{code}: the fixture expects no {code}"
        );
        let lines: Vec<&str> = text.lines().collect();
        for (line, c) in expected.difference(&reported) {
            failures.push_str(&format!(
                "{code}.py:{line}: {c} expected, not reported | {}\n",
                lines[line - 1].trim()
            ));
        }
        for (line, c) in reported.difference(&expected) {
            let message = diagnostics
                .iter()
                .find(|d| d.rule.code == c && index.location(&text, d.range.start()).row == *line)
                .map(|d| d.message.clone())
                .unwrap_or_default();
            failures.push_str(&format!(
                "{code}.py:{line}: {c} reported, not expected | {} | {message}\n",
                lines[line - 1].trim()
            ));
        }
    }
    assert!(failures.is_empty(), "fixture mismatches:\n{failures}");
}

/// The documented example is reported by its rule and the fix is not.
#[test]
fn task_rule_documentation_examples() {
    let settings = settings();
    let run = RunContext::new(&settings);
    let mut problems = Vec::new();
    for code in CODES {
        let rule = crate::registry::by_code(code).expect("registered");
        let doc = rule.documentation();
        for (heading, must) in [("## Example", true), ("## Use instead", false)] {
            let section = &doc[doc.find(heading).expect("section") + heading.len()..];
            let start = section.find("```python\n").expect("code block") + 10;
            let end = start + section[start..].find("```").expect("closing fence");
            let found = check_source(
                &section[start..end],
                Some("example"),
                false,
                settings.rules,
                &run,
            )
            .iter()
            .any(|d| d.rule.code == *code);
            if found != must {
                problems.push(format!("{code}: `{heading}` reported={found}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Findings of `source` checked with `--select ALL` for a target version.
fn codes_for(source: &str, target: &str) -> Vec<(String, String)> {
    let overrides = Overrides {
        target_version: Some(target.to_string()),
        select: Some(vec!["ALL".into()]),
        ..Overrides::default()
    };
    let settings = Settings::resolve(None, &overrides, Path::new(".")).expect("settings");
    let run = RunContext::new(&settings);
    check_source(source, Some("example"), false, settings.rules, &run)
        .into_iter()
        .map(|d| (d.rule.code.to_string(), d.message))
        .collect()
}

#[test]
fn target_version_drives_ad307_ad403_and_ad102() {
    let source = "import asyncio\n\nasync def f(q: asyncio.Queue, conn):\n    async with asyncio.TaskGroup() as tg:\n        tg.create_task(conn.ping())\n    try:\n        await asyncio.wait_for(conn.ping(), 1)\n    except TimeoutError:\n        pass\n    q.shutdown()\n\ndef g():\n    return asyncio.get_event_loop()\n";
    let old = codes_for(source, "3.9");
    let codes = |v: &[(String, String)]| v.iter().map(|(c, _)| c.clone()).collect::<Vec<_>>();
    assert_eq!(codes(&old), ["AD307", "AD403", "AD307", "AD102"]);
    assert!(old[3].1.contains("deprecated from 3.10"), "{}", old[3].1);

    let py311 = codes_for(source, "3.11");
    assert_eq!(
        codes(&py311),
        ["AD307", "AD102"],
        "only Queue.shutdown (3.13) is too new"
    );
    assert!(py311[1].1.contains("deprecated on your target version"));

    let py314 = codes_for(source, "3.14");
    assert_eq!(codes(&py314), ["AD102"]);
    assert!(
        py314[0]
            .1
            .contains("raises `RuntimeError` on your target version")
    );
}

#[test]
fn ad305_trusts_files_that_use_a_semaphore() {
    let unbounded = "import asyncio\n\nasync def f(redis):\n    keys = await redis.keys('*')\n    await asyncio.gather(*(redis.get(k) for k in keys))\n";
    assert!(
        codes_for(unbounded, "3.9")
            .iter()
            .any(|(c, _)| c == "AD305")
    );
    let with_semaphore = format!("{unbounded}\nLIMIT = asyncio.Semaphore(10)\n");
    assert!(
        !codes_for(&with_semaphore, "3.9")
            .iter()
            .any(|(c, _)| c == "AD305")
    );
}
