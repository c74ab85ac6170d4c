//! Configuration: `[tool.asyncdoctor]` in `pyproject.toml`, or a top-level
//! table in `asyncdoctor.toml`, found from the checked path upwards (the
//! closest file wins). CLI flags override it. Unknown keys and bad values are
//! errors that name the file, the key and what is allowed.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::registry::{self, RuleMeta, RuleSet};

/// A Python version `major.minor` (asyncdoctor knows 3.8 and later).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PythonVersion {
    pub major: u8,
    pub minor: u8,
}

impl PythonVersion {
    pub const DEFAULT: PythonVersion = PythonVersion { major: 3, minor: 9 };
    pub const OLDEST: PythonVersion = PythonVersion { major: 3, minor: 8 };
    pub const NEWEST: PythonVersion = PythonVersion {
        major: 3,
        minor: 14,
    };

    /// `py311`, `3.11`, `3.11.4` → 3.11.
    pub fn parse(text: &str) -> Option<PythonVersion> {
        let t = text.trim();
        let (major, minor) = if let Some(rest) = t.strip_prefix("py") {
            if rest.len() < 2 || !rest.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            (rest[..1].parse().ok()?, rest[1..].parse().ok()?)
        } else {
            let mut parts = t.split('.');
            (parts.next()?.parse().ok()?, parts.next()?.parse().ok()?)
        };
        let v = PythonVersion { major, minor };
        (v >= Self::OLDEST && v <= Self::NEWEST).then_some(v)
    }

    /// The lowest version a `requires-python` specifier allows
    /// (`>=3.10`, `~=3.11`, `>=3.9,<4`, `==3.12.*`); `None` if it names none.
    pub fn from_requires_python(spec: &str) -> Option<PythonVersion> {
        spec.split(',')
            .filter_map(|clause| {
                let c = clause.trim();
                let version = c
                    .strip_prefix(">=")
                    .or_else(|| c.strip_prefix("~="))
                    .or_else(|| c.strip_prefix("=="))
                    .or_else(|| c.strip_prefix('>'))?;
                let version = version.trim().trim_end_matches(".*");
                let mut parts = version.split('.');
                let major: u8 = parts.next()?.trim().parse().ok()?;
                let minor: u8 = parts
                    .next()
                    .and_then(|m| m.trim().parse().ok())
                    .unwrap_or(0);
                let mut v = PythonVersion { major, minor };
                if c.starts_with('>') && !c.starts_with(">=") {
                    v.minor += 1;
                }
                Some(v)
            })
            .max()
            .map(|v| v.clamp(Self::OLDEST, Self::NEWEST))
    }
}

impl fmt::Display for PythonVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// The options as written in a config file (kebab-case keys).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Options {
    pub select: Option<Vec<String>>,
    pub ignore: Option<Vec<String>>,
    pub extend_select: Option<Vec<String>>,
    pub exclude: Option<Vec<String>>,
    pub extend_exclude: Option<Vec<String>>,
    pub per_file_ignores: Option<BTreeMap<String, Vec<String>>>,
    pub target_version: Option<String>,
    pub blocking_calls: Option<Vec<String>>,
}

/// A config file found on disk.
#[derive(Debug, Clone)]
pub struct ConfigFile {
    pub path: PathBuf,
    pub options: Options,
    /// `[project] requires-python` of the same `pyproject.toml`, if any.
    pub requires_python: Option<String>,
}

#[derive(Debug)]
pub struct ConfigError {
    pub path: PathBuf,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

#[derive(Deserialize)]
struct Pyproject {
    tool: Option<Tools>,
    project: Option<Project>,
}

#[derive(Deserialize)]
struct Tools {
    asyncdoctor: Option<toml::Value>,
}

#[derive(Deserialize)]
struct Project {
    #[serde(rename = "requires-python")]
    requires_python: Option<String>,
}

fn toml_error(path: &Path, e: toml::de::Error, table: &str) -> ConfigError {
    let msg = e.message().to_string();
    ConfigError {
        path: path.to_path_buf(),
        message: format!("invalid {table}: {msg}"),
    }
}

/// Reads one config file. `Ok(None)`: a `pyproject.toml` without our table.
pub fn load_file(path: &Path) -> Result<Option<ConfigFile>, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        message: format!("cannot read: {e}"),
    })?;
    let is_pyproject = path.file_name().is_some_and(|n| n == "pyproject.toml");
    if is_pyproject {
        let doc: Pyproject = toml::from_str(&text).map_err(|e| toml_error(path, e, "TOML"))?;
        let requires_python = doc.project.and_then(|p| p.requires_python);
        let Some(table) = doc.tool.and_then(|t| t.asyncdoctor) else {
            return Ok(None);
        };
        let options =
            Options::deserialize(table).map_err(|e| toml_error(path, e, "[tool.asyncdoctor]"))?;
        Ok(Some(ConfigFile {
            path: path.to_path_buf(),
            options,
            requires_python,
        }))
    } else {
        let options: Options =
            toml::from_str(&text).map_err(|e| toml_error(path, e, "asyncdoctor.toml"))?;
        // An asyncdoctor.toml beside a pyproject.toml still takes its requires-python.
        let requires_python = path
            .parent()
            .map(|d| d.join("pyproject.toml"))
            .and_then(|p| std::fs::read_to_string(p).ok())
            .and_then(|t| toml::from_str::<Pyproject>(&t).ok())
            .and_then(|p| p.project)
            .and_then(|p| p.requires_python);
        Ok(Some(ConfigFile {
            path: path.to_path_buf(),
            options,
            requires_python,
        }))
    }
}

/// The closest config from `start` (a file or directory) upwards:
/// `asyncdoctor.toml` beats `pyproject.toml` in the same directory.
/// Also returns the closest `requires-python` when no config sets a version.
pub fn discover(start: &Path) -> Result<Option<ConfigFile>, ConfigError> {
    let absolute = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
    let mut dir = if absolute.is_dir() {
        Some(absolute.as_path())
    } else {
        absolute.parent()
    };
    let mut requires_python: Option<String> = None;
    while let Some(d) = dir {
        let own = d.join("asyncdoctor.toml");
        if own.is_file() {
            let mut cfg = load_file(&own)?.expect("asyncdoctor.toml always yields a config");
            cfg.requires_python = cfg.requires_python.or(requires_python);
            return Ok(Some(cfg));
        }
        let pyproject = d.join("pyproject.toml");
        if pyproject.is_file() {
            if let Some(mut cfg) = load_file(&pyproject)? {
                cfg.requires_python = cfg.requires_python.or(requires_python);
                return Ok(Some(cfg));
            }
            if requires_python.is_none() {
                requires_python = read_requires_python(&pyproject);
            }
        }
        dir = d.parent();
    }
    Ok(requires_python.map(|r| ConfigFile {
        path: PathBuf::new(),
        options: Options::default(),
        requires_python: Some(r),
    }))
}

fn read_requires_python(pyproject: &Path) -> Option<String> {
    let text = std::fs::read_to_string(pyproject).ok()?;
    toml::from_str::<Pyproject>(&text)
        .ok()?
        .project?
        .requires_python
}

/// Command-line overrides (each `None`/empty when not given).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub extend_select: Vec<String>,
    pub exclude: Option<Vec<String>>,
    pub extend_exclude: Vec<String>,
    pub target_version: Option<String>,
}

/// Resolved settings for a run.
#[derive(Debug, Clone)]
pub struct Settings {
    pub rules: RuleSet,
    pub target_version: PythonVersion,
    /// Where the target version came from, for messages.
    pub target_version_source: String,
    pub exclude: Vec<String>,
    pub per_file_ignores: Vec<(globset::GlobMatcher, bool, RuleSet)>,
    pub blocking_calls: Vec<&'static str>,
    /// The directory patterns are relative to (the config's, or the cwd).
    pub root: PathBuf,
    pub config_path: Option<PathBuf>,
}

pub const DEFAULT_EXCLUDES: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "__pycache__",
    "build",
    "dist",
    "node_modules",
    ".tox",
    ".nox",
    "site-packages",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".eggs",
];

fn rules_from(
    selectors: &[String],
    path: &Path,
    key: &str,
) -> Result<Vec<&'static RuleMeta>, ConfigError> {
    let mut out = Vec::new();
    for s in selectors {
        match registry::select(s) {
            Some(rules) => out.extend(rules),
            None => {
                return Err(ConfigError {
                    path: path.to_path_buf(),
                    message: format!(
                        "`{key}` has an unknown rule selector `{s}`: use a code such as `AD501`, a prefix such as `AD5`, a rule name, or `ALL` (see `asyncdoctor rules`)"
                    ),
                });
            }
        }
    }
    Ok(out)
}

impl Settings {
    /// Combines a config file (if any) with CLI overrides.
    pub fn resolve(
        config: Option<&ConfigFile>,
        overrides: &Overrides,
        cwd: &Path,
    ) -> Result<Settings, ConfigError> {
        let empty = Options::default();
        let options = config.map(|c| &c.options).unwrap_or(&empty);
        let config_path = config
            .map(|c| c.path.clone())
            .filter(|p| !p.as_os_str().is_empty());
        let cfg_label = config_path
            .clone()
            .unwrap_or_else(|| PathBuf::from("<command line>"));
        let cli = PathBuf::from("<command line>");

        // select: CLI replaces config; else config; else defaults.
        let mut rules = match (&overrides.select, &options.select) {
            (Some(sel), _) => set_of(rules_from(sel, &cli, "--select")?),
            (None, Some(sel)) => set_of(rules_from(sel, &cfg_label, "select")?),
            (None, None) => RuleSet::defaults(),
        };
        for r in rules_from(
            options.extend_select.as_deref().unwrap_or(&[]),
            &cfg_label,
            "extend-select",
        )? {
            rules.insert(r);
        }
        for r in rules_from(&overrides.extend_select, &cli, "--extend-select")? {
            rules.insert(r);
        }
        if overrides.select.is_none() {
            for r in rules_from(
                options.ignore.as_deref().unwrap_or(&[]),
                &cfg_label,
                "ignore",
            )? {
                rules.remove(r);
            }
        }
        for r in rules_from(&overrides.ignore, &cli, "--ignore")? {
            rules.remove(r);
        }

        let (target_version, target_version_source) = if let Some(v) = &overrides.target_version {
            (
                parse_version(v, &cli, "--target-version")?,
                "--target-version".to_string(),
            )
        } else if let Some(v) = &options.target_version {
            (
                parse_version(v, &cfg_label, "target-version")?,
                format!("target-version in {}", cfg_label.display()),
            )
        } else if let Some(v) = config
            .and_then(|c| c.requires_python.as_deref())
            .and_then(PythonVersion::from_requires_python)
        {
            (v, "requires-python".to_string())
        } else {
            (PythonVersion::DEFAULT, "the default".to_string())
        };

        let mut exclude: Vec<String> = match (&overrides.exclude, &options.exclude) {
            (Some(e), _) => e.clone(),
            (None, Some(e)) => e.clone(),
            (None, None) => DEFAULT_EXCLUDES.iter().map(|s| s.to_string()).collect(),
        };
        exclude.extend(options.extend_exclude.iter().flatten().cloned());
        exclude.extend(overrides.extend_exclude.iter().cloned());
        for pattern in &exclude {
            globset::Glob::new(pattern).map_err(|e| ConfigError {
                path: cfg_label.clone(),
                message: format!("`exclude` pattern `{pattern}` is not a valid glob: {e}"),
            })?;
        }

        let mut per_file_ignores = Vec::new();
        for (pattern, codes) in options.per_file_ignores.iter().flatten() {
            let glob = globset::Glob::new(pattern).map_err(|e| ConfigError {
                path: cfg_label.clone(),
                message: format!("`per-file-ignores` pattern `{pattern}` is not a valid glob: {e}"),
            })?;
            let set = set_of(rules_from(codes, &cfg_label, "per-file-ignores")?);
            per_file_ignores.push((glob.compile_matcher(), pattern.contains('/'), set));
        }

        let mut blocking_calls = Vec::new();
        for call in options.blocking_calls.iter().flatten() {
            let valid = !call.is_empty()
                && call.split('.').count() >= 2
                && call
                    .split('.')
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || c == '_'));
            if !valid {
                return Err(ConfigError {
                    path: cfg_label.clone(),
                    message: format!(
                        "`blocking-calls` entry `{call}` is not a dotted name: write `module.function` or `module.Class.method`"
                    ),
                });
            }
            blocking_calls.push(&*Box::leak(call.clone().into_boxed_str()));
        }

        let root = config_path
            .as_ref()
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .unwrap_or_else(|| cwd.to_path_buf());
        let root = std::path::absolute(&root).unwrap_or(root);
        Ok(Settings {
            rules,
            target_version,
            target_version_source,
            exclude,
            per_file_ignores,
            blocking_calls,
            root,
            config_path,
        })
    }

    /// The rules that apply to one file after `per-file-ignores`.
    pub fn rules_for(&self, path: &Path) -> RuleSet {
        if self.per_file_ignores.is_empty() {
            return self.rules;
        }
        // Files arrive as the user named them (`proj/app/x.py` from elsewhere,
        // `./x.py`): patterns are relative to the config's directory.
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let relative = absolute.strip_prefix(&self.root).unwrap_or(&absolute);
        let mut rules = self.rules;
        for (matcher, has_slash, ignored) in &self.per_file_ignores {
            let hit = if *has_slash {
                matcher.is_match(relative)
            } else {
                matcher.is_match(relative) || path.file_name().is_some_and(|n| matcher.is_match(n))
            };
            if hit {
                for r in ignored.iter() {
                    rules.remove(r);
                }
            }
        }
        rules
    }
}

fn set_of(rules: Vec<&'static RuleMeta>) -> RuleSet {
    let mut set = RuleSet::EMPTY;
    for r in rules {
        set.insert(r);
    }
    set
}

fn parse_version(text: &str, path: &Path, key: &str) -> Result<PythonVersion, ConfigError> {
    PythonVersion::parse(text).ok_or_else(|| ConfigError {
        path: path.to_path_buf(),
        message: format!(
            "`{key}` is `{text}`: use a Python version from {} to {}, written `py311` or `3.11`",
            PythonVersion::OLDEST,
            PythonVersion::NEWEST
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(
            PythonVersion::parse("py311"),
            Some(PythonVersion {
                major: 3,
                minor: 11
            })
        );
        assert_eq!(
            PythonVersion::parse("3.8"),
            Some(PythonVersion { major: 3, minor: 8 })
        );
        assert_eq!(PythonVersion::parse("2.7"), None);
        assert_eq!(PythonVersion::parse("banana"), None);
        let r = |s| PythonVersion::from_requires_python(s).map(|v| v.to_string());
        assert_eq!(r(">=3.10").as_deref(), Some("3.10"));
        assert_eq!(r(">=3.9,<4").as_deref(), Some("3.9"));
        assert_eq!(r("~=3.11.2").as_deref(), Some("3.11"));
        assert_eq!(r(">3.8").as_deref(), Some("3.9"));
        assert_eq!(r("<4"), None);
    }

    #[test]
    fn unknown_key_names_file_and_key() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("asyncdoctor.toml");
        std::fs::write(&p, "selct = [\"AD5\"]\n").unwrap();
        let err = load_file(&p).unwrap_err().to_string();
        assert!(
            err.contains("asyncdoctor.toml") && err.contains("selct"),
            "{err}"
        );
    }

    #[test]
    fn cli_select_overrides_config_and_ignore_applies() {
        let cfg = ConfigFile {
            path: PathBuf::from("pyproject.toml"),
            options: Options {
                select: Some(vec!["AD501".into()]),
                ..Options::default()
            },
            requires_python: Some(">=3.11".into()),
        };
        let cwd = PathBuf::from(".");
        let s = Settings::resolve(Some(&cfg), &Overrides::default(), &cwd).unwrap();
        assert_eq!(
            s.rules.iter().map(|r| r.code).collect::<Vec<_>>(),
            ["AD501"]
        );
        assert_eq!(s.target_version.to_string(), "3.11");
        let o = Overrides {
            select: Some(vec!["AD5".into()]),
            ignore: vec!["AD501".into()],
            ..Overrides::default()
        };
        let s = Settings::resolve(Some(&cfg), &o, &cwd).unwrap();
        assert!(
            s.rules
                .iter()
                .all(|r| r.code.starts_with("AD5") && r.code != "AD501")
        );
        let bad = Overrides {
            select: Some(vec!["XYZ1".into()]),
            ..Overrides::default()
        };
        assert!(
            Settings::resolve(None, &bad, &cwd)
                .unwrap_err()
                .to_string()
                .contains("XYZ1")
        );
    }

    fn resolved_version(start: &Path) -> (String, String) {
        let config = discover(start).unwrap();
        let s = Settings::resolve(config.as_ref(), &Overrides::default(), start).unwrap();
        (s.target_version.to_string(), s.target_version_source)
    }

    #[test]
    fn requires_python_sets_the_target_version() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("src/app")).unwrap();
        // No config at all: the default.
        assert_eq!(resolved_version(&root.join("src/app")).0, "3.9");

        // A pyproject with requires-python but no [tool.asyncdoctor] table.
        std::fs::write(
            root.join("pyproject.toml"),
            "[project]\nname = \"x\"\nrequires-python = \">=3.11\"\n",
        )
        .unwrap();
        assert_eq!(
            resolved_version(&root.join("src/app")),
            ("3.11".into(), "requires-python".into())
        );

        // With our table in the same file.
        std::fs::write(
            root.join("pyproject.toml"),
            "[project]\nname = \"x\"\nrequires-python = \"~=3.10\"\n[tool.asyncdoctor]\nignore = []\n",
        )
        .unwrap();
        assert_eq!(resolved_version(root).0, "3.10");

        // An asyncdoctor.toml beside it still takes the project's requires-python...
        std::fs::write(root.join("asyncdoctor.toml"), "ignore = []\n").unwrap();
        assert_eq!(resolved_version(root).0, "3.10");
        // ...and an explicit target-version wins over it.
        std::fs::write(
            root.join("asyncdoctor.toml"),
            "target-version = \"py313\"\n",
        )
        .unwrap();
        let (version, source) = resolved_version(root);
        assert_eq!(version, "3.13");
        assert!(source.contains("asyncdoctor.toml"), "{source}");
        // The command line wins over everything.
        let config = discover(root).unwrap();
        let o = Overrides {
            target_version: Some("3.8".into()),
            ..Overrides::default()
        };
        let s = Settings::resolve(config.as_ref(), &o, root).unwrap();
        assert_eq!(s.target_version.to_string(), "3.8");
    }

    #[test]
    fn per_file_ignores_match_relative_to_the_config_dir_from_any_cwd() {
        let dir = tempfile::tempdir().unwrap();
        let cfg = ConfigFile {
            path: dir.path().join("pyproject.toml"),
            options: Options {
                per_file_ignores: Some(BTreeMap::from([(
                    "tests/*.py".to_string(),
                    vec!["AD501".to_string()],
                )])),
                ..Options::default()
            },
            requires_python: None,
        };
        let s = Settings::resolve(Some(&cfg), &Overrides::default(), Path::new("/")).unwrap();
        let ad501 = registry::by_code("AD501").unwrap();
        assert!(!s.rules_for(&dir.path().join("tests/t.py")).contains(ad501));
        assert!(s.rules_for(&dir.path().join("src/t.py")).contains(ad501));
    }
}
