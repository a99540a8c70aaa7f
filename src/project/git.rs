//! Read-only git queries. Mutating git commands are planned as `Cmd`s instead.
use std::path::{Path, PathBuf};

use crate::exec::cmd::{Cmd, Kind};

#[derive(Debug, Clone, Default)]
pub struct GitState {
    /// Files with uncommitted changes (modified, staged, or untracked), absolute.
    pub dirty: Vec<PathBuf>,
}

/// The state of the repository holding `dir`, or `None` outside a git repository;
/// `early` as in [`inspect`].
pub fn state(early: Option<Status>, dir: &Path) -> anyhow::Result<Option<GitState>> {
    Ok(inspect(early, dir)?.map(|(state, _)| state))
}

/// What `verify` needs to know of the repository.
#[derive(Debug, Clone, Default)]
pub struct Head {
    pub commit: Option<String>,
    pub branch: Option<String>,
    /// Commits on the upstream that HEAD does not have (no fetch is made).
    pub behind: Option<u64>,
}

/// The output of `git status` in one repository, before it is narrowed to a project.
pub struct Status {
    /// The repository's top folder, symlinks resolved.
    top: PathBuf,
    out: String,
}

/// The top of the repository holding `dir`: where `.git` is (a folder, or a file in
/// worktrees and submodules), found on disk rather than by one more process.
pub fn top_of(dir: &Path) -> Option<PathBuf> {
    let top = dir.ancestors().find(|d| d.join(".git").exists())?;
    Some(top.canonicalize().unwrap_or_else(|_| top.to_path_buf()))
}

/// `git status` of the repository holding `dir`, or `None` outside one. Run from any
/// folder of the repository it says the same, so it can start before the project's
/// root is known (see `Project::load_beside`).
pub fn status(dir: &Path) -> Option<Status> {
    let top = top_of(dir)?;
    let out = Cmd::git(Kind::Read)
        .args([
            "status",
            "--porcelain=v2",
            "--branch",
            "-z",
            "--untracked-files=all",
        ])
        .cwd(dir)
        .read()
        .ok()?;
    Some(Status { top, out })
}

/// Dirty files, HEAD, branch and how far behind its upstream, from one `git status`
/// (porcelain v2 with `--branch` carries all of it): `verify` runs in pre-commit hooks,
/// where every process counts. `early` is a status taken before `dir` was known; it is
/// used when it is of the same repository.
pub fn inspect(early: Option<Status>, dir: &Path) -> anyhow::Result<Option<(GitState, Head)>> {
    if let Some(scoped) = early.and_then(|s| s.scope(dir)) {
        return Ok(Some(scoped));
    }
    Ok(status(dir).and_then(|s| s.scope(dir)))
}

impl Status {
    /// What this status says of `dir`, if `dir` is in the same repository.
    fn scope(&self, dir: &Path) -> Option<(GitState, Head)> {
        if top_of(dir)? != self.top {
            return None;
        }
        // Only the project's own files count: in a monorepo, work elsewhere is not
        // part of this release. Porcelain paths are relative to the top.
        let here = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        let mut dirty = Vec::new();
        let mut head = Head::default();
        let mut entries = self.out.split('\0').filter(|e| !e.is_empty());
        while let Some(entry) = entries.next() {
            let path = match entry.split_once(' ') {
                Some(("#", header)) => {
                    read_header(header, &mut head);
                    continue;
                }
                // Ordinary and unmerged changes: the path follows 8 and 10 fields.
                Some(("1", rest)) => rest.splitn(8, ' ').nth(7),
                Some(("u", rest)) => rest.splitn(10, ' ').nth(9),
                // A rename or copy: 9 fields, and the old name as the next entry.
                Some(("2", rest)) => {
                    entries.next();
                    rest.splitn(9, ' ').nth(8)
                }
                Some(("?", path)) => Some(path),
                _ => None,
            };
            let Some(path) = path else { continue };
            let path = self.top.join(path);
            if path.starts_with(&here) {
                dirty.push(dir.join(path.strip_prefix(&here).unwrap_or(&path)));
            }
        }
        Some((GitState { dirty }, head))
    }
}

fn read_header(header: &str, head: &mut Head) {
    let value = |v: &str| (!v.starts_with('(')).then(|| v.to_string());
    match header.split_once(' ') {
        Some(("branch.oid", oid)) => head.commit = value(oid),
        Some(("branch.head", branch)) => head.branch = value(branch),
        Some(("branch.ab", ab)) => {
            head.behind = ab
                .split(' ')
                .find_map(|n| n.strip_prefix('-'))
                .and_then(|n| n.parse().ok());
        }
        _ => {}
    }
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

/// The remote tags go to: the only one, or `origin` among several.
pub fn remote(dir: &Path) -> Option<String> {
    let out = read(dir, &["remote"])?;
    let remotes: Vec<&str> = out
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    match remotes.as_slice() {
        [one] => Some((*one).to_string()),
        many => many.contains(&"origin").then(|| "origin".to_string()),
    }
}
