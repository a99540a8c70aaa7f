//! Where a release goes: the cargo registry (by name, and the index to ask), the Python
//! index to ask and the URL to upload to. One resolution serves `verify`, `publish` and
//! `yank`, so all three look at the same servers.
use std::time::Duration;

use super::{CratesIndex, PyIndex, env_url};
use crate::error::Failure;
use crate::project::Project;

const TIMEOUT: Duration = Duration::from_secs(10);
const PYPI_UPLOAD: &str = "https://upload.pypi.org/legacy/";
const PYPI_SIMPLE: &str = "https://pypi.org/simple/";

/// Choices from the command line; `None` falls back to configuration, then defaults.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub registry: Option<String>,
    pub index_url: Option<String>,
    pub publish_url: Option<String>,
}

#[derive(Debug)]
pub struct Targets {
    /// The name passed to cargo's `--registry`; `None` is crates.io.
    pub registry: Option<String>,
    pub crates: CratesIndex,
    pub python: PyIndex,
    /// `None` when the Python index is not PyPI and no upload URL was given: only
    /// uploading needs it, so only `publish` refuses that (see [`Targets::upload_url`]).
    publish_url: Option<String>,
    /// Where the configuration's `publish-url` goes, for the message that asks for it.
    config_table: String,
}

impl Targets {
    pub fn resolve(project: &Project, given: &Overrides) -> Result<Self, Failure> {
        let config = &project.config;
        let registry = given.registry.clone().or_else(|| project.cargo_registry());
        let crates = match env_url("CARGO_PYRELEASE_CRATES_INDEX")
            .or_else(|| config.crates_index.clone())
        {
            Some(url) => CratesIndex::new(&url, TIMEOUT),
            None => match &registry {
                None => CratesIndex::crates_io(),
                Some(name) => {
                    let url = crate::project::cargo_config::registry_index(&project.root, name)
                        .ok_or_else(|| {
                            Failure::usage(format!("the cargo registry `{name}` is not configured"))
                                .help(format!(
                                    "add `[registries.{name}] index = \"...\"` to `.cargo/config.toml`, or set `CARGO_REGISTRIES_{}_INDEX`",
                                    name.to_uppercase().replace('-', "_")
                                ))
                        })?;
                    CratesIndex::from_cargo_url(&url, TIMEOUT)
                }
            },
        };
        let index_url = given
            .index_url
            .clone()
            .or_else(|| env_url("CARGO_PYRELEASE_PYPI_SIMPLE"))
            .or_else(|| config.index_url.clone());
        let is_pypi = |url: &String| url.trim_end_matches('/') == PYPI_SIMPLE.trim_end_matches('/');
        let given_publish = given
            .publish_url
            .clone()
            .or_else(|| config.publish_url.clone());
        let index_url = match (index_url, &given_publish) {
            (None, Some(upload)) => Some(simple_of(upload, &project.config_table())?),
            (index, _) => index,
        };
        let publish_url = given_publish
            // Upload URLs follow no rule from the simple URL (PyPI's is another host).
            .or_else(|| {
                index_url
                    .as_ref()
                    .is_none_or(is_pypi)
                    .then(|| PYPI_UPLOAD.to_string())
            });
        let python = match index_url {
            Some(url) => PyIndex::new(&url, TIMEOUT),
            None => PyIndex::pypi(),
        };
        Ok(Self {
            registry,
            crates,
            python,
            publish_url,
            config_table: project.config_table(),
        })
    }

    /// The Python index's upload URL.
    pub fn upload_url(&self) -> Result<&str, Failure> {
        self.publish_url.as_deref().ok_or_else(|| {
            Failure::usage(format!(
                "the Python index `{}` has no upload URL",
                super::redact_url(self.python.simple_url())
            ))
            .help(format!(
                "pass `--publish-url URL` or set `publish-url` in `{}`",
                self.config_table
            ))
        })
    }

    /// Where a crate of the release can be seen, for messages.
    pub fn crates_name(&self) -> String {
        match &self.registry {
            Some(name) => format!("registry `{name}`"),
            None => "crates.io".to_string(),
        }
    }

    pub fn is_pypi(&self) -> bool {
        self.python.simple_url() == PYPI_SIMPLE
    }

    /// A short name of this pair of registries (the crates index and the Python index),
    /// for the journal's file name: one version released to two pairs has two journals.
    pub fn key(&self) -> String {
        use sha2::Digest as _;
        let pair = format!(
            "{}\n{}",
            super::redact_url(self.crates.base_url()),
            super::redact_url(self.python.simple_url())
        );
        sha2::Sha256::digest(pair.as_bytes())
            .iter()
            .take(6)
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// The simple API of the index an upload URL belongs to, where that is known (PyPI and
/// TestPyPI); for any other index, asking pypi.org would check the wrong index (and tell
/// it the project's name), so the user must say.
fn simple_of(upload: &str, config_table: &str) -> Result<String, Failure> {
    let known = [
        (PYPI_UPLOAD, PYPI_SIMPLE),
        (
            "https://test.pypi.org/legacy/",
            "https://test.pypi.org/simple/",
        ),
    ];
    let trimmed = upload.trim().trim_end_matches('/');
    known
        .iter()
        .find(|(up, _)| up.trim_end_matches('/') == trimmed)
        .map(|(_, simple)| (*simple).to_string())
        .ok_or_else(|| {
            Failure::usage(format!(
                "`--publish-url {}` is given without the index's simple API",
                super::redact_url(upload)
            ))
            .help(format!("pass `--index-url URL` (or set `index-url` in `{config_table}`) too: look-ups must ask the index the files go to"))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_upload_url_names_its_index_only_when_known() {
        assert_eq!(
            simple_of(
                "https://upload.pypi.org/legacy",
                "[package.metadata.pyrelease]"
            )
            .unwrap(),
            PYPI_SIMPLE
        );
        assert_eq!(
            simple_of(
                "https://test.pypi.org/legacy/",
                "[package.metadata.pyrelease]"
            )
            .unwrap(),
            "https://test.pypi.org/simple/"
        );
        let err = simple_of(
            "https://u:secret@pypi.corp.example/upload/",
            "[package.metadata.pyrelease]",
        )
        .unwrap_err();
        assert!(err.message.contains("without the index's simple API"));
        assert!(!err.message.contains("secret"), "{}", err.message);
    }
}
