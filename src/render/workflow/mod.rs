//! `.github/workflows/release.yml`: the release pipeline of `design.md` ("Beyond one
//! machine") as a GitHub Actions workflow. Pure: [`Settings`] in, YAML text out.
//!
//! The security rules it keeps (checked in the tests by `zizmor --offline`):
//! actions pinned to commit SHAs ([`super::pins`]); `permissions: {}` at the top and
//! the least each job needs; `persist-credentials: false` on every checkout, so no
//! job leaves a token in `.git/config`; no `${{ }}` inside `run:` (values reach the
//! shell through `env:`, never as script text); no caches anywhere, since a cache
//! written by another workflow could poison what is published; publishing jobs in
//! the `release` environment, where the user adds required reviewers; and tokens
//! minted by OIDC in the step right before the one that uses them.
//!
//! One module per concern: `steps` (the pieces every job uses and the quoting),
//! `build` (verify, test, wheels, sdist), `publish` (the publishing jobs and the
//! GitHub release).
use std::fmt::Write as _;

mod build;
mod publish;
mod steps;

use build::{sdist, test, verify, wheels};
pub use publish::{PYTHON_INDEX_SECRET, registry_token_var};
use publish::{github_release, publish_crates, publish_python};
use steps::quote;

/// What the workflow needs to know about the project, decided by `plan::init`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Tags are this prefix + the version; the workflow runs on `{prefix}*`.
    pub tag_prefix: String,
    /// How each job gets cargo-pyrelease.
    pub install: Install,
    /// Arguments every `cargo pyrelease` call needs to find the project from the
    /// repository root (`--manifest-path`, `-p`), already split into words.
    pub select: Vec<String>,
    /// The maturin projects released.
    pub packages: Vec<Package>,
    /// The Cargo workspace root, relative to the repository root (`.` for the root).
    pub cargo_dir: String,
    /// Whether the release has crates to publish (not all `publish = false`).
    pub publish_crates: bool,
    /// Whether `Cargo.lock` exists: builds then pass `--locked`.
    pub locked: bool,
    /// The configured `gates`, run by the `test` job instead of the default ones.
    pub gates: Option<Vec<String>>,
    /// The project has a changelog: the GitHub release takes its notes from it.
    /// Without one, GitHub generates them from the commits since the last tag.
    pub changelog: bool,
    /// The cargo registry the crates go to, by name; `None` is crates.io (trusted
    /// publishing). A named registry takes its token from a repository secret.
    pub registry: Option<String>,
    /// The Python index is not PyPI (`publish-url` is configured): its token comes from
    /// a repository secret.
    pub private_python_index: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Install {
    /// The released wheel of this version (`bindings = "bin"`: a binary in a wheel),
    /// installed with pipx, which every GitHub runner image has: seconds, no compile.
    Wheel { version: String },
    /// `cargo install --locked --path DIR` once, in the verify job, handed on to the
    /// other jobs as an artifact: cargo-pyrelease releasing itself, from the tagged
    /// source (the version being released is not published yet).
    Path { dir: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// The Python project name (for step names).
    pub name: String,
    /// The folder of its pyproject.toml, relative to the repository root (`.` for the root).
    pub dir: String,
    /// The Python versions to build a wheel for, from `requires-python`; empty when one
    /// wheel per platform serves every Python version (abi3, `bin` or `cffi` bindings).
    pub interpreters: Vec<String>,
    /// `tests/` beside the pyproject holds pytest files: the `test` job runs them
    /// against the package built from source.
    pub pytest: bool,
}

/// Where the wheel and sdist jobs build, relative to the repository root.
const DIST: &str = "dist";

/// Artifacts with this prefix hold wheels and sdists (what the PyPI job uploads).
const DIST_ARTIFACT: &str = "dist-";

/// The name of the step that installs the tool: the local replay recognises it.
pub const INSTALL_STEP: &str = "Install cargo-pyrelease";

/// The artifact that carries the tool built once (see [`Install::Path`]).
const TOOL_ARTIFACT: &str = "cargo-pyrelease";

pub fn render(s: &Settings) -> String {
    let mut y = String::new();
    header(&mut y, s);
    verify(&mut y, s);
    test(&mut y, s);
    wheels(&mut y, s);
    sdist(&mut y, s);
    let mut published = Vec::new();
    if s.publish_crates {
        publish_crates(&mut y, s);
        published.push("publish-crates");
    }
    publish_python(&mut y, s);
    published.push("publish-python");
    github_release(&mut y, s, &published);
    y
}

fn header(y: &mut String, s: &Settings) {
    let names: Vec<&str> = s.packages.iter().map(|p| p.name.as_str()).collect();
    let _ = write!(
        y,
        "\
# Generated by `cargo pyrelease init`; `cargo pyrelease init --force` writes it anew.
#
# Releases {names} when a tag `{prefix}X.Y.Z` is pushed (`cargo pyrelease bump`
# makes it; pre-release tags such as `{prefix}1.2.0-rc.1` run the same way):
# verify -> test, wheels, sdist -> publish crates, publish to PyPI -> GitHub release.
# Nothing is published unless every check, test and build passed. The publishing
# jobs run in the `release` environment: give it required reviewers to approve
# each release. A failed release can be re-run (\"Re-run failed jobs\" or \"Re-run
# all jobs\"): it finishes only what is missing.
name: release

on:
  push:
    tags:
      - {trigger}

permissions: {{}}

# One release of a tag at a time; a running release is never cancelled half-way.
concurrency:
  group: release-${{{{ github.ref }}}}
  cancel-in-progress: false

env:
  CARGO_TERM_COLOR: always

jobs:
",
        names = names.join(", "),
        prefix = s.tag_prefix,
        trigger = quote(&format!("{}*", s.tag_prefix)),
    );
}
