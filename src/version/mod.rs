//! Versions: bump rules and semver <-> PEP 440 (pure, no I/O).
//!
//! Cargo.toml is the version authority, and maturin derives the wheel version by handing the
//! Cargo version string straight to `pep440_rs`. So the PEP 440 spelling is predicted with the
//! same parser, and every version where the two worlds would disagree (about what the version
//! is, or about how it sorts) is refused with the spelling to use instead.
//!
//! One file per job: [`level`] (the names a bump is given), [`pep440`] (the mapping maturin
//! makes, and its refusals), [`bump`] (the rules), [`order`] (both orders, and why they
//! disagree).

mod bump;
mod level;
mod order;
mod pep440;

pub use bump::bump;
pub use level::{Change, Level, PreKind, Target};
pub use pep440::{pep440_to_semver, pre_kind, to_pep440};

/// A refused or impossible version, with the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct VersionError {
    pub message: String,
    pub help: Option<String>,
}

impl VersionError {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

pub fn is_prerelease(v: &semver::Version) -> bool {
    !v.pre.is_empty()
}

pub fn is_placeholder(v: &semver::Version) -> bool {
    v.major == 0 && v.minor == 0 && v.patch == 0
}

pub(crate) fn release_of(v: &semver::Version) -> semver::Version {
    semver::Version::new(v.major, v.minor, v.patch)
}

pub(crate) fn with_pre(base: semver::Version, kind: PreKind, n: u64) -> semver::Version {
    semver::Version {
        pre: semver::Prerelease::new(&format!("{kind}.{n}"))
            .expect("`<word>.<number>` is a valid semver pre-release"),
        build: semver::BuildMetadata::EMPTY,
        ..base
    }
}

#[cfg(test)]
pub(crate) mod testutil {
    use super::*;

    pub fn sv(s: &str) -> semver::Version {
        semver::Version::parse(s).unwrap()
    }

    pub fn pep(s: &str) -> String {
        to_pep440(&sv(s)).unwrap().to_string()
    }

    pub fn refuse(s: &str) -> VersionError {
        to_pep440(&sv(s)).expect_err(s)
    }

    pub fn lvl(level: Level) -> Target {
        Target::Level(level)
    }

    pub fn bumped(old: &str, level: Level) -> String {
        bump(&sv(old), &lvl(level), None, false)
            .unwrap_or_else(|e| panic!("{old} + {level}: {e} ({:?})", e.help))
            .to_string()
    }

    pub fn bump_err(old: &str, target: Target, pre: Option<PreKind>) -> VersionError {
        bump(&sv(old), &target, pre, false).expect_err(old)
    }

    #[track_caller]
    pub fn assert_has(err: &VersionError, message: &[&str], help: &[&str]) {
        for m in message {
            assert!(
                err.message.contains(m),
                "message {:?} lacks {m:?}",
                err.message
            );
        }
        let h = err.help.as_deref().unwrap_or_default();
        for m in help {
            assert!(
                h.contains(m),
                "help {h:?} lacks {m:?} (message {:?})",
                err.message
            );
        }
        assert!(err.help.is_some(), "no help for {:?}", err.message);
        assert_eq!(err.to_string(), err.message);
        let first = err.message.chars().next().unwrap();
        assert!(
            !first.is_uppercase(),
            "message must start lowercase: {}",
            err.message
        );
    }
}

#[cfg(test)]
mod tests {
    use std::cmp::Ordering;

    use super::testutil::*;
    use super::*;
    use proptest::prelude::*;

    fn kind() -> impl Strategy<Value = PreKind> {
        prop::sample::select(PreKind::ALL.to_vec())
    }

    fn canonical() -> impl Strategy<Value = semver::Version> {
        (
            0..3u64,
            0..3u64,
            0..3u64,
            prop::option::of((kind(), 0..4u64)),
        )
            .prop_map(|(major, minor, patch, pre)| {
                let base = semver::Version::new(major, minor, patch);
                match pre {
                    Some((k, n)) => with_pre(base, k, n),
                    None => base,
                }
            })
    }

    fn expected_pep(v: &semver::Version) -> String {
        let base = release_of(v);
        match pre_kind(v) {
            None => base.to_string(),
            Some((PreKind::Alpha, n)) => format!("{base}a{n}"),
            Some((PreKind::Beta, n)) => format!("{base}b{n}"),
            Some((PreKind::Rc, n)) => format!("{base}rc{n}"),
            Some((PreKind::Dev, n)) => format!("{base}.dev{n}"),
        }
    }

    fn target() -> impl Strategy<Value = (Target, Option<PreKind>)> {
        prop_oneof![
            (
                prop::sample::select(Level::ALL.to_vec()),
                prop::option::of(kind())
            )
                .prop_map(|(l, k)| (Target::Level(l), k)),
            canonical().prop_map(|v| (Target::Exact(v), None)),
        ]
    }

    /// Pairs where the two orders are known to disagree: a dev and a non-dev pre-release of the
    /// same release.
    fn mixes_dev(a: &semver::Version, b: &semver::Version) -> bool {
        let is_dev = |v: &semver::Version| matches!(pre_kind(v), Some((PreKind::Dev, _)));
        release_of(a) == release_of(b)
            && is_prerelease(a)
            && is_prerelease(b)
            && is_dev(a) != is_dev(b)
    }

    proptest! {
        #[test]
        fn translation_is_stable_and_round_trips(v in canonical()) {
            let p1 = to_pep440(&v).unwrap();
            let p2 = to_pep440(&v).unwrap();
            prop_assert_eq!(&p1, &p2);
            prop_assert_eq!(p1.to_string(), expected_pep(&v));
            prop_assert_eq!(pep440_to_semver(&p1.to_string()).unwrap(), v.clone());
            // Reading back our own canonical output is idempotent as well.
            prop_assert_eq!(to_pep440(&pep440_to_semver(&p1.to_string()).unwrap()).unwrap(), p1);
        }

        #[test]
        fn other_spellings_translate_like_canonical(
            v in canonical(),
            short in any::<bool>(),
            sep in prop::sample::select(vec!["", ".", "-"]),
        ) {
            let Some((k, n)) = pre_kind(&v) else { return Ok(()) };
            let word = match (k, short) {
                (PreKind::Alpha, true) => "a",
                (PreKind::Beta, true) => "b",
                _ => k.as_str(),
            };
            let spelled = sv(&format!("{}-{word}{sep}{n}", release_of(&v)));
            prop_assert_eq!(to_pep440(&spelled).unwrap(), to_pep440(&v).unwrap());
        }

        #[test]
        fn orders_agree_where_they_should(a in canonical(), b in canonical()) {
            prop_assume!(!mixes_dev(&a, &b));
            let (pa, pb) = (to_pep440(&a).unwrap(), to_pep440(&b).unwrap());
            prop_assert_eq!(a.cmp_precedence(&b), pa.cmp(&pb), "{} vs {}", pa, pb);
        }

        #[test]
        fn bump_always_goes_up_in_both_orders(old in canonical(), (t, pre) in target()) {
            match bump(&old, &t, pre, false) {
                Ok(new) => {
                    prop_assert_eq!(new.cmp_precedence(&old), Ordering::Greater);
                    let (pn, po) = (to_pep440(&new).unwrap(), to_pep440(&old).unwrap());
                    prop_assert!(pn > po, "{} -> {}", po, pn);
                    prop_assert!(new.build.is_empty());
                    prop_assert_eq!(pep440_to_semver(&pn.to_string()).unwrap(), new);
                }
                Err(e) => {
                    prop_assert!(e.help.is_some(), "{}", e);
                    // Finishing or raising a level never fails on a canonical version.
                    let always_ok = matches!(t, Target::Level(Level::Major | Level::Minor | Level::Patch));
                    prop_assert!(!always_ok, "{} + {}: {}", old, t, e);
                }
            }
        }

        #[test]
        fn exact_bump_accepts_exactly_the_higher_versions(old in canonical(), new in canonical()) {
            let up = new.cmp_precedence(&old) == Ordering::Greater
                && to_pep440(&new).unwrap() > to_pep440(&old).unwrap();
            let result = bump(&old, &Target::Exact(new.clone()), None, false);
            prop_assert_eq!(result.is_ok(), up, "{} -> {}: {:?}", old, new, result);
            let forced = bump(&old, &Target::Exact(new.clone()), None, true);
            prop_assert_eq!(forced.is_ok(), old != new);
        }
    }
}
