//! Whole-project analysis. The per-file pass records a compact
//! [`ModuleSummary`] per module (functions, classes, exports, and per function
//! the calls that may reach project code, its first direct blocking call, ...);
//! no AST outlives its file. [`link`] then resolves calls across modules and
//! computes the fixpoints that project-wide rules need.

pub mod collect;
pub mod link;

use ruff_text_size::TextRange;
use rustc_hash::FxHashSet;

use crate::registry::RuleMeta;

/// What every file's pass needs to know about the project up front.
#[derive(Debug, Default)]
pub struct ProjectContext {
    /// First components of the checked modules' names (`app` for `app.db`):
    /// only calls into these are recorded in summaries.
    pub top_level: FxHashSet<String>,
}

impl ProjectContext {
    pub fn is_project_name(&self, qualified: &str) -> bool {
        let head = qualified.split('.').next().unwrap_or(qualified);
        self.top_level.contains(head)
    }
}

/// Index of a function inside its module summary. 0 is the module body.
pub type FunctionIndex = u32;
pub type ClassIndex = u32;

/// What a call (or a reference) points at, as far as one file can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callee {
    /// A dotted name through imports: `app.db.fetch`, `app.models.User`.
    Qualified(Box<str>),
    /// A module-level function or class of the same module.
    Local(Box<str>),
    /// `self.name(...)`/`cls.name(...)` in a method of this class.
    SelfMethod { class: ClassIndex, name: Box<str> },
    /// `super().name(...)` in a method of this class.
    SuperMethod { class: ClassIndex, name: Box<str> },
}

/// How a call's value is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    /// `await f()`.
    Awaited,
    /// `f()` as a statement: the value is thrown away.
    Discarded,
    /// `x = f()` where `x` is never read in the function.
    AssignedUnread,
    /// `for x in f()` / `async for x in f()`.
    Iterated { is_async: bool },
    /// `with f()` / `async with f()`.
    Entered { is_async: bool },
    /// Anything else (passed on, returned, stored, ...).
    Other,
}

#[derive(Debug, Clone)]
pub struct CallSite {
    pub callee: Callee,
    pub range: TextRange,
    pub usage: Usage,
}

/// A direct blocking call (AD501–AD507/AD509) inside a function.
#[derive(Debug, Clone)]
pub struct BlockingFact {
    pub rule: &'static RuleMeta,
    /// `open()`, `requests.get()`.
    pub display: Box<str>,
    pub range: TextRange,
}

#[derive(Debug, Clone)]
pub struct FunctionSummary {
    pub name: Box<str>,
    /// `Class.method`, `outer.<locals>.inner`, `<module>`.
    pub qualname: Box<str>,
    /// The class this is a method of (directly).
    pub class: Option<ClassIndex>,
    /// The range of the `def` name (where related locations point).
    pub name_range: TextRange,
    pub is_async: bool,
    /// Contains `yield`: calling it runs nothing.
    pub is_generator: bool,
    /// Has a `return <value>` other than `return None`.
    pub returns_value: bool,
    /// Has a decorator that may replace the function (not staticmethod,
    /// classmethod, abstractmethod, override, wraps...).
    pub unknown_decorator: bool,
    /// Named `main` or defined under `if __name__ == "__main__":`.
    pub is_entry_point: bool,
    pub calls: Vec<CallSite>,
    /// The body is only a docstring, `pass`, `...` or `raise` (an abstract stub).
    pub is_stub: bool,
    /// Facts most functions do not have, boxed to keep summaries small.
    pub extra: Option<Box<FunctionExtra>>,
}

#[derive(Debug, Clone, Default)]
pub struct FunctionExtra {
    /// Functions handed to another thread (`Thread(target=f)`, `to_thread(f)`,
    /// `run_in_executor(ex, f)`, `executor.submit(f)`).
    pub thread_entries: Vec<Callee>,
    /// The first blocking call in the body, if any.
    pub blocking: Option<BlockingFact>,
    /// `await f` / `await self.m` without a call: (what, where).
    pub awaited_references: Vec<(Callee, TextRange)>,
    /// Calls that start an event loop (`asyncio.run`, `run_until_complete`).
    pub loop_starts: Vec<(TextRange, Box<str>)>,
    /// Calls that must not run off the loop's thread, and `signal.signal`.
    pub thread_unsafe_calls: Vec<(TextRange, Box<str>, bool /* is signal.signal */)>,
}

static NO_EXTRA: FunctionExtra = FunctionExtra {
    thread_entries: Vec::new(),
    blocking: None,
    awaited_references: Vec::new(),
    loop_starts: Vec::new(),
    thread_unsafe_calls: Vec::new(),
};

impl FunctionSummary {
    pub fn new(name: &str, qualname: String, name_range: TextRange) -> Self {
        FunctionSummary {
            name: name.into(),
            qualname: qualname.into(),
            class: None,
            name_range,
            is_async: false,
            is_generator: false,
            returns_value: false,
            unknown_decorator: false,
            is_entry_point: false,
            calls: Vec::new(),
            is_stub: false,
            extra: None,
        }
    }

    pub fn extra(&self) -> &FunctionExtra {
        self.extra.as_deref().unwrap_or(&NO_EXTRA)
    }

    pub fn extra_mut(&mut self) -> &mut FunctionExtra {
        self.extra.get_or_insert_with(Default::default)
    }
}

#[derive(Debug, Clone)]
pub struct ClassSummary {
    pub name: Box<str>,
    pub name_range: TextRange,
    /// Base classes as callees (resolved at link time).
    pub bases: Vec<Callee>,
    /// Methods defined directly in the class body.
    pub methods: Vec<(Box<str>, FunctionIndex)>,
    /// Derives from `threading.Thread` (its `run` runs in a thread).
    pub is_thread: bool,
}

/// A module-level name and what it is bound to.
#[derive(Debug, Clone)]
pub enum Export {
    Function(FunctionIndex),
    Class(ClassIndex),
    /// `from x import y` / `import x.y as z`: the absolute dotted target.
    Import(Box<str>),
}

#[derive(Debug, Clone, Default)]
pub struct ModuleSummary {
    pub module_name: Option<Box<str>>,
    pub is_package: bool,
    pub functions: Vec<FunctionSummary>,
    pub classes: Vec<ClassSummary>,
    pub exports: Vec<(Box<str>, Export)>,
    /// Project functions used as values (callbacks): callable from anywhere.
    pub references: Vec<Callee>,
}

impl ModuleSummary {
    pub fn export(&self, name: &str) -> Option<&Export> {
        self.exports
            .iter()
            .find(|(n, _)| &**n == name)
            .map(|(_, e)| e)
    }
}

#[cfg(test)]
mod size_tests {
    #[test]
    fn print_sizes() {
        eprintln!(
            "FunctionSummary={} CallSite={} Callee={} ClassSummary={} Export={} FileFindings={}",
            std::mem::size_of::<super::FunctionSummary>(),
            std::mem::size_of::<super::CallSite>(),
            std::mem::size_of::<super::Callee>(),
            std::mem::size_of::<super::ClassSummary>(),
            std::mem::size_of::<super::Export>(),
            std::mem::size_of::<crate::diagnostics::FileFindings>(),
        );
    }
}
