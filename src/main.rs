//! The `asyncdoctor` binary: all logic lives in the library; this only forwards
//! the exit code.

// Each file's pass (its parse tree, semantic model and walk) is bump-allocated
// in a per-thread region and never freed piece by piece (see
// `check::parse::arena`); everything else, mostly the long-lived summaries,
// goes to jemalloc (as ruff uses), faster than the system allocator for small
// objects.
#[global_allocator]
static GLOBAL: asyncdoctor::check::parse::arena::ParseArena<tikv_jemallocator::Jemalloc> =
    asyncdoctor::check::parse::arena::ParseArena::new(tikv_jemallocator::Jemalloc);

/// jemalloc's settings, read when it starts (`_RJEM_MALLOC_CONF` in the
/// environment still overrides them). Measured before the per-file region
/// existed, when jemalloc also held the trees: smaller per-thread caches and
/// handing freed pages back within 100 ms cut peak memory by ~10% on the
/// benchmark corpus, and one arena shared by the worker threads ~3% more, at
/// no measurable cost in time.
#[unsafe(export_name = "_rjem_malloc_conf")]
static MALLOC_CONF: &[u8; 62] = b"narenas:1,tcache_max:1024,dirty_decay_ms:100,muzzy_decay_ms:0\0";

fn main() -> std::process::ExitCode {
    asyncdoctor::check::parse::arena::leave_on_panic();
    asyncdoctor::cli::main()
}
