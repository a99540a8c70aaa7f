//! Semver -> PEP 440 as maturin does it (`pep440_rs`), and back; every version where the two
//! would disagree is refused with the spelling to use instead.

use std::str::FromStr;

use pep440_rs::PrereleaseKind;

use super::{PreKind, VersionError, release_of, with_pre};

/// The version maturin puts on the wheel, warts and all (post-releases, local labels).
pub(super) fn maturin_parse(
    v: &semver::Version,
) -> Result<pep440_rs::Version, pep440_rs::VersionParseError> {
    pep440_rs::Version::from_str(&v.to_string())
}

/// The PEP 440 version maturin builds from this Cargo version, or why it must not be used.
pub fn to_pep440(v: &semver::Version) -> Result<pep440_rs::Version, VersionError> {
    let pep = maturin_parse(v).map_err(|err| unparseable(v, &err))?;
    if let Some(post) = pep.post() {
        return Err(post_release(v, &pep, post));
    }
    if let Some(word) = foreign_word(v.pre.as_str()) {
        return Err(renamed_word(v, &pep, word));
    }
    if !v.build.is_empty() {
        return Err(build_metadata(v));
    }
    Ok(pep)
}

/// The Cargo spelling of a PEP 440 version, e.g. a static `[project].version`.
pub fn pep440_to_semver(s: &str) -> Result<semver::Version, VersionError> {
    let pep = pep440_rs::Version::from_str(s).map_err(|err| {
        VersionError::new(format!("`{s}` is not a PEP 440 version ({err})"))
            .with_help("write it like `1.2.0`, `1.2.0a1`, `1.2.0b1`, `1.2.0rc1` or `1.2.0.dev1`")
    })?;
    let release = pep.release();
    let num = |i: usize| release.get(i).copied().unwrap_or(0);
    let (major, minor, patch) = (num(0), num(1), num(2));
    let plain = format!("{major}.{minor}.{patch}");

    if pep.epoch() != 0 {
        return Err(VersionError::new(format!(
            "`{s}` has an epoch (`{}!`), which semver cannot express",
            pep.epoch()
        ))
        .with_help(format!(
            "write the version without the epoch, like `{plain}`, in pyproject.toml and Cargo.toml"
        )));
    }
    if pep.post().is_some() {
        return Err(VersionError::new(format!(
            "`{s}` is a post-release, which semver cannot express: a semver suffix makes a \
             pre-release, which sorts before the release instead of after it"
        ))
        .with_help(format!(
            "release `{major}.{minor}.{}` instead",
            patch.saturating_add(1)
        )));
    }
    if !pep.local().is_empty() {
        return Err(VersionError::new(format!(
            "`{s}` has a local version label, which PyPI rejects"
        ))
        .with_help(format!(
            "drop everything from `+`: write `{}`",
            pep.clone().without_local()
        )));
    }
    if release.len() > 3 {
        let extra_nonzero = release[3..].iter().any(|&n| n != 0);
        let next = if extra_nonzero {
            format!("{major}.{minor}.{}", patch.saturating_add(1))
        } else {
            plain
        };
        return Err(VersionError::new(format!(
            "`{s}` has {} release numbers, but semver has exactly three (major.minor.patch)",
            release.len()
        ))
        .with_help(format!("write three numbers, like `{next}`")));
    }

    let mut pre = Vec::new();
    if let Some(p) = pep.pre() {
        pre.push(format!("{}.{}", PreKind::from_pep(p.kind), p.number));
    }
    if let Some(dev) = pep.dev() {
        pre.push(format!("dev.{dev}"));
    }
    let pre = semver::Prerelease::new(&pre.join("."))
        .map_err(|err| VersionError::new(format!("cannot spell `{s}` in semver ({err})")))?;
    Ok(semver::Version {
        major,
        minor,
        patch,
        pre,
        build: semver::BuildMetadata::EMPTY,
    })
}

/// The kind and number of a simple pre-release (`-rc.2`, also `-rc2`, `-b.1`, `-dev`), read the
/// way PEP 440 reads it. `None` for releases, combinations (`-alpha.1.dev.2`), post-releases and
/// suffixes PEP 440 cannot read.
pub fn pre_kind(v: &semver::Version) -> Option<(PreKind, u64)> {
    if v.pre.is_empty() {
        return None;
    }
    let pep = maturin_parse(v).ok()?;
    if pep.post().is_some() {
        return None;
    }
    match (pep.pre(), pep.dev()) {
        (Some(p), None) => Some((PreKind::from_pep(p.kind), p.number)),
        (None, Some(dev)) => Some((PreKind::Dev, dev)),
        _ => None,
    }
}

/// A version in backticks, with the Python spelling when it differs.
pub(super) fn spell(v: &semver::Version) -> String {
    match maturin_parse(v) {
        Ok(pep) if pep.to_string() != v.to_string() => {
            format!("`{v}`, which maturin spells `{pep}`")
        }
        _ => format!("`{v}`"),
    }
}

/// The same, shorter, for lists.
fn spell_short(v: &semver::Version) -> String {
    match maturin_parse(v) {
        Ok(pep) if pep.to_string() != v.to_string() => format!("`{v}` (maturin: `{pep}`)"),
        _ => format!("`{v}`"),
    }
}

fn unparseable(v: &semver::Version, err: &pep440_rs::VersionParseError) -> VersionError {
    let message = format!("maturin cannot turn `{v}` into a Python version: {err}");
    let base = release_of(v);
    let first = v.pre.as_str().split('.').next().unwrap_or_default();
    let help = if v.pre.is_empty() {
        format!("drop the build metadata: use {}", spell(&base))
    } else if first.chars().all(|c| c.is_ascii_digit()) {
        post_help(&base)
    } else if let Some((word, kind, n)) = guess_pre(v.pre.as_str()) {
        let lead = if word.is_empty() {
            "PEP 440 allows one pre-release word followed by one number".to_string()
        } else {
            format!("PEP 440 has no `{word}` pre-release; the closest is a `{kind}` one")
        };
        format!("{lead}: use {}", spell(&with_pre(base, kind, n)))
    } else {
        format!(
            "PEP 440 pre-releases are `alpha`, `beta`, `rc` or `dev` followed by one number: \
             use e.g. {} or {}",
            spell_short(&with_pre(base.clone(), PreKind::Alpha, 1)),
            spell_short(&with_pre(base, PreKind::Dev, 1)),
        )
    };
    VersionError::new(message).with_help(help)
}

/// What the author most likely meant by a suffix PEP 440 cannot read. The word is returned
/// only when it is not a PEP 440 word (`nightly`), so the help can say so.
fn guess_pre(pre: &str) -> Option<(&str, PreKind, u64)> {
    let mut idents = pre.split('.');
    let first = idents.next()?;
    let word_end = first
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(first.len());
    let (word, rest) = first.split_at(word_end);
    let (kind, known) = match word.to_ascii_lowercase().as_str() {
        "alpha" | "a" => (PreKind::Alpha, true),
        "beta" | "b" => (PreKind::Beta, true),
        "rc" | "c" | "pre" | "preview" => (PreKind::Rc, true),
        "dev" => (PreKind::Dev, true),
        "nightly" | "snapshot" | "canary" => (PreKind::Dev, false),
        _ => return None,
    };
    let n = rest
        .trim_start_matches(['-', '_'])
        .parse()
        .ok()
        .or_else(|| idents.find_map(|i| i.parse().ok()))
        .unwrap_or(1);
    Some((if known { "" } else { word }, kind, n))
}

fn post_help(base: &semver::Version) -> String {
    let next_patch = semver::Version::new(base.major, base.minor, base.patch.saturating_add(1));
    format!(
        "for a pre-release of `{base}` use {}; for a fix released after `{base}` use `{next_patch}`",
        spell(&with_pre(base.clone(), PreKind::Rc, 1))
    )
}

fn post_release(v: &semver::Version, pep: &pep440_rs::Version, post: u64) -> VersionError {
    let base = release_of(v);
    match pep.pre() {
        None => VersionError::new(format!(
            "maturin turns `{v}` into the post-release `{pep}`, which Python sorts above \
             `{base}` while semver sorts `{v}` below it"
        ))
        .with_help(post_help(&base)),
        Some(p) => {
            let kind = PreKind::from_pep(p.kind);
            VersionError::new(format!(
                "maturin turns `{v}` into `{pep}`, post-release {post} of a pre-release, which \
                 semver cannot express"
            ))
            .with_help(format!(
                "use the next pre-release instead, {}",
                spell(&with_pre(base, kind, p.number.saturating_add(1)))
            ))
        }
    }
}

/// The first word in a pre-release that pep440_rs reads as something other than itself.
fn foreign_word(pre: &str) -> Option<&str> {
    pre.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .find(|w| !matches!(*w, "alpha" | "a" | "beta" | "b" | "rc" | "dev"))
}

fn renamed_word(v: &semver::Version, pep: &pep440_rs::Version, word: &str) -> VersionError {
    let lower = word.to_ascii_lowercase();
    let message = if matches!(lower.as_str(), "alpha" | "a" | "beta" | "b" | "rc" | "dev") {
        format!(
            "`{v}` spells `{word}` in capitals: semver sorts capitals before lowercase \
             (`{}` < `{}`), while maturin lowercases it to `{pep}`",
            with_pre(release_of(v), PreKind::Rc, 1)
                .to_string()
                .to_uppercase(),
            with_pre(release_of(v), PreKind::Alpha, 1),
        )
    } else {
        let meaning = match pep.pre().map(|p| p.kind) {
            Some(PrereleaseKind::Alpha) => "an alpha",
            Some(PrereleaseKind::Beta) => "a beta",
            _ => "a release candidate",
        };
        format!(
            "maturin reads `{word}` in `{v}` as {meaning} and builds `{pep}`, so Cargo and \
             Python would not show the same version"
        )
    };
    let canonical = pep440_to_semver(&pep.clone().without_local().to_string());
    let help = match canonical {
        Ok(c) => format!("use {}", spell(&c)),
        Err(_) => "use a lowercase `alpha`, `beta`, `rc` or `dev` pre-release".to_string(),
    };
    VersionError::new(message).with_help(help)
}

fn build_metadata(v: &semver::Version) -> VersionError {
    let without = semver::Version {
        build: semver::BuildMetadata::EMPTY,
        ..v.clone()
    };
    VersionError::new(format!(
        "the build metadata `+{}` in `{v}` becomes a PEP 440 local version, which PyPI rejects",
        v.build
    ))
    .with_help(format!("drop it: use {}", spell(&without)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::testutil::*;
    use crate::version::{is_placeholder, is_prerelease};

    #[test]
    fn accepted_forms_match_maturin_canonical_spelling() {
        for (cargo, python) in [
            ("1.2.0", "1.2.0"),
            ("0.0.0", "0.0.0"),
            ("1.2.0-alpha.1", "1.2.0a1"),
            ("1.2.0-alpha", "1.2.0a0"),
            ("1.2.0-alpha1", "1.2.0a1"),
            ("1.2.0-a.1", "1.2.0a1"),
            ("1.2.0-a1", "1.2.0a1"),
            ("1.2.0-a", "1.2.0a0"),
            ("1.2.0-beta.2", "1.2.0b2"),
            ("1.2.0-beta", "1.2.0b0"),
            ("1.2.0-b.3", "1.2.0b3"),
            ("1.2.0-b3", "1.2.0b3"),
            ("1.2.0-rc.1", "1.2.0rc1"),
            ("1.2.0-rc.0", "1.2.0rc0"),
            ("1.2.0-rc0", "1.2.0rc0"),
            ("1.2.0-rc", "1.2.0rc0"),
            ("1.2.0-dev.3", "1.2.0.dev3"),
            ("1.2.0-dev", "1.2.0.dev0"),
            ("1.2.0-dev3", "1.2.0.dev3"),
            ("1.2.0-alpha.1.dev.2", "1.2.0a1.dev2"),
            ("1.2.0-rc.1.dev.0", "1.2.0rc1.dev0"),
            ("0.3.1-alpha.1", "0.3.1a1"),
            ("1.0.0-rc.2", "1.0.0rc2"),
            ("2.0.0-dev.3", "2.0.0.dev3"),
            ("10.20.30-rc.40", "10.20.30rc40"),
        ] {
            assert_eq!(pep(cargo), python, "{cargo}");
        }
    }

    #[test]
    fn to_pep440_equals_maturin_parse() {
        for s in [
            "1.2.0-alpha.1",
            "1.2.0-rc0",
            "1.2.0-dev",
            "1.2.0-alpha.1.dev.2",
        ] {
            let ours = to_pep440(&sv(s)).unwrap();
            let maturin = pep440_rs::Version::from_str(s).unwrap();
            assert_eq!(ours, maturin);
            assert_eq!(ours.to_string(), maturin.to_string());
        }
    }

    #[test]
    fn refuses_what_pep440_cannot_read() {
        let e = refuse("1.2.0-alpha.1.2");
        assert_has(
            &e,
            &["maturin cannot turn `1.2.0-alpha.1.2`", "`.2`"],
            &[
                "one number",
                "`1.2.0-alpha.1`, which maturin spells `1.2.0a1`",
            ],
        );
        let e = refuse("1.2.0-rc.2.3");
        assert_has(
            &e,
            &["`1.2.0-rc.2.3`"],
            &["`1.2.0-rc.2`, which maturin spells `1.2.0rc2`"],
        );
        let e = refuse("1.2.0-alpha.beta");
        assert_has(&e, &["`1.2.0-alpha.beta`"], &["`1.2.0-alpha.1`"]);
        let e = refuse("1.2.0-nightly.1");
        assert_has(
            &e,
            &["`1.2.0-nightly.1`"],
            &[
                "no `nightly` pre-release",
                "`1.2.0-dev.1`, which maturin spells `1.2.0.dev1`",
            ],
        );
        let e = refuse("1.2.0-foo");
        assert_has(
            &e,
            &["`1.2.0-foo`"],
            &[
                "`alpha`, `beta`, `rc` or `dev`",
                "`1.2.0-alpha.1` (maturin: `1.2.0a1`) or `1.2.0-dev.1` (maturin: `1.2.0.dev1`)",
            ],
        );
        let e = refuse("1.2.0-dev.1.alpha");
        assert_has(&e, &["`1.2.0-dev.1.alpha`"], &["`1.2.0-dev.1`"]);
        let e = refuse("1.2.0-1.2");
        assert_has(&e, &["`1.2.0-1.2`"], &["`1.2.0-rc.1`", "`1.2.1`"]);
    }

    #[test]
    fn refuses_post_releases() {
        for s in [
            "1.2.0-1",
            "1.2.0-post.1",
            "1.2.0-post1",
            "1.2.0-post",
            "1.2.0-r.1",
            "1.2.0-rev.1",
        ] {
            let e = refuse(s);
            assert_has(
                &e,
                &["post-release", "above `1.2.0`", "semver sorts"],
                &["`1.2.0-rc.1`, which maturin spells `1.2.0rc1`", "`1.2.1`"],
            );
        }
        let e = refuse("1.2.0-1");
        assert!(e.message.contains("`1.2.0.post1`"), "{}", e.message);
        let e = refuse("1.2.0-alpha.1.post.1");
        assert_has(
            &e,
            &["`1.2.0a1.post1`", "post-release"],
            &["`1.2.0-alpha.2`, which maturin spells `1.2.0a2`"],
        );
        let e = refuse("1.2.0-1.dev.2");
        assert_has(&e, &["post-release"], &["`1.2.0-rc.1`"]);
    }

    #[test]
    fn refuses_renamed_pre_words() {
        for s in [
            "1.2.0-pre.1",
            "1.2.0-preview.1",
            "1.2.0-c.1",
            "1.2.0-pre1",
            "1.2.0-c1",
        ] {
            let e = refuse(s);
            assert_has(
                &e,
                &["release candidate", "`1.2.0rc1`"],
                &["use `1.2.0-rc.1`, which maturin spells `1.2.0rc1`"],
            );
        }
        let e = refuse("1.2.0-pre");
        assert_has(&e, &["`pre`", "`1.2.0rc0`"], &["`1.2.0-rc.0`"]);
        let e = refuse("1.2.0-pre.1.dev.2");
        assert_has(&e, &["`1.2.0rc1.dev2`"], &["`1.2.0-rc.1.dev.2`"]);
    }

    #[test]
    fn refuses_capitals() {
        let e = refuse("1.2.0-RC.1");
        assert_has(
            &e,
            &["capitals", "`1.2.0rc1`"],
            &["`1.2.0-rc.1`, which maturin spells `1.2.0rc1`"],
        );
        let e = refuse("1.2.0-Alpha.1");
        assert_has(&e, &["`Alpha`"], &["`1.2.0-alpha.1`"]);
        let e = refuse("1.2.0-DEV");
        assert_has(&e, &["`DEV`"], &["`1.2.0-dev.0`"]);
    }

    #[test]
    fn refuses_build_metadata() {
        let e = refuse("1.2.0+abc");
        assert_has(
            &e,
            &["`+abc`", "local version", "PyPI rejects"],
            &["drop it: use `1.2.0`"],
        );
        let e = refuse("1.2.0-rc.1+build.5");
        assert_has(
            &e,
            &["`+build.5`"],
            &["`1.2.0-rc.1`, which maturin spells `1.2.0rc1`"],
        );
        // The worse problem is reported first, and its fix drops the metadata too.
        let e = refuse("1.2.0-pre.1+abc");
        assert_has(&e, &["release candidate"], &["use `1.2.0-rc.1`,"]);
        assert!(!e.help.unwrap().contains('+'));
    }

    #[test]
    fn reads_pep440_back() {
        for (python, cargo) in [
            ("1.2.0", "1.2.0"),
            ("1.2.0a1", "1.2.0-alpha.1"),
            ("1.2.0b2", "1.2.0-beta.2"),
            ("1.2.0rc1", "1.2.0-rc.1"),
            ("1.2.0.dev3", "1.2.0-dev.3"),
            ("1.2.0a1.dev2", "1.2.0-alpha.1.dev.2"),
            ("1.2", "1.2.0"),
            ("1", "1.0.0"),
            ("1.2rc1", "1.2.0-rc.1"),
            ("1.2.0-alpha.1", "1.2.0-alpha.1"),
            ("1.2.0-pre.1", "1.2.0-rc.1"),
            ("1.2.0alpha", "1.2.0-alpha.0"),
            ("v1.2.0", "1.2.0"),
        ] {
            let ours = pep440_to_semver(python).unwrap_or_else(|e| panic!("{python}: {e}"));
            assert_eq!(ours.to_string(), cargo, "{python}");
        }
    }

    #[test]
    fn pep440_to_semver_refusals() {
        let e = pep440_to_semver("1!1.2.0").unwrap_err();
        assert_has(&e, &["epoch", "`1!`"], &["`1.2.0`"]);
        let e = pep440_to_semver("1.2.0.post1").unwrap_err();
        assert_has(&e, &["post-release"], &["`1.2.1`"]);
        let e = pep440_to_semver("1.2.0+abc").unwrap_err();
        assert_has(&e, &["local version", "PyPI rejects"], &["`1.2.0`"]);
        let e = pep440_to_semver("1.2.0rc1+abc").unwrap_err();
        assert_has(&e, &["local version"], &["`1.2.0rc1`"]);
        let e = pep440_to_semver("1.2.3.4").unwrap_err();
        assert_has(&e, &["4 release numbers"], &["`1.2.4`"]);
        let e = pep440_to_semver("1.2.0.0").unwrap_err();
        assert_has(&e, &["4 release numbers"], &["`1.2.0`"]);
        let e = pep440_to_semver("banana").unwrap_err();
        assert_has(&e, &["`banana` is not a PEP 440 version"], &["`1.2.0rc1`"]);
    }

    #[test]
    fn round_trip_canonical() {
        for s in [
            "1.2.0",
            "1.2.0-alpha.1",
            "1.2.0-beta.0",
            "1.2.0-rc.9",
            "1.2.0-dev.3",
            "1.2.0-alpha.1.dev.2",
        ] {
            let v = sv(s);
            assert_eq!(
                pep440_to_semver(&to_pep440(&v).unwrap().to_string()).unwrap(),
                v
            );
        }
    }

    #[test]
    fn pre_kind_and_placeholder() {
        assert_eq!(pre_kind(&sv("1.2.0")), None);
        assert_eq!(pre_kind(&sv("1.2.0-rc.2")), Some((PreKind::Rc, 2)));
        assert_eq!(pre_kind(&sv("1.2.0-b3")), Some((PreKind::Beta, 3)));
        assert_eq!(pre_kind(&sv("1.2.0-dev")), Some((PreKind::Dev, 0)));
        assert_eq!(pre_kind(&sv("1.2.0-alpha.1.dev.2")), None);
        assert_eq!(pre_kind(&sv("1.2.0-1")), None);
        assert_eq!(pre_kind(&sv("1.2.0-nightly.1")), None);
        assert!(is_placeholder(&sv("0.0.0")));
        assert!(!is_placeholder(&sv("0.1.0")));
        assert!(is_prerelease(&sv("0.1.0-rc.1")));
        assert!(!is_prerelease(&sv("0.1.0+abc")));
    }
}
