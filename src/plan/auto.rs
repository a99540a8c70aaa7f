//! The level rules of Cargo's semver, and `bump auto`'s choice: what a change needs, what
//! a step between two versions allows, and the level that makes room for every change.
//! Below 1.0 the minor is the breaking digit (`^0.3` accepts 0.3.x only), and 0.0.x
//! releases are all breaking (`^0.0.3` accepts 0.0.3 only).
use semver::Version;
use serde::Serialize;

pub use crate::version::Change;
use crate::version::Level;

/// What a release from `from` to `to` may contain.
pub fn allowed(from: &Version, to: &Version) -> Change {
    let breaking =
        to.major != from.major || (to.major == 0 && (to.minor != from.minor || to.minor == 0));
    if breaking {
        Change::Breaking
    } else if to.major == 0 || to.minor != from.minor {
        Change::Feature
    } else {
        Change::Fix
    }
}

/// The bump level from `from` that allows `change`.
pub fn needed(from: &Version, change: Change) -> Level {
    match change {
        Change::Breaking if from.major > 0 => Level::Major,
        Change::Breaking if from.minor > 0 => Level::Minor,
        Change::Feature if from.major > 0 => Level::Minor,
        _ => Level::Patch,
    }
}

/// The level needed, for messages: "minor (below 1.0 a breaking change moves the minor)".
pub fn explain(from: &Version, change: Change) -> String {
    let level = needed(from, change).as_str();
    match change {
        _ if from.major > 0 => level.to_string(),
        Change::Breaking if from.minor > 0 => {
            format!("{level} (below 1.0 a breaking change moves the minor)")
        }
        Change::Breaking => format!("{level} (every 0.0.x release may break)"),
        Change::Feature => format!("{level} (below 1.0 an addition moves the patch)"),
        Change::Fix => level.to_string(),
    }
}

/// A conventional commit's weight: `type!:` or a `BREAKING CHANGE:` footer is breaking,
/// `feat` an addition, anything else a fix.
pub fn classify(subject: &str, body: &str) -> Change {
    let head = subject.split_once(':').map(|(head, _)| head.trim());
    let breaking_footer = body
        .lines()
        .any(|l| l.starts_with("BREAKING CHANGE:") || l.starts_with("BREAKING-CHANGE:"));
    match head {
        _ if breaking_footer => Change::Breaking,
        Some(head) if head.ends_with('!') && is_type(head.trim_end_matches('!')) => {
            Change::Breaking
        }
        Some(head) if commit_type(head) == Some("feat") => Change::Feature,
        _ => Change::Fix,
    }
}

/// `feat(parser)` -> `feat`; `None` when the head is not a conventional type.
fn commit_type(head: &str) -> Option<&str> {
    let kind = head.split_once('(').map_or(head, |(kind, _)| kind);
    is_type(head).then_some(kind)
}

fn is_type(head: &str) -> bool {
    let (kind, scope) = match head.split_once('(') {
        Some((kind, rest)) => (kind, Some(rest)),
        None => (head, None),
    };
    !kind.is_empty()
        && kind.bytes().all(|b| b.is_ascii_alphabetic())
        && scope.is_none_or(|s| s.ends_with(')') && !s.contains(' '))
}

/// One reason for a level: what was seen and what it needs.
#[derive(Debug, Clone, Serialize)]
pub struct Reason {
    pub change: Change,
    pub why: String,
}

/// The level from `current` that allows every reason (a fix when there is none), and the
/// reasons that decided it.
pub fn pick<'a>(current: &Version, reasons: &'a [Reason]) -> (Level, Vec<&'a Reason>) {
    let top = reasons
        .iter()
        .map(|r| r.change)
        .max()
        .unwrap_or(Change::Fix);
    let deciding = reasons.iter().filter(|r| r.change == top).collect();
    (needed(current, top), deciding)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        s.parse().unwrap()
    }

    #[test]
    fn steps_allow_by_cargos_rules() {
        assert_eq!(allowed(&v("1.2.3"), &v("2.0.0")), Change::Breaking);
        assert_eq!(allowed(&v("1.2.3"), &v("1.3.0")), Change::Feature);
        assert_eq!(allowed(&v("1.2.3"), &v("1.2.4")), Change::Fix);
        assert_eq!(allowed(&v("0.3.1"), &v("0.4.0")), Change::Breaking);
        assert_eq!(allowed(&v("0.3.1"), &v("0.3.2")), Change::Feature);
        assert_eq!(allowed(&v("0.0.3"), &v("0.0.4")), Change::Breaking);
    }

    #[test]
    fn levels_follow_the_zero_rule() {
        assert_eq!(needed(&v("1.2.3"), Change::Breaking), Level::Major);
        assert_eq!(needed(&v("0.3.1"), Change::Breaking), Level::Minor);
        assert_eq!(needed(&v("0.3.1"), Change::Feature), Level::Patch);
        assert_eq!(needed(&v("1.2.3"), Change::Feature), Level::Minor);
        assert_eq!(
            explain(&v("0.3.1"), Change::Breaking),
            "minor (below 1.0 a breaking change moves the minor)"
        );
        assert_eq!(explain(&v("1.3.1"), Change::Breaking), "major");
    }

    #[test]
    fn conventional_commits_are_weighed() {
        assert_eq!(classify("feat: add x", ""), Change::Feature);
        assert_eq!(classify("feat(api): add x", ""), Change::Feature);
        assert_eq!(classify("feat!: drop x", ""), Change::Breaking);
        assert_eq!(classify("refactor(core)!: drop x", ""), Change::Breaking);
        assert_eq!(
            classify("fix: y", "details\n\nBREAKING CHANGE: z is gone"),
            Change::Breaking
        );
        assert_eq!(classify("fix: y", ""), Change::Fix);
        assert_eq!(classify("Update README", ""), Change::Fix);
        assert_eq!(classify("feat stuff: no", ""), Change::Fix);
    }

    #[test]
    fn the_largest_reason_decides() {
        let reasons = [
            Reason {
                change: Change::Feature,
                why: "feat".into(),
            },
            Reason {
                change: Change::Breaking,
                why: "removed".into(),
            },
        ];
        let (level, why) = pick(&v("0.3.1"), &reasons);
        assert_eq!(level, Level::Minor);
        assert_eq!(why.len(), 1);
        assert_eq!(pick(&v("1.0.0"), &[]).0, Level::Patch);
    }
}
