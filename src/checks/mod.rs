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

pub use crate::diag::FindingId;
use crate::error::{Failure, Kind};
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
    pub id: FindingId,
    pub severity: Severity,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub message: String,
    pub help: String,
    /// The source line at `file:line`, for the human rendering.
    #[serde(skip)]
    pub snippet: Option<String>,
}

impl Finding {
    /// The finding on stdout, followed by a blank line as rustc separates its diagnostics.
    pub fn print(&self, shell: &crate::shell::Shell) {
        shell.out(format!("{}\n", self.render(shell.stdout_color())));
    }

    /// The finding as cargo shows a diagnostic; ANSI colors only when `color`.
    pub fn render(&self, color: bool) -> String {
        crate::diag::render(
            &crate::diag::Report {
                error: self.severity == Severity::Error,
                id: Some(self.id.as_str()),
                message: &self.message,
                file: self.file.as_deref(),
                line: self.line,
                source: self.snippet.as_deref(),
                help: Some(&self.help),
            },
            color,
        )
    }
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
        id: FindingId,
        severity: Severity,
        at: Option<(&Path, Option<usize>)>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        let (file, line, snippet) = match at {
            Some((path, line)) => {
                let snippet = line.and_then(|l| crate::diag::render::source_line(path, l));
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
        id: FindingId,
        at: Option<(&Path, Option<usize>)>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.add(id, Severity::Error, at, message, help);
    }

    pub fn warn(
        &mut self,
        id: FindingId,
        at: Option<(&Path, Option<usize>)>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) {
        self.add(id, Severity::Warning, at, message, help);
    }

    /// What `sync` or `bump` would refuse, as a finding with the same words: the id the
    /// failure names, else bad input in the file it names (exit 2, as they exit).
    pub fn failure(&mut self, failure: &Failure) {
        let id = match failure.kind {
            Kind::Check(id) => id,
            _ => FindingId::FileInvalid,
        };
        let at = failure
            .location
            .as_ref()
            .map(|l| (l.file.as_path(), l.line));
        let help = failure
            .help
            .clone()
            .unwrap_or_else(|| "fix the file: the commands that edit it refuse it as it is".into());
        self.error(id, at, failure.message.clone(), help);
    }
}

/// How a run with these error findings ends: bad input (2) when one of them is (no
/// command can work with that file), else a failed check (1).
pub fn failed<'a>(errors: impl IntoIterator<Item = &'a Finding>) -> Kind {
    if errors.into_iter().any(|f| f.id.is_bad_input()) {
        Kind::Usage
    } else {
        Kind::Step
    }
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
    drop_allowed(project, &mut list);
    list.sort_by_key(|f| f.severity);
    list
}

/// Drops the findings whose id the configuration's `allow` lists.
pub(crate) fn drop_allowed(project: &Project, list: &mut Vec<Finding>) {
    list.retain(|f| !project.config.allow.contains(&f.id));
}
