//! The `asyncdoctor` binary: all logic lives in the library; this only forwards
//! the exit code.

// jemalloc (as ruff uses): parsing allocates and frees one node at a time; the system
// allocator made malloc/free a fifth of `check`'s time.
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    asyncdoctor::cli::main()
}
