//! The `full` format: ruff/rustc-style excerpts drawn by `annotate-snippets`
//! (the renderer rustc itself uses).

use std::io::{self, Write};

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

use super::location_prefix;
use crate::diagnostics::Finding;

pub fn render(findings: &[Finding], out: &mut dyn Write, color: bool) -> io::Result<()> {
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    for f in findings {
        let title = format!("{} {}", f.rule.code, f.message);
        let path = location_prefix(f);
        let related: Vec<String> = f
            .related
            .iter()
            .map(|r| {
                format!(
                    "{}:{}:{}: {}",
                    r.filename, r.location.row, r.location.column, r.message
                )
            })
            .collect();
        let more = format!("for more: `asyncdoctor rule {}`", f.rule.code);
        let at = format!("at {path}");

        let mut group = match &f.snippet {
            Some(snippet) => {
                let span = if snippet.span.is_empty() && !snippet.text.is_empty() {
                    // An empty range (e.g. AD002 at offset 0) still gets a caret.
                    let end = snippet
                        .text
                        .char_indices()
                        .nth(1)
                        .map_or(snippet.text.len(), |(i, _)| i);
                    snippet.span.start..end.max(snippet.span.start)
                } else {
                    snippet.span.clone()
                };
                Level::ERROR.primary_title(&title).element(
                    Snippet::source(snippet.text.as_str())
                        .line_start(snippet.first_row)
                        .path(&*f.filename)
                        .annotation(AnnotationKind::Primary.span(span)),
                )
            }
            None => Level::ERROR
                .primary_title(&title)
                .element(Level::NOTE.message(at.as_str())),
        };
        group = group.element(Level::HELP.message(f.help.as_str()));
        for r in &related {
            group = group.element(Level::NOTE.message(r.as_str()));
        }
        group = group.element(Level::NOTE.message(more.as_str()));
        writeln!(out, "{}\n", renderer.render(&[group]))?;
    }
    Ok(())
}
