use crate::cli::{GlobalArgs, SyncArgs};
use crate::error::{Exit, Failure};
use crate::exec::{Executor, Mode};
use crate::plan::EditSet;
use crate::project::Project;
use crate::shell::Shell;

pub fn run(global: &GlobalArgs, args: &SyncArgs, shell: &Shell) -> anyhow::Result<Exit> {
    crate::exec::lock::hold(global.manifest_path.as_deref(), shell)?;
    crate::exec::undo::recover(
        global.manifest_path.as_deref(),
        !args.check && !args.dry_run,
        shell,
    )?;
    let project = Project::load(&global.load_options())?;
    let mut plan = crate::plan::sync::plan(&project)?;
    if args.spots {
        plan.edits.extend(adopt_spots(&project, shell)?);
    }
    let version = project.pep440.as_deref().unwrap_or_default();
    if plan.edits.is_empty() {
        shell.status("Fresh", format!("every version spot is at {version}"));
        return Ok(Exit::Ok);
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
        return Ok(Exit::Failed);
    }
    let mode = Mode::of(args.dry_run);
    Executor { mode, shell }.apply(&plan)?;
    if args.dry_run {
        shell.warn("aborting sync due to dry run; nothing was changed");
    }
    Ok(Exit::Ok)
}

/// `sync --spots`: the `version-files` entries of the untracked spots, appended to the file
/// that holds the configuration. They already hold the current version, so the sync
/// itself changes nothing in them; from then on `bump` moves them.
fn adopt_spots(project: &Project, shell: &Shell) -> anyhow::Result<Vec<crate::edit::FileEdit>> {
    let spots = crate::ops::spots::untracked(project)?;
    if spots.is_empty() {
        shell.status("Spots", "no untracked version spot in the README or docs");
        return Ok(Vec::new());
    }
    let file = project
        .config
        .file
        .clone()
        .unwrap_or_else(|| project.workspace.manifest.clone());
    let table = project.workspace.config_top(project.config.file.as_deref());
    let entries = crate::ops::spots::entries(project, &spots);
    let mut edits = EditSet::new(&project.root);
    edits.edit(&file, |text| {
        // Entries are appended as `[[...version-files]]` tables: an inline
        // `version-files = [...]` array cannot be extended that way.
        let doc = crate::toml::parse_document(text.to_string())
            .map_err(|e| Failure::from((file.as_path(), text, e)))?;
        let inline = doc
            .get(table)
            .and_then(|t| t.get("metadata"))
            .and_then(|t| t.get("pyrelease"))
            .and_then(|t| t.get("version-files"))
            .is_some_and(|item| !item.is_array_of_tables());
        if inline {
            return Err(Failure::usage(format!(
                "`version-files` in `{}` is an inline array; the spots cannot be appended to it",
                project.rel(&file)
            ))
            .at(&file, None)
            .help("add the entries `cargo pyrelease status --spots` prints to the array by hand")
            .into());
        }
        Ok(format!("{}\n\n{entries}", text.trim_end()))
    })?;
    shell.status(
        "Spots",
        format!(
            "{} version spot(s) added to `{}` as version-files entries",
            spots.len(),
            project.rel(&file)
        ),
    );
    Ok(edits.into_edits())
}
