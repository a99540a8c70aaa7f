//! `[workspace.metadata.pyrelease]` / `[package.metadata.pyrelease]`: every key
//! optional, unknown keys refused with the file and line.
use std::path::{Path, PathBuf};

use toml_edit::{Document, Item, TableLike};

use crate::error::{Failure, line_of};

/// How a configured version file spells the version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Spelling {
    Semver,
    Pep440,
}

/// `[[workspace.metadata.pyrelease.version-files]]`: a file holding the version
/// in a pattern such as `__version__ = "{version}"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionFile {
    pub path: PathBuf,
    pub search: String,
    pub spelling: Spelling,
    /// Where it is configured, for errors.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The manifest the configuration was read from, if any.
    pub file: Option<PathBuf>,
    pub pyprojects: Option<Vec<PathBuf>>,
    pub crates: Option<Vec<String>>,
    pub tag_prefix: String,
    pub changelog: Option<PathBuf>,
    pub version_files: Vec<VersionFile>,
    /// `verify` finding ids that are not reported.
    pub allow: Vec<crate::diag::FindingId>,
    /// Branches a release may be made from (`*` wildcards); empty: any.
    pub allow_branch: Vec<String>,
    /// Sparse index URL of the cargo registry (default: crates.io).
    pub crates_index: Option<String>,
    /// Simple API URL of the Python index (default: PyPI).
    pub index_url: Option<String>,
    /// Upload URL of the Python index (default: PyPI's).
    pub publish_url: Option<String>,
    /// The cargo registry crates are published to, by name (default: crates.io).
    pub registry: Option<String>,
    /// Which program uploads the Python files.
    pub uploader: Option<Uploader>,
    /// Commands that must pass before anything is published (default: tests and lints).
    pub gates: Option<Vec<String>>,
    /// The line of each key in [`Config::file`], for errors about its value.
    pub lines: std::collections::BTreeMap<String, usize>,
}

impl Config {
    /// The line where `key` is configured, if it is.
    pub fn line(&self, key: &str) -> Option<usize> {
        self.lines.get(key).copied()
    }
}

/// The programs that can upload Python files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Uploader {
    Uv,
    Twine,
    Maturin,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            file: None,
            pyprojects: None,
            crates: None,
            tag_prefix: "v".to_string(),
            changelog: None,
            version_files: Vec::new(),
            allow: Vec::new(),
            allow_branch: Vec::new(),
            crates_index: None,
            index_url: None,
            publish_url: None,
            registry: None,
            uploader: None,
            gates: None,
            lines: Default::default(),
        }
    }
}

pub const KEYS: &[&str] = &[
    "pyprojects",
    "crates",
    "tag-prefix",
    "changelog",
    "version-files",
    "allow",
    "allow-branch",
    "crates-index",
    "index-url",
    "publish-url",
    "registry",
    "uploader",
    "gates",
];
const VERSION_FILE_KEYS: &[&str] = &["path", "search", "spelling"];

/// Reads the configuration from the workspace root manifest or, failing that,
/// the maturin crate's manifest. Both carrying one is ambiguous and refused.
pub fn read(
    workspace: Option<(&Path, &Document<String>)>,
    package: Option<(&Path, &Document<String>)>,
) -> Result<Config, Failure> {
    let ws = match workspace {
        Some((path, doc)) => pyrelease_table(path, doc, "workspace")?.map(|t| (path, doc, t)),
        None => None,
    };
    let pkg = match package {
        Some((path, doc)) => pyrelease_table(path, doc, "package")?.map(|t| (path, doc, t)),
        None => None,
    };
    match (ws, pkg) {
        // Both tables, even in one manifest, is ambiguous: refused rather than merged.
        (Some((a, ..)), Some((b, doc, table))) => Err(Failure::usage(
            "configuration found in both `[workspace.metadata.pyrelease]` and `[package.metadata.pyrelease]`",
        )
        .at(b, first_line(doc, table))
        .help(format!(
            "keep one: move the keys into `[workspace.metadata.pyrelease]` of `{}`",
            a.display()
        ))),
        (Some((path, doc, table)), _) | (None, Some((path, doc, table))) => parse(path, doc, table),
        (None, None) => Ok(Config::default()),
    }
}

/// `[<top>.metadata.pyrelease]`, refusing a `pyrelease` key that is not a table
/// (it would otherwise be skipped, and every setting in it silently ignored).
fn pyrelease_table<'a>(
    path: &Path,
    doc: &'a Document<String>,
    top: &str,
) -> Result<Option<&'a dyn TableLike>, Failure> {
    let Some(item) = table_at(doc.as_table() as &dyn TableLike, &[top, "metadata"])
        .and_then(|m| m.get("pyrelease"))
    else {
        return Ok(None);
    };
    match item.as_table_like() {
        Some(table) => Ok(Some(table)),
        None => Err(
            Failure::usage(format!("`{top}.metadata.pyrelease` must be a table"))
                .at(path, item.span().map(|s| line_of(doc.raw(), s.start)))
                .help(format!(
                    "write the settings under a `[{top}.metadata.pyrelease]` header"
                )),
        ),
    }
}

/// The line of the first key of `table`, for errors about the whole table.
fn first_line(doc: &Document<String>, table: &dyn TableLike) -> Option<usize> {
    let (key, _) = table.iter().next()?;
    let span = table.key(key)?.span()?;
    Some(line_of(doc.raw(), span.start))
}

/// The table at a dotted path, whether written as `[a.b]`, dotted keys or inline.
pub fn table_at<'a>(root: &'a dyn TableLike, keys: &[&str]) -> Option<&'a dyn TableLike> {
    let mut table = root;
    for key in keys {
        table = table.get(key)?.as_table_like()?;
    }
    Some(table)
}

fn parse(path: &Path, doc: &Document<String>, table: &dyn TableLike) -> Result<Config, Failure> {
    let text = doc.raw();
    let line = |item: &Item| item.span().map(|s| line_of(text, s.start));
    let err = |item: &Item, msg: String| Failure::usage(msg).at(path, line(item));
    let string = |key: &str, item: &Item| -> Result<String, Failure> {
        item.as_str()
            .map(str::to_string)
            .ok_or_else(|| err(item, format!("`{key}` must be a string")))
    };
    let strings = |key: &str, item: &Item| -> Result<Vec<String>, Failure> {
        let bad = || err(item, format!("`{key}` must be an array of strings"));
        item.as_array()
            .ok_or_else(bad)?
            .iter()
            .map(|v| v.as_str().map(str::to_string).ok_or_else(bad))
            .collect()
    };

    let mut config = Config {
        file: Some(path.to_path_buf()),
        ..Config::default()
    };
    for (key, item) in table.iter() {
        if let Some(line) = line(item) {
            config.lines.insert(key.to_string(), line);
        }
        match key {
            "pyprojects" => {
                config.pyprojects =
                    Some(strings(key, item)?.into_iter().map(PathBuf::from).collect());
            }
            "crates" => config.crates = Some(strings(key, item)?),
            "tag-prefix" => config.tag_prefix = string(key, item)?,
            "changelog" => config.changelog = Some(PathBuf::from(string(key, item)?)),
            "version-files" => config.version_files = version_files(path, text, item)?,
            "allow" => config.allow = allow(path, text, item)?,
            "allow-branch" => config.allow_branch = strings(key, item)?,
            "crates-index" => config.crates_index = Some(string(key, item)?),
            "index-url" => {
                let url = string(key, item)?;
                crate::redact::learn_urls(&url);
                config.index_url = Some(url);
            }
            "publish-url" => config.publish_url = Some(string(key, item)?),
            "registry" => config.registry = Some(string(key, item)?),
            "gates" => config.gates = Some(strings(key, item)?),
            "uploader" => {
                let name = string(key, item)?;
                config.uploader = Some(
                    <Uploader as clap::ValueEnum>::from_str(&name, false).map_err(|_| {
                        err(
                            item,
                            format!("`uploader` is `{name}`: expected `uv`, `twine` or `maturin`"),
                        )
                    })?,
                );
            }
            _ => {
                let key_line = table
                    .key(key)
                    .and_then(|k| k.span())
                    .map(|s| line_of(text, s.start))
                    .or_else(|| line(item));
                return Err(Failure::usage(format!(
                    "unknown configuration key `{key}` in `pyrelease` metadata"
                ))
                .at(path, key_line)
                .help(format!("the known keys are: {}", KEYS.join(", "))));
            }
        }
    }
    Ok(config)
}

/// `allow = [...]`: each entry a finding id, or an error at its line naming the closest id.
fn allow(path: &Path, text: &str, item: &Item) -> Result<Vec<crate::diag::FindingId>, Failure> {
    let line = |span: Option<std::ops::Range<usize>>| span.map(|s| line_of(text, s.start));
    let array = item.as_array().ok_or_else(|| {
        Failure::usage("`allow` must be an array of finding ids").at(path, line(item.span()))
    })?;
    array
        .iter()
        .map(|value| {
            let at = line(value.span()).or(line(item.span()));
            let id = value.as_str().ok_or_else(|| {
                Failure::usage("`allow` must be an array of finding ids").at(path, at)
            })?;
            crate::diag::FindingId::parse(id).map_err(|hint| {
                Failure::usage(format!("`allow` lists `{id}`, which is not a finding id"))
                    .at(path, at)
                    .help(hint)
            })
        })
        .collect()
}

fn version_files(path: &Path, text: &str, item: &Item) -> Result<Vec<VersionFile>, Failure> {
    let line = |span: Option<std::ops::Range<usize>>| span.map(|s| line_of(text, s.start));
    let bad = || {
        Failure::usage("`version-files` must be an array of tables with `path`, `search` and `spelling`")
            .at(path, line(item.span()))
            .help("write `[[workspace.metadata.pyrelease.version-files]]` with `path = \"...\"` and `search = \"__version__ = \\\"{version}\\\"\"`")
    };
    let tables: Vec<&dyn toml_edit::TableLike> = match item {
        Item::ArrayOfTables(a) => a.iter().map(|t| t as &dyn toml_edit::TableLike).collect(),
        Item::Value(toml_edit::Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_inline_table()
                    .map(|t| t as &dyn toml_edit::TableLike)
                    .ok_or_else(bad)
            })
            .collect::<Result<_, _>>()?,
        _ => return Err(bad()),
    };
    tables
        .into_iter()
        .map(|t| {
            let at = line(t.iter().next().and_then(|(_, i)| i.span())).or(line(item.span()));
            let fail = |msg: String| Failure::usage(msg).at(path, at);
            for (key, _) in t.iter() {
                if !VERSION_FILE_KEYS.contains(&key) {
                    return Err(fail(format!("unknown key `{key}` in a `version-files` entry"))
                        .help(format!("the known keys are: {}", VERSION_FILE_KEYS.join(", "))));
                }
            }
            let get = |key: &str| -> Result<Option<String>, Failure> {
                match t.get(key) {
                    None => Ok(None),
                    Some(i) => i
                        .as_str()
                        .map(|s| Some(s.to_string()))
                        .ok_or_else(|| fail(format!("`{key}` in a `version-files` entry must be a string"))),
                }
            };
            let file = get("path")?.ok_or_else(|| fail("a `version-files` entry has no `path`".into()))?;
            let search = get("search")?.unwrap_or_else(|| "{version}".to_string());
            if !search.contains("{version}") {
                return Err(fail(format!("the `search` pattern `{search}` of `{file}` has no `{{version}}`"))
                    .help("write the text around the version with `{version}` in its place"));
            }
            let spelling = match get("spelling")?.as_deref() {
                None | Some("semver") => Spelling::Semver,
                Some("pep440") => Spelling::Pep440,
                Some(other) => {
                    return Err(fail(format!("unknown spelling `{other}` for `{file}`"))
                        .help("use `spelling = \"semver\"` (1.2.0-rc.1) or `spelling = \"pep440\"` (1.2.0rc1)"));
                }
            };
            Ok(VersionFile {
                path: PathBuf::from(file),
                search,
                spelling,
                line: at.unwrap_or(1),
            })
        })
        .collect()
}
