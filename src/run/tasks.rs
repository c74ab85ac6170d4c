//! `asyncdoctor tasks PID`: the live task tree of a program started under
//! `asyncdoctor run`.

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct TasksArgs {
    /// The process id of a Python process started under `asyncdoctor run`.
    pub pid: u32,
}

pub fn tasks_main(_args: TasksArgs) -> ExitCode {
    anstream::eprintln!("asyncdoctor tasks: not implemented yet");
    ExitCode::from(2)
}
