//! `[workspace.metadata.pyrelease]` / `[package.metadata.pyrelease]`: every key
//! optional, unknown keys refused with the file and line.
use std::path::{Path, PathBuf};

use toml::Spanned;
use toml_edit::{Document, Item, TableLike};

use crate::error::{Failure, line_of};

/// How a configured version file spells the version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Spelling {
    Semver,
    Pep440,
    /// A partial version (`0.3`, `1`) as a Cargo requirement is written: it moves as
    /// short as it is (`edit::pattern::replace_requirement`).
    Requirement,
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
    pub changelog: ChangelogSetting,
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

/// `changelog`: where the release notes are, or that this package keeps none (its
/// repository's changelog is another line's: the Rust core's, at another version).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ChangelogSetting {
    /// Not set: the nearest CHANGELOG.md (or HISTORY.md, ...) to the package.
    #[default]
    Find,
    /// `changelog = "path"`, relative to the workspace root.
    Path(PathBuf),
    /// `changelog = false`: no changelog is read, checked or written.
    None,
}

impl ChangelogSetting {
    pub fn path(&self) -> Option<&Path> {
        match self {
            Self::Path(path) => Some(path),
            _ => None,
        }
    }
}

impl<'de> serde::Deserialize<'de> for ChangelogSetting {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = ChangelogSetting;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a path, or `false` for no changelog")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(ChangelogSetting::Path(PathBuf::from(v)))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
                if v {
                    return Err(E::custom(
                        "`true` is not a changelog: write its path, or `false` for none",
                    ));
                }
                Ok(ChangelogSetting::None)
            }
        }
        d.deserialize_any(Visitor)
    }
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
            changelog: ChangelogSetting::Find,
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
        (Some((path, doc, table)), _) => parse(path, doc, table, "workspace"),
        (None, Some((path, doc, table))) => parse(path, doc, table, "package"),
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

/// The `pyrelease` table as written: every value typed by serde, with its span.
/// Unknown keys are refused before (by name, with a suggestion; see [`unknown_keys`]).
#[derive(serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Raw {
    pyprojects: Option<Spanned<Vec<PathBuf>>>,
    crates: Option<Spanned<Vec<String>>>,
    tag_prefix: Option<Spanned<String>>,
    changelog: Option<Spanned<ChangelogSetting>>,
    #[serde(default)]
    version_files: Vec<RawVersionFile>,
    allow: Option<Spanned<Vec<Spanned<String>>>>,
    allow_branch: Option<Spanned<Vec<String>>>,
    crates_index: Option<Spanned<String>>,
    index_url: Option<Spanned<String>>,
    publish_url: Option<Spanned<String>>,
    registry: Option<Spanned<String>>,
    uploader: Option<Spanned<String>>,
    gates: Option<Spanned<Vec<String>>>,
}

#[derive(serde::Deserialize)]
struct RawVersionFile {
    path: Option<Spanned<PathBuf>>,
    search: Option<String>,
    spelling: Option<String>,
}

/// The manifest around the table: only the path to it is typed, the rest is cargo's.
#[derive(serde::Deserialize)]
struct Manifest {
    package: Option<Top>,
    workspace: Option<Top>,
}

#[derive(serde::Deserialize)]
struct Top {
    metadata: Option<Metadata>,
}

#[derive(serde::Deserialize)]
struct Metadata {
    pyrelease: Option<Raw>,
}

fn parse(
    path: &Path,
    doc: &Document<String>,
    table: &dyn TableLike,
    top: &str,
) -> Result<Config, Failure> {
    let text = doc.raw();
    unknown_keys(path, text, table)?;
    let manifest: Manifest = toml::from_str(text).map_err(|e| type_error(path, text, table, &e))?;
    let raw = match top {
        "workspace" => manifest.workspace,
        _ => manifest.package,
    }
    .and_then(|t| t.metadata?.pyrelease)
    .expect("the table was found in this manifest");

    let mut config = Config {
        file: Some(path.to_path_buf()),
        ..Config::default()
    };
    let line = |span: std::ops::Range<usize>| line_of(text, span.start);
    let mut take = |key: &str, span: std::ops::Range<usize>| {
        config_line(&mut config.lines, key, line(span));
    };
    let err =
        |span: std::ops::Range<usize>, msg: String| Failure::usage(msg).at(path, Some(line(span)));
    macro_rules! value {
        ($field:ident, $key:literal) => {
            raw.$field.map(|v| {
                take($key, v.span());
                v.into_inner()
            })
        };
    }
    let gates = raw.gates.clone();
    let uploader = raw.uploader.clone();
    let allow = raw.allow.clone();
    config.pyprojects = value!(pyprojects, "pyprojects");
    config.crates = value!(crates, "crates");
    if let Some(prefix) = value!(tag_prefix, "tag-prefix") {
        config.tag_prefix = prefix;
    }
    config.changelog = value!(changelog, "changelog").unwrap_or_default();
    config.allow_branch = value!(allow_branch, "allow-branch").unwrap_or_default();
    config.crates_index = value!(crates_index, "crates-index");
    config.index_url = value!(index_url, "index-url");
    config.publish_url = value!(publish_url, "publish-url");
    config.registry = value!(registry, "registry");
    if let Some(url) = &config.index_url {
        crate::redact::learn_urls(url);
    }
    if let Some(allow) = allow {
        take("allow", allow.span());
        config.allow = allow
            .into_inner()
            .into_iter()
            .map(|id| {
                let parsed = crate::diag::FindingId::parse(id.get_ref()).map_err(|hint| {
                    err(
                        id.span(),
                        format!(
                            "`allow` lists `{}`, which is not a finding id",
                            id.get_ref()
                        ),
                    )
                    .help(hint)
                })?;
                // Every other command refuses such a file; verify must not pass it.
                if parsed.is_bad_input() {
                    return Err(err(
                        id.span(),
                        format!("`allow` lists `{parsed}`, which cannot be allowed: no command can work with the file it names"),
                    )
                    .help("fix the file or the setting the finding names, and remove it from `allow`"));
                }
                Ok(parsed)
            })
            .collect::<Result<_, _>>()?;
    }
    if let Some(gates) = gates {
        take("gates", gates.span());
        check_gates(gates.get_ref()).map_err(|why| {
            err(gates.span(), why).help("write each gate as one command line, quoted as in a POSIX shell: `gates = [\"cargo test --workspace\", \"pytest -k 'not slow'\"]`")
        })?;
        config.gates = Some(gates.into_inner());
    }
    if let Some(name) = uploader {
        take("uploader", name.span());
        config.uploader = Some(
            <Uploader as clap::ValueEnum>::from_str(name.get_ref(), false).map_err(|_| {
                err(
                    name.span(),
                    format!(
                        "`uploader` is `{}`: expected `uv`, `twine` or `maturin`",
                        name.get_ref()
                    ),
                )
            })?,
        );
    }
    config.version_files = raw
        .version_files
        .into_iter()
        .map(|vf| version_file(path, text, table, vf))
        .collect::<Result<_, _>>()?;
    Ok(config)
}

fn config_line(lines: &mut std::collections::BTreeMap<String, usize>, key: &str, line: usize) {
    lines.insert(key.to_string(), line);
}

/// Refuses a key the tool does not know, at its line, with the nearest known key.
fn unknown_keys(path: &Path, text: &str, table: &dyn TableLike) -> Result<(), Failure> {
    let at = |t: &dyn TableLike, key: &str| {
        t.key(key)
            .and_then(|k| k.span())
            .or_else(|| t.get(key).and_then(Item::span))
            .map(|s| line_of(text, s.start))
    };
    for (key, _) in table.iter() {
        if !KEYS.contains(&key) {
            return Err(Failure::usage(format!(
                "unknown configuration key `{key}` in `pyrelease` metadata{}",
                did_you_mean(key, KEYS)
            ))
            .at(path, at(table, key))
            .help(format!("the known keys are: {}", KEYS.join(", "))));
        }
    }
    let entries: Vec<&dyn TableLike> = match table.get("version-files") {
        Some(Item::ArrayOfTables(a)) => a.iter().map(|t| t as &dyn TableLike).collect(),
        Some(item) => item
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_inline_table().map(|t| t as &dyn TableLike))
            .collect(),
        None => Vec::new(),
    };
    for entry in entries {
        for (key, _) in entry.iter() {
            if !VERSION_FILE_KEYS.contains(&key) {
                return Err(Failure::usage(format!(
                    "unknown key `{key}` in a `version-files` entry{}",
                    did_you_mean(key, VERSION_FILE_KEYS)
                ))
                .at(path, at(entry, key))
                .help(format!(
                    "the known keys are: {}",
                    VERSION_FILE_KEYS.join(", ")
                )));
            }
        }
    }
    Ok(())
}

/// `; did you mean `tag-prefix`?` for a key close to a known one (`tag_prefix`, `tag-prefx`).
fn did_you_mean(key: &str, known: &[&str]) -> String {
    let normal = key.replace('_', "-").to_lowercase();
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(&normal, k), k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min()
        .map(|(_, k)| format!("; did you mean `{k}`?"))
        .unwrap_or_default()
}

/// A serde type error, named by the key at its span: "`tag-prefix` must be a string, not
/// integer `1`".
fn type_error(path: &Path, text: &str, table: &dyn TableLike, e: &toml::de::Error) -> Failure {
    let at = e.span().map(|s| s.start);
    let message = e.message().trim_end().to_string();
    let name = at.and_then(|offset| name_at(table, offset));
    let message = match (
        &name,
        message
            .strip_prefix("invalid type: ")
            .and_then(|m| m.split_once(", expected ")),
    ) {
        (Some(name), Some((found, expected))) => {
            let expected = expected
                .replace("a sequence", "an array")
                .replace("path string", "a string");
            format!("{name} must be {expected}, not {found}")
        }
        (Some(name), None) => format!("{name}: {message}"),
        (None, _) => format!("invalid `pyrelease` metadata: {message}"),
    };
    Failure::usage(message).at(path, at.map(|o| line_of(text, o)))
}

/// The key whose value holds `offset`, in the words of an error message: "`crates`",
/// "`path` in a `version-files` entry".
fn name_at(table: &dyn TableLike, offset: usize) -> Option<String> {
    let holds = |span: Option<std::ops::Range<usize>>| span.is_some_and(|s| s.contains(&offset));
    for (key, item) in table.iter() {
        let entries: Vec<&dyn TableLike> = match item {
            Item::ArrayOfTables(a) => a.iter().map(|t| t as &dyn TableLike).collect(),
            Item::Value(toml_edit::Value::Array(a)) if holds(item.span()) => a
                .iter()
                .filter_map(|v| v.as_inline_table().map(|t| t as &dyn TableLike))
                .collect(),
            _ if holds(item.span()) => return Some(format!("`{key}`")),
            _ => continue,
        };
        for entry in entries {
            if let Some(inner) = name_at(entry, offset) {
                return Some(format!("{inner} in a `{key}` entry"));
            }
        }
        if holds(item.span()) {
            // An element of a list of strings (`allow = [1]`), not the list itself.
            let element = item.span().is_some_and(|s| s.start != offset);
            return Some(if element {
                format!("an entry of `{key}`")
            } else {
                format!("`{key}`")
            });
        }
    }
    None
}

fn version_file(
    path: &Path,
    text: &str,
    table: &dyn TableLike,
    raw: RawVersionFile,
) -> Result<VersionFile, Failure> {
    let Some(file) = raw.path else {
        let at = table
            .get("version-files")
            .and_then(Item::span)
            .map(|s| line_of(text, s.start));
        return Err(Failure::usage("a `version-files` entry has no `path`")
            .at(path, at)
            .help("write `path = \"...\"` and `search = \"__version__ = \\\"{version}\\\"\"` in each `[[workspace.metadata.pyrelease.version-files]]`"));
    };
    let line = line_of(text, file.span().start);
    let file = file.into_inner();
    let fail = |msg: String| Failure::usage(msg).at(path, Some(line));
    let search = raw.search.unwrap_or_else(|| "{version}".to_string());
    if !search.contains("{version}") {
        return Err(fail(format!(
            "the `search` pattern `{search}` of `{}` has no `{{version}}`",
            file.display()
        ))
        .help("write the text around the version with `{version}` in its place"));
    }
    let spelling = match raw.spelling.as_deref() {
        None | Some("semver") => Spelling::Semver,
        Some("pep440") => Spelling::Pep440,
        Some("requirement") => Spelling::Requirement,
        Some(other) => {
            return Err(fail(format!(
                "unknown spelling `{other}` for `{}`",
                file.display()
            ))
            .help(
                "use `spelling = \"semver\"` (1.2.0-rc.1), `spelling = \"pep440\"` (1.2.0rc1) or `spelling = \"requirement\"` (0.3, as in `foo = \"0.3\"`)",
            ));
        }
    };
    Ok(VersionFile {
        path: file,
        search,
        spelling,
        line,
    })
}

/// Each gate must be a command: not empty, and split into words as a shell would.
/// Refused when the configuration is read, so `verify` and `bump` say so, not a
/// `publish` that has already built everything.
fn check_gates(gates: &[String]) -> Result<(), String> {
    for (i, gate) in gates.iter().enumerate() {
        match shlex::split(gate) {
            Some(words) if !words.is_empty() => {}
            Some(_) => return Err(format!("gate {} of `gates` is empty", i + 1)),
            None => {
                return Err(format!(
                    "gate `{gate}` cannot be split into words: an unclosed quote or a trailing backslash"
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_str(text: &str) -> Result<Config, String> {
        let doc = crate::toml::parse_document(text.to_string()).unwrap();
        read(Some((Path::new("Cargo.toml"), &doc)), None).map_err(|e| {
            let line = e.location.as_ref().and_then(|l| l.line);
            format!("{}:{line:?}", e.message)
        })
    }

    #[test]
    fn typed_values_with_their_lines() {
        let config = read_str(
            "[workspace]\n\n[workspace.metadata.pyrelease]\ntag-prefix = \"py-v\"\nallow = [\"git-dirty\"]\ngates = [\"cargo test\"]\nuploader = \"twine\"\n\n[[workspace.metadata.pyrelease.version-files]]\npath = \"a.py\"\nspelling = \"pep440\"\n",
        )
        .unwrap();
        assert_eq!(config.tag_prefix, "py-v");
        assert_eq!(config.line("tag-prefix"), Some(4));
        assert_eq!(config.allow, [crate::diag::FindingId::GitDirty]);
        assert_eq!(
            config.gates.as_deref(),
            Some(&["cargo test".to_string()][..])
        );
        assert_eq!(config.uploader, Some(Uploader::Twine));
        assert_eq!(config.version_files[0].line, 10);
        assert_eq!(config.version_files[0].spelling, Spelling::Pep440);
        assert_eq!(config.version_files[0].search, "{version}");
    }

    #[test]
    fn wrong_types_and_unknown_keys_name_the_key_and_line() {
        let head = "[workspace]\n[workspace.metadata.pyrelease]\n";
        for (body, expect) in [
            (
                "tag-prefix = 1",
                "`tag-prefix` must be a string, not integer `1`:Some(3)",
            ),
            (
                "crates = \"a\"",
                "`crates` must be an array, not string \"a\":Some(3)",
            ),
            (
                "allow = [\"x\", 2]",
                "an entry of `allow` must be a string, not integer `2`:Some(3)",
            ),
            ("tag_prefix = \"v\"", "did you mean `tag-prefix`?"),
            ("gates = [\" \"]", "gate 1 of `gates` is empty:Some(3)"),
        ] {
            let err = read_str(&format!("{head}{body}\n")).unwrap_err();
            assert!(err.contains(expect), "{body}: {err}");
        }
        assert_eq!(did_you_mean("registy", KEYS), "; did you mean `registry`?");
        assert_eq!(did_you_mean("colour", KEYS), "");
    }
}
