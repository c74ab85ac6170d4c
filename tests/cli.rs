//! Integration tests on the real `asyncdoctor` binary: output formats, exit
//! codes, suppression comments, configuration and file discovery.

mod common;

use common::{Project, SLEEPY};
use serde_json::Value;

// ---- output formats ----

#[test]
fn concise_is_one_exact_line_per_finding_sorted_then_a_summary() {
    let p = Project::new();
    p.write("b.py", SLEEPY);
    p.write(
        "a.py",
        "import subprocess, time\n\nasync def f():\n    subprocess.run('x'); time.sleep(1)\n",
    );
    let out = p.check(&["--output-format", "concise"]);
    assert_eq!(out.code, 1, "{out}");
    assert_eq!(
        out.stdout,
        "a.py:4:5: AD503 `subprocess.run()` blocks the event loop\n\
         a.py:4:26: AD501 `time.sleep()` blocks the event loop\n\
         b.py:4:5: AD501 `time.sleep()` blocks the event loop\n\
         Found 3 findings in 2 files (2 files checked).\n"
    );
    // The summary line does not look like a finding.
    let last = out.stdout.lines().last().unwrap();
    assert!(!common::looks_like_finding(last), "{last}");
}

#[test]
fn concise_is_the_default_when_stdout_is_not_a_terminal() {
    let p = Project::new();
    p.write("a.py", SLEEPY);
    let out = p.check(&[]);
    assert!(
        out.stdout
            .starts_with("a.py:4:5: AD501 `time.sleep()` blocks the event loop\n"),
        "{out}"
    );
}

#[test]
fn json_has_the_contract_fields() {
    let p = Project::new();
    p.write("a.py", SLEEPY);
    let out = p.check(&["--output-format", "json"]);
    assert_eq!(out.code, 1, "{out}");
    let v: Value = serde_json::from_str(&out.stdout).expect("stdout is JSON");
    let items = v.as_array().expect("a JSON array");
    assert_eq!(items.len(), 1);
    let f = &items[0];
    for key in [
        "code",
        "name",
        "message",
        "filename",
        "location",
        "end_location",
        "help",
        "url",
        "fix",
        "knowledge",
        "related",
    ] {
        assert!(f.get(key).is_some(), "missing `{key}` in {f}");
    }
    assert_eq!(f["code"], "AD501");
    assert_eq!(f["name"], "blocking-sleep");
    assert_eq!(f["message"], "`time.sleep()` blocks the event loop");
    assert_eq!(f["filename"], "a.py");
    assert_eq!(f["location"]["row"], 4);
    assert_eq!(f["location"]["column"], 5);
    // `time.sleep(1)` ends after the closing parenthesis: column 5 + 13.
    assert_eq!(f["end_location"]["row"], 4);
    assert_eq!(f["end_location"]["column"], 18);
    assert_eq!(f["knowledge"], "loop-blocked");
    assert!(f["url"].is_null() || f["url"].is_string());
    assert!(f["fix"].is_null() || f["fix"].is_object());
    assert!(f["related"].is_array());
    assert!(f["help"].as_str().is_some_and(|h| !h.is_empty()));
}

#[test]
fn json_without_findings_is_an_empty_array() {
    let p = Project::new();
    p.write("a.py", "x = 1\n");
    let out = p.check(&["--output-format", "json"]);
    assert_eq!(out.code, 0, "{out}");
    assert_eq!(
        serde_json::from_str::<Value>(&out.stdout).unwrap(),
        Value::Array(vec![])
    );
}

#[test]
fn sarif_is_2_1_0_with_rule_help() {
    let p = Project::new();
    p.write("a.py", SLEEPY);
    let out = p.check(&["--output-format", "sarif"]);
    assert_eq!(out.code, 1, "{out}");
    let v: Value = serde_json::from_str(&out.stdout).expect("stdout is JSON");
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "asyncdoctor");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(!rules.is_empty());
    for rule in rules {
        assert!(
            rule["help"]["text"].as_str().is_some_and(|t| !t.is_empty()),
            "rule without help: {rule}"
        );
        assert!(rule["id"].as_str().is_some_and(|id| id.starts_with("AD")));
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["ruleId"], "AD501");
    let region = &results[0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 4);
    assert_eq!(region["startColumn"], 5);
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "a.py"
    );
    // ruleIndex points at the rule it names.
    let index = results[0]["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "AD501");
}

#[test]
fn github_annotations() {
    let p = Project::new();
    p.write("a.py", SLEEPY);
    let out = p.check(&["--output-format", "github"]);
    assert_eq!(out.code, 1, "{out}");
    assert_eq!(
        out.stdout,
        "::error title=asyncdoctor (AD501),file=a.py,line=4,col=5,endLine=4,endColumn=18::\
         a.py:4:5: AD501 `time.sleep()` blocks the event loop\n"
    );
}

#[test]
fn full_shows_the_source_line_a_caret_and_help() {
    let p = Project::new();
    p.write("a.py", SLEEPY);
    let out = p.check(&["--output-format", "full"]);
    assert_eq!(out.code, 1, "{out}");
    let s = &out.stdout;
    assert!(
        s.contains("AD501 `time.sleep()` blocks the event loop"),
        "{s}"
    );
    assert!(s.contains("a.py:4:5"), "{s}");
    assert!(s.contains("4 |     time.sleep(1)"), "{s}");
    // The caret line underlines exactly `time.sleep(1)` (13 characters).
    assert!(s.contains("  |     ^^^^^^^^^^^^^\n"), "{s}");
    assert!(
        s.contains("help: Use `await asyncio.sleep(...)`, which suspends only this task"),
        "{s}"
    );
    assert!(s.contains("asyncdoctor rule AD501"), "{s}");
    assert!(!s.contains('\u{1b}'), "no colour when not a terminal: {s}");
}

#[test]
fn full_format_of_an_unreadable_file_still_renders() {
    let p = Project::new();
    p.write_bytes("latin.py", b"x = '\xe9'\n");
    let out = p.check(&["--output-format", "full"]);
    assert_eq!(out.code, 1, "{out}");
    assert!(out.stdout.contains("AD002"), "{out}");
    assert!(out.stdout.contains("latin.py"), "{out}");
}

// ---- exit codes and run options ----

#[test]
fn exit_codes() {
    let p = Project::new();
    p.write(
        "clean.py",
        "import asyncio\n\nasync def f():\n    await asyncio.sleep(1)\n",
    );
    let clean = p.check(&["clean.py"]);
    assert_eq!(clean.code, 0, "{clean}");
    assert_eq!(clean.stdout, "All checks passed (1 file checked).\n");

    p.write("dirty.py", SLEEPY);
    assert_eq!(p.check(&["dirty.py"]).code, 1);
    let zero = p.check(&["--exit-zero", "dirty.py"]);
    assert_eq!(zero.code, 0, "{zero}");
    assert!(
        zero.stdout.contains("AD501"),
        "findings are still shown: {zero}"
    );

    let usage = p.check(&["--output-format", "yaml", "dirty.py"]);
    assert_eq!(usage.code, 2, "{usage}");
    let unknown_flag = p.check(&["--frobnicate"]);
    assert_eq!(unknown_flag.code, 2, "{unknown_flag}");
}

#[test]
fn statistics_counts_per_code() {
    let p = Project::new();
    p.write(
        "a.py",
        "import time, subprocess\n\nasync def f():\n    time.sleep(1)\n    time.sleep(2)\n    subprocess.run('x')\n",
    );
    p.write("b.py", SLEEPY);
    let out = p.check(&["--statistics"]);
    assert_eq!(out.code, 1, "{out}");
    assert_eq!(
        out.stdout,
        "     3  AD501  blocking-sleep\n     1  AD503  blocking-subprocess\n"
    );
}

#[test]
fn quiet_prints_findings_only() {
    let p = Project::new();
    p.write("a.py", SLEEPY);
    let out = p.check(&["--quiet"]);
    assert_eq!(
        out.stdout,
        "a.py:4:5: AD501 `time.sleep()` blocks the event loop\n"
    );
    p.write("a.py", "x = 1\n");
    let clean = p.check(&["-q"]);
    assert_eq!(clean.code, 0);
    assert_eq!(clean.stdout, "");
}

#[test]
fn select_ignore_extend_select() {
    let p = Project::new();
    p.write(
        "a.py",
        "import time, subprocess, requests\n\nasync def f():\n    time.sleep(1)\n    subprocess.run('x')\n    requests.get('u')\n",
    );
    let codes = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--quiet"];
        all.extend_from_slice(args);
        p.check(&all)
            .stdout
            .lines()
            .map(|l| l.split(' ').nth(1).unwrap().to_string())
            .collect()
    };
    assert_eq!(codes(&[]), ["AD501", "AD503", "AD502"]);
    assert_eq!(codes(&["--select", "AD501"]), ["AD501"]);
    assert_eq!(codes(&["--select", "AD501,AD503"]), ["AD501", "AD503"]);
    assert_eq!(codes(&["--select", "blocking-http-call"]), ["AD502"]);
    assert_eq!(
        codes(&["--select", "AD50", "--ignore", "AD503"]),
        ["AD501", "AD502"]
    );
    assert_eq!(codes(&["--ignore", "AD5"]), Vec::<String>::new());
    assert_eq!(
        codes(&["--select", "AD501", "--extend-select", "AD502"]),
        ["AD501", "AD502"]
    );
    assert_eq!(
        codes(&["--select", "ALL", "--ignore", "AD501,AD502"]),
        ["AD503"]
    );
}

#[test]
fn bad_selector_is_a_usage_error() {
    let p = Project::new();
    p.write("a.py", SLEEPY);
    for args in [
        ["--select", "XYZ1"],
        ["--ignore", "AD599"],
        ["--extend-select", "blocking-slep"],
    ] {
        let out = p.check(&args);
        assert_eq!(out.code, 2, "{args:?}: {out}");
        assert!(out.stdout.is_empty(), "{out}");
        assert!(out.stderr.contains(args[1]), "names the selector: {out}");
        assert!(out.stderr.contains(args[0]), "names the option: {out}");
    }
}

#[test]
fn output_order_is_deterministic() {
    let p = Project::new();
    for i in 0..40 {
        p.write(&format!("pkg{}/m{i}.py", i % 4), SLEEPY);
    }
    p.write("pkg0/bad.py", "def (:\n");
    let first = p.check(&["--quiet"]);
    let lines: Vec<&str> = first.stdout.lines().collect();
    assert_eq!(lines.len(), 41, "{first}");
    let mut sorted = lines.clone();
    sorted.sort_by_key(|l| {
        let mut parts = l.splitn(4, ':');
        let path = parts.next().unwrap().to_string();
        let row: usize = parts.next().unwrap().parse().unwrap();
        let col: usize = parts.next().unwrap().parse().unwrap();
        (path, row, col)
    });
    assert_eq!(lines, sorted);
    for _ in 0..3 {
        assert_eq!(p.check(&["--quiet"]).stdout, first.stdout);
    }
}

#[test]
fn rule_and_rules_commands() {
    let p = Project::new();
    let out = p.run(&["rule", "AD501"]);
    assert_eq!(out.code, 0, "{out}");
    assert!(out.stdout.contains("## What it does"), "{out}");
    let by_name = p.run(&["rule", "blocking-sleep"]);
    assert_eq!(by_name.stdout, out.stdout);
    let unknown = p.run(&["rule", "AD999"]);
    assert_eq!(unknown.code, 2, "{unknown}");
    let list = p.run(&["rules", "--output-format", "json"]);
    let v: Value = serde_json::from_str(&list.stdout).unwrap();
    assert!(v.as_array().unwrap().iter().any(|r| r["code"] == "AD509"));
}

// ---- suppression ----

#[test]
fn noqa_on_the_reported_line() {
    let p = Project::new();
    p.write(
        "n.py",
        "import time, subprocess\n\
         \n\
         async def f():\n\
         \x20   time.sleep(1)  # noqa\n\
         \x20   time.sleep(1)  # noqa: AD501\n\
         \x20   time.sleep(1)  # noqa: AD502\n\
         \x20   time.sleep(1)  # noqa: ASYNC251, AD501\n\
         \x20   time.sleep(1)  # noqa: ASYNC251\n\
         \x20   time.sleep(1)  # NOQA:ad501,F401\n\
         \x20   subprocess.run(  # noqa: AD503\n\
         \x20       'x')\n\
         \x20   subprocess.run(\n\
         \x20       'x')  # noqa: AD503\n\
         \x20   time.sleep(1)  # a comment that mentions noqa in passing\n\
         \x20   time.sleep(1); subprocess.run('x')  # noqa: AD501: the sleep is on purpose\n",
    );
    let out = p.check(&["--quiet"]);
    assert_eq!(
        out.stdout,
        "n.py:6:5: AD501 `time.sleep()` blocks the event loop\n\
         n.py:8:5: AD501 `time.sleep()` blocks the event loop\n\
         n.py:12:5: AD503 `subprocess.run()` blocks the event loop\n\
         n.py:14:5: AD501 `time.sleep()` blocks the event loop\n\
         n.py:15:20: AD503 `subprocess.run()` blocks the event loop\n",
        "`# noqa: AD502` and a foreign-only list do not suppress AD501; a noqa on the \
         continuation line does not suppress a finding that starts above it; a reason after \
         the codes does not turn the list into a blanket noqa"
    );
}

#[test]
fn file_level_noqa() {
    let p = Project::new();
    p.write(
        "all.py",
        "# asyncdoctor: noqa\nimport time\n\nasync def f():\n    time.sleep(1)\n",
    );
    p.write(
        "some.py",
        "import time, subprocess\n# asyncdoctor: noqa: AD503, ASYNC220\n\nasync def f():\n    time.sleep(1)\n    subprocess.run('x')\n",
    );
    p.write(
        "prose.py",
        "import time\n# Unlike asyncdoctor: noqa comments, this line is prose.\n\nasync def f():\n    time.sleep(1)\n",
    );
    let out = p.check(&["--quiet"]);
    assert_eq!(
        out.stdout,
        "prose.py:5:5: AD501 `time.sleep()` blocks the event loop\n\
         some.py:5:5: AD501 `time.sleep()` blocks the event loop\n"
    );
    // Also silences AD001: the file-level comment covers every finding in it.
    p.write("broken.py", "# asyncdoctor: noqa\ndef f(:\n");
    assert!(!p.check(&["--quiet"]).stdout.contains("broken.py"));
}

// ---- configuration ----

const TWO_FINDINGS: &str =
    "import time, subprocess\n\nasync def f():\n    time.sleep(1)\n    subprocess.run('x')\n";

#[test]
fn config_is_discovered_from_the_checked_path_upwards_closest_wins() {
    let p = Project::new();
    p.write(
        "proj/pyproject.toml",
        "[tool.asyncdoctor]\nignore = [\"AD501\"]\n",
    );
    p.write("proj/app/deep/x.py", TWO_FINDINGS);
    p.write("proj/top.py", TWO_FINDINGS);
    // From outside the project: the pyproject above the checked path applies.
    let out = p.check(&["--quiet", "proj"]);
    assert_eq!(
        out.stdout,
        "proj/app/deep/x.py:5:5: AD503 `subprocess.run()` blocks the event loop\n\
         proj/top.py:5:5: AD503 `subprocess.run()` blocks the event loop\n"
    );
    // A closer asyncdoctor.toml wins for the files under it.
    p.write("proj/app/asyncdoctor.toml", "ignore = [\"AD503\"]\n");
    let out = p.check(&["--quiet", "proj/app/deep/x.py"]);
    assert_eq!(
        out.stdout,
        "proj/app/deep/x.py:4:5: AD501 `time.sleep()` blocks the event loop\n"
    );
    // Also when run from inside, with no path.
    let out = p.check_in("proj/app/deep", &["--quiet"]);
    assert_eq!(
        out.stdout,
        "x.py:4:5: AD501 `time.sleep()` blocks the event loop\n"
    );
    // asyncdoctor.toml beats pyproject.toml in the same directory.
    p.write("proj/asyncdoctor.toml", "select = [\"AD503\"]\n");
    let out = p.check(&["--quiet", "proj/top.py"]);
    assert_eq!(
        out.stdout,
        "proj/top.py:5:5: AD503 `subprocess.run()` blocks the event loop\n"
    );
    // --isolated ignores every config file.
    let out = p.check(&["--quiet", "--isolated", "proj/top.py"]);
    assert_eq!(out.stdout.lines().count(), 2, "{out}");
}

#[test]
fn pyproject_without_our_table_is_skipped_on_the_way_up() {
    let p = Project::new();
    p.write("asyncdoctor.toml", "ignore = [\"AD501\"]\n");
    p.write(
        "sub/pyproject.toml",
        "[project]\nname = \"x\"\n[tool.black]\nline-length = 100\n",
    );
    p.write("sub/x.py", TWO_FINDINGS);
    let out = p.check(&["--quiet", "sub/x.py"]);
    assert_eq!(
        out.stdout,
        "sub/x.py:5:5: AD503 `subprocess.run()` blocks the event loop\n"
    );
}

#[test]
fn cli_flags_override_config() {
    let p = Project::new();
    p.write("asyncdoctor.toml", "select = [\"AD501\"]\n");
    p.write("x.py", TWO_FINDINGS);
    let out = p.check(&["--quiet", "--select", "AD503"]);
    assert_eq!(
        out.stdout,
        "x.py:5:5: AD503 `subprocess.run()` blocks the event loop\n"
    );
    let out = p.check(&["--quiet", "--extend-select", "AD503"]);
    assert_eq!(out.stdout.lines().count(), 2, "{out}");
}

#[test]
fn unknown_config_key_is_an_error_naming_file_and_key() {
    let p = Project::new();
    p.write("x.py", SLEEPY);
    p.write("asyncdoctor.toml", "selct = [\"AD5\"]\n");
    let out = p.check(&[]);
    assert_eq!(out.code, 2, "{out}");
    assert!(out.stdout.is_empty(), "{out}");
    assert!(out.stderr.contains("asyncdoctor.toml"), "{out}");
    assert!(out.stderr.contains("selct"), "{out}");
    assert!(
        out.stderr.contains("select"),
        "lists what is allowed: {out}"
    );

    p.remove("asyncdoctor.toml");
    p.write(
        "pyproject.toml",
        "[tool.asyncdoctor]\nper-file-ignore = {}\n",
    );
    let out = p.check(&[]);
    assert_eq!(out.code, 2, "{out}");
    assert!(out.stderr.contains("pyproject.toml"), "{out}");
    assert!(out.stderr.contains("per-file-ignore"), "{out}");
}

#[test]
fn bad_config_values_are_errors_naming_file_and_key() {
    let p = Project::new();
    p.write("x.py", SLEEPY);
    for (toml, key) in [
        ("select = [\"AD5\", \"bogus\"]\n", "bogus"),
        ("select = \"AD5\"\n", "AD5"),
        ("target-version = \"2.7\"\n", "target-version"),
        ("blocking-calls = [\"fetch\"]\n", "blocking-calls"),
        ("per-file-ignores = { \"*.py\" = [\"AD5000\"] }\n", "AD5000"),
        ("exclude = [\"[\"]\n", "exclude"),
        ("select = [\n", "asyncdoctor.toml"),
    ] {
        p.write("asyncdoctor.toml", toml);
        let out = p.check(&[]);
        assert_eq!(out.code, 2, "{toml}: {out}");
        assert!(out.stderr.contains("asyncdoctor.toml"), "{toml}: {out}");
        assert!(out.stderr.contains(key), "{toml}: {out}");
    }
    p.remove("asyncdoctor.toml");
    let out = p.check(&["--target-version", "py27"]);
    assert_eq!(out.code, 2, "{out}");
    assert!(out.stderr.contains("--target-version"), "{out}");
}

#[test]
fn target_version_from_config_and_requires_python_is_accepted() {
    let p = Project::new();
    p.write("x.py", SLEEPY);
    p.write(
        "pyproject.toml",
        "[project]\nname = \"x\"\nrequires-python = \">=3.11\"\n\n[tool.asyncdoctor]\ntarget-version = \"py312\"\n",
    );
    assert_eq!(p.check(&[]).code, 1);
    assert_eq!(p.check(&["--target-version", "3.10"]).code, 1);
}

#[test]
fn per_file_ignores() {
    let p = Project::new();
    p.write(
        "proj/pyproject.toml",
        "[tool.asyncdoctor]\nper-file-ignores = { \"tests/*.py\" = [\"AD501\"], \"scripts.py\" = [\"AD5\"] }\n",
    );
    p.write("proj/tests/t.py", TWO_FINDINGS);
    p.write("proj/sub/scripts.py", TWO_FINDINGS);
    p.write("proj/app.py", TWO_FINDINGS);
    let expected = |prefix: &str| {
        format!(
            "{prefix}app.py:4:5: AD501 `time.sleep()` blocks the event loop\n\
             {prefix}app.py:5:5: AD503 `subprocess.run()` blocks the event loop\n\
             {prefix}tests/t.py:5:5: AD503 `subprocess.run()` blocks the event loop\n"
        )
    };
    // Run inside the project...
    assert_eq!(p.check_in("proj", &["--quiet"]).stdout, expected(""));
    // ...and from outside it: patterns stay relative to the config's directory.
    assert_eq!(p.check(&["--quiet", "proj"]).stdout, expected("proj/"));
}

// ---- file discovery ----

#[test]
fn default_excludes_unless_named_explicitly() {
    let p = Project::new();
    for dir in [
        ".venv",
        "venv",
        "build",
        "dist",
        "node_modules",
        "__pycache__",
        ".tox",
        "site-packages",
        "src",
    ] {
        p.write(&format!("{dir}/m.py"), SLEEPY);
    }
    let out = p.check(&["--quiet"]);
    assert_eq!(
        out.stdout,
        "src/m.py:4:5: AD501 `time.sleep()` blocks the event loop\n"
    );
    // Named explicitly: checked, as a directory and as a file.
    let out = p.check(&["--quiet", "build", ".venv/m.py"]);
    assert_eq!(
        out.stdout,
        ".venv/m.py:4:5: AD501 `time.sleep()` blocks the event loop\n\
         build/m.py:4:5: AD501 `time.sleep()` blocks the event loop\n"
    );
}

#[test]
fn exclude_and_extend_exclude() {
    let p = Project::new();
    for dir in ["gen", "keep", "build"] {
        p.write(&format!("{dir}/m.py"), SLEEPY);
    }
    p.write("gen/deep/z.py", SLEEPY);
    let files = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--quiet"];
        all.extend_from_slice(args);
        p.check(&all)
            .stdout
            .lines()
            .map(|l| l.split(':').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(files(&[]), ["gen/deep/z.py", "gen/m.py", "keep/m.py"]);
    // extend-exclude keeps the defaults (build stays out).
    assert_eq!(files(&["--extend-exclude", "gen"]), ["keep/m.py"]);
    // exclude replaces them (build comes back).
    assert_eq!(files(&["--exclude", "gen"]), ["build/m.py", "keep/m.py"]);
    // Patterns with a slash match paths relative to the project root.
    assert_eq!(files(&["--extend-exclude", "gen/*.py"]), ["keep/m.py"]);
    // The same from config.
    p.write(
        "asyncdoctor.toml",
        "extend-exclude = [\"keep\", \"*.pyi\"]\n",
    );
    assert_eq!(files(&[]), ["gen/deep/z.py", "gen/m.py"]);
    p.write("asyncdoctor.toml", "exclude = [\"keep\"]\n");
    assert_eq!(files(&[]), ["build/m.py", "gen/deep/z.py", "gen/m.py"]);
    // Config patterns with a slash are relative to the config's directory,
    // whatever the cwd and however the path is written.
    p.write("asyncdoctor.toml", "extend-exclude = [\"gen/*.py\"]\n");
    assert_eq!(files(&[]), ["keep/m.py"]);
    let from_sub = p.check_in("keep", &["--quiet", ".."]);
    assert_eq!(
        from_sub.stdout,
        "../keep/m.py:4:5: AD501 `time.sleep()` blocks the event loop\n"
    );
}

#[test]
fn gitignore_is_respected() {
    let p = Project::new();
    p.write(".gitignore", "generated/\nsecret_*.py\n");
    p.write("generated/m.py", SLEEPY);
    p.write("secret_a.py", SLEEPY);
    p.write("kept.py", SLEEPY);
    let out = p.check(&["--quiet"]);
    assert_eq!(
        out.stdout,
        "kept.py:4:5: AD501 `time.sleep()` blocks the event loop\n"
    );
    // Also inside a git repository, and for a nested .gitignore.
    std::fs::create_dir_all(p.path("sub/.git")).unwrap();
    p.write("sub/.gitignore", "skip.py\n");
    p.write("sub/skip.py", SLEEPY);
    p.write("sub/take.py", SLEEPY);
    let out = p.check(&["--quiet"]);
    assert_eq!(
        out.stdout,
        "kept.py:4:5: AD501 `time.sleep()` blocks the event loop\n\
         sub/take.py:4:5: AD501 `time.sleep()` blocks the event loop\n"
    );
}

#[test]
fn only_py_files_are_discovered_but_named_files_are_checked() {
    let p = Project::new();
    p.write("a.py", SLEEPY);
    p.write("b.txt", SLEEPY);
    p.write("c.pyi", "def f() -> None: ...\n");
    p.write("script", SLEEPY);
    let out = p.check(&["--quiet"]);
    assert_eq!(
        out.stdout,
        "a.py:4:5: AD501 `time.sleep()` blocks the event loop\n"
    );
    let out = p.check(&["--quiet", "script"]);
    assert_eq!(
        out.stdout,
        "script:4:5: AD501 `time.sleep()` blocks the event loop\n"
    );
}

#[test]
fn syntax_error_next_to_a_good_file() {
    let p = Project::new();
    p.write(
        "bad.py",
        "import time\n\nasync def f(:\n    time.sleep(1)\n",
    );
    p.write("good.py", SLEEPY);
    let out = p.check(&[]);
    assert_eq!(out.code, 1, "{out}");
    assert_eq!(
        out.stdout,
        "bad.py:3:13: AD001 Syntax error: Expected a parameter or the end of the parameter list\n\
         good.py:4:5: AD501 `time.sleep()` blocks the event loop\n\
         Found 2 findings in 2 files (2 files checked).\n"
    );
    assert!(out.stderr.is_empty(), "{out}");
}

#[test]
fn odd_file_names_in_every_format() {
    use std::os::unix::ffi::OsStrExt;
    let p = Project::new();
    p.write("my dir/a,b:c.py", SLEEPY);
    let raw = std::ffi::OsStr::from_bytes(b"\xff.py");
    std::fs::write(p.root().join(raw), SLEEPY).unwrap();

    let concise = p.check(&["--quiet"]);
    assert_eq!(
        concise.stdout,
        "my dir/a,b:c.py:4:5: AD501 `time.sleep()` blocks the event loop\n\
         \u{fffd}.py:4:5: AD501 `time.sleep()` blocks the event loop\n"
    );
    let github = p.check(&["--output-format", "github", "my dir"]);
    assert!(
        github
            .stdout
            .starts_with("::error title=asyncdoctor (AD501),file=my dir/a%2Cb%3Ac.py,line=4,"),
        "{github}"
    );
    let sarif: Value =
        serde_json::from_str(&p.check(&["--output-format", "sarif", "my dir"]).stdout).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "my%20dir/a%2Cb%3Ac.py"
    );
    let json: Value =
        serde_json::from_str(&p.check(&["--output-format", "json", "my dir"]).stdout).unwrap();
    assert_eq!(json[0]["filename"], "my dir/a,b:c.py");
}
