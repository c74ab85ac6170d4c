//! Finding the files to check with the `ignore` crate (honours `.gitignore`,
//! skips hidden directories), minus the configured excludes. Paths the user
//! names explicitly are never excluded.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use rustc_hash::{FxHashMap, FxHashSet};

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
/// `__init__.py` among the discovered files are packages. The names come
/// from each file's directory, so they are worked out once per directory.
pub fn with_module_names(mut paths: Vec<PathBuf>) -> Vec<SourceFile> {
    // Comparing precomputed keys with `memcmp` is several times faster than
    // comparing paths component by component, and gives the same order.
    paths.sort_by_cached_key(|p| order_key(p));
    paths.dedup_by(|a, b| a.as_os_str() == b.as_os_str());
    let package_dirs: FxHashSet<&[u8]> = paths
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "__init__.py"))
        .filter_map(|p| p.parent())
        .map(|d| d.as_os_str().as_encoded_bytes())
        .collect();
    // Keyed by bytes: hashing and comparing a `Path` goes component by component.
    let mut dirs: FxHashMap<&[u8], DirNames> = FxHashMap::default();
    let mut roots: FxHashMap<&[u8], bool> = FxHashMap::default();
    let names: Vec<(Option<String>, bool, Option<String>)> = paths
        .iter()
        .map(|path| {
            let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
                return (None, false, None);
            };
            let is_package = stem == "__init__";
            let Some(dir) = path.parent() else {
                let name = (!is_package && is_identifier(stem)).then(|| stem.to_string());
                return (name, is_package, None);
            };
            let names = dirs
                .entry(dir.as_os_str().as_encoded_bytes())
                .or_insert_with(|| DirNames::new(dir, &package_dirs, &mut roots));
            let name = match (&names.package, is_package) {
                (None, _) => None,
                (Some(package), true) => (!package.is_empty()).then(|| package.clone()),
                (Some(_), false) if !is_identifier(stem) => None,
                (Some(package), false) if package.is_empty() => Some(stem.to_string()),
                (Some(package), false) => Some(dotted(package, stem)),
            };
            let namespace = match (&name, &names.namespace) {
                (Some(name), Some(outer)) => Some(dotted(outer, name)),
                _ => None,
            };
            (name, is_package, namespace)
        })
        .collect();
    drop(dirs);
    drop(package_dirs);
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

/// `outer.inner`, without `format!`'s machinery (this runs once per file).
fn dotted(outer: &str, inner: &str) -> String {
    let mut name = String::with_capacity(outer.len() + 1 + inner.len());
    name.push_str(outer);
    name.push('.');
    name.push_str(inner);
    name
}

/// A path's bytes with the separator made the lowest byte, so that comparing
/// keys orders paths as [`Path`]'s `Ord` (component by component) does for
/// the paths the walk produces.
fn order_key(path: &Path) -> Vec<u8> {
    path.as_os_str()
        .as_encoded_bytes()
        .iter()
        .map(|&byte| {
            if byte == std::path::MAIN_SEPARATOR as u8 {
                0
            } else {
                byte
            }
        })
        .collect()
}

/// What a directory gives the names of the files in it.
struct DirNames {
    /// The dotted package the directory is (`app.db`), `""` when it is not a
    /// package, `None` when some package directory's name is not an
    /// identifier (its files cannot be imported by name).
    package: Option<String>,
    /// The namespace packages above the outermost package, up to a source
    /// root (`ns` for `src/ns/app/db`), when there are any.
    namespace: Option<String>,
}

impl DirNames {
    fn new<'p>(
        dir: &'p Path,
        package_dirs: &FxHashSet<&[u8]>,
        roots: &mut FxHashMap<&'p [u8], bool>,
    ) -> DirNames {
        let mut parts: Vec<&str> = Vec::new();
        let mut current = Some(dir);
        // The directory the package-derived name starts in; `None` when a
        // package directory's name is not text.
        let mut start = None;
        while let Some(d) = current {
            if !package_dirs.contains(d.as_os_str().as_encoded_bytes()) {
                start = Some(d);
                break;
            }
            match d.file_name().and_then(|n| n.to_str()) {
                Some(name) => parts.push(name),
                None => break,
            }
            current = d.parent();
        }
        if parts.iter().any(|p| !is_identifier(p)) {
            return DirNames {
                package: None,
                namespace: None,
            };
        }
        parts.reverse();
        DirNames {
            package: Some(parts.join(".")),
            namespace: start.and_then(|start| namespace_above(start, roots)),
        }
    }
}

/// How deep a namespace package may go above the last `__init__.py`.
const MAX_NAMESPACE_DEPTH: usize = 4;

/// The dotted namespace packages (PEP 420: directories without
/// `__init__.py`) from a source root down to `dir`: a directory named `src`
/// or `lib`, one holding `pyproject.toml`/`setup.py`/`setup.cfg`, or the
/// current directory. No root within a few levels, or `dir` is the root: none.
fn namespace_above<'p>(dir: &'p Path, roots: &mut FxHashMap<&'p [u8], bool>) -> Option<String> {
    let mut dir = dir;
    let mut extra: Vec<&str> = Vec::new();
    for _ in 0..=MAX_NAMESPACE_DEPTH {
        let is_root = dir.as_os_str().is_empty()
            || *roots
                .entry(dir.as_os_str().as_encoded_bytes())
                .or_insert_with(|| {
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
            return Some(extra.join("."));
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
        paths.sort_by_cached_key(|p| order_key(p));
        assert_eq!(paths, by_components);
    }

    #[test]
    fn module_names_follow_packages() {
        let files = with_module_names(vec![
            PathBuf::from("src/app/__init__.py"),
            PathBuf::from("src/app/db/__init__.py"),
            PathBuf::from("src/app/db/pool.py"),
            PathBuf::from("scripts/run.py"),
            PathBuf::from("scripts/bad-name.py"),
            PathBuf::from("src/ns/inner/__init__.py"),
            PathBuf::from("src/ns/inner/mod.py"),
            PathBuf::from("my-pkg/__init__.py"),
            PathBuf::from("my-pkg/x.py"),
            PathBuf::from("top.py"),
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
        // A namespace package between the source root and the package.
        let inner = by_path("src/ns/inner/mod.py");
        assert_eq!(inner.module_name.as_deref(), Some("inner.mod"));
        assert_eq!(inner.namespace_name.as_deref(), Some("ns.inner.mod"));
        assert_eq!(
            by_path("src/ns/inner/__init__.py")
                .namespace_name
                .as_deref(),
            Some("ns.inner")
        );
        // Names that are not identifiers cannot be imported.
        assert_eq!(by_path("scripts/bad-name.py").module_name, None);
        assert_eq!(by_path("my-pkg/x.py").module_name, None);
        assert_eq!(by_path("my-pkg/__init__.py").module_name, None);
        assert!(by_path("my-pkg/__init__.py").is_package);
        // In the current directory: the current directory is a root.
        let top = by_path("top.py");
        assert_eq!(top.module_name.as_deref(), Some("top"));
        assert_eq!(top.namespace_name, None);
    }
}
