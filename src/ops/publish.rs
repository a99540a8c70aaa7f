//! `publish`: verify, gates, build once, check the artifacts, then the irreversible steps
//! (crates, Python files, tag, GitHub release), each recorded in the journal as it is done.
//!
//! A dry run goes through every step: the local and read-only ones run for real, the
//! irreversible ones are printed as the exact command a real run executes.
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};

use crate::checks::{self, Context, Severity};
use crate::cli::{GlobalArgs, Only, PublishArgs};
use crate::error::{Exit, Failure};
use crate::exec::cmd::{Cmd, Kind};
use crate::exec::{Executor, Mode};
use crate::journal::{Artifact, Journal, Kind as ArtifactKind, sha256_file};
use crate::plan::publish as plan;
use crate::project::Project;
use crate::project::config::Uploader;
use crate::registry::Targets;
use crate::shell::{Shell, Verbosity};

/// Everything a run decided before its first irreversible step.
struct Release<'a> {
    project: &'a Project,
    shell: &'a Shell,
    targets: Targets,
    dry_run: bool,
    crates: bool,
    python: bool,
    journal: Journal,
    journal_path: PathBuf,
    /// Steps done before this run (a resumed release): a failure now is a partial release.
    resumed: bool,
    /// Whether the project is in a git repository (from verify's one `git status`).
    in_git: bool,
}

pub fn run(global: &GlobalArgs, args: &PublishArgs, shell: &Shell) -> anyhow::Result<i32> {
    crate::exec::lock::hold(global.manifest_path.as_deref(), shell)?;
    crate::exec::journal::recover(global.manifest_path.as_deref(), false, shell)?;
    let project = Project::load(&global.load_options())?;
    let targets = Targets::resolve(&project, &args.registries.overrides())?;
    if args.only != Some(Only::Crates) && !project.packages.is_empty() {
        targets.upload_url()?;
    }
    let journal_path = Journal::path(&project.release_dir(), &project.version);
    let journal = Journal::load(&journal_path)?
        .unwrap_or_else(|| Journal::new(&project.version, project.pep440.as_deref().ok()));
    let resumed = !journal.done.is_empty();
    let mut release = Release {
        project: &project,
        shell,
        targets,
        dry_run: args.dry_run,
        crates: args.only != Some(Only::Python),
        python: args.only != Some(Only::Crates) && !project.packages.is_empty(),
        journal,
        journal_path,
        resumed,
        in_git: false,
    };
    if resumed {
        shell.note(format!(
            "resuming the release of {} from `{}`",
            project.version,
            project.rel(&release.journal_path)
        ));
    }
    release.verify(args)?;
    if !args.no_gates {
        release.gates()?;
    }
    let (crates, python) = release.build(args.dist.as_deref())?;
    if !args.no_gates && args.dist.is_none() {
        release.python_tests(&python)?;
    }
    release.save()?;

    let pending_crates = release.pending_crates(&crates)?;
    let pending_files = release.pending_files(&python)?;
    let uploader = args
        .uploader
        .or(project.config.uploader)
        .unwrap_or(Uploader::Uv);
    // One side of a release (a CI job) leaves the tag and the GitHub release to the
    // workflow, which makes them once both sides are out.
    let one_side = args.only.is_some();
    let tag_steps = release.tag_steps(args.no_tag || one_side)?;
    let github = release.github_step(args.no_github_release || one_side, &python)?;

    if pending_crates.is_empty()
        && pending_files.is_empty()
        && tag_steps.is_empty()
        && github.is_none()
    {
        shell.status(
            "Published",
            format!(
                "{} {}: nothing left to do",
                project.primary().name,
                project.version
            ),
        );
        return Ok(0);
    }
    if !release.dry_run && !args.yes {
        release.confirm(&pending_crates, &pending_files)?;
    }

    let outcome =
        release.irreversible(&pending_crates, &pending_files, uploader, tag_steps, github);
    if let Err(err) = outcome {
        return Err(release.stopped(err));
    }
    release.finish();
    Ok(0)
}

impl Release<'_> {
    fn verify(&mut self, args: &PublishArgs) -> anyhow::Result<()> {
        let project = self.project;
        let tag = super::ci_tag();
        self.shell.status(
            "Verifying",
            format!("{} {}", project.primary().name, project.version),
        );
        let git = crate::project::git::inspect(None, &project.root)?;
        self.in_git = git.is_some();
        let ctx = Context {
            tag,
            git,
            today: crate::ops::today_utc(),
            sides: checks::Sides {
                crates: self.crates,
                python: self.python,
            },
            registries: Some(&self.targets),
        };
        let findings = checks::run(project, &ctx);
        // A resumed release, or one side of a CI release, finds its own earlier uploads:
        // they are skipped one by one later, not refused here.
        let per_item = self.resumed || args.only.is_some();
        let errors: Vec<_> = findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .filter(|f| {
                self.crates
                    || !f.id.starts_with("crate-already") && !f.id.starts_with("crate-version-not")
            })
            .filter(|f| {
                self.python
                    || !f.id.starts_with("pypi-already") && !f.id.starts_with("pypi-version-not")
            })
            .filter(|f| !(per_item && f.id.ends_with("-already-published")))
            .collect();
        for finding in findings.iter().filter(|f| f.severity == Severity::Warning) {
            self.shell.verbose(super::verify::render(finding));
        }
        if errors.is_empty() {
            return Ok(());
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

    fn gates(&self) -> anyhow::Result<()> {
        let configured = self.project.config.gates.as_deref();
        let lines: Vec<&str> = match configured {
            Some(gates) => gates.iter().map(String::as_str).collect(),
            None => plan::DEFAULT_GATES.to_vec(),
        };
        for line in lines {
            let cmd = plan::gate(&self.project.root, line).map_err(|why| {
                let at = self.project.config.file.clone().unwrap_or_default();
                Failure::usage(format!("the gate `{line}` cannot run: {why}")).at(at, None)
            })?;
            self.run_local("Gate", line, &cmd).map_err(|err| {
                Failure::failed(format!(
                    "the gate `{line}` failed; nothing was published\n{err:#}"
                ))
                .help("fix it, or pass `--no-gates` if it runs elsewhere (a CI test job)")
            })?;
        }
        Ok(())
    }

    /// A local step: runs in a dry run too, its output streamed with `-v`.
    fn run_local(&self, verb: &str, what: &str, cmd: &Cmd) -> anyhow::Result<()> {
        self.shell.status(verb, what);
        self.shell.verbose(format!("     Running `{cmd}`"));
        let _spinner = self.shell.spinner(verb, what);
        cmd.run(self.shell.verbosity() >= Verbosity::Verbose)
    }

    /// The crates to publish, each after the crates of the release it depends on: the
    /// order cargo publishes them in, so commands and the journal read the same way.
    fn release_crates(&self) -> Vec<&str> {
        if !self.crates {
            return Vec::new();
        }
        let members: Vec<_> = self.project.unit_members().filter(|m| m.publish).collect();
        let mut ordered: Vec<&str> = Vec::new();
        while ordered.len() < members.len() {
            let before = ordered.len();
            for m in &members {
                let ready = m.path_deps.iter().all(|d| {
                    ordered.contains(&d.name.as_str()) || !members.iter().any(|o| o.name == d.name)
                });
                if ready && !ordered.contains(&m.name.as_str()) {
                    ordered.push(&m.name);
                }
            }
            if ordered.len() == before {
                // A cycle (cargo refuses those anyway): keep the rest as listed.
                ordered.extend(
                    members
                        .iter()
                        .map(|m| m.name.as_str())
                        .filter(|n| !ordered.contains(n))
                        .collect::<Vec<_>>(),
                );
            }
        }
        ordered
    }

    /// Builds the crate files and the Python files at once: `cargo package` compiles the
    /// dev profile and maturin the release one, which cargo locks separately, so on a
    /// machine with more than one core the two overlap.
    fn build(&mut self, dist: Option<&Path>) -> anyhow::Result<(Vec<Artifact>, Vec<Artifact>)> {
        let names: Vec<String> = self
            .release_crates()
            .into_iter()
            .map(str::to_string)
            .collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let package = self.crates_to_package(&names);
        let shell = self.shell;
        let verbose = shell.verbosity() >= Verbosity::Verbose;
        let (packaged, python) = std::thread::scope(|scope| {
            let job = package.clone().map(|cmd| {
                shell.status("Packaging", names.join(", "));
                shell.verbose(format!("     Running `{cmd}`"));
                scope.spawn(move || cmd.run(verbose))
            });
            let python = self.python_files(dist);
            let packaged = job.map(|job| {
                job.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("`cargo package` panicked")))
            });
            (packaged, python)
        });
        if let Some(result) = packaged {
            result.map_err(|err| {
                Failure::failed(format!("{err:#}"))
                    .help("`cargo package` must pass before anything is published")
            })?;
        }
        let python = python?;
        let crates = match package {
            Some(_) => self.packaged(&names)?,
            None => self.reuse(ArtifactKind::Crate, &names).unwrap_or_default(),
        };
        Ok((crates, python))
    }

    /// The `cargo package` call needed, if any: none when every crate is published or the
    /// journal's files are still there with the recorded hashes (a resumed release uploads
    /// the same bytes).
    fn crates_to_package(&self, names: &[&str]) -> Option<Cmd> {
        if names.is_empty() || names.iter().all(|n| self.journal.is_done(&crate_step(n))) {
            return None;
        }
        if let Some(reused) = self.reuse(ArtifactKind::Crate, names) {
            self.shell.status(
                "Reusing",
                format!("{} crate file(s) from the journal", reused.len()),
            );
            return None;
        }
        let manifest = &self.project.workspace.manifest;
        Some(plan::package(
            manifest,
            names,
            self.targets.registry.as_deref(),
        ))
    }

    /// The files `cargo package` wrote, recorded in the journal.
    fn packaged(&mut self, names: &[&str]) -> anyhow::Result<Vec<Artifact>> {
        let dir = self.project.workspace.target_dir.join("package");
        let artifacts = names
            .iter()
            .map(|name| {
                let path = dir.join(format!("{name}-{}.crate", self.project.version));
                let sha256 = sha256_file(&path)?;
                Ok(Artifact {
                    kind: ArtifactKind::Crate,
                    name: (*name).to_string(),
                    path,
                    sha256,
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        self.record(ArtifactKind::Crate, &artifacts);
        Ok(artifacts)
    }

    /// The journal's files of `kind` when every one is still there, unchanged, and every
    /// name has one.
    fn reuse(&self, kind: ArtifactKind, names: &[&str]) -> Option<Vec<Artifact>> {
        let recorded: Vec<Artifact> = self
            .journal
            .artifacts
            .iter()
            .filter(|a| {
                a.kind == kind || (kind == ArtifactKind::Wheel && a.kind == ArtifactKind::Sdist)
            })
            .cloned()
            .collect();
        let complete = !recorded.is_empty()
            && names.iter().all(|n| recorded.iter().any(|a| a.name == *n))
            && recorded
                .iter()
                .all(|a| sha256_file(&a.path).is_ok_and(|h| h == a.sha256));
        complete.then_some(recorded)
    }

    fn record(&mut self, kind: ArtifactKind, artifacts: &[Artifact]) {
        let python = |k: ArtifactKind| k != ArtifactKind::Crate;
        self.journal.artifacts.retain(|a| {
            if kind == ArtifactKind::Crate {
                python(a.kind)
            } else {
                !python(a.kind)
            }
        });
        self.journal.artifacts.extend_from_slice(artifacts);
        self.journal.builds += 1;
    }

    /// The wheels and sdists to upload: from `--dist`, from the journal, or built now.
    fn python_files(&mut self, dist: Option<&Path>) -> anyhow::Result<Vec<Artifact>> {
        if !self.python {
            return Ok(Vec::new());
        }
        let pep440 = self.project.pep440.clone().map_err(|err| {
            Failure::usage(format!(
                "{} has no PEP 440 spelling: {err}",
                self.project.version
            ))
        })?;
        let names: Vec<String> = self
            .project
            .packages
            .iter()
            .map(|p| self.project.dist_name(p))
            .collect();
        let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let artifacts = match dist {
            Some(dir) => self.dist_files(dir, &names)?,
            None => match self.reuse(ArtifactKind::Wheel, &name_refs) {
                Some(reused) => {
                    self.shell.status(
                        "Reusing",
                        format!("{} Python file(s) from the journal", reused.len()),
                    );
                    reused
                }
                None => self.build_python(&names)?,
            },
        };
        let mut problems = Vec::new();
        for (package, name) in self.project.packages.iter().zip(&names) {
            let mine: Vec<_> = artifacts.iter().filter(|a| &a.name == name).collect();
            if !mine.iter().any(|a| a.kind == ArtifactKind::Wheel) {
                problems.push(format!(
                    "no wheel of `{name}` ({})",
                    self.project.rel(&package.path)
                ));
            }
            if !mine.iter().any(|a| a.kind == ArtifactKind::Sdist) {
                self.shell.warn(format!(
                    "no sdist of `{name}`: users without a matching wheel cannot install it"
                ));
            }
            for artifact in mine {
                problems.extend(crate::artifact::check_python_file(
                    &artifact.path,
                    name,
                    &pep440,
                ));
            }
        }
        if !problems.is_empty() {
            return Err(Failure::failed(format!(
                "the Python files are not this release's ({pep440}); nothing was published:\n  {}",
                problems.join("\n  ")
            ))
            .help("build them from this commit (`maturin build --release`), or run without `--dist` to build here")
            .into());
        }
        self.shell.status(
            "Checked",
            format!(
                "{} Python file(s): names, version {pep440}, metadata",
                artifacts.len()
            ),
        );
        Ok(artifacts)
    }

    fn dist_files(&self, dir: &Path, names: &[String]) -> anyhow::Result<Vec<Artifact>> {
        let entries = std::fs::read_dir(dir).map_err(|err| {
            Failure::usage(format!("cannot read `--dist {}`: {err}", dir.display()))
        })?;
        let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        let mut artifacts = Vec::new();
        for path in files {
            let file = path
                .file_name()
                .and_then(|f| f.to_str())
                .unwrap_or_default();
            if !(file.ends_with(".whl") || file.ends_with(".tar.gz")) {
                continue;
            }
            let Some(dist) = crate::artifact::parse_dist_name(file) else {
                continue;
            };
            let owner = names.iter().find(|n| {
                crate::registry::normalize_python_name(n)
                    == crate::registry::normalize_python_name(dist.name)
            });
            let Some(owner) = owner else {
                return Err(Failure::failed(format!(
                    "`{}` in `--dist` belongs to no package of this release ({})",
                    path.display(),
                    names.join(", ")
                ))
                .help("`--dist` must hold only this release's wheels and sdist")
                .into());
            };
            artifacts.push(Artifact {
                kind: dist.kind,
                name: owner.clone(),
                sha256: sha256_file(&path)?,
                path,
            });
        }
        Ok(artifacts)
    }

    fn build_python(&mut self, names: &[String]) -> anyhow::Result<Vec<Artifact>> {
        let out = self
            .project
            .release_dir()
            .join(self.project.version.to_string())
            .join("dist");
        if out.exists() {
            crate::exec::fs::remove_dir_all(&out)?;
        }
        crate::exec::fs::create_dir_all(&out)?;
        let mut artifacts = Vec::new();
        for (package, name) in self.project.packages.iter().zip(names) {
            let dir = package.path.parent().unwrap_or(&self.project.root);
            let before: Vec<PathBuf> = list(&out);
            for (verb, cmd) in [
                ("Packaging", plan::maturin_sdist(dir, &out)),
                ("Building", plan::maturin_build(dir, &out)),
            ] {
                self.run_local(verb, &format!("{name} (maturin)"), &cmd)
                    .map_err(|err| {
                        Failure::failed(format!("{err:#}"))
                            .help("the build must pass before anything is published")
                    })?;
            }
            for path in list(&out).into_iter().filter(|p| !before.contains(p)) {
                let file = path
                    .file_name()
                    .and_then(|f| f.to_str())
                    .unwrap_or_default();
                let kind = if file.ends_with(".whl") {
                    ArtifactKind::Wheel
                } else {
                    ArtifactKind::Sdist
                };
                artifacts.push(Artifact {
                    kind,
                    name: name.clone(),
                    sha256: sha256_file(&path)?,
                    path,
                });
            }
        }
        self.record(ArtifactKind::Wheel, &artifacts);
        Ok(artifacts)
    }

    /// `pytest` against the wheel just built, in a fresh environment, when the package has
    /// Python tests.
    fn python_tests(&self, files: &[Artifact]) -> anyhow::Result<()> {
        if self.project.config.gates.is_some() {
            return Ok(());
        }
        for package in &self.project.packages {
            let dir = package.path.parent().unwrap_or(&self.project.root);
            let Some(tests) = python_tests_dir(dir) else {
                continue;
            };
            let name = self.project.dist_name(package);
            let Some(wheel) = files
                .iter()
                .find(|a| a.name == name && a.kind == ArtifactKind::Wheel)
            else {
                continue;
            };
            let venv = self.project.release_dir().join("venv");
            let python = venv.join(if cfg!(windows) {
                "Scripts/python.exe"
            } else {
                "bin/python"
            });
            let steps = [
                Cmd::new("uv", Kind::Read)
                    .args(["venv", "--quiet", "--allow-existing"])
                    .arg(&venv),
                Cmd::new("uv", Kind::Read)
                    .args(["pip", "install", "--quiet", "--python"])
                    .arg(&python)
                    .arg(&wheel.path)
                    .arg("pytest"),
                Cmd::new(&python, Kind::Read)
                    .cwd(dir)
                    .args(["-m", "pytest", "-q"])
                    .arg(&tests),
            ];
            for cmd in &steps {
                self.run_local(
                    "Gate",
                    &format!(
                        "pytest {} against the built wheel",
                        self.project.rel(&tests)
                    ),
                    cmd,
                )
                .map_err(|err| {
                    Failure::failed(format!(
                        "the Python tests failed; nothing was published\n{err:#}"
                    ))
                    .help("fix them, or pass `--no-gates`")
                })?;
            }
        }
        Ok(())
    }

    fn save(&self) -> anyhow::Result<()> {
        self.journal.save(&self.journal_path)
    }

    /// Crates not yet on the registry. Found there: recorded as done and skipped.
    fn pending_crates<'a>(&mut self, crates: &'a [Artifact]) -> anyhow::Result<Vec<&'a Artifact>> {
        let mut pending = Vec::new();
        for artifact in crates {
            let step = crate_step(&artifact.name);
            if self.journal.is_done(&step) {
                continue;
            }
            let published = self
                .targets
                .crates
                .versions(&artifact.name)
                .map_err(Failure::from)?;
            if published.iter().any(|v| v.version == self.project.version) {
                self.shell.status(
                    "Skipping",
                    format!(
                        "{} {}: already on {}",
                        artifact.name,
                        self.project.version,
                        self.targets.crates_name()
                    ),
                );
                self.journal
                    .mark(step, format!("already on {}", self.targets.crates_name()));
            } else {
                pending.push(artifact);
            }
        }
        Ok(pending)
    }

    /// Python files not yet on the index. A file of the same name there is ours when its
    /// hash matches (skipped); another file under our name is an error PyPI would give later.
    fn pending_files<'a>(&mut self, files: &'a [Artifact]) -> anyhow::Result<Vec<&'a Artifact>> {
        let mut pending = Vec::new();
        let mut listed = std::collections::BTreeMap::new();
        for artifact in files {
            let step = python_step(&artifact.path);
            if self.journal.is_done(&step) {
                continue;
            }
            if !listed.contains_key(&artifact.name) {
                let files = self
                    .targets
                    .python
                    .listed(&artifact.name)
                    .map_err(Failure::from)?;
                listed.insert(artifact.name.clone(), files);
            }
            let file = file_name(&artifact.path);
            match listed[&artifact.name].iter().find(|f| f.filename == file) {
                None => pending.push(artifact),
                Some(there) if there.sha256.as_deref().is_none_or(|h| h == artifact.sha256) => {
                    self.shell
                        .status("Skipping", format!("{file}: already on the index"));
                    self.journal.mark(step, "already on the index");
                }
                Some(_) => {
                    return Err(Failure::failed(format!(
                        "`{file}` is already on {} with other contents",
                        self.targets.python.simple_url()
                    ))
                    .help("a file name can be uploaded once: this version was released from other files; bump to a new version")
                    .into());
                }
            }
        }
        Ok(pending)
    }

    fn tag_steps(&self, no_tag: bool) -> anyhow::Result<Vec<(String, Cmd)>> {
        let project = self.project;
        let tag = project.tag();
        let in_ci_from_tag = super::ci_tag().as_deref() == Some(tag.as_str());
        if no_tag || in_ci_from_tag || !self.in_git {
            return Ok(Vec::new());
        }
        let mut steps = Vec::new();
        if crate::project::git::tag_commit(&project.root, &tag).is_none() {
            let message = format!("{} {}", project.primary().name, project.version);
            steps.push(("tag".to_string(), plan::tag(&project.root, &tag, &message)));
        }
        if let Some(remote) = crate::project::git::remote(&project.root)
            && !self.journal.is_done("push")
        {
            let there = Cmd::git(Kind::Read)
                .arg("-C")
                .arg(&project.root)
                .args(["ls-remote", "--tags", &remote, &format!("refs/tags/{tag}")])
                .read()
                .is_ok_and(|out| !out.trim().is_empty());
            if !there {
                steps.push((
                    "push".to_string(),
                    plan::push_tag(&project.root, &remote, &tag),
                ));
            }
        }
        Ok(steps)
    }

    fn github_step(&self, skip: bool, python: &[Artifact]) -> anyhow::Result<Option<Cmd>> {
        if skip || self.journal.is_done("github-release") {
            return Ok(None);
        }
        let project = self.project;
        let tag = project.tag();
        if Cmd::new("gh", Kind::Read).arg("--version").read().is_err() {
            self.shell.note("`gh` (GitHub CLI) is not installed: no GitHub release is made; pass `--no-github-release` to silence this");
            return Ok(None);
        }
        if Cmd::new("gh", Kind::Read)
            .cwd(&project.root)
            .args(["release", "view", &tag])
            .read()
            .is_ok()
        {
            return Ok(None);
        }
        let notes_path = project
            .release_dir()
            .join(project.version.to_string())
            .join("notes.md");
        crate::exec::fs::write_atomic(&notes_path, self.notes().as_bytes())?;
        let files: Vec<PathBuf> = python.iter().map(|a| a.path.clone()).collect();
        let title = format!("{} {}", project.primary().name, project.version);
        Ok(Some(plan::github_release(
            &project.root,
            &plan::GithubRelease {
                tag: &tag,
                title: &title,
                notes: &notes_path,
                files: &files,
                prerelease: !project.version.pre.is_empty(),
            },
        )))
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

    /// Asks once, on a terminal, before the first irreversible step; refuses to guess
    /// without one.
    fn confirm(&self, crates: &[&Artifact], files: &[&Artifact]) -> anyhow::Result<()> {
        if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            return Ok(());
        }
        let what = format!(
            "Publish {} {} ({} crate(s) to {}, {} file(s) to {})? [y/N] ",
            self.project.primary().name,
            self.project.version,
            crates.len(),
            self.targets.crates_name(),
            files.len(),
            self.targets.python.simple_url()
        );
        eprint_prompt(&what);
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if matches!(answer.trim(), "y" | "Y" | "yes") {
            Ok(())
        } else {
            Err(Failure::failed("stopped at your answer; nothing was published").into())
        }
    }

    fn irreversible(
        &mut self,
        crates: &[&Artifact],
        files: &[&Artifact],
        uploader: Uploader,
        tag_steps: Vec<(String, Cmd)>,
        github: Option<Cmd>,
    ) -> anyhow::Result<()> {
        let project = self.project;
        if !crates.is_empty() {
            let names: Vec<&str> = crates.iter().map(|a| a.name.as_str()).collect();
            let registry = self.targets.registry.as_deref();
            let manifest = &project.workspace.manifest;
            if self.dry_run {
                // cargo's own dry run checks the upload it can without sending it.
                let check = plan::publish_crates_dry_run(manifest, &names, registry);
                self.run_local(
                    "Checking",
                    "the crates with `cargo publish --dry-run`",
                    &check,
                )?;
            }
            let cmd = plan::publish_crates(manifest, &names, registry);
            let steps: Vec<String> = names.iter().map(|n| crate_step(n)).collect();
            let result = self.act(
                "Publishing",
                &format!("{} to {}", names.join(", "), self.targets.crates_name()),
                &cmd,
                &steps,
            );
            if result.is_err() && !self.dry_run {
                // cargo publishes in order: some may be out. Ask, so the journal is right.
                let all: Vec<Artifact> = crates.iter().map(|a| (*a).clone()).collect();
                let _ = self.pending_crates(&all);
            }
            result?;
        }
        if !files.is_empty() {
            #[cfg(feature = "test-hooks")]
            test_hook_before_upload();
            let paths: Vec<PathBuf> = files.iter().map(|a| a.path.clone()).collect();
            let url = self.targets.upload_url()?.to_string();
            let cmd = plan::upload(uploader, &url, self.targets.python.simple_url(), &paths);
            let steps: Vec<String> = paths.iter().map(|p| python_step(p)).collect();
            self.act(
                "Uploading",
                &format!("{} file(s) to {url}", paths.len()),
                &cmd,
                &steps,
            )?;
        }
        for (step, cmd) in tag_steps {
            let verb = if step == "tag" { "Tagging" } else { "Pushing" };
            self.act(verb, &project.tag(), &cmd, &[step])?;
        }
        if let Some(cmd) = github {
            self.act(
                "Releasing",
                &format!("{} on GitHub", project.tag()),
                &cmd,
                &["github-release".to_string()],
            )?;
        }
        Ok(())
    }

    /// An irreversible step: printed in a dry run; run, then recorded, in a real one.
    fn act(
        &mut self,
        verb: &'static str,
        what: &str,
        cmd: &Cmd,
        steps: &[String],
    ) -> anyhow::Result<()> {
        let mode = if self.dry_run {
            Mode::DryRun
        } else {
            Mode::Execute
        };
        Executor {
            mode,
            shell: self.shell,
        }
        .run(verb, what, cmd)?;
        if self.dry_run {
            return Ok(());
        }
        for step in steps {
            self.journal.mark(step.clone(), cmd.to_string());
        }
        self.save()
    }

    /// The error of a release that stopped: exit 3 when something is already out.
    fn stopped(&self, err: anyhow::Error) -> anyhow::Error {
        let _ = self.save();
        if self.journal.done.is_empty() {
            return err;
        }
        let done: Vec<String> = self
            .journal
            .done
            .iter()
            .map(|d| format!("  done: {}", d.step))
            .collect();
        let mut left = Vec::new();
        for name in self.release_crates() {
            if !self.journal.is_done(&crate_step(name)) {
                left.push(format!("  not yet: crate:{name}"));
            }
        }
        for artifact in self
            .journal
            .artifacts
            .iter()
            .filter(|a| a.kind != ArtifactKind::Crate && self.python)
        {
            let step = python_step(&artifact.path);
            if !self.journal.is_done(&step) {
                left.push(format!("  not yet: {step}"));
            }
        }
        let version = &self.project.version;
        Failure {
            exit: Exit::Partial,
            message: format!(
                "the release of {} {version} stopped part-way: {err:#}\n{}\n{}",
                self.project.primary().name,
                done.join("\n"),
                left.join("\n")
            ),
            location: Some(crate::error::Location {
                file: self.journal_path.clone(),
                line: None,
            }),
            help: Some(format!(
                "fix the cause and run `cargo pyrelease publish` again: it skips what is done and uploads the same files; or take it back with `cargo pyrelease yank {version}`"
            )),
        }
        .into()
    }

    fn finish(&self) {
        let project = self.project;
        let verb = if self.dry_run { "Checked" } else { "Published" };
        let what = if self.dry_run {
            "dry run: nothing was published".to_string()
        } else {
            format!("journal: {}", project.rel(&self.journal_path))
        };
        self.shell.status(
            verb,
            format!("{} {} ({what})", project.primary().name, project.version),
        );
    }
}

fn crate_step(name: &str) -> String {
    format!("crate:{name}")
}

fn python_step(path: &Path) -> String {
    format!("python:{}", file_name(path))
}

fn file_name(path: &Path) -> &str {
    path.file_name()
        .and_then(|f| f.to_str())
        .unwrap_or_default()
}

fn list(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.sort();
    files
}

/// `tests/` or `test/` holding `test_*.py` or `*_test.py`, as pytest would collect.
fn python_tests_dir(dir: &Path) -> Option<PathBuf> {
    ["tests", "test"]
        .into_iter()
        .map(|d| dir.join(d))
        .find(|d| {
            list(d).iter().any(|f| {
                let name = file_name(f);
                name.ends_with(".py") && (name.starts_with("test_") || name.ends_with("_test.py"))
            })
        })
}

fn eprint_prompt(text: &str) {
    use std::io::Write as _;
    let mut stderr = std::io::stderr().lock();
    let _ = write!(stderr, "{text}");
    let _ = stderr.flush();
}

/// Test hook: a command run right before the upload, so a test can stop the Python index
/// after the crates are out (`CARGO_PYRELEASE_TEST_BEFORE_UPLOAD="kill 1234"`).
#[cfg(feature = "test-hooks")]
fn test_hook_before_upload() {
    if let Ok(line) = std::env::var("CARGO_PYRELEASE_TEST_BEFORE_UPLOAD")
        && let Ok(cmd) = plan::gate(Path::new("."), &line)
    {
        let _ = cmd.read();
    }
}
