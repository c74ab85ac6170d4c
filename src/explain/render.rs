//! Output: human (default; coloured only on a terminal) and JSON.

use std::io::{self, Write};

use anstyle::{AnsiColor, Style};

use crate::knowledge;

use super::analyze::{Analysis, Finding};
use super::locate::Located;
use super::versions;

pub const NOTHING_FOUND: &str = "no known asyncio problem found";

/// A finding with everything the output shows.
#[derive(Debug, serde::Serialize)]
pub struct Report {
    pub id: &'static str,
    pub title: &'static str,
    pub diagnosis: String,
    pub subject: Option<String>,
    pub input_lines: Vec<u64>,
    pub occurrences: u64,
    pub cause: &'static str,
    pub check: &'static str,
    pub fix: String,
    /// `3.10`, `3.11 or later`, or null when the input does not show it.
    pub python_version: Option<String>,
    /// `input`, `--python` or `the project's target-version`.
    pub python_version_source: Option<&'static str>,
    pub related_codes: Vec<&'static str>,
    pub locations: Vec<super::locate::Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_located: Vec<String>,
    pub docs: String,
}

pub fn report(finding: &Finding, located: Located) -> Option<Report> {
    let entry = knowledge::get(finding.id)?;
    let mut fix = entry.fix.to_string();
    if let Some(note) = versions::fix_note(finding.id, &finding.python) {
        fix.push(' ');
        fix.push_str(&note);
    }
    Some(Report {
        id: entry.id,
        title: entry.title,
        diagnosis: match &finding.subject {
            Some(s) if !finding.diagnosis.contains(s.trim_end_matches("()")) => {
                format!("{} (`{s}`)", finding.diagnosis)
            }
            _ => finding.diagnosis.clone(),
        },
        subject: finding.subject.clone(),
        input_lines: finding.input_lines.clone(),
        occurrences: finding.occurrences,
        cause: entry.cause,
        check: entry.check,
        fix,
        python_version: finding.python.display(),
        python_version_source: finding
            .python
            .is_known()
            .then(|| finding.python_source.unwrap_or("input")),
        related_codes: entry.related_codes.to_vec(),
        locations: located.locations,
        not_located: located.not_found,
        docs: format!("asyncdoctor explain --id {}", entry.id),
    })
}

pub fn json(reports: &[Report], out: &mut dyn Write) -> io::Result<()> {
    let value = serde_json::json!({ "findings": reports });
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)
}

struct Styles {
    head: Style,
    label: Style,
    dim: Style,
    code: Style,
}

impl Styles {
    fn new(color: bool) -> Styles {
        if color {
            Styles {
                head: Style::new().bold().fg_color(Some(AnsiColor::Red.into())),
                label: Style::new().bold(),
                dim: Style::new().dimmed(),
                code: Style::new().fg_color(Some(AnsiColor::Cyan.into())),
            }
        } else {
            Styles {
                head: Style::new(),
                label: Style::new(),
                dim: Style::new(),
                code: Style::new(),
            }
        }
    }
}

fn lines_text(lines: &[u64], occurrences: u64) -> String {
    let shown: Vec<String> = lines.iter().map(u64::to_string).collect();
    let mut s = format!(
        "input line{} {}",
        if lines.len() == 1 { "" } else { "s" },
        shown.join(", ")
    );
    if occurrences > 1 {
        s.push_str(&format!(" ({occurrences} occurrences)"));
    }
    s
}

pub fn human(
    reports: &[Report],
    analysis: &Analysis,
    out: &mut dyn Write,
    color: bool,
    locate: bool,
) -> io::Result<()> {
    let s = Styles::new(color);
    if reports.is_empty() {
        writeln!(out, "{NOTHING_FOUND}")?;
        return Ok(());
    }
    // Findings of one id (different coroutines, tasks) share one header and
    // one cause/check/fix, in order of first appearance.
    let mut ids: Vec<&str> = Vec::new();
    for r in reports {
        if !ids.contains(&r.id) {
            ids.push(r.id);
        }
    }
    for (i, id) in ids.iter().enumerate() {
        let group: Vec<&Report> = reports.iter().filter(|r| r.id == *id).collect();
        let first = group[0];
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(
            out,
            "{}{}{}: {}",
            s.head.render(),
            first.id,
            s.head.render_reset(),
            first.title
        )?;
        for r in &group {
            writeln!(out, "  {}", r.diagnosis)?;
            writeln!(
                out,
                "  {}{}{}",
                s.dim.render(),
                lines_text(&r.input_lines, r.occurrences),
                s.dim.render_reset()
            )?;
            if locate {
                locations(r, &s, out)?;
            }
        }
        if let Some(v) = &first.python_version {
            let from = match first.python_version_source {
                Some("input") | None => String::new(),
                Some(src) => format!(" (from {src})"),
            };
            writeln!(
                out,
                "  {}python:{} {v}{from}",
                s.label.render(),
                s.label.render_reset()
            )?;
        }
        for (label, text) in [
            ("cause", first.cause),
            ("check", first.check),
            ("fix", first.fix.as_str()),
        ] {
            writeln!(
                out,
                "  {}{label}:{} {text}",
                s.label.render(),
                s.label.render_reset()
            )?;
        }
        if !first.related_codes.is_empty() {
            writeln!(
                out,
                "  {}related rules:{} {}",
                s.label.render(),
                s.label.render_reset(),
                first.related_codes.join(", ")
            )?;
        }
        writeln!(
            out,
            "  {}more: {}{}",
            s.dim.render(),
            first.docs,
            s.dim.render_reset()
        )?;
    }
    let detail = if reports.len() > ids.len() {
        format!(" ({} findings)", reports.len())
    } else {
        String::new()
    };
    writeln!(
        out,
        "\n{} known asyncio problem{}{detail} found in {} line{}",
        ids.len(),
        if ids.len() == 1 { "" } else { "s" },
        analysis.lines,
        if analysis.lines == 1 { "" } else { "s" }
    )?;
    Ok(())
}

/// Where in the project one finding points, or a plain "could not be located".
fn locations(r: &Report, s: &Styles, out: &mut dyn Write) -> io::Result<()> {
    let (label, reset) = (s.label.render(), s.label.render_reset());
    if r.locations.is_empty() {
        if r.not_located.is_empty() {
            writeln!(
                out,
                "  {label}in your code:{reset} could not be located (the input names no file of the project)"
            )?;
        } else {
            writeln!(
                out,
                "  {label}in your code:{reset} could not be located (not found under the root: {})",
                r.not_located.join(", ")
            )?;
        }
        return Ok(());
    }
    writeln!(out, "  {label}in your code:{reset}")?;
    for l in &r.locations {
        let func = l
            .function
            .as_deref()
            .map(|f| format!(" in {f}"))
            .unwrap_or_default();
        let from = l
            .input_line
            .map(|n| format!(", input line {n}"))
            .unwrap_or_default();
        writeln!(
            out,
            "    {}{}:{}{}{} ({}{})",
            s.code.render(),
            l.path,
            l.line,
            s.code.render_reset(),
            func,
            l.source,
            from
        )?;
        if let Some(code) = &l.code {
            writeln!(
                out,
                "      {}{code}{}",
                s.dim.render(),
                s.dim.render_reset()
            )?;
        }
        for n in &l.checker_findings {
            writeln!(
                out,
                "      {} {} at {}:{} ({}{}): {}",
                n.code,
                n.name,
                n.line,
                n.column,
                n.proximity,
                if n.same_problem { ", this problem" } else { "" },
                n.message
            )?;
        }
    }
    Ok(())
}

/// `--list`: every id with its title.
pub fn list(out: &mut dyn Write, json: bool) -> io::Result<()> {
    if json {
        let v: Vec<_> = knowledge::ENTRIES
            .iter()
            .map(|e| serde_json::json!({"id": e.id, "title": e.title, "related_codes": e.related_codes}))
            .collect();
        serde_json::to_writer_pretty(&mut *out, &v)?;
        writeln!(out)
    } else {
        for e in knowledge::ENTRIES {
            writeln!(out, "{:<26} {}", e.id, e.title)?;
        }
        Ok(())
    }
}

/// `--id ID`: one entry.
pub fn entry(entry: &knowledge::Entry, out: &mut dyn Write, json: bool) -> io::Result<()> {
    if json {
        let v = serde_json::json!({
            "id": entry.id,
            "title": entry.title,
            "cause": entry.cause,
            "check": entry.check,
            "fix": entry.fix,
            "versions": entry.versions,
            "related_codes": entry.related_codes,
        });
        serde_json::to_writer_pretty(&mut *out, &v)?;
        writeln!(out)
    } else {
        writeln!(out, "# {} ({})\n", entry.title, entry.id)?;
        writeln!(out, "## Cause\n{}\n", entry.cause)?;
        writeln!(out, "## How to check\n{}\n", entry.check)?;
        writeln!(out, "## Fix\n{}\n", entry.fix)?;
        if !entry.versions.is_empty() {
            writeln!(out, "## Python versions\n{}\n", entry.versions)?;
        }
        if !entry.related_codes.is_empty() {
            writeln!(out, "Related rules: {}", entry.related_codes.join(", "))?;
        }
        Ok(())
    }
}
