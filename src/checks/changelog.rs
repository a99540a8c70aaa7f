//! The changelog has a dated, non-empty section for the version being released.
use super::{Context, FindingId, Findings};
use crate::project::Project;
use crate::project::config::ChangelogSetting;

pub fn check(project: &Project, ctx: &Context, f: &mut Findings<'_>) {
    let Some(changelog) = &project.changelog else {
        if project.config.changelog == ChangelogSetting::None {
            return;
        }
        f.warn(
            FindingId::ChangelogMissing,
            None,
            "no changelog found (looked for CHANGELOG.md, HISTORY.md, CHANGES.md, docs/release-notes.md)",
            format!(
                "create CHANGELOG.md with an `## [Unreleased]` section, or set `changelog = \"path\"` in `{}` (`changelog = false` if the package keeps none)",
                project.config_table()
            ),
        );
        return;
    };
    let path = changelog.path.as_path();
    let cl = &changelog.parsed;
    let version = project.version.to_string();
    let section = cl.release(&version);
    match section {
        None => {
            let at = cl.unreleased().map(|s| s.line);
            f.error(
                FindingId::ChangelogNoSection,
                Some((path, at)),
                format!("the changelog has no section for {version}"),
                format!(
                    "`cargo pyrelease bump {version}` turns `[Unreleased]` into its section (the first release of the current version; `bump patch|minor|major` for the next one); or add a `{}` heading by hand",
                    cl.style.render(&version, "DATE", None).replace('\n', " ")
                ),
            );
        }
        Some(section) => {
            if !cl.lists_changes(section) {
                f.error(
                    FindingId::ChangelogSectionEmpty,
                    Some((path, Some(section.line))),
                    format!("the changelog section for {version} lists no changes"),
                    "write what changed in this release under its heading",
                );
            }
            if let Some(date) = &section.date
                && date.as_str() > ctx.today.as_str()
            {
                f.error(
                    FindingId::ChangelogDateFuture,
                    Some((path, Some(section.line))),
                    format!(
                        "the section for {version} is dated {date}, after today ({})",
                        ctx.today
                    ),
                    format!("set the date to the release day, e.g. {}", ctx.today),
                );
            }
        }
    }
    for (dup, first, second) in cl.duplicates() {
        f.error(
            FindingId::ChangelogDuplicateSection,
            Some((path, Some(second))),
            format!("{dup} has two sections (lines {first} and {second})"),
            "merge them into one",
        );
    }
    if let Some((first, second)) = cl.unreleased_twice() {
        f.error(
            FindingId::ChangelogDuplicateSection,
            Some((path, Some(second))),
            format!("the changelog has two Unreleased sections (lines {first} and {second})"),
            "merge them into one",
        );
    }
    // A placeholder (0.0.0, the version set from the tag in CI) is below every release.
    if let Some((ahead, section)) = cl
        .release_above(&version)
        .filter(|_| !crate::project::placeholder::is_placeholder(&project.version))
    {
        f.error(
            FindingId::ChangelogReleaseAhead,
            Some((path, Some(section.line))),
            format!(
                "the changelog's newest section is for {ahead}, above the version in Cargo.toml ({version})"
            ),
            crate::changelog::ahead_help(ahead, &project.config_table()),
        );
    }
    let tag = project.tag();
    for link in &cl.links {
        let points_elsewhere = link.url.contains("compare")
            && (crate::changelog::same_version(&link.label, &version) && !link.url.ends_with(&tag)
                || link.label.eq_ignore_ascii_case("unreleased")
                    && section.is_some()
                    && !link.url.contains(&format!("{tag}..."))
                    && !link.url.contains(&format!("{tag}..")));
        if points_elsewhere {
            f.warn(
                FindingId::ChangelogCompareLink,
                Some((path, Some(link.line))),
                format!(
                    "the `[{}]` link does not compare with the tag `{tag}`: {}",
                    link.label, link.url
                ),
                format!("point it at `{tag}`"),
            );
        }
    }
}
