//! Findings shared by every face (check, explain, run) and their rendering.
//!
//! `check` works with byte ranges ([`Diagnostic`]) until rendering; a
//! [`FileFindings`] then turns them into rows and columns with the file's
//! [`LineIndex`]. Runtime findings arrive with rows and columns already.

pub mod render;

use std::path::PathBuf;
use std::sync::Arc;

use ruff_text_size::{TextRange, TextSize};

use crate::registry::RuleMeta;

/// A finding as a rule produces it: byte ranges into the checked source.
#[derive(Debug, Clone)]
pub struct Diagnostic {
    pub rule: &'static RuleMeta,
    pub message: String,
    pub range: TextRange,
    /// What to do about it; `None` uses the rule's default help.
    pub help: Option<String>,
    /// Other places that explain the finding (e.g. each step of a call chain).
    pub related: Vec<RelatedSpan>,
    pub fix: Option<Fix>,
    /// Start and end as row/column, when they were worked out while the
    /// source was at hand and the source was then not kept (see
    /// [`FileFindings::forget_source`]).
    pub position: Option<[Location; 2]>,
}

impl Diagnostic {
    pub fn new(rule: &'static RuleMeta, message: impl Into<String>, range: TextRange) -> Self {
        Diagnostic {
            rule,
            message: message.into(),
            range,
            help: None,
            related: Vec::new(),
            fix: None,
            position: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// A related place, possibly in another file.
#[derive(Debug, Clone)]
pub struct RelatedSpan {
    /// `None`: the same file as the diagnostic.
    pub path: Option<Arc<str>>,
    pub location: Location,
    pub message: String,
}

/// A suggested edit (byte offsets into the same file).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Fix {
    pub message: String,
    pub edits: Vec<Edit>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Edit {
    pub content: String,
    pub location: Location,
    pub end_location: Location,
}

/// 1-based row and column (column counted in characters, as ruff does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Location {
    pub row: usize,
    pub column: usize,
}

/// A notebook cell position: cell number (1-based) and the row inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct CellLocation {
    pub cell: usize,
    pub row: usize,
}

/// A finding resolved to rows and columns: what every renderer consumes.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static RuleMeta,
    pub message: String,
    /// The path as the user should see it (relative to the cwd where possible).
    pub filename: Arc<str>,
    pub location: Location,
    pub end_location: Location,
    pub help: String,
    pub related: Vec<Related>,
    pub fix: Option<Fix>,
    /// For notebooks: which cell `location` falls in.
    pub cell: Option<CellLocation>,
    /// Source lines of the finding for the `full` format.
    pub snippet: Option<SourceSnippet>,
}

/// Lines of source shown under a finding, with the byte span to underline
/// (relative to `text`).
#[derive(Debug, Clone)]
pub struct SourceSnippet {
    pub first_row: usize,
    pub text: String,
    pub span: std::ops::Range<usize>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Related {
    pub filename: Arc<str>,
    pub location: Location,
    pub message: String,
}

/// Byte offset → (row, column) for one source text.
pub struct LineIndex {
    line_starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(source: &str) -> Self {
        let mut line_starts = Vec::with_capacity(source.len() / 32 + 1);
        line_starts.push(0);
        let bytes = source.as_bytes();
        if memchr::memchr(b'\r', bytes).is_none() {
            line_starts.extend(memchr::memchr_iter(b'\n', bytes).map(|i| (i + 1) as u32));
        } else {
            // Old Mac (`\r`) and Windows (`\r\n`) line endings.
            for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
                if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                    line_starts.push((i + 1) as u32);
                }
            }
        }
        LineIndex { line_starts }
    }

    /// 0-based line number of a byte offset.
    pub fn line_of(&self, offset: TextSize) -> usize {
        let off = u32::from(offset);
        match self.line_starts.binary_search(&off) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts[line.min(self.line_starts.len() - 1)] as usize
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The text of a 0-based line, without its line ending.
    pub fn line_text<'s>(&self, source: &'s str, line: usize) -> &'s str {
        let start = self.line_start(line).min(source.len());
        let end = self
            .line_starts
            .get(line + 1)
            .map(|e| *e as usize)
            .unwrap_or(source.len())
            .min(source.len());
        source[start..end].trim_end_matches(['\n', '\r'])
    }

    pub fn location(&self, source: &str, offset: TextSize) -> Location {
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let off = (u32::from(offset) as usize).min(source.len());
        // Never slice inside a character: a range from a broken file may point anywhere.
        let mut end = off;
        while end > start && !source.is_char_boundary(end) {
            end -= 1;
        }
        let column = source
            .get(start..end)
            .map(|s| s.chars().count())
            .unwrap_or(0)
            + 1;
        Location {
            row: line + 1,
            column,
        }
    }
}

/// Everything `check` found in one file, still in byte ranges, plus what is
/// needed to resolve them.
pub struct FileFindings {
    pub path: PathBuf,
    pub display: Arc<str>,
    pub source: Arc<str>,
    pub diagnostics: Vec<Diagnostic>,
    /// For notebooks: the byte offset where each cell starts in `source`.
    pub cell_starts: Option<Vec<u32>>,
}

impl FileFindings {
    /// Resolve to rows and columns. `with_snippets` adds source excerpts.
    /// Works out every finding's row and column now and drops the source:
    /// output without source excerpts needs nothing else from it, and a run
    /// then does not hold the text of every file with a finding (4 MiB on
    /// the benchmark corpus) through linking. Notebooks keep theirs (cell
    /// positions are worked out from it).
    pub fn forget_source(&mut self) {
        if self.cell_starts.is_some() || self.source.is_empty() {
            return;
        }
        let source = std::mem::replace(&mut self.source, Arc::from(""));
        self.locate(&source);
    }

    /// Works out every finding's row and column in `source`, the text the
    /// findings were made on (which this does not keep).
    pub fn locate(&mut self, source: &str) {
        let index = LineIndex::new(source);
        for d in &mut self.diagnostics {
            d.position = Some([
                index.location(source, d.range.start()),
                index.location(source, d.range.end()),
            ]);
        }
    }

    pub fn resolve(&self, with_snippets: bool) -> Vec<Finding> {
        if self.diagnostics.is_empty() {
            return Vec::new();
        }
        let index = LineIndex::new(&self.source);
        let mut out = Vec::with_capacity(self.diagnostics.len());
        for d in &self.diagnostics {
            let [location, end_location] = d.position.unwrap_or_else(|| {
                [
                    index.location(&self.source, d.range.start()),
                    index.location(&self.source, d.range.end()),
                ]
            });
            let cell = self.cell_starts.as_ref().map(|starts| {
                let off = u32::from(d.range.start());
                let cell_idx = starts.partition_point(|s| *s <= off).max(1) - 1;
                let cell_first_row = index.line_of(TextSize::new(starts[cell_idx])) + 1;
                CellLocation {
                    cell: cell_idx + 1,
                    row: location.row + 1 - cell_first_row,
                }
            });
            let snippet = (with_snippets && !self.source.is_empty())
                .then(|| snippet_for(&self.source, &index, d.range));
            out.push(Finding {
                rule: d.rule,
                message: d.message.clone(),
                filename: self.display.clone(),
                location,
                end_location,
                help: d.help.clone().unwrap_or_else(|| d.rule.help().to_string()),
                related: d
                    .related
                    .iter()
                    .map(|r| Related {
                        filename: r.path.clone().unwrap_or_else(|| self.display.clone()),
                        location: r.location,
                        message: r.message.clone(),
                    })
                    .collect(),
                fix: d.fix.clone(),
                cell,
                snippet,
            });
        }
        out
    }
}

/// The lines a byte range covers (at most six), with the span inside them.
pub fn snippet_for(source: &str, index: &LineIndex, range: TextRange) -> SourceSnippet {
    let first = index.line_of(range.start());
    let last = index.line_of(range.end()).min(first + 5);
    let start = index.line_start(first).min(source.len());
    let end_line_text = index.line_text(source, last);
    let end = (index.line_start(last) + end_line_text.len()).min(source.len());
    let text = source.get(start..end).unwrap_or("").to_string();
    let span_start = (u32::from(range.start()) as usize)
        .saturating_sub(start)
        .min(text.len());
    let span_end = (u32::from(range.end()) as usize)
        .saturating_sub(start)
        .clamp(span_start, text.len());
    SourceSnippet {
        first_row: first + 1,
        text,
        span: span_start..span_end,
    }
}

/// Deterministic order of findings: path, row, column, code.
pub fn sort_findings(findings: &mut [Finding]) {
    findings.sort_by(|a, b| {
        (&*a.filename, a.location, a.rule.code).cmp(&(&*b.filename, b.location, b.rule.code))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_resolve_the_same_after_the_source_is_forgotten() {
        use crate::check::rules::ad001_syntax_error::SYNTAX_ERROR;
        let source = "x = 1\r\ny = 'é' + f(\n  z)\r\n";
        let ranges = [(0, 1), (16, 22), (19, 24), (24, 24)];
        let mut findings = FileFindings {
            path: PathBuf::from("m.py"),
            display: Arc::from("m.py"),
            source: Arc::from(source),
            diagnostics: ranges
                .iter()
                .map(|&(s, e)| {
                    Diagnostic::new(&SYNTAX_ERROR, "m", TextRange::new(s.into(), e.into()))
                })
                .collect(),
            cell_starts: None,
        };
        let positions = |f: &FileFindings| {
            f.resolve(false)
                .iter()
                .map(|r| (r.location, r.end_location))
                .collect::<Vec<_>>()
        };
        let before = positions(&findings);
        findings.forget_source();
        assert!(findings.source.is_empty());
        assert_eq!(positions(&findings), before);
        assert_eq!(before[1].0, Location { row: 2, column: 9 });
    }

    #[test]
    fn line_index_locations() {
        let src = "ab\ncdé f\r\nx";
        let idx = LineIndex::new(src);
        assert_eq!(
            idx.location(src, TextSize::new(0)),
            Location { row: 1, column: 1 }
        );
        assert_eq!(
            idx.location(src, TextSize::new(4)),
            Location { row: 2, column: 2 }
        );
        // after the two-byte 'é': column counts characters
        assert_eq!(
            idx.location(src, TextSize::new(7)),
            Location { row: 2, column: 4 }
        );
        assert_eq!(
            idx.location(src, TextSize::new(11)),
            Location { row: 3, column: 1 }
        );
        assert_eq!(idx.line_text(src, 1), "cdé f");
    }
}
