//! `bump`: one new version everywhere the version is written, as one plan.
use std::collections::BTreeSet;

use crate::changelog::commits::Commit;
use crate::changelog::{ReleaseEdit, section_text};
use crate::diag::FindingId;
use crate::error::Failure;
use crate::exec::cmd::{Cmd, Kind};
use crate::plan::spots::{Spelled, python_pins, python_spots};
use crate::plan::{EditSet, Plan, Step};
use crate::project::git::GitState;
use crate::project::{Project, VersionSource};
use crate::toml as tomledit;
use crate::version::{self, PreKind, Target};

#[derive(Debug, Clone)]
pub struct BumpRequest {
    pub target: Target,
    pub pre: Option<PreKind>,
    pub allow_downgrade: bool,
    pub allow_empty_changelog: bool,
    /// `--changelog`: where the new section's entries come from; `None` decides from the file.
    pub changelog: Option<crate::plan::changelog::Source>,
    /// The commits since the last release (`since`), when the section is written from them.
    pub commits: Vec<Commit>,
    pub since: Option<String>,
    pub allow_dirty: bool,
    /// YYYY-MM-DD for the changelog heading.
    pub date: String,
    pub commit: bool,
    pub tag: bool,
    pub message: Option<String>,
}

#[derive(Debug)]
pub struct Bump {
    /// The current version released as it is (see [`first_release`]).
    pub first: bool,
    pub old: semver::Version,
    pub new: semver::Version,
    pub pep440: String,
    pub tag: String,
    pub plan: Plan,
}

/// `ignored`: what git ignores under the project (files, or folders), absolute; an
/// edited file in there (a library's Cargo.lock) is written but not committed.
pub fn plan(
    project: &Project,
    git: Option<&GitState>,
    req: &BumpRequest,
    ignored: &[std::path::PathBuf],
) -> anyhow::Result<Bump> {
    let old = &project.version;
    if let Target::Level(level) = &req.target
        && crate::project::placeholder::is_placeholder(old)
    {
        return Err(placeholder_failure(project, &level.to_string()).into());
    }
    let first = first_release(project, req)?;
    let new = if first {
        old.clone()
    } else {
        version::bump(old, &req.target, req.pre, req.allow_downgrade).map_err(Failure::from)?
    };
    let pep440 = version::to_pep440(&new).map_err(Failure::from)?.to_string();
    let tag = project.tag_of(&new);
    let ws = &project.workspace;
    let mut edits = EditSet::new(&project.root);

    // The version source, for every crate that shares it.
    match project.source {
        VersionSource::Workspace { .. } => {
            let (text, _) = ws
                .root_manifest()
                .expect("a workspace version has a root manifest");
            edits.edit_known(&ws.manifest, text, |t| {
                tomledit::set_workspace_version(t, &new.to_string())
                    .map_err(|e| Failure::from((&ws.manifest, e)).into())
            })?;
        }
        VersionSource::Package => {
            for m in project.unit_members() {
                edits.edit_known(&m.manifest, &m.text, |t| {
                    tomledit::set_package_version(t, &new.to_string())
                        .map_err(|e| Failure::from((&m.manifest, e)).into())
                })?;
            }
        }
    }

    // Every requirement that resolves to a released crate, anywhere in the workspace.
    let released: BTreeSet<String> = project.unit_members().map(|m| m.name.clone()).collect();
    // cargo metadata lists every dependency of every member (all kinds, all targets), with
    // the folder it resolves to: a manifest with none on a released crate has no
    // requirement to update, and is not parsed again. The root always is, for
    // `[workspace.dependencies]`.
    let manifests = ws
        .members
        .iter()
        .filter(|m| {
            m.manifest == ws.manifest
                || m.package.dependencies.iter().any(|d| {
                    d.path
                        .as_ref()
                        .is_some_and(|dir| project.releases(&d.name, dir.as_std_path()))
                })
        })
        .map(|m| (&m.manifest, m.text.as_str(), &m.doc))
        .chain(
            ws.root_doc
                .as_ref()
                .map(|(text, doc)| (&ws.manifest, text.as_str(), doc)),
        );
    for (path, text, doc) in manifests {
        let dir = path.parent().unwrap_or(&ws.root);
        let member = |package: &str, rel: &str| project.releases(package, &dir.join(rel));
        edits.edit_known(path, text, |t| {
            // The model's parse serves while the file is as read; a manifest that
            // already carries its new version is parsed again.
            let updated = if t == text {
                tomledit::update_parsed_requirements(doc, t, &member, &new)
            } else {
                tomledit::update_requirements(t, &member, &new)
            };
            updated
                .map(|(text, _)| text)
                .map_err(|e| Failure::from((path, e)).into())
        })?;
    }

    let lock = ws.root.join("Cargo.lock");
    if lock.is_file() {
        edits.edit(&lock, |t| {
            let names: Vec<String> = released.iter().map(|c| format!("`{c}`")).collect();
            tomledit::set_lock_versions(t, &released, old, &new)
                .map_err(|e| Failure::from((&lock, e)))?
                .ok_or_else(|| {
                    Failure::check(
                        FindingId::CargoLockStale,
                        format!(
                            "Cargo.lock has no entry for {} at {old}",
                            names.join(" or ")
                        ),
                    )
                    .at(&lock, None)
                    .help("run `cargo update --workspace --offline` (or any cargo build), commit Cargo.lock, then bump")
                    .into()
                })
        })?;
    }

    python_pins(project, &mut edits, &pep440)?;
    python_spots(
        project,
        &mut edits,
        &Spelled {
            semver: &new,
            pep440: &pep440,
        },
    )?;

    let mut notes = None;
    if let Some(changelog) = &project.changelog {
        // A first release of the current version compares with the newest release
        // the changelog has, if any (a version set by hand), not with itself.
        let previous = if first {
            changelog.parsed.latest_version().map(str::to_string)
        } else {
            Some(old.to_string())
        };
        let inputs = crate::plan::changelog::Inputs {
            source: crate::plan::changelog::Source::resolve(req.changelog, &changelog.parsed),
            edit: ReleaseEdit {
                version: &new.to_string(),
                previous: previous.as_deref(),
                date: &req.date,
                tag_prefix: &project.config.tag_prefix,
            },
            new: &new,
            allow_empty: req.allow_empty_changelog,
            commits: &req.commits,
            since: req.since.as_deref(),
        };
        if let Some(released) = crate::plan::changelog::edit(project, changelog, &inputs)? {
            notes = section_text(&crate::changelog::parse(&released), &new.to_string());
            edits.edit_known(&changelog.path, &changelog.parsed.text, |_| Ok(released))?;
        }
    }

    let edits = edits.into_edits();
    if let Some(git) = git {
        check_dirty(project, git, &edits, req)?;
    } else if req.commit || req.tag {
        return Err(Failure::usage(format!(
            "`{}` is not in a git repository",
            project.root.display()
        ))
        .help("`--commit` and `--tag` need git; run `git init` or bump without them")
        .into());
    }

    if req.tag && !req.commit {
        return Err(Failure::usage(format!(
            "`--tag` without `--commit` would put `{tag}` on the current commit, which does not have the new version"
        ))
        .help(format!(
            "pass `--commit --tag`, or bump, commit, then run `git tag -a {tag}` yourself"
        ))
        .into());
    }

    let mut steps = Vec::new();
    if req.commit {
        let message = req
            .message
            .as_deref()
            .unwrap_or("chore: release {version}")
            .replace("{version}", &tag);
        let files: Vec<_> = edits
            .iter()
            .map(|e| e.path.clone())
            .filter(|p| !is_ignored(p, ignored))
            .collect();
        steps.push(Step::Run {
            cmd: Cmd::git(Kind::Mutate)
                .cwd(&project.root)
                .arg("add")
                .arg("--")
                .args(&files),
            verb: "Staging",
            what: format!("{} file(s)", files.len()),
        });
        steps.push(Step::Run {
            cmd: Cmd::git(Kind::Mutate)
                .cwd(&project.root)
                .args(["commit", "--no-verify", "-m", &message, "--"])
                .args(&files),
            verb: "Committing",
            what: message.clone(),
        });
    }
    if req.tag {
        let body = notes.unwrap_or_default();
        let message = if body.trim().is_empty() {
            tag.clone()
        } else {
            format!("{tag}\n\n{body}")
        };
        steps.push(Step::Run {
            cmd: Cmd::git(Kind::Mutate)
                .cwd(&project.root)
                // git's default `strip` cleanup would drop the `### Added` lines as comments.
                .args(["tag", "-a", "--cleanup=whitespace", &tag, "-m", &message]),
            verb: "Tagging",
            what: tag.clone(),
        });
    }
    Ok(Bump {
        first,
        old: old.clone(),
        new,
        pep440,
        tag,
        plan: Plan { edits, steps },
    })
}

/// A level bump from a placeholder means nothing: the version comes from elsewhere (the
/// tag, in every project seen), and the message says how it flows here.
fn placeholder_failure(project: &Project, level: &str) -> Failure {
    let member = project.primary();
    let old = &project.version;
    let flow = match crate::project::placeholder::tag_rewrite(&project.root) {
        Some((file, line)) => format!(
            "CI writes the release tag's version into Cargo.toml ({}:{line})",
            project.rel(&file)
        ),
        None => "the real version is set from outside Cargo.toml (the release tag, in most projects like this)".to_string(),
    };
    Failure::usage(format!(
        "`{}` is at {old}, a placeholder: `bump {level}` from it would invent a version; {flow}",
        member.name
    ))
    .at(&member.manifest, member.version_line)
    .help(format!(
        "to release as this project does, push the tag (`{prefix}X.Y.Z`): no bump is needed; to make Cargo.toml the version authority, set the real version once with `cargo pyrelease bump X.Y.Z` (and drop the rewrite from CI)",
        prefix = project.config.tag_prefix
    ))
}

/// `bump VERSION` naming the current version releases it as it is, the first time:
/// a project starts at `0.1.0` (`cargo new`) and its first release is that version.
/// It is allowed while the changelog has an `[Unreleased]` section and none for the
/// version; the caller has checked that its tag does not exist. True for such a
/// release, false for an ordinary bump.
fn first_release(project: &Project, req: &BumpRequest) -> anyhow::Result<bool> {
    let old = &project.version;
    let Target::Exact(wanted) = &req.target else {
        return Ok(false);
    };
    if wanted != old || req.pre.is_some() {
        return Ok(false);
    }
    let Some(changelog) = &project.changelog else {
        return Err(Failure::from(same_version(project, req)).into());
    };
    if let Some(section) = changelog.parsed.release(&old.to_string()) {
        return Err(Failure::usage(format!(
            "already at `{old}`, and the changelog has its section (line {}): {old} is released",
            section.line
        ))
        .at(&changelog.path, Some(section.line))
        .help(same_version(project, req).help.unwrap_or_default())
        .into());
    }
    if changelog.parsed.unreleased().is_none() {
        return Err(Failure::from(same_version(project, req)).into());
    }
    Ok(true)
}

/// The refusal of a bump to the current version, whose help names the next ones.
pub fn same_version(project: &Project, req: &BumpRequest) -> version::VersionError {
    version::bump(&project.version, &req.target, req.pre, req.allow_downgrade)
        .expect_err("the same version is always refused")
}

fn is_ignored(path: &std::path::Path, ignored: &[std::path::PathBuf]) -> bool {
    let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    ignored.iter().any(|i| {
        let i = i.canonicalize().unwrap_or_else(|_| i.clone());
        path.starts_with(i)
    })
}

/// A dirty tree is refused unless asked; with `--commit`, a file the user had
/// changed must never end up in the release commit.
fn check_dirty(
    project: &Project,
    git: &GitState,
    edits: &[crate::edit::FileEdit],
    req: &BumpRequest,
) -> anyhow::Result<()> {
    if git.dirty.is_empty() {
        return Ok(());
    }
    let list = |paths: &[&std::path::PathBuf]| {
        paths
            .iter()
            .map(|p| format!("`{}`", project.rel(p)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !req.allow_dirty {
        let dirty: Vec<_> = git.dirty.iter().collect();
        return Err(Failure::check(
            FindingId::GitDirty,
            format!("the working tree has uncommitted changes: {}", list(&dirty)),
        )
        .help("commit or stash them first, or pass `--allow-dirty`")
        .into());
    }
    if req.commit {
        // Canonicalise each path once: pairwise canonicalisation is quadratic.
        let canonical = |p: &std::path::Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        let edited: std::collections::BTreeSet<_> =
            edits.iter().map(|e| canonical(&e.path)).collect();
        let swept: Vec<_> = git
            .dirty
            .iter()
            .filter(|d| edited.contains(&canonical(d)))
            .collect();
        if !swept.is_empty() {
            return Err(Failure::usage(format!(
                "`--commit` would sweep your uncommitted changes into the release commit: {}",
                list(&swept)
            ))
            .help("commit or stash those files first, or bump without `--commit`")
            .into());
        }
    }
    Ok(())
}
