use std::path::{Path, PathBuf};

use crate::cli::{GlobalArgs, InitArgs};
use crate::exec::{Executor, Mode};
use crate::plan::init::{Found, InitRequest, PRE_COMMIT, WORKFLOW};
use crate::project::Project;
use crate::shell::Shell;

pub fn run(global: &GlobalArgs, args: &InitArgs, shell: &Shell) -> anyhow::Result<i32> {
    crate::exec::lock::hold(global.manifest_path.as_deref(), shell)?;
    crate::exec::journal::recover(global.manifest_path.as_deref(), !args.dry_run, shell)?;
    let InitArgs {
        ci: _,
        force,
        dry_run,
    } = args;
    let project = Project::load(&global.load_options())?;
    let found = found(&project)?;
    let request = InitRequest {
        force: *force,
        packages: global.package.clone(),
    };
    let init = crate::plan::init::plan(&project, &found, &request)?;
    for what in &init.kept {
        shell.status("Unchanged", what);
    }
    let mode = if *dry_run {
        Mode::DryRun
    } else {
        Mode::Execute
    };
    Executor { mode, shell }.apply(&init.plan)?;
    shell.out(init.setup.render());
    if *dry_run {
        shell.warn("aborting init due to dry run; nothing was written");
    }
    Ok(0)
}

/// The files the planner needs to see.
fn found(project: &Project) -> anyhow::Result<Found> {
    let repo_root = repo_root(&project.root);
    let read = |rel: &str| -> anyhow::Result<Option<String>> {
        let path = repo_root.join(rel);
        if path.exists() {
            crate::exec::fs::read_text(&path).map(Some)
        } else {
            Ok(None)
        }
    };
    Ok(Found {
        workflow: read(WORKFLOW)?,
        pre_commit: read(PRE_COMMIT)?,
        locked: project.workspace.root.join("Cargo.lock").is_file(),
        pytest: project
            .packages
            .iter()
            .map(|p| has_pytest_files(&p.path.with_file_name("tests")))
            .collect(),
        repo_root,
    })
}

/// The root of the git repository holding `root` (where `.github/` must be), as an
/// ancestor of `root` itself so paths stay comparable; `root` outside git.
fn repo_root(root: &Path) -> PathBuf {
    let depth = crate::project::git::top_of(root).and_then(|top| {
        let real = root.canonicalize().ok()?;
        Some(real.strip_prefix(&top).ok()?.components().count())
    });
    match depth {
        Some(depth) => root.ancestors().nth(depth).unwrap_or(root).to_path_buf(),
        None => root.to_path_buf(),
    }
}

/// pytest's default discovery: `test_*.py` or `*_test.py` files.
fn has_pytest_files(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.filter_map(Result::ok).any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.ends_with(".py") && (name.starts_with("test_") || name.ends_with("_test.py"))
        })
    })
}
