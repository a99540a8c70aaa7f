//! The publish record (the "publish journal"), `target/pyrelease/<version>-<registries>.json`: what was built
//! (paths and sha256, from which commit and inputs), which gates passed for them and which
//! irreversible steps are done, so a re-run after a failure re-uses the same files and
//! finishes the rest.
//!
//! It is a cache, never the truth: every run asks the registries what they hold, and a
//! lost journal costs a rebuild, not the release. It is keyed by version and by the pair
//! of registries, so the same version published to a second pair starts its own. It holds
//! no secrets: commands are recorded as printed, after redaction, and tokens never appear
//! in command lines.
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use crate::error::Failure;

/// Bumped when the layout changes incompatibly; an unknown format is refused, not guessed.
const FORMAT: u32 = 2;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PublishRecord {
    pub format: u32,
    /// The release's version, semver as in Cargo.toml.
    pub version: String,
    pub pep440: Option<String>,
    /// The commit the artifacts were built from (`None` outside git).
    #[serde(default)]
    pub commit: Option<String>,
    /// A digest of the release's inputs beyond the commit (see `ops::publish::inputs`):
    /// artifacts are reused only when commit and inputs both match.
    #[serde(default)]
    pub inputs: String,
    /// The gates that passed for this commit and inputs: a resume does not run them again.
    #[serde(default)]
    pub gates: Vec<String>,
    /// How many times the artifacts were built for this version: a resumed run re-uses
    /// them, so this stays 1 unless they were missing or changed.
    pub builds: u32,
    pub artifacts: Vec<Artifact>,
    /// Irreversible steps done, in order.
    pub done: Vec<Done>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Crate,
    Sdist,
    Wheel,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Artifact {
    pub kind: Kind,
    /// The crate or Python project the file belongs to.
    pub name: String,
    pub path: PathBuf,
    pub sha256: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Done {
    /// `crate:NAME`, `python:FILE`, `tag`, `push`, `github-release`.
    pub step: String,
    /// The command line that did it, or `already on <registry>` when it was found done.
    pub how: String,
}

impl PublishRecord {
    pub fn new(version: &semver::Version, pep440: Option<&str>) -> Self {
        Self {
            format: FORMAT,
            version: version.to_string(),
            pep440: pep440.map(str::to_string),
            commit: None,
            inputs: String::new(),
            gates: Vec::new(),
            builds: 0,
            artifacts: Vec::new(),
            done: Vec::new(),
        }
    }

    /// `registries` names the pair of registries (see `Targets::key`).
    pub fn path(release_dir: &Path, version: &semver::Version, registries: &str) -> PathBuf {
        release_dir.join(format!("{version}-{registries}.json"))
    }

    /// Whether the artifacts recorded were built from `commit` with `inputs`.
    pub fn built_from(&self, commit: Option<&str>, inputs: &str) -> bool {
        self.builds > 0 && self.commit.as_deref() == commit && self.inputs == inputs
    }

    /// Starts the bookkeeping of a new build: the old artifacts and gates are of other
    /// inputs; the steps done stay (they happened).
    pub fn rebind(&mut self, commit: Option<String>, inputs: String) {
        self.commit = commit;
        self.inputs = inputs;
        self.gates.clear();
        self.artifacts.clear();
    }

    /// The journal of an earlier run of this version, if there is one.
    pub fn load(path: &Path) -> anyhow::Result<Option<Self>> {
        let text = match std::fs::read_to_string(path) {
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            other => other.with_context(|| format!("failed to read `{}`", path.display()))?,
        };
        let journal: Self = serde_json::from_str(&text).map_err(|err| {
            Failure::usage(format!("the publish journal is not valid: {err}"))
                .at(path, Some(err.line()))
                .help("delete it to start this release's bookkeeping afresh (the registries are asked again either way)")
        })?;
        if journal.format != FORMAT {
            return Err(Failure::usage(format!(
                "the publish journal has format {}, this cargo-pyrelease reads format {FORMAT}",
                journal.format
            ))
            .at(path, None)
            .help("finish the release with the cargo-pyrelease that started it, or delete the journal (the registries are asked again either way)")
            .into());
        }
        Ok(Some(journal))
    }

    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(self)?;
        crate::exec::fs::write_atomic(path, crate::redact::redact(&text).as_bytes())
    }

    pub fn is_done(&self, step: &str) -> bool {
        self.done.iter().any(|d| d.step == step)
    }

    pub fn mark(&mut self, step: impl Into<String>, how: impl Into<String>) {
        let step = step.into();
        if !self.is_done(&step) {
            self.done.push(Done {
                step,
                how: how.into(),
            });
        }
    }
}

/// The lowercase hex sha256 of a file.
pub fn sha256_file(path: &Path) -> anyhow::Result<String> {
    use sha2::Digest as _;
    let mut file = std::fs::File::open(path)
        .with_context(|| format!("failed to read `{}`", path.display()))?;
    let mut hasher = sha2::Sha256::new();
    std::io::copy(&mut file, &mut hasher)
        .with_context(|| format!("failed to read `{}`", path.display()))?;
    Ok(hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_other_formats() {
        let dir = tempfile::tempdir().unwrap();
        let v = semver::Version::parse("1.2.0-rc.1").unwrap();
        let path = PublishRecord::path(dir.path(), &v, "k");
        assert!(path.ends_with("1.2.0-rc.1-k.json"));
        assert_eq!(PublishRecord::load(&path).unwrap(), None);
        let mut j = PublishRecord::new(&v, Some("1.2.0rc1"));
        j.mark("crate:a", "cargo publish -p a");
        j.mark("crate:a", "again");
        j.save(&path).unwrap();
        let back = PublishRecord::load(&path).unwrap().unwrap();
        assert_eq!(back, j);
        assert_eq!(back.done.len(), 1);

        j.rebind(Some("abc".into()), "in".into());
        assert!(!j.built_from(Some("abc"), "in"), "nothing built yet");
        j.builds = 1;
        assert!(j.built_from(Some("abc"), "in"));
        assert!(!j.built_from(Some("def"), "in"));
        assert!(!j.built_from(Some("abc"), "other"));
        assert_eq!(j.done.len(), 1, "steps done stay done");

        crate::exec::fs::write_atomic(&path, br#"{"format": 99}"#).unwrap();
        assert!(PublishRecord::load(&path).is_err());
    }

    #[test]
    fn sha256_of_a_known_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x");
        crate::exec::fs::write_atomic(&file, b"abc").unwrap();
        assert_eq!(
            sha256_file(&file).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
