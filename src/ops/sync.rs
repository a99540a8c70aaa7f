use crate::cli::{GlobalArgs, SyncArgs};
use crate::exec::{Executor, Mode};
use crate::project::Project;
use crate::shell::Shell;

pub fn run(global: &GlobalArgs, args: &SyncArgs, shell: &Shell) -> anyhow::Result<i32> {
    crate::exec::lock::hold(global.manifest_path.as_deref(), shell)?;
    crate::exec::undo::recover(
        global.manifest_path.as_deref(),
        !args.check && !args.dry_run,
        shell,
    )?;
    let project = Project::load(&global.load_options())?;
    let plan = crate::plan::sync::plan(&project)?;
    let version = project.pep440.as_deref().unwrap_or_default();
    if plan.edits.is_empty() {
        shell.status("Fresh", format!("every version spot is at {version}"));
        return Ok(0);
    }
    if args.check {
        for edit in &plan.edits {
            for (line, old, new) in edit.changed_lines() {
                shell.out(format!("{}:{line}: `{old}` should be `{new}`", edit.shown));
            }
        }
        shell.warn(format!(
            "{} file(s) disagree with Cargo.toml ({}); run `cargo pyrelease sync` to fix them",
            plan.edits.len(),
            project.version
        ));
        return Ok(crate::error::Exit::Failed.code());
    }
    let mode = Mode::of(args.dry_run);
    Executor { mode, shell }.apply(&plan)?;
    if args.dry_run {
        shell.warn("aborting sync due to dry run; nothing was changed");
    }
    Ok(0)
}
