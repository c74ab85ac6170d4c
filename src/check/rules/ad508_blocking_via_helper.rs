crate::declare_rule! {
    /// ## What it does
    /// Reports a call from an async function to a sync function of the
    /// project whose body — directly or through further project sync
    /// functions, at any depth — makes a call reported by AD501–AD507 or
    /// AD509. The finding sits on the call in the async function; the message
    /// shows the shortest chain (`load_config() -> read_file() -> open()`) and
    /// every step is a related location.
    ///
    /// Calls are followed across modules (imports, package re-exports,
    /// methods through project base classes, class instantiation as a call of
    /// `__init__`). A function behind a decorator that may replace it is not
    /// followed, and a sync generator's body does not run when it is called.
    /// A blocking call marked `# noqa` for its rule is not followed either.
    ///
    /// A call site is not reported when its arguments rule out every chain:
    /// a blocking call (or a call toward one) that sits in a branch of a
    /// test on the helper's own parameter — `if p:`, `if not p:`,
    /// `if p is None:`, `if isinstance(p, C):` (also `and`/`or`/`not`, `elif`
    /// and `else`, and the rest of a block after `if ...: return`, `raise`,
    /// `continue` or `break`) — is skipped when the argument fails that
    /// test. Arguments known: `None`, `True`/`False`, number, string, bytes
    /// and tuple literals (of a list, dict or set literal only its class:
    /// it may be filled before the test); instances of `io.BytesIO`, `io.StringIO`,
    /// `pathlib.Path` and builtin types made by calling the class; a
    /// parameter's literal default when the call omits it; `**{...}` and
    /// `**d` for a local dict literal that is otherwise only read; and, one
    /// or more calls further down, the caller's own parameters passed on
    /// unchanged. `isinstance` is decided only for classes whose relations
    /// are known (builtins, the `io` classes, `os.PathLike`, `pathlib`).
    /// Anything else is unknown and never prunes: an argument that may come
    /// from `*args` or an unknown `**kwargs`, a parameter rebound before the
    /// test (or anywhere, when the test is in a loop), other tests.
    ///
    /// ```python
    /// class Attachment:
    ///     def __init__(self, fp):
    ///         if isinstance(fp, io.IOBase):
    ///             self.fp = fp
    ///         else:
    ///             self.fp = open(fp, "rb")
    ///
    /// async def send(data, path):
    ///     Attachment(io.BytesIO(data))  # not reported: a buffer is never opened
    ///     Attachment(path)  # reported: a path may be
    /// ```
    ///
    /// ## Why is this bad?
    /// The helper blocks the event loop exactly as if the blocking call were
    /// written in the async function, but no single-call linter can see it:
    /// this is the most common way blocking code reaches production.
    ///
    /// ## Example
    /// ```python
    /// def read_file(path):
    ///     with open(path) as f:
    ///         return f.read()
    ///
    /// def load_config():
    ///     return json.loads(read_file("config.json"))
    ///
    /// async def handler(request):
    ///     config = load_config()
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// async def handler(request):
    ///     config = await asyncio.to_thread(load_config)
    /// ```
    /// or load the configuration once at start-up, before the loop runs.
    pub static BLOCKING_VIA_HELPER = {
        code: "AD508",
        name: "blocking-via-helper",
        knowledge: "loop-blocked",
        default_enabled: true,
        origin: Static,
        help: "Call the helper with `await asyncio.to_thread(...)`, or make it async with non-blocking I/O",
    };
}
