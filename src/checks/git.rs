//! The tag names this version, and git is in a state to release from.
use super::{Context, FindingId, Findings};
use crate::project::Project;

pub fn check(project: &Project, ctx: &Context, f: &mut Findings<'_>) {
    let expected = project.tag();
    // Found here, not by `git tag` after every upload.
    let valid = crate::exec::cmd::Cmd::git(crate::exec::cmd::Kind::Read)
        .args(["check-ref-format", &format!("refs/tags/{expected}")])
        .read()
        .is_ok();
    if !valid {
        let at = project.config.file.as_deref().map(|file| (file, None));
        f.error(
            FindingId::TagInvalid,
            at,
            format!(
                "`{expected}` cannot be a git tag (`git check-ref-format` refuses it): tag prefix `{}`",
                project.config.tag_prefix
            ),
            "set a `tag-prefix` without spaces, `..`, `~`, `^`, `:`, `?`, `*`, `[` or `\\` (the default is `v`)",
        );
    }
    if let Some(tag) = &ctx.tag
        && *tag != expected
    {
        f.error(
            FindingId::TagMismatch,
            None,
            format!("the tag `{tag}` does not match the version: expected `{expected}`"),
            format!(
                "tag the release commit `{expected}` (tag prefix `{}`, from `tag-prefix`), or bump to the version the tag names",
                project.config.tag_prefix
            ),
        );
    }
    let Some((state, head)) = &ctx.git else {
        return;
    };
    if let (Some(commit), Some(head_commit)) = (
        crate::project::git::tag_commit(&project.root, &expected),
        &head.commit,
    ) && commit != *head_commit
    {
        f.error(
            FindingId::TagExists,
            None,
            format!("the tag `{expected}` already exists on another commit ({})", &commit[..commit.len().min(12)]),
            "this version was tagged before: bump to a new version, or delete the stale tag with `git tag -d`",
        );
    }
    if !state.dirty.is_empty() {
        let files: Vec<String> = state
            .dirty
            .iter()
            .take(10)
            .map(|p| format!("`{}`", project.rel(p)))
            .collect();
        f.error(
            FindingId::GitDirty,
            None,
            format!("uncommitted changes: {}", files.join(", ")),
            "commit or stash them: a release is built from a commit",
        );
    }
    let allowed = &project.config.allow_branch;
    if ctx.tag.is_none() && !allowed.is_empty() {
        let branch = head.branch.as_deref().unwrap_or("(detached HEAD)");
        if !allowed.iter().any(|pattern| glob_match(pattern, branch)) {
            f.error(
                FindingId::GitBranch,
                None,
                format!(
                    "releases are made from {}, not from `{branch}`",
                    allowed.join(", ")
                ),
                "switch branch, or add it to `allow-branch`",
            );
        }
    }
    if let Some(behind) = head.behind.filter(|&n| n > 0) {
        f.error(
            FindingId::GitBehind,
            None,
            format!("HEAD is {behind} commit(s) behind its upstream"),
            "run `git pull --rebase` first",
        );
    }
}

/// `*` matches any run of characters; everything else is literal.
fn glob_match(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, rest)) => {
            text.starts_with(head)
                && (0..=text.len() - head.len())
                    .filter(|&i| text.is_char_boundary(head.len() + i))
                    .any(|i| glob_match(rest, &text[head.len() + i..]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        assert!(glob_match("main", "main"));
        assert!(glob_match("release/*", "release/1.2"));
        assert!(glob_match("*", "anything"));
        assert!(!glob_match("release/*", "main"));
        assert!(glob_match("a*b*c", "aXXbYYc"));
    }
}
