//! `init`: the release workflow, the configuration block and the pre-commit entry,
//! decided from the model and the files as they are now. Pure: the caller reads.
use std::path::{Path, PathBuf};

use crate::edit::FileEdit;
use crate::edit::config_block::{self, Block, Home};
use crate::error::Failure;
use crate::plan::{EditSet, Plan};
use crate::project::{Project, relative};
use crate::render::setup::{Setup, github_repo};
use crate::render::workflow::{self, Install, Package, Settings};

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
    /// `Cargo.lock` exists at the workspace root.
    pub locked: bool,
    /// Per package (in `project.packages` order): it has pytest files in `tests/`.
    pub pytest: Vec<bool>,
}

#[derive(Debug, Clone, Default)]
pub struct InitRequest {
    pub force: bool,
    /// `-p` names the user chose: the workflow's commands choose the same.
    pub packages: Vec<String>,
}

pub struct InitPlan {
    pub plan: Plan,
    /// Things left as they were, with the reason, for status lines.
    pub kept: Vec<String>,
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
            let (text, doc) = ws.root_manifest().ok_or_else(|| {
                Failure::usage("the workspace has no root manifest to hold the configuration")
                    .at(&ws.manifest, None)
            })?;
            let home = if doc.get("package").is_some()
                && (ws.members.len() == 1 || doc.get("workspace").is_none())
            {
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

    let mut all = created;
    all.extend(edits.into_edits());
    Ok(InitPlan {
        plan: Plan {
            edits: all,
            steps: Vec::new(),
        },
        kept,
        setup: setup(project, &settings),
    })
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
        Install::Registry {
            version: env!("CARGO_PKG_VERSION").to_string(),
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
                one_wheel_per_platform: one_wheel_per_platform(p, member),
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
    }
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
    }
}
