use crate::check::blocking::BlockingPattern;

crate::declare_rule! {
    /// ## What it does
    /// Reports process creation and waiting in an async function:
    /// `subprocess.run/call/check_call/check_output/getoutput/getstatusoutput`,
    /// the `subprocess.Popen(...)` constructor (fork/exec runs on the loop's
    /// thread), `Popen.wait()`/`Popen.communicate()` on a `Popen` known by
    /// local facts, and `os.system`, `os.popen`, `os.wait*`, `os.spawn*`,
    /// `os.posix_spawn*`.
    ///
    /// ## Why is this bad?
    /// These calls block the thread until the child process exits (or at least
    /// until it is forked), so the event loop stops for the whole run time of
    /// the command.
    ///
    /// ## Example
    /// ```python
    /// import subprocess
    ///
    /// async def thumbnail(path):
    ///     subprocess.run(["convert", path, "-resize", "64x64", "thumb.png"], check=True)
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import asyncio
    ///
    /// async def thumbnail(path):
    ///     proc = await asyncio.create_subprocess_exec("convert", path, "-resize", "64x64", "thumb.png")
    ///     if await proc.wait() != 0:
    ///         raise RuntimeError("convert failed")
    /// ```
    pub static BLOCKING_SUBPROCESS = {
        code: "AD503",
        name: "blocking-subprocess",
        knowledge: "loop-blocked",
        default_enabled: true,
        origin: Static,
        help: "Use `await asyncio.create_subprocess_exec(...)` and `await proc.wait()`/`proc.communicate()`",
    };
}

pub const PATTERNS: &[BlockingPattern] = &[
    BlockingPattern::new("subprocess.run"),
    BlockingPattern::new("subprocess.call"),
    BlockingPattern::new("subprocess.check_call"),
    BlockingPattern::new("subprocess.check_output"),
    BlockingPattern::new("subprocess.getoutput"),
    BlockingPattern::new("subprocess.getstatusoutput"),
    BlockingPattern::new("subprocess.Popen"),
    BlockingPattern::new("subprocess.Popen.wait"),
    BlockingPattern::new("subprocess.Popen.communicate"),
    BlockingPattern::new("os.system"),
    BlockingPattern::new("os.popen"),
    BlockingPattern::new("os.wait"),
    BlockingPattern::new("os.wait3"),
    BlockingPattern::new("os.wait4"),
    BlockingPattern::new("os.waitid"),
    BlockingPattern::new("os.waitpid"),
    BlockingPattern::new("os.spawnl"),
    BlockingPattern::new("os.spawnle"),
    BlockingPattern::new("os.spawnlp"),
    BlockingPattern::new("os.spawnlpe"),
    BlockingPattern::new("os.spawnv"),
    BlockingPattern::new("os.spawnve"),
    BlockingPattern::new("os.spawnvp"),
    BlockingPattern::new("os.spawnvpe"),
    BlockingPattern::new("os.posix_spawn"),
    BlockingPattern::new("os.posix_spawnp"),
];
