//! The local half of `publish`: gates, then every artifact built once (or reused from the
//! journal when it was built from this commit and these inputs) and checked.
use std::path::{Path, PathBuf};

use crate::checks::docs::DocsRs;
use crate::error::Failure;
use crate::exec::cmd::{Cmd, Kind};
use crate::plan::commands as cmds;
use crate::project::Project;
use crate::project::git::GitState;
use crate::release_record::{Artifact, Kind as ArtifactKind, PublishRecord, sha256_file};
use crate::shell::{Shell, Verbosity};

pub struct Local<'a> {
    pub project: &'a Project,
    pub shell: &'a Shell,
    pub registry: Option<&'a str>,
    pub journal_path: &'a Path,
}

impl Local<'_> {
    /// A local step: runs in a dry run too, its output streamed with `-v`.
    pub fn run(&self, verb: &str, what: &str, cmd: &Cmd) -> anyhow::Result<()> {
        self.shell.status(verb, what);
        self.shell.verbose(format!("     Running `{cmd}`"));
        let _spinner = self.shell.spinner(verb, what);
        cmd.run(self.shell.verbosity() >= Verbosity::Verbose)
    }

    /// Runs the gates not yet passed for this commit and inputs, recording each pass. When
    /// crates go out, a crate that configures its docs.rs build (`[package.metadata.docs.rs]`)
    /// has that build as a gate too: a release never leaves a failed docs.rs page behind.
    pub fn gates(&self, journal: &mut PublishRecord, crates: bool) -> anyhow::Result<()> {
        let configured = self.project.config.gates.as_deref();
        let lines: Vec<&str> = match configured {
            Some(gates) => gates.iter().map(String::as_str).collect(),
            None => cmds::DEFAULT_GATES.to_vec(),
        };
        let mut gates = Vec::new();
        for line in lines {
            let cmd = cmds::gate(&self.project.root, line).map_err(|why| {
                let at = self.project.config.file.clone().unwrap_or_default();
                Failure::usage(format!("the gate `{line}` cannot run: {why}")).at(at, None)
            })?;
            gates.push((line.to_string(), cmd));
        }
        let documented = self
            .project
            .unit_members()
            .filter(|m| crates && m.publish && m.package.metadata["docs"]["rs"].is_object());
        for m in documented {
            let cmd = DocsRs::of(&m.package.metadata).command(&self.project.root, &m.name);
            gates.push((format!("docs.rs build of {}", m.name), cmd));
        }
        for (name, cmd) in gates {
            if journal.gates.contains(&name) {
                self.shell
                    .status("Gate", format!("{name}: passed for this commit"));
                continue;
            }
            self.run("Gate", &name, &cmd).map_err(|err| {
                Failure::failed(format!(
                    "the gate `{name}` failed; nothing was published\n{err:#}"
                ))
                .help("fix it, or pass `--no-gates` if it runs elsewhere (a CI test job)")
            })?;
            journal.gates.push(name);
            journal.save(self.journal_path)?;
        }
        Ok(())
    }

    /// Builds the crate files and the Python files at once: `cargo package` compiles the
    /// dev profile and maturin the release one, which cargo locks separately, so on a
    /// machine with more than one core the two overlap.
    pub fn build(
        &self,
        journal: &mut PublishRecord,
        names: &[String],
        python: bool,
        dist: Option<&Path>,
    ) -> anyhow::Result<(Vec<Artifact>, Vec<Artifact>)> {
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let reused = reuse(journal, ArtifactKind::Crate, &names);
        let package = (reused.is_none() && !names.is_empty())
            .then(|| cmds::package(&self.project.workspace.manifest, &names, self.registry));
        if let Some(reused) = &reused {
            self.shell.status(
                "Reusing",
                format!("{} crate file(s) built from this commit", reused.len()),
            );
        }
        let shell = self.shell;
        let verbose = shell.verbosity() >= Verbosity::Verbose;
        let (packaged, files) = std::thread::scope(|scope| {
            let job = package.clone().map(|cmd| {
                shell.status("Packaging", names.join(", "));
                shell.verbose(format!("     Running `{cmd}`"));
                scope.spawn(move || cmd.run(verbose))
            });
            let files = if python {
                self.python_files(journal, dist)
            } else {
                Ok(Vec::new())
            };
            let packaged = job.map(crate::exec::joined);
            (packaged, files)
        });
        if let Some(result) = packaged {
            result.map_err(|err| {
                Failure::failed(format!("{err:#}"))
                    .help("`cargo package` must pass before anything is published")
            })?;
        }
        let files = files?;
        let crates = match reused {
            Some(reused) => reused,
            None if names.is_empty() => Vec::new(),
            None => {
                let crates = self.packaged(&names)?;
                record(journal, ArtifactKind::Crate, &crates);
                crates
            }
        };
        journal.save(self.journal_path)?;
        Ok((crates, files))
    }

    /// The files `cargo package` wrote.
    fn packaged(&self, names: &[&str]) -> anyhow::Result<Vec<Artifact>> {
        let dir = self.project.workspace.target_dir.join("package");
        names
            .iter()
            .map(|name| {
                let path = dir.join(format!("{name}-{}.crate", self.project.version));
                Ok(Artifact {
                    kind: ArtifactKind::Crate,
                    name: (*name).to_string(),
                    sha256: sha256_file(&path)?,
                    path,
                })
            })
            .collect()
    }

    /// The wheels and sdists to upload: from `--dist`, from the journal, or built now;
    /// checked against the release either way.
    fn python_files(
        &self,
        journal: &mut PublishRecord,
        dist: Option<&Path>,
    ) -> anyhow::Result<Vec<Artifact>> {
        let project = self.project;
        let pep440 = project.pep440.clone().map_err(|err| {
            Failure::from(err).context(format!("{} has no PEP 440 spelling", project.version))
        })?;
        let names: Vec<String> = project
            .packages
            .iter()
            .map(|p| project.dist_name(p))
            .collect();
        let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let artifacts = match dist {
            Some(dir) => dist_files(dir, &names)?,
            None => match reuse(journal, ArtifactKind::Wheel, &name_refs) {
                Some(reused) => {
                    self.shell.status(
                        "Reusing",
                        format!("{} Python file(s) built from this commit", reused.len()),
                    );
                    reused
                }
                None => {
                    let built = self.build_python(&names)?;
                    record(journal, ArtifactKind::Wheel, &built);
                    built
                }
            },
        };
        let mut problems = Vec::new();
        for (package, name) in project.packages.iter().zip(&names) {
            let mine: Vec<_> = artifacts.iter().filter(|a| &a.name == name).collect();
            if !mine.iter().any(|a| a.kind == ArtifactKind::Wheel) {
                problems.push(format!(
                    "no wheel of `{name}` ({})",
                    project.rel(&package.path)
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

    fn build_python(&self, names: &[String]) -> anyhow::Result<Vec<Artifact>> {
        let project = self.project;
        let out = project
            .release_dir()
            .join(project.version.to_string())
            .join("dist");
        crate::exec::fs::fresh_dir(&out)?;
        let mut artifacts = Vec::new();
        for (package, name) in project.packages.iter().zip(names) {
            let dir = package.path.parent().unwrap_or(&project.root);
            let before: Vec<PathBuf> = list(&out);
            for (verb, cmd) in [
                ("Packaging", cmds::maturin_sdist(dir, &out)),
                ("Building", cmds::maturin_build(dir, &out)),
            ] {
                self.run(verb, &format!("{name} (maturin)"), &cmd)
                    .map_err(|err| {
                        Failure::failed(format!("{err:#}"))
                            .help("the build must pass before anything is published")
                    })?;
            }
            for path in list(&out).into_iter().filter(|p| !before.contains(p)) {
                let kind = if file_name(&path).ends_with(".whl") {
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
        Ok(artifacts)
    }

    /// `pytest` against the wheel just built, in a fresh environment, when the package has
    /// Python tests and no gates are configured; a pass is recorded like a gate's.
    pub fn python_tests(
        &self,
        journal: &mut PublishRecord,
        files: &[Artifact],
    ) -> anyhow::Result<()> {
        let project = self.project;
        if project.config.gates.is_some() {
            return Ok(());
        }
        for package in &project.packages {
            let dir = package.path.parent().unwrap_or(&project.root);
            let Some(tests) = python_tests_dir(dir) else {
                continue;
            };
            let name = project.dist_name(package);
            let Some(wheel) = files
                .iter()
                .find(|a| a.name == name && a.kind == ArtifactKind::Wheel)
            else {
                continue;
            };
            let gate = format!("pytest {} against the built wheel", project.rel(&tests));
            if journal.gates.contains(&gate) {
                self.shell
                    .status("Gate", format!("{gate}: passed for this commit"));
                continue;
            }
            let venv = project.release_dir().join("venv");
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
                self.run("Gate", &gate, cmd).map_err(|err| {
                    Failure::failed(format!(
                        "the Python tests failed; nothing was published\n{err:#}"
                    ))
                    .help("fix them, or pass `--no-gates`")
                })?;
            }
            journal.gates.push(gate);
            journal.save(self.journal_path)?;
        }
        Ok(())
    }
}

/// The crates to publish, each after the crates of the release it depends on: the order
/// cargo publishes them in, so commands and the journal read the same way.
pub fn release_crates(project: &Project) -> Vec<String> {
    let members: Vec<_> = project.unit_members().filter(|m| m.publish).collect();
    let mut ordered: Vec<String> = Vec::new();
    while ordered.len() < members.len() {
        let before = ordered.len();
        for m in &members {
            let ready = m
                .path_deps
                .iter()
                .all(|d| ordered.contains(&d.name) || !members.iter().any(|o| o.name == d.name));
            if ready && !ordered.contains(&m.name) {
                ordered.push(m.name.clone());
            }
        }
        if ordered.len() == before {
            // A cycle (cargo refuses those anyway): keep the rest as listed.
            for m in &members {
                if !ordered.contains(&m.name) {
                    ordered.push(m.name.clone());
                }
            }
        }
    }
    ordered
}

/// Whether every file the journal records is still there with its hash.
pub fn intact(journal: &PublishRecord) -> bool {
    journal
        .artifacts
        .iter()
        .all(|a| sha256_file(&a.path).is_ok_and(|h| h == a.sha256))
}

/// The journal's files of `kind` (a wheel's kind includes the sdists) when every name has
/// one and every one is unchanged.
fn reuse(journal: &PublishRecord, kind: ArtifactKind, names: &[&str]) -> Option<Vec<Artifact>> {
    let python = |k: ArtifactKind| k != ArtifactKind::Crate;
    let recorded: Vec<Artifact> = journal
        .artifacts
        .iter()
        .filter(|a| python(a.kind) == python(kind))
        .cloned()
        .collect();
    let complete = !recorded.is_empty()
        && names.iter().all(|n| recorded.iter().any(|a| a.name == *n))
        && recorded
            .iter()
            .all(|a| sha256_file(&a.path).is_ok_and(|h| h == a.sha256));
    complete.then_some(recorded)
}

fn record(journal: &mut PublishRecord, kind: ArtifactKind, artifacts: &[Artifact]) {
    let python = |k: ArtifactKind| k != ArtifactKind::Crate;
    journal.artifacts.retain(|a| python(a.kind) != python(kind));
    journal.artifacts.extend_from_slice(artifacts);
    journal.builds += 1;
}

fn dist_files(dir: &Path, names: &[String]) -> anyhow::Result<Vec<Artifact>> {
    if !dir.is_dir() {
        return Err(Failure::usage(format!(
            "cannot read `--dist {}`: not a folder",
            dir.display()
        ))
        .into());
    }
    let mut artifacts = Vec::new();
    for path in list(dir) {
        let file = file_name(&path);
        let Some(dist) = crate::dist::parse(file, None).filter(|d| d.is_current()) else {
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
            kind: dist.kind.into(),
            name: owner.clone(),
            sha256: sha256_file(&path)?,
            path,
        });
    }
    Ok(artifacts)
}

pub fn file_name(path: &Path) -> &str {
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

/// A digest of what the release is built from beyond the commit: the uncommitted changes
/// in the project (path and bytes of each); outside git, every file of the project.
pub fn inputs(project: &Project, git: Option<&GitState>) -> String {
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
        match crate::release_record::sha256_file(file) {
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
