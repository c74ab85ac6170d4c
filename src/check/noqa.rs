//! Suppression comments, applied as a filter after the rules ran:
//! `# noqa` / `# noqa: AD501, AD502` on the line where a finding starts, and
//! `# asyncdoctor: noqa` (optionally `: AD501`) anywhere in a file. Foreign
//! codes in a list (`ASYNC251`, `F401`) are allowed and ignored.

use ruff_text_size::{TextRange, TextSize};

use crate::diagnostics::{Diagnostic, LineIndex};

/// What a comment suppresses.
#[derive(Debug, PartialEq)]
enum Directive {
    All,
    Codes(Vec<String>),
}

impl Directive {
    fn suppresses(&self, code: &str) -> bool {
        match self {
            Directive::All => true,
            Directive::Codes(codes) => codes.iter().any(|c| c.eq_ignore_ascii_case(code)),
        }
    }
}

/// Parses the part after `noqa`: nothing → all; `: A, B` → those codes.
fn parse_codes(rest: &str) -> Directive {
    let rest = rest.trim_start();
    let Some(list) = rest.strip_prefix(':') else {
        return Directive::All;
    };
    let codes: Vec<String> = list
        .split([',', ' ', '\t'])
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .take_while(|c| {
            c.bytes().all(|b| b.is_ascii_alphanumeric()) && c.bytes().any(|b| b.is_ascii_digit())
        })
        .map(str::to_string)
        .collect();
    if codes.is_empty() {
        Directive::All
    } else {
        Directive::Codes(codes)
    }
}

/// A line-level `noqa` in a comment's text.
fn line_directive(comment: &str) -> Option<Directive> {
    let lower = comment.to_ascii_lowercase();
    let mut search = 0;
    while let Some(pos) = lower[search..].find("noqa") {
        let at = search + pos;
        // `# asyncdoctor: noqa` is the file-level form, handled separately.
        let before = lower[..at].trim_end();
        let is_file_level = before.ends_with("asyncdoctor:");
        let preceded_by_hash = before.ends_with('#');
        if preceded_by_hash && !is_file_level {
            return Some(parse_codes(&comment[at + 4..]));
        }
        search = at + 4;
    }
    None
}

fn file_directive(comment: &str) -> Option<Directive> {
    let lower = comment.to_ascii_lowercase();
    let pos = lower.find("asyncdoctor:")?;
    let rest = comment[pos + "asyncdoctor:".len()..].trim_start();
    if !rest.to_ascii_lowercase().starts_with("noqa") {
        return None;
    }
    Some(parse_codes(&rest[4..]))
}

/// The suppression comments of one file, kept (owned) until project-wide
/// findings have been filtered too.
pub struct Suppressions {
    file_level: Vec<Directive>,
    by_line: Vec<(usize, Directive)>,
    index: LineIndex,
}

impl Suppressions {
    /// `None` when the file has no suppression comment (the common case: the
    /// caller checks for the word `noqa` first).
    pub fn parse(source: &str, comments: impl Iterator<Item = TextRange>) -> Option<Suppressions> {
        let mut file_level = Vec::new();
        let mut by_line = Vec::new();
        let mut index: Option<LineIndex> = None;
        for range in comments {
            let text = &source[range];
            if !text
                .as_bytes()
                .windows(4)
                .any(|w| w.eq_ignore_ascii_case(b"noqa"))
            {
                continue;
            }
            if let Some(d) = file_directive(text) {
                file_level.push(d);
            } else if let Some(d) = line_directive(text) {
                let index = index.get_or_insert_with(|| LineIndex::new(source));
                by_line.push((index.line_of(range.start()), d));
            }
        }
        if file_level.is_empty() && by_line.is_empty() {
            return None;
        }
        Some(Suppressions {
            file_level,
            by_line,
            index: index.unwrap_or_else(|| LineIndex::new(source)),
        })
    }

    /// Whether a finding of `code` starting at `offset` is suppressed.
    pub fn suppresses(&self, offset: TextSize, code: &str) -> bool {
        if self.file_level.iter().any(|f| f.suppresses(code)) {
            return true;
        }
        let line = self.index.line_of(offset);
        self.by_line
            .iter()
            .any(|(l, d)| *l == line && d.suppresses(code))
    }

    pub fn filter(&self, diagnostics: &mut Vec<Diagnostic>) {
        diagnostics.retain(|d| !self.suppresses(d.range.start(), d.rule.code));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_directives() {
        assert_eq!(line_directive("# noqa"), Some(Directive::All));
        assert_eq!(
            line_directive("# NOQA: AD501,AD502"),
            Some(Directive::Codes(vec!["AD501".into(), "AD502".into()]))
        );
        assert_eq!(
            line_directive("# type: ignore  # noqa: ASYNC251, AD501 explanation"),
            Some(Directive::Codes(vec!["ASYNC251".into(), "AD501".into()]))
        );
        assert_eq!(line_directive("# this is not a noqa comment"), None);
        assert_eq!(line_directive("# asyncdoctor: noqa"), None);
        assert_eq!(file_directive("# asyncdoctor: noqa"), Some(Directive::All));
        assert_eq!(
            file_directive("# asyncdoctor: noqa: AD504"),
            Some(Directive::Codes(vec!["AD504".into()]))
        );
        assert_eq!(file_directive("# noqa"), None);
    }

    #[test]
    fn codes_are_case_insensitive_and_foreign_codes_ignored() {
        let d = line_directive("# noqa: f401, ad501").unwrap();
        assert!(d.suppresses("AD501"));
        assert!(!d.suppresses("AD502"));
    }
}
