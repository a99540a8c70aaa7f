//! Cargo indexes, sparse (RFC 2789) or git: one file per crate, one JSON line per published
//! version, at the same path in both kinds.

use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use super::{Http, Page, RegistryError, bad_body, env_url, with_trailing_slash};

/// crates.io's sparse index.
const CRATES_IO_INDEX: &str = "https://index.crates.io/";
/// Overrides the crates.io index, for tests and mirrors.
const CRATES_INDEX_ENV: &str = "CARGO_PYRELEASE_CRATES_INDEX";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// What cargo itself takes as "no such crate" from a sparse index: 404 from crates.io and
/// static file servers, 410 and 451 from registries that removed a crate.
const NOT_FOUND: &[u16] = &[404, 410, 451];

/// A cargo index: crates.io's sparse one (`https://index.crates.io/`) or any other.
#[derive(Debug)]
pub struct CratesIndex {
    base: String,
    source: Source,
}

#[derive(Debug)]
enum Source {
    Sparse(Http),
    /// A git index is read from a shallow clone made for each look-up: a look-up decides
    /// what is published, so it must see the index as it is now (after a failed
    /// `cargo publish`, say), never a clone taken earlier in the run.
    Git,
}

#[derive(Debug)]
struct GitCheckout {
    dir: tempfile::TempDir,
}

/// One published version of a crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexVersion {
    pub version: semver::Version,
    /// A yanked version still exists: it can never be published again.
    pub yanked: bool,
    /// The sha256 of the `.crate` file, lowercase hex: a release tells its own upload from
    /// someone else's by it.
    pub cksum: Option<String>,
}

/// The fields of an index line that matter here; the rest (deps, features) is ignored so
/// that newer index formats still parse.
#[derive(Deserialize)]
struct IndexLine {
    vers: String,
    #[serde(default)]
    yanked: bool,
    #[serde(default)]
    cksum: Option<String>,
}

impl CratesIndex {
    /// An index at `base_url`; cargo's `sparse+` prefix is accepted and dropped.
    pub fn new(base_url: &str, timeout: Duration) -> Self {
        let base = base_url.trim();
        let base = base.strip_prefix("sparse+").unwrap_or(base);
        Self {
            base: with_trailing_slash(base),
            source: Source::Sparse(Http::new(timeout)),
        }
    }

    /// An index URL as cargo's configuration spells it: `sparse+URL` is a sparse index,
    /// anything else a git repository.
    pub fn from_cargo_url(url: &str, timeout: Duration) -> Self {
        let url = url.trim();
        if url.starts_with("sparse+") {
            Self::new(url, timeout)
        } else {
            Self {
                base: url.to_string(),
                source: Source::Git,
            }
        }
    }

    /// crates.io, or the index named by `CARGO_PYRELEASE_CRATES_INDEX`.
    pub fn crates_io() -> Self {
        let base = env_url(CRATES_INDEX_ENV).unwrap_or_else(|| CRATES_IO_INDEX.to_string());
        Self::new(&base, DEFAULT_TIMEOUT)
    }

    /// The index root, with a trailing slash and without `sparse+`.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Every published version of `name`, yanked ones included and flagged, in the index's
    /// order (publication order on crates.io). Empty when the crate does not exist.
    pub fn versions(&self, name: &str) -> Result<Vec<IndexVersion>, RegistryError> {
        if !is_valid_crate_name(name) {
            return Err(RegistryError {
                message: format!("`{name}` is not a valid crate name"),
                help: Some(
                    "crate names are ASCII letters, digits, `-` and `_`, starting with a letter"
                        .to_string(),
                ),
            });
        }
        let http = match &self.source {
            Source::Sparse(http) => http,
            Source::Git => return self.git_versions(name),
        };
        let url = format!("{}{}", self.base, sparse_index_path(name));
        // Index files are served as JSON lines, under whatever media type the host picks.
        match http.get(&url, "*/*", NOT_FOUND)? {
            Page::Missing => Ok(Vec::new()),
            Page::Found { body, .. } => parse_index_file(&body).map_err(|why| {
                bad_body(
                    &url,
                    "a cargo index file",
                    &why,
                    &format!(
                        "check that `{}` is a sparse cargo index (it serves `config.json`)",
                        super::redact_url(&self.base)
                    ),
                )
            }),
        }
    }
}

impl CratesIndex {
    fn git_versions(&self, name: &str) -> Result<Vec<IndexVersion>, RegistryError> {
        let checkout = clone_index(&self.base)?;
        let file: PathBuf = checkout.dir.path().join(sparse_index_path(name));
        match std::fs::read_to_string(&file) {
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(err) => Err(RegistryError::new(
                format!(
                    "could not read `{}` of the index clone: {err}",
                    file.display()
                ),
                "check the disk the temporary folder is on",
            )),
            Ok(body) => parse_index_file(&body).map_err(|why| {
                RegistryError::new(
                    format!(
                        "the index file of `{name}` in `{}` is not a cargo index file: {why}",
                        super::redact_url(&self.base)
                    ),
                    "check that the URL is the registry's git index",
                )
            }),
        }
    }
}

/// A shallow clone of a git index: one round trip, whatever the history's length.
fn clone_index(url: &str) -> Result<GitCheckout, RegistryError> {
    let shown = super::redact_url(url);
    let dir = tempfile::Builder::new()
        .prefix("pyrelease-index-")
        .tempdir()
        .map_err(|err| {
            RegistryError::new(
                format!("could not make a folder to clone `{shown}` into: {err}"),
                "check the temporary folder ($TMPDIR)",
            )
        })?;
    crate::exec::cmd::Cmd::git(crate::exec::cmd::Kind::Read)
        .args(["clone", "--quiet", "--depth", "1", url])
        .arg(dir.path())
        .env("GIT_TERMINAL_PROMPT", "0")
        .read()
        .map_err(|err| {
            RegistryError::new(
                format!(
                    "could not clone the git index `{shown}`: {}",
                    super::redact_url(&format!("{err:#}"))
                ),
                "check the index URL and your network; a sparse index (`sparse+https://...`) needs no git",
            )
        })?;
    Ok(GitCheckout { dir })
}

/// crates.io's web API; `CARGO_PYRELEASE_CRATES_API` points elsewhere (tests, mirrors).
const CRATES_IO_API: &str = "https://crates.io/api/v1/";
const CRATES_API_ENV: &str = "CARGO_PYRELEASE_CRATES_API";

#[derive(Deserialize)]
struct VersionPage {
    version: VersionInfo,
}

#[derive(Deserialize)]
struct VersionInfo {
    downloads: u64,
}

/// crates.io's API root, or the one `CARGO_PYRELEASE_CRATES_API` names.
pub fn crates_api_url() -> String {
    with_trailing_slash(&env_url(CRATES_API_ENV).unwrap_or_else(|| CRATES_IO_API.to_string()))
}

/// How often `name` `version` was downloaded, from the crates.io API at `api`; `None`
/// when it does not know the version. Only crates.io offers this: indexes have no counts.
pub fn crate_downloads(
    api: &str,
    name: &str,
    version: &semver::Version,
) -> Result<Option<u64>, RegistryError> {
    let url = format!("{}crates/{name}/{version}", with_trailing_slash(api));
    match Http::new(DEFAULT_TIMEOUT).get(&url, "application/json", NOT_FOUND)? {
        Page::Missing => Ok(None),
        Page::Found { body, .. } => serde_json::from_str::<VersionPage>(&body)
            .map(|page| Some(page.version.downloads))
            .map_err(|err| {
                bad_body(
                    &url,
                    "a crates.io version page",
                    &err.to_string(),
                    "check `CARGO_PYRELEASE_CRATES_API`: it must be crates.io's `/api/v1/`",
                )
            }),
    }
}

#[derive(Deserialize)]
struct CratePage {
    #[serde(rename = "crate")]
    krate: CrateInfo,
}

#[derive(Deserialize)]
struct CrateInfo {
    repository: Option<String>,
}

/// The repository URL crates.io shows for crate `name` (`None`: no such crate, or none
/// given): tells a crate of this project from another project's crate of the same name.
pub fn crate_repository(api: &str, name: &str) -> Result<Option<String>, RegistryError> {
    let url = format!("{}crates/{name}", with_trailing_slash(api));
    match Http::new(DEFAULT_TIMEOUT).get(&url, "application/json", NOT_FOUND)? {
        Page::Missing => Ok(None),
        Page::Found { body, .. } => serde_json::from_str::<CratePage>(&body)
            .map(|page| page.krate.repository)
            .map_err(|err| {
                bad_body(
                    &url,
                    "a crates.io crate page",
                    &err.to_string(),
                    "check `CARGO_PYRELEASE_CRATES_API`: it must be crates.io's `/api/v1/`",
                )
            }),
    }
}

/// The path of a crate's file in a cargo index: `1/a`, `2/ab`, `3/a/abc`, `ab/cd/abcd...`,
/// lowercased as cargo does (the index is case-insensitive, its paths are not).
pub fn sparse_index_path(name: &str) -> String {
    let name = name.to_lowercase();
    let chars: Vec<char> = name.chars().collect();
    // Slicing by chars, not bytes: a non-ASCII name is rejected by `versions`, but must not
    // panic here.
    let part = |range: std::ops::Range<usize>| chars[range].iter().collect::<String>();
    match chars.len() {
        0 => String::new(),
        1 => format!("1/{name}"),
        2 => format!("2/{name}"),
        3 => format!("3/{}/{name}", chars[0]),
        _ => format!("{}/{}/{name}", part(0..2), part(2..4)),
    }
}

/// crates.io's rule: it also keeps the name from escaping its index path (`/`, `..`).
fn is_valid_crate_name(name: &str) -> bool {
    name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The versions in an index file. Strict: a line that is not an index entry means the URL is
/// not an index, and guessing "not published" there could start a doomed release.
fn parse_index_file(body: &str) -> Result<Vec<IndexVersion>, String> {
    body.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            let entry: IndexLine =
                serde_json::from_str(line).map_err(|err| format!("line {}: {err}", i + 1))?;
            let version = semver::Version::parse(&entry.vers).map_err(|err| {
                format!(
                    "line {}: version `{}` is not semver: {err}",
                    i + 1,
                    entry.vers
                )
            })?;
            Ok(IndexVersion {
                version,
                yanked: entry.yanked,
                cksum: entry.cksum.map(|c| c.to_ascii_lowercase()),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_paths_follow_cargo() {
        assert_eq!(sparse_index_path("a"), "1/a");
        assert_eq!(sparse_index_path("ab"), "2/ab");
        assert_eq!(sparse_index_path("abc"), "3/a/abc");
        assert_eq!(sparse_index_path("abcd"), "ab/cd/abcd");
        assert_eq!(sparse_index_path("serde_json"), "se/rd/serde_json");
        assert_eq!(sparse_index_path("Inflector"), "in/fl/inflector");
        assert_eq!(sparse_index_path("A-B"), "3/a/a-b");
        assert_eq!(sparse_index_path("ÄÖÜß"), "äö/üß/äöüß");
        assert_eq!(sparse_index_path(""), "");
    }

    #[test]
    fn crate_names_are_checked() {
        assert!(is_valid_crate_name("cargo-pyrelease"));
        assert!(is_valid_crate_name("Inflector_2"));
        for bad in ["", "../x", "a/b", "1abc", "-a", "ä", &"a".repeat(65)] {
            assert!(!is_valid_crate_name(bad), "{bad}");
        }
    }

    #[test]
    fn index_lines_give_versions_and_yanked_flags() {
        let body = concat!(
            r#"{"name":"abc","vers":"0.1.0","deps":[],"cksum":"00","features":{},"yanked":false}"#,
            "\n",
            r#"{"name":"abc","vers":"0.2.0-rc.1","deps":[],"cksum":"00","features":{},"yanked":true,"v":2,"features2":{}}"#,
            "\n\n",
            r#"{"name":"abc","vers":"0.2.0+build.5","deps":[],"cksum":"00","features":{}}"#,
            "\n",
        );
        let versions = parse_index_file(body).unwrap();
        let got: Vec<(String, bool)> = versions
            .iter()
            .map(|v| (v.version.to_string(), v.yanked))
            .collect();
        assert_eq!(versions[0].cksum.as_deref(), Some("00"));
        assert_eq!(
            got,
            [
                ("0.1.0".to_string(), false),
                ("0.2.0-rc.1".to_string(), true),
                ("0.2.0+build.5".to_string(), false),
            ]
        );
    }

    #[test]
    fn an_empty_file_has_no_versions() {
        assert_eq!(parse_index_file(""), Ok(Vec::new()));
    }

    #[test]
    fn a_page_that_is_not_an_index_is_an_error() {
        let err = parse_index_file("<html>captive portal</html>").unwrap_err();
        assert!(err.starts_with("line 1: "), "{err}");
        let err = parse_index_file("{\"vers\":\"1.0\"}").unwrap_err();
        assert!(err.contains("`1.0` is not semver"), "{err}");
    }

    #[test]
    fn sparse_prefix_and_slash_are_normalised() {
        let index = CratesIndex::new("sparse+http://127.0.0.1:1/index", DEFAULT_TIMEOUT);
        assert_eq!(index.base_url(), "http://127.0.0.1:1/index/");
    }

    #[test]
    fn invalid_names_fail_before_any_request() {
        // Port 9 (discard) on loopback: nothing is sent, since the name is refused first.
        let index = CratesIndex::new("http://127.0.0.1:9/", DEFAULT_TIMEOUT);
        let err = index.versions("../config.json").unwrap_err();
        assert_eq!(err.message, "`../config.json` is not a valid crate name");
    }
}
