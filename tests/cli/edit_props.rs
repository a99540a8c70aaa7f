//! Property tests of the version edits on generated valid files: the edit gives a valid
//! file that differs from the input only in the version values it was asked to change.
//!
//! Each generated file is a list of segments: fixed text (comments, whitespace, CRLF, other
//! keys and tables, decoy strings that look like versions) and version slots. The expected
//! output is the same list with the changed slots holding the new version, so the check
//! compares whole texts: any other byte that moved would show. (`update_requirements` and
//! the changelog splice have their own property tests beside their code.)
// Integration tests write fixtures and start servers and tools directly.
#![allow(clippy::disallowed_methods)]
use std::collections::BTreeSet;

use cargo_pyrelease::toml::{
    set_lock_versions, set_package_version, set_pyproject_version, set_workspace_version,
};
use proptest::prelude::*;
use proptest::sample::select;

#[derive(Debug, Clone)]
enum Seg {
    Text(String),
    /// A quoted version; `moves` when the edit must change it.
    Slot {
        quote: &'static str,
        old: String,
        moves: bool,
    },
}

#[derive(Debug, Clone)]
struct File {
    segs: Vec<Seg>,
}

impl File {
    fn render(&self, new: Option<&str>) -> String {
        let mut out = String::new();
        for seg in &self.segs {
            match seg {
                Seg::Text(t) => out.push_str(t),
                Seg::Slot { quote, old, moves } => {
                    let value = match new {
                        Some(new) if *moves => new,
                        _ => old.as_str(),
                    };
                    out.push_str(quote);
                    out.push_str(value);
                    out.push_str(quote);
                }
            }
        }
        out
    }
}

/// Line ending, spacing around `=`, a trailing comment, a comment line.
#[derive(Debug, Clone)]
struct Decor {
    eol: &'static str,
    before_eq: &'static str,
    after_eq: &'static str,
    trailing: &'static str,
    comment: &'static str,
}

fn decor() -> impl Strategy<Value = Decor> {
    (
        select(vec!["\n", "\r\n"]),
        select(vec!["", " ", "  ", "\t"]),
        select(vec!["", " ", "   "]),
        select(vec![
            "",
            " # managed by release.sh",
            "\t#",
            " # version = \"0.0.1\"",
        ]),
        select(vec![
            "",
            "# the version below moves with every release",
            "#version = '9.9.9'",
        ]),
    )
        .prop_map(|(eol, before_eq, after_eq, trailing, comment)| Decor {
            eol,
            before_eq,
            after_eq,
            trailing,
            comment,
        })
}

fn version() -> impl Strategy<Value = String> {
    (
        0u64..30,
        0u64..30,
        0u64..30,
        select(vec!["", "-rc.1", "-alpha.2"]),
    )
        .prop_map(|(a, b, c, pre)| format!("{a}.{b}.{c}{pre}"))
}

struct Builder {
    segs: Vec<Seg>,
    d: Decor,
}

impl Builder {
    fn new(d: Decor) -> Self {
        Self {
            segs: Vec::new(),
            d,
        }
    }
    fn text(&mut self, t: &str) -> &mut Self {
        self.segs.push(Seg::Text(t.replace('\n', self.d.eol)));
        self
    }
    fn line(&mut self, t: &str) -> &mut Self {
        self.text(t).text("\n")
    }
    fn comment(&mut self) -> &mut Self {
        if !self.d.comment.is_empty() {
            let c = self.d.comment;
            self.line(c);
        }
        self
    }
    /// `key = "version"` with the decor's spacing and trailing comment.
    fn version_key(&mut self, key: &str, quote: &'static str, old: &str, moves: bool) -> &mut Self {
        let (b, a, t) = (self.d.before_eq, self.d.after_eq, self.d.trailing);
        self.text(&format!("{key}{b}={a}"));
        self.segs.push(Seg::Slot {
            quote,
            old: old.to_string(),
            moves,
        });
        self.line(t)
    }
    fn build(&mut self) -> File {
        File {
            segs: std::mem::take(&mut self.segs),
        }
    }
}

/// A crate manifest: `[package]` as a table or as dotted keys, other keys in either
/// order, and decoys (a dependency at the same version, a `[package.metadata]` version).
fn manifest() -> impl Strategy<Value = (File, String)> {
    (
        decor(),
        version(),
        select(vec!["\"", "'"]),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(d, old, quote, dotted, version_first, workspace)| {
            let mut b = Builder::new(d);
            b.line("# A crate").comment();
            if dotted {
                b.line("package.name = \"demo\"");
                b.version_key("package.version", quote, &old, true);
                b.line("package.edition = \"2021\"");
            } else {
                b.line("[package]");
                if version_first {
                    b.comment().version_key("version", quote, &old, true);
                    b.line("name = \"demo\"");
                } else {
                    b.line("name = \"demo\"").comment();
                    b.version_key("version", quote, &old, true);
                }
                b.line("description = \"version = \\\"1.0.0\\\" in a string\"");
            }
            b.line("").line("[dependencies]");
            b.version_key("demo-core", "\"", &old, false);
            b.line("serde = { version = \"1.0.0\", features = [\"derive\"] }");
            if !dotted {
                b.line("").line("[package.metadata.docs]");
                b.version_key("version", "\"", &old, false);
            }
            if workspace {
                b.line("")
                    .line("[workspace]")
                    .line("members = [\"crates/*\"]");
            }
            (b.build(), old)
        })
}

/// A workspace root: `[workspace.package]` version, a member-like `[package]` decoy
/// after it, `[workspace.dependencies]` at the same version (left to update_requirements).
fn workspace_manifest() -> impl Strategy<Value = File> {
    (decor(), version(), select(vec!["\"", "'"]), any::<bool>()).prop_map(
        |(d, old, quote, dotted)| {
            let mut b = Builder::new(d);
            b.line("[workspace]")
                .line("members = [\"crates/*\"]")
                .line("resolver = \"2\"");
            b.line("");
            if dotted {
                b.comment()
                    .version_key("package.version", quote, &old, true);
                b.line("package.edition = \"2021\"");
            } else {
                b.line("[workspace.package]").comment();
                b.version_key("version", quote, &old, true);
                b.line("license = \"MIT\"");
            }
            b.line("").line("[workspace.dependencies]");
            b.version_key("demo-core", "\"", &format!("={old}"), false);
            b.build()
        },
    )
}

fn pyproject() -> impl Strategy<Value = File> {
    (
        decor(),
        select(vec!["1.2.3", "0.1.0rc1", "2.0.0a4", "10.4.0.dev2"]),
        select(vec!["\"", "'"]),
    )
        .prop_map(|(d, old, quote)| {
            let mut b = Builder::new(d);
            b.line("[build-system]")
                .line("requires = [\"maturin>=1.9,<2.0\"]")
                .line("build-backend = \"maturin\"")
                .line("");
            b.line("[project]").line("name = \"demo\"").comment();
            b.version_key("version", quote, old, true);
            b.line("requires-python = \">=3.9\"");
            b.line("classifiers = [")
                .line("    \"Programming Language :: Rust\",")
                .line("]");
            b.line("").line("[tool.maturin]");
            b.version_key("# not a key, a comment: version", "\"", old, false);
            b.line("features = [\"pyo3/extension-module\"]");
            b.build()
        })
}

/// A Cargo.lock: the released crates' local entries move, a registry package of the same
/// name and version and a local crate of another version line do not; references
/// `"name old"` in `dependencies` move with them.
fn lock() -> impl Strategy<Value = (File, BTreeSet<String>, String)> {
    (decor(), version(), any::<bool>()).prop_map(|(d, old, two_lines)| {
        let mut b = Builder::new(d);
        b.line("# This file is automatically @generated by Cargo.")
            .line("version = 4")
            .line("");
        b.line("[[package]]").line("name = \"demo\"");
        b.version_key("version", "\"", &old, true);
        b.line("dependencies = [");
        if two_lines {
            // Cargo names the version only when the lock has two of the name. The
            // reference's version is a slot without quotes of its own.
            b.text("    \"demo-core ");
            b.segs.push(Seg::Slot {
                quote: "",
                old: old.clone(),
                moves: true,
            });
            b.line("\",");
        } else {
            b.line("    \"demo-core\",");
        }
        b.line("    \"serde\",").line("]").line("");
        b.line("[[package]]").line("name = \"demo-core\"");
        b.version_key("version", "\"", &old, true);
        b.line("");
        if two_lines {
            // A second, older demo-core from a registry makes cargo write references with
            // versions; it must keep its own.
            b.line("[[package]]").line("name = \"demo-core\"");
            b.version_key("version", "\"", &old, false);
            b.line("source = \"registry+https://github.com/rust-lang/crates.io-index\"");
            b.line("");
        }
        b.line("[[package]]").line("name = \"serde\"");
        b.version_key("version", "\"", "1.0.228", false);
        b.line("source = \"registry+https://github.com/rust-lang/crates.io-index\"");
        let crates = ["demo", "demo-core"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        (b.build(), crates, old)
    })
}

fn parses(text: &str) -> Result<(), TestCaseError> {
    toml_edit::Document::parse(text)
        .map(drop)
        .map_err(|e| TestCaseError::fail(format!("invalid TOML ({e}):\n{text}")))
}

proptest! {
    #[test]
    fn set_package_version_changes_only_the_version((file, _) in manifest(), new in version()) {
        let input = file.render(None);
        parses(&input)?;
        let out = set_package_version(&input, &new).map_err(|e| TestCaseError::fail(e.message))?;
        prop_assert_eq!(&out, &file.render(Some(&new)));
        parses(&out)?;
    }

    #[test]
    fn set_workspace_version_changes_only_the_version(file in workspace_manifest(), new in version()) {
        let input = file.render(None);
        parses(&input)?;
        let out = set_workspace_version(&input, &new).map_err(|e| TestCaseError::fail(e.message))?;
        prop_assert_eq!(&out, &file.render(Some(&new)));
        parses(&out)?;
    }

    #[test]
    fn set_pyproject_version_changes_only_the_version(
        file in pyproject(),
        new in select(vec!["1.2.4", "1.3.0rc1", "2.0.0b2", "3.0.0.dev1"]),
    ) {
        let input = file.render(None);
        parses(&input)?;
        let out = set_pyproject_version(&input, new).map_err(|e| TestCaseError::fail(e.message))?;
        prop_assert_eq!(&out, &file.render(Some(new)));
        parses(&out)?;
    }

    #[test]
    fn set_lock_versions_changes_only_the_released_entries((file, crates, old) in lock(), new in version()) {
        prop_assume!(new != old);
        let input = file.render(None);
        parses(&input)?;
        let old = semver::Version::parse(&old).unwrap();
        let new_v = semver::Version::parse(&new).unwrap();
        let out = set_lock_versions(&input, &crates, &old, &new_v)
            .map_err(|e| TestCaseError::fail(e.message))?
            .ok_or_else(|| TestCaseError::fail("no released entry found"))?;
        prop_assert_eq!(&out, &file.render(Some(&new)));
        parses(&out)?;
    }
}
