//! The commits since the last release tag, for `bump auto`'s conventional-commit reading.
use std::path::Path;

use crate::exec::cmd::{Cmd, Kind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub short: String,
    pub subject: String,
    pub body: String,
}

/// The newest tag reachable from HEAD that starts with `prefix`, if any.
pub fn last_tag(root: &Path, prefix: &str) -> Option<String> {
    Cmd::git(Kind::Read)
        .args(["describe", "--tags", "--abbrev=0", "--match"])
        .arg(format!("{prefix}*"))
        .cwd(root)
        .read()
        .ok()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
}

/// The commits after `tag` (all of them without one), newest first.
pub fn since(root: &Path, tag: Option<&str>) -> anyhow::Result<Vec<Commit>> {
    let range = tag.map_or_else(|| "HEAD".to_string(), |t| format!("{t}..HEAD"));
    // Fields split by NUL, records by the ASCII record separator: neither occurs in messages.
    let out = Cmd::git(Kind::Read)
        .args(["log", "--format=%h%x00%s%x00%b%x1e", &range])
        .cwd(root)
        .read()?;
    Ok(parse_log(&out))
}

fn parse_log(out: &str) -> Vec<Commit> {
    out.split('\x1e')
        .filter_map(|record| {
            let mut fields = record.trim_start_matches('\n').splitn(3, '\0');
            let short = fields.next().filter(|s| !s.is_empty())?.to_string();
            Some(Commit {
                short,
                subject: fields.next().unwrap_or_default().to_string(),
                body: fields.next().unwrap_or_default().trim().to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn log_records_split() {
        let log =
            "abc1234\0feat: add x\0\x1e\ndef5678\0fix: y\0line one\n\nBREAKING CHANGE: z\n\x1e\n";
        let commits = super::parse_log(log);
        assert_eq!(commits.len(), 2);
        assert_eq!(commits[0].subject, "feat: add x");
        assert_eq!(commits[1].body, "line one\n\nBREAKING CHANGE: z");
    }
}
