//! The version spots outside Cargo: static pyproject versions, uv.lock and the
//! configured version files. `sync` writes the current version into them;
//! `bump` writes the new one.
use std::collections::BTreeSet;

use crate::diag::FindingId;
use crate::edit::pattern;
use crate::error::Failure;
use crate::plan::EditSet;
use crate::project::Project;
use crate::project::config::Spelling;
use crate::project::pyproject::PyVersion;
use crate::toml as tomledit;

/// The two spellings of the version being written.
pub struct Spelled<'a> {
    pub semver: &'a semver::Version,
    pub pep440: &'a str,
}

pub fn python_spots(
    project: &Project,
    edits: &mut EditSet,
    new: &Spelled<'_>,
) -> anyhow::Result<()> {
    for package in &project.packages {
        let PyVersion::Static { value, line } = &package.version else {
            continue;
        };
        // A Python version ahead of the one being written would go backwards on PyPI:
        // Cargo.toml is then not the authority it is taken for, or the pyproject
        // builds another crate than its author thinks (a `manifest-path` into another
        // workspace). Refused, not "synced".
        let current: Option<pep440_rs::Version> = value.parse().ok();
        let writing: Option<pep440_rs::Version> = new.pep440.parse().ok();
        if let (Some(current), Some(writing)) = (current, writing)
            && current > writing
        {
            let member = project.primary();
            return Err(Failure::check(FindingId::PyprojectVersionMismatch, format!(
                "`{}` says {value}, above the version {} being written from `{}` ({}): the Python package would go backwards",
                project.rel(&package.path),
                new.pep440,
                member.name,
                project.rel(&member.manifest),
            ))
            .at(&package.path, Some(*line))
            .help(format!(
                "check that `[tool.maturin] manifest-path` names the crate this package builds; if it does, move Cargo.toml above {value} (`cargo pyrelease bump X.Y.Z`)"
            ))
            .into());
        }
        edits.edit_known(&package.path, &package.text, |text| {
            tomledit::set_pyproject_version(text, new.pep440)
                .map_err(|e| Failure::from((&package.path, e)).into())
        })?;
        // uv records the project's own version only for static versions.
        let dir = package.path.parent().unwrap_or(&project.root);
        let name = crate::registry::normalize_python_name(&project.dist_name(package));
        for lock in [dir.join("uv.lock"), project.root.join("uv.lock")] {
            if lock.is_file() {
                edits.edit(&lock, |text| {
                    Ok(tomledit::set_uv_lock_version(text, &name, new.pep440)
                        .map_err(|e| Failure::from((&lock, e)))?
                        .unwrap_or_else(|| text.to_string()))
                })?;
                break;
            }
        }
    }
    // `__version__` in the Python package maturin builds, at the current version: moved
    // without configuration, in the spelling it has.
    if let Ok(current) = &project.pep440 {
        let old_semver = project.version.to_string();
        let new_semver = new.semver.to_string();
        for package in &project.packages {
            for module in package.version_modules(&project.primary().name) {
                edits.edit(&module, |text| {
                    Ok(pattern::set_dunder_version(
                        text,
                        (current, &old_semver),
                        (new.pep440, &new_semver),
                    )
                    .unwrap_or_else(|| text.to_string()))
                })?;
            }
        }
    }
    for file in &project.config.version_files {
        let path = project.root.join(&file.path);
        let config_file = project.config.file.as_deref().unwrap_or(&project.root);
        if !path.is_file() {
            return Err(Failure::check(
                FindingId::ConfigInvalid,
                format!("the version file `{}` does not exist", file.path.display()),
            )
            .at(config_file, Some(file.line))
            .help("`version-files` paths are relative to the workspace root")
            .into());
        }
        edits.edit(&path, |text| {
            let moved = match file.spelling {
                Spelling::Semver => {
                    pattern::replace_version(text, &file.search, &new.semver.to_string())
                }
                Spelling::Pep440 => pattern::replace_version(text, &file.search, new.pep440),
                Spelling::Requirement => {
                    pattern::replace_requirement(text, &file.search, new.semver)
                }
            };
            moved.map_err(|msg| {
                Failure::check(
                    FindingId::ConfigInvalid,
                    format!("version file `{}`: {msg}", file.path.display()),
                )
                .at(config_file, Some(file.line))
                .help("fix the `search` pattern so it matches the version exactly once")
                .into()
            })
        })?;
    }
    Ok(())
}

/// `bump`: the exact pins on the packages released here, in any Python project of the tree
/// (a meta-package built by another backend, or one of the packages themselves), from the
/// current version to `new_pep440`. Not a `sync` spot: a pin on another version than the
/// current one says nothing about which version it should be.
pub fn python_pins(project: &Project, edits: &mut EditSet, new_pep440: &str) -> anyhow::Result<()> {
    let Ok(current) = &project.pep440 else {
        return Ok(());
    };
    let names: BTreeSet<String> = project
        .packages
        .iter()
        .map(|p| crate::registry::normalize_python_name(&project.dist_name(p)))
        .collect();
    for package in &project.packages {
        edits.edit_known(&package.path, &package.text, |text| {
            tomledit::set_python_pins(text, &names, current, new_pep440)
                .map_err(|e| Failure::from((&package.path, e)).into())
        })?;
    }
    // A sibling that pins them at this version is released with them (polars' meta-package
    // pins its runtimes): its own static version moves too, when it is the same.
    for path in project
        .skipped
        .iter()
        .filter(|s| s.kind == crate::project::pyproject::SkipKind::Sibling)
        .map(|s| &s.path)
    {
        edits.edit(path, |text| {
            let pinned = tomledit::set_python_pins(text, &names, current, new_pep440)
                .map_err(|e| Failure::from((path, e)))?;
            let same = tomledit::parse_document(text).ok().and_then(|d| {
                let version = d.get("project")?.get("version")?.as_str()?;
                Some(version.parse::<pep440_rs::Version>().ok()? == current.parse().ok()?)
            });
            if pinned == text || same != Some(true) {
                return Ok(pinned);
            }
            tomledit::set_pyproject_version(&pinned, new_pep440)
                .map_err(|e| Failure::from((path, e)).into())
        })?;
    }
    Ok(())
}
