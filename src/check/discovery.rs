//! Finding the files to check with the `ignore` crate (honours `.gitignore`,
//! skips hidden directories), minus the configured excludes. Paths the user
//! names explicitly are never excluded.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use rustc_hash::FxHashSet;

/// A file to check, and the dotted module name its package layout gives it.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    pub module_name: Option<String>,
    pub is_package: bool,
    /// The name the file has as part of a namespace package (directories
    /// without `__init__.py` up to a source root): `ns.pkg.mod` for
    /// `src/ns/pkg/mod.py`. `None` when it equals `module_name`.
    pub namespace_name: Option<String>,
}

/// Something that could not be walked (a directory without permission, a
/// symlink loop): reported, never fatal.
#[derive(Debug)]
pub struct WalkProblem {
    pub path: PathBuf,
    pub message: String,
}

#[derive(Clone)]
pub struct Excludes {
    /// Patterns without `/`: matched against each path component.
    names: GlobSet,
    /// Patterns with `/`: matched against the path relative to `root`.
    paths: GlobSet,
    root: PathBuf,
}

impl Excludes {
    pub fn new(patterns: &[String], root: &Path) -> Excludes {
        let mut names = GlobSetBuilder::new();
        let mut paths = GlobSetBuilder::new();
        for p in patterns {
            let trimmed = p.trim_end_matches('/');
            let Ok(glob) = Glob::new(trimmed.trim_start_matches("./")) else {
                continue;
            };
            if trimmed.contains('/') {
                paths.add(glob);
            } else {
                names.add(glob);
            }
        }
        Excludes {
            names: names.build().unwrap_or_else(|_| GlobSet::empty()),
            paths: paths.build().unwrap_or_else(|_| GlobSet::empty()),
            root: std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf()),
        }
    }

    fn is_excluded(&self, path: &Path) -> bool {
        if path.file_name().is_some_and(|n| self.names.is_match(n)) {
            return true;
        }
        if self.paths.is_empty() {
            return false;
        }
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let relative = absolute.strip_prefix(&self.root).unwrap_or(&absolute);
        self.paths.is_match(relative)
    }
}

fn is_python_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "py" || e == "ipynb")
}

/// Walks `root` (a file or a directory). Explicitly named files are taken
/// whatever their extension.
pub fn walk(
    root: &Path,
    excludes: &Excludes,
    files: &mut Vec<PathBuf>,
    problems: &mut Vec<WalkProblem>,
) {
    match std::fs::metadata(root) {
        Ok(meta) if meta.is_file() => {
            files.push(root.to_path_buf());
            return;
        }
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => {
            // A FIFO, socket or device named explicitly: reading it could block
            // forever or never end, so it is reported and not read.
            problems.push(WalkProblem {
                path: root.to_path_buf(),
                message: "not a regular file or directory (a FIFO, socket or device): not read"
                    .to_string(),
            });
            return;
        }
        Err(e) => {
            // A dangling symlink, a symlink loop, a path we may not stat.
            problems.push(WalkProblem {
                path: root.to_path_buf(),
                message: format!("cannot read this path: {e}"),
            });
            return;
        }
    }
    let mut builder = ignore::WalkBuilder::new(root);
    builder
        .standard_filters(true)
        .follow_links(false)
        .require_git(false);
    let root_owned = root.to_path_buf();
    // filter_entry needs an owned ('static) matcher.
    let local = excludes.clone();
    builder
        .filter_entry(move |entry| entry.path() == root_owned || !local.is_excluded(entry.path()));
    // Directories are read in parallel; the order is restored by sorting
    // later (`with_module_names`), so output stays deterministic.
    let found: std::sync::Mutex<(Vec<PathBuf>, Vec<WalkProblem>)> = Default::default();
    builder.build_parallel().run(|| {
        Box::new(|result| {
            match result {
                Ok(entry) => {
                    let is_file = entry.file_type().is_some_and(|t| t.is_file());
                    if is_file && is_python_file(entry.path()) {
                        let mut found = found.lock().unwrap_or_else(|e| e.into_inner());
                        found.0.push(entry.into_path());
                    }
                }
                Err(err) => {
                    let path = match &err {
                        ignore::Error::WithPath { path, .. } => path.clone(),
                        ignore::Error::WithDepth { err, .. } => match &**err {
                            ignore::Error::WithPath { path, .. } => path.clone(),
                            _ => root.to_path_buf(),
                        },
                        ignore::Error::Loop { child, .. } => child.clone(),
                        _ => root.to_path_buf(),
                    };
                    let mut found = found.lock().unwrap_or_else(|e| e.into_inner());
                    found.1.push(WalkProblem {
                        path,
                        message: format!("cannot walk this path: {}", clean_walk_error(&err)),
                    });
                }
            }
            ignore::WalkState::Continue
        })
    });
    let (mut walked, mut walk_problems) = found.into_inner().unwrap_or_else(|e| e.into_inner());
    walk_problems.sort_by(|a, b| a.path.cmp(&b.path));
    files.append(&mut walked);
    problems.append(&mut walk_problems);
}

fn clean_walk_error(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. } => clean_walk_error(err),
        ignore::Error::WithDepth { err, .. } => clean_walk_error(err),
        ignore::Error::Loop { ancestor, .. } => {
            format!("symbolic link loop back to {}", ancestor.display())
        }
        other => other.to_string(),
    }
}

/// Assigns module names from the package layout: directories holding an
/// `__init__.py` among the discovered files are packages.
pub fn with_module_names(mut paths: Vec<PathBuf>) -> Vec<SourceFile> {
    use rayon::prelude::*;
    paths.par_sort_unstable_by(|a, b| path_order(a, b));
    paths.dedup();
    let package_dirs: FxHashSet<&[u8]> = paths
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "__init__.py"))
        .filter_map(|p| p.parent())
        .map(|d| d.as_os_str().as_encoded_bytes())
        .collect();
    let names: Vec<(Option<String>, bool, Option<String>)> = paths
        .par_iter()
        .map_init(rustc_hash::FxHashMap::default, |roots, path| {
            let (name, is_package) = module_name(path, &package_dirs);
            let namespace = name
                .as_deref()
                .and_then(|n| namespace_name(path, n, is_package, roots))
                .filter(|ns| Some(ns) != name.as_ref());
            (name, is_package, namespace)
        })
        .collect();
    paths
        .into_iter()
        .zip(names)
        .map(
            |(path, (module_name, is_package, namespace_name))| SourceFile {
                path,
                module_name,
                is_package,
                namespace_name,
            },
        )
        .collect()
}

/// The order of [`Path`]'s `Ord` (component by component) for the paths the
/// walk produces, computed on the bytes: a separator sorts before any other
/// byte. Several times faster than comparing components.
fn path_order(a: &Path, b: &Path) -> std::cmp::Ordering {
    let key = |byte: &u8| {
        if *byte == std::path::MAIN_SEPARATOR as u8 {
            0
        } else {
            *byte
        }
    };
    let (a, b) = (
        a.as_os_str().as_encoded_bytes(),
        b.as_os_str().as_encoded_bytes(),
    );
    a.iter().map(key).cmp(b.iter().map(key))
}

/// How deep a namespace package may go above the last `__init__.py`.
const MAX_NAMESPACE_DEPTH: usize = 4;

/// Extends a module name through directories without `__init__.py`
/// (namespace packages, PEP 420) up to a source root: a directory named
/// `src` or `lib`, one holding `pyproject.toml`/`setup.py`/`setup.cfg`, or
/// the current directory. No root within a few levels: no namespace name.
fn namespace_name(
    path: &Path,
    module_name: &str,
    is_package: bool,
    roots: &mut rustc_hash::FxHashMap<PathBuf, bool>,
) -> Option<String> {
    // The directory the package-derived name starts in.
    let depth = module_name.split('.').count() - usize::from(!is_package);
    let mut dir = path.parent()?;
    for _ in 0..depth {
        dir = dir.parent()?;
    }
    let mut extra: Vec<&str> = Vec::new();
    for _ in 0..=MAX_NAMESPACE_DEPTH {
        let is_root = dir.as_os_str().is_empty()
            || *roots.entry(dir.to_path_buf()).or_insert_with(|| {
                dir.file_name().is_some_and(|n| n == "src" || n == "lib")
                    || ["pyproject.toml", "setup.py", "setup.cfg"]
                        .iter()
                        .any(|marker| dir.join(marker).is_file())
            });
        if is_root {
            if extra.is_empty() {
                return None;
            }
            extra.reverse();
            return Some(format!("{}.{module_name}", extra.join(".")));
        }
        let name = dir.file_name()?.to_str()?;
        if !is_identifier(name) {
            return None;
        }
        extra.push(name);
        dir = dir.parent()?;
    }
    None
}

fn module_name(path: &Path, package_dirs: &FxHashSet<&[u8]>) -> (Option<String>, bool) {
    let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
        return (None, false);
    };
    let is_package = stem == "__init__";
    let mut parts: Vec<&str> = Vec::new();
    if !is_package {
        parts.push(stem);
    }
    let mut dir = path.parent();
    while let Some(d) = dir {
        if !package_dirs.contains(d.as_os_str().as_encoded_bytes()) {
            break;
        }
        match d.file_name().and_then(|n| n.to_str()) {
            Some(name) => parts.push(name),
            None => break,
        }
        dir = d.parent();
    }
    if parts.is_empty() || parts.iter().any(|p| !is_identifier(p)) {
        return (None, is_package);
    }
    parts.reverse();
    (Some(parts.join(".")), is_package)
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_sort_as_their_components_do() {
        let mut paths: Vec<PathBuf> = [
            "a-b/c.py",
            "a/b.py",
            "a/b/c.py",
            "a.py",
            "a/__init__.py",
            "ab/x.py",
            "a/b-c.py",
            "/abs/z.py",
            "a/b_c/d.py",
            "A/b.py",
        ]
        .iter()
        .map(PathBuf::from)
        .collect();
        let mut by_components = paths.clone();
        by_components.sort();
        paths.sort_by(|a, b| path_order(a, b));
        assert_eq!(paths, by_components);
    }

    #[test]
    fn module_names_follow_packages() {
        let files = with_module_names(vec![
            PathBuf::from("src/app/__init__.py"),
            PathBuf::from("src/app/db/__init__.py"),
            PathBuf::from("src/app/db/pool.py"),
            PathBuf::from("scripts/run.py"),
        ]);
        let by_path = |p: &str| files.iter().find(|f| f.path == Path::new(p)).unwrap();
        assert_eq!(
            by_path("src/app/db/pool.py").module_name.as_deref(),
            Some("app.db.pool")
        );
        assert_eq!(
            by_path("src/app/db/__init__.py").module_name.as_deref(),
            Some("app.db")
        );
        assert!(by_path("src/app/db/__init__.py").is_package);
        assert_eq!(
            by_path("scripts/run.py").module_name.as_deref(),
            Some("run")
        );
        // `scripts` has no `__init__.py`: importable as a namespace package
        // from the current directory.
        assert_eq!(
            by_path("scripts/run.py").namespace_name.as_deref(),
            Some("scripts.run")
        );
        // `src` is a source root, not a package.
        assert_eq!(by_path("src/app/db/pool.py").namespace_name, None);
    }
}
