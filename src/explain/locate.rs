//! Pointing at the code: frames and task reprs that name files of the
//! project under `--root` are resolved (also by suffix, so a container's
//! `/app/src/svc/db.py` finds `src/svc/db.py`), the static checker runs on
//! those files, and its findings are ranked by closeness to the frame: same
//! line, then same function, then same file; within a rank, findings whose
//! rule belongs to the recognised problem (`rule.knowledge == id`) first.
//! For `coroutine-never-awaited` the project is searched for calls of the
//! named coroutine function that are bare expression statements (the call
//! whose coroutine is dropped). Files of the interpreter and of installed
//! packages are never "the project".

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, Stmt};
use ruff_text_size::Ranged;

use crate::check::checker::RunContext;
use crate::config::{DEFAULT_EXCLUDES, Overrides, Settings};
use crate::diagnostics::LineIndex;

use super::analyze::Finding;

/// Project locations shown per finding.
const MAX_LOCATIONS: usize = 5;
/// Checker findings shown per location.
const MAX_NEAR: usize = 5;
/// Files searched for un-awaited calls.
const MAX_SEARCH_FILES: usize = 5000;
/// Directory depth searched for them.
const MAX_SEARCH_DEPTH: usize = 16;

#[derive(Debug, Clone, serde::Serialize)]
pub struct Near {
    pub code: &'static str,
    pub name: &'static str,
    pub message: String,
    pub line: usize,
    pub column: usize,
    /// `same line`, `same function` or `same file`.
    pub proximity: &'static str,
    /// The rule's knowledge entry is the recognised problem.
    pub same_problem: bool,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Location {
    pub path: String,
    pub line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    /// What named it: `traceback frame`, `task`, `warning`, `slow step`,
    /// `unawaited call`.
    pub source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub checker_findings: Vec<Near>,
}

#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Located {
    pub locations: Vec<Location>,
    /// Files the input names that are not part of the project under root.
    pub not_found: Vec<String>,
}

struct FileInfo {
    display: String,
    source: String,
    /// (name, first row, last row), 1-based.
    functions: Vec<(String, usize, usize)>,
    /// (code, name, knowledge, message, row, column)
    diagnostics: Vec<(
        &'static str,
        &'static str,
        &'static str,
        String,
        usize,
        usize,
    )>,
}

pub struct Locator {
    root: PathBuf,
    settings: Option<Settings>,
    run: Option<RunContext>,
    files: HashMap<PathBuf, Option<FileInfo>>,
    project: Option<Vec<PathBuf>>,
    /// `check` over the whole project under the root (per-file and
    /// project-wide rules), by canonical path; computed on first use.
    checked: Option<HashMap<PathBuf, Vec<crate::diagnostics::Diagnostic>>>,
}

/// Projects larger than this are checked file by file (per-file rules only):
/// `explain` must stay quick when pointed at a huge tree.
const MAX_PROJECT_FILES: usize = 20_000;

impl Locator {
    pub fn new(root: &Path) -> Locator {
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let config = crate::config::discover(&root).ok().flatten();
        let settings = Settings::resolve(config.as_ref(), &Overrides::default(), &root)
            .or_else(|_| Settings::resolve(None, &Overrides::default(), &root))
            .ok();
        let run = settings.as_ref().map(RunContext::new);
        Locator {
            root,
            settings,
            run,
            files: HashMap::new(),
            project: None,
            checked: None,
        }
    }

    /// Runs `check` once over the project so findings that need the whole
    /// project (AD101, AD201, AD508, ...) can be shown too.
    fn checked_project(&mut self) -> &HashMap<PathBuf, Vec<crate::diagnostics::Diagnostic>> {
        if self.checked.is_none() {
            let mut map = HashMap::new();
            if let Some(settings) = &self.settings {
                let excludes =
                    crate::check::discovery::Excludes::new(&settings.exclude, &settings.root);
                let mut files = Vec::new();
                let mut problems = Vec::new();
                crate::check::discovery::walk(&self.root, &excludes, &mut files, &mut problems);
                if files.len() <= MAX_PROJECT_FILES {
                    let sources = crate::check::discovery::with_module_names(files);
                    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        crate::check::check_files(&sources, settings, &self.root, &|| {}, true)
                    }));
                    if let Ok(run) = run {
                        for f in run.files {
                            let key = f.path.canonicalize().unwrap_or(f.path);
                            map.insert(key, f.diagnostics);
                        }
                    }
                }
            }
            self.checked = Some(map);
        }
        self.checked.as_ref().expect("computed above")
    }

    /// The project file a path printed in the input refers to.
    pub fn resolve(&self, printed: &str) -> Option<PathBuf> {
        if printed.starts_with('<') || printed.is_empty() {
            return None;
        }
        let parts: Vec<&str> = printed
            .split(['/', '\\'])
            .filter(|c| !c.is_empty() && *c != "." && !c.ends_with(':'))
            .collect();
        if is_library_path(printed) {
            return None;
        }
        let as_path = Path::new(printed);
        if as_path.is_absolute() && as_path.is_file() {
            let canon = as_path.canonicalize().ok()?;
            return canon.starts_with(&self.root).then_some(canon);
        }
        for k in 0..parts.len() {
            let candidate = self.root.join(parts[k..].join("/"));
            if candidate.is_file() {
                return candidate.canonicalize().ok();
            }
        }
        None
    }

    fn info(&mut self, path: &Path) -> Option<&FileInfo> {
        if !self.files.contains_key(path) {
            let project = self.checked_project().get(path).cloned();
            let info = self.load(path, project);
            self.files.insert(path.to_path_buf(), info);
        }
        self.files.get(path).and_then(|i| i.as_ref())
    }

    fn load(
        &self,
        path: &Path,
        project: Option<Vec<crate::diagnostics::Diagnostic>>,
    ) -> Option<FileInfo> {
        let source = crate::check::source::read_source(path).ok()?;
        let index = LineIndex::new(&source);
        let parsed = crate::check::parse::parse_python(&source);
        let mut fns = Functions {
            index: &index,
            out: Vec::new(),
        };
        fns.visit_body(parsed.body());
        let functions = fns.out;
        let mut diagnostics = Vec::new();
        if let (Some(settings), Some(run)) = (&self.settings, &self.run) {
            let rules = settings.rules_for(path);
            let checked_whole_project = self.checked.as_ref().is_some_and(|m| !m.is_empty());
            let found = match project {
                Some(found) => found,
                // Checked with the project and nothing found: nothing to show.
                None if checked_whole_project => Vec::new(),
                None => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    crate::check::check_source(&source, None, false, rules, run)
                }))
                .unwrap_or_default(),
            };
            for d in found {
                let loc = index.location(&source, d.range.start());
                diagnostics.push((
                    d.rule.code,
                    d.rule.name,
                    d.rule.knowledge,
                    d.message,
                    loc.row,
                    loc.column,
                ));
            }
        }
        Some(FileInfo {
            display: crate::check::display_path(path, &self.root),
            source,
            functions,
            diagnostics,
        })
    }

    /// Where in the project a finding's frames and references point, with
    /// the checker's nearest findings.
    pub fn locate(&mut self, finding: &Finding) -> Located {
        let mut out = Located::default();
        // Innermost first: the frame that raised is the best guess.
        // (file, line, function, what named it, input line)
        type Place<'f> = (&'f str, u32, Option<&'f String>, &'static str, u64);
        let places: Vec<Place> = finding
            .refs
            .iter()
            .map(|r| {
                (
                    r.file.as_str(),
                    r.line,
                    r.function.as_ref(),
                    r.what,
                    r.input_line,
                )
            })
            .chain(finding.frames.iter().rev().map(|f| {
                (
                    f.file.as_str(),
                    f.line,
                    f.function.as_ref(),
                    "traceback frame",
                    f.input_line,
                )
            }))
            .collect();
        let mut seen: Vec<(PathBuf, u32)> = Vec::new();
        for (file, line, function, source, input_line) in places {
            let function = function.cloned();
            let input_line = Some(input_line);
            if out.locations.len() >= MAX_LOCATIONS {
                break;
            }
            let Some(path) = self.resolve(file) else {
                if !is_library_path(file)
                    && !file.starts_with('<')
                    && !out.not_found.iter().any(|f| f == file)
                    && out.not_found.len() < 10
                {
                    out.not_found.push(file.to_string());
                }
                continue;
            };
            if seen.contains(&(path.clone(), line)) {
                continue;
            }
            seen.push((path.clone(), line));
            let id = finding.id;
            let Some(info) = self.info(&path) else {
                continue;
            };
            out.locations
                .push(location_in(info, line, function, source, input_line, id));
        }
        if finding.id == "coroutine-never-awaited"
            && let Some(name) = finding.subject.as_deref()
        {
            for loc in self.unawaited_calls(name) {
                if out.locations.len() >= MAX_LOCATIONS * 2 {
                    break;
                }
                if !out
                    .locations
                    .iter()
                    .any(|l| l.path == loc.path && l.line == loc.line)
                {
                    out.locations.push(loc);
                }
            }
        }
        out
    }

    /// Bare calls (`fetch(x)` as a statement) of the coroutine function
    /// `qualname` in the project's .py files.
    pub fn unawaited_calls(&mut self, qualname: &str) -> Vec<Location> {
        let name = qualname
            .rsplit('.')
            .find(|p| !p.starts_with('<'))
            .unwrap_or(qualname)
            .to_string();
        if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            return Vec::new();
        }
        let files = self.project_files();
        let mut out = Vec::new();
        for path in files {
            let Ok(source) = crate::check::source::read_source(&path) else {
                continue;
            };
            if !source.contains(&name) {
                continue;
            }
            let index = LineIndex::new(&source);
            let parsed = crate::check::parse::parse_python(&source);
            let mut finder = CallFinder {
                name: &name,
                index: &index,
                source: &source,
                stack: Vec::new(),
                out: Vec::new(),
            };
            finder.visit_body(parsed.body());
            for (row, function, code) in finder.out {
                out.push(Location {
                    path: crate::check::display_path(&path, &self.root),
                    line: row as u32,
                    function,
                    source: "unawaited call",
                    input_line: None,
                    code: Some(code),
                    checker_findings: Vec::new(),
                });
            }
        }
        out
    }

    /// The project's .py files, walked lazily and at most
    /// [`MAX_SEARCH_FILES`] of them (run in a home directory, `explain` must
    /// not walk the whole disk): .gitignore and the default excludes apply.
    fn project_files(&mut self) -> Vec<PathBuf> {
        if self.project.is_none() {
            let mut builder = ignore::WalkBuilder::new(&self.root);
            builder
                .standard_filters(true)
                .follow_links(false)
                .require_git(false)
                .max_depth(Some(MAX_SEARCH_DEPTH))
                .filter_entry(|e| {
                    e.file_name()
                        .to_str()
                        .is_none_or(|n| !DEFAULT_EXCLUDES.contains(&n))
                });
            let mut files: Vec<PathBuf> = builder
                .build()
                .filter_map(Result::ok)
                .filter(|e| {
                    e.file_type().is_some_and(|t| t.is_file())
                        && e.path().extension().is_some_and(|x| x == "py")
                })
                .take(MAX_SEARCH_FILES)
                .map(ignore::DirEntry::into_path)
                .collect();
            files.sort();
            self.project = Some(files);
        }
        self.project.clone().unwrap_or_default()
    }
}

fn location_in(
    info: &FileInfo,
    line: u32,
    function: Option<String>,
    source: &'static str,
    input_line: Option<u64>,
    id: &str,
) -> Location {
    let row = line as usize;
    let enclosing = info
        .functions
        .iter()
        .filter(|(_, s, e)| *s <= row && row <= *e)
        .min_by_key(|(_, s, e)| e - s);
    let mut near: Vec<(u8, bool, usize, Near)> = info
        .diagnostics
        .iter()
        .map(|(code, name, knowledge, message, r, c)| {
            let (rank, proximity) = if *r == row {
                (0, "same line")
            } else if enclosing.is_some_and(|(_, s, e)| s <= r && r <= e) {
                (1, "same function")
            } else {
                (2, "same file")
            };
            let same_problem = *knowledge == id;
            (
                rank,
                !same_problem,
                r.abs_diff(row),
                Near {
                    code,
                    name,
                    message: message.clone(),
                    line: *r,
                    column: *c,
                    proximity,
                    same_problem,
                },
            )
        })
        .collect();
    near.sort_by_key(|(rank, other, dist, n)| (*rank, *other, *dist, n.line));
    let code = info
        .source
        .lines()
        .nth(row.saturating_sub(1))
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty() && row > 0);
    Location {
        path: info.display.clone(),
        line,
        function: function.or_else(|| enclosing.map(|(n, _, _)| n.clone())),
        source,
        input_line,
        code,
        checker_findings: near
            .into_iter()
            .take(MAX_NEAR)
            .map(|(_, _, _, n)| n)
            .collect(),
    }
}

fn is_library_dir(component: &str) -> bool {
    let c = component.to_ascii_lowercase();
    c.starts_with("python3")
        || c.starts_with("python.3")
        || c.starts_with("python2")
        || matches!(
            c.as_str(),
            "site-packages"
                | "dist-packages"
                | ".venv"
                | "venv"
                | ".tox"
                | "__pypackages__"
                | "lib-dynload"
        )
}

/// Files that are never the project's: the interpreter's and installed
/// packages', and notebook cells (`Cell In[3]`, ipykernel's temp files).
fn is_library_path(file: &str) -> bool {
    file.starts_with("In[")
        || file.starts_with("In [")
        || file.contains("ipykernel_")
        || file.split(['/', '\\']).any(is_library_dir)
}

struct Functions<'a> {
    index: &'a LineIndex,
    out: Vec<(String, usize, usize)>,
}

impl<'b> Visitor<'b> for Functions<'_> {
    fn visit_stmt(&mut self, stmt: &'b Stmt) {
        if let Stmt::FunctionDef(f) = stmt {
            let start = self.index.line_of(f.range.start()) + 1;
            let end = self.index.line_of(f.range.end()) + 1;
            self.out.push((f.name.id.as_str().to_string(), start, end));
        }
        visitor::walk_stmt(self, stmt);
    }
}

struct CallFinder<'a> {
    name: &'a str,
    index: &'a LineIndex,
    source: &'a str,
    stack: Vec<String>,
    out: Vec<(usize, Option<String>, String)>,
}

impl<'b> Visitor<'b> for CallFinder<'_> {
    fn visit_stmt(&mut self, stmt: &'b Stmt) {
        match stmt {
            Stmt::FunctionDef(f) => {
                self.stack.push(f.name.id.as_str().to_string());
                visitor::walk_stmt(self, stmt);
                self.stack.pop();
                return;
            }
            Stmt::Expr(e) => {
                if let Expr::Call(call) = &*e.value {
                    let callee = match &*call.func {
                        Expr::Name(n) => Some(n.id.as_str()),
                        Expr::Attribute(a) => Some(a.attr.id.as_str()),
                        _ => None,
                    };
                    if callee == Some(self.name) {
                        let line = self.index.line_of(stmt.range().start());
                        let text = self.index.line_text(self.source, line).trim().to_string();
                        self.out.push((line + 1, self.stack.last().cloned(), text));
                    }
                }
            }
            _ => {}
        }
        visitor::walk_stmt(self, stmt);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_container_paths_by_suffix_and_never_library_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("src/svc")).unwrap();
        std::fs::write(root.join("src/svc/db.py"), "async def f():\n    pass\n").unwrap();
        std::fs::create_dir_all(root.join(".venv/lib/python3.11/site-packages/aiohttp")).unwrap();
        std::fs::write(
            root.join(".venv/lib/python3.11/site-packages/aiohttp/client.py"),
            "x = 1\n",
        )
        .unwrap();
        let l = Locator::new(root);
        let want = root.join("src/svc/db.py").canonicalize().unwrap();
        assert_eq!(l.resolve("/app/src/svc/db.py"), Some(want.clone()));
        assert_eq!(l.resolve("src/svc/db.py"), Some(want.clone()));
        assert_eq!(l.resolve(r"C:\build\src\svc\db.py"), Some(want));
        assert_eq!(l.resolve("/app/src/svc/other.py"), None);
        assert_eq!(
            l.resolve("/usr/local/lib/python3.11/site-packages/aiohttp/client.py"),
            None
        );
        assert_eq!(l.resolve("<stdin>"), None);
        assert!(is_library_path("/usr/lib/python3.12/asyncio/tasks.py"));
        assert!(is_library_path(r"C:\Python311\Lib\asyncio\base_events.py"));
        assert!(!is_library_path("/app/src/svc/db.py"));
        assert!(is_library_path("In[3]"));
        assert!(is_library_path("/tmp/ipykernel_4121/3190128462.py"));
    }

    #[test]
    fn unawaited_calls_are_bare_call_statements_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("m.py"),
            "async def ping():\n    pass\n\ndef a():\n    ping()\n\nasync def b():\n    await ping()\n    t = asyncio.create_task(ping())\n    x = ping()\n",
        )
        .unwrap();
        let mut l = Locator::new(dir.path());
        let found: Vec<(String, u32, Option<String>)> = l
            .unawaited_calls("ping")
            .into_iter()
            .map(|c| (c.path, c.line, c.function))
            .collect();
        assert_eq!(found, [("m.py".to_string(), 5, Some("a".to_string()))]);
    }
}
