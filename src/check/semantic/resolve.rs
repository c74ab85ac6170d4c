//! Name and type resolution on top of the [`SemanticModel`]: what a call's
//! target is (`t.sleep` → `time.sleep`), and what type a receiver has by local
//! facts (`conn = sqlite3.connect()` → `sqlite3.Connection`). Writes into a
//! caller-owned buffer so resolving a call allocates nothing.

use ruff_python_ast::{self as ast, Expr, Operator};

use super::{Binding, ImportTarget, ScopeId, SemanticModel, Site};
use crate::check::library::Library;

/// Names Python provides without an import that rules care about.
const BUILTINS: &[&str] = &[
    "open",
    "input",
    "print",
    "len",
    "isinstance",
    "list",
    "tuple",
    "set",
    "dict",
    "range",
    "zip",
    "enumerate",
    "map",
    "filter",
    "sorted",
    "iter",
    "next",
    "super",
    "type",
    "str",
    "bytes",
    "int",
    "float",
    "bool",
    "object",
    "BaseException",
    "Exception",
    "TimeoutError",
    "KeyboardInterrupt",
    "SystemExit",
    "staticmethod",
    "classmethod",
    "property",
    "callable",
    "getattr",
    "setattr",
    "hasattr",
    "id",
    "repr",
    "hash",
    "vars",
    "exec",
    "eval",
    "compile",
    "__import__",
    "breakpoint",
];

/// Deepest chain of local facts followed (`a = b.c(); b = d()`...): beyond
/// this a receiver is unknown. Also stops cycles.
const MAX_DEPTH: u8 = 8;

pub struct Resolver<'m, 'a> {
    pub model: &'m SemanticModel<'a>,
    pub library: &'m Library,
}

impl<'m, 'a> Resolver<'m, 'a> {
    pub fn new(model: &'m SemanticModel<'a>, library: &'m Library) -> Self {
        Resolver { model, library }
    }

    /// Writes the fully qualified name an expression refers to by import
    /// tracking (`t.sleep` with `import time as t` → `time.sleep`; `open` →
    /// `builtins.open`). `false` when it is not an imported or builtin name.
    pub fn qualified_name(&self, scope: ScopeId, expr: &Expr, buf: &mut String) -> bool {
        buf.clear();
        self.write_qualified(scope, expr, buf, 0)
    }

    fn write_qualified(&self, scope: ScopeId, expr: &Expr, buf: &mut String, depth: u8) -> bool {
        if depth > 32 {
            return false;
        }
        match expr {
            Expr::Name(name) => {
                let id = name.id.as_str();
                match self.model.lookup(scope, id) {
                    Some(binding) => match binding.as_import() {
                        Some(target) => self.write_import(target, buf),
                        None => false,
                    },
                    None if BUILTINS.contains(&id) => {
                        buf.push_str("builtins.");
                        buf.push_str(id);
                        true
                    }
                    None => false,
                }
            }
            Expr::Attribute(attr) => {
                if !self.write_qualified(scope, &attr.value, buf, depth + 1) {
                    return false;
                }
                buf.push('.');
                buf.push_str(attr.attr.as_str());
                true
            }
            _ => false,
        }
    }

    /// Writes the absolute dotted path of an import target.
    pub fn write_import(&self, target: ImportTarget<'_>, buf: &mut String) -> bool {
        if target.level > 0 {
            let Some(module) = self.model.module_name else {
                return false;
            };
            // The package the module lives in, then one more level up per extra dot.
            let mut package = if self.model.is_package {
                module
            } else {
                match module.rfind('.') {
                    Some(i) => &module[..i],
                    None => "",
                }
            };
            for _ in 1..target.level {
                match package.rfind('.') {
                    Some(i) => package = &package[..i],
                    None if !package.is_empty() => package = "",
                    None => return false,
                }
            }
            if package.is_empty() && target.module.is_empty() {
                return false;
            }
            buf.push_str(package);
            if !target.module.is_empty() {
                if !package.is_empty() {
                    buf.push('.');
                }
                buf.push_str(target.module);
            }
        } else {
            buf.push_str(target.module);
        }
        if let Some(member) = target.member {
            buf.push('.');
            buf.push_str(member);
        }
        true
    }

    /// The qualified name of what a call invokes: a module-level function or
    /// class (`requests.get`, `sqlite3.connect`), or a method on a receiver of
    /// known type (`sqlite3.Connection.execute`).
    pub fn call_target(&self, scope: ScopeId, call: &ast::ExprCall, buf: &mut String) -> bool {
        self.qualified_name(scope, &call.func, buf) || self.typed_method_target(scope, call, buf)
    }

    /// A method on a receiver of known type: `sqlite3.Connection.execute`.
    pub fn typed_method_target(
        &self,
        scope: ScopeId,
        call: &ast::ExprCall,
        buf: &mut String,
    ) -> bool {
        let Expr::Attribute(attr) = &*call.func else {
            return false;
        };
        match self.type_of(scope, &attr.value, 0) {
            Some(ty) => {
                buf.clear();
                buf.push_str(ty);
                buf.push('.');
                buf.push_str(attr.attr.as_str());
                true
            }
            None => false,
        }
    }

    /// The type of an expression by local facts, or `None` when not known.
    pub fn type_of(&self, scope: ScopeId, expr: &Expr, depth: u8) -> Option<&'static str> {
        if depth > MAX_DEPTH {
            return None;
        }
        match expr {
            Expr::Call(call) => {
                let mut buf = String::new();
                if self.qualified_name(scope, &call.func, &mut buf) {
                    return self.library.returns_of_function(&buf);
                }
                let Expr::Attribute(attr) = &*call.func else {
                    return None;
                };
                let receiver = self.type_of(scope, &attr.value, depth + 1)?;
                self.library.returns_of_method(receiver, attr.attr.as_str())
            }
            Expr::Name(name) => {
                let binding = self.model.lookup(scope, name.id.as_str())?;
                self.type_of_binding(binding, depth)
            }
            Expr::Attribute(attr) => {
                if let Expr::Name(base) = &*attr.value
                    && let Some(class) = self.model.self_class(scope, base.id.as_str())
                {
                    let binding = self.model.scope(class).self_attrs.get(attr.attr.as_str())?;
                    return self.type_of_binding(binding, depth);
                }
                let receiver = self.type_of(scope, &attr.value, depth + 1)?;
                self.library.attribute_type(receiver, attr.attr.as_str())
            }
            Expr::Subscript(sub) => {
                let receiver = self.type_of(scope, &sub.value, depth + 1)?;
                self.library.item_type(receiver)
            }
            Expr::BinOp(bin) if bin.op == Operator::Div => {
                let left = self.type_of(scope, &bin.left, depth + 1)?;
                self.library.div_type(left)
            }
            _ => None,
        }
    }

    /// A name's type when every place that binds it gives the same known type.
    fn type_of_binding(&self, binding: &Binding<'_>, depth: u8) -> Option<&'static str> {
        let mut found: Option<&'static str> = None;
        for site in binding.typed_sites()? {
            let ty = match site {
                Site::Value(scope, value) | Site::Entered(scope, value) => {
                    self.type_of(scope, value, depth + 1)
                }
                Site::Annotation(scope, annotation) => self.annotation_type(scope, annotation, 0),
                Site::Opaque => None,
            }?;
            if found.is_some_and(|f| f != ty) {
                return None;
            }
            found = Some(ty);
        }
        found
    }

    /// `T`, `Optional[T]`, `T | None` where `T` resolves to a known type.
    fn annotation_type(
        &self,
        scope: ScopeId,
        annotation: &Expr,
        depth: u8,
    ) -> Option<&'static str> {
        if depth > MAX_DEPTH {
            return None;
        }
        let mut buf = String::new();
        match annotation {
            Expr::BinOp(bin) if bin.op == Operator::BitOr => match (&*bin.left, &*bin.right) {
                (t, Expr::NoneLiteral(_)) | (Expr::NoneLiteral(_), t) => {
                    self.annotation_type(scope, t, depth + 1)
                }
                _ => None,
            },
            Expr::Subscript(sub) => {
                if self.qualified_name(scope, &sub.value, &mut buf)
                    && (buf == "typing.Optional" || buf == "typing_extensions.Optional")
                {
                    self.annotation_type(scope, &sub.slice, depth + 1)
                } else {
                    None
                }
            }
            _ => {
                if self.qualified_name(scope, annotation, &mut buf) {
                    self.library.annotation_type(&buf)
                } else {
                    None
                }
            }
        }
    }

    /// Whether a receiver known by facts was switched to non-blocking mode
    /// (`sock.setblocking(False)`) anywhere in its scope.
    pub fn made_nonblocking(&self, scope: ScopeId, receiver: &Expr) -> bool {
        self.made_nonblocking_at(scope, receiver, 0)
    }

    /// Follows plain aliases (`sock = self.sock`, `t = s`) the way
    /// [`Self::type_of`] does, so the alias is non-blocking when the socket
    /// it names is.
    fn made_nonblocking_at(&self, scope: ScopeId, receiver: &Expr, depth: u8) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        let binding = match receiver {
            Expr::Name(name) => self.model.lookup(scope, name.id.as_str()),
            Expr::Attribute(attr) => match &*attr.value {
                Expr::Name(base) => self
                    .model
                    .self_class(scope, base.id.as_str())
                    .and_then(|class| self.model.scope(class).self_attrs.get(attr.attr.as_str())),
                _ => None,
            },
            _ => None,
        };
        let Some(binding) = binding else {
            return false;
        };
        if binding.made_nonblocking {
            return true;
        }
        // An alias (`sock = self.sock`) is non-blocking when what it names is.
        let Some(mut sites) = binding.typed_sites() else {
            return false;
        };
        match (sites.next(), sites.next()) {
            (Some(Site::Value(site_scope, value @ (Expr::Name(_) | Expr::Attribute(_)))), None) => {
                self.made_nonblocking_at(site_scope, value, depth + 1)
            }
            _ => false,
        }
    }
}
