//! The semantic model of one module, built once before any rule runs (one walk
//! of the tree): scopes, what each name is bound to (imports, local
//! definitions), and the "local facts" the rule catalog allows us to use for
//! receiver types (`x = known_ctor()`, `with known_ctor() as x`, `x: T`,
//! parameter annotations, `self.x = ...` in the same class).
//!
//! Facts are flow-insensitive and conservative: a name has a type only when it
//! has exactly one binding site (ignoring `= None`), so a reassignment anywhere
//! in the scope makes it unknown rather than wrong.

mod builder;
/// The walk order both passes share.
pub mod builder_walks {
    pub use super::builder::{walk_function_header, walk_parameter_exprs};
}
mod resolve;

pub use builder::build;
pub use resolve::Resolver;

use ruff_python_ast::Expr;
use ruff_text_size::TextSize;
use rustc_hash::FxHashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ScopeId(pub u32);

impl ScopeId {
    pub const MODULE: ScopeId = ScopeId(0);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Module,
    Class,
    Function { is_async: bool },
    Lambda,
}

/// Where an import binding points: `module[.member]`, relative by `level` dots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportTarget<'a> {
    pub module: &'a str,
    pub member: Option<&'a str>,
    pub level: u32,
}

/// A place that gives a name (or a `self` attribute) its value.
#[derive(Debug, Clone, Copy)]
pub enum Site<'a> {
    /// `x = <expr>` (also `x := <expr>`, `self.x = <expr>`).
    Value(ScopeId, &'a Expr),
    /// `with <expr> as x`.
    Entered(ScopeId, &'a Expr),
    /// `x: T`, `def f(x: T)`.
    Annotation(ScopeId, &'a Expr),
    /// Anything else (`for x in`, `def x`, `except E as x`, tuple unpacking, ...).
    Opaque,
}

#[derive(Debug, Clone)]
pub struct Binding<'a> {
    /// The import this name refers to, when every binding of it is that import.
    pub import: Option<ImportTarget<'a>>,
    import_conflict: bool,
    /// Binding sites other than imports and `= None`.
    pub other_sites: u16,
    /// The first non-import site.
    pub site: Option<Site<'a>>,
    /// Further non-import sites (rare: empty, so no allocation, for most names).
    pub more_sites: Vec<Site<'a>>,
    /// Bound by `def`/`async def` in this scope.
    pub is_function: bool,
    /// Bound by `class` in this scope.
    pub is_class: bool,
    /// `NAME.setblocking(False)` / `NAME.settimeout(0)` seen in the scope.
    pub made_nonblocking: bool,
    /// Also bound by `NAME = None` (not counted in `other_sites`).
    pub assigned_none: bool,
}

impl<'a> Binding<'a> {
    fn new() -> Self {
        Binding {
            import: None,
            import_conflict: false,
            other_sites: 0,
            site: None,
            more_sites: Vec::new(),
            is_function: false,
            is_class: false,
            made_nonblocking: false,
            assigned_none: false,
        }
    }

    /// The import target if the name is nothing but that import.
    pub fn as_import(&self) -> Option<ImportTarget<'a>> {
        if self.other_sites == 0 && !self.import_conflict {
            self.import
        } else {
            None
        }
    }

    /// Every binding site, when the name is not also an import and none of
    /// its sites is opaque (a `for` target, a `def`, tuple unpacking...).
    pub fn typed_sites(&self) -> Option<impl Iterator<Item = Site<'a>> + '_> {
        if self.import.is_some() || self.import_conflict || self.other_sites == 0 {
            return None;
        }
        // A site counted but not recorded (e.g. a `nonlocal` rebinding): unknown.
        if usize::from(self.other_sites) != usize::from(self.site.is_some()) + self.more_sites.len()
        {
            return None;
        }
        let all = self.site.iter().chain(self.more_sites.iter()).copied();
        if all.clone().any(|s| matches!(s, Site::Opaque)) {
            return None;
        }
        Some(all)
    }
}

#[derive(Debug)]
pub struct Scope<'a> {
    pub kind: ScopeKind,
    pub parent: Option<ScopeId>,
    /// Where the defining node starts (a check that both walks agree).
    pub node_start: TextSize,
    pub bindings: Bindings<'a>,
    /// Names declared `global` here.
    pub globals: Vec<&'a str>,
    /// For a method: the name of its first parameter (`self`/`cls`).
    pub self_name: Option<&'a str>,
    /// For a class: what `self.<attr>` is bound to, across all its methods.
    pub self_attrs: Bindings<'a>,
}

/// The names bound in a scope, in a list. Most scopes bind a handful of
/// names, found fastest by scanning; past [`Bindings::SCANNED`] names a hash
/// table of indices is built (it moves small entries, not whole bindings,
/// when it grows).
#[derive(Debug, Default)]
pub struct Bindings<'a> {
    index: FxHashMap<&'a str, u32>,
    entries: Vec<(&'a str, Binding<'a>)>,
}

impl<'a> Bindings<'a> {
    const SCANNED: usize = 8;

    fn position(&self, name: &str) -> Option<usize> {
        if self.index.is_empty() {
            self.entries.iter().position(|(n, _)| *n == name)
        } else {
            self.index.get(name).map(|&i| i as usize)
        }
    }

    pub fn get(&self, name: &str) -> Option<&Binding<'a>> {
        self.position(name).map(|i| &self.entries[i].1)
    }

    pub fn get_mut(&mut self, name: &str) -> Option<&mut Binding<'a>> {
        let i = self.position(name)?;
        Some(&mut self.entries[i].1)
    }

    pub fn get_key_value(&self, name: &str) -> Option<(&'a str, &Binding<'a>)> {
        let (name, binding) = &self.entries[self.position(name)?];
        Some((*name, binding))
    }

    pub fn contains_key(&self, name: &str) -> bool {
        self.position(name).is_some()
    }

    /// In the order the names were first bound.
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, &Binding<'a>)> + '_ {
        self.entries.iter().map(|(name, b)| (*name, b))
    }

    pub(super) fn entry(&mut self, name: &'a str) -> &mut Binding<'a> {
        let i = match self.position(name) {
            Some(i) => i,
            None => {
                let i = self.entries.len();
                self.entries.push((name, Binding::new()));
                if !self.index.is_empty() {
                    self.index.insert(name, i as u32);
                } else if self.entries.len() > Self::SCANNED {
                    self.index = self
                        .entries
                        .iter()
                        .enumerate()
                        .map(|(i, (n, _))| (*n, i as u32))
                        .collect();
                }
                i
            }
        };
        &mut self.entries[i].1
    }
}

impl<'a> Scope<'a> {
    fn new(kind: ScopeKind, parent: Option<ScopeId>, node_start: TextSize) -> Self {
        Scope {
            kind,
            parent,
            node_start,
            bindings: Bindings::default(),
            globals: Vec::new(),
            self_name: None,
            self_attrs: Bindings::default(),
        }
    }

    pub fn is_async_function(&self) -> bool {
        matches!(self.kind, ScopeKind::Function { is_async: true })
    }
}

/// The model: every scope of the module, in the order a pre-order walk meets them.
#[derive(Debug)]
pub struct SemanticModel<'a> {
    pub scopes: Vec<Scope<'a>>,
    /// Scope of each `def`/`class`/`lambda`, by where the node starts.
    pub scope_starts: FxHashMap<TextSize, ScopeId>,
    /// The module's dotted name (`pkg.sub.mod`), when known.
    pub module_name: Option<&'a str>,
    /// Whether the module is a package's `__init__`.
    pub is_package: bool,
}

impl<'a> SemanticModel<'a> {
    /// The scope a `def`/`class`/`lambda` starting at `start` opens.
    pub fn scope_at(&self, start: TextSize) -> Option<ScopeId> {
        self.scope_starts.get(&start).copied()
    }

    pub fn scope(&self, id: ScopeId) -> &Scope<'a> {
        &self.scopes[id.0 as usize]
    }

    /// The binding a name load in `scope` refers to, following Python's rules:
    /// class scopes are skipped from nested functions; `global` goes to the
    /// module. `None`: not bound in the module (a builtin or unknown).
    pub fn lookup(&self, scope: ScopeId, name: &str) -> Option<&Binding<'a>> {
        self.lookup_with_scope(scope, name).map(|(_, b)| b)
    }

    /// [`Self::lookup`], also telling which scope binds the name.
    pub fn lookup_with_scope(&self, scope: ScopeId, name: &str) -> Option<(ScopeId, &Binding<'a>)> {
        let mut current = Some(scope);
        let mut first = true;
        while let Some(id) = current {
            let s = self.scope(id);
            if !first && s.kind == ScopeKind::Class {
                current = s.parent;
                continue;
            }
            if s.globals.contains(&name) {
                return self
                    .scope(ScopeId::MODULE)
                    .bindings
                    .get(name)
                    .map(|b| (ScopeId::MODULE, b));
            }
            if let Some(b) = s.bindings.get(name) {
                return Some((id, b));
            }
            first = false;
            current = s.parent;
        }
        None
    }

    /// The scope that holds the binding a name load in `scope` refers to.
    pub fn binding_scope(&self, scope: ScopeId, name: &str) -> Option<ScopeId> {
        self.lookup_with_scope(scope, name).map(|(id, _)| id)
    }

    /// The class scope whose instance a `self`-like name denotes in `scope`.
    pub fn self_class(&self, scope: ScopeId, name: &str) -> Option<ScopeId> {
        // Walk out through lambdas and nested functions to the method that owns `name`.
        let mut current = Some(scope);
        while let Some(id) = current {
            let s = self.scope(id);
            if s.bindings.contains_key(name) && s.self_name != Some(name) {
                return None; // rebound locally
            }
            if s.self_name == Some(name) {
                return s.parent;
            }
            current = s.parent;
        }
        None
    }
}

/// Runs one level of a recursive tree walk, moving to a fresh stack segment
/// when the current one is nearly used up: generated code nested 100,000
/// deep must not overflow (the parser does the same).
#[inline]
pub fn grow_stack<R>(f: impl FnOnce() -> R) -> R {
    const RED_ZONE: usize = 256 * 1024;
    const SEGMENT: usize = 16 * 1024 * 1024;
    stacker::maybe_grow(RED_ZONE, SEGMENT, f)
}

/// An expression with no expressions inside (a name or a plain literal):
/// the walks pass over these, the most common nodes, without the stack
/// check and the generic walk, which would visit nothing.
pub fn is_leaf(expr: &Expr) -> bool {
    matches!(
        expr,
        Expr::Name(_)
            | Expr::NumberLiteral(_)
            | Expr::StringLiteral(_)
            | Expr::BytesLiteral(_)
            | Expr::BooleanLiteral(_)
            | Expr::NoneLiteral(_)
            | Expr::EllipsisLiteral(_)
    )
}

/// Shallow facts about statements that rules reuse.
pub fn is_none_literal(expr: &Expr) -> bool {
    matches!(expr, Expr::NoneLiteral(_))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_are_found_before_and_after_the_table_is_built() {
        let names: Vec<String> = (0..3 * Bindings::SCANNED)
            .map(|i| format!("n{i}"))
            .collect();
        let mut bindings = Bindings::default();
        for (i, name) in names.iter().enumerate() {
            bindings.entry(name).other_sites = i as u16;
            // Binding a name again finds the same entry.
            bindings.entry(&names[0]).is_function = true;
            for (j, earlier) in names[..=i].iter().enumerate() {
                assert_eq!(bindings.get(earlier).map(|b| b.other_sites), Some(j as u16));
            }
            assert!(!bindings.contains_key(&format!("n{}", i + 1)));
        }
        assert!(bindings.get("n0").is_some_and(|b| b.is_function));
        let order: Vec<&str> = bindings.iter().map(|(n, _)| n).collect();
        assert_eq!(order, names.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(bindings.get_key_value("n5").map(|(n, _)| n), Some("n5"));
    }

    /// The walks skip leaves: that is only right if walking one would visit
    /// no expression inside it. Checked on every expression of a sample
    /// that has each kind of leaf (and non-leaves, which must visit some).
    #[test]
    fn leaves_contain_no_expressions() {
        use ruff_python_ast::visitor::{self, Visitor};
        struct All<'a>(Vec<&'a Expr>);
        impl<'a> Visitor<'a> for All<'a> {
            fn visit_expr(&mut self, expr: &'a Expr) {
                self.0.push(expr);
                visitor::walk_expr(self, expr);
            }
        }
        struct Count(usize);
        impl<'a> Visitor<'a> for Count {
            fn visit_expr(&mut self, _: &'a Expr) {
                self.0 += 1;
            }
        }
        let source = "x = (a, 1, 2.5, 3j, 'a' 'b', b'c', True, None, ..., f'{y}', -z, [w], q.r)\n";
        let parsed = crate::check::parse::parse_python(source);
        let mut all = All(Vec::new());
        all.visit_body(parsed.body());
        let mut leaves = 0;
        for expr in all.0 {
            let mut inside = Count(0);
            visitor::walk_expr(&mut inside, expr);
            assert_eq!(is_leaf(expr), inside.0 == 0, "{expr:?}");
            leaves += usize::from(is_leaf(expr));
        }
        // x, a, 1, 2.5, 3j, 'a' 'b', b'c', True, None, ..., y, z, w, q
        assert_eq!(leaves, 14);
    }
}
