//! Suppression comments, applied as a filter after the rules ran:
//! `# noqa` / `# noqa: AD501, AD502` on the line where a finding starts, and
//! `# asyncdoctor: noqa` (optionally `: AD501`) anywhere in a file. Foreign
//! codes in a list (`ASYNC251`, `F401`) are allowed and ignored.

use ruff_text_size::{TextRange, TextSize};

use crate::diagnostics::Diagnostic;

/// What a comment suppresses.
#[derive(Debug, Clone, PartialEq)]
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
/// The list ends at the first word that is not a code, or right after a code
/// followed by other punctuation (`# noqa: AD501: reason` → AD501 only).
fn parse_codes(rest: &str) -> Directive {
    let rest = rest.trim_start();
    let Some(list) = rest.strip_prefix(':') else {
        return Directive::All;
    };
    let mut codes = Vec::new();
    let bytes = list.as_bytes();
    let mut i = 0;
    loop {
        while i < bytes.len() && matches!(bytes[i], b',' | b' ' | b'\t') {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let word = &list[start..i];
        if !is_code(word) {
            break;
        }
        codes.push(word.to_string());
        if i < bytes.len() && !matches!(bytes[i], b',' | b' ' | b'\t') {
            break;
        }
    }
    if codes.is_empty() {
        Directive::All
    } else {
        Directive::Codes(codes)
    }
}

/// `AD501`, `ASYNC251`, `F401`: letters, then digits.
fn is_code(word: &str) -> bool {
    let letters = word.bytes().take_while(u8::is_ascii_alphabetic).count();
    letters > 0 && letters < word.len() && word.bytes().skip(letters).all(|b| b.is_ascii_digit())
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

/// A file-level `# asyncdoctor: noqa[: codes]`: the directive must follow a
/// `#` directly (so prose such as `# see the asyncdoctor: noqa docs` in a
/// comment is not one).
fn file_directive(comment: &str) -> Option<Directive> {
    const KEY: &str = "asyncdoctor:";
    comment.match_indices('#').find_map(|(hash, _)| {
        let after = comment[hash + 1..].trim_start();
        let key = after.get(..KEY.len())?;
        if !key.eq_ignore_ascii_case(KEY) {
            return None;
        }
        let rest = after[KEY.len()..].trim_start();
        if !rest.get(..4)?.eq_ignore_ascii_case("noqa") {
            return None;
        }
        Some(parse_codes(&rest[4..]))
    })
}

/// From the start of the line a comment is on to the comment's end (a comment
/// runs to the end of its line). Line breaks are `\n`, `\r\n` and a lone `\r`,
/// as in [`crate::diagnostics::LineIndex`].
fn physical_line(source: &str, comment: TextRange) -> TextRange {
    let before = &source.as_bytes()[..comment.start().to_usize()];
    let start = memchr::memrchr2(b'\n', b'\r', before).map_or(0, |i| i + 1);
    TextRange::new(TextSize::new(start as u32), comment.end())
}

/// The suppression comments of one file, kept (owned) until project-wide
/// findings have been filtered too.
#[derive(Clone)]
pub struct Suppressions {
    file_level: Vec<Directive>,
    /// The physical line a `noqa` comment ends (start of the line to the end
    /// of the comment), and what it suppresses there. Kept as offsets rather
    /// than a line index: a few bytes per comment instead of per line.
    by_line: Vec<(TextRange, Directive)>,
}

impl Suppressions {
    /// `None` when the file has no suppression comment (the common case: the
    /// caller checks for the word `noqa` first).
    pub fn parse(source: &str, comments: impl Iterator<Item = TextRange>) -> Option<Suppressions> {
        let mut file_level = Vec::new();
        let mut by_line = Vec::new();
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
                by_line.push((physical_line(source, range), d));
            }
        }
        if file_level.is_empty() && by_line.is_empty() {
            return None;
        }
        Some(Suppressions {
            file_level,
            by_line,
        })
    }

    /// Whether a finding of `code` starting at `offset` is suppressed.
    pub fn suppresses(&self, offset: TextSize, code: &str) -> bool {
        if self.file_level.iter().any(|f| f.suppresses(code)) {
            return true;
        }
        self.by_line
            .iter()
            .any(|(line, d)| line.contains_inclusive(offset) && d.suppresses(code))
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
        assert_eq!(
            file_directive("# type: ignore  # asyncdoctor: noqa"),
            Some(Directive::All)
        );
        assert_eq!(file_directive("#AsyncDoctor:NOQA"), Some(Directive::All));
        // Prose that mentions the directive is not one.
        assert_eq!(
            file_directive("# Note: asyncdoctor: noqa comments silence a file"),
            None
        );
        assert_eq!(file_directive("# asyncdoctor: nothing"), None);
        assert_eq!(file_directive("# asyncdoctor: no"), None);
    }

    #[test]
    fn a_reason_after_the_codes_ends_the_list() {
        assert_eq!(
            line_directive("# noqa: AD501: sleeping is fine here"),
            Some(Directive::Codes(vec!["AD501".into()]))
        );
        assert_eq!(
            line_directive("# noqa: AD501, AD503 -- both on purpose"),
            Some(Directive::Codes(vec!["AD501".into(), "AD503".into()]))
        );
        assert_eq!(
            line_directive("# noqa:AD501,ASYNC251"),
            Some(Directive::Codes(vec!["AD501".into(), "ASYNC251".into()]))
        );
        // Not a code list at all: a blanket noqa, as ruff treats it.
        assert_eq!(line_directive("# noqa: because"), Some(Directive::All));
        assert_eq!(line_directive("# noqa:"), Some(Directive::All));
    }

    #[test]
    fn codes_are_case_insensitive_and_foreign_codes_ignored() {
        let d = line_directive("# noqa: f401, ad501").unwrap();
        assert!(d.suppresses("AD501"));
        assert!(!d.suppresses("AD502"));
    }

    /// Comments of `source`, found the way the parser reports them (every `#`
    /// here starts a comment that runs to the end of its line).
    fn comments(source: &str) -> Vec<TextRange> {
        source
            .match_indices('#')
            .map(|(at, _)| {
                let end = source[at..]
                    .find(['\n', '\r'])
                    .map_or(source.len(), |e| at + e);
                TextRange::new(TextSize::new(at as u32), TextSize::new(end as u32))
            })
            .collect()
    }

    #[test]
    fn a_line_noqa_covers_exactly_its_physical_line() {
        for newline in ["\n", "\r\n", "\r"] {
            let source = ["a = 1", "b = 2  # noqa: AD501", "c = 3"].join(newline);
            let s = Suppressions::parse(&source, comments(&source).into_iter()).unwrap();
            let at = |text: &str| TextSize::new(source.find(text).unwrap() as u32);
            assert!(s.suppresses(at("b = 2"), "AD501"), "{newline:?}");
            assert!(s.suppresses(at("2  #"), "AD501"), "{newline:?}");
            assert!(!s.suppresses(at("b = 2"), "AD502"), "{newline:?}");
            assert!(!s.suppresses(at("a = 1"), "AD501"), "{newline:?}");
            assert!(!s.suppresses(at("1"), "AD501"), "{newline:?}");
            assert!(!s.suppresses(at("c = 3"), "AD501"), "{newline:?}");
        }
        // On the first line of a file.
        let source = "x()  # noqa\ny()";
        let s = Suppressions::parse(source, comments(source).into_iter()).unwrap();
        assert!(s.suppresses(TextSize::new(0), "AD501"));
        assert!(!s.suppresses(TextSize::new(12), "AD501"));
    }
}
