//! The names a bump is given on the command line: levels, pre-release kinds, targets.

use std::fmt;
use std::str::FromStr;

use pep440_rs::PrereleaseKind;

use super::VersionError;

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

    pub(super) fn from_pep(kind: PrereleaseKind) -> Self {
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

const LEVELS_HELP: &str = "use major, minor, patch, alpha, beta, rc, dev, release, or a version such as `1.4.0` or `2.0.0-rc.1`";

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
        // `v1.4.0` as a tag spells it is the version 1.4.0.
        let version = s.strip_prefix('v').unwrap_or(s);
        semver::Version::parse(version)
            .map(Target::Exact)
            .map_err(|err| {
                VersionError::new(format!(
                    "`{s}` is neither a bump level nor a version: {err}"
                ))
                .with_help(LEVELS_HELP)
            })
    }
}

/// What a change needs, in semver's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// A fix: any release.
    Fix,
    /// An addition: a new minor (a new patch below 1.0).
    Feature,
    /// Removes or changes what users rely on: a new major (a new minor below 1.0).
    Breaking,
}

impl Change {
    /// cargo-semver-checks' `--release-type` for a step that allows this much.
    pub fn release_type(self) -> &'static str {
        match self {
            Change::Fix => "patch",
            Change::Feature => "minor",
            Change::Breaking => "major",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::testutil::*;

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
            &["major"],
        );
        assert_has(
            &"pre".parse::<PreKind>().unwrap_err(),
            &["`pre`"],
            &["`rc`"],
        );
        assert_has(
            &"1.2".parse::<Target>().unwrap_err(),
            &["`1.2`", "neither a bump level nor a version"],
            &["`1.4.0`"],
        );
        assert_eq!(
            "v1.2.3".parse::<Target>().unwrap(),
            Target::Exact(sv("1.2.3"))
        );
    }
}
