//! The Python version an input came from, and the version-specific part of
//! a fix.
//!
//! Read from what the input shows: interpreter paths in frames
//! (`/usr/lib/python3.10/asyncio/`, `C:\Python311\Lib\`, `.../Python.3.12_...`),
//! banners (`Python 3.11.4`, pytest's `platform linux -- Python 3.12.1`),
//! and two facts of the traceback format: 3.8–3.10 print wait_for's timeout
//! as `asyncio.exceptions.TimeoutError` (3.11 made it the builtin
//! `TimeoutError`), and `asyncio/timeouts.py` / `asyncio/taskgroups.py`
//! exist only from 3.11.

use std::sync::LazyLock;

use regex::Regex;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct PyVersion {
    /// The minor version of Python 3, when printed in the input.
    pub minor: Option<u8>,
    /// Otherwise bounds implied by the traceback's format.
    pub at_least: Option<u8>,
    pub at_most: Option<u8>,
}

static VERSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)python[ .]?3\.?(\d{1,2})(?:[./\\\s,_:)]|$)").expect("version regex")
});

impl PyVersion {
    pub fn exact(minor: u8) -> PyVersion {
        PyVersion {
            minor: Some(minor),
            ..PyVersion::default()
        }
    }

    pub fn is_known(&self) -> bool {
        self.minor.is_some() || self.at_least.is_some() || self.at_most.is_some()
    }

    /// Whether the version is certainly below 3.`m` / at least 3.`m`.
    pub fn below(&self, m: u8) -> Option<bool> {
        if let Some(v) = self.minor {
            return Some(v < m);
        }
        if self.at_most.is_some_and(|v| v < m) {
            return Some(true);
        }
        if self.at_least.is_some_and(|v| v >= m) {
            return Some(false);
        }
        None
    }

    pub fn merge(&mut self, other: PyVersion) {
        if self.minor.is_none() {
            self.minor = other.minor;
        }
        if self.at_least.is_none() {
            self.at_least = other.at_least;
        }
        if self.at_most.is_none() {
            self.at_most = other.at_most;
        }
    }

    pub fn display(&self) -> Option<String> {
        match (self.minor, self.at_least, self.at_most) {
            (Some(m), _, _) => Some(format!("3.{m}")),
            (None, Some(a), _) => Some(format!("3.{a} or later")),
            (None, None, Some(b)) => Some(format!("3.{b} or earlier")),
            _ => None,
        }
    }
}

/// A Python version printed in one line of text.
pub fn version_in(text: &str) -> Option<u8> {
    static PYTHON: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new("ython"));
    PYTHON.find(text.as_bytes())?;
    VERSION
        .captures_iter(text)
        .filter_map(|c| c[1].parse::<u8>().ok())
        .find(|m| (6..=20).contains(m))
}

/// What a traceback's exceptions and frames imply.
pub fn implied_by(types: &[&str], files: &[&str], range_carets: bool) -> PyVersion {
    let mut v = PyVersion::default();
    // Range markers under frame code lines: 3.11+ (SyntaxErrors excepted,
    // which had them earlier).
    if range_carets && !types.iter().any(|t| t.ends_with("SyntaxError")) {
        v.at_least = Some(11);
    }
    for f in files {
        if let Some(m) = version_in(f) {
            v.minor.get_or_insert(m);
        }
        let f = f.replace('\\', "/");
        if f.contains("asyncio/timeouts.py") || f.contains("asyncio/taskgroups.py") {
            v.at_least = Some(11);
        }
    }
    if types.contains(&"asyncio.exceptions.TimeoutError") {
        v.at_most = Some(10);
    }
    v
}

/// The part of the fix that depends on the Python version.
pub fn fix_note(id: &str, v: &PyVersion) -> Option<String> {
    let shown = v.display()?;
    let below = |m| v.below(m);
    let note = match id {
        "timeout" => match below(11) {
            Some(true) => format!(
                "On Python {shown}: catch `asyncio.TimeoutError` (`except TimeoutError:` does NOT catch wait_for() timeouts before 3.11); `asyncio.timeout()` does not exist yet, use `asyncio.wait_for()` or the async-timeout package."
            ),
            Some(false) => format!(
                "On Python {shown}: `except TimeoutError:` catches it (asyncio.TimeoutError is the same class since 3.11); `async with asyncio.timeout(seconds):` is available."
            ),
            None => return None,
        },
        "task-destroyed-pending" | "exception-never-retrieved" | "gather-swallowed" => {
            match below(11) {
                Some(true) => format!(
                    "On Python {shown}: asyncio.TaskGroup is not available (3.11+); keep a set of task references and await them, or use anyio task groups."
                ),
                Some(false) => format!(
                    "On Python {shown}: prefer `async with asyncio.TaskGroup() as tg: tg.create_task(...)`, which owns its tasks and raises their errors."
                ),
                None => return None,
            }
        }
        "exception-group" => match below(11) {
            Some(true) => format!(
                "On Python {shown}: there is no `except*` and no asyncio.TaskGroup; the group comes from anyio/trio, catch it with the exceptiongroup backport's `catch()` or `except ExceptionGroup`."
            ),
            Some(false) => {
                format!("On Python {shown}: use `except* SomeError:` to handle members by type.")
            }
            None => return None,
        },
        "loop-blocked" => match below(9) {
            Some(true) => format!(
                "On Python {shown}: asyncio.to_thread() does not exist (3.9+); use `await loop.run_in_executor(None, func, *args)`."
            ),
            Some(false) => format!(
                "On Python {shown}: `await asyncio.to_thread(func, *args)` moves the call off the loop."
            ),
            None => return None,
        },
        "no-current-event-loop" => match v.minor {
            Some(m) if m >= 14 => format!(
                "On Python {shown}: get_event_loop() raises RuntimeError without a current loop; use asyncio.run()/asyncio.Runner, or get_running_loop() inside coroutines."
            ),
            Some(m) if m >= 11 => format!(
                "On Python {shown}: use `asyncio.run(main())` or `with asyncio.Runner() as runner:` at the top level, and asyncio.get_running_loop() inside coroutines."
            ),
            Some(m) if m >= 10 => format!(
                "On Python {shown}: asyncio.Runner does not exist yet (3.11+); use `asyncio.run(main())` at the top level and asyncio.get_running_loop() inside coroutines."
            ),
            Some(_) => format!(
                "On Python {shown}: use `asyncio.run(main())` at the top level and asyncio.get_running_loop() inside coroutines; in a worker thread create and set a loop with asyncio.new_event_loop()/set_event_loop() or pass the main loop in."
            ),
            None => return None,
        },
        "context-manager-mismatch" => match below(11) {
            Some(true) => format!(
                "On Python {shown} this mistake shows as `AttributeError: __aenter__` / `__enter__`."
            ),
            _ => return None,
        },
        "timeout-outside-task" => match below(11) {
            Some(true) => format!(
                "On Python {shown}: asyncio.timeout() does not exist yet; this message comes from async-timeout/aiohttp's timeout."
            ),
            _ => return None,
        },
        "cancelled" => format!(
            "On Python {shown}: CancelledError derives from BaseException (since 3.8), so `except Exception:` does not catch it; `except BaseException:` and bare `except:` do."
        ),
        _ => return None,
    };
    Some(note)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_versions_from_paths_and_banners() {
        assert_eq!(
            version_in("  File \"/usr/lib/python3.10/asyncio/tasks.py\", line 1"),
            Some(10)
        );
        assert_eq!(
            version_in(r"C:\Python311\Lib\asyncio\base_events.py"),
            Some(11)
        );
        assert_eq!(
            version_in("platform linux -- Python 3.12.1, pytest-8.0.0"),
            Some(12)
        );
        assert_eq!(
            version_in("/usr/local/lib/python3.9/site-packages/aiohttp/client.py"),
            Some(9)
        );
        assert_eq!(version_in("python3 -m app"), None);
        assert_eq!(version_in("no version here"), None);
    }

    #[test]
    fn timeout_fix_depends_on_version() {
        let old = fix_note("timeout", &PyVersion::exact(10)).unwrap();
        assert!(
            old.contains("except asyncio.TimeoutError") || old.contains("`asyncio.TimeoutError`")
        );
        let new = fix_note("timeout", &PyVersion::exact(12)).unwrap();
        assert!(new.contains("`except TimeoutError:` catches it"));
        assert!(fix_note("timeout", &PyVersion::default()).is_none());
        let inferred = implied_by(&["asyncio.exceptions.TimeoutError"], &[], false);
        assert_eq!(
            implied_by(&["TimeoutError"], &[], true).below(11),
            Some(false)
        );
        assert_eq!(implied_by(&["SyntaxError"], &[], true).below(11), None);
        assert_eq!(inferred.below(11), Some(true));
    }
}
