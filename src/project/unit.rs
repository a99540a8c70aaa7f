//! The release unit: the members released together, the crates left out and why, and the
//! check that Cargo.toml is the version authority (principle 1).

use std::path::Path;

use super::config::{self, Config};
use super::pyproject::{PyProject, PyVersion};
use super::workspace::{self, Workspace};
use super::{LeftOut, placeholder, relative};
use crate::error::Failure;
use crate::version;

/// A `[package]` string field of a manifest outside the loaded workspace,
/// read cheaply (no cargo call) for `-p` matching and reports.
fn package_field(manifest: &Path, key: &str) -> Option<String> {
    manifest_string(manifest, &["package", key])
}

/// The string at `keys` (tables, then the key) of a manifest, read without cargo.
fn manifest_string(manifest: &Path, keys: &[&str]) -> Option<String> {
    let text = std::fs::read_to_string(manifest).ok()?;
    let doc: toml_edit::Document<String> = crate::toml::parse_document(text).ok()?;
    let (key, tables) = keys.split_last()?;
    let table = config::table_at(doc.as_table() as &dyn toml_edit::TableLike, tables)?;
    table.get(key)?.as_str().map(str::to_string)
}

pub(super) fn crate_name_of(manifest: &Path) -> Option<String> {
    package_field(manifest, "name")
}

/// The version of a crate outside the workspace; an inherited one (`version.workspace =
/// true`) is read from the nearest `[workspace.package]` above it, so reports never show
/// an unknown version for a crate that has one.
fn crate_version_of(manifest: &Path) -> Option<semver::Version> {
    package_field(manifest, "version")
        .or_else(|| {
            manifest
                .parent()?
                .ancestors()
                .skip(1)
                .map(|dir| dir.join("Cargo.toml"))
                .filter(|m| m.is_file())
                .find_map(|m| manifest_string(&m, &["workspace", "package", "version"]))
        })?
        .parse()
        .ok()
}

pub(super) fn member_of(ws: &Workspace, package: &PyProject, root: &Path) -> anyhow::Result<usize> {
    ws.member(&package.manifest).ok_or_else(|| {
        Failure::usage(format!(
            "`{}` builds `{}`, which is not a member of the workspace at `{}`",
            relative(root, &package.path),
            relative(root, &package.manifest),
            ws.root.display()
        ))
        .at(&package.path, None)
        .help("add the crate to `[workspace] members`, or give it its own `[workspace]` table")
        .into()
    })
}

pub(super) fn release_unit(
    ws: &Workspace,
    primary: usize,
    config: &Config,
    same_line: impl Fn(&workspace::Member) -> bool,
    root: &Path,
) -> anyhow::Result<(Vec<usize>, Vec<LeftOut>)> {
    let mut unit = vec![primary];
    if let Some(names) = &config.crates {
        for name in names {
            let i = ws.by_name(name).ok_or_else(|| {
                Failure::usage(format!("`crates` names `{name}`, which is not a member of the workspace"))
                    .at(config.file.as_deref().unwrap_or(root), config.line("crates"))
                    .help("list workspace members by their package name; `cargo metadata --no-deps` shows them")
            })?;
            if !unit.contains(&i) {
                unit.push(i);
            }
        }
    }
    let primary_member = &ws.members[primary];
    let mut left_out = Vec::new();
    for (i, m) in ws.members.iter().enumerate() {
        if unit.contains(&i) {
            continue;
        }
        if config.crates.is_none() && same_line(m) {
            unit.push(i);
            continue;
        }
        let reason = if config.crates.is_some() {
            "not listed in `crates`".to_string()
        } else if primary_member.inherits_version && m.version == primary_member.version {
            // The same number today, but it does not move with `[workspace.package]`.
            format!(
                "sets its own version ({}, the release's today) instead of inheriting `[workspace.package] version`; `version.workspace = true` releases it with the others",
                m.version
            )
        } else if primary_member.inherits_version {
            format!("has its own version ({})", m.version)
        } else if m.inherits_version {
            "inherits `[workspace.package] version`, another version line".to_string()
        } else {
            format!("on another version line ({})", m.version)
        };
        left_out.push(LeftOut {
            name: m.name.clone(),
            version: Some(m.version.clone()),
            manifest: m.manifest.clone(),
            reason,
        });
    }
    // Path dependencies outside the workspace (a core crate beside a bindings
    // folder) are released on their own; say so rather than leave them unseen.
    for &i in &unit {
        for dep in &ws.members[i].path_deps {
            if ws.member(&dep.manifest).is_some()
                || left_out.iter().any(|l| l.manifest == dep.manifest)
            {
                continue;
            }
            let version = crate_version_of(&dep.manifest);
            left_out.push(LeftOut {
                name: dep.name.clone(),
                version,
                manifest: dep.manifest.clone(),
                reason: format!(
                    "outside the workspace (a path dependency of `{}`): released on its own",
                    ws.members[i].name
                ),
            });
        }
    }
    Ok((unit, left_out))
}

/// Principle 1: Cargo must be the authority. A crate that is never published,
/// holding a placeholder, while pyproject carries a real version, is not.
pub(super) fn check_authority(
    package: &PyProject,
    ws: &Workspace,
    primary: usize,
    version: &semver::Version,
    root: &Path,
) -> anyhow::Result<()> {
    let PyVersion::Static { value, line } = &package.version else {
        return Ok(());
    };
    let member = &ws.members[primary];
    let cargo_pep = version::to_pep440(version).ok();
    let py: Option<pep440_rs::Version> = value.parse().ok();
    let differs = match (&cargo_pep, &py) {
        (Some(c), Some(p)) => c != p,
        _ => true,
    };
    let ahead = matches!((&cargo_pep, &py), (Some(c), Some(p)) if p > c);
    if differs && (placeholder::is_placeholder(version) || (!member.publish && ahead)) {
        return Err(Failure::usage(format!(
            "Cargo.toml is not the version authority here: `{}` is at {} ({}) while `{}` says {}",
            member.name,
            version,
            if member.publish { "a placeholder" } else { "`publish = false`" },
            relative(root, &package.path),
            value
        ))
        .at(&package.path, Some(*line))
        .help(format!(
            "cargo-pyrelease takes the version from Cargo.toml: set `version = \"{}\"` in `{}` and make pyproject.toml `dynamic = [\"version\"]` (or keep both equal); if the version comes from elsewhere (a tag, dist-workspace.toml), this tool cannot release the project",
            version::pep440_to_semver(value).map_or_else(|_| value.clone(), |v| v.to_string()),
            relative(root, &member.manifest)
        ))
        .into());
    }
    Ok(())
}
