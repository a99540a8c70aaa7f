//! `bump`'s changelog edit: where the new section's entries come from, and the new text.
//!
//! The entries come from the Unreleased section (the default when the file has one), from
//! the commits since the last release (the default otherwise: a quarter of real projects
//! write their section at release time or generate it), or nowhere (`--changelog=none`
//! leaves the file alone). A final release after pre-releases (`1.3.0` after
//! `1.3.0-rc.2`) also gathers the entries of the `1.3.0-*` sections, so its own section
//! says everything that changed since the last final release.
use crate::changelog::commits::{self, Commit};
use crate::changelog::groups::Groups;
use crate::changelog::{self, Changelog, ChangelogError, ReleaseEdit};
use crate::diag::FindingId;
use crate::error::{Failure, Kind};
use crate::project::{ChangelogFile, Project};

/// Where a new section's entries come from (`--changelog`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The Unreleased section becomes the release's.
    Unreleased,
    /// A section written from the commits since the last release (and Unreleased's
    /// entries, if any).
    Commits,
    /// The changelog is not edited.
    None,
}

impl Source {
    /// `--changelog` as given, or else what suits the file.
    pub fn resolve(asked: Option<Source>, cl: &Changelog) -> Source {
        asked.unwrap_or(if cl.unreleased().is_some() {
            Source::Unreleased
        } else {
            Source::Commits
        })
    }
}

/// What the new section is made of.
pub struct Inputs<'a> {
    pub source: Source,
    pub edit: ReleaseEdit<'a>,
    pub new: &'a semver::Version,
    pub allow_empty: bool,
    /// The commits since the last release, newest first (read only for `Source::Commits`).
    pub commits: &'a [Commit],
    /// The tag the commits start after, for messages.
    pub since: Option<&'a str>,
}

/// The changelog's new text, or `None` when it is not edited.
pub fn edit(
    project: &Project,
    file: &ChangelogFile,
    inputs: &Inputs,
) -> anyhow::Result<Option<String>> {
    if inputs.source == Source::None {
        return Ok(None);
    }
    let cl = &file.parsed;
    // A state `verify` reports as a finding is a failed check (exit 1) from bump too.
    let at = |kind: Kind, line: Option<usize>, message: String, help: &str| -> anyhow::Error {
        Failure::new(kind, format!("{}: {message}", project.rel(&file.path)))
            .at(&file.path, line)
            .help(help.to_string())
            .into()
    };
    // Two sections for one version make its notes (and the tag message) ambiguous;
    // a release would carry the confusion forward rather than settle it.
    if let Some((version, first, later)) = cl.duplicates().into_iter().next() {
        return Err(at(
            Kind::Check(FindingId::ChangelogDuplicateSection),
            Some(later),
            format!("the changelog has two sections for {version} (lines {first} and {later})"),
            "merge them into one section, then bump again",
        ));
    }
    // Two pending sections: which one is this release's is a guess we do not make.
    if let Some((first, second)) = cl.unreleased_twice() {
        return Err(at(
            Kind::Check(FindingId::ChangelogDuplicateSection),
            Some(second),
            format!("the changelog has two Unreleased sections (lines {first} and {second})"),
            "merge them into one section, then bump again",
        ));
    }
    // The new section would go below a newer release's (the order, and the notes of that
    // release, would be wrong). A downgrade (`--allow-downgrade`) stays below Cargo's.
    let highest = std::cmp::max(&project.version, inputs.new);
    if let Some((ahead, section)) = cl.release_above(&highest.to_string()) {
        return Err(at(
            Kind::Check(FindingId::ChangelogReleaseAhead),
            Some(section.line),
            format!(
                "the changelog's newest section is for {ahead}, above the version in Cargo.toml ({}) and the new one ({})",
                project.version, inputs.new
            ),
            &crate::changelog::ahead_help(ahead, &project.config_table()),
        ));
    }
    let gathered = prerelease_entries(cl, inputs.new);
    // A gathered section tells everything since the last final release: its compare
    // link starts there too.
    let last_final = cl
        .releases()
        .map(|(v, _)| v)
        .find(|v| as_semver(v).is_some_and(|v| v.pre.is_empty() && v < *inputs.new));
    let edit = ReleaseEdit {
        previous: if gathered.is_empty() {
            inputs.edit.previous
        } else {
            last_final.or(inputs.edit.previous)
        },
        ..inputs.edit
    };
    let edit = &edit;
    let level = cl.style.level + 1;
    let unreleased = cl.unreleased().map(|u| Groups::parse(cl.section_body(u)));
    // The new section's body, when it is not the Unreleased body as it stands.
    let body = match inputs.source {
        Source::Commits => {
            let mut body = unreleased.unwrap_or_default();
            body.merge(commits::groups(inputs.commits, level));
            body.merge(gathered);
            if body.is_empty() && !inputs.allow_empty {
                let since = inputs
                    .since
                    .map_or("in the history".to_string(), |t| format!("since `{t}`"));
                return Err(at(
                    Kind::Usage,
                    cl.unreleased().map(|u| u.line),
                    format!("there are no commits {since} to write the changelog section from"),
                    "commit the changes first, or pass `--allow-empty-changelog` to write the heading alone",
                ));
            }
            Some(body)
        }
        _ if gathered.is_empty() => None,
        _ => {
            let Some(mut body) = unreleased else {
                return Err(refused(project, file, ChangelogError::NoUnreleased));
            };
            body.merge(gathered);
            Some(body)
        }
    };
    let released = match body {
        Some(body) => changelog::release_with_body(cl, edit, &body.render()),
        None => changelog::release(cl, edit, inputs.allow_empty),
    };
    released.map(Some).map_err(|e| refused(project, file, e))
}

/// The entries of the pre-release sections of `new` (`1.3.0-rc.1`, `1.3.0b2`), newest
/// first, when `new` is their final release; empty otherwise.
fn prerelease_entries(cl: &Changelog, new: &semver::Version) -> Groups {
    let mut out = Groups::default();
    if !new.pre.is_empty() {
        return out;
    }
    for (version, section) in cl.releases() {
        if let Some(v) = as_semver(version)
            && !v.pre.is_empty()
            && (v.major, v.minor, v.patch) == (new.major, new.minor, new.patch)
        {
            out.merge(Groups::parse(cl.section_body(section)));
        }
    }
    out
}

/// A heading's version in semver, however it is spelled (`1.3.0rc1` is `1.3.0-rc.1`).
fn as_semver(version: &str) -> Option<semver::Version> {
    let bare = changelog::strip_v(version);
    semver::Version::parse(bare)
        .ok()
        .or_else(|| crate::version::pep440_to_semver(bare).ok())
}

/// A splice refusal, with the ways on.
fn refused(project: &Project, file: &ChangelogFile, e: ChangelogError) -> anyhow::Error {
    let (kind, line, help) = match &e {
        // Nothing to become the new version's section: what `verify` names for a version
        // without one.
        ChangelogError::NoUnreleased => (
            Kind::Check(FindingId::ChangelogNoSection),
            None,
            "or pass `--changelog=commits` to write the section from the commits since the last release",
        ),
        // The state `verify` reports as an empty section: a failed check from both.
        ChangelogError::EmptyUnreleased { line } => (
            Kind::Check(FindingId::ChangelogSectionEmpty),
            Some(*line),
            "or pass `--changelog=commits` to fill it from the commits since the last release, or `--allow-empty-changelog` to release without notes",
        ),
        // A section for a version above Cargo's: `verify`'s release-ahead.
        ChangelogError::AlreadyReleased { line, .. } => (
            Kind::Check(FindingId::ChangelogReleaseAhead),
            Some(*line),
            "or pass `--changelog=none` to leave the changelog as it is",
        ),
    };
    Failure::new(kind, format!("{}: {e}", project.rel(&file.path)))
        .at(&file.path, line)
        .help(help)
        .into()
}
