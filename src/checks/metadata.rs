//! What crates.io and PyPI need in the metadata of what is published.
use super::FindingId;
use cargo_metadata::DependencyKind;
use toml_edit::TableLike;

use super::Findings;
use crate::error::line_of;
use crate::project::Project;
use crate::project::config::table_at;
use crate::project::pyproject::PyVersion;

/// Trove classifiers PyPI accepts, refreshed by `scripts/refresh-classifiers.sh`.
const CLASSIFIERS: &str = include_str!("../../data/classifiers.txt");
const RUST_CLASSIFIER: &str = "Programming Language :: Rust";

pub fn check_crates(project: &Project, f: &mut Findings<'_>) {
    let ws = &project.workspace;
    for m in project.unit_members().filter(|m| m.publish) {
        let p = &m.package;
        let at = Some((m.manifest.as_path(), package_line(&m.text)));
        let name = &m.name;
        if p.description.as_deref().is_none_or(|d| d.trim().is_empty()) {
            f.error(
                FindingId::CrateDescription,
                at,
                format!("`{name}` has no `description`: crates.io refuses it"),
                "add `description = \"...\"` to `[package]`",
            );
        }
        if p.license.is_none() && p.license_file.is_none() {
            f.error(
                FindingId::CrateLicense,
                at,
                format!("`{name}` has no `license` or `license-file`: crates.io refuses it"),
                "add an SPDX expression, e.g. `license = \"MIT OR Apache-2.0\"`",
            );
        }
        // crates.io refuses it at upload, when the crates before it are out already.
        if let Some(license) = &p.license
            && let Some(why) = crate::project::crates_io::license_refused(license)
        {
            let line = m
                .text
                .lines()
                .position(|l| l.trim_start().starts_with("license") && l.contains(license.as_str()))
                .map(|i| i + 1);
            f.error(
                FindingId::CrateLicense,
                Some((m.manifest.as_path(), line.or(at.and_then(|(_, l)| l)))),
                format!("`{name}` has `license = \"{license}\"`, which crates.io refuses: not an SPDX expression ({why})"),
                "write SPDX identifiers (https://spdx.org/licenses/), e.g. `BSD-3-Clause` or `MIT OR Apache-2.0`; for a license SPDX does not list, `license-file = \"LICENSE\"`",
            );
        }
        if p.repository.is_none() && p.homepage.is_none() && p.documentation.is_none() {
            f.warn(
                FindingId::CrateLinks,
                at,
                format!("`{name}` has no `repository`, `homepage` or `documentation`"),
                "add `repository = \"https://...\"`, so users can find the source",
            );
        }
        if let Some(readme) = &p.readme {
            let path = m
                .manifest
                .parent()
                .unwrap_or(&project.root)
                .join(readme.as_std_path());
            if !path.is_file() {
                f.error(
                    FindingId::CrateReadme,
                    at,
                    format!("`{name}` names the readme `{readme}`, which does not exist"),
                    "create it or fix `readme` in `[package]`",
                );
            }
        }
        if p.keywords.len() > 5 {
            f.error(
                FindingId::CrateKeywords,
                at,
                format!(
                    "`{name}` has {} keywords; crates.io takes at most 5",
                    p.keywords.len()
                ),
                "keep the five that matter most",
            );
        }
        for keyword in &p.keywords {
            let valid = keyword.len() <= 20
                && keyword.starts_with(|c: char| c.is_ascii_alphanumeric())
                && keyword
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+'));
            if !valid {
                f.error(FindingId::CrateKeywords, at, format!("`{name}` has the keyword `{keyword}`, which crates.io refuses"), "keywords are ASCII letters, digits, `-`, `_` or `+`, start with a letter or digit, and have at most 20 characters");
            }
        }
        for dep in &p.dependencies {
            if dep.kind == DependencyKind::Development {
                // cargo publish drops dev-dependencies without a version.
                continue;
            }
            let dep_line = m
                .text
                .lines()
                .position(|l| {
                    l.trim_start()
                        .starts_with(dep.rename.as_deref().unwrap_or(&dep.name))
                })
                .map(|i| i + 1);
            if dep.path.is_some() && dep.req == semver::VersionReq::STAR {
                f.error(
                    FindingId::PathDependencyWithoutVersion,
                    Some((&m.manifest, dep_line)),
                    format!(
                        "`{name}` depends on `{}` by path only: `cargo publish` refuses it",
                        dep.name
                    ),
                    format!(
                        "add `version = \"...\"` beside `path`, and publish `{}` first",
                        dep.name
                    ),
                );
            }
            // By the folder cargo resolves it to: a registry crate may share a member's name.
            let member = dep
                .path
                .as_ref()
                .and_then(|dir| ws.member(&dir.as_std_path().join("Cargo.toml")));
            if member.is_some_and(|i| !ws.members[i].publish) {
                f.error(
                    FindingId::UnpublishedDependency,
                    Some((&m.manifest, dep_line)),
                    format!(
                        "`{name}` is published but depends on `{}`, which is {}",
                        dep.name,
                        if project.off_crates_io.iter().any(|p| p.name == dep.name) {
                            "for PyPI only (not published to crates.io)"
                        } else {
                            "`publish = false`"
                        }
                    ),
                    format!(
                        "publish `{}` too, or make `{name}` `publish = false`",
                        dep.name
                    ),
                );
            }
        }
    }
}

/// The evidence only a registry has: a crate taken for PyPI-only (its manifest could not be
/// published) that is on the cargo registry already was published before, or its name is
/// another crate's. Either way the maintainer says which; a warning, not a guess.
pub fn check_off_crates_io(
    project: &Project,
    targets: &crate::registry::Targets,
    f: &mut Findings<'_>,
) {
    for off in &project.off_crates_io {
        // An unreachable registry is reported once, by the registry checks.
        let Ok(published) = targets.crates.versions(&off.name) else {
            continue;
        };
        let Some(top) = published.iter().map(|v| &v.version).max() else {
            continue;
        };
        let m = project.unit_members().find(|m| m.name == off.name);
        let at = m.map(|m| (m.manifest.as_path(), package_line(&m.text)));
        f.warn(
            FindingId::CrateOnRegistryNotPublished,
            at,
            format!(
                "`{}` is on {} (up to {top}), but this release does not publish it: {}",
                off.name,
                targets.crates.base_url(),
                off.reason
            ),
            "if that crate is this one, write `publish = true` in `[package]` (and fix what crates.io refuses) to publish it with the release; if it is PyPI-only and the name is another crate's, `publish = false` says so",
        );
    }
}

fn package_line(text: &str) -> Option<usize> {
    text.lines()
        .position(|l| l.trim_start().starts_with("[package]"))
        .map(|i| i + 1)
}

pub fn check_python(project: &Project, f: &mut Findings<'_>) {
    for package in &project.packages {
        if package.version == PyVersion::Implicit {
            // maturin takes everything from Cargo.toml: the crate checks cover it.
            continue;
        }
        let Ok(doc) = crate::toml::parse_document(package.text.as_str()) else {
            continue;
        };
        let Some(table) = table_at(doc.as_table() as &dyn TableLike, &["project"]) else {
            continue;
        };
        let line_of_key = |key: &str| {
            table
                .get(key)
                .and_then(|i| i.span())
                .map(|s| line_of(&package.text, s.start))
        };
        let path = package.path.as_path();
        let project_line = package
            .text
            .lines()
            .position(|l| l.trim_start().starts_with("[project]"))
            .map(|i| i + 1);
        let dynamic: Vec<&str> = table
            .get("dynamic")
            .and_then(|d| d.as_array())
            .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        let has = |key: &str| table.contains_key(key) || dynamic.contains(&key);

        match table.get("name").and_then(|n| n.as_str()) {
            None => f.error(
                FindingId::PypiName,
                Some((path, project_line)),
                "`[project]` has no `name`",
                "add `name = \"...\"`",
            ),
            Some(name) => {
                let valid = !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
                    && name.starts_with(|c: char| c.is_ascii_alphanumeric())
                    && name.ends_with(|c: char| c.is_ascii_alphanumeric());
                let normal = crate::registry::normalize_python_name(name);
                if !valid {
                    f.error(FindingId::PypiName, Some((path, line_of_key("name"))), format!("`{name}` is not a valid Python project name"), "use ASCII letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit");
                } else if normal != name {
                    f.warn(
                        FindingId::PypiName,
                        Some((path, line_of_key("name"))),
                        format!("`{name}` is not in normalised form; PyPI lists it as `{normal}`"),
                        format!("write `name = \"{normal}\"`"),
                    );
                }
            }
        }
        if !has("requires-python") {
            f.warn(
                FindingId::PypiRequiresPython,
                Some((path, project_line)),
                "`[project]` has no `requires-python`: pip will offer the wheels to every Python",
                "add e.g. `requires-python = \">=3.9\"`",
            );
        }
        if !has("readme") {
            f.warn(
                FindingId::PypiReadme,
                Some((path, project_line)),
                "`[project]` has no `readme`: the PyPI page will be empty",
                "add `readme = \"README.md\"`",
            );
        }
        if !has("license") && !has("license-files") {
            f.warn(
                FindingId::PypiLicense,
                Some((path, project_line)),
                "`[project]` has no `license`",
                "add an SPDX expression, e.g. `license = \"MIT OR Apache-2.0\"`",
            );
        }
        let classifiers: Vec<(String, Option<usize>)> = table
            .get("classifiers")
            .and_then(|c| c.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| {
                        Some((
                            v.as_str()?.to_string(),
                            v.span().map(|s| line_of(&package.text, s.start)),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        for (classifier, line) in &classifiers {
            if !CLASSIFIERS.lines().any(|known| known == classifier) {
                f.error(
                    FindingId::PypiClassifier,
                    Some((path, *line)),
                    format!("`{classifier}` is not a trove classifier: PyPI refuses the upload"),
                    "pick one from https://pypi.org/classifiers/",
                );
            }
        }
        if !dynamic.contains(&"classifiers")
            && !classifiers
                .iter()
                .any(|(c, _)| c.starts_with(RUST_CLASSIFIER))
        {
            f.warn(FindingId::PypiRustClassifier, Some((path, line_of_key("classifiers").or(project_line))), "no `Programming Language :: Rust` classifier", format!("add `\"{RUST_CLASSIFIER}\"` to `classifiers`, so people searching PyPI find a Rust extension"));
        }
    }
}
