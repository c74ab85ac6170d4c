//! `asyncdoctor explain`: reads a traceback or log and names the known problem.
//! (Being built: see issue 5.)

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A file to read, or `-` for standard input.
    pub input: Option<std::path::PathBuf>,
}

pub fn main(_args: ExplainArgs) -> ExitCode {
    eprintln!("asyncdoctor explain: not available yet");
    ExitCode::from(2)
}
