//! `--output-format github`: workflow commands that GitHub Actions turns into
//! annotations on the pull request.

use std::io::{self, Write};

use crate::diagnostics::Finding;

/// Workflow-command escaping (properties escape more than the message).
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(findings: &[Finding], out: &mut dyn Write) -> io::Result<()> {
    for f in findings {
        writeln!(
            out,
            "::error title={},file={},line={},col={},endLine={},endColumn={}::{}",
            escape_property(&format!("asyncdoctor ({})", f.rule.code)),
            escape_property(&f.filename),
            f.location.row,
            f.location.column,
            f.end_location.row,
            f.end_location.column,
            escape_data(&format!(
                "{}:{}:{}: {} {}",
                f.filename, f.location.row, f.location.column, f.rule.code, f.message
            )),
        )?;
    }
    Ok(())
}
