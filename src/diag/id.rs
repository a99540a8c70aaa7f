//! Every finding id `verify` can report: the one list the README table, `allow = [...]`
//! and the JSON `id` field come from.
use std::str::FromStr;

use strum::{EnumMessage as _, IntoEnumIterator as _};

/// A finding's stable kebab-case id. The message of each variant is its line in the
/// README's table (a test holds the two together).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    strum::EnumString,
    strum::IntoStaticStr,
    strum::EnumIter,
    strum::EnumMessage,
)]
#[strum(serialize_all = "kebab-case")]
pub enum FindingId {
    #[strum(
        message = "a file the release edits cannot be read as what it must be (not UTF-8, not TOML, a value of the wrong type, an entry twice): exit 2, as every command that reads it"
    )]
    FileInvalid,
    #[strum(
        message = "a `version-files` entry names no file, or its pattern does not match exactly once: exit 2, as every command that reads it"
    )]
    ConfigInvalid,
    #[strum(message = "Cargo's version has no faithful PEP 440 spelling")]
    VersionNotPep440,
    #[strum(message = "the version is a placeholder (0.0.0, 999.0.0)")]
    PlaceholderVersion,
    #[strum(message = "a static pyproject.toml version differs from Cargo's")]
    PyprojectVersionMismatch,
    #[strum(
        message = "a static pyproject.toml version is Cargo's, spelled otherwise (`3.0.0-alpha.0` for `3.0.0a0`)"
    )]
    PyprojectVersionSpelling,
    #[strum(message = "pyproject.toml has neither `version` nor `dynamic = [\"version\"]`")]
    PyprojectVersionMissing,
    #[strum(message = "uv.lock records another version of the project")]
    UvLockStale,
    #[strum(message = "a configured version file holds another version")]
    VersionFileStale,
    #[strum(message = "Cargo.lock records another version of a released crate")]
    CargoLockStale,
    #[strum(message = "a requirement on a released crate does not match its version")]
    DependentRequirementStale,
    #[strum(message = "no changelog file was found")]
    ChangelogMissing,
    #[strum(message = "the changelog has no section for this version")]
    ChangelogNoSection,
    #[strum(message = "the section of this version lists no changes")]
    ChangelogSectionEmpty,
    #[strum(message = "the section is dated in the future")]
    ChangelogDateFuture,
    #[strum(message = "two sections for one version, or two Unreleased sections")]
    ChangelogDuplicateSection,
    #[strum(message = "the newest section is above the version in Cargo.toml")]
    ChangelogReleaseAhead,
    #[strum(message = "the compare link of this version points at other tags")]
    ChangelogCompareLink,
    #[strum(message = "the tag being released is not prefix + version")]
    TagMismatch,
    #[strum(
        message = "the tag prefix + version cannot be a git tag (`git check-ref-format` refuses it)"
    )]
    TagInvalid,
    #[strum(message = "the tag already exists on another commit")]
    TagExists,
    #[strum(message = "uncommitted changes in the working tree")]
    GitDirty,
    #[strum(message = "not on a branch allowed by `allow-branch`")]
    GitBranch,
    #[strum(message = "HEAD is behind its upstream")]
    GitBehind,
    #[strum(message = "a crate to publish has no description")]
    CrateDescription,
    #[strum(
        message = "a crate to publish has no license or license-file, or a `license` crates.io refuses (not an SPDX expression)"
    )]
    CrateLicense,
    #[strum(message = "no repository, homepage or documentation")]
    CrateLinks,
    #[strum(message = "the crate's readme file does not exist")]
    CrateReadme,
    #[strum(message = "more than 5 keywords, or one crates.io refuses")]
    CrateKeywords,
    #[strum(message = "`cargo publish` refuses path-only dependencies")]
    PathDependencyWithoutVersion,
    #[strum(message = "a published crate depends on a `publish = false` crate")]
    UnpublishedDependency,
    #[strum(message = "invalid / not normalised Python project name")]
    PypiName,
    #[strum(message = "no `requires-python`")]
    PypiRequiresPython,
    #[strum(message = "no `readme` in `[project]`")]
    PypiReadme,
    #[strum(message = "no `license` in `[project]`")]
    PypiLicense,
    #[strum(
        message = "not a valid trove classifier (list in `data/classifiers.txt`, refreshed by `scripts/refresh-classifiers.sh`)"
    )]
    PypiClassifier,
    #[strum(message = "no `Programming Language :: Rust` classifier")]
    PypiRustClassifier,
    #[strum(message = "the crate name on crates.io is another project's (online)")]
    CrateNameTaken,
    #[strum(message = "the version is already on the cargo registry (online)")]
    CrateAlreadyPublished,
    #[strum(
        message = "a crate taken for PyPI-only (its manifest could not be published) is on the cargo registry already (online)"
    )]
    CrateOnRegistryNotPublished,
    #[strum(message = "a higher version is already on the cargo registry (online)")]
    CrateVersionNotHigher,
    #[strum(message = "the version is already on the Python index (online)")]
    PypiAlreadyPublished,
    #[strum(message = "a higher version is already on the Python index (online)")]
    PypiVersionNotHigher,
    #[strum(message = "a registry could not be asked (network, 10 s timeout)")]
    RegistryUnreachable,
    #[strum(
        message = "a crate breaks its last release's API in a step that does not allow it (online)"
    )]
    SemverBreaking,
    #[strum(
        message = "the Python package breaks its last release's API in a step that does not allow it (online)"
    )]
    PythonApiBreaking,
    #[strum(
        message = "the version's changelog section does not say that it breaks the API (online)"
    )]
    BreakingNotInChangelog,
    #[strum(message = "the section does not name a removed or changed item (online)")]
    BreakingUnmentioned,
    #[strum(
        message = "`verify --docs`: a crate's documentation does not build as docs.rs builds it"
    )]
    DocsBuildFailed,
    #[strum(
        message = "the API could not be compared with the last release (a build, a tool, a registry failed)"
    )]
    ApiCheckFailed,
}

impl FindingId {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// What the id means, in one line (the README's table).
    pub fn description(self) -> &'static str {
        self.get_message().unwrap_or_default()
    }

    /// Whether the finding is bad input (exit 2) rather than a failed check (exit 1): a
    /// file or setting no command can work with, which `bump` and `sync` refuse as they
    /// meet it. `allow` cannot take these.
    pub fn is_bad_input(self) -> bool {
        matches!(self, Self::FileInvalid | Self::ConfigInvalid)
    }

    pub fn all() -> impl Iterator<Item = FindingId> {
        Self::iter()
    }

    /// `s` as an id, or what to say about it: the closest id when there is one near.
    pub fn parse(s: &str) -> Result<Self, String> {
        Self::from_str(s).map_err(|_| {
            let closest = Self::iter()
                .map(|id| (strsim::jaro(s, id.as_str()), id))
                .max_by(|a, b| a.0.total_cmp(&b.0))
                .filter(|(score, _)| *score > 0.8);
            match closest {
                Some((_, id)) => format!("did you mean `{id}`?"),
                None => "the ids are listed in the README's `verify` table".to_string(),
            }
        })
    }
}

impl std::fmt::Display for FindingId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for FindingId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_kebab_case_and_round_trip() {
        for id in FindingId::all() {
            let s = id.as_str();
            assert!(
                s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{s}"
            );
            assert_eq!(FindingId::parse(s), Ok(id));
            assert!(!id.description().is_empty(), "{s} has no description");
        }
        assert_eq!(FindingId::VersionNotPep440.as_str(), "version-not-pep440");
    }

    /// The README's finding table and the enum hold the same ids, each with its line.
    #[test]
    fn the_readme_table_is_the_enum() {
        let readme = include_str!("../../README.md");
        let table = readme
            .split_once("| id | severity | what |\n|---|---|---|\n")
            .expect("the README has the finding table")
            .1;
        let rows: Vec<(&str, &str)> = table
            .lines()
            .take_while(|l| l.starts_with('|'))
            .map(|l| {
                let cells: Vec<&str> = l.trim_matches('|').split(" | ").map(str::trim).collect();
                (cells[0].trim_matches('`'), cells[2])
            })
            .collect();
        for (id, what) in &rows {
            let known = FindingId::parse(id)
                .unwrap_or_else(|_| panic!("README lists `{id}`, which is not a FindingId"));
            assert_eq!(known.description(), *what, "the README line of `{id}`");
        }
        for id in FindingId::all() {
            assert!(
                rows.iter().any(|(r, _)| *r == id.as_str()),
                "`{id}` is not in the README's finding table"
            );
        }
    }

    #[test]
    fn a_near_miss_gets_a_suggestion() {
        assert_eq!(
            FindingId::parse("git-dirt"),
            Err("did you mean `git-dirty`?".to_string())
        );
        assert!(
            !FindingId::parse("zzz")
                .unwrap_err()
                .contains("did you mean")
        );
    }
}
