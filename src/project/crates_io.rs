//! Whether a crate of the release goes to crates.io, decided from evidence. Most maturin
//! projects publish their bindings crate to PyPI only: its manifest has path dependencies
//! without versions, no license or description, and it has never been on crates.io. Such a
//! crate is "not published to crates.io" (with the reason and the line that changes it),
//! not a list of publish-readiness errors.
use cargo_metadata::DependencyKind;
use toml_edit::TableLike;

use super::config::{Config, table_at};
use super::workspace::Member;

/// A crate of the release kept off crates.io without `publish = false`, by evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffCratesIo {
    pub name: String,
    /// Why, in a few words: what in its manifest crates.io would refuse.
    pub reason: String,
    /// The one line of configuration that publishes it after all.
    pub help: String,
}

/// Why a crate of the release that nobody said to publish is kept off crates.io, or `None`
/// when it is (or may be) published: `publish` written in its manifest (`true` or a
/// registry list), listed in `crates`, or a manifest crates.io would take for a crate a
/// Rust user can use. A manifest crates.io refuses was never published as it is, and a
/// `cdylib` alone is of no use there, so this needs no registry. `bindings`:
/// the crate is built by a maturin package (most go to PyPI only).
pub fn off_crates_io(
    member: &Member,
    config: &Config,
    manifest_shown: &str,
    bindings: bool,
) -> Option<OffCratesIo> {
    if !member.publish {
        return None;
    }
    let package = table_at(member.doc.as_table() as &dyn TableLike, &["package"]);
    let explicit = package.is_some_and(|p| p.contains_key("publish"));
    let listed = config
        .crates
        .as_ref()
        .is_some_and(|c| c.contains(&member.name));
    if explicit || listed {
        return None;
    }
    let p = &member.package;
    let mut why = Vec::new();
    // A name once: a crate can be a dependency and a build dependency, or one per target.
    let unversioned: std::collections::BTreeSet<&str> = p
        .dependencies
        .iter()
        .filter(|d| {
            // cargo publish drops dev-dependencies without a version.
            d.kind != DependencyKind::Development
                && d.path.is_some()
                && d.req == semver::VersionReq::STAR
        })
        .map(|d| d.name.as_str())
        .collect();
    if !unversioned.is_empty() {
        why.push(format!(
            "path dependencies without a version ({})",
            unversioned
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if p.license.is_none() && p.license_file.is_none() {
        why.push("no `license`".to_string());
    }
    if let Some(refused) = p.license.as_deref().and_then(license_refused) {
        why.push(format!(
            "a `license` that is not an SPDX expression ({refused})"
        ));
    }
    if p.description.as_deref().is_none_or(|d| d.trim().is_empty()) {
        why.push("no `description`".to_string());
    }
    if p.keywords.len() > 5 {
        why.push(format!("{} keywords (at most 5)", p.keywords.len()));
    }
    let (reason, fix) = if !why.is_empty() {
        (
            format!(
                "{}crates.io would refuse its manifest: {}",
                if bindings { "built for PyPI, and " } else { "" },
                why.join(", ")
            ),
            " (and fix what crates.io refuses)",
        )
    } else if bindings && extension_only(p) {
        // Every cdylib-only bindings crate of the survey (granian, orjson, rpds-py,
        // safetensors, tokenizers, watchfiles ...) is absent from crates.io, complete
        // manifest or not. Not so a C or C++ API (dora's `staticlib` crates are there).
        (
            "built for PyPI as a `cdylib` only (`crate-type = [\"cdylib\"]`, no binary): no Rust crate can depend on it".to_string(),
            "",
        )
    } else {
        return None;
    };
    Some(OffCratesIo {
        name: member.name.clone(),
        reason,
        help: format!(
            "to publish it to crates.io too, write `publish = true` in `[package]` of `{manifest_shown}`{fix}; `publish = false` says it is PyPI-only and silences this"
        ),
    })
}

/// Whether the crate is a Python extension and nothing else: its library is built only
/// as a `cdylib`, and it has no binary to `cargo install`. Examples, tests, benches and
/// build scripts do not count.
fn extension_only(p: &cargo_metadata::Package) -> bool {
    use cargo_metadata::{CrateType, TargetKind};
    let mut types = p
        .targets
        .iter()
        .filter(|t| {
            !t.kind.iter().any(|k| {
                matches!(
                    k,
                    TargetKind::Example
                        | TargetKind::Test
                        | TargetKind::Bench
                        | TargetKind::CustomBuild
                )
            })
        })
        .flat_map(|t| &t.crate_types)
        .peekable();
    types.peek().is_some() && types.all(|t| matches!(t, CrateType::CDyLib | CrateType::StaticLib))
}

/// Why crates.io refuses a `license`, or `None` when it takes it: an SPDX expression of
/// listed identifiers, parsed as crates.io parses it (`/` for `OR`, `GPL-2.0+`, deprecated
/// identifiers allowed; no made-up or imprecise names such as `BSD License`).
pub fn license_refused(license: &str) -> Option<String> {
    const CRATES_IO: spdx::ParseMode = spdx::ParseMode {
        allow_slash_as_or_operator: true,
        allow_imprecise_license_names: false,
        allow_postfix_plus_on_gpl: true,
        allow_deprecated: true,
        allow_unknown: false,
    };
    let err = spdx::Expression::parse_mode(license, CRATES_IO).err()?;
    let term = license.get(err.span.clone()).unwrap_or_default();
    Some(if term.is_empty() {
        err.reason.to_string()
    } else {
        format!("`{term}`: {}", err.reason)
    })
}

#[cfg(test)]
mod tests {
    use super::license_refused;

    #[test]
    fn licenses_as_crates_io_reads_them() {
        for taken in [
            "MIT",
            "MIT OR Apache-2.0",
            "MIT/Apache-2.0",
            "Apache-2.0 WITH LLVM-exception",
            "GPL-3.0+",
            "GPL-3.0",
            "(MIT OR Apache-2.0) AND BSD-3-Clause",
            "LicenseRef-Proprietary",
        ] {
            assert_eq!(license_refused(taken), None, "{taken}");
        }
        for (refused, says) in [
            ("BSD License (BSD)", "`BSD`"),
            ("Apache 2.0", "`Apache`"),
            ("MIT + Apache-2.0", "`+`"),
            ("", ""),
        ] {
            let why = license_refused(refused).unwrap_or_else(|| panic!("{refused} taken"));
            assert!(why.contains(says), "{refused}: {why}");
        }
    }
}
