//! Read-only git queries. Mutating git commands are planned as `Cmd`s instead.
use std::path::{Path, PathBuf};

use crate::exec::cmd::{Cmd, Kind};

#[derive(Debug, Clone, Default)]
pub struct GitState {
    /// Files with uncommitted changes (modified, staged, or untracked), absolute.
    pub dirty: Vec<PathBuf>,
}

/// The state of the repository holding `dir`, or `None` outside a git repository.
pub fn state(dir: &Path) -> anyhow::Result<Option<GitState>> {
    let Ok(top) = Cmd::git(Kind::Read)
        .args(["rev-parse", "--show-toplevel"])
        .cwd(dir)
        .read()
    else {
        return Ok(None);
    };
    let top = PathBuf::from(top.trim_end());
    let status = Cmd::git(Kind::Read)
        .args(["status", "--porcelain=v1", "-z", "--untracked-files=all"])
        .cwd(dir)
        .read()?;
    let mut dirty = Vec::new();
    let mut entries = status.split('\0').filter(|e| !e.is_empty());
    while let Some(entry) = entries.next() {
        let (code, path) = entry.split_at(3.min(entry.len()));
        dirty.push(top.join(path));
        // A rename lists the old name as the next entry.
        if code.starts_with('R') || code.starts_with('C') {
            entries.next();
        }
    }
    Ok(Some(GitState { dirty }))
}
