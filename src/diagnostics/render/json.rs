//! `--output-format json`: an array of objects whose field names follow
//! ruff's JSON output, plus `name`, `help`, `knowledge` and `related`.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::diagnostics::Finding;

pub fn finding_to_json(f: &Finding) -> Value {
    json!({
        "code": f.rule.code,
        "name": f.rule.name,
        "message": f.message,
        "filename": &*f.filename,
        "location": f.location,
        "end_location": f.end_location,
        "cell": f.cell.map(|c| c.cell),
        "cell_location": f.cell.map(|c| json!({"row": c.row, "column": f.location.column})),
        "noqa_row": f.location.row,
        "help": f.help,
        "url": Value::Null,
        "fix": f.fix,
        "knowledge": f.rule.knowledge,
        "related": f.related,
    })
}

pub fn render(findings: &[Finding], out: &mut dyn Write) -> io::Result<()> {
    let array: Vec<Value> = findings.iter().map(finding_to_json).collect();
    serde_json::to_writer_pretty(&mut *out, &array)?;
    writeln!(out)
}
