//! A changelog section from commits, for the projects that write none by hand: the
//! conventional-commit types grouped as Keep a Changelog groups (`feat` Added, `fix` Fixed,
//! `perf`/`refactor` Changed, `revert`/`remove` Removed, `deprecate` Deprecated,
//! `security` Security), breaking changes (`feat!:`, a `BREAKING CHANGE:` footer) first
//! under Breaking, and every other subject under Changed.

use super::groups::{Group, Groups, ORDER};

/// One commit as `git log` gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    pub subject: String,
    pub body: String,
}

/// The groups of `commits` (newest first, as `git log` lists them), headed at `level`.
pub fn groups(commits: &[Commit], level: usize) -> Groups {
    let mut by_group: Vec<Vec<String>> = vec![Vec::new(); ORDER.len()];
    for c in commits {
        if let Some((group, entry)) = entry(c) {
            let at = ORDER.iter().position(|g| *g == group).unwrap_or(2);
            by_group[at].push(entry);
        }
    }
    let hashes = "#".repeat(level.clamp(1, 6));
    Groups {
        preamble: Vec::new(),
        groups: ORDER
            .iter()
            .zip(by_group)
            .filter(|(_, entries)| !entries.is_empty())
            .map(|(name, entries)| Group {
                heading: format!("{hashes} {name}"),
                entries,
            })
            .collect(),
    }
}

/// The group and list entry of one commit; `None` for a release commit, which is not a
/// change (`chore: release v1.2.0`, `chore(release): …`, a bare `0.45.1` as ast-grep
/// writes them, `Release v1.2.0`, `Bump version to 1.2.0`).
fn entry(c: &Commit) -> Option<(&'static str, String)> {
    let subject = c.subject.trim();
    let breaking_footer = c
        .body
        .lines()
        .any(|l| l.starts_with("BREAKING CHANGE:") || l.starts_with("BREAKING-CHANGE:"));
    if release_subject(subject) {
        return None;
    }
    let Some(cc) = conventional(subject) else {
        let group = if breaking_footer {
            "Breaking"
        } else {
            "Changed"
        };
        return Some((group, format!("- {subject}")));
    };
    let kind = cc.kind.to_ascii_lowercase();
    if kind == "chore"
        && (cc.scope == Some("release")
            || cc.description.to_ascii_lowercase().starts_with("release"))
    {
        return None;
    }
    let group = if cc.breaking || breaking_footer {
        "Breaking"
    } else {
        match kind.as_str() {
            "feat" | "feature" | "add" => "Added",
            "fix" | "bugfix" => "Fixed",
            "revert" | "remove" => "Removed",
            "deprecate" => "Deprecated",
            "security" | "sec" => "Security",
            _ => "Changed",
        }
    };
    let text = match cc.scope {
        Some(scope) => format!("- {scope}: {}", cc.description),
        None => format!("- {}", cc.description),
    };
    Some((group, text))
}

/// A subject that only names a version: the release commit of a project that does not
/// write conventional commits.
fn release_subject(subject: &str) -> bool {
    let lower = subject.to_ascii_lowercase();
    let rest = ["bump version to ", "release ", "version "]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .unwrap_or(&lower);
    let version = rest.trim().trim_start_matches('v');
    version.parse::<semver::Version>().is_ok()
}

struct Conventional<'s> {
    kind: &'s str,
    scope: Option<&'s str>,
    breaking: bool,
    description: &'s str,
}

/// `type(scope)!: description`, or `None` for a subject of another shape.
fn conventional(subject: &str) -> Option<Conventional<'_>> {
    let (head, description) = subject.split_once(": ")?;
    let (head, breaking) = match head.strip_suffix('!') {
        Some(h) => (h, true),
        None => (head, false),
    };
    let (kind, scope) = match head.split_once('(') {
        Some((kind, rest)) => (kind, Some(rest.strip_suffix(')')?)),
        None => (head, None),
    };
    let description = description.trim();
    (!kind.is_empty() && kind.bytes().all(|b| b.is_ascii_alphabetic()) && !description.is_empty())
        .then_some(Conventional {
            kind,
            scope,
            breaking,
            description,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(subject: &str, body: &str) -> Commit {
        Commit {
            subject: subject.into(),
            body: body.into(),
        }
    }

    #[test]
    fn grouped_as_keep_a_changelog() {
        let commits = [
            c("fix(parser): accept tabs", ""),
            c("feat: add --changelog", ""),
            c("chore: release v1.2.0", ""),
            c("perf: cache the lock", ""),
            c("Update README", ""),
            c("feat(api)!: drop the old entry point", ""),
            c(
                "refactor: split modules",
                "BREAKING CHANGE: the module moved",
            ),
            c("revert: feat: a thing", ""),
            c("security: bump openssl", ""),
            c("chore(release): 1.1.0", ""),
            c("docs: typo", ""),
        ];
        assert_eq!(
            groups(&commits, 3).render(),
            "\
### Breaking

- api: drop the old entry point
- split modules

### Added

- add --changelog

### Changed

- cache the lock
- Update README
- typo

### Removed

- feat: a thing

### Fixed

- parser: accept tabs

### Security

- bump openssl"
        );
        assert!(groups(&[c("chore: release 1.0.0", "")], 3).is_empty());
        for release in [
            "0.45.1",
            "v1.2.0",
            "Release v1.2.0",
            "Bump version to 1.2.0-rc.1",
        ] {
            assert!(groups(&[c(release, "")], 3).is_empty(), "{release}");
        }
        assert!(!groups(&[c("0.45.1 broke the parser", "")], 3).is_empty());
    }

    #[test]
    fn conventional_shapes() {
        assert!(conventional("feat(x)!: y").is_some_and(|c| c.breaking && c.scope == Some("x")));
        assert!(conventional("Fix: y").is_some_and(|c| c.kind == "Fix"));
        for s in [
            "feat:no space",
            "fe at: y",
            "feat(x: y",
            ": y",
            "feat: ",
            "plain words",
        ] {
            assert!(conventional(s).is_none(), "{s}");
        }
    }
}
