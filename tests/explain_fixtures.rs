//! Every fixture under tests/fixtures/explain/<id>/ is explained and must
//! produce exactly the ids its `cases.toml` lists. Directories named after
//! an id need at least three cases that all find that id; `_negative` holds
//! inputs that must find nothing.

use std::collections::BTreeSet;
use std::path::Path;

use asyncdoctor::explain::analyze::analyze;

mod explain_support;

#[derive(serde::Deserialize)]
struct Cases {
    case: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    file: String,
    /// The Python version the input mimics (documentation only: the
    /// matcher never reads this file).
    #[allow(dead_code)]
    python: String,
    expect: Vec<String>,
}

fn found(path: &Path) -> BTreeSet<String> {
    let file = std::fs::File::open(path).unwrap();
    analyze(file)
        .unwrap()
        .findings
        .iter()
        .map(|f| f.id.to_string())
        .collect()
}

#[test]
fn every_fixture_finds_exactly_its_ids() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/explain");
    let mut failures = Vec::new();
    let mut dirs = 0;
    let mut total = 0;
    for dir in std::fs::read_dir(&root).unwrap() {
        let dir = dir.unwrap().path();
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let cases: Cases =
            toml::from_str(&std::fs::read_to_string(dir.join("cases.toml")).unwrap()).unwrap();
        dirs += 1;
        if name != "_negative" {
            assert!(
                asyncdoctor::knowledge::get(&name).is_some(),
                "{name}: not a knowledge-base id"
            );
            assert!(cases.case.len() >= 3, "{name}: fewer than three cases");
        }
        for case in &cases.case {
            total += 1;
            let expect: BTreeSet<String> = case.expect.iter().cloned().collect();
            if name != "_negative" {
                assert!(
                    expect.contains(&name),
                    "{name}/{}: case must expect its own id",
                    case.file
                );
            }
            let got = found(&dir.join(&case.file));
            if got != expect {
                failures.push(format!(
                    "{name}/{}: expected {expect:?}, found {got:?}",
                    case.file
                ));
            }
        }
    }
    assert!(dirs >= 23, "fixture directories missing: {dirs}");
    assert!(
        failures.is_empty(),
        "{} of {total} fixtures wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_spec_id_has_fixtures() {
    let spec_ids = explain_support::SPEC_IDS;
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/explain");
    for id in spec_ids {
        assert!(
            root.join(id).join("cases.toml").is_file(),
            "{id}: no fixtures"
        );
    }
}

#[test]
fn ten_megabyte_single_line_finds_nothing_and_does_not_panic() {
    let mut big = vec![b'a'; 10 * 1024 * 1024];
    // Trigger words far into the line must not matter either.
    big[9_000_000..9_000_040].copy_from_slice(b"RuntimeError: Event loop is closed      ");
    let a = analyze(&big[..]).unwrap();
    assert!(a.findings.is_empty());
    assert_eq!(a.lines, 1);
}

#[test]
fn a_long_line_does_not_hide_the_next_traceback() {
    let mut input = vec![b'x'; 3 * 1024 * 1024];
    input.extend_from_slice(
        b"\nTraceback (most recent call last):\n  File \"a.py\", line 1, in f\n    g()\nRuntimeError: Event loop is closed\n",
    );
    let a = analyze(&input[..]).unwrap();
    assert_eq!(a.findings.len(), 1);
    assert_eq!(a.findings[0].id, "loop-closed");
    assert_eq!(a.findings[0].input_lines, vec![2, 5]);
}

#[test]
fn garbage_interleaved_with_a_real_finding() {
    let mut input: Vec<u8> = (0..50_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    input.extend_from_slice(b"\nTask was destroyed but it is pending!\n");
    input.extend((0..50_000u32).map(|i| (i.wrapping_mul(40_503) >> 5) as u8));
    let a = analyze(&input[..]).unwrap();
    let ids: Vec<_> = a.findings.iter().map(|f| f.id).collect();
    assert!(ids.contains(&"task-destroyed-pending"), "{ids:?}");
}
