//! Whole-project analysis. The per-file pass records a compact
//! [`ModuleSummary`] per module (functions, classes, exports, and per function
//! the calls that may reach project code, its first direct blocking call, ...);
//! no AST outlives its file. [`link`] then resolves calls across modules and
//! computes the fixpoints that project-wide rules need.

pub mod collect;
pub mod guards;
pub mod link;
pub mod reuse;

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
        // A byte search: `split('.')` goes through the generic char searcher.
        let head = match memchr::memchr(b'.', qualified.as_bytes()) {
            Some(dot) => &qualified[..dot],
            None => qualified,
        };
        self.top_level.contains(head)
    }
}

/// Index of a function inside its module summary. 0 is the module body.
pub type FunctionIndex = u32;
pub type ClassIndex = u32;

/// A string stored in its module summary's `text` (summaries keep their
/// strings in one buffer: a handful of allocations per module, so they do
/// not pin the memory of the parsed trees freed around them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct StrRef {
    start: u32,
    len: u32,
}

impl StrRef {
    /// The last `len` bytes of `s`.
    pub fn suffix_of(s: StrRef, len: usize) -> StrRef {
        let len = (len as u32).min(s.len);
        StrRef {
            start: s.start + s.len - len,
            len,
        }
    }
}

/// What a call (or a reference) points at, as far as one file can tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Callee {
    /// A dotted name through imports: `app.db.fetch`, `app.models.User`.
    Qualified(StrRef),
    /// A module-level function or class of the same module.
    Local(StrRef),
    /// `self.name(...)`/`cls.name(...)` in a method of this class.
    SelfMethod { class: ClassIndex, name: StrRef },
    /// `super().name(...)` in a method of this class.
    SuperMethod { class: ClassIndex, name: StrRef },
}

/// A [`Callee`] before its strings are stored in a summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalleeDraft<'s> {
    Qualified(&'s str),
    Local(&'s str),
    SelfMethod { class: ClassIndex, name: &'s str },
    SuperMethod { class: ClassIndex, name: &'s str },
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

#[derive(Debug, Clone, Copy)]
pub struct CallSite {
    pub callee: Callee,
    pub range: TextRange,
    pub usage: Usage,
    /// How the arguments are passed (AD508's pruning; fits in the padding).
    pub args: guards::ArgShape,
}

/// A direct blocking call (AD501–AD507/AD509) inside a function.
#[derive(Debug, Clone)]
pub struct BlockingFact {
    pub rule: &'static RuleMeta,
    /// `open()`, `requests.get()`.
    pub display: Box<str>,
    pub range: TextRange,
    /// Tests on the function's parameters it sits under (empty: no allocation).
    pub guards: Vec<guards::Guard>,
}

#[derive(Debug, Clone)]
pub struct FunctionSummary {
    pub name: StrRef,
    /// `Class.method`, `outer.<locals>.inner`, `<module>`.
    pub qualname: StrRef,
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
    /// Its calls: a range of the module's `calls`.
    pub calls: std::ops::Range<u32>,
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
    /// The first blocking call in the body, if any; when it sits under a
    /// test on a parameter, the next ones too, until one that does not.
    pub blocking: Vec<BlockingFact>,
    /// `await f` / `await self.m` without a call: (what, where).
    pub awaited_references: Vec<(Callee, TextRange)>,
    /// `c = f(); await c; await c`: (call index within the function, the
    /// second `await`).
    pub reused: Vec<(u32, TextRange)>,
    /// Calls that start an event loop (`asyncio.run`, `run_until_complete`).
    pub loop_starts: Vec<(TextRange, Box<str>)>,
    /// Calls that must not run off the loop's thread, and `signal.signal`.
    pub thread_unsafe_calls: Vec<(TextRange, Box<str>, bool /* is signal.signal */)>,
}

static NO_EXTRA: FunctionExtra = FunctionExtra {
    thread_entries: Vec::new(),
    blocking: Vec::new(),
    awaited_references: Vec::new(),
    reused: Vec::new(),
    loop_starts: Vec::new(),
    thread_unsafe_calls: Vec::new(),
};

impl FunctionSummary {
    pub fn new(name: StrRef, qualname: StrRef, name_range: TextRange) -> Self {
        FunctionSummary {
            name,
            qualname,
            class: None,
            name_range,
            is_async: false,
            is_generator: false,
            returns_value: false,
            unknown_decorator: false,
            is_entry_point: false,
            calls: 0..0,
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
    pub name: StrRef,
    pub name_range: TextRange,
    /// Base classes as callees (resolved at link time).
    pub bases: Vec<Callee>,
    /// Methods defined directly in the class body; sorted by name once the
    /// summary is sealed (see [`ModuleSummary::method`]).
    pub methods: Vec<(StrRef, FunctionIndex)>,
    /// Derives from `threading.Thread` (its `run` runs in a thread).
    pub is_thread: bool,
    /// Has a base outside the project that may define methods.
    pub external_base: bool,
}

/// A module-level name and what it is bound to.
#[derive(Debug, Clone)]
pub enum Export {
    Function(FunctionIndex),
    Class(ClassIndex),
    /// `from x import y` / `import x.y as z`: the absolute dotted target.
    Import(StrRef),
}

#[derive(Debug, Clone, Default)]
pub struct ModuleSummary {
    pub module_name: Option<Box<str>>,
    /// Its name as part of a namespace package, when that differs.
    pub namespace_name: Option<Box<str>>,
    pub is_package: bool,
    /// Every name the summary mentions, back to back.
    pub text: String,
    pub functions: Vec<FunctionSummary>,
    pub calls: Vec<CallSite>,
    pub classes: Vec<ClassSummary>,
    /// Sorted by name.
    pub exports: Vec<(StrRef, Export)>,
    /// Project functions used as values (callbacks): callable from anywhere.
    pub references: Vec<Callee>,
    /// Arguments with known values, sorted by call index (AD508's pruning).
    pub arg_facts: Vec<guards::ArgFact>,
    pub keyword_facts: Vec<guards::KeywordFact>,
    /// (call index, a test that must hold for the call to run), sorted.
    pub call_guards: Vec<(u32, guards::Guard)>,
    /// (call index, keyword names passed, as [`guards::keyword_bit`]s), sorted.
    pub call_keywords: Vec<(u32, u32)>,
    /// Parameters that guards test or calls pass on, sorted by function.
    pub params: Vec<guards::ParamInfo>,
    /// While the summary is built: where each string already stored is, by
    /// hash, so that a name called fifty times is stored once. Emptied (and
    /// freed) when the summary is finished.
    interned: rustc_hash::FxHashMap<u64, StrRef>,
}

impl ModuleSummary {
    pub fn str(&self, s: StrRef) -> &str {
        &self.text[s.start as usize..(s.start + s.len) as usize]
    }

    /// Stores a string, or finds the same string stored before.
    pub fn intern(&mut self, s: &str) -> StrRef {
        use std::hash::BuildHasher;
        let hash = rustc_hash::FxBuildHasher.hash_one(s);
        if let Some(&stored) = self.interned.get(&hash)
            && self.str(stored) == s
        {
            return stored;
        }
        let start = self.text.len() as u32;
        self.text.push_str(s);
        let stored = StrRef {
            start,
            len: s.len() as u32,
        };
        // On a hash collision the newer string wins the slot; both stay valid.
        self.interned.insert(hash, stored);
        stored
    }

    /// Called once the summary is complete: drops the lookup table and
    /// trims every buffer to its length.
    pub fn seal(&mut self) {
        self.interned = Default::default();
        self.text.shrink_to_fit();
        self.calls.shrink_to_fit();
        self.functions.shrink_to_fit();
        self.classes.shrink_to_fit();
        self.exports.shrink_to_fit();
        self.references.shrink_to_fit();
        self.params.shrink_to_fit();
        self.arg_facts.shrink_to_fit();
        self.keyword_facts.shrink_to_fit();
        self.call_guards.shrink_to_fit();
        self.call_keywords.shrink_to_fit();
        // Stable: of two `def`s with one name the first stays first, as a
        // scan in definition order would find it.
        let text = &self.text;
        let str_of = |s: StrRef| &text[s.start as usize..(s.start + s.len) as usize];
        for class in &mut self.classes {
            class.methods.sort_by(|a, b| str_of(a.0).cmp(str_of(b.0)));
        }
    }

    /// The method `name` defined directly in class `class` (a binary search:
    /// classes with hundreds of methods are common).
    pub fn method(&self, class: ClassIndex, name: &str) -> Option<FunctionIndex> {
        let methods = &self.classes[class as usize].methods;
        let at = methods.partition_point(|(n, _)| self.str(*n) < name);
        methods
            .get(at)
            .filter(|(n, _)| self.str(*n) == name)
            .map(|(_, index)| *index)
    }

    pub fn intern_callee(&mut self, draft: CalleeDraft<'_>) -> Callee {
        match draft {
            CalleeDraft::Qualified(q) => Callee::Qualified(self.intern(q)),
            CalleeDraft::Local(n) => Callee::Local(self.intern(n)),
            CalleeDraft::SelfMethod { class, name } => Callee::SelfMethod {
                class,
                name: self.intern(name),
            },
            CalleeDraft::SuperMethod { class, name } => Callee::SuperMethod {
                class,
                name: self.intern(name),
            },
        }
    }

    /// The callee with its strings, for comparing and resolving.
    pub fn draft<'s>(&'s self, callee: &Callee) -> CalleeDraft<'s> {
        match *callee {
            Callee::Qualified(q) => CalleeDraft::Qualified(self.str(q)),
            Callee::Local(n) => CalleeDraft::Local(self.str(n)),
            Callee::SelfMethod { class, name } => CalleeDraft::SelfMethod {
                class,
                name: self.str(name),
            },
            Callee::SuperMethod { class, name } => CalleeDraft::SuperMethod {
                class,
                name: self.str(name),
            },
        }
    }

    pub fn calls_of(&self, f: &FunctionSummary) -> &[CallSite] {
        &self.calls[f.calls.start as usize..f.calls.end as usize]
    }

    pub fn export(&self, name: &str) -> Option<&Export> {
        self.exports
            .binary_search_by(|(n, _)| self.str(*n).cmp(name))
            .ok()
            .map(|i| &self.exports[i].1)
    }
}

#[cfg(test)]
mod size_tests {
    /// Summaries stay in memory for the whole run, one per function and call
    /// site of the project: keep them compact (56 and 28 bytes today).
    #[test]
    fn summaries_stay_small() {
        assert!(std::mem::size_of::<super::FunctionSummary>() <= 64);
        assert!(std::mem::size_of::<super::CallSite>() <= 32);
        assert!(std::mem::size_of::<super::Callee>() <= 16);
    }
}
