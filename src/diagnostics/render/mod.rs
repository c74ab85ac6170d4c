//! Output formats shared by `check` and `run`: `full` (source excerpt), `concise`,
//! `json` (ruff-compatible field names), `sarif` (2.1.0) and `github`.

mod full;
mod github;
mod json;
mod sarif;

use std::io::{self, Write};

use super::Finding;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Source excerpt, caret, help (default on a terminal).
    Full,
    /// One line per finding: `path:line:col: CODE message`.
    Concise,
    /// A JSON array (ruff-compatible field names).
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
}

/// Facts for the closing summary line.
pub struct Summary {
    pub files_checked: usize,
    pub show: bool,
}

/// The `path:line:col` prefix; notebooks show the cell: `nb.ipynb:cell 2:3:5`.
pub fn location_prefix(f: &Finding) -> String {
    match f.cell {
        Some(cell) => format!(
            "{}:cell {}:{}:{}",
            f.filename, cell.cell, cell.row, f.location.column
        ),
        None => format!("{}:{}:{}", f.filename, f.location.row, f.location.column),
    }
}

pub fn render(
    findings: &[Finding],
    format: OutputFormat,
    summary: &Summary,
    out: &mut dyn Write,
    color: bool,
) -> io::Result<()> {
    match format {
        OutputFormat::Concise => {
            for f in findings {
                writeln!(out, "{}: {} {}", location_prefix(f), f.rule.code, f.message)?;
            }
            write_summary(findings, summary, out)
        }
        OutputFormat::Full => {
            full::render(findings, out, color)?;
            write_summary(findings, summary, out)
        }
        OutputFormat::Json => json::render(findings, out),
        OutputFormat::Sarif => sarif::render(findings, out),
        OutputFormat::Github => github::render(findings, out),
    }
}

fn write_summary(findings: &[Finding], summary: &Summary, out: &mut dyn Write) -> io::Result<()> {
    if !summary.show {
        return Ok(());
    }
    let files = summary.files_checked;
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("{n} {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    if findings.is_empty() {
        writeln!(
            out,
            "All checks passed ({} checked).",
            plural(files, "file")
        )
    } else {
        let mut with: Vec<&str> = findings.iter().map(|f| &*f.filename).collect();
        with.dedup();
        writeln!(
            out,
            "Found {} in {} ({} checked).",
            plural(findings.len(), "finding"),
            plural(with.len(), "file"),
            plural(files, "file")
        )
    }
}

/// `--statistics`: count per code, most frequent first.
pub fn statistics(findings: &[Finding], out: &mut dyn Write) -> io::Result<()> {
    let mut counts: Vec<(&str, &str, usize)> = Vec::new();
    for f in findings {
        match counts.iter_mut().find(|(c, _, _)| *c == f.rule.code) {
            Some(entry) => entry.2 += 1,
            None => counts.push((f.rule.code, f.rule.name, 1)),
        }
    }
    counts.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(b.0)));
    for (code, name, n) in counts {
        writeln!(out, "{n:>6}  {code}  {name}")?;
    }
    Ok(())
}
