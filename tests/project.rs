//! Whole-project analysis on a multi-module fixture project, driving the real
//! binary: every `# expect: CODE` line across the files must be reported,
//! and nothing else.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn expectations(root: &Path) -> BTreeSet<(String, usize, String)> {
    let mut out = BTreeSet::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "py") {
                let text = std::fs::read_to_string(&path).unwrap();
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                for (i, line) in text.lines().enumerate() {
                    if let Some((_, codes)) = line.split_once("# expect:") {
                        for code in codes.split(',') {
                            out.insert((rel.clone(), i + 1, code.trim().to_string()));
                        }
                    }
                }
            }
        }
    }
    out
}

fn reported(root: &Path) -> BTreeSet<(String, usize, String)> {
    let output = Command::cargo_bin("asyncdoctor")
        .unwrap()
        .current_dir(root)
        .args([
            "check",
            ".",
            "--select",
            "ALL",
            "--output-format",
            "json",
            "--no-progress",
        ])
        .output()
        .unwrap();
    assert!(output.status.code().is_some_and(|c| c <= 1), "{output:?}");
    let findings: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["filename"].as_str().unwrap().to_string(),
                f["location"]["row"].as_u64().unwrap() as usize,
                f["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/projects")
        .join(name)
}

#[test]
fn layered_project_matches_expectations() {
    let root = fixture("layered");
    let expected = expectations(&root);
    let got = reported(&root);
    let missing: Vec<_> = expected.difference(&got).collect();
    let extra: Vec<_> = got.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing: {missing:#?}\nunexpected: {extra:#?}"
    );
}

#[test]
fn blocking_chain_lists_every_step_across_modules() {
    let root = fixture("layered");
    let output = Command::cargo_bin("asyncdoctor")
        .unwrap()
        .current_dir(&root)
        .args(["check", ".", "--select", "AD508", "--output-format", "json"])
        .output()
        .unwrap();
    let findings: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let handle = findings
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["message"].as_str().unwrap().contains("load_settings()"))
        .expect("the load_settings chain is reported");
    assert!(
        handle["message"]
            .as_str()
            .unwrap()
            .contains("load_settings() -> read_text() -> open()"),
        "{handle}"
    );
    let related = handle["related"].as_array().unwrap();
    let files: Vec<&str> = related
        .iter()
        .map(|r| r["filename"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        ["src/app/config.py", "src/app/db/files.py"],
        "{related:#?}"
    );
}

/// The bundled example must trigger every static rule (README's promise).
#[test]
fn example_project_triggers_every_static_rule() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/shop");
    let got: BTreeSet<String> = reported(&root)
        .into_iter()
        .map(|(_, _, code)| code)
        .collect();
    let output = Command::cargo_bin("asyncdoctor")
        .unwrap()
        .args(["rules", "--output-format", "json"])
        .output()
        .unwrap();
    let rules: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let missing: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["origin"] == "static")
        .map(|r| r["code"].as_str().unwrap())
        .filter(|code| !got.contains(*code))
        .collect();
    assert!(
        missing.is_empty(),
        "examples/shop triggers none of {missing:?}"
    );
}

/// Notebooks: top-level `await` is legal (no AD206), a top-level
/// `asyncio.run()` is AD101 (IPython runs a loop), locations name the cell.
#[test]
fn notebook_semantics() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/notebooks");
    let output = Command::cargo_bin("asyncdoctor")
        .unwrap()
        .current_dir(&root)
        .args([
            "check",
            "loop.ipynb",
            "--output-format",
            "concise",
            "--quiet",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        stdout,
        "loop.ipynb:cell 3:2:1: AD101 `asyncio.run()` in a notebook: IPython already runs an event loop\n\
         loop.ipynb:cell 3:5:5: AD501 `time.sleep()` blocks the event loop\n"
    );
}
