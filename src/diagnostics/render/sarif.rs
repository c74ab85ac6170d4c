//! `--output-format sarif`: SARIF 2.1.0 with every rule's help text, for
//! code-scanning dashboards.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::diagnostics::Finding;
use crate::registry::ALL_RULES;

pub fn render(findings: &[Finding], out: &mut dyn Write) -> io::Result<()> {
    let rules: Vec<Value> = ALL_RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": {"text": r.summary()},
                "fullDescription": {"text": r.summary()},
                "help": {"text": r.help(), "markdown": r.documentation()},
                "properties": {"knowledge": r.knowledge, "origin": r.origin},
                "defaultConfiguration": {"level": "error", "enabled": r.default_enabled},
            })
        })
        .collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            let related: Vec<Value> = f
                .related
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    json!({
                        "id": i,
                        "message": {"text": r.message},
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri(&r.filename)},
                            "region": {"startLine": r.location.row, "startColumn": r.location.column},
                        }
                    })
                })
                .collect();
            json!({
                "ruleId": f.rule.code,
                "ruleIndex": ALL_RULES.iter().position(|r| r.code == f.rule.code),
                "level": "error",
                "message": {"text": f.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(&f.filename)},
                        "region": {
                            "startLine": f.location.row,
                            "startColumn": f.location.column,
                            "endLine": f.end_location.row,
                            "endColumn": f.end_location.column,
                        }
                    }
                }],
                "relatedLocations": related,
                "properties": {"help": f.help, "knowledge": f.rule.knowledge},
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "asyncdoctor",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }]
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// Relative paths stay relative (SARIF allows it); separators become `/`.
fn uri(path: &str) -> String {
    path.replace('\\', "/")
}
