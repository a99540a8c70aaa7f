//! The undo log (the "write journal"): how a run killed in the middle of its writes is undone by the next one.
//!
//! Each rename is atomic, a set of renames is not. Ctrl-C is caught and rolled back in the
//! process, but a process killed outright (SIGKILL, the OOM killer, a CI timeout, power loss)
//! leaves some files new and some old: a release half made, which a plain re-run would
//! misread (Cargo.toml already says the new version, so `bump` would go one further). So
//! before the first rename the executor records every file's old and new text in a journal
//! in the folder holding them all, and removes it when the renames are done or rolled back.
//! A journal found by the next writing command means a write was cut short: that command
//! first puts every journaled file back to its old text, then runs as asked. Every writing
//! command holds the project's lock (`lock.rs`) before it looks for a journal, and a
//! reading one that finds a journal while another run holds the lock says so: the journal
//! of a run in progress is never taken for a crashed one.
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::edit::FileEdit;
use crate::error::Failure;
use crate::shell::Shell;

pub const NAME: &str = ".pyrelease-journal.json";

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

/// The deepest folder holding every edited file.
fn home(edits: &[FileEdit]) -> PathBuf {
    let mut dir = edits[0]
        .path
        .parent()
        .unwrap_or(Path::new("/"))
        .to_path_buf();
    while !edits.iter().all(|e| e.path.starts_with(&dir)) && dir.pop() {}
    dir
}

/// Records `edits` before any of them is applied; returns the journal's path.
pub fn begin(edits: &[FileEdit]) -> anyhow::Result<PathBuf> {
    let path = home(edits).join(NAME);
    let journal = UndoLog {
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
    let temp = super::stage(&path, &serde_json::to_string(&journal)?, None)?;
    temp.persist(&path)
        .map_err(|e| anyhow::Error::new(e.error))
        .with_context(|| format!("failed to write `{}`", path.display()))?;
    Ok(path)
}

pub fn end(path: &Path) -> anyhow::Result<()> {
    std::fs::remove_file(path).with_context(|| format!("failed to remove `{}`", path.display()))
}

/// Undoes a write cut short, if the folder of `manifest_path` (or the current one) or a
/// folder above it holds a journal. A run that must not write (`--dry-run`, `--check`)
/// refuses instead: its plan, made from half-written files, would be wrong.
pub fn recover(manifest_path: Option<&Path>, write: bool, shell: &Shell) -> anyhow::Result<()> {
    let cwd = std::env::current_dir()?;
    let start = match manifest_path {
        Some(m) => cwd.join(m).parent().map_or(cwd.clone(), Path::to_path_buf),
        None => cwd,
    };
    let Some(path) = start
        .ancestors()
        .map(|d| d.join(NAME))
        .find(|p| p.is_file())
    else {
        return Ok(());
    };
    // The journal of a run that is writing now (it holds the lock) is not a crash.
    if let Some(busy) = super::lock::busy_elsewhere(manifest_path)? {
        return Err(busy);
    }
    if !write {
        return Err(Failure::usage(format!(
            "a cargo-pyrelease write was cut short (journal `{}`): some files may have the new version, others the old",
            path.display()
        ))
        .at(&path, None)
        .help("run `cargo pyrelease sync` (without `--check` or `--dry-run`): it puts every file back as it was, then syncs")
        .into());
    }
    let journal: UndoLog = serde_json::from_str(&super::fs::read_text(&path)?)
        .map_err(|e| {
            Failure::usage(format!("`{}` is not a journal cargo-pyrelease can read: {e}", path.display()))
                .at(&path, None)
                .help("it records a write that was cut short; restore the files it names with `git diff` / `git checkout`, then delete it")
        })?;
    let mut restore = Vec::new();
    let mut foreign = Vec::new();
    for entry in &journal.files {
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
        .help("check the files with `git diff`, restore them by hand, then delete the journal")
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
    for dir in journal.files.iter().filter_map(|e| e.path.parent()) {
        for leftover in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = leftover.file_name();
            let name = name.to_string_lossy();
            if name.starts_with(super::TEMP_PREFIX) && name != NAME {
                let _ = std::fs::remove_file(leftover.path());
            }
        }
    }
    end(&path)?;
    shell.status(
        "Restored",
        format!(
            "{} file(s) of a write that was cut short (journal `{}`), as they were before it",
            restore.len(),
            path.display()
        ),
    );
    Ok(())
}
