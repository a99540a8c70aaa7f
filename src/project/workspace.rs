//! The cargo side of the model: `cargo metadata --no-deps` for the members,
//! plus each member's manifest text for what metadata does not say (whether the
//! version is inherited, and on which line it is written).
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use toml_edit::{Document, TableLike};

use super::config::table_at;
use super::prefetch::Prefetch;
use super::pyproject::parse_toml;
use crate::error::CmdError;
use crate::error::{Failure, line_of};
use crate::exec::cmd::{Cmd, Kind};

#[derive(Debug, Clone)]
pub struct Member {
    pub name: String,
    pub version: semver::Version,
    pub manifest: PathBuf,
    pub text: String,
    pub doc: Document<String>,
    /// `publish = false` (or an empty registry list).
    pub publish: bool,
    /// `version.workspace = true`.
    pub inherits_version: bool,
    /// The line of `version = ...` in this manifest (own or inheriting).
    pub version_line: Option<usize>,
    /// Dependencies by path, with the manifest they point to.
    pub path_deps: Vec<PathDep>,
    /// What cargo metadata says of the package (crates.io fields, dependencies).
    pub package: cargo_metadata::Package,
}

#[derive(Debug, Clone)]
pub struct PathDep {
    pub name: String,
    pub manifest: PathBuf,
    /// Whether the requirement carries a version (crates.io needs one).
    pub has_version: bool,
}

#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
    pub manifest: PathBuf,
    pub members: Vec<Member>,
    /// The root manifest when it is not itself a member (a virtual workspace).
    pub root_doc: Option<(String, Document<String>)>,
    /// cargo's target directory (`CARGO_TARGET_DIR`, `build.target-dir` or `target/`).
    pub target_dir: PathBuf,
    /// Members by manifest path as cargo reports it.
    by_manifest: HashMap<PathBuf, usize>,
    /// Members by manifest path with symlinks resolved, made on the first look-up
    /// that needs it: resolving 500 paths up front costs more than the rest of a load.
    by_canonical: OnceLock<HashMap<PathBuf, usize>>,
}

impl Workspace {
    /// The member with this manifest. Exact paths first: cargo reports members
    /// and path dependencies in one form; a path written another way (through a
    /// symlink, with `..`) is resolved and looked up among resolved members.
    pub fn member(&self, manifest: &Path) -> Option<usize> {
        self.by_manifest.get(manifest).copied().or_else(|| {
            let canonical = manifest.canonicalize().ok()?;
            if let Some(&i) = self.by_manifest.get(&canonical) {
                return Some(i);
            }
            let resolved = self.by_canonical.get_or_init(|| {
                self.members
                    .iter()
                    .enumerate()
                    .map(|(i, m)| {
                        let path = m.manifest.canonicalize();
                        (path.unwrap_or_else(|_| m.manifest.clone()), i)
                    })
                    .collect()
            });
            resolved.get(&canonical).copied()
        })
    }

    pub fn by_name(&self, name: &str) -> Option<usize> {
        self.members.iter().position(|m| m.name == name)
    }

    /// The root manifest's text and parsed document, member or not.
    pub fn root_manifest(&self) -> Option<(&str, &Document<String>)> {
        match &self.root_doc {
            Some((text, doc)) => Some((text, doc)),
            None => self
                .member(&self.manifest)
                .map(|i| (self.members[i].text.as_str(), &self.members[i].doc)),
        }
    }

    /// Whether the `pyrelease` configuration belongs in `[package.metadata.pyrelease]`:
    /// where it was read from (`config_file`), else where `init` writes it, a single
    /// package's own table (a root manifest with `[package]` and no other member).
    pub fn config_in_package(&self, config_file: Option<&Path>) -> bool {
        match config_file {
            Some(file) => self.member(file).is_some_and(|i| {
                let doc = self.members[i].doc.as_table() as &dyn TableLike;
                table_at(doc, &["package", "metadata", "pyrelease"]).is_some()
            }),
            None => self.root_manifest().is_some_and(|(_, doc)| {
                doc.get("package").is_some()
                    && (self.members.len() == 1 || doc.get("workspace").is_none())
            }),
        }
    }

    /// `package` or `workspace`: the top table of the configuration's header
    /// (`[TOP.metadata.pyrelease]`), for messages that say where to set a key.
    pub fn config_top(&self, config_file: Option<&Path>) -> &'static str {
        if self.config_in_package(config_file) {
            "package"
        } else {
            "workspace"
        }
    }

    /// `[workspace.package].version` and its line, when the root declares one.
    pub fn package_version(&self) -> Option<(String, usize)> {
        let (text, doc) = self.root_manifest()?;
        let item = table_at(doc.as_table() as &dyn TableLike, &["workspace", "package"])?
            .get("version")?;
        Some((
            item.as_str()?.to_string(),
            item.span().map_or(1, |s| line_of(text, s.start)),
        ))
    }
}

/// Loads the workspace that `manifest` belongs to.
pub fn load(manifest: &Path) -> anyhow::Result<Workspace> {
    from_metadata(metadata(manifest)?, &mut Prefetch::default())
}

/// `cargo metadata --no-deps` for the workspace of `manifest`.
pub fn metadata(manifest: &Path) -> anyhow::Result<cargo_metadata::Metadata> {
    let out = Cmd::cargo(Kind::Read)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--manifest-path",
        ])
        .arg(manifest)
        .read()
        .map_err(|err| match err.downcast::<CmdError>() {
            // cargo says only "not valid utf-8"; ours names the line too.
            Ok(_) if crate::exec::fs::read_text(manifest).is_err() => {
                crate::exec::fs::read_text(manifest).expect_err("checked above")
            }
            // cargo's own message already names the file and line.
            Ok(cmd) => {
                let (said, help) = metadata_failure(&cmd.stderr);
                anyhow::Error::new(
                    Failure::usage(format!(
                        "cargo could not read the workspace of `{}`:\n{said}",
                        manifest.display(),
                    ))
                    .help(help),
                )
            }
            Err(other) => other,
        })?;
    Ok(serde_json::from_str(&out)?)
}

/// What `cargo metadata` said when it failed, and what to do. rustup answers for cargo
/// when the project pins a toolchain (rust-toolchain.toml) this machine lacks: then
/// nothing is wrong with the manifest. rustup's backtrace (`RUST_BACKTRACE=1`) is cut.
fn metadata_failure(stderr: &str) -> (String, &'static str) {
    let said = stderr.trim().trim_start_matches("error: ");
    let help = if said.contains("toolchain") && said.contains("is not installed") {
        "install the toolchain the project pins (its rust-toolchain.toml): `rustup toolchain install`, run in the project"
    } else {
        "fix the manifest; `cargo metadata` shows the same error"
    };
    let said: Vec<&str> = said
        .lines()
        .take_while(|l| !l.contains("Stack backtrace:"))
        .collect();
    (said.join("\n").trim_end().to_string(), help)
}

/// The workspace cargo describes, with each member's manifest taken from
/// `prefetch` when it was read there, else read now.
pub fn from_metadata(
    meta: cargo_metadata::Metadata,
    prefetch: &mut Prefetch,
) -> anyhow::Result<Workspace> {
    let mut read = |path: &Path| match prefetch.take(path) {
        Some(parsed) => anyhow::Ok(parsed),
        None => {
            let text = crate::exec::fs::read_text(path)?;
            let doc = parse_toml(path, &text)?;
            Ok((text, doc))
        }
    };
    let root: PathBuf = meta.workspace_root.clone().into();
    let root_manifest = root.join("Cargo.toml");
    let target_dir: PathBuf = meta.target_directory.clone().into();
    let ids: std::collections::HashSet<_> = meta.workspace_members.iter().collect();
    let mut members = Vec::with_capacity(ids.len());
    // Moved out of the metadata, not cloned: on a large workspace the packages
    // are most of it.
    for p in meta.packages.into_iter().filter(|p| ids.contains(&p.id)) {
        let path: PathBuf = p.manifest_path.clone().into();
        let (text, doc) = read(&path)?;
        let version_item =
            table_at(doc.as_table() as &dyn TableLike, &["package"]).and_then(|t| t.get("version"));
        let inherits_version = version_item
            .and_then(|v| v.as_table_like())
            .and_then(|t| t.get("workspace"))
            .and_then(|w| w.as_bool())
            == Some(true);
        let version_line = version_item
            .and_then(|v| v.span())
            .map(|s| line_of(&text, s.start));
        let path_deps = p
            .dependencies
            .iter()
            .filter_map(|d| {
                let dir: PathBuf = d.path.clone()?.into();
                Some(PathDep {
                    name: d.name.clone(),
                    manifest: dir.join("Cargo.toml"),
                    has_version: d.req != semver::VersionReq::STAR,
                })
            })
            .collect();
        members.push(Member {
            path_deps,
            name: p.name.to_string(),
            version: p.version.clone(),
            publish: p.publish.as_ref().is_none_or(|r| !r.is_empty()),
            manifest: path,
            text,
            doc,
            inherits_version,
            version_line,
            package: p,
        });
    }
    let by_manifest = members
        .iter()
        .enumerate()
        .map(|(i, m)| (m.manifest.clone(), i))
        .collect();
    let mut ws = Workspace {
        root,
        manifest: root_manifest.clone(),
        members,
        root_doc: None,
        target_dir,
        by_manifest,
        by_canonical: OnceLock::new(),
    };
    // cargo names the root manifest as it names the members: an exact look-up is
    // enough, and spares a virtual workspace the resolving of every member's path.
    if !ws.by_manifest.contains_key(&root_manifest) {
        ws.root_doc = Some(read(&root_manifest)?);
    }
    Ok(ws)
}

#[cfg(test)]
mod tests {
    use super::metadata_failure;

    #[test]
    fn a_missing_pinned_toolchain_is_not_a_manifest_error() {
        let rustup = "error: toolchain '1.90.0-x86_64-unknown-linux-gnu' is not installed\nhelp: run `rustup toolchain install` to install it\n\nStack backtrace:\n   0: anyhow::error\n";
        let (said, help) = metadata_failure(rustup);
        assert_eq!(
            said,
            "toolchain '1.90.0-x86_64-unknown-linux-gnu' is not installed\nhelp: run `rustup toolchain install` to install it"
        );
        assert!(help.contains("rust-toolchain.toml"), "{help}");
        let cargo =
            "error: failed to parse manifest at `/p/Cargo.toml`\n\nCaused by:\n  unclosed table";
        let (said, help) = metadata_failure(cargo);
        assert!(said.starts_with("failed to parse manifest"), "{said}");
        assert!(help.starts_with("fix the manifest"), "{help}");
    }
}
