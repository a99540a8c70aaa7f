//! `verify`: every release-readiness problem as a finding with a stable id, a
//! severity, where it is, and the fix. Checks append; nothing stops early.
mod changelog;
pub mod docs;
mod git;
mod metadata;
pub mod registries;
pub mod semver;
mod versions;

use std::path::Path;

use serde::Serialize;

use crate::project::Project;
use crate::project::git::{GitState, Head};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Stable kebab-case id, documented in the README; `allow = [...]` takes it.
    pub id: &'static str,
    pub severity: Severity,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub message: String,
    pub help: String,
    /// The source line at `file:line`, for the human rendering.
    #[serde(skip)]
    pub snippet: Option<String>,
}

/// What the checks need beyond the model.
#[derive(Debug, Clone, Copy)]
pub struct Sides {
    pub crates: bool,
    pub python: bool,
}

impl Default for Sides {
    fn default() -> Self {
        Self {
            crates: true,
            python: true,
        }
    }
}

pub struct Context<'a> {
    /// The tag being released: `--tag`, or the tag a CI run was started by.
    pub tag: Option<String>,
    pub git: Option<(GitState, Head)>,
    /// YYYY-MM-DD, UTC.
    pub today: String,
    /// No registry look-ups.
    /// Which registries the release goes to (`publish --only` in CI: one side per job).
    pub sides: Sides,
    /// The registries to ask; `None` is offline.
    pub registries: Option<&'a crate::registry::Targets>,
}

/// Collects findings with paths relative to the project root.
pub struct Findings<'a> {
    pub(super) root: &'a Path,
    pub list: Vec<Finding>,
}

impl Findings<'_> {
    pub fn add(
        &mut self,
        id: &'static str,
        severity: Severity,
        at: Option<(&Path, Option<usize>)>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let (file, line, snippet) = match at {
            Some((path, line)) => {
                let snippet = line.and_then(|l| source_line(path, l));
                (
                    Some(crate::project::relative(self.root, path)),
                    line,
                    snippet,
                )
            }
            None => (None, None, None),
        };
        self.list.push(Finding {
            id,
            severity,
            file,
            line,
            message: message.into(),
            help: help.into(),
            snippet,
        });
    }

    pub fn error(
        &mut self,
        id: &'static str,
        at: Option<(&Path, Option<usize>)>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.add(id, Severity::Error, at, message, help);
    }

    pub fn warn(
        &mut self,
        id: &'static str,
        at: Option<(&Path, Option<usize>)>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.add(id, Severity::Warning, at, message, help);
    }
}

fn source_line(path: &Path, line: usize) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines().nth(line.checked_sub(1)?).map(str::to_string)
}

/// Every finding for the project, minus those allowed in config.
pub fn run(project: &Project, ctx: &Context) -> Vec<Finding> {
    let mut findings = Findings {
        root: &project.root,
        list: Vec::new(),
    };
    versions::check(project, &mut findings);
    changelog::check(project, ctx, &mut findings);
    git::check(project, ctx, &mut findings);
    metadata::check_crates(project, &mut findings);
    metadata::check_python(project, &mut findings);
    if let Some(targets) = ctx.registries.filter(|_| ctx.sides.crates) {
        metadata::check_off_crates_io(project, targets, &mut findings);
    }
    let mut list = findings.list;
    if let Some(targets) = ctx.registries {
        list.extend(registries::check(project, targets, ctx.sides));
    }
    list.retain(|f| !project.config.allow.iter().any(|a| a == f.id));
    list.sort_by_key(|f| f.severity);
    list
}

/// Every finding id, with what it means: the README table is checked against it.
pub const IDS: &[(&str, &str)] = &[
    (
        "version-not-pep440",
        "Cargo's version has no faithful PEP 440 spelling",
    ),
    (
        "placeholder-version",
        "the version is a placeholder (0.0.0, 999.0.0)",
    ),
    (
        "pyproject-version-mismatch",
        "a static pyproject.toml version differs from Cargo's",
    ),
    (
        "pyproject-version-spelling",
        "a static pyproject.toml version is Cargo's, spelled otherwise (`3.0.0-alpha.0` for `3.0.0a0`)",
    ),
    (
        "pyproject-version-missing",
        "pyproject.toml has neither `version` nor `dynamic = [\"version\"]`",
    ),
    (
        "uv-lock-stale",
        "uv.lock records another version of the project",
    ),
    (
        "version-file-stale",
        "a configured version file holds another version",
    ),
    (
        "cargo-lock-stale",
        "Cargo.lock records another version of a released crate",
    ),
    (
        "dependent-requirement-stale",
        "a requirement on a released crate does not match its version",
    ),
    ("changelog-missing", "no changelog file was found"),
    (
        "changelog-no-section",
        "the changelog has no section for this version",
    ),
    (
        "changelog-section-empty",
        "the changelog section of this version lists no changes",
    ),
    (
        "changelog-date-future",
        "the changelog section is dated in the future",
    ),
    (
        "changelog-duplicate-section",
        "two changelog sections for one version, or two Unreleased sections",
    ),
    (
        "changelog-release-ahead",
        "the changelog's newest section is above the version in Cargo.toml",
    ),
    (
        "changelog-compare-link",
        "the compare link of this version points at other tags",
    ),
    (
        "tag-mismatch",
        "the tag being released is not prefix + version",
    ),
    ("tag-exists", "the tag already exists on another commit"),
    ("git-dirty", "uncommitted changes in the working tree"),
    ("git-branch", "not on a branch allowed by `allow-branch`"),
    ("git-behind", "HEAD is behind its upstream"),
    ("crate-description", "a crate to publish has no description"),
    (
        "crate-license",
        "a crate to publish has no license or license-file",
    ),
    (
        "crate-links",
        "a crate to publish has no repository, homepage or documentation",
    ),
    ("crate-readme", "a crate's readme file does not exist"),
    (
        "crate-keywords",
        "more than 5 keywords, or a keyword crates.io refuses",
    ),
    (
        "path-dependency-without-version",
        "a path dependency has no version: `cargo publish` refuses it",
    ),
    (
        "unpublished-dependency",
        "a published crate depends on a `publish = false` crate",
    ),
    (
        "pypi-name",
        "the Python project name is invalid or not normalised",
    ),
    ("pypi-requires-python", "no `requires-python`"),
    ("pypi-readme", "no `readme` in `[project]`"),
    ("pypi-license", "no `license` in `[project]`"),
    (
        "pypi-classifier",
        "a classifier that is not a valid trove classifier",
    ),
    (
        "pypi-rust-classifier",
        "no `Programming Language :: Rust` classifier",
    ),
];
