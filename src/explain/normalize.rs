//! Turning a raw input line into the text a Python traceback printed:
//! ANSI colour codes, `\r`, timestamps, logger prefixes (`2024-05-01
//! 12:00:01,123 ERROR asyncio: `, `ERROR:asyncio:`, `[ERROR] `, pytest's
//! captured-log `ERROR    asyncio:base_events.py:1744 `), docker-compose
//! service prefixes (`web-1  | `), syslog/journald prefixes and pytest's `E   `
//! markers are removed. Indentation after the prefix is kept: the traceback
//! parser needs it.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

/// Timestamps a logger or a log collector puts first.
static TIMESTAMP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:",
        // 2024-05-01 12:00:01,123 / 2024-05-01T12:00:01.123456789Z / +02:00
        r"\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?\]?",
        // [12:00:01] / 12:00:01.123
        r"|\[?\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\]?",
        // May  1 12:00:01 host app[123]:
        r"|[A-Z][a-z]{2} {1,2}\d{1,2} \d{2}:\d{2}:\d{2} \S+ [\w./-]+(?:\[\d+\])?:",
        r")[ \t]?"
    ))
    .expect("timestamp regex")
});

/// A log level, possibly after a logger name (`asyncio - ERROR - `) and
/// possibly followed by one (`ERROR asyncio: `, `ERROR:asyncio:`). Logger
/// names are lowercase dotted names so `ERROR RuntimeError: x` keeps its
/// exception type.
static LEVEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:[-|]\s+)?(?:[a-z_][a-z0-9_.]*\s+-\s+)?",
        r"\[?(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL|EXCEPTION)\]?",
        r"(?:\s*:\s*|\s+-\s+|\s+)",
        r"(?:[a-z_][a-z0-9_.]*(?::[\w.]+:\d+)?(?:\s*:\s*|\s+-\s+|\s+))?"
    ))
    .expect("level regex")
});

/// `web-1  | ` (docker compose), `app_1 | `.
static SERVICE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\w.-]+\s*\| ").expect("service regex"));

/// State carried from line to line.
#[derive(Default)]
pub struct Normalizer {
    /// Spaces after `E` on the first line of the current run of pytest `E`
    /// lines: removed from the following ones so relative indentation stays.
    pytest_indent: Option<usize>,
}

/// One normalised line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub no: u64,
    pub text: String,
    /// Came from a pytest `E` line.
    pub pytest_e: bool,
}

impl Normalizer {
    pub fn line(&mut self, no: u64, raw: &[u8]) -> Line {
        // A carriage return inside a line (progress bars, GitLab's section
        // markers) overwrites what came before it on a terminal: keep what
        // was shown last.
        let mut raw = raw;
        while raw.last() == Some(&b'\r') {
            raw = &raw[..raw.len() - 1];
        }
        if let Some(cr) = memchr::memrchr(b'\r', raw) {
            raw = &raw[cr + 1..];
        }
        let text = strip_ansi(raw);
        let text = String::from_utf8_lossy(&text);
        let mut s: &str = text.trim_end_matches(['\r', '\n', ' ', '\t']);
        // The control characters of binary garbage are not text.
        let mut owned;
        if s.bytes().any(|b| b < 0x20 && b != b'\t') {
            owned = s.replace(|c: char| c.is_control() && c != '\t', "");
            s = &owned;
        }
        let mut pytest_e = false;
        if let Some(rest) = s.strip_prefix('E')
            && (rest.is_empty() || rest.starts_with(' '))
        {
            let spaces = rest.len() - rest.trim_start_matches(' ').len();
            let indent = *self.pytest_indent.get_or_insert(spaces);
            let cut = spaces.min(indent);
            owned = rest[cut..].to_string();
            return Line {
                no,
                text: owned,
                pytest_e: true,
            };
        }
        if !pytest_e {
            self.pytest_indent = None;
        }
        for _ in 0..2 {
            let before = s.len();
            // Cheap tests first: these regexes run on every line read.
            if s.starts_with(|c: char| c.is_ascii_digit() || c == '[' || c.is_ascii_uppercase())
                && let Some(m) = TIMESTAMP.find(s)
            {
                s = &s[m.end()..];
            }
            if memchr::memchr(b'|', s.as_bytes()).is_some()
                && let Some(m) = SERVICE.find(s)
            {
                s = &s[m.end()..];
            }
            if has_level_word(s)
                && let Some(m) = LEVEL.find(s)
            {
                s = &s[m.end()..];
            }
            if s.len() == before {
                break;
            }
        }
        pytest_e = false;
        Line {
            no,
            text: s.to_string(),
            pytest_e,
        }
    }
}

/// A level word near the start of the line (where LEVEL can match).
fn has_level_word(s: &str) -> bool {
    static AC: LazyLock<aho_corasick::AhoCorasick> = LazyLock::new(|| {
        aho_corasick::AhoCorasick::new([
            "DEBUG",
            "INFO",
            "WARN",
            "ERROR",
            "CRITICAL",
            "FATAL",
            "EXCEPTION",
        ])
        .expect("level words")
    });
    let mut end = s.len().min(80);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    AC.is_match(&s[..end])
}

/// Removes CSI (`ESC [ ... letter`) and OSC (`ESC ] ... BEL`) sequences.
fn strip_ansi(raw: &[u8]) -> Cow<'_, [u8]> {
    if memchr::memchr(0x1b, raw).is_none() {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == 0x1b {
            match raw.get(i + 1) {
                Some(b'[') => {
                    i += 2;
                    while i < raw.len() && !(0x40..=0x7e).contains(&raw[i]) {
                        i += 1;
                    }
                    i += 1;
                }
                Some(b']') => {
                    i += 2;
                    while i < raw.len() && raw[i] != 0x07 && raw[i] != 0x1b {
                        i += 1;
                    }
                    if raw.get(i) == Some(&0x1b) {
                        i += 1; // ESC \ terminator
                    }
                    i += 1;
                }
                _ => i += 2,
            }
        } else {
            out.push(raw[i]);
            i += 1;
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(lines: &[&str]) -> Vec<String> {
        let mut n = Normalizer::default();
        lines
            .iter()
            .enumerate()
            .map(|(i, l)| n.line(i as u64 + 1, l.as_bytes()).text)
            .collect()
    }

    #[test]
    fn strips_prefixes_but_keeps_indentation_and_types() {
        assert_eq!(
            norm(&[
                "2024-05-01 12:00:01,123 ERROR asyncio: Task was destroyed but it is pending!",
                "ERROR:asyncio:Task exception was never retrieved",
                "2024-05-01T12:00:01.123456Z   File \"/app/x.py\", line 3, in f",
                "\x1b[31mRuntimeError\x1b[0m: Event loop is closed\r",
                "web-1  | Traceback (most recent call last):",
                "ERROR    asyncio:base_events.py:1744 Task exception was never retrieved",
                "2024-05-01 12:00:01,123 - asyncio - ERROR - Unclosed client session",
                "ERROR RuntimeError: This event loop is already running",
                "[2024-05-01 12:00:01,123] [ERROR] boom",
                "May  1 12:00:01 host app[12]: RuntimeError: x",
                "section_start:1714564801:step_script\r\x1b[0KRuntimeError: y\r",
            ]),
            vec![
                "Task was destroyed but it is pending!",
                "Task exception was never retrieved",
                "  File \"/app/x.py\", line 3, in f",
                "RuntimeError: Event loop is closed",
                "Traceback (most recent call last):",
                "Task exception was never retrieved",
                "Unclosed client session",
                "RuntimeError: This event loop is already running",
                "boom",
                "RuntimeError: x",
                "RuntimeError: y",
            ]
        );
    }

    #[test]
    fn pytest_e_lines_keep_relative_indentation() {
        assert_eq!(
            norm(&[
                "E       ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception)",
                "E         +-+---------------- 1 ----------------",
                "E           | ValueError: x",
                "tests/test_x.py:9: ExceptionGroup",
            ]),
            vec![
                "ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception)",
                "  +-+---------------- 1 ----------------",
                "    | ValueError: x",
                "tests/test_x.py:9: ExceptionGroup",
            ]
        );
    }
}
