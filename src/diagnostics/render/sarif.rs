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

/// Relative paths stay relative (SARIF allows it); separators become `/`,
/// and everything but unreserved characters is percent-encoded, so a space or
/// a `:` in a file name still makes a valid URI reference (RFC 3986).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri("src/app/main.py"), "src/app/main.py");
        assert_eq!(uri("my project/a:b,c.py"), "my%20project/a%3Ab%2Cc.py");
        assert_eq!(uri("dir\\caf\u{e9}.py"), "dir/caf%C3%A9.py");
    }
}
