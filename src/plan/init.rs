//! `init`: the release workflow, the configuration block and the pre-commit entry,
//! decided from the model and the files as they are now. Pure: the caller reads.
use std::path::{Path, PathBuf};

use crate::edit::FileEdit;
use crate::error::Failure;
use crate::plan::{EditSet, Plan};
use crate::project::{Project, relative};
use crate::render::setup::{Setup, github_repo};
use crate::render::workflow::{self, Install, Package, Settings};
use crate::toml::config_block::{self, Block, Home};

/// Where the workflow goes, relative to the repository root.
pub const WORKFLOW: &str = ".github/workflows/release.yml";
pub const PRE_COMMIT: &str = ".pre-commit-config.yaml";

/// What the caller read from the disk for the planner.
#[derive(Debug, Clone)]
pub struct Found {
    /// The git repository root (the project root outside git): `.github/` lives there.
    pub repo_root: PathBuf,
    /// The current text of the workflow and the pre-commit config, when they exist.
    pub workflow: Option<String>,
    pub pre_commit: Option<String>,
    /// The other workflows in `.github/workflows/`: (path relative to the repository
    /// root, text).
    pub other_workflows: Vec<(String, String)>,
    /// `Cargo.lock` exists at the workspace root.
    pub locked: bool,
    /// Per package (in `project.packages` order): it has pytest files in `tests/`.
    pub pytest: Vec<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct InitRequest {
    pub force: bool,
    /// Remove the jobs of other workflows that publish, instead of refusing.
    pub replace: bool,
    /// `-p` names the user chose: the workflow's commands choose the same.
    pub packages: Vec<String>,
}

pub struct InitPlan {
    pub plan: Plan,
    /// Things left as they were, with the reason, for status lines.
    pub kept: Vec<String>,
    /// Jobs of other workflows removed by `--replace`, for status lines.
    pub disabled: Vec<String>,
    pub setup: Setup,
}

pub fn plan(project: &Project, found: &Found, request: &InitRequest) -> anyhow::Result<InitPlan> {
    let settings = settings(project, found, request);
    let yaml = workflow::render(&settings);
    let repo_root = &found.repo_root;
    let mut edits = EditSet::new(repo_root);
    let mut created = Vec::new();
    let mut kept = Vec::new();

    let workflow_path = repo_root.join(WORKFLOW);
    match &found.workflow {
        None => created.push(FileEdit::create(workflow_path, WORKFLOW.into(), yaml)),
        Some(now) if *now == yaml => kept.push(format!("{WORKFLOW} (up to date)")),
        Some(_) if !request.force => {
            return Err(Failure::usage(format!("`{WORKFLOW}` exists; nothing was written"))
                .at(&workflow_path, None)
                .help("`cargo pyrelease init --force --dry-run` shows what would replace it; `--force` replaces it")
                .into());
        }
        Some(now) => edits.edit_known(&workflow_path, now, |_| Ok(yaml))?,
    }

    match &project.config.file {
        Some(file) => kept.push(format!(
            "the configuration in {} (already there)",
            relative(repo_root, file)
        )),
        None => {
            let ws = &project.workspace;
            let (text, _) = ws.root_manifest().ok_or_else(|| {
                Failure::usage("the workspace has no root manifest to hold the configuration")
                    .at(&ws.manifest, None)
            })?;
            let home = if ws.config_in_package(None) {
                Home::Package
            } else {
                Home::Workspace
            };
            let block = block(project);
            let manifest = ws.manifest.clone();
            edits.edit_known(&manifest, text, |text| {
                config_block::insert(text, home, &block, &manifest)
            })?;
        }
    }

    let rev = format!("v{}", env!("CARGO_PKG_VERSION"));
    let pre_commit_path = repo_root.join(PRE_COMMIT);
    let added = crate::edit::precommit::add(found.pre_commit.as_deref(), &rev, &pre_commit_path)?;
    match (added, &found.pre_commit) {
        (None, _) => kept.push(format!("{PRE_COMMIT} (already has the hooks)")),
        (Some(text), None) => {
            created.push(FileEdit::create(pre_commit_path, PRE_COMMIT.into(), text))
        }
        (Some(text), Some(now)) => edits.edit_known(&pre_commit_path, now, |_| Ok(text))?,
    }

    let disabled = other_publishers(found, request, &mut edits)?;

    let mut all = created;
    all.extend(edits.into_edits());
    Ok(InitPlan {
        plan: Plan {
            edits: all,
            steps: Vec::new(),
        },
        kept,
        disabled,
        setup: setup(project, &settings),
    })
}

/// Another workflow that publishes would race `release.yml` on every tag: refused,
/// or with `--replace` its publishing jobs are removed (in the same plan, so all or
/// nothing).
fn other_publishers(
    found: &Found,
    request: &InitRequest,
    edits: &mut EditSet,
) -> anyhow::Result<Vec<String>> {
    const NOTE: &str = "`cargo pyrelease init --replace`, since release.yml publishes";
    let mut disabled = Vec::new();
    for (rel, text) in &found.other_workflows {
        let publishers = crate::plan::publishers::find(text);
        let Some(first) = publishers.first() else {
            continue;
        };
        let path = found.repo_root.join(rel);
        let jobs = publishers
            .iter()
            .map(|p| format!("job `{}` (line {}: {})", p.job, p.line, p.what))
            .collect::<Vec<_>>()
            .join(", ");
        if !request.replace {
            return Err(Failure::usage(format!(
                "`{rel}` publishes too: {jobs}; with `{WORKFLOW}` two pipelines would race on every tag; nothing was written"
            ))
            .at(&path, Some(first.line))
            .help("`cargo pyrelease init --replace` removes those jobs (the file's other jobs stay), or remove them by hand")
            .into());
        }
        edits.edit_known(&path, text, |text| {
            crate::plan::publishers::remove(text, NOTE).map_err(|why| {
                Failure::usage(format!(
                    "the publishing jobs of `{rel}` cannot be removed: {why}; nothing was written"
                ))
                .at(&path, None)
                .help("remove them by hand, then run init again")
                .into()
            })
        })?;
        disabled.push(format!("{rel}: {jobs}"));
    }
    Ok(disabled)
}

pub fn settings(project: &Project, found: &Found, request: &InitRequest) -> Settings {
    let repo_root = &found.repo_root;
    let install = if project
        .unit_members()
        .any(|m| m.name == env!("CARGO_PKG_NAME"))
    {
        Install::Path {
            dir: relative(repo_root, parent(&project.primary().manifest)),
        }
    } else {
        Install::Wheel {
            version: own_pep440_version(),
        }
    };
    // The workflow runs from the repository root; a project below it is named.
    let mut select = Vec::new();
    if project.root != *repo_root && parent(&project.workspace.manifest) == project.root {
        select.push("--manifest-path".to_string());
        select.push(relative(repo_root, &project.workspace.manifest));
    }
    for name in &request.packages {
        select.push("-p".to_string());
        select.push(name.clone());
    }
    let packages = project
        .packages
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let member = project
                .workspace
                .member(&p.manifest)
                .map(|m| &project.workspace.members[m]);
            Package {
                name: p
                    .dist_name(member.map_or("", |m| m.name.as_str()))
                    .to_string(),
                dir: relative(repo_root, parent(&p.path)),
                interpreters: if one_wheel_per_platform(p, member) {
                    Vec::new()
                } else {
                    interpreters(&p.text)
                },
                pytest: found.pytest.get(i).copied().unwrap_or(false),
            }
        })
        .collect();
    Settings {
        tag_prefix: project.config.tag_prefix.clone(),
        install,
        select,
        packages,
        cargo_dir: relative(repo_root, &project.workspace.root),
        publish_crates: project.unit_members().any(|m| m.publish),
        locked: found.locked,
        gates: project.config.gates.clone(),
        changelog: project.changelog.is_some(),
        registry: project.cargo_registry(),
        private_python_index: project.private_python_index(),
    }
}

/// This tool's version as its wheel spells it (`0.2.0-rc.1` -> `0.2.0rc1`).
fn own_pep440_version() -> String {
    let version = env!("CARGO_PKG_VERSION");
    semver::Version::parse(version)
        .ok()
        .and_then(|v| crate::version::to_pep440(&v).ok())
        .map_or_else(|| version.to_string(), |v| v.to_string())
}

/// The CPython versions maturin can build for that `requires-python` admits (all of
/// them without one): each gets its own wheel.
fn interpreters(pyproject: &str) -> Vec<String> {
    /// From the oldest CPython still in use to the newest release.
    const CPYTHON: &[&str] = &["3.9", "3.10", "3.11", "3.12", "3.13", "3.14"];
    let requires = pyproject
        .parse::<toml_edit::DocumentMut>()
        .ok()
        .and_then(|doc| {
            doc.get("project")?
                .get("requires-python")?
                .as_str()
                .map(str::to_string)
        })
        .and_then(|text| text.parse::<pep440_rs::VersionSpecifiers>().ok());
    CPYTHON
        .iter()
        .filter(|v| {
            let version: pep440_rs::Version = v.parse().expect("a CPython version");
            requires.as_ref().is_none_or(|r| r.contains(&version))
        })
        .map(|v| (*v).to_string())
        .collect()
}

fn parent(path: &Path) -> &Path {
    path.parent().unwrap_or(Path::new("."))
}

/// Whether one wheel per platform serves every Python version: `bin`, `cffi` and
/// `uniffi` bindings do not link against Python; pyo3 does unless built for the
/// stable ABI (an `abi3*` feature of pyo3, in Cargo.toml or in `[tool.maturin] features`).
/// Without pyo3, maturin falls back to cffi or bin.
fn one_wheel_per_platform(
    package: &crate::project::pyproject::PyProject,
    member: Option<&crate::project::workspace::Member>,
) -> bool {
    if matches!(package.bindings.as_deref(), Some("bin" | "cffi" | "uniffi")) {
        return true;
    }
    let Some(member) = member else {
        return false;
    };
    let Some(pyo3) = member
        .package
        .dependencies
        .iter()
        .find(|d| d.name == "pyo3" || d.name == "pyo3-ffi")
    else {
        return true;
    };
    let abi3 = |f: &str| f.starts_with("abi3");
    pyo3.features.iter().any(|f| abi3(f))
        || maturin_features(&package.text)
            .iter()
            .any(|f| f.strip_prefix("pyo3/").is_some_and(abi3))
}

/// `[tool.maturin] features` of a pyproject.
fn maturin_features(text: &str) -> Vec<String> {
    let Ok(doc) = text.parse::<toml_edit::DocumentMut>() else {
        return Vec::new();
    };
    doc.get("tool")
        .and_then(|t| t.get("maturin"))
        .and_then(|t| t.get("features"))
        .and_then(|f| f.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn block(project: &Project) -> Block {
    Block {
        pyprojects: project
            .packages
            .iter()
            .map(|p| project.rel(&p.path))
            .collect(),
        changelog: project.changelog.as_ref().map(|c| project.rel(&c.path)),
        crates: project.unit_members().map(|m| m.name.clone()).collect(),
        version: project.version.to_string(),
        tag_prefix: project.config.tag_prefix.clone(),
    }
}

fn setup(project: &Project, settings: &Settings) -> Setup {
    Setup {
        repo: project
            .unit_members()
            .find_map(|m| m.package.repository.as_deref().and_then(github_repo)),
        crates: project
            .unit_members()
            .filter(|m| m.publish)
            .map(|m| m.name.clone())
            .collect(),
        python: settings.packages.iter().map(|p| p.name.clone()).collect(),
        workflow: "release.yml".into(),
        tag_prefix: settings.tag_prefix.clone(),
        registry: settings.registry.clone(),
        private_python_index: settings.private_python_index,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpreters_follow_requires_python() {
        let range = |requires: &str| {
            interpreters(&format!("[project]\nrequires-python = \"{requires}\"\n"))
        };
        assert_eq!(range(">=3.11"), ["3.11", "3.12", "3.13", "3.14"]);
        assert_eq!(range(">=3.9,<3.12"), ["3.9", "3.10", "3.11"]);
        assert_eq!(interpreters("[tool.maturin]\n").len(), 6);
    }
}
