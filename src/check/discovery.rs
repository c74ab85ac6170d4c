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
    if root.is_file() {
        files.push(root.to_path_buf());
        return;
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
    for result in builder.build() {
        match result {
            Ok(entry) => {
                let is_file = entry.file_type().is_some_and(|t| t.is_file());
                if is_file && is_python_file(entry.path()) {
                    files.push(entry.into_path());
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
                problems.push(WalkProblem {
                    path,
                    message: format!("cannot walk this path: {}", clean_walk_error(&err)),
                });
            }
        }
    }
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
    paths.sort();
    paths.dedup();
    let package_dirs: FxHashSet<&Path> = paths
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "__init__.py"))
        .filter_map(|p| p.parent())
        .collect();
    let names: Vec<(Option<String>, bool)> = paths
        .iter()
        .map(|path| module_name(path, &package_dirs))
        .collect();
    paths
        .into_iter()
        .zip(names)
        .map(|(path, (module_name, is_package))| SourceFile {
            path,
            module_name,
            is_package,
        })
        .collect()
}

fn module_name(path: &Path, package_dirs: &FxHashSet<&Path>) -> (Option<String>, bool) {
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
        if !package_dirs.contains(d) {
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
    }
}
