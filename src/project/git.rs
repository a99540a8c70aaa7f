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
    // Only the project's own files count: in a monorepo, work elsewhere is not
    // part of this release.
    let here = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let top = top.canonicalize().unwrap_or(top);
    let mut dirty = Vec::new();
    let mut entries = status.split('\0').filter(|e| !e.is_empty());
    while let Some(entry) = entries.next() {
        let (code, path) = entry.split_at(3.min(entry.len()));
        let path = top.join(path);
        if path.starts_with(&here) {
            dirty.push(dir.join(path.strip_prefix(&here).unwrap_or(&path)));
        }
        // A rename lists the old name as the next entry.
        if code.starts_with('R') || code.starts_with('C') {
            entries.next();
        }
    }
    Ok(Some(GitState { dirty }))
}

/// What `verify` needs to know of the repository.
#[derive(Debug, Clone, Default)]
pub struct Head {
    pub commit: Option<String>,
    pub branch: Option<String>,
    /// Commits on the upstream that HEAD does not have (no fetch is made).
    pub behind: Option<u64>,
}

fn read(dir: &Path, args: &[&str]) -> Option<String> {
    Cmd::git(Kind::Read)
        .args(args)
        .cwd(dir)
        .read()
        .ok()
        .map(|s| s.trim_end().to_string())
        .filter(|s| !s.is_empty())
}

pub fn head(dir: &Path) -> Head {
    Head {
        commit: read(dir, &["rev-parse", "-q", "--verify", "HEAD^{commit}"]),
        branch: read(dir, &["symbolic-ref", "-q", "--short", "HEAD"]),
        behind: read(dir, &["rev-list", "--count", "HEAD..@{upstream}"])
            .and_then(|n| n.parse().ok()),
    }
}

/// The commit a tag points to, if the tag exists locally.
pub fn tag_commit(dir: &Path, tag: &str) -> Option<String> {
    read(
        dir,
        &[
            "rev-parse",
            "-q",
            "--verify",
            &format!("refs/tags/{tag}^{{commit}}"),
        ],
    )
}
