//! Call-site facts for AD508's branch pruning: a blocking call (or a call
//! toward one) that sits under a test on the function's own parameter is
//! skipped for a call site whose argument provably fails that test
//! (`File(io.BytesIO(...))` never reaches the `open(fp)` in
//! `if isinstance(fp, io.IOBase): ... else: open(fp)`).
//!
//! Everything here is small and `Copy`: guards and argument facts live in
//! side tables of the module summary, indexed by call, and name classes by
//! an index into [`KNOWN_CLASSES`] rather than by string.

use std::num::NonZeroU64;

use ruff_python_ast::{self as ast, Expr};

use super::{FunctionIndex, ModuleSummary, StrRef};

const _: () = assert!(KNOWN_CLASSES.len() < 32, "class sets are 32-bit masks");

/// Classes whose relations to one another are fully known, so an
/// `isinstance` test against them can be decided for a value of one of them.
/// Each lists its ancestors in this table (besides itself and `object`).
/// Abstract classes with virtual subclasses are here only with every
/// registration among these classes accounted for (`io.BytesIO` is
/// registered as an `io.BufferedIOBase`; `os.PathLike` checks `__fspath__`).
pub const KNOWN_CLASSES: &[(&str, &[&str])] = &[
    ("builtins.object", &[]),
    ("builtins.bool", &["builtins.int"]),
    ("builtins.int", &[]),
    ("builtins.float", &[]),
    ("builtins.complex", &[]),
    ("builtins.str", &[]),
    ("builtins.bytes", &[]),
    ("builtins.bytearray", &[]),
    ("builtins.list", &[]),
    ("builtins.tuple", &[]),
    ("builtins.dict", &[]),
    ("builtins.set", &[]),
    ("builtins.frozenset", &[]),
    ("io.IOBase", &[]),
    ("io.RawIOBase", &["io.IOBase"]),
    ("io.BufferedIOBase", &["io.IOBase"]),
    ("io.TextIOBase", &["io.IOBase"]),
    ("io.BytesIO", &["io.BufferedIOBase", "io.IOBase"]),
    ("io.StringIO", &["io.TextIOBase", "io.IOBase"]),
    ("os.PathLike", &[]),
    ("pathlib.PurePath", &["os.PathLike"]),
    ("pathlib.Path", &["pathlib.PurePath", "os.PathLike"]),
];

/// `type(None)`: not nameable in a test, so outside [`KNOWN_CLASSES`].
pub const NONE_CLASS: u8 = u8::MAX;

/// Calls whose result is an instance of exactly that known class.
const CONSTRUCTORS: &[&str] = &[
    "builtins.bool",
    "builtins.int",
    "builtins.float",
    "builtins.complex",
    "builtins.str",
    "builtins.bytes",
    "builtins.bytearray",
    "builtins.list",
    "builtins.tuple",
    "builtins.dict",
    "builtins.set",
    "builtins.frozenset",
    "io.BytesIO",
    "io.StringIO",
    "pathlib.Path",
];

pub fn known_class(qualified: &str) -> Option<u8> {
    KNOWN_CLASSES
        .iter()
        .position(|(name, _)| *name == qualified)
        .map(|i| i as u8)
}

/// The class of what calling `qualified` returns, when it is a known constructor.
pub fn constructed_class(qualified: &str) -> Option<u8> {
    CONSTRUCTORS
        .contains(&qualified)
        .then(|| known_class(qualified))
        .flatten()
}

/// A set of [`KNOWN_CLASSES`] (bits), and whether some class outside them
/// was listed too (then a miss proves nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClassSet {
    pub bits: u32,
    pub unknown: bool,
}

impl ClassSet {
    pub fn add(&mut self, qualified: Option<&str>) {
        match qualified.and_then(known_class) {
            Some(i) => self.bits |= 1 << i,
            None => self.unknown = true,
        }
    }

    /// `isinstance(value, self)` for a value of class `class`.
    fn contains_instance_of(self, class: u8) -> Option<bool> {
        let object = 1u32 << 0;
        let hit = if class == NONE_CLASS {
            self.bits & object != 0
        } else {
            let (name, ancestors) = KNOWN_CLASSES[class as usize];
            let mut mask = object | (1 << class);
            for a in ancestors.iter().chain(std::iter::once(&name)) {
                if let Some(i) = known_class(a) {
                    mask |= 1 << i;
                }
            }
            self.bits & mask != 0
        };
        if hit {
            Some(true)
        } else if self.unknown {
            None
        } else {
            Some(false)
        }
    }
}

/// What a test on a parameter asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardTest {
    /// `if p:`
    Truthy,
    /// `if p is None:`
    IsNone,
    /// `if isinstance(p, (A, B)):`
    IsInstance(ClassSet),
}

/// A call runs only if `test` on parameter `param` (an index into the
/// function's `params`) comes out as `holds`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guard {
    pub param: u8,
    pub holds: bool,
    pub test: GuardTest,
}

/// What is known of a value: its class and, when known, its truth value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Known {
    pub class: u8,
    pub truthy: Option<bool>,
}

impl Known {
    fn eval(self, test: GuardTest) -> Option<bool> {
        match test {
            GuardTest::Truthy => self.truthy,
            GuardTest::IsNone => Some(self.class == NONE_CLASS),
            GuardTest::IsInstance(set) => set.contains_instance_of(self.class),
        }
    }
}

impl Guard {
    /// Whether a value makes the guarded call unreachable.
    pub fn refuted_by(self, value: Option<Known>) -> bool {
        value.and_then(|v| v.eval(self.test)) == Some(!self.holds)
    }
}

/// An argument as a call site sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgValue {
    Known(Known),
    /// The caller's own parameter (an index into its `params`), passed on unchanged.
    Param(u8),
}

/// `position` value of a keyword-only parameter.
pub const KEYWORD_ONLY: u8 = u8::MAX;

/// What a method's first parameter receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MethodKind {
    #[default]
    Plain,
    Static,
    Class,
}

/// A parameter that a guard tests or a call passes on. A function's
/// `params` are its entries in the module's table, in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamInfo {
    pub function: FunctionIndex,
    /// The function's `@staticmethod`/`@classmethod` (how call positions
    /// map to parameters).
    pub method: MethodKind,
    pub name: StrRef,
    /// Position in the `def` (`self` counts), or [`KEYWORD_ONLY`].
    pub position: u8,
    /// Its default, when that is a literal.
    pub default: Option<Known>,
}

/// A positional argument of a call site with a known value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArgFact {
    /// Index into the module's `calls`.
    pub call: u32,
    pub position: u8,
    pub value: ArgValue,
}

/// A keyword argument of a call site with a known value, the keyword as
/// its [`name_hash`] (no copy of the name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeywordFact {
    pub call: u32,
    pub value: ArgValue,
    pub keyword: NonZeroU64,
}

/// How a call passes its arguments, for telling an omitted parameter (its
/// default applies) from one passed in a way we cannot see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ArgShape {
    /// Positional arguments before any `*args` (saturating).
    pub positional: u8,
    pub flags: u8,
}

impl ArgShape {
    /// A `*args` argument: any later position may be filled.
    pub const STARRED: u8 = 1;
    /// A `**kwargs` whose keys are not all known: any parameter may be filled.
    pub const UNKNOWN_KEYWORDS: u8 = 2;
    /// Some keyword arguments: their names are in the module's `call_keywords`.
    pub const KEYWORDS: u8 = 4;
}

/// A keyword name as argument facts store it (64-bit FNV-1a: two names
/// of one call's callee colliding is not a practical concern).
pub fn name_hash(name: &str) -> NonZeroU64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    NonZeroU64::new(h).unwrap_or(NonZeroU64::MIN)
}

/// The bit a keyword name sets in a call's keyword set (a one-hash Bloom
/// filter: a collision only makes a parameter look passed, which prunes less).
pub fn keyword_bit(name: &str) -> u32 {
    1 << (name_hash(name).get() % 32)
}

/// The value of a literal: `None`, `True`, `0`, `""`, `b"x"`, `(1,)`, `[]`.
/// A list, dict or set may be filled before a test (a default one, across
/// calls): only its class is known, not its truth value.
pub fn literal(expr: &Expr) -> Option<Known> {
    let class = |name: &str| known_class(name).expect("listed in KNOWN_CLASSES");
    let (class, truthy) = match expr {
        Expr::NoneLiteral(_) => (NONE_CLASS, Some(false)),
        Expr::BooleanLiteral(b) => (class("builtins.bool"), Some(b.value)),
        Expr::NumberLiteral(n) => match &n.value {
            ast::Number::Int(i) => (class("builtins.int"), Some(i.as_u64() != Some(0))),
            ast::Number::Float(f) => (class("builtins.float"), Some(*f != 0.0)),
            ast::Number::Complex { .. } => (class("builtins.complex"), None),
        },
        Expr::StringLiteral(s) => (class("builtins.str"), Some(!s.value.is_empty())),
        Expr::FString(_) => (class("builtins.str"), None),
        Expr::BytesLiteral(b) => (class("builtins.bytes"), Some(!b.value.is_empty())),
        Expr::Tuple(t) if !t.elts.iter().any(Expr::is_starred_expr) => {
            (class("builtins.tuple"), Some(!t.elts.is_empty()))
        }
        Expr::Tuple(_) => (class("builtins.tuple"), None),
        Expr::List(_) => (class("builtins.list"), None),
        Expr::Set(_) => (class("builtins.set"), None),
        Expr::Dict(_) => (class("builtins.dict"), None),
        _ => return None,
    };
    Some(Known { class, truthy })
}

impl ModuleSummary {
    /// The known positional arguments of call `call` (an index into `calls`).
    pub fn arg_facts_of(&self, call: u32) -> &[ArgFact] {
        let start = self.arg_facts.partition_point(|f| f.call < call);
        let end = self.arg_facts.partition_point(|f| f.call <= call);
        &self.arg_facts[start..end]
    }

    /// The known keyword arguments of call `call`.
    pub fn keyword_facts_of(&self, call: u32) -> &[KeywordFact] {
        let start = self.keyword_facts.partition_point(|f| f.call < call);
        let end = self.keyword_facts.partition_point(|f| f.call <= call);
        &self.keyword_facts[start..end]
    }

    /// The parameter tests call `call` sits under.
    pub fn call_guards_of(&self, call: u32) -> &[(u32, Guard)] {
        let start = self.call_guards.partition_point(|(c, _)| *c < call);
        let end = self.call_guards.partition_point(|(c, _)| *c <= call);
        &self.call_guards[start..end]
    }

    /// The entries of function `function` in the parameter table.
    pub fn params_of(&self, function: FunctionIndex) -> &[ParamInfo] {
        let start = self.params.partition_point(|p| p.function < function);
        let end = self.params.partition_point(|p| p.function <= function);
        &self.params[start..end]
    }

    /// The keyword names call `call` passes, as [`keyword_bit`]s.
    pub fn keyword_bits_of(&self, call: u32) -> u32 {
        self.call_keywords
            .binary_search_by_key(&call, |(c, _)| *c)
            .map_or(0, |i| self.call_keywords[i].1)
    }
}

#[cfg(test)]
mod ad508_guard_tests {
    use super::*;

    fn set(names: &[&str]) -> ClassSet {
        let mut s = ClassSet::default();
        for n in names {
            s.add(Some(n));
        }
        s
    }

    fn instance(name: &str) -> Known {
        Known {
            class: known_class(name).unwrap(),
            truthy: None,
        }
    }

    #[test]
    fn isinstance_follows_the_io_hierarchy() {
        let iobase = GuardTest::IsInstance(set(&["io.IOBase"]));
        assert_eq!(instance("io.BytesIO").eval(iobase), Some(true));
        assert_eq!(instance("io.StringIO").eval(iobase), Some(true));
        assert_eq!(instance("builtins.str").eval(iobase), Some(false));
        let raw = GuardTest::IsInstance(set(&["io.RawIOBase"]));
        assert_eq!(instance("io.BytesIO").eval(raw), Some(false));
        let pathlike = GuardTest::IsInstance(set(&["os.PathLike"]));
        assert_eq!(instance("pathlib.Path").eval(pathlike), Some(true));
        assert_eq!(instance("builtins.str").eval(pathlike), Some(false));
        let int = GuardTest::IsInstance(set(&["builtins.int"]));
        assert_eq!(instance("builtins.bool").eval(int), Some(true));
    }

    #[test]
    fn an_unknown_class_in_the_test_proves_only_hits() {
        let mixed = GuardTest::IsInstance(set(&["builtins.str", "app.Blob"]));
        assert_eq!(instance("builtins.str").eval(mixed), Some(true));
        assert_eq!(instance("io.BytesIO").eval(mixed), None);
    }

    /// The value of `_ = <source>`.
    fn literal_of(source: &str) -> Option<Known> {
        let module = crate::check::parse::parse_python(&format!("_ = {source}\n"));
        match module.body() {
            [ruff_python_ast::Stmt::Assign(a)] => literal(&a.value),
            other => panic!("one assignment expected, got {other:?}"),
        }
    }

    #[test]
    fn literals_know_class_and_only_immutable_truth() {
        let known = literal_of;
        let class = |n: &str| known_class(n).unwrap();
        assert_eq!(
            known("None"),
            Some(Known {
                class: NONE_CLASS,
                truthy: Some(false)
            })
        );
        assert_eq!(known("0").unwrap().truthy, Some(false));
        assert_eq!(known("''").unwrap().truthy, Some(false));
        assert_eq!(known("'x'").unwrap().class, class("builtins.str"));
        assert_eq!(known("(1,)").unwrap().truthy, Some(true));
        assert_eq!(known("(*xs,)").unwrap().truthy, None);
        // A mutable container may be filled before the test.
        let empty_list = known("[]").unwrap();
        assert_eq!(empty_list.class, class("builtins.list"));
        assert_eq!(empty_list.truthy, None);
        assert_eq!(known("{}").unwrap().truthy, None);
        assert_eq!(known("x"), None);
    }

    #[test]
    fn none_and_truthiness() {
        let none = Known {
            class: NONE_CLASS,
            truthy: Some(false),
        };
        assert_eq!(none.eval(GuardTest::IsNone), Some(true));
        assert_eq!(none.eval(GuardTest::Truthy), Some(false));
        assert_eq!(
            none.eval(GuardTest::IsInstance(set(&["builtins.object"]))),
            Some(true)
        );
        assert_eq!(instance("io.BytesIO").eval(GuardTest::IsNone), Some(false));
        assert_eq!(instance("io.BytesIO").eval(GuardTest::Truthy), None);
        let guard = Guard {
            param: 0,
            holds: false,
            test: GuardTest::Truthy,
        };
        let yes = Known {
            class: known_class("builtins.bool").unwrap(),
            truthy: Some(true),
        };
        assert!(guard.refuted_by(Some(yes)));
        assert!(!guard.refuted_by(None));
    }
}
