//! The Rust side: `cargo semver-checks` on each released crate against its newest version
//! on the registry the release goes to.
//!
//! cargo-semver-checks looks registry baselines up on crates.io only
//! (obi1kenobi/cargo-semver-checks#160), so the baseline's sources are fetched the way cargo
//! fetches any dependency, from whichever registry the release targets: a scratch crate under
//! `target/pyrelease/baseline/` depends on `=VERSION` of it, `cargo metadata` downloads and
//! unpacks it, and its folder goes to `--baseline-root`. One path for crates.io and private
//! registries alike, with cargo's own configuration, authentication and cache.
use std::path::PathBuf;

use anyhow::Context as _;

use super::{Break, Side};
use crate::exec::cmd::{Cmd, Kind};
use crate::project::Project;
use crate::project::workspace::Member;
use crate::version::Change;

/// How to get the tool, for the note when it is missing.
pub const INSTALL: &str = "cargo install --locked cargo-semver-checks";

/// Whether `cargo semver-checks` runs here.
pub fn installed() -> bool {
    Cmd::cargo(Kind::Read)
        .args(["semver-checks", "--version"])
        .capture()
        .is_ok_and(|c| c.code == Some(0))
}

/// The breaking changes of `member` since `baseline` (its newest release on `registry`,
/// `None` for crates.io).
pub fn breaking(
    project: &Project,
    member: &Member,
    baseline: &semver::Version,
    registry: Option<&str>,
) -> anyhow::Result<Option<Break>> {
    let root = fetch_baseline(project, &member.name, baseline, registry)?;
    // `minor` allows additions and nothing breaking: what fails is exactly the breaking
    // changes, whatever step the release makes (the level rule is the caller's).
    let out = Cmd::cargo(Kind::Read)
        .args(["semver-checks", "check-release", "--manifest-path"])
        .arg(&member.manifest)
        .args([
            "-p",
            &member.name,
            "--release-type",
            Change::Feature.release_type(),
        ])
        .arg("--baseline-root")
        .arg(&root)
        .args(["--color", "never"])
        .cwd(&project.root)
        .capture()?;
    let text = format!("{}\n{}", out.stdout, out.stderr);
    let items = failed_items(&text);
    match out.code {
        Some(0) => Ok(None),
        // cargo-semver-checks' exit code for "lints failed" (101 is its own failure).
        Some(100) if !items.is_empty() => Ok(Some(Break {
            side: Side::Rust,
            package: member.name.clone(),
            baseline: baseline.to_string(),
            baseline_semver: baseline.clone(),
            items,
            manifest: member.manifest.clone(),
        })),
        _ => Err(anyhow::anyhow!(
            "`cargo semver-checks` could not compare `{}` with {baseline}:\n{}",
            member.name,
            out.stderr.trim()
        )),
    }
}

/// The unpacked sources of `name` `version`, fetched by cargo.
fn fetch_baseline(
    project: &Project,
    name: &str,
    version: &semver::Version,
    registry: Option<&str>,
) -> anyhow::Result<PathBuf> {
    let dir = project
        .release_dir()
        .join("baseline")
        .join(format!("{name}-{version}"));
    let registry = registry.map_or(String::new(), |r| format!(", registry = \"{r}\""));
    // Its own `[workspace]`: the project's workspace must not claim it. Inside the project,
    // so the project's `.cargo/config.toml` (registries, mirrors) applies.
    let manifest = format!(
        "[package]\nname = \"pyrelease-baseline\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [lib]\npath = \"lib.rs\"\n\n[workspace]\n\n[dependencies]\n{name} = {{ version = \"={version}\"{registry} }}\n"
    );
    crate::exec::fs::write_atomic(&dir.join("Cargo.toml"), manifest.as_bytes())?;
    crate::exec::fs::write_atomic(&dir.join("lib.rs"), b"")?;
    let json = Cmd::cargo(Kind::Read)
        .args(["metadata", "--format-version", "1", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .cwd(&dir)
        .read()
        .with_context(|| {
            format!("could not fetch `{name}` {version}, the baseline of the API check")
        })?;
    let metadata: cargo_metadata::Metadata = serde_json::from_str(&json).with_context(|| {
        format!(
            "`cargo metadata` in `{}` printed no metadata",
            dir.display()
        )
    })?;
    metadata
        .packages
        .iter()
        .find(|p| p.name.as_str() == name && p.version == *version)
        .and_then(|p| p.manifest_path.parent())
        .map(|p| p.as_std_path().to_path_buf())
        .with_context(|| format!("cargo fetched no `{name}` {version}"))
}

/// The items under each `Failed in:` of a cargo-semver-checks report, without their file
/// positions: `function brk::removed`.
fn failed_items(report: &str) -> Vec<String> {
    let mut items = Vec::new();
    let mut lint = "";
    let (mut failing, mut in_list) = (false, false);
    for line in report.lines() {
        if let Some(rest) = line.trim().strip_prefix("--- ") {
            // `--- failure ID: ...`; a `--- warning ...` lint does not fail the check.
            failing = rest.starts_with("failure ");
            lint = rest
                .trim_start_matches("failure ")
                .split(':')
                .next()
                .unwrap_or_default();
            in_list = false;
        } else if line.trim() == "Failed in:" {
            in_list = failing;
        } else if in_list && line.trim().is_empty() {
            in_list = false;
        } else if in_list {
            let item = strip_position(line.trim());
            items.push(format!("{item} ({lint})"));
        }
    }
    items.dedup();
    items
}

/// `function a::b, previously in file /x/src/lib.rs:3` -> `function a::b`.
fn strip_position(item: &str) -> &str {
    [", previously in file ", " in file ", ", in "]
        .iter()
        .filter_map(|sep| item.find(sep))
        .min()
        .map_or(item, |at| &item[..at])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_give_their_items() {
        let report = "\
--- failure function_missing: pub fn removed or renamed ---

Description:
A publicly-visible function cannot be imported by its prior path.
        ref: https://doc.rust-lang.org/cargo/reference/semver.html#item-remove

Failed in:
  function brk_core::removed, previously in file /tmp/x/src/lib.rs:6

--- failure function_parameter_count_changed: pub fn parameter count changed ---

Failed in:
  brk_core::changed now takes 2 parameters instead of 1, in /tmp/y/src/lib.rs:2

     Summary semver requires new major version: 2 major and 0 minor checks failed
";
        assert_eq!(
            failed_items(report),
            [
                "function brk_core::removed (function_missing)",
                "brk_core::changed now takes 2 parameters instead of 1 (function_parameter_count_changed)"
            ]
        );
    }
}
