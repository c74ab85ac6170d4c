crate::declare_rule! {
    /// ## What it does
    /// Reports asyncio features newer than the configured `target-version`:
    /// `asyncio.TaskGroup`, `asyncio.timeout()`, `asyncio.timeout_at()`,
    /// `asyncio.Runner`, `asyncio.Barrier` and `except*` (3.11);
    /// `asyncio.eager_task_factory` (3.12); `Queue.shutdown()` on an
    /// `asyncio.Queue` (3.13). A `from asyncio import TaskGroup` is reported on
    /// the import, which is where an old Python fails; uses of that name are not
    /// reported again.
    ///
    /// ## Why is this bad?
    /// On an older Python the attribute does not exist (`AttributeError:
    /// module 'asyncio' has no attribute 'TaskGroup'`, or an `ImportError`), and
    /// `except*` is a `SyntaxError`: the code fails only when run on the old
    /// version your project still supports.
    ///
    /// Not reported: code inside an `if` that tests `sys.version_info` (or a
    /// `PY311`-style constant, or `hasattr(...)`) or `TYPE_CHECKING`, and
    /// imports inside a `try` that handles `ImportError` (compat shims). Names
    /// bound that way are guarded everywhere they are used. `except*` is
    /// reported even under a guard: it is syntax, so an old Python rejects the
    /// whole file.
    ///
    /// ## Example
    /// ```python
    /// import asyncio
    ///
    /// async def main(urls):
    ///     async with asyncio.TaskGroup() as tg:
    ///         for url in urls:
    ///             tg.create_task(fetch(url))
    /// ```
    ///
    /// ## Use instead
    /// ```python
    /// import sys
    ///
    /// if sys.version_info >= (3, 11):
    ///     from asyncio import TaskGroup
    /// else:
    ///     from taskgroup import TaskGroup
    ///
    /// async def main(urls):
    ///     async with TaskGroup() as tg:
    ///         for url in urls:
    ///             tg.create_task(fetch(url))
    /// ```
    ///
    /// ## Python versions
    /// The target version comes from `target-version` in the configuration, or
    /// `requires-python` in `pyproject.toml` (default 3.9). Backports:
    /// `taskgroup` (TaskGroup, Runner, timeout), `async-timeout`,
    /// `exceptiongroup` (`ExceptionGroup`, `catch()` for `except*`).
    pub static REQUIRES_NEWER_PYTHON = {
        code: "AD307",
        name: "requires-newer-python",
        knowledge: "exception-group",
        default_enabled: true,
        origin: Static,
        help: "Guard it with `if sys.version_info >= (...)`, use a backport (`taskgroup`, `async-timeout`, `exceptiongroup`), or raise the target version",
    };
}

/// `PY311`, `PY_3_11`, `PYTHON_3_11`, `IS_PY311`, `_PY38`... (compat
/// constants), and `TYPE_CHECKING` (code that never runs).
pub(crate) fn is_version_constant(name: &str) -> bool {
    if name == "TYPE_CHECKING" {
        return true;
    }
    let n = name.trim_start_matches('_');
    let n = n.strip_prefix("IS_").unwrap_or(n);
    let rest = n.strip_prefix("PYTHON").or_else(|| n.strip_prefix("PY"));
    rest.is_some_and(|r| {
        let r = r.trim_start_matches('_');
        r.starts_with('3') || r.starts_with("VERSION")
    })
}

/// The Python version that added an `asyncio` module attribute.
pub(crate) fn feature_version(name: &str) -> Option<&'static str> {
    match name {
        "TaskGroup" | "timeout" | "timeout_at" | "Runner" | "Barrier" | "BrokenBarrierError"
        | "Timeout" => Some("3.11"),
        "eager_task_factory" | "create_eager_task_factory" => Some("3.12"),
        "QueueShutDown" => Some("3.13"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_constants_and_features() {
        for name in [
            "PY311",
            "PY_3_11",
            "PYTHON_3_11",
            "IS_PY38",
            "_PY38",
            "PY_VERSION",
            "TYPE_CHECKING",
        ] {
            assert!(is_version_constant(name), "{name}");
        }
        for name in ["PYTHONPATH", "PYPI", "python", "pool"] {
            assert!(!is_version_constant(name), "{name}");
        }
        assert_eq!(feature_version("TaskGroup"), Some("3.11"));
        assert_eq!(feature_version("eager_task_factory"), Some("3.12"));
        assert_eq!(feature_version("QueueShutDown"), Some("3.13"));
        assert_eq!(feature_version("gather"), None);
    }
}
