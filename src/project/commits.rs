//! The commits since the last release, read with git, for a changelog section written from
//! them (`crate::changelog::commits`).
use std::path::Path;

use crate::changelog::commits::Commit;
use crate::exec::cmd::{Cmd, Kind};

/// The commits after `since` (a tag), newest first, merges left out; every commit of the
/// history when `since` is `None` (a first release).
pub fn since(root: &Path, since: Option<&str>) -> anyhow::Result<Vec<Commit>> {
    let mut cmd = Cmd::git(Kind::Read).cwd(root).args([
        "log",
        "--no-merges",
        "--no-color",
        // Subject and body, each commit ended by a record separator.
        "--format=%s%x1f%b%x1e",
    ]);
    cmd = match since {
        Some(tag) => cmd.arg(format!("refs/tags/{tag}..HEAD")),
        None => cmd.arg("HEAD"),
    };
    let out = cmd.arg("--").read()?;
    Ok(out
        .split('\x1e')
        .filter_map(|record| {
            let (subject, body) = record.trim_start_matches('\n').split_once('\x1f')?;
            Some(Commit {
                subject: subject.to_string(),
                body: body.trim().to_string(),
            })
        })
        .collect())
}

/// The newest tag reachable from HEAD, when the current version's own tag is missing
/// (the tags use another prefix, or the version was set by hand).
pub fn last_tag(root: &Path) -> Option<String> {
    Cmd::git(Kind::Read)
        .cwd(root)
        .args(["describe", "--tags", "--abbrev=0", "HEAD"])
        .read()
        .ok()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
}
