//! Seeded mutation test: random byte and token edits of the rule fixtures
//! (and `examples/`, when present) must never make `check` panic or hang.
//!
//! Reproduce a run with `ASYNCDOCTOR_MUTATION_SEED=<seed>`; change the
//! number of cases with `ASYNCDOCTOR_MUTATION_CASES=<n>`. A failing input is
//! written to `target/mutation-failures/` and named in the failure.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use crate::check::checker::RunContext;
use crate::check::{check_source, source};
use crate::config::{ConfigFile, Options, Overrides, Settings};
use crate::diagnostics::FileFindings;
use crate::diagnostics::render::{self, OutputFormat, Summary};

const DEFAULT_SEED: u64 = 0x5EED_A5D0_C70B_0001;
const DEFAULT_CASES: usize = 6_000;
/// Far above what one small file takes; only a hang gets near it.
const CASE_TIME_LIMIT: Duration = Duration::from_secs(30);
const WORKER_STACK: usize = 64 * 1024 * 1024;

/// xorshift64*: tiny, fast, good enough to pick edits.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        // splitmix64 of the seed, so nearby seeds give unrelated streams.
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }

    fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        &items[self.below(items.len())]
    }
}

/// Bytes worth inserting: brackets, indentation, quotes, line ends, a BOM,
/// multi-byte and invalid UTF-8, NUL.
const BYTE_INSERTS: &[&[u8]] = &[
    b"(",
    b")",
    b"[",
    b"]",
    b"{",
    b"}",
    b":",
    b",",
    b".",
    b"=",
    b"\n",
    b"\r",
    b"\r\n",
    b"\t",
    b"    ",
    b"\"",
    b"'",
    b"\"\"\"",
    b"\\",
    b"#",
    b"@",
    b"*",
    b"\xc3\xa9",
    b"\xe2\x82\xac",
    b"\xf0\x9f\x90\x8d",
    b"\xef\xbb\xbf",
    b"\xe9",
    b"\xff",
    b"\x00",
    b"\x0c",
];

/// Tokens worth inserting: keywords and punctuation that change structure.
const TOKEN_INSERTS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    ";",
    "=",
    ":=",
    "*",
    "**",
    "->",
    ".",
    "@",
    "\n",
    "\n    ",
    "\n        ",
    "async ",
    "await ",
    "def ",
    "async def f():\n    ",
    "lambda: ",
    "lambda x=time.sleep(1): ",
    "with ",
    "async with ",
    "for ",
    "async for ",
    "in ",
    "if ",
    "else ",
    "elif ",
    "while ",
    "try:",
    "except ",
    "except* ",
    "finally:",
    "return ",
    "yield ",
    "yield from ",
    "import ",
    "from ",
    " as ",
    "global x\n",
    "nonlocal x\n",
    "class C:\n    ",
    "match x:\n    case ",
    "type X = ",
    "f\"{",
    "}\"",
    "\"\"\"",
    "'",
    "#",
    "# noqa",
    "\\\n",
    "time.sleep(1)",
    "open(p)",
    "self.",
    "None",
    "...",
    "not ",
    "print ",
    "del ",
    "pass",
    "x",
    "sleep",
    "requests",
    "sqlite3.connect(x)",
    "socket.socket()",
    ".setblocking(False)",
    "# asyncdoctor: noqa",
    "# -*- coding: latin-1 -*-\n",
    "\u{3c0}",
    "\u{feff}",
];

/// Splits source into rough tokens: identifier/number runs, whitespace runs,
/// line ends, single other characters. Good enough to cut on boundaries.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let class = |c: char| {
            if c.is_alphanumeric() || c == '_' {
                0
            } else if c == ' ' || c == '\t' {
                1
            } else {
                2
            }
        };
        let k = class(c);
        let mut end = i + c.len_utf8();
        if k != 2 {
            while let Some(&(j, d)) = chars.peek() {
                if class(d) != k {
                    break;
                }
                end = j + d.len_utf8();
                chars.next();
            }
        }
        debug_assert_eq!(start, i);
        out.push(&text[i..end]);
        start = end;
    }
    out
}

fn byte_edit(rng: &mut Rng, bytes: &mut Vec<u8>) {
    let len = bytes.len();
    let at = rng.below(len + 1);
    match rng.below(6) {
        0 if len > 0 => {
            let n = 1 + rng.below(8);
            bytes.drain(at.min(len)..(at + n).min(len));
        }
        1 => {
            let insert = *rng.pick(BYTE_INSERTS);
            bytes.splice(at..at, insert.iter().copied());
        }
        2 if len > 0 => {
            let i = rng.below(len);
            bytes[i] = rng.next() as u8;
        }
        3 if len > 0 => {
            let n = 1 + rng.below(64);
            let end = (at + n).min(len);
            let copy = bytes[at.min(len)..end].to_vec();
            bytes.splice(end..end, copy);
        }
        4 if len > 0 => bytes.truncate(at),
        _ => {
            let b = *rng.pick(b"()[]{}:\n \t'\"\\#");
            bytes.insert(at, b);
        }
    }
}

fn token_edit(rng: &mut Rng, text: &str) -> String {
    let mut toks: Vec<String> = tokens(text).into_iter().map(str::to_string).collect();
    let n = toks.len();
    match rng.below(7) {
        0 if n > 0 => {
            toks.remove(rng.below(n));
        }
        1 if n > 0 => {
            let i = rng.below(n);
            let t = toks[i].clone();
            toks.insert(i, t);
        }
        2 if n > 1 => {
            let (a, b) = (rng.below(n), rng.below(n));
            toks.swap(a, b);
        }
        3 if n > 0 => {
            // Delete a run of tokens (a half statement).
            let i = rng.below(n);
            let end = (i + 1 + rng.below(12)).min(n);
            toks.drain(i..end);
        }
        4 => {
            // Move a line elsewhere, or indent/dedent one.
            let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
            let i = rng.below(lines.len());
            match rng.below(3) {
                0 => {
                    let line = lines.remove(i);
                    let j = rng.below(lines.len() + 1);
                    lines.insert(j, line);
                }
                1 => lines[i].insert_str(0, "    "),
                _ => {
                    let trimmed = lines[i].trim_start().to_string();
                    lines[i] = trimmed;
                }
            }
            return lines.join("\n");
        }
        _ => {
            let at = rng.below(n + 1);
            toks.insert(at, rng.pick(TOKEN_INSERTS).to_string());
        }
    }
    toks.concat()
}

fn mutate(rng: &mut Rng, original: &[u8]) -> Vec<u8> {
    let mut bytes = original.to_vec();
    for _ in 0..1 + rng.below(4) {
        if rng.below(3) == 0 {
            byte_edit(rng, &mut bytes);
        } else {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            bytes = token_edit(rng, &text).into_bytes();
        }
    }
    bytes
}

fn corpus(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut dirs = vec![root.join("tests/fixtures"), root.join("examples")];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "py")
                && let Ok(bytes) = std::fs::read(&path)
            {
                out.push((path.display().to_string(), bytes));
            }
        }
    }
    out.sort();
    out
}

/// What one case does: decode like a file read, check, resolve and render
/// in every format, and check that ranges stay inside the source.
fn run_case(bytes: Vec<u8>, settings: &Settings, run: &RunContext) -> Result<usize, String> {
    let text = match source::decode(bytes) {
        Ok(text) => text,
        Err(e) => {
            let _ = e.to_string();
            return Ok(0);
        }
    };
    let diagnostics = check_source(&text, Some("case"), false, settings.rules, run);
    for d in &diagnostics {
        let (start, end) = (usize::from(d.range.start()), usize::from(d.range.end()));
        if start > end || end > text.len() {
            return Err(format!(
                "{} range {start}..{end} outside the source ({} bytes)",
                d.rule.code,
                text.len()
            ));
        }
        if d.message.is_empty() {
            return Err(format!("{}: empty message", d.rule.code));
        }
    }
    let count = diagnostics.len();
    let findings = FileFindings {
        path: PathBuf::from("case.py"),
        display: Arc::from("case.py"),
        source: Arc::from(text),
        diagnostics,
        cell_starts: None,
    }
    .resolve(true);
    let summary = Summary {
        files_checked: 1,
        show: true,
    };
    for format in [
        OutputFormat::Full,
        OutputFormat::Concise,
        OutputFormat::Json,
        OutputFormat::Sarif,
        OutputFormat::Github,
    ] {
        let mut sink = Vec::new();
        render::render(
            &findings,
            format,
            &summary,
            &mut sink,
            format == OutputFormat::Full,
        )
        .map_err(|e| format!("rendering failed: {e}"))?;
    }
    Ok(count)
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

fn env_number<T: std::str::FromStr>(name: &str) -> Option<T> {
    let value = std::env::var(name).ok()?;
    let v = value.trim();
    let parsed = match v.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok()?.to_string().parse().ok(),
        None => v.parse().ok(),
    };
    if parsed.is_none() {
        panic!("{name}={value} is not a number");
    }
    parsed
}

#[test]
fn random_edits_never_panic_or_hang() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seed: u64 = env_number("ASYNCDOCTOR_MUTATION_SEED").unwrap_or(DEFAULT_SEED);
    let cases: usize = env_number("ASYNCDOCTOR_MUTATION_CASES").unwrap_or(DEFAULT_CASES);
    let originals = corpus(root);
    assert!(
        originals.len() >= 10,
        "no fixtures found under {}",
        root.display()
    );

    let config = ConfigFile {
        path: PathBuf::from("asyncdoctor.toml"),
        options: Options {
            select: Some(vec!["ALL".into()]),
            blocking_calls: Some(vec![
                "mycorp.sdk.fetch".into(),
                "mycorp.db.Session.execute".into(),
            ]),
            ..Options::default()
        },
        requires_python: None,
    };
    let settings = Settings::resolve(Some(&config), &Overrides::default(), root).unwrap();

    // Two workers (the machine has two cores); each takes every other case.
    let workers = 2;
    let (done_tx, done_rx) = mpsc::channel::<(usize, Result<usize, String>)>();
    let mut inputs = Vec::new();
    let mut handles = Vec::new();
    for _ in 0..workers {
        let (tx, rx) = mpsc::channel::<(usize, Vec<u8>)>();
        inputs.push(tx);
        let done = done_tx.clone();
        let settings = settings.clone();
        let handle = std::thread::Builder::new()
            .name("mutation-worker".into())
            .stack_size(WORKER_STACK)
            .spawn(move || {
                let run = RunContext::new(&settings);
                for (index, bytes) in rx {
                    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
                        run_case(bytes, &settings, &run)
                    }))
                    .unwrap_or_else(|p| Err(format!("panic: {}", panic_message(&*p))));
                    if done.send((index, outcome)).is_err() {
                        return;
                    }
                }
            })
            .unwrap();
        handles.push(handle);
    }
    drop(done_tx);

    let started = std::time::Instant::now();
    let mut pending: Vec<Option<Vec<u8>>> = vec![None; cases];
    let mut next_case = 0;
    let mut in_flight = 0;
    let mut finished = 0;
    let mut findings = 0usize;
    let mut failures = Vec::new();
    let make_case = |index: usize| -> Vec<u8> {
        let mut rng = Rng::new(seed ^ (index as u64).wrapping_mul(0xA076_1D64_78BD_642F));
        let (_, original) = &originals[rng.below(originals.len())];
        mutate(&mut rng, original)
    };
    while finished < cases {
        // Keep each worker busy with one case at a time, so a hang is pinned
        // to the case that caused it.
        while in_flight < workers && next_case < cases {
            let bytes = make_case(next_case);
            pending[next_case] = Some(bytes.clone());
            inputs[next_case % workers]
                .send((next_case, bytes))
                .unwrap();
            next_case += 1;
            in_flight += 1;
        }
        match done_rx.recv_timeout(CASE_TIME_LIMIT) {
            Ok((index, outcome)) => {
                in_flight -= 1;
                finished += 1;
                let bytes = pending[index].take().unwrap_or_default();
                match outcome {
                    Ok(n) => findings += n,
                    Err(message) => {
                        failures.push(save_failure(root, seed, index, &bytes, &message))
                    }
                }
            }
            Err(_) => {
                let stuck: Vec<usize> = (0..cases).filter(|i| pending[*i].is_some()).collect();
                for i in &stuck {
                    let bytes = pending[*i].clone().unwrap_or_default();
                    failures.push(save_failure(
                        root,
                        seed,
                        *i,
                        &bytes,
                        "no result within the time limit (hang?)",
                    ));
                }
                panic!(
                    "mutation test: a case did not finish:\n{}",
                    failures.join("\n")
                );
            }
        }
    }
    drop(inputs);
    for h in handles {
        let _ = h.join();
    }
    eprintln!(
        "mutation test: {cases} cases from {} originals, seed {seed:#x}, {findings} findings, {:.1?} \
         (reproduce with ASYNCDOCTOR_MUTATION_SEED={seed:#x})",
        originals.len(),
        started.elapsed()
    );
    assert!(
        failures.is_empty(),
        "mutation test failures (seed {seed:#x}):\n{}",
        failures.join("\n")
    );
}

fn save_failure(root: &Path, seed: u64, index: usize, bytes: &[u8], message: &str) -> String {
    let dir = root.join("target/mutation-failures");
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(format!("seed-{seed:x}-case-{index}.py"));
    let _ = std::fs::write(&path, bytes);
    format!(
        "case {index}: {message} (input saved to {})",
        path.display()
    )
}

#[test]
fn tokenizer_and_mutations_are_deterministic() {
    let text = "async def f(x):\n    time.sleep(1)  # é\n";
    assert_eq!(tokens(text).concat(), text);
    assert_eq!(tokens("a.b(cd, 12)")[..6], ["a", ".", "b", "(", "cd", ","]);
    let once = mutate(&mut Rng::new(7), text.as_bytes());
    let again = mutate(&mut Rng::new(7), text.as_bytes());
    assert_eq!(once, again);
}
