//! `verify --docs`: each published crate's documentation builds the way docs.rs builds it,
//! so a release never ships with a failed docs.rs page. docs.rs runs `cargo doc --no-deps`
//! on nightly with `[package.metadata.docs.rs]` (features, all-features,
//! no-default-features, rustdoc-args) and `--cfg docsrs`. A flag rather than a default:
//! a documentation build costs a compile, which the other checks never do.
use super::{Finding, FindingId, Findings};
use crate::exec::cmd::{Cmd, Kind};
use crate::project::Project;
use crate::project::workspace::Member;
use crate::shell::Shell;

/// What `[package.metadata.docs.rs]` asks for.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DocsRs {
    pub features: Vec<String>,
    pub all_features: bool,
    pub no_default_features: bool,
    pub rustdoc_args: Vec<String>,
}

impl DocsRs {
    pub fn of(metadata: &serde_json::Value) -> Self {
        let table = &metadata["docs"]["rs"];
        let strings = |key: &str| -> Vec<String> {
            table[key]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default()
        };
        Self {
            features: strings("features"),
            all_features: table["all-features"].as_bool().unwrap_or(false),
            no_default_features: table["no-default-features"].as_bool().unwrap_or(false),
            rustdoc_args: strings("rustdoc-args"),
        }
    }

    /// The `cargo doc` line docs.rs would run for `name`.
    pub fn command(&self, root: &std::path::Path, name: &str) -> Cmd {
        let mut cmd = Cmd::cargo(Kind::Read)
            .args(["doc", "--no-deps", "--lib", "-p", name])
            .cwd(root);
        if self.all_features {
            cmd = cmd.arg("--all-features");
        } else if !self.features.is_empty() {
            cmd = cmd.args(["--features", &self.features.join(",")]);
        }
        if self.no_default_features {
            cmd = cmd.arg("--no-default-features");
        }
        let mut flags = vec!["--cfg".to_string(), "docsrs".to_string()];
        flags.extend(self.rustdoc_args.iter().cloned());
        // docs.rs builds on nightly: `#![cfg_attr(docsrs, feature(doc_cfg))]` and nightly
        // rustdoc flags must work here too, on the stable toolchain.
        cmd.env("RUSTDOCFLAGS", flags.join(" "))
            .env("RUSTC_BOOTSTRAP", "1")
    }
}

pub fn findings(project: &Project, shell: &Shell) -> Vec<Finding> {
    let mut f = Findings {
        root: &project.root,
        list: Vec::new(),
    };
    for m in project.unit_members().filter(|m| m.publish) {
        check(project, m, shell, &mut f);
    }
    super::drop_allowed(project, &mut f.list);
    f.list
}

fn check(project: &Project, m: &Member, shell: &Shell, f: &mut Findings<'_>) {
    let cmd = DocsRs::of(&m.package.metadata).command(&project.root, &m.name);
    shell.status("Documenting", format!("{} as docs.rs does", m.name));
    if let Err(err) = cmd.read() {
        let why = err
            .downcast_ref::<crate::error::CmdError>()
            .map_or_else(|| err.to_string(), |e| tail(&e.stderr, 12));
        f.error(
            FindingId::DocsBuildFailed,
            Some((&m.manifest, None)),
            format!(
                "the documentation of `{}` does not build as docs.rs builds it:\n{why}",
                m.name
            ),
            format!("fix it and check with `{cmd}`"),
        );
    }
}

/// The last `n` lines: rustdoc's error is at the end.
fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.trim_end().lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_rs_metadata_becomes_the_command() {
        let meta = serde_json::json!({"docs": {"rs": {
            "features": ["serde", "extra"],
            "rustdoc-args": ["--generate-link-to-definition"]
        }}});
        let cmd = DocsRs::of(&meta).command(std::path::Path::new("/nowhere"), "demo");
        let line = cmd.to_string();
        assert!(
            line.contains("cargo doc --no-deps --lib -p demo --features serde,extra"),
            "{line}"
        );
        assert!(
            line.contains("RUSTDOCFLAGS='--cfg docsrs --generate-link-to-definition'"),
            "{line}"
        );
        assert_eq!(DocsRs::of(&serde_json::Value::Null), DocsRs::default());
    }
}
