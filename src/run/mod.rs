//! `asyncdoctor run`: runs a Python program under a low-overhead harness and
//! reports what its event loop suffered (AD8xx). (Being built: see issue 6.)

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The command to run, after `--`.
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
    pub command: Vec<String>,
}

pub fn main(_args: RunArgs) -> ExitCode {
    eprintln!("asyncdoctor run: not available yet");
    ExitCode::from(2)
}
