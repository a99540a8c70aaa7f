//! Ordering: a new version must sort above the old one in semver and in PEP 440; where the
//! two orders disagree, the refusal says why and which bumps would work.

use std::cmp::Ordering;

use super::bump::{cmd, propose};
use super::pep440::maturin_parse;
use super::{Level, PreKind, Target, VersionError, is_prerelease, pre_kind, release_of, to_pep440};

pub(super) enum Refusal {
    Invalid(VersionError),
    Same,
    SamePython(pep440_rs::Version),
    Lower,
    Disagree {
        semver_up: bool,
        new_pep: pep440_rs::Version,
        old_pep: pep440_rs::Version,
    },
}

pub(super) fn check_order(
    old: &semver::Version,
    new: &semver::Version,
    allow_lower: bool,
) -> Result<(), Refusal> {
    // Build metadata does not count: `1.2.0+abc` and `1.2.0` are one crates.io version.
    let semver_ord = new.cmp_precedence(old);
    if semver_ord == Ordering::Equal {
        return Err(Refusal::Same);
    }
    let new_pep = to_pep440(new).map_err(Refusal::Invalid)?;
    // An old version maturin could not read was never on PyPI, so there is nothing to sort
    // against there. One it reads oddly (a post-release) is compared as maturin read it.
    let Ok(old_pep) = maturin_parse(old) else {
        return if allow_lower || semver_ord == Ordering::Greater {
            Ok(())
        } else {
            Err(Refusal::Lower)
        };
    };
    let pep_ord = new_pep.cmp(&old_pep);
    if pep_ord == Ordering::Equal {
        return Err(Refusal::SamePython(new_pep));
    }
    if allow_lower {
        return Ok(());
    }
    match (
        semver_ord == Ordering::Greater,
        pep_ord == Ordering::Greater,
    ) {
        (true, true) => Ok(()),
        (false, false) => Err(Refusal::Lower),
        (semver_up, _) => Err(Refusal::Disagree {
            semver_up,
            new_pep,
            old_pep,
        }),
    }
}

/// Bumps that would work from `old`, most relevant first, as help text.
fn alternatives(old: &semver::Version, failed: &semver::Version, want: Option<PreKind>) -> String {
    let mut tries: Vec<(Target, Option<PreKind>)> = Vec::new();
    if let Some(kind) = want {
        tries.push((Target::Level(Level::Patch), Some(kind)));
    }
    if let Some((kind, _)) = pre_kind(old) {
        tries.push((Target::Level(kind_level(kind)), None));
    }
    if is_prerelease(old) {
        tries.push((Target::Level(Level::Release), None));
    }
    tries.push((Target::Level(Level::Patch), None));
    // Finishing a pre-release can land on a version PyPI already sorts higher (`1.2.0-1` is
    // 1.2.0.post1 there); the next patch is then the smallest way forward.
    if let Some(patch) = old.patch.checked_add(1) {
        let next = semver::Version::new(old.major, old.minor, patch);
        tries.push((Target::Exact(next), None));
    }
    tries.push((Target::Level(Level::Minor), None));
    tries.push((Target::Level(Level::Major), None));

    let mut found: Vec<(String, semver::Version)> = Vec::new();
    for (target, pre) in tries {
        let Ok(new) = propose(old, &target, pre) else {
            continue;
        };
        if &new == failed
            || found.iter().any(|(_, v)| *v == new)
            || check_order(old, &new, false).is_err()
        {
            continue;
        }
        found.push((cmd(&target, pre), new));
        if found.len() == 2 {
            break;
        }
    }
    let options: Vec<String> = found
        .iter()
        .map(|(c, v)| format!("{c} gives `{v}`"))
        .collect();
    if options.is_empty() {
        "give a higher version explicitly".to_string()
    } else {
        format!("instead, {}", options.join(", or "))
    }
}

fn kind_level(kind: PreKind) -> Level {
    match kind {
        PreKind::Alpha => Level::Alpha,
        PreKind::Beta => Level::Beta,
        PreKind::Rc => Level::Rc,
        PreKind::Dev => Level::Dev,
    }
}

/// Why semver and PEP 440 sort a pair differently, when there is a known cause.
fn disagreement_cause(
    old: &semver::Version,
    new: &semver::Version,
    old_pep: &pep440_rs::Version,
    new_pep: &pep440_rs::Version,
) -> String {
    let has_dev = old_pep.dev().is_some() || new_pep.dev().is_some();
    let has_pre = old_pep.pre().is_some() || new_pep.pre().is_some();
    if old_pep.post().is_some() {
        return format!(
            ": for Python `{old}` is the post-release `{old_pep}`, above `{}`",
            release_of(old)
        );
    }
    if has_dev && has_pre {
        return ": semver compares pre-release labels as text (`alpha` < `beta` < `dev` < `rc`), \
                while PEP 440 puts dev releases before alphas"
            .to_string();
    }
    let glued = old
        .pre
        .as_str()
        .split('.')
        .chain(new.pre.as_str().split('.'))
        .find(|i| i.chars().any(|c| c.is_ascii_digit()) && i.chars().any(|c| !c.is_ascii_digit()));
    match glued {
        Some(ident) => {
            format!(": semver compares `{ident}` as text, not as a word followed by a number")
        }
        None if has_dev => {
            ": PEP 440 puts dev releases before the release and all its pre-releases".to_string()
        }
        None => String::new(),
    }
}

pub(super) fn explain(
    old: &semver::Version,
    new: &semver::Version,
    target: &Target,
    pre: Option<PreKind>,
    refusal: Refusal,
) -> VersionError {
    let exact = matches!(target, Target::Exact(_));
    let want = pre.or(match target {
        Target::Level(level) => level.pre_kind(),
        Target::Exact(v) => pre_kind(v).map(|(kind, _)| kind),
    });
    let downgrade = if exact {
        ", or pass `--allow-downgrade` to set it anyway"
    } else {
        ""
    };
    match refusal {
        Refusal::Invalid(err) => err,
        Refusal::Same => {
            VersionError::new(format!("already at `{old}`")).with_help(alternatives(old, new, want))
        }
        Refusal::SamePython(pep) => VersionError::new(format!(
            "`{new}` and `{old}` are the same Python version, `{pep}`, so PyPI would see the \
             same version twice"
        ))
        .with_help(alternatives(old, new, want)),
        Refusal::Lower if exact => VersionError::new(format!("`{new}` is lower than `{old}`"))
            .with_help(format!("{}{downgrade}", alternatives(old, new, want))),
        Refusal::Lower => VersionError::new(format!(
            "{} would go backwards, from `{old}` to `{new}`",
            cmd(target, pre)
        ))
        .with_help(alternatives(old, new, want)),
        Refusal::Disagree {
            semver_up,
            new_pep,
            old_pep,
        } => {
            let (sem, py, sign) = if semver_up {
                ("above", "below", '<')
            } else {
                ("below", "above", '>')
            };
            let cause = disagreement_cause(old, new, &old_pep, &new_pep);
            VersionError::new(format!(
                "`{new}` sorts {sem} `{old}` in semver but {py} it in PEP 440 \
                 (`{new_pep}` {sign} `{old_pep}`), so Cargo and PyPI would disagree on which is \
                 newer{cause}"
            ))
            .with_help(format!("{}{downgrade}", alternatives(old, new, want)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::bump;
    use crate::version::testutil::*;

    #[test]
    fn bump_pre_kind_backwards() {
        let e = bump_err("1.3.0-beta.1", lvl(Level::Alpha), None);
        assert_has(
            &e,
            &[
                "`cargo pyrelease bump alpha` would go backwards",
                "`1.3.0-beta.1`",
                "`1.3.0-alpha.1`",
            ],
            &[
                "`cargo pyrelease bump patch --pre alpha` gives `1.3.1-alpha.1`",
                "`cargo pyrelease bump beta` gives `1.3.0-beta.2`",
            ],
        );
        let e = bump_err("1.3.0-rc.1", lvl(Level::Beta), None);
        assert_has(&e, &["backwards"], &["`1.3.1-beta.1`"]);
        let e = bump_err("1.3.0-rc.1", lvl(Level::Dev), None);
        assert_has(&e, &["backwards", "`1.3.0-dev.1`"], &["`1.3.1-dev.1`"]);
    }

    #[test]
    fn bump_dev_after_alpha_disagrees() {
        let e = bump_err("1.3.0-alpha.1", lvl(Level::Dev), None);
        assert_has(
            &e,
            &[
                "`1.3.0-dev.1` sorts above `1.3.0-alpha.1` in semver but below it in PEP 440",
                "`1.3.0.dev1` < `1.3.0a1`",
                "disagree",
                "dev releases before alphas",
            ],
            &[
                "`cargo pyrelease bump patch --pre dev` gives `1.3.1-dev.1`",
                "`cargo pyrelease bump alpha` gives `1.3.0-alpha.2`",
            ],
        );
        let e = bump_err("1.3.0-beta.2", lvl(Level::Dev), None);
        assert_has(&e, &["disagree"], &["`1.3.1-dev.1`"]);
    }

    #[test]
    fn bump_alpha_after_dev_disagrees() {
        let e = bump_err("1.3.0-dev.2", lvl(Level::Alpha), None);
        assert_has(
            &e,
            &[
                "`1.3.0-alpha.1` sorts below `1.3.0-dev.2` in semver but above it in PEP 440",
                "`1.3.0a1` > `1.3.0.dev2`",
                "disagree",
            ],
            &["`1.3.1-alpha.1`"],
        );
        let e = bump_err("1.3.0-dev.2", lvl(Level::Beta), None);
        assert_has(&e, &["disagree"], &[]);
    }

    #[test]
    fn bump_glued_spelling_disagrees() {
        // `rc10` < `rc9` in semver (text), but rc10 > rc9 in PEP 440.
        let e = bump_err("1.3.0-rc9", lvl(Level::Rc), None);
        assert_has(
            &e,
            &["`1.3.0-rc10`", "disagree", "`rc9` as text"],
            &["`cargo pyrelease bump release` gives `1.3.0`"],
        );
        let e = bump_err("1.3.0-alpha9", lvl(Level::Alpha), None);
        assert_has(&e, &["`alpha9` as text"], &[]);
    }

    #[test]
    fn bump_from_post_release_spelling() {
        // `1.2.0-1` was published to PyPI as 1.2.0.post1, so 1.2.0 would sort below it there.
        let e = bump_err("1.2.0-1", lvl(Level::Release), None);
        assert_has(
            &e,
            &["disagree", "post-release `1.2.0.post1`"],
            &["`cargo pyrelease bump 1.2.1` gives `1.2.1`"],
        );
        let e = bump_err("1.2.0-1", lvl(Level::Minor), None);
        assert_has(&e, &["disagree"], &[]);
        assert_eq!(bumped("1.2.0-1", Level::Major), "2.0.0");
    }

    #[test]
    fn bump_exact_same_python_version() {
        let e = bump(
            &sv("1.2.0-a.1"),
            &Target::Exact(sv("1.2.0-alpha.1")),
            None,
            true,
        )
        .unwrap_err();
        assert_has(&e, &["same Python version", "`1.2.0a1`"], &[]);
    }

    #[test]
    fn bump_old_unreadable_by_maturin() {
        // Never on PyPI, so only semver order applies.
        assert_eq!(bumped("1.2.0-nightly.1", Level::Patch), "1.2.0");
        assert_eq!(
            bump(&sv("1.2.0-foo"), &Target::Exact(sv("1.2.0")), None, false).unwrap(),
            sv("1.2.0")
        );
        let e = bump(&sv("1.2.0-foo"), &Target::Exact(sv("1.1.0")), None, false).unwrap_err();
        assert_has(&e, &["lower"], &["--allow-downgrade"]);
    }
}
