//! The public API of a release against its newest published version, on both sides: the
//! Rust crates (cargo-semver-checks) and the Python package (the surface of the built wheel).
//! Only reads: builds, fetches and installs go to scratch folders, never into the tree.
pub mod commits;
pub mod python;
pub mod rust;

use std::path::PathBuf;

use serde::Serialize;

use crate::project::Project;
use crate::registry::Targets;
use crate::shell::Shell;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Rust,
    Python,
}

/// Breaking changes of one crate or Python package against its newest release.
#[derive(Debug, Clone, Serialize)]
pub struct Break {
    pub side: Side,
    /// The crate or the Python project name.
    pub package: String,
    /// The release compared against, as published (semver for crates, PEP 440 for Python).
    pub baseline: String,
    /// That release in semver terms, for the level rules.
    #[serde(skip)]
    pub baseline_semver: semver::Version,
    /// What was removed or changed, one line each (`function brk::removed`).
    pub items: Vec<String>,
    #[serde(skip)]
    pub manifest: PathBuf,
}

/// What the comparison found, and what it could not check (a tool missing, no release yet).
#[derive(Debug, Default)]
pub struct Report {
    pub breaks: Vec<Break>,
    pub notes: Vec<String>,
    /// Comparisons that could not run to the end (a registry, a build, the tool failed).
    pub failures: Vec<String>,
}

/// Which sides to compare: `bump LEVEL` checks the crates only (no wheel build before a
/// version change); `verify` and `bump auto` both.
#[derive(Debug, Clone, Copy)]
pub struct Want {
    pub rust: bool,
    pub python: bool,
}

/// Compares every released crate on the registry and every Python package on the index with
/// its newest release below `new`. What cannot be checked is a note, what fails a failure:
/// neither stops the other comparisons.
pub fn compare(
    project: &Project,
    targets: &Targets,
    new: &semver::Version,
    want: Want,
    shell: &Shell,
) -> Report {
    let mut report = Report::default();
    if want.rust {
        compare_crates(project, targets, new, shell, &mut report);
    }
    if want.python {
        compare_python(project, targets, new, shell, &mut report);
    }
    report
}

fn compare_crates(
    project: &Project,
    targets: &Targets,
    new: &semver::Version,
    shell: &Shell,
    report: &mut Report,
) {
    let members: Vec<_> = project.unit_members().filter(|m| m.publish).collect();
    if members.is_empty() {
        return;
    }
    if !rust::installed() {
        report.notes.push(format!(
            "cargo-semver-checks is not installed: the Rust API was not compared with the last release (install it with `{}`)",
            rust::INSTALL
        ));
        return;
    }
    for m in members {
        let baseline = match targets.crates.versions(&m.name) {
            // `verify`'s registry check reports it (`registry-unreachable`).
            Err(_) => continue,
            Ok(versions) => versions
                .into_iter()
                .filter(|v| !v.yanked && v.version < *new)
                .map(|v| v.version)
                .max(),
        };
        let Some(baseline) = baseline else {
            continue;
        };
        shell.status(
            "Comparing",
            format!("the API of `{}` with {baseline}", m.name),
        );
        match rust::breaking(project, m, &baseline, targets.registry.as_deref()) {
            Ok(found) => report.breaks.extend(found),
            Err(err) => report.failures.push(format!("{err:#}")),
        }
    }
}

fn compare_python(
    project: &Project,
    targets: &Targets,
    new: &semver::Version,
    shell: &Shell,
    report: &mut Report,
) {
    let Some(ours) = crate::version::to_pep440(new)
        .ok()
        .and_then(|v| v.to_string().parse::<pep440_rs::Version>().ok())
    else {
        return;
    };
    for package in &project.packages {
        let dist = project.dist_name(package);
        let baseline = match targets.python.versions(&dist) {
            // `verify`'s registry check reports it (`registry-unreachable`).
            Err(_) => continue,
            Ok(versions) => versions.into_iter().filter(|v| *v < ours).max(),
        };
        let Some(baseline) = baseline else {
            continue;
        };
        if !python::installed() {
            report.notes.push(
                "uv or maturin is not installed: the Python API was not compared with the last release (`pip install uv maturin`)".to_string(),
            );
            return;
        }
        shell.status(
            "Comparing",
            format!("the Python API of `{dist}` with {baseline}"),
        );
        let dir = package.path.parent().unwrap_or(&project.root);
        match python::breaking(
            dir,
            &package.path,
            &dist,
            &baseline.to_string(),
            targets.python.simple_url(),
        ) {
            Ok(found) => report.breaks.extend(found.map(|mut b| {
                b.baseline_semver = release_numbers(&baseline);
                b
            })),
            Err(err) => report.failures.push(format!("{err:#}")),
        }
    }
}

/// A PEP 440 release in semver terms, for the level rules (`1.2` -> 1.2.0).
fn release_numbers(v: &pep440_rs::Version) -> semver::Version {
    let part = |i: usize| v.release().get(i).copied().unwrap_or(0);
    semver::Version::new(part(0), part(1), part(2))
}

/// The name an item is known by in prose: the last path segment of its first
/// `a::b`/`a.b` word (`function brk::changed now takes 2 parameters` -> `changed`).
pub fn short_name(item: &str) -> &str {
    let word = item
        .split(|c: char| c.is_whitespace() || c == '`' || c == ',')
        .find(|w| w.contains("::") || w.contains('.'))
        .unwrap_or(item);
    let word = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '_');
    word.rsplit(['.', ':']).next().unwrap_or(word)
}

#[cfg(test)]
mod tests {
    #[test]
    fn items_have_short_names() {
        assert_eq!(super::short_name("function brk_core::removed"), "removed");
        assert_eq!(
            super::short_name("function brk_core::changed now takes 2 parameters instead of 1"),
            "changed"
        );
        assert_eq!(
            super::short_name("`brk_py.changed`: parameter `b` is new and required"),
            "changed"
        );
    }
}
