//! The bump rules: npm semantics for levels, pre-release series, exact targets.

use super::order::{check_order, explain};
use super::{Level, PreKind, Target, VersionError, pre_kind, with_pre};

/// The new version for `cargo pyrelease bump TARGET [--pre KIND]`.
///
/// npm semantics: a pre-release is finished by the level it belongs to, `--pre` starts a
/// pre-release of the next major/minor/patch. The result never carries build metadata, and it
/// must sort above `old` in both semver and PEP 440 order; only an exact target with
/// `allow_downgrade` may go down, and never to a version that is equal in either order.
pub fn bump(
    old: &semver::Version,
    target: &Target,
    pre: Option<PreKind>,
    allow_downgrade: bool,
) -> Result<semver::Version, VersionError> {
    let new = propose(old, target, pre)?;
    let exact = matches!(target, Target::Exact(_));
    match check_order(old, &new, exact && allow_downgrade) {
        Ok(()) => Ok(new),
        Err(refusal) => Err(explain(old, &new, target, pre, refusal)),
    }
}

// ---------------------------------------------------------------------------------------------

fn inc(n: u64, old: &semver::Version, what: &str) -> Result<u64, VersionError> {
    n.checked_add(1).ok_or_else(|| {
        VersionError::new(format!(
            "`{old}` has no next {what}: it is already the largest number"
        ))
        .with_help("give the new version explicitly")
    })
}

pub(super) fn cmd(target: &Target, pre: Option<PreKind>) -> String {
    match pre {
        Some(kind) => format!("`cargo pyrelease bump {target} --pre {kind}`"),
        None => format!("`cargo pyrelease bump {target}`"),
    }
}

pub(super) fn propose(
    old: &semver::Version,
    target: &Target,
    pre: Option<PreKind>,
) -> Result<semver::Version, VersionError> {
    let (major, minor, patch) = (old.major, old.minor, old.patch);
    let v = semver::Version::new;
    let level = match (target, pre) {
        (Target::Exact(new), None) => return Ok(new.clone()),
        (Target::Level(level), _) => *level,
        (Target::Exact(_), Some(kind)) => return Err(pre_misuse(target, kind)),
    };
    if let Some(kind) = pre {
        // `--pre` always moves to the next major/minor/patch (npm premajor/preminor/prepatch):
        // continuing the current pre-release series is what the kind levels are for.
        let base = match level {
            Level::Major => v(inc(major, old, "major version")?, 0, 0),
            Level::Minor => v(major, inc(minor, old, "minor version")?, 0),
            Level::Patch => v(major, minor, inc(patch, old, "patch version")?),
            _ => return Err(pre_misuse(target, kind)),
        };
        return Ok(with_pre(base, kind, 1));
    }
    let is_pre = !old.pre.is_empty();
    Ok(match level {
        Level::Major if is_pre && minor == 0 && patch == 0 => v(major, 0, 0),
        Level::Major => v(inc(major, old, "major version")?, 0, 0),
        Level::Minor if is_pre && patch == 0 => v(major, minor, 0),
        Level::Minor => v(major, inc(minor, old, "minor version")?, 0),
        Level::Patch if is_pre => v(major, minor, patch),
        Level::Patch => v(major, minor, inc(patch, old, "patch version")?),
        Level::Release if is_pre => v(major, minor, patch),
        Level::Release => {
            let t = |l| cmd(&Target::Level(l), None);
            return Err(
                VersionError::new(format!("`{old}` is already a release")).with_help(format!(
                    "for the next release use {} (`{}`), {} (`{}`) or {} (`{}`)",
                    t(Level::Patch),
                    v(major, minor, patch.saturating_add(1)),
                    t(Level::Minor),
                    v(major, minor.saturating_add(1), 0),
                    t(Level::Major),
                    v(major.saturating_add(1), 0, 0),
                )),
            );
        }
        Level::Alpha | Level::Beta | Level::Rc | Level::Dev => {
            let kind = level.pre_kind().expect("pre-release levels have a kind");
            if !is_pre {
                return Ok(with_pre(
                    v(major, minor, inc(patch, old, "patch version")?),
                    kind,
                    1,
                ));
            }
            let n = match pre_kind(old) {
                Some((k, n)) if k == kind => inc(n, old, &format!("{kind} number"))?,
                // Another kind (or an unusual suffix) starts a new series on the same release;
                // whether that goes forward in both orders is checked afterwards.
                _ => 1,
            };
            // A series spelled without the dot (`-rc1`, as some projects tag) goes on in its
            // own spelling: `-rc.2` would sort below `-rc1` in semver, which compares the
            // identifiers `rc1` and `rc` as text. The glued form sorts right up to `rc9`, and
            // the order check below explains the way on from there.
            let glued = pre_kind(old)
                .is_some_and(|(k, n)| k == kind && old.pre.as_str() == format!("{kind}{n}"));
            if glued {
                let pre = semver::Prerelease::new(&format!("{kind}{n}"))
                    .expect("`<word><number>` is a valid semver pre-release");
                return Ok(semver::Version {
                    pre,
                    ..v(major, minor, patch)
                });
            }
            with_pre(v(major, minor, patch), kind, n)
        }
    })
}

fn pre_misuse(target: &Target, kind: PreKind) -> VersionError {
    let help = match target {
        Target::Level(level) if level.pre_kind().is_some() => format!(
            "{} already makes a pre-release; to start `{kind}` pre-releases of the next version \
             use `cargo pyrelease bump patch --pre {kind}` (or `minor`, `major`)",
            cmd(target, None)
        ),
        Target::Exact(v) => format!(
            "write the pre-release into the version, or drop `--pre`: {}",
            cmd(&Target::Exact(v.clone()), None)
        ),
        Target::Level(_) => format!(
            "use `cargo pyrelease bump patch --pre {kind}` (or `minor`, `major`), or drop `--pre`"
        ),
    };
    VersionError::new(format!(
        "`--pre` only goes with major, minor or patch, not `{target}`"
    ))
    .with_help(help)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::testutil::*;

    #[test]
    fn a_series_spelled_without_the_dot_goes_on_in_its_spelling() {
        assert_eq!(bumped("0.3.0-rc1", Level::Rc), "0.3.0-rc2");
        assert_eq!(bumped("1.0.0-beta3", Level::Beta), "1.0.0-beta4");
        // Another kind starts the dotted series, which sorts right in both orders.
        assert_eq!(bumped("0.3.0-beta2", Level::Rc), "0.3.0-rc.1");
    }

    #[test]
    fn bump_release_levels() {
        assert_eq!(bumped("1.2.3", Level::Major), "2.0.0");
        assert_eq!(bumped("1.2.3", Level::Minor), "1.3.0");
        assert_eq!(bumped("1.2.3", Level::Patch), "1.2.4");
        assert_eq!(bumped("0.0.0", Level::Patch), "0.0.1");
        assert_eq!(bumped("1.2.3+abc", Level::Patch), "1.2.4");
    }

    #[test]
    fn bump_finishes_pre_release_at_its_level() {
        assert_eq!(bumped("1.3.0-rc.1", Level::Minor), "1.3.0");
        assert_eq!(bumped("2.0.0-rc.1", Level::Major), "2.0.0");
        assert_eq!(bumped("1.3.0-rc.1", Level::Patch), "1.3.0");
        assert_eq!(bumped("1.2.4-rc.1", Level::Minor), "1.3.0");
        assert_eq!(bumped("1.3.0-rc.1", Level::Major), "2.0.0");
        assert_eq!(bumped("1.2.4-rc.1", Level::Major), "2.0.0");
        assert_eq!(bumped("1.2.4-rc.1", Level::Patch), "1.2.4");
        assert_eq!(bumped("2.0.0-dev.1", Level::Major), "2.0.0");
        assert_eq!(bumped("1.2.4-alpha.1+abc", Level::Patch), "1.2.4");
    }

    #[test]
    fn bump_pre_kinds() {
        assert_eq!(bumped("1.2.3", Level::Rc), "1.2.4-rc.1");
        assert_eq!(bumped("1.2.3", Level::Alpha), "1.2.4-alpha.1");
        assert_eq!(bumped("1.2.3", Level::Beta), "1.2.4-beta.1");
        assert_eq!(bumped("1.3.0-rc.1", Level::Rc), "1.3.0-rc.2");
        assert_eq!(bumped("1.3.0-alpha.2", Level::Beta), "1.3.0-beta.1");
        assert_eq!(bumped("1.3.0-alpha.2", Level::Rc), "1.3.0-rc.1");
        assert_eq!(bumped("1.3.0-beta.1", Level::Rc), "1.3.0-rc.1");
        assert_eq!(bumped("1.3.0-alpha.9", Level::Alpha), "1.3.0-alpha.10");
        // Non-canonical old spellings continue in the canonical one when both orders allow it.
        assert_eq!(bumped("1.3.0-a.1", Level::Alpha), "1.3.0-alpha.2");
        assert_eq!(bumped("1.3.0-alpha", Level::Alpha), "1.3.0-alpha.1");
        assert_eq!(bumped("1.3.0-nightly.1", Level::Rc), "1.3.0-rc.1");
        assert_eq!(bumped("1.3.0-alpha.1.dev.2", Level::Beta), "1.3.0-beta.1");
    }

    #[test]
    fn bump_dev() {
        assert_eq!(bumped("1.2.3", Level::Dev), "1.2.4-dev.1");
        assert_eq!(bumped("1.2.4-dev.1", Level::Dev), "1.2.4-dev.2");
        assert_eq!(bumped("1.2.4-dev", Level::Dev), "1.2.4-dev.1");
        assert_eq!(bumped("1.2.4-dev.1", Level::Rc), "1.2.4-rc.1");
        assert_eq!(bumped("1.2.4-dev.1", Level::Release), "1.2.4");
    }

    #[test]
    fn bump_with_pre_flag() {
        let b = |old: &str, level, kind| {
            bump(&sv(old), &lvl(level), Some(kind), false)
                .unwrap()
                .to_string()
        };
        assert_eq!(b("1.2.3", Level::Minor, PreKind::Rc), "1.3.0-rc.1");
        assert_eq!(b("1.2.3", Level::Major, PreKind::Alpha), "2.0.0-alpha.1");
        assert_eq!(b("1.2.3", Level::Patch, PreKind::Beta), "1.2.4-beta.1");
        assert_eq!(b("1.2.3", Level::Patch, PreKind::Dev), "1.2.4-dev.1");
        assert_eq!(
            b("1.3.0-rc.1", Level::Minor, PreKind::Alpha),
            "1.4.0-alpha.1"
        );
        assert_eq!(b("1.3.0-rc.1", Level::Patch, PreKind::Dev), "1.3.1-dev.1");
        for level in [
            Level::Alpha,
            Level::Beta,
            Level::Rc,
            Level::Dev,
            Level::Release,
        ] {
            let e = bump_err("1.2.3-rc.1", lvl(level), Some(PreKind::Rc));
            assert_has(
                &e,
                &["`--pre` only goes with major, minor or patch"],
                &["--pre rc"],
            );
        }
        let e = bump_err("1.2.3", Target::Exact(sv("1.3.0")), Some(PreKind::Rc));
        assert_has(
            &e,
            &["`--pre` only goes with major, minor or patch", "`1.3.0`"],
            &["drop `--pre`"],
        );
    }

    #[test]
    fn bump_release_level() {
        assert_eq!(bumped("1.3.0-rc.2", Level::Release), "1.3.0");
        assert_eq!(bumped("1.3.0-alpha.1+abc", Level::Release), "1.3.0");
        let e = bump_err("1.2.3", lvl(Level::Release), None);
        assert_has(
            &e,
            &["`1.2.3` is already a release"],
            &[
                "`cargo pyrelease bump patch` (`1.2.4`)",
                "(`1.3.0`)",
                "(`2.0.0`)",
            ],
        );
    }

    #[test]
    fn bump_exact() {
        let b = |old: &str, new: &str, down| bump(&sv(old), &Target::Exact(sv(new)), None, down);
        assert_eq!(b("1.2.3", "1.5.0", false).unwrap(), sv("1.5.0"));
        assert_eq!(b("1.2.3", "1.3.0-rc.1", false).unwrap(), sv("1.3.0-rc.1"));
        let e = b("1.2.3", "1.2.3", false).unwrap_err();
        assert_has(&e, &["already at `1.2.3`"], &["`1.2.4`"]);
        let e = b("1.2.3", "1.2.3", true).unwrap_err();
        assert_has(&e, &["already at"], &[]);
        let e = b("1.2.3+abc", "1.2.3", true).unwrap_err();
        assert_has(&e, &["already at"], &[]);
        let e = b("1.2.3", "1.2.0", false).unwrap_err();
        assert_has(
            &e,
            &["`1.2.0` is lower than `1.2.3`"],
            &["--allow-downgrade", "`1.2.4`"],
        );
        assert_eq!(b("1.2.3", "1.2.0", true).unwrap(), sv("1.2.0"));
        let e = b("1.2.3", "1.3.0-pre.1", false).unwrap_err();
        assert_has(&e, &["release candidate"], &["`1.3.0-rc.1`"]);
        let e = b("1.2.3", "1.3.0+abc", false).unwrap_err();
        assert_has(&e, &["PyPI rejects"], &["`1.3.0`"]);
        let e = b("1.2.3", "1.3.0-1", true).unwrap_err();
        assert_has(&e, &["post-release"], &[]);
        let e = b("1.3.0-alpha.1", "1.3.0-dev.1", false).unwrap_err();
        assert_has(
            &e,
            &["disagree"],
            &[
                "`cargo pyrelease bump patch --pre dev` gives `1.3.1-dev.1`",
                "--allow-downgrade",
            ],
        );
        assert_eq!(
            b("1.3.0-alpha.1", "1.3.0-dev.1", true).unwrap(),
            sv("1.3.0-dev.1")
        );
    }

    #[test]
    fn bump_overflow() {
        let max = u64::MAX;
        let e = bump_err(&format!("{max}.0.0"), lvl(Level::Major), None);
        assert_has(&e, &["no next major version"], &["explicitly"]);
        let e = bump_err(&format!("1.0.0-rc.{max}"), lvl(Level::Rc), None);
        assert_has(&e, &["no next rc number"], &[]);
    }
}
