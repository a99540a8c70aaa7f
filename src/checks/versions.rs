//! The version is spelled the same everywhere it is written.
use super::FindingId;
use std::collections::BTreeSet;

use super::Findings;
use crate::error::Failure;
use crate::project::Project;
use crate::project::pyproject::PyVersion;

pub fn check(project: &Project, f: &mut Findings<'_>) {
    let primary = project.primary();
    let source_at = Some((primary.manifest.as_path(), primary.version_line));
    if let Err(err) = &project.pep440 {
        f.error(
            FindingId::VersionNotPep440,
            source_at,
            format!(
                "`{}` cannot be published to PyPI as is: {}",
                project.version, err.message
            ),
            err.help
                .clone()
                .unwrap_or_else(|| "choose a version maturin can convert".into()),
        );
    }
    if crate::project::placeholder::is_placeholder(&project.version) {
        f.error(
            FindingId::PlaceholderVersion,
            source_at,
            format!("the version is {}, a placeholder", project.version),
            "set the real version: `cargo pyrelease bump X.Y.Z`",
        );
    }
    for package in &project.packages {
        if let PyVersion::Missing { line } = package.version {
            f.warn(
                FindingId::PyprojectVersionMissing,
                Some((&package.path, Some(line))),
                "`[project]` has no `version` and no `dynamic = [\"version\"]`: maturin 1.x falls back to Cargo's version with a warning, maturin 2 will refuse",
                "add `dynamic = [\"version\"]` to `[project]`",
            );
        }
    }
    if project.pep440.is_ok() {
        spots(project, f);
    }
    cargo_lock(project, f);
    dependents(project, f);
}

/// pyproject.toml, uv.lock and version files: whatever `sync` would change is stale.
fn spots(project: &Project, f: &mut Findings<'_>) {
    let plan = match crate::plan::sync::plan(project) {
        Ok(plan) => plan,
        Err(err) => return f.failure(&Failure::from(err)),
    };
    let fix = "run `cargo pyrelease sync`";
    for edit in &plan.edits {
        let package = project.packages.iter().find(|p| p.path == edit.path);
        let is_pyproject = package.is_some();
        // `3.0.0-alpha.0` is 3.0.0a0 to every Python tool: the same version, spelled as
        // semver. Worth a warning (maturin writes the canonical form into the wheel), not
        // a mismatch.
        if let Some(PyVersion::Static { value, line }) = package.map(|p| &p.version)
            && same_pep440(value, project.pep440.as_deref().ok())
        {
            f.warn(
                FindingId::PyprojectVersionSpelling,
                Some((&edit.path, Some(*line))),
                format!(
                    "`version = \"{value}\"` is {}, Cargo.toml's version, in another spelling",
                    project.pep440.as_deref().unwrap_or_default()
                ),
                format!(
                    "write the canonical PEP 440 spelling `{}` (`cargo pyrelease sync` does), or `dynamic = [\"version\"]`",
                    project.pep440.as_deref().unwrap_or_default()
                ),
            );
            continue;
        }
        let id = if is_pyproject {
            FindingId::PyprojectVersionMismatch
        } else if edit.path.file_name().is_some_and(|n| n == "uv.lock") {
            FindingId::UvLockStale
        } else {
            FindingId::VersionFileStale
        };
        for (line, old, new) in edit.changed_lines() {
            f.error(
                id,
                Some((&edit.path, Some(line))),
                format!(
                    "`{old}` does not match Cargo.toml's version {}",
                    project.version
                ),
                format!("expected `{new}`; {fix}"),
            );
        }
    }
}

/// Whether `value` is the PEP 440 version `pep440`, whatever its spelling.
pub fn same_pep440(value: &str, pep440: Option<&str>) -> bool {
    let parse = |v: &str| v.parse::<pep440_rs::Version>().ok();
    matches!((parse(value), pep440.and_then(parse)), (Some(a), Some(b)) if a == b)
}

fn released_names(project: &Project) -> BTreeSet<&str> {
    project.unit_members().map(|m| m.name.as_str()).collect()
}

fn cargo_lock(project: &Project, f: &mut Findings<'_>) {
    let path = project.workspace.root.join("Cargo.lock");
    if !path.is_file() {
        // A library need not commit one.
        return;
    }
    // Read and checked as `bump` reads it, so both say the same of a lock cargo refuses.
    let read = crate::exec::fs::read_text(&path).and_then(|text| {
        crate::toml::lock_entries(&text).map_err(|e| Failure::from((path.as_path(), e)).into())
    });
    let lock = match read {
        Ok(lock) => lock,
        Err(err) => return f.failure(&Failure::from(err)),
    };
    for name in released_names(project) {
        let entries: Vec<_> = lock.iter().filter(|e| e.local && e.name == name).collect();
        if entries.is_empty() {
            f.error(
                FindingId::CargoLockStale,
                Some((&path, None)),
                format!("Cargo.lock has no entry for `{name}`: a `--locked` build refuses it"),
                "run `cargo update --workspace --offline` (or any cargo build) and commit Cargo.lock",
            );
        }
        for entry in entries
            .into_iter()
            .filter(|e| e.version != project.version.to_string())
        {
            f.error(
                FindingId::CargoLockStale,
                Some((&path, Some(entry.line))),
                format!("Cargo.lock records `{name}` {}, but its version is {}", entry.version, project.version),
                "run `cargo update --workspace --offline` (or any cargo build) and commit Cargo.lock",
            );
        }
    }
}

fn dependents(project: &Project, f: &mut Findings<'_>) {
    for member in &project.workspace.members {
        for dep in &member.package.dependencies {
            // A registry crate that shares a member's name is not a dependent.
            let resolves = dep
                .path
                .as_ref()
                .is_some_and(|dir| project.releases(&dep.name, dir.as_std_path()));
            if !resolves || dep.req == semver::VersionReq::STAR {
                continue;
            }
            if dep.req.matches(&project.version) {
                continue;
            }
            let line = member
                .text
                .lines()
                .position(|l| l.contains(&dep.name) && l.contains("version"))
                .map(|i| i + 1);
            f.error(
                FindingId::DependentRequirementStale,
                Some((&member.manifest, line)),
                format!(
                    "`{}` requires `{} {}`, which does not match the released version {}",
                    member.name, dep.name, dep.req, project.version
                ),
                "`cargo pyrelease bump` moves requirements with the version; set it by hand to the released version (in `[workspace.dependencies]` when inherited)",
            );
        }
    }
}
