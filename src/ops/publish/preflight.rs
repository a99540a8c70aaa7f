//! What is checked before anything irreversible: every `verify` check, both sides'
//! credentials, PyPI's window for new files, crates.io's pace for new crates; and the
//! refusal of files that are not this release's.
use super::{Refused, Release, state};
use crate::checks::{self, Context, Severity};
use crate::error::Failure;
use crate::plan::publish::{self as plan, Step};
use crate::project::config::Uploader;
use crate::project::git::{GitState, Head};

impl Release<'_> {
    pub(super) fn verify(
        &self,
        crates: bool,
        python: bool,
    ) -> anyhow::Result<(Option<GitState>, Head)> {
        let project = self.project;
        self.shell.status(
            "Verifying",
            format!("{} {}", project.name(), project.version),
        );
        let git = crate::project::git::inspect(None, &project.root)?;
        let ctx = Context {
            tag: crate::ops::ci_tag(),
            git: git.clone(),
            today: crate::ops::today_utc(),
            sides: checks::Sides { crates, python },
            registries: Some(self.targets),
        };
        let findings = checks::run(project, &ctx);
        // A version already on a registry is decided file by file, by checksum, once the
        // files are built: this release's own uploads are done, not errors.
        let errors: Vec<_> = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .filter(|f| crates || !f.id.as_str().starts_with("crate-"))
            .filter(|f| python || !f.id.as_str().starts_with("pypi-"))
            .filter(|f| !f.id.as_str().ends_with("-already-published"))
            .collect();
        for finding in findings.iter().filter(|f| f.severity == Severity::Warning) {
            self.shell
                .verbose(finding.render(self.shell.stderr_color()));
        }
        if errors.is_empty() {
            return Ok(match git {
                Some((state, head)) => (Some(state), head),
                None => (None, Head::default()),
            });
        }
        for finding in &errors {
            finding.print(self.shell);
        }
        Err(Failure::new(
            checks::failed(errors.iter().copied()),
            format!(
                "{} {} is not ready to release: {}; nothing was built or published",
                project.name(),
                project.version,
                crate::diag::count(errors.len(), "error")
            ),
        )
        .help("fix them and run again; `cargo pyrelease verify` shows the same findings")
        .into())
    }

    /// Both sides' credentials, before the first upload of either.
    pub(super) fn credentials(&self, steps: &[Step], uploader: Uploader) -> anyhow::Result<()> {
        use crate::registry::credentials;
        let runs = |prefix: &str| {
            steps
                .iter()
                .any(|s| s.runs() && s.ids.iter().any(|id| id.starts_with(prefix)))
        };
        let mut missing = Vec::new();
        if runs("crate:") {
            missing.extend(credentials::crates_missing(
                &self.project.root,
                self.targets.registry.as_deref(),
            ));
        }
        if runs("python:") {
            missing.extend(credentials::python_missing(uploader));
        }
        if missing.is_empty() {
            return Ok(());
        }
        let (what, help): (Vec<String>, Vec<String>) = missing.into_iter().unzip();
        Err(
            Failure::failed(format!("{}; nothing was published", what.join("; ")))
                .help(help.join("; "))
                .into(),
        )
    }

    /// PyPI takes new files for a release only within 14 days of its first file: a resume
    /// past that is refused before anything else goes out.
    pub(super) fn pypi_window(
        &self,
        steps: &[Step],
        listing: &state::Listing,
    ) -> anyhow::Result<()> {
        const WINDOW_DAYS: i64 = 14;
        let pending = steps
            .iter()
            .any(|s| s.runs() && s.ids.iter().any(|id| id.starts_with("python:")));
        let out: Vec<&str> = steps
            .iter()
            .filter(|s| !s.runs())
            .flat_map(|s| &s.ids)
            .filter_map(|id| id.strip_prefix("python:"))
            .collect();
        let (Some(first), Some(today)) = (
            listing.first_upload_day(&out),
            state::day_of(&crate::ops::today_utc()),
        ) else {
            return Ok(());
        };
        if !pending || today - first <= WINDOW_DAYS {
            return Ok(());
        }
        Err(Refused(Failure::failed(format!(
            "the first Python file of {} was uploaded {} days ago: PyPI takes new files for a release only within {WINDOW_DAYS} days of its first, so the missing files would be refused",
            self.project.version,
            today - first
        ))
        .help("release the missing files as a new version (`cargo pyrelease bump patch`); nothing more was published"))
        .into())
    }

    /// crates.io takes a burst of 5 new crates, then one every 10 minutes: a release of
    /// more says how long it will take before it starts.
    pub(super) fn new_crate_limit(&self, steps: &[Step], listing: &state::Listing) {
        const BURST: usize = 5;
        const MINUTES_PER_CRATE: usize = 10;
        let new = steps
            .iter()
            .filter(|s| s.runs())
            .flat_map(|s| &s.ids)
            .filter_map(|id| id.strip_prefix("crate:"))
            .filter(|name| {
                listing
                    .crates
                    .iter()
                    .any(|(n, versions)| n == name && versions.is_empty())
            })
            .count();
        if new > BURST {
            self.shell.note(format!(
                "{new} new crates: crates.io accepts {BURST} at once, then one every {MINUTES_PER_CRATE} minutes, so publishing them takes about {} minutes (a crate refused with 429 is published by a re-run after that)",
                (new - BURST) * MINUTES_PER_CRATE
            ));
        }
    }

    pub(super) fn refused(&self, refusals: &[plan::Refusal]) -> anyhow::Error {
        let lines: Vec<String> = refusals.iter().map(|r| format!("  {r}")).collect();
        let taken_name = refusals
            .iter()
            .any(|r| matches!(r, plan::Refusal::Crate { .. }))
            && self.targets.registry.is_none();
        let help = if taken_name {
            "a version can be published once, and these bytes are not this release's: bump to a new version (`cargo pyrelease bump patch`); if the crate name is someone else's on crates.io, rename the crate"
        } else {
            "a version can be published once, and these bytes are not this release's: bump to a new version (`cargo pyrelease bump patch`)"
        };
        Failure::failed(format!(
            "{} {} is on the registries from other files:\n{}",
            self.project.name(),
            self.project.version,
            lines.join("\n")
        ))
        .help(help)
        .into()
    }
}
