//! The undo log: how a run killed in the middle of its writes is undone by the next one.
//!
//! Each rename is atomic, a set of renames is not. Ctrl-C is caught and rolled back in the
//! process, but a process killed outright (SIGKILL, the OOM killer, a CI timeout, power loss)
//! leaves some files new and some old: a release half made, which a plain re-run would
//! misread (Cargo.toml already says the new version, so `bump` would go one further). So
//! before the first rename the executor records every file's old and new text in the undo
//! log, and removes it when the renames are done or rolled back. An undo log found by the
//! next command means a write was cut short: a writing command first puts every logged
//! file back to its old text, then runs as asked.
//!
//! The log has one place, `target/pyrelease/undo.json` of the project folder, beside the
//! project's lock (`lock.rs`): a writing command holds that lock before it writes or looks
//! for a log, so a reading one that finds a log while another run holds the lock says so,
//! and the log of a run in progress is never taken for a crashed one. Recovery looks only
//! there: never in a parent folder, where a log would belong to some other project.
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::edit::FileEdit;
use crate::error::Failure;
use crate::shell::Shell;

/// The file name of the undo log in the project's state folder (`lock::state_dir`).
pub const NAME: &str = "undo.json";

#[derive(serde::Serialize, serde::Deserialize)]
struct Entry {
    path: PathBuf,
    before: String,
    after: String,
    /// A new file: undone by removing it.
    #[serde(default)]
    created: bool,
}

#[derive(serde::Serialize, serde::Deserialize)]
struct UndoLog {
    files: Vec<Entry>,
}

/// Records `edits` before any of them is applied; returns the log's path.
pub fn begin(edits: &[FileEdit]) -> anyhow::Result<PathBuf> {
    // Every writing command takes the lock first (it makes the state folder): a write
    // without it would log where no recovery looks.
    let dir = super::lock::held_dir()
        .context("internal error: a write without the project's lock (`lock::hold`)")?;
    let path = dir.join(NAME);
    let log = UndoLog {
        files: edits
            .iter()
            .map(|e| Entry {
                path: e.path.clone(),
                before: e.before.clone(),
                after: e.after.clone(),
                created: e.created,
            })
            .collect(),
    };
    let temp = super::stage(&path, &serde_json::to_string(&log)?, None)?;
    temp.persist(&path)
        .map_err(|e| anyhow::Error::new(e.error))
        .with_context(|| format!("failed to write `{}`", path.display()))?;
    Ok(path)
}

pub fn end(path: &Path) -> anyhow::Result<()> {
    std::fs::remove_file(path).with_context(|| format!("failed to remove `{}`", path.display()))
}

/// Undoes a write cut short, if the project of `manifest_path` (or of the current folder)
/// has an undo log. A run that must not write (`--dry-run`, `--check`) refuses instead:
/// its plan, made from half-written files, would be wrong.
pub fn recover(manifest_path: Option<&Path>, write: bool, shell: &Shell) -> anyhow::Result<()> {
    let path = super::lock::state_dir(manifest_path)?.join(NAME);
    if !path.is_file() {
        return Ok(());
    }
    // The undo log of a run that is writing now (it holds the lock) is not a crash.
    if let Some(busy) = super::lock::busy_elsewhere(manifest_path)? {
        return Err(busy);
    }
    if !write {
        return Err(Failure::usage(format!(
            "a cargo-pyrelease write was cut short (undo log `{}`): some files may have the new version, others the old",
            path.display()
        ))
        .at(&path, None)
        .help("run `cargo pyrelease sync` (without `--check` or `--dry-run`): it puts every file back as it was, then syncs")
        .into());
    }
    let log: UndoLog = serde_json::from_str(&super::fs::read_text(&path)?)
        .map_err(|e| {
            Failure::usage(format!("`{}` is not an undo log cargo-pyrelease can read: {e}", path.display()))
                .at(&path, None)
                .help("it records a write that was cut short; restore the files it names with `git diff` / `git checkout`, then delete it")
        })?;
    let mut restore = Vec::new();
    let mut foreign = Vec::new();
    for entry in &log.files {
        if entry.created && !entry.path.exists() {
            continue;
        }
        match super::fs::read_text(&entry.path) {
            Ok(now) if now == entry.before => {}
            Ok(now) if now == entry.after => restore.push(entry),
            _ => foreign.push(format!("`{}`", entry.path.display())),
        }
    }
    if !foreign.is_empty() {
        return Err(Failure::usage(format!(
            "a cargo-pyrelease write was cut short, and since then {} changed: nothing was restored",
            foreign.join(", ")
        ))
        .at(&path, None)
        .help("check the files with `git diff`, restore them by hand, then delete the undo log")
        .into());
    }
    for entry in &restore {
        if entry.created {
            std::fs::remove_file(&entry.path)
                .with_context(|| format!("failed to remove `{}`", entry.path.display()))?;
            continue;
        }
        super::stage(&entry.path, &entry.before, Some(&entry.path))?
            .persist(&entry.path)
            .map_err(|e| anyhow::Error::new(e.error))
            .with_context(|| format!("failed to restore `{}`", entry.path.display()))?;
    }
    // The staged copies of the files that were never renamed.
    for dir in log.files.iter().filter_map(|e| e.path.parent()) {
        for leftover in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = leftover.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(super::TEMP_PREFIX) {
                let _ = std::fs::remove_file(leftover.path());
            }
        }
    }
    end(&path)?;
    shell.status(
        "Restored",
        format!(
            "{} file(s) of a write that was cut short (undo log `{}`), as they were before it",
            restore.len(),
            path.display()
        ),
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Recovery reads the log of this project only: one left in a parent folder (another
    /// project's, or the old place beside the edited files) is not this project's crash.
    #[test]
    fn recovery_looks_only_in_the_projects_state_folder() {
        let outer = tempfile::tempdir().unwrap();
        let project = outer.path().join("project");
        std::fs::create_dir_all(project.join(".git")).unwrap();
        std::fs::write(project.join("Cargo.toml"), "[package]\n").unwrap();
        let manifest = project.join("Cargo.toml");
        let shell = Shell::new(
            crate::shell::ColorChoice::Never,
            crate::shell::Verbosity::Quiet,
        );
        for stray in [
            outer.path().join(".pyrelease-journal.json"),
            outer.path().join("target/pyrelease").join(NAME),
        ] {
            std::fs::create_dir_all(stray.parent().unwrap()).unwrap();
            std::fs::write(&stray, "not a log").unwrap();
        }
        recover(Some(&manifest), false, &shell).unwrap();

        let own = project.join("target/pyrelease").join(NAME);
        std::fs::create_dir_all(own.parent().unwrap()).unwrap();
        std::fs::write(&own, "not a log").unwrap();
        let err = recover(Some(&manifest), false, &shell).unwrap_err();
        assert!(format!("{err:#}").contains("was cut short"), "{err:#}");
    }
}
