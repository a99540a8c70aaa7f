//! `publish`: read the state once, plan, let the executor run the plan.
//!
//! 1. verify (findings, git state), then decide from the journal and HEAD whether the
//!    artifacts of an earlier run are this commit's ([`plan::build`]);
//! 2. the gates not yet passed for this commit, then the build, while both registries are
//!    asked what they hold for this version;
//! 3. [`plan::plan`]: the steps that finish the release (crates, Python files, tag and
//!    push, GitHub release), each run or skipped with its reason, or the refusals;
//! 4. the executor runs them; in a dry run it prints the irreversible ones. The journal
//!    records each as it is done, through the executor's hook.
mod build;
mod hooks;
mod preflight;
mod state;
mod stopped;

use std::path::Path;

use crate::cli::{GlobalArgs, Only, PublishArgs};
use crate::error::{Exit, Failure};
use crate::exec::Executor;
use crate::plan::publish::{self as plan, Build, Step};
use crate::project::Project;
use crate::project::config::Uploader;
use crate::registry::{Targets, normalize_python_name as normalize};
use crate::release_record::PublishRecord;
use crate::shell::Shell;

pub fn run(global: &GlobalArgs, args: &PublishArgs, shell: &Shell) -> anyhow::Result<Exit> {
    crate::exec::lock::hold(global.manifest_path.as_deref(), shell)?;
    crate::exec::undo::recover(global.manifest_path.as_deref(), false, shell)?;
    let project = Project::load(&global.load_options())?;
    let targets = Targets::resolve(&project, &global.overrides())?;
    let crates_side = args.only != Some(Only::Python);
    let python_side = args.only != Some(Only::Crates) && !project.packages.is_empty();
    if python_side {
        targets.upload_url()?;
    }
    let journal_path =
        PublishRecord::path(&project.release_dir(), &project.version, &targets.key());
    let mut journal = PublishRecord::load(&journal_path)?
        .unwrap_or_else(|| PublishRecord::new(&project.version, project.pep440.as_deref().ok()));
    let release = Release {
        project: &project,
        shell,
        targets: &targets,
        journal_path: &journal_path,
    };
    // A gate's cargo writes a Cargo.lock into a project that commits none: removed again,
    // so that the tree is left as it was found (and a real run after a dry run is clean).
    let lock = project.workspace.manifest.with_file_name("Cargo.lock");
    let lock_was_there = lock.exists();
    let mut steps = None;
    // A registry that answers 429 says until when (crates.io past its burst of new
    // crates): waited out, then the release is planned afresh from what went out.
    let mut waits = 0;
    let result = loop {
        let result = release.run(args, (crates_side, python_side), &mut journal, &mut steps);
        let wait = result
            .as_ref()
            .err()
            .and_then(|err| stopped::rate_limit_wait(&format!("{err:#}"), crate::ops::unix_now()));
        match wait {
            Some(wait) if waits < MAX_RATE_LIMIT_WAITS && wait <= MAX_RATE_LIMIT_WAIT => {
                waits += 1;
                shell.status(
                    "Waiting",
                    format!(
                        "{} s: a registry asked to wait (429), then the release goes on",
                        wait.as_secs()
                    ),
                );
                std::thread::sleep(wait);
            }
            _ => break result,
        }
    };
    if !lock_was_there {
        crate::exec::fs::remove_created(&lock)?;
    }
    result.map_err(|err| release.stopped(err, &mut journal, steps.as_deref()))
}

/// A refusal on a release that may be partly out (a moved commit, a yanked version): exit
/// 1 and its own advice, not the stopped release's "re-run", since no re-run gets past it.
#[derive(Debug)]
struct Refused(Failure);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Refused {}

/// crates.io lets one new crate through every 10 minutes past its burst.
const MAX_RATE_LIMIT_WAIT: std::time::Duration = std::time::Duration::from_secs(15 * 60);
const MAX_RATE_LIMIT_WAITS: u32 = 12;

struct Release<'a> {
    project: &'a Project,
    shell: &'a Shell,
    targets: &'a Targets,
    journal_path: &'a Path,
}

impl Release<'_> {
    fn run(
        &self,
        args: &PublishArgs,
        (crates_side, python_side): (bool, bool),
        journal: &mut PublishRecord,
        planned: &mut Option<Vec<Step>>,
    ) -> anyhow::Result<Exit> {
        let project = self.project;
        let (git, head) = self.verify(crates_side, python_side)?;
        let commit = head.commit.clone();
        let inputs = build::inputs(project, git.as_ref());
        let recorded = plan::Recorded {
            commit: journal.commit.clone(),
            inputs: journal.inputs.clone(),
            built: journal.builds > 0,
            published: journal
                .done
                .iter()
                .any(|d| d.step.starts_with("crate:") || d.step.starts_with("python:")),
            files_intact: build::intact(journal),
        };
        match plan::build(Some(&recorded), commit.as_deref(), &inputs) {
            Build::Refuse { released, head } => {
                return Err(Refused(Failure::failed(format!(
                    "{} {} was partly published from commit {released}, and HEAD is now {head}: a crate and a wheel of one version must come from one commit",
                    project.name(),
                    project.version
                ))
                .at(self.journal_path, None)
                .help(format!(
                    "check out the released commit (`git checkout {released}`) and run `cargo pyrelease publish` to finish it, or release the new commit as a new version (`cargo pyrelease bump patch`)"
                )))
                .into());
            }
            Build::Fresh(why) => {
                if let Some(why) = why {
                    self.shell.note(format!("rebuilding: {why}"));
                }
                journal.rebind(commit.clone(), inputs);
            }
            Build::Reuse if journal.done.is_empty() => self.shell.note(format!(
                "the files built from this commit are reused (`{}`)",
                project.rel(self.journal_path)
            )),
            Build::Reuse => self.shell.note(format!(
                "resuming the release of {} from `{}`",
                project.version,
                project.rel(self.journal_path)
            )),
        }
        let local = build::Local {
            project,
            shell: self.shell,
            registry: self.targets.registry.as_deref(),
            journal_path: self.journal_path,
        };
        if !args.no_gates {
            local.gates(journal, crates_side)?;
        }
        let names = if crates_side {
            build::release_crates(project)
        } else {
            Vec::new()
        };
        let packages: Vec<String> = if python_side {
            project
                .packages
                .iter()
                .map(|p| project.dist_name(p))
                .collect()
        } else {
            Vec::new()
        };
        // The registries are asked while the build runs: the look-ups cost no time.
        let (listing, built) = std::thread::scope(|scope| {
            let ask = scope.spawn(|| state::ask(self.targets, &names, &packages));
            let built = local.build(journal, &names, python_side, args.dist.as_deref());
            (crate::exec::joined(ask), built)
        });
        let (crates, files) = built?;
        let listing = listing.map_err(Failure::from)?;
        let yanked = listing.yanked(&project.version);
        if !yanked.is_empty() {
            return Err(Refused(Failure::failed(format!(
                "{} {} was yanked (taken back) on {}: {}",
                yanked.join(", "),
                project.version,
                self.targets.crates_name(),
                super::published::YANKED
            )))
            .into());
        }
        if !args.no_gates && args.dist.is_none() {
            local.python_tests(journal, &files)?;
        }

        let tag = project.tag();
        let in_ci_from_tag = super::ci_tag().as_deref() == Some(tag.as_str());
        let tag_wanted = !args.no_tag && !in_ci_from_tag && git.is_some();
        let tag_state = state::tag_state(project, tag_wanted, head.branch.clone());
        if tag_wanted && tag_state.remote.is_none() && args.only.is_none() {
            self.shell.note(format!(
                "the repository has no remote: the tag {tag} stays on this machine (push it with `git push <remote> HEAD refs/tags/{tag}`)"
            ));
        }
        let github_wanted = !args.no_github_release && args.only.is_none();
        let github = state::github_state(&project.root, &tag, github_wanted)?;
        if github_wanted && github == plan::Github::Off {
            self.shell.note("`gh` (GitHub CLI) is not installed: no GitHub release is made; pass `--no-github-release` to silence this");
        }
        let notes = project
            .release_dir()
            .join(project.version.to_string())
            .join("notes.md");
        if matches!(github, plan::Github::None | plan::Github::Draft { .. }) {
            crate::exec::fs::write_atomic(&notes, self.notes().as_bytes())?;
        }
        let done = |id: &str| journal.is_done(id);
        let state = plan::State {
            crates: listing.crate_items(&crates, &project.version, done),
            files: listing.file_items(&files, done),
            tag: tag_state,
            github,
            only: args.only,
        };
        let commands = state::ReleaseCommands {
            project,
            targets: self.targets,
            uploader: args
                .uploader
                .or(project.config.uploader)
                .unwrap_or(Uploader::Uv),
            notes,
        };
        let steps = match plan::plan(&state, &commands) {
            Ok(steps) => steps,
            Err(refused) => {
                *planned = Some(refused.done);
                return Err(self.refused(&refused.refusals));
            }
        };
        *planned = Some(steps.clone());
        if !steps.iter().any(Step::runs) {
            // Found done on the registries: the journal learns it, for `status`.
            for step in &steps {
                for id in &step.ids {
                    journal.mark(id.clone(), "found done");
                }
            }
            journal.save(self.journal_path)?;
            self.shell.status(
                "Published",
                format!("{} {}: nothing left to do", project.name(), project.version),
            );
            return Ok(Exit::Ok);
        }
        if self.targets.is_pypi() {
            self.pypi_window(&steps, &listing)?;
        }
        self.credentials(&steps, commands.uploader)?;
        if self.targets.registry.is_none() {
            self.new_crate_limit(&steps, &listing);
        }
        let mode = args.mode();
        let mut hooks = hooks::Record {
            journal,
            path: self.journal_path,
            ask: !args.yes,
            release: self,
        };
        let subject = format!("{} {}", project.name(), project.version);
        let journal_shown = project.rel(self.journal_path);
        Executor {
            mode,
            shell: self.shell,
        }
        .release(&steps, &mut hooks, &subject, &journal_shown)?;
        Ok(Exit::Ok)
    }

    /// The changelog section of this version and the registry pages, as `notes` writes
    /// them; pages only for the sides that go to crates.io and PyPI.
    fn notes(&self) -> String {
        let project = self.project;
        let body = project
            .changelog
            .as_ref()
            .and_then(|cl| crate::changelog::section_text(&cl.parsed, &project.version.to_string()))
            .unwrap_or_default();
        let pep440 = project.pep440.clone().unwrap_or_default();
        crate::render::notes::Release::of(project, self.targets, &project.version, &pep440, body)
            .notes()
    }
}
