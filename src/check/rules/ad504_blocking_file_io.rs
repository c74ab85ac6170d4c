use crate::check::blocking::BlockingPattern;

crate::declare_rule! {
    /// ## What it does
    /// Reports synchronous file reads and writes in an async function: `open()`
    /// and `io.open()`, `read`/`write`/`readline(s)`/`writelines`/`flush`
    /// on a file object known by local facts to come from `open()`,
    /// `pathlib.Path.read_text/read_bytes/write_text/write_bytes/open` on a
    /// path known by local facts (`Path(...)`, `Path(...) / "name"`),
    /// `shutil.copy*/move/rmtree/make_archive/unpack_archive`, `os.walk` and
    /// `glob.glob`.
    ///
    /// Stat-like calls (`os.path.exists`, `os.path.getsize`, `Path.exists`,
    /// `Path.stat`, ...) are deliberately not reported: they are single
    /// metadata syscalls that take microseconds on a local disk. (ruff's
    /// ASYNC240 does report them; asyncdoctor leaves them out to stay quiet.)
    ///
    /// ## Why is this bad?
    /// Disk I/O is not cancellable and has no upper bound on its duration (a
    /// network filesystem, a slow or busy disk, a large file): while it runs,
    /// the loop runs nothing else.
    ///
    /// ## Example
    /// ```python
    /// async def load_template(name):
    ///     with open(f"templates/{name}") as f:
    ///         return f.read()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import asyncio
    /// from pathlib import Path
    ///
    /// async def load_template(name):
    ///     return await asyncio.to_thread(Path(f"templates/{name}").read_text)
    /// ```
    /// or an async file library such as `aiofiles` or `anyio.Path`.
    ///
    /// ## Python versions
    /// `asyncio.to_thread` exists since Python 3.9; on 3.8 use
    /// `loop.run_in_executor(None, func)`.
    pub static BLOCKING_FILE_IO = {
        code: "AD504",
        name: "blocking-file-io",
        knowledge: "loop-blocked",
        default_enabled: true,
        origin: Static,
        help: "Move the file work off the loop with `await asyncio.to_thread(...)`, or use `aiofiles`/`anyio.Path`",
    };
}

pub const PATTERNS: &[BlockingPattern] = &[
    BlockingPattern::new("builtins.open"),
    BlockingPattern::new("io.open"),
    BlockingPattern::new("io.IOBase.read"),
    BlockingPattern::new("io.IOBase.readline"),
    BlockingPattern::new("io.IOBase.readlines"),
    BlockingPattern::new("io.IOBase.readinto"),
    BlockingPattern::new("io.IOBase.write"),
    BlockingPattern::new("io.IOBase.writelines"),
    BlockingPattern::new("io.IOBase.flush"),
    BlockingPattern::new("pathlib.Path.read_text"),
    BlockingPattern::new("pathlib.Path.read_bytes"),
    BlockingPattern::new("pathlib.Path.write_text"),
    BlockingPattern::new("pathlib.Path.write_bytes"),
    BlockingPattern::new("pathlib.Path.open"),
    BlockingPattern::new("shutil.copy"),
    BlockingPattern::new("shutil.copy2"),
    BlockingPattern::new("shutil.copyfile"),
    BlockingPattern::new("shutil.copyfileobj"),
    BlockingPattern::new("shutil.copytree"),
    BlockingPattern::new("shutil.move"),
    BlockingPattern::new("shutil.rmtree"),
    BlockingPattern::new("shutil.make_archive"),
    BlockingPattern::new("shutil.unpack_archive"),
    BlockingPattern::new("os.walk"),
    BlockingPattern::new("glob.glob"),
];
