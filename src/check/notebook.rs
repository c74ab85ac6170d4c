//! Jupyter notebooks (`.ipynb`): the code cells are checked as one module with
//! IPython semantics (top-level `await` is legal, magics and shell escapes are
//! parsed as IPython escape commands). Findings are shown as
//! `notebook.ipynb:cell N:line:col`, where N counts every cell of the notebook
//! from 1 (markdown and raw cells included, as an editor shows them) and line
//! is the line inside that cell.

use serde_json::Value;

/// The checked text of a notebook and where each cell starts in it.
#[derive(Debug)]
pub struct NotebookSource {
    pub source: String,
    /// Byte offset of every cell (non-code cells get the offset of what follows).
    pub cell_starts: Vec<u32>,
}

/// Reads the cells of a notebook document. Cells whose first line is a cell
/// magic (`%%bash`, `%%timeit`...) are not Python and are left out.
pub fn extract(json: &str) -> Result<NotebookSource, String> {
    let doc: Value =
        serde_json::from_str(json).map_err(|e| format!("Malformed notebook: invalid JSON: {e}"))?;
    let cells = doc
        .get("cells")
        .and_then(Value::as_array)
        .ok_or("Malformed notebook: no `cells` list (is this an nbformat 4 notebook?)")?;
    let mut source = String::new();
    let mut cell_starts = Vec::with_capacity(cells.len());
    for (i, cell) in cells.iter().enumerate() {
        cell_starts.push(u32::try_from(source.len()).map_err(|_| "Notebook too large")?);
        let kind = cell
            .get("cell_type")
            .and_then(Value::as_str)
            .ok_or_else(|| format!("Malformed notebook: cell {} has no `cell_type`", i + 1))?;
        if kind != "code" {
            continue;
        }
        let text = match cell.get("source") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Array(lines)) => {
                let mut text = String::new();
                for line in lines {
                    text.push_str(line.as_str().ok_or_else(|| {
                        format!(
                            "Malformed notebook: cell {} has a non-text source line",
                            i + 1
                        )
                    })?);
                }
                text
            }
            None => String::new(),
            Some(_) => {
                return Err(format!(
                    "Malformed notebook: cell {} has a `source` that is neither text nor a list of lines",
                    i + 1
                ));
            }
        };
        if text.trim_start().starts_with("%%") {
            continue;
        }
        if text.is_empty() {
            continue;
        }
        source.push_str(&text);
        if !text.ends_with('\n') {
            source.push('\n');
        }
    }
    Ok(NotebookSource {
        source,
        cell_starts,
    })
}

pub fn is_notebook(path: &std::path::Path) -> bool {
    path.extension().is_some_and(|e| e == "ipynb")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_code_cells_and_records_every_cell_start() {
        let nb = r##"{"cells": [
            {"cell_type": "markdown", "source": ["# Title\n"]},
            {"cell_type": "code", "source": ["import asyncio\n", "x = 1"]},
            {"cell_type": "code", "source": "%%bash\necho hi\n"},
            {"cell_type": "code", "source": ["await asyncio.sleep(x)\n"]}
        ], "nbformat": 4}"##;
        let out = extract(nb).unwrap();
        assert_eq!(
            out.source,
            "import asyncio\nx = 1\nawait asyncio.sleep(x)\n"
        );
        assert_eq!(out.cell_starts, vec![0, 0, 21, 21]);
    }

    #[test]
    fn malformed_notebooks_say_why() {
        assert!(
            extract("{")
                .unwrap_err()
                .starts_with("Malformed notebook: invalid JSON")
        );
        assert!(extract("{}").unwrap_err().contains("no `cells` list"));
        assert!(
            extract(r#"{"cells": [{"source": "x"}]}"#)
                .unwrap_err()
                .contains("cell 1 has no `cell_type`")
        );
    }
}

#[cfg(test)]
mod end_to_end {
    use std::path::{Path, PathBuf};
    use std::sync::Arc;

    use crate::check::check_notebook_source;
    use crate::check::checker::RunContext;
    use crate::config::{Overrides, Settings};
    use crate::diagnostics::FileFindings;

    /// Top-level `await` and magics are fine; findings carry their cell and
    /// the line inside it.
    #[test]
    fn notebook_findings_are_located_by_cell() {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/notebooks/tasks.ipynb");
        let nb = super::extract(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let settings = Settings::resolve(None, &Overrides::default(), Path::new(".")).unwrap();
        let run = RunContext::new(&settings);
        let diagnostics = check_notebook_source(&nb.source, settings.rules, &run);
        let findings = FileFindings {
            path: PathBuf::from("tasks.ipynb"),
            display: Arc::from("tasks.ipynb"),
            source: Arc::from(nb.source.as_str()),
            diagnostics,
            cell_starts: Some(nb.cell_starts),
        }
        .resolve(false);
        let got: Vec<String> = findings
            .iter()
            .map(|f| {
                let cell = f.cell.expect("a cell");
                format!(
                    "cell {}:{}:{} {}",
                    cell.cell, cell.row, f.location.column, f.rule.code
                )
            })
            .collect();
        assert_eq!(got, ["cell 4:5:1 AD301", "cell 4:7:8 AD102"]);
    }
}
