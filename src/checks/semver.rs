//! Breaking changes against the last release, as findings: the level rule (a breaking
//! change needs a major step, a minor one below 1.0) and the changelog rule (the version's
//! section says that it breaks, and names what).
use super::FindingId;
use super::Findings;
use crate::api::{Break, Report, Side, short_name};
use crate::plan::auto::{self, Change};
use crate::project::Project;
use crate::version::{self, Target};

/// The changelog section a release is described by: the version's own, or `[Unreleased]`
/// before `bump` turns it into that.
pub struct Section<'a> {
    pub label: String,
    pub text: &'a str,
    pub line: usize,
}

/// The findings of `report` for a release of `new`, minus those allowed in config.
pub fn findings(
    project: &Project,
    report: &Report,
    new: &semver::Version,
    section: Option<Section<'_>>,
) -> Vec<super::Finding> {
    let mut f = Findings {
        root: &project.root,
        list: Vec::new(),
    };
    check(project, report, new, section, &mut f);
    super::drop_allowed(project, &mut f.list);
    f.list
}

fn check(
    project: &Project,
    report: &Report,
    new: &semver::Version,
    section: Option<Section<'_>>,
    f: &mut Findings<'_>,
) {
    for b in &report.breaks {
        level_rule(b, new, f);
    }
    if let (Some(section), Some(changelog)) = (section, &project.changelog) {
        changelog_rule(&report.breaks, &section, &changelog.path, f);
    }
    for failure in &report.failures {
        f.warn(
            FindingId::ApiCheckFailed,
            None,
            format!("the API could not be compared with the last release: {failure}"),
            "fix the cause and re-run; the breaking-change checks of this release are incomplete",
        );
    }
}

/// The error of a break the step from its baseline to `new` does not allow.
fn level_rule(b: &Break, new: &semver::Version, f: &mut Findings<'_>) {
    let from = &b.baseline_semver;
    if auto::allowed(from, new) == Change::Breaking {
        return;
    }
    let level = auto::needed(from, Change::Breaking);
    let next = version::bump(from, &Target::Level(level), None, false)
        .map_or_else(|_| "a new version".to_string(), |v| v.to_string());
    let (id, what) = match b.side {
        Side::Rust => (FindingId::SemverBreaking, "crate"),
        Side::Python => (FindingId::PythonApiBreaking, "Python package"),
    };
    f.error(
        id,
        Some((&b.manifest, None)),
        format!(
            "the {what} `{}` {new} breaks the API of {}, which a {} release does not allow: {}",
            b.package,
            b.baseline,
            step(from, new),
            b.items.join("; ")
        ),
        format!(
            "this needs a {} bump from {} (to {next}): `cargo pyrelease bump auto` picks it; or restore what was removed",
            auto::explain(from, Change::Breaking),
            b.baseline
        ),
    );
}

/// The digit a step moves: `patch` for 0.1.0 -> 0.1.1.
fn step(from: &semver::Version, to: &semver::Version) -> &'static str {
    if to.major != from.major {
        "major"
    } else if to.minor != from.minor {
        "minor"
    } else {
        "patch"
    }
}

fn changelog_rule(
    breaks: &[Break],
    section: &Section<'_>,
    path: &std::path::Path,
    f: &mut Findings<'_>,
) {
    let items: Vec<&str> = breaks
        .iter()
        .flat_map(|b| &b.items)
        .map(|i| i.as_str())
        .collect();
    if items.is_empty() {
        return;
    }
    let unmentioned: Vec<String> = {
        let mut names: Vec<String> = items
            .iter()
            .map(|i| short_name(i))
            .filter(|name| !mentions(section.text, name))
            .map(|name| format!("`{name}`"))
            .collect();
        names.dedup();
        names
    };
    let at = Some((path, Some(section.line)));
    if !says_breaking(section.text) {
        f.error(
            FindingId::BreakingNotInChangelog,
            at,
            format!(
                "the changelog section {} does not say that this release breaks the API ({})",
                section.label,
                items.join("; ")
            ),
            "add a `### Breaking` (or `### Removed` / `### Changed`) group naming what changed, or mark an entry **BREAKING**",
        );
    } else if !unmentioned.is_empty() {
        f.warn(
            FindingId::BreakingUnmentioned,
            at,
            format!(
                "the changelog section {} does not mention {}, which this release breaks",
                section.label,
                unmentioned.join(", ")
            ),
            "name each removed or changed item in the section, so users know what to change",
        );
    }
}

/// A Breaking/Removed/Changed group, or an entry marked breaking.
fn says_breaking(section: &str) -> bool {
    section.lines().any(|line| {
        let lower = line.trim().to_lowercase();
        let heading = lower.trim_start_matches('#').trim();
        (lower.starts_with('#')
            && ["breaking", "removed", "changed"]
                .iter()
                .any(|g| heading.starts_with(g)))
            || lower.contains("breaking")
    })
}

/// `name` as a word of `text` (`changed` in "`changed` takes b", not in "unchanged").
fn mentions(text: &str, name: &str) -> bool {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .any(|word| word == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_say_breaking_by_group_or_mark() {
        assert!(says_breaking("### Removed\n- `old`\n"));
        assert!(says_breaking("## Breaking changes\n- x\n"));
        assert!(says_breaking("### Fixed\n- **BREAKING**: `x` takes `y`\n"));
        assert!(!says_breaking("### Added\n- `added`\n"));
        assert!(mentions("- `changed` takes b", "changed"));
        assert!(!mentions("- nothing unchanged", "changed"));
    }
}
