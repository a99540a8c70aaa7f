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
mod state;

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};

use crate::checks::{self, Context, Severity};
use crate::cli::{GlobalArgs, Only, PublishArgs};
use crate::error::{Exit, Failure};
use crate::exec::release::Hooks;
use crate::exec::{Executor, Mode};
use crate::journal::Journal;
use crate::plan::publish::{self as plan, Build, Step};
use crate::project::Project;
use crate::project::config::Uploader;
use crate::project::git::{GitState, Head};
use crate::registry::Targets;
use crate::shell::Shell;

pub fn run(global: &GlobalArgs, args: &PublishArgs, shell: &Shell) -> anyhow::Result<i32> {
    crate::exec::journal::recover(global.manifest_path.as_deref(), false, shell)?;
    let project = Project::load(&global.load_options())?;
    let targets = Targets::resolve(&project, &args.registries.overrides())?;
    let crates_side = args.only != Some(Only::Python);
    let python_side = args.only != Some(Only::Crates) && !project.packages.is_empty();
    if python_side {
        targets.upload_url()?;
    }
    let journal_path = Journal::path(&project.release_dir(), &project.version, &targets.key());
    let mut journal = Journal::load(&journal_path)?
        .unwrap_or_else(|| Journal::new(&project.version, project.pep440.as_deref().ok()));
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
    let result = release.run(args, (crates_side, python_side), &mut journal, &mut steps);
    if !lock_was_there {
        crate::exec::fs::remove_created(&lock)?;
    }
    result.map_err(|err| release.stopped(err, &journal, steps.as_deref()))
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
        journal: &mut Journal,
        planned: &mut Option<Vec<Step>>,
    ) -> anyhow::Result<i32> {
        let project = self.project;
        let (git, head) = self.verify(crates_side, python_side)?;
        let commit = head.commit.clone();
        let inputs = inputs(project, git.as_ref());
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
                    project.primary().name,
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
            local.gates(journal)?;
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
        let steps = plan::plan(&state, &commands).map_err(|refusals| self.refused(&refusals))?;
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
                format!(
                    "{} {}: nothing left to do",
                    project.primary().name,
                    project.version
                ),
            );
            return Ok(0);
        }
        if self.targets.is_pypi() {
            self.pypi_window(&steps, &listing)?;
        }
        self.credentials(&steps, commands.uploader)?;
        if self.targets.registry.is_none() {
            self.new_crate_limit(&steps, &listing);
        }
        let mode = if args.dry_run {
            Mode::DryRun
        } else {
            Mode::Execute
        };
        let mut hooks = Record {
            journal,
            path: self.journal_path,
            ask: !args.yes,
            release: self,
        };
        Executor {
            mode,
            shell: self.shell,
        }
        .release(&steps, &mut hooks)?;
        let what = match mode {
            Mode::DryRun => "dry run: nothing was published".to_string(),
            Mode::Execute => format!("journal: {}", project.rel(self.journal_path)),
        };
        let verb = match mode {
            Mode::DryRun => "Checked",
            Mode::Execute => "Published",
        };
        self.shell.status(
            verb,
            format!("{} {} ({what})", project.primary().name, project.version),
        );
        Ok(0)
    }

    fn verify(&self, crates: bool, python: bool) -> anyhow::Result<(Option<GitState>, Head)> {
        let project = self.project;
        self.shell.status(
            "Verifying",
            format!("{} {}", project.primary().name, project.version),
        );
        let git = crate::project::git::inspect(None, &project.root)?;
        let ctx = Context {
            tag: super::ci_tag(),
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
            .filter(|f| crates || !f.id.starts_with("crate-"))
            .filter(|f| python || !f.id.starts_with("pypi-"))
            .filter(|f| !f.id.ends_with("-already-published"))
            .collect();
        for finding in findings.iter().filter(|f| f.severity == Severity::Warning) {
            self.shell.verbose(super::verify::render(finding));
        }
        if errors.is_empty() {
            return Ok(match git {
                Some((state, head)) => (Some(state), head),
                None => (None, Head::default()),
            });
        }
        for finding in &errors {
            self.shell.out(super::verify::render(finding));
        }
        Err(Failure::failed(format!(
            "{} {} is not ready to release: {} error(s); nothing was built or published",
            project.primary().name,
            project.version,
            errors.len()
        ))
        .help("fix them and run again; `cargo pyrelease verify` shows the same findings")
        .into())
    }

    /// Both sides' credentials, before the first upload of either.
    fn credentials(&self, steps: &[Step], uploader: Uploader) -> anyhow::Result<()> {
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
    fn pypi_window(&self, steps: &[Step], listing: &state::Listing) -> anyhow::Result<()> {
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
    fn new_crate_limit(&self, steps: &[Step], listing: &state::Listing) {
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

    fn refused(&self, refusals: &[plan::Refusal]) -> anyhow::Error {
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
            self.project.primary().name,
            self.project.version,
            lines.join("\n")
        ))
        .help(help)
        .into()
    }

    /// The changelog section of this version and the registry pages, as `notes` writes
    /// them; pages only for the sides that go to crates.io and PyPI.
    fn notes(&self) -> String {
        let project = self.project;
        let body = project
            .changelog
            .as_ref()
            .and_then(|cl| {
                crate::edit::changelog::section_text(&cl.parsed, &project.version.to_string())
            })
            .unwrap_or_default();
        let pep440 = project.pep440.clone().unwrap_or_default();
        let mut release =
            crate::render::notes::Release::of(project, &project.version, &pep440, body);
        if self.targets.registry.is_some() {
            release.crates.clear();
        }
        if !self.targets.is_pypi() {
            release.python.clear();
        }
        release.notes()
    }

    /// The error of a release that stopped. Something of this release out (the journal
    /// or the registries say so): exit 3 and a to-do list; else the error as it is.
    fn stopped(
        &self,
        err: anyhow::Error,
        journal: &Journal,
        steps: Option<&[Step]>,
    ) -> anyhow::Error {
        let _ = journal.save(self.journal_path);
        let err = match err.downcast::<Refused>() {
            Ok(Refused(failure)) => return failure.into(),
            Err(err) => err,
        };
        let done = |id: &str| journal.is_done(id);
        let mut out = Vec::new();
        let mut left = Vec::new();
        for step in steps.unwrap_or_default() {
            for id in &step.ids {
                let line = describe(id, self.targets);
                if done(id) || !step.runs() {
                    out.push(line);
                } else {
                    left.push(line);
                }
            }
        }
        if steps.is_none() {
            out.extend(journal.done.iter().map(|d| describe(&d.step, self.targets)));
            left.push("everything else (the run stopped before it was planned)".into());
        }
        let published = out
            .iter()
            .any(|l| l.starts_with("crate ") || l.starts_with("file "));
        if !published {
            return err;
        }
        let version = &self.project.version;
        let list = |title: &str, lines: &[String]| {
            let mut text = format!("\n  {title}:");
            for line in lines {
                text.push_str(&format!("\n    {line}"));
            }
            text
        };
        Failure {
            exit: Exit::Partial,
            message: format!(
                "the release of {} {version} stopped part-way: {err:#}{}{}",
                self.project.primary().name,
                list("out", &out),
                list("not yet", &left)
            ),
            location: Some(crate::error::Location {
                file: self.journal_path.to_path_buf(),
                line: None,
            }),
            help: Some(format!(
                "fix the cause and run `{}` again: it asks the registries, skips what is out and uploads the same files; or take it back with `cargo pyrelease yank {version}`",
                rerun_command()
            )),
        }
        .into()
    }
}

/// A journal step as the to-do list names it.
fn describe(id: &str, targets: &Targets) -> String {
    match id.split_once(':') {
        Some(("crate", name)) => format!("crate {name} on {}", targets.crates_name()),
        Some(("python", file)) => format!(
            "file {file} on {}",
            crate::registry::redact_url(targets.python.simple_url())
        ),
        _ => match id {
            "tag" => "the tag".to_string(),
            "push" => "the tag (and branch) pushed".to_string(),
            "github-release" => "the GitHub release (a draft with the files)".to_string(),
            "github-publish" => "the GitHub release published".to_string(),
            other => other.to_string(),
        },
    }
}

/// The command line of this run, as the one to run again (without `--dry-run`), with
/// any credentials in URLs hidden.
fn rerun_command() -> String {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .skip_while(|a| a == "pyrelease")
        .filter(|a| a != "--dry-run")
        .map(|a| crate::registry::redact_url(&a))
        .collect();
    let line = crate::exec::cmd::Cmd::new("cargo", crate::exec::cmd::Kind::Read)
        .arg("pyrelease")
        .args(&args)
        .to_string();
    crate::redact::redact(&line).into_owned()
}

/// A digest of what the release is built from beyond the commit: the uncommitted changes
/// in the project (path and bytes of each); outside git, every file of the project.
fn inputs(project: &Project, git: Option<&GitState>) -> String {
    use sha2::Digest as _;
    let mut hasher = sha2::Sha256::new();
    let target = &project.workspace.target_dir;
    let mut files: Vec<PathBuf> = match git {
        Some(state) => state.dirty.clone(),
        None => walk(&project.root, target),
    };
    files.sort();
    for file in files.iter().filter(|f| !f.starts_with(target)) {
        hasher.update(project.rel(file).as_bytes());
        hasher.update(b"\0");
        match crate::journal::sha256_file(file) {
            Ok(hash) => hasher.update(hash.as_bytes()),
            Err(_) => hasher.update(b"(gone)"),
        }
        hasher.update(b"\n");
    }
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The project's files outside git, but build output, VCS folders and environments.
fn walk(dir: &Path, target: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let skip = path == target
            || matches!(
                name.to_str(),
                Some("target" | ".git" | ".venv" | "venv" | "node_modules" | "__pycache__")
            );
        if skip {
            continue;
        }
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            files.extend(walk(&path, target));
        } else {
            files.push(path);
        }
    }
    files
}

/// The executor's hooks: the question before the first irreversible step, and the
/// journal's record of each step as it is done.
struct Record<'a, 'r> {
    journal: &'a mut Journal,
    path: &'a Path,
    ask: bool,
    release: &'a Release<'r>,
}

impl Hooks for Record<'_, '_> {
    fn before_irreversible(&mut self, steps: &[&Step]) -> anyhow::Result<()> {
        if !(self.ask && std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            return Ok(());
        }
        let project = self.release.project;
        let what: Vec<&str> = steps.iter().map(|s| s.what.as_str()).collect();
        eprint_prompt(&format!(
            "Publish {} {} ({})? [y/N] ",
            project.primary().name,
            project.version,
            what.join("; ")
        ));
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if matches!(answer.trim(), "y" | "Y" | "yes") {
            Ok(())
        } else {
            Err(Failure::failed("stopped at your answer; nothing was published").into())
        }
    }

    fn before(&mut self, step: &Step) {
        if step.ids.iter().any(|id| id.starts_with("python:")) {
            test_hook_before_upload();
        }
    }

    fn done(&mut self, step: &Step, how: &str) -> anyhow::Result<()> {
        for id in &step.ids {
            self.journal.mark(id.clone(), how);
        }
        self.journal.save(self.path)
    }
}

fn eprint_prompt(text: &str) {
    use std::io::Write as _;
    let mut stderr = std::io::stderr().lock();
    let _ = write!(stderr, "{text}");
    let _ = stderr.flush();
}

/// Test hook: a command run right before the upload, so a test can stop the Python index
/// after the crates are out (`CARGO_PYRELEASE_TEST_BEFORE_UPLOAD="kill 1234"`).
fn test_hook_before_upload() {
    if let Ok(line) = std::env::var("CARGO_PYRELEASE_TEST_BEFORE_UPLOAD")
        && let Ok(cmd) = crate::plan::commands::gate(Path::new("."), &line)
    {
        let _ = cmd.read();
    }
}
