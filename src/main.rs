//! The `asyncdoctor` binary: all logic lives in the library; this only forwards
//! the exit code.

fn main() -> std::process::ExitCode {
    asyncdoctor::cli::main()
}
