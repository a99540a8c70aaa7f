//! Versions: bump rules and semver <-> PEP 440 (pure, no I/O).
//!
//! Cargo.toml is the version authority, and maturin derives the wheel version by handing the
//! Cargo version string straight to `pep440_rs`. So the PEP 440 spelling is predicted with the
//! same parser, and every version where the two worlds would disagree (about what the version
//! is, or about how it sorts) is refused with the spelling to use instead.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use pep440_rs::PrereleaseKind;

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

/// A pre-release kind, in its canonical Cargo spelling (`alpha.N`, `beta.N`, `rc.N`, `dev.N`).
///
/// There is deliberately no `Ord`: semver and PEP 440 order these differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PreKind {
    Alpha,
    Beta,
    Rc,
    Dev,
}

impl PreKind {
    pub const ALL: [PreKind; 4] = [PreKind::Alpha, PreKind::Beta, PreKind::Rc, PreKind::Dev];

    pub fn as_str(self) -> &'static str {
        match self {
            PreKind::Alpha => "alpha",
            PreKind::Beta => "beta",
            PreKind::Rc => "rc",
            PreKind::Dev => "dev",
        }
    }

    fn from_pep(kind: PrereleaseKind) -> Self {
        match kind {
            PrereleaseKind::Alpha => PreKind::Alpha,
            PrereleaseKind::Beta => PreKind::Beta,
            PrereleaseKind::Rc => PreKind::Rc,
        }
    }
}

impl fmt::Display for PreKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PreKind {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PreKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                VersionError::new(format!("`{s}` is not a pre-release kind"))
                    .with_help("use `alpha`, `beta`, `rc` or `dev`")
            })
    }
}

/// What `cargo pyrelease bump LEVEL` moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level {
    Major,
    Minor,
    Patch,
    Alpha,
    Beta,
    Rc,
    Dev,
    Release,
}

impl Level {
    pub const ALL: [Level; 8] = [
        Level::Major,
        Level::Minor,
        Level::Patch,
        Level::Alpha,
        Level::Beta,
        Level::Rc,
        Level::Dev,
        Level::Release,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Major => "major",
            Level::Minor => "minor",
            Level::Patch => "patch",
            Level::Alpha => "alpha",
            Level::Beta => "beta",
            Level::Rc => "rc",
            Level::Dev => "dev",
            Level::Release => "release",
        }
    }

    /// The pre-release kind a pre-release level makes, if it is one.
    pub fn pre_kind(self) -> Option<PreKind> {
        match self {
            Level::Alpha => Some(PreKind::Alpha),
            Level::Beta => Some(PreKind::Beta),
            Level::Rc => Some(PreKind::Rc),
            Level::Dev => Some(PreKind::Dev),
            Level::Major | Level::Minor | Level::Patch | Level::Release => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Level::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| {
                VersionError::new(format!("`{s}` is not a bump level")).with_help(LEVELS_HELP)
            })
    }
}

const LEVELS_HELP: &str = "use `major`, `minor`, `patch`, `alpha`, `beta`, `rc`, `dev`, `release` or a version like `1.2.3`";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Level(Level),
    Exact(semver::Version),
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Level(level) => level.fmt(f),
            Target::Exact(v) => v.fmt(f),
        }
    }
}

impl FromStr for Target {
    type Err = VersionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Ok(level) = s.parse::<Level>() {
            return Ok(Target::Level(level));
        }
        semver::Version::parse(s).map(Target::Exact).map_err(|err| {
            VersionError::new(format!(
                "`{s}` is neither a bump level nor a semver version ({err})"
            ))
            .with_help(LEVELS_HELP)
        })
    }
}

/// The version maturin puts on the wheel, warts and all (post-releases, local labels).
fn maturin_parse(v: &semver::Version) -> Result<pep440_rs::Version, pep440_rs::VersionParseError> {
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

pub fn is_prerelease(v: &semver::Version) -> bool {
    !v.pre.is_empty()
}

pub fn is_placeholder(v: &semver::Version) -> bool {
    v.major == 0 && v.minor == 0 && v.patch == 0
}

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
// to_pep440 refusals

fn release_of(v: &semver::Version) -> semver::Version {
    semver::Version::new(v.major, v.minor, v.patch)
}

fn with_pre(base: semver::Version, kind: PreKind, n: u64) -> semver::Version {
    semver::Version {
        pre: semver::Prerelease::new(&format!("{kind}.{n}"))
            .expect("`<word>.<number>` is a valid semver pre-release"),
        build: semver::BuildMetadata::EMPTY,
        ..base
    }
}

/// A version in backticks, with the Python spelling when it differs.
fn spell(v: &semver::Version) -> String {
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

// ---------------------------------------------------------------------------------------------
// bump

fn inc(n: u64, old: &semver::Version, what: &str) -> Result<u64, VersionError> {
    n.checked_add(1).ok_or_else(|| {
        VersionError::new(format!(
            "`{old}` has no next {what}: it is already the largest number"
        ))
        .with_help("give the new version explicitly")
    })
}

fn cmd(target: &Target, pre: Option<PreKind>) -> String {
    match pre {
        Some(kind) => format!("`cargo pyrelease bump {target} --pre {kind}`"),
        None => format!("`cargo pyrelease bump {target}`"),
    }
}

fn propose(
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

enum Refusal {
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

fn check_order(
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

fn explain(
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
    use proptest::prelude::*;

    fn sv(s: &str) -> semver::Version {
        semver::Version::parse(s).unwrap()
    }

    fn pep(s: &str) -> String {
        to_pep440(&sv(s)).unwrap().to_string()
    }

    fn refuse(s: &str) -> VersionError {
        to_pep440(&sv(s)).expect_err(s)
    }

    fn lvl(level: Level) -> Target {
        Target::Level(level)
    }

    fn bumped(old: &str, level: Level) -> String {
        bump(&sv(old), &lvl(level), None, false)
            .unwrap_or_else(|e| panic!("{old} + {level}: {e} ({:?})", e.help))
            .to_string()
    }

    fn bump_err(old: &str, target: Target, pre: Option<PreKind>) -> VersionError {
        bump(&sv(old), &target, pre, false).expect_err(old)
    }

    #[track_caller]
    fn assert_has(err: &VersionError, message: &[&str], help: &[&str]) {
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

    // ---- to_pep440: accepted forms ----

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

    // ---- to_pep440: refusals ----

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
    fn a_series_spelled_without_the_dot_goes_on_in_its_spelling() {
        assert_eq!(bumped("0.3.0-rc1", Level::Rc), "0.3.0-rc2");
        assert_eq!(bumped("1.0.0-beta3", Level::Beta), "1.0.0-beta4");
        // Another kind starts the dotted series, which sorts right in both orders.
        assert_eq!(bumped("0.3.0-beta2", Level::Rc), "0.3.0-rc.1");
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

    // ---- pep440_to_semver ----

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

    // ---- helpers ----

    #[test]
    fn names_parse_and_display() {
        for level in Level::ALL {
            assert_eq!(level.to_string().parse::<Level>().unwrap(), level);
        }
        for kind in PreKind::ALL {
            assert_eq!(kind.to_string().parse::<PreKind>().unwrap(), kind);
        }
        assert_eq!("rc".parse::<Target>().unwrap(), Target::Level(Level::Rc));
        assert_eq!(
            "1.2.3".parse::<Target>().unwrap(),
            Target::Exact(sv("1.2.3"))
        );
        assert_has(
            &"Major".parse::<Level>().unwrap_err(),
            &["`Major`"],
            &["`major`"],
        );
        assert_has(
            &"pre".parse::<PreKind>().unwrap_err(),
            &["`pre`"],
            &["`rc`"],
        );
        assert_has(
            &"1.2".parse::<Target>().unwrap_err(),
            &["`1.2`"],
            &["`1.2.3`"],
        );
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

    // ---- bump: levels ----

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
    fn bump_dev() {
        assert_eq!(bumped("1.2.3", Level::Dev), "1.2.4-dev.1");
        assert_eq!(bumped("1.2.4-dev.1", Level::Dev), "1.2.4-dev.2");
        assert_eq!(bumped("1.2.4-dev", Level::Dev), "1.2.4-dev.1");
        assert_eq!(bumped("1.2.4-dev.1", Level::Rc), "1.2.4-rc.1");
        assert_eq!(bumped("1.2.4-dev.1", Level::Release), "1.2.4");
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

    #[test]
    fn bump_overflow() {
        let max = u64::MAX;
        let e = bump_err(&format!("{max}.0.0"), lvl(Level::Major), None);
        assert_has(&e, &["no next major version"], &["explicitly"]);
        let e = bump_err(&format!("1.0.0-rc.{max}"), lvl(Level::Rc), None);
        assert_has(&e, &["no next rc number"], &[]);
    }

    // ---- properties ----

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
