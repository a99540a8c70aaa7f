//! Finding the maturin pyproject.toml files and reading their version mode.
use std::path::{Path, PathBuf};

use toml_edit::{Document, TableLike};

use super::config::table_at;
use crate::error::{Failure, line_of};

/// How the pyproject declares its version, which decides what a release edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PyVersion {
    /// `version = "1.2.3"` in `[project]`: maturin uses it, whatever Cargo says.
    Static { value: String, line: usize },
    /// `dynamic = ["version"]`: maturin takes Cargo's version.
    Dynamic,
    /// A `[project]` table with neither: maturin 1.x warns and uses Cargo's.
    Missing { line: usize },
    /// No `[project]` table: maturin takes all metadata from Cargo.
    Implicit,
}

impl PyVersion {
    pub fn mode(&self) -> &'static str {
        match self {
            Self::Static { .. } => "static",
            Self::Dynamic => "dynamic",
            Self::Missing { .. } => "missing",
            Self::Implicit => "implicit",
        }
    }
}

#[derive(Debug, Clone)]
pub struct PyProject {
    pub path: PathBuf,
    pub text: String,
    pub name: Option<String>,
    pub version: PyVersion,
    /// The crate maturin builds: `[tool.maturin] manifest-path` or the Cargo.toml beside it.
    pub manifest: PathBuf,
    /// `[tool.maturin] manifest-path` as written and its line, when set.
    pub manifest_path: Option<(String, usize)>,
    pub bindings: Option<String>,
    /// `[tool.maturin] python-source` and `module-name`: where the Python package is.
    pub python_source: Option<String>,
    pub module_name: Option<String>,
}

impl PyProject {
    /// The files of the Python package maturin builds that may carry a `__version__`:
    /// `<python-source>/<module>/{__init__,_version,__about__,version}.py`.
    pub fn version_modules(&self, crate_name: &str) -> Vec<PathBuf> {
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let base = self
            .python_source
            .as_ref()
            .map_or(dir.to_path_buf(), |s| dir.join(s));
        let module = self.module_name.as_deref().map_or_else(
            || self.dist_name(crate_name).replace('-', "_"),
            |m| m.split('.').next().unwrap_or(m).to_string(),
        );
        ["__init__.py", "_version.py", "__about__.py", "version.py"]
            .iter()
            .map(|f| base.join(&module).join(f))
            .filter(|p| p.is_file())
            .collect()
    }

    /// The name maturin will publish under: `[project].name`, else the crate's.
    pub fn dist_name<'a>(&'a self, crate_name: &'a str) -> &'a str {
        self.name.as_deref().unwrap_or(crate_name)
    }
}

/// A pyproject.toml that is not a maturin package, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
    pub kind: SkipKind,
}

/// What a skipped pyproject is, for what the release still does with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipKind {
    /// Not a package of this release (a template, a uv workspace root, another workspace's).
    Decoy,
    /// A Python project of this one built by another backend (a pure-Python package, a
    /// setuptools meta-package), whose exact pins on the release's packages move with it.
    Sibling,
    /// Under an example or test folder: not read at all.
    Example,
}

/// Every pyproject.toml under `root`, in a stable order.
pub fn find(root: &Path) -> Vec<PathBuf> {
    super::walk::files(root, &["pyproject.toml"])
}

/// Folders whose pyprojects are examples, tests or fixtures of the project, never its
/// release (ruff's invalid-on-purpose fixtures, maturin's `test-crates/`, datafusion's
/// `examples/`), unless configured in `pyprojects`.
const NOT_RELEASED: [&str; 12] = [
    "test",
    "tests",
    "fixture",
    "fixtures",
    "example",
    "examples",
    "test-crates",
    "resources",
    "benches",
    "docs",
    "testdata",
    "test-data",
];

/// The folder under `root` that makes `path` an example or fixture, if any.
pub fn example_folder<'a>(root: &Path, path: &'a Path) -> Option<&'a str> {
    let rel = path.strip_prefix(root).unwrap_or(path).parent()?;
    rel.components()
        .filter_map(|c| c.as_os_str().to_str())
        .find(|name| NOT_RELEASED.contains(name))
}

/// Parses TOML keeping spans; a syntax error names the file and line.
pub fn parse_toml(path: &Path, text: &str) -> Result<Document<String>, Failure> {
    crate::toml::parse_document(text.to_string()).map_err(|e| Failure::from((path, text, e)))
}

/// Reads one pyproject: a maturin package, or a decoy with the reason.
pub fn read(path: &Path, text: String) -> Result<Result<PyProject, Skipped>, Failure> {
    let skipped = |reason: &str| {
        Ok(Err(Skipped {
            path: path.to_path_buf(),
            reason: reason.to_string(),
            kind: SkipKind::Decoy,
        }))
    };
    // Templates (cookiecutter, copier) are not projects, and often not valid TOML.
    if path.to_string_lossy().contains("{{") || text.contains("{{") {
        return skipped("a template (`{{ }}` placeholders)");
    }
    // pip refuses a byte order mark ("Invalid statement (at line 1, column 1)"); the
    // TOML parser here would accept it, and the release would build nowhere.
    if text.starts_with('\u{feff}') {
        return Err(Failure::usage(format!(
            "`{}` starts with a UTF-8 byte order mark, which pip refuses",
            path.display()
        ))
        .at(path, Some(1))
        .help("save it as UTF-8 without a byte order mark (most editors: \"UTF-8\", not \"UTF-8 with BOM\")"));
    }
    let doc = parse_toml(path, &text)?;
    let root = doc.as_table() as &dyn TableLike;
    let at = |item: &toml_edit::Item| item.span().map(|s| line_of(&text, s.start));
    let backend = match table_at(root, &["build-system"]).and_then(|t| t.get("build-backend")) {
        // A non-string backend is no decoy: pip and maturin refuse to build it.
        Some(item) => Some(item.as_str().ok_or_else(|| {
            Failure::usage("`build-backend` in `[build-system]` must be a string")
                .at(path, at(item))
                .help("write `build-backend = \"maturin\"`")
        })?),
        None => None,
    };
    match backend {
        Some("maturin") => {}
        Some(_) => {
            return Ok(Err(Skipped {
                path: path.to_path_buf(),
                reason: "another build backend".to_string(),
                kind: SkipKind::Sibling,
            }));
        }
        None if table_at(root, &["tool", "uv", "workspace"]).is_some() => {
            return skipped("a uv workspace root (no build backend)");
        }
        None => return skipped("no `build-backend` (not a maturin package)"),
    }
    if let Some(item) = table_at(root, &["build-system"]).and_then(|t| t.get("requires"))
        && !item
            .as_array()
            .is_some_and(|a| a.iter().all(|v| v.as_str().is_some()))
    {
        return Err(
            Failure::usage("`requires` in `[build-system]` must be an array of strings")
                .at(path, at(item))
                .help("write `requires = [\"maturin>=1.9,<2.0\"]`"),
        );
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    // A `maturin` key that is not a table would read as "no `[tool.maturin]`": its
    // settings (`manifest-path`, `python-source`) silently ignored.
    if let Some(item) = table_at(root, &["tool"]).and_then(|t| t.get("maturin"))
        && item.as_table_like().is_none()
    {
        return Err(Failure::usage("`tool.maturin` must be a table")
            .at(path, at(item))
            .help("write the settings under a `[tool.maturin]` header"));
    }
    let maturin = table_at(root, &["tool", "maturin"]);
    let mut manifest_path = None;
    let manifest = match maturin.and_then(|t| t.get("manifest-path")) {
        Some(item) => {
            let line = item.span().map(|s| line_of(&text, s.start));
            let rel = item.as_str().ok_or_else(|| {
                Failure::usage("`manifest-path` in `[tool.maturin]` must be a string")
                    .at(path, line)
            })?;
            let manifest = normalize(&dir.join(rel));
            if !manifest.is_file() {
                return Err(Failure::usage(format!(
                    "`[tool.maturin] manifest-path` points to `{rel}`, which does not exist"
                ))
                .at(path, line)
                .help("the path is relative to the folder of pyproject.toml; if it points into a git submodule, run `git submodule update --init`"));
            }
            manifest_path = Some((rel.to_string(), line.unwrap_or(1)));
            manifest
        }
        None => dir.join("Cargo.toml"),
    };
    let maturin_str = |key: &str| maturin.and_then(|t| t.get(key)?.as_str().map(str::to_string));
    let bindings = maturin_str("bindings");
    // A `project` key that is not a table would otherwise read as "no `[project]`",
    // and the version in it would silently stop being kept in step.
    let project = match root.get("project") {
        Some(item) if item.as_table_like().is_none() => {
            return Err(Failure::usage("`project` in pyproject.toml must be a table")
                .at(path, at(item))
                .help("write it as a `[project]` table with `name` and `version` (or `dynamic = [\"version\"]`)"));
        }
        item => item.and_then(|i| i.as_table_like()),
    };
    let name = match project.and_then(|p| p.get("name")) {
        Some(item) => Some(item.as_str().map(str::to_string).ok_or_else(|| {
            Failure::usage("`[project] name` must be a string")
                .at(path, at(item))
                .help("write the distribution's name in quotes: `name = \"my-package\"`")
        })?),
        None => None,
    };
    let version = match project {
        None => PyVersion::Implicit,
        Some(project) => {
            let dynamic = match project.get("dynamic") {
                None => false,
                Some(item) => {
                    let list = item
                        .as_array()
                        .filter(|a| a.iter().all(|v| v.as_str().is_some()))
                        .ok_or_else(|| {
                            Failure::usage("`dynamic` in `[project]` must be an array of strings")
                                .at(path, at(item))
                                .help("write `dynamic = [\"version\"]`")
                        })?;
                    list.iter().any(|v| v.as_str() == Some("version"))
                }
            };
            match project.get("version") {
                Some(item) => {
                    let line = item.span().map_or(1, |s| line_of(&text, s.start));
                    let value = item.as_str().ok_or_else(|| {
                        Failure::usage("`[project] version` must be a string").at(path, Some(line))
                    })?;
                    if dynamic {
                        return Err(Failure::usage(
                            "`[project]` has both a static `version` and `dynamic = [\"version\"]`",
                        )
                        .at(path, Some(line))
                        .help("remove one: keep `dynamic = [\"version\"]` to take the version from Cargo.toml"));
                    }
                    // Unreadable, it cannot be compared with Cargo's version (principle 1),
                    // and overwriting it would hide whatever wrote it.
                    if let Err(err) = value.parse::<pep440_rs::Version>() {
                        return Err(Failure::usage(format!(
                            "`[project] version = \"{value}\"` is not a PEP 440 version ({err})"
                        ))
                        .at(path, Some(line))
                        .help("write it like `1.2.0` or `1.2.0rc1`: the PEP 440 spelling of the version in Cargo.toml, or `dynamic = [\"version\"]`"));
                    }
                    PyVersion::Static {
                        value: value.to_string(),
                        line,
                    }
                }
                None if dynamic => PyVersion::Dynamic,
                None => {
                    // Table headers carry no span; find the header line itself.
                    let line = text
                        .lines()
                        .position(|l| l.trim_start().starts_with("[project]"))
                        .map_or(1, |i| i + 1);
                    PyVersion::Missing { line }
                }
            }
        }
    };
    Ok(Ok(PyProject {
        path: path.to_path_buf(),
        text,
        name,
        version,
        manifest,
        manifest_path,
        bindings,
        python_source: maturin_str("python-source"),
        module_name: maturin_str("module-name"),
    }))
}

/// `a/b/../c` -> `a/c` without touching the disk: `manifest-path` often goes
/// through `..`, and paths are shown and compared in this form.
pub fn normalize(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
