//! Python distributions by name: PEP 503 name normalisation, and the one parser of wheel and
//! sdist file names, used for the files a release builds and for the files an index lists.
//!
//! Wheels follow the binary distribution format's file name convention,
//! `{name}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}.whl`, where no part
//! holds a `-` (a name's `-` is written `_`; several tags in one part are joined with `.`,
//! `manylinux_2_17_x86_64.manylinux2014_x86_64`) and a build tag starts with a digit. Sdists
//! are `{name}-{version}.tar.gz` (PEP 625); an index still lists older uploads with other
//! suffixes (`.zip`, `.tar.bz2`, ...) and names that keep their `-` (`demo-pkg-1.0.tar.gz`),
//! which only the project's name can split.

/// Source distribution suffixes. `.tar.gz` is today's only valid one (PEP 625); the others
/// still name files of older releases on PyPI.
const SDIST_SUFFIXES: &[&str] = &[".tar.gz", ".zip", ".tar.bz2", ".tar.xz", ".tgz", ".tar"];

/// PEP 503 normalisation: runs of `-`, `_`, `.` become one `-`, and the name is lowercased.
pub fn normalize_python_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut in_separator = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_separator {
                out.push('-');
            }
            in_separator = true;
        } else {
            out.extend(c.to_lowercase());
            in_separator = false;
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DistKind {
    Wheel,
    Sdist,
}

/// A wheel or sdist file name split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistFile<'a> {
    pub kind: DistKind,
    /// The name as the file spells it.
    pub name: &'a str,
    /// The version as the file spells it (not checked to be PEP 440 here).
    pub version: &'a str,
    /// `.whl`, `.tar.gz`, or an older sdist suffix, as the file spells it.
    pub suffix: &'a str,
}

impl DistFile<'_> {
    /// A file a release may upload today: a wheel, or a PEP 625 `.tar.gz` sdist.
    pub fn is_current(&self) -> bool {
        self.kind == DistKind::Wheel || self.suffix.eq_ignore_ascii_case(".tar.gz")
    }
}

/// Splits a wheel or sdist file name; `None` for other files (`.egg`, `.exe`, signatures)
/// and for names the conventions above do not allow.
///
/// `project`, when known, says where the name ends: a legacy sdist name keeps its `-`, so the
/// version cannot be found by position alone. A file spelled under another name (old uploads,
/// renamed projects) is split by position: a wheel's name is its first part, an sdist's is
/// everything before its last `-`.
pub fn parse<'a>(file: &'a str, project: Option<&str>) -> Option<DistFile<'a>> {
    let lower = file.to_ascii_lowercase();
    let (kind, suffix_len) = if lower.ends_with(".whl") {
        (DistKind::Wheel, ".whl".len())
    } else {
        let suffix = SDIST_SUFFIXES.iter().find(|s| lower.ends_with(*s))?;
        (DistKind::Sdist, suffix.len())
    };
    let (stem, suffix) = file.split_at(file.len() - suffix_len);
    let named = project.and_then(|project| {
        let project = normalize_python_name(project);
        stem.match_indices('-')
            .find(|(i, _)| normalize_python_name(&stem[..*i]) == project)
            .map(|(i, _)| (&stem[..i], &stem[i + 1..]))
    });
    let (name, version) = match (kind, named) {
        (DistKind::Wheel, Some((name, rest))) => (name, wheel_version(rest)?),
        (DistKind::Wheel, None) => {
            let (name, rest) = stem.split_once('-')?;
            (name, wheel_version(rest)?)
        }
        (DistKind::Sdist, Some(split)) => split,
        (DistKind::Sdist, None) => stem.rsplit_once('-')?,
    };
    (!name.is_empty() && !version.is_empty()).then_some(DistFile {
        kind,
        name,
        version,
        suffix,
    })
}

/// The version of what follows a wheel's name: the version, an optional build tag (which
/// starts with a digit), then exactly three tags.
fn wheel_version(rest: &str) -> Option<&str> {
    let parts: Vec<&str> = rest.split('-').collect();
    match parts.as_slice() {
        [version, _, _, _] => Some(*version),
        [version, build, _, _, _] if build.starts_with(|c: char| c.is_ascii_digit()) => {
            Some(*version)
        }
        _ => None,
    }
    .filter(|_| parts.iter().all(|p| !p.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(project: Option<&str>, file: &str) -> Option<(DistKind, String, String)> {
        parse(file, project).map(|d| (d.kind, d.name.to_string(), d.version.to_string()))
    }

    #[test]
    fn names_are_normalised_per_pep_503() {
        assert_eq!(normalize_python_name("Demo.Pkg"), "demo-pkg");
        assert_eq!(normalize_python_name("demo__pkg"), "demo-pkg");
        assert_eq!(normalize_python_name("Demo-_.Pkg"), "demo-pkg");
        assert_eq!(normalize_python_name("PyO3"), "pyo3");
        assert_eq!(normalize_python_name("Foo__Bar.baz"), "foo-bar-baz");
    }

    #[test]
    fn wheels() {
        use DistKind::Wheel;
        let w = |name: &str, version: &str| Some((Wheel, name.to_string(), version.to_string()));
        for project in [None, Some("demo-pkg")] {
            assert_eq!(
                split(
                    project,
                    "demo_pkg-1.2.0rc1-cp39-abi3-manylinux_2_17_x86_64.whl"
                ),
                w("demo_pkg", "1.2.0rc1")
            );
            // Several platform tags in one part, joined with `.`.
            assert_eq!(
                split(
                    project,
                    "demo_pkg-0.3.1a1-cp38-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
                ),
                w("demo_pkg", "0.3.1a1")
            );
            // A build tag between version and tags.
            assert_eq!(
                split(project, "demo_pkg-1.2.0-1-py3-none-any.whl"),
                w("demo_pkg", "1.2.0")
            );
            assert_eq!(
                split(project, "demo_pkg-1.2.0-2b-py3-none-any.whl"),
                w("demo_pkg", "1.2.0")
            );
            // A fifth part that is not a build tag (it must start with a digit).
            assert_eq!(split(project, "demo_pkg-1.2.0-b1-py3-none-any.whl"), None);
            // Too few or too many parts, or an empty one.
            assert_eq!(split(project, "demo_pkg-1.0-py3-any.whl"), None);
            assert_eq!(split(project, "demo_pkg-1.0-1-2-py3-none-any.whl"), None);
            assert_eq!(split(project, "demo_pkg-1.0--none-any.whl"), None);
        }
        assert_eq!(
            split(
                Some("Demo.Pkg"),
                "Demo_Pkg-2.0.0.dev3-cp312-cp312-win_amd64.whl"
            ),
            w("Demo_Pkg", "2.0.0.dev3")
        );
        assert_eq!(
            split(
                None,
                "demo-1.0.0rc2-pp310-pypy310_pp73-macosx_11_0_arm64.WHL"
            ),
            w("demo", "1.0.0rc2")
        );
        assert_eq!(
            split(None, "demo-1.0.0+abc-py3-none-any.whl"),
            w("demo", "1.0.0+abc")
        );
        // Another spelling of the name than the project's: read by position.
        assert_eq!(
            split(Some("demo-pkg"), "demo_pkg_old-1.0-py3-none-any.whl"),
            w("demo_pkg_old", "1.0")
        );
        assert_eq!(split(None, "a-b.whl"), None);
    }

    #[test]
    fn sdists() {
        use DistKind::Sdist;
        let s = |name: &str, version: &str| Some((Sdist, name.to_string(), version.to_string()));
        assert_eq!(
            split(None, "demo_pkg-1.3.0rc1.tar.gz"),
            s("demo_pkg", "1.3.0rc1")
        );
        // A legacy name that keeps its `-`: the project's name says where it ends.
        assert_eq!(
            split(Some("demo-pkg"), "demo-pkg-1.3.0.tar.gz"),
            s("demo-pkg", "1.3.0")
        );
        assert_eq!(
            split(Some("Demo.Pkg"), "Demo.Pkg-0.9.zip"),
            s("Demo.Pkg", "0.9")
        );
        assert_eq!(split(Some("a.b-c"), "a_b_c-4.5.6.tgz"), s("a_b_c", "4.5.6"));
        assert_eq!(split(None, "DEMO-1!2.0.TAR.GZ"), s("DEMO", "1!2.0"));
        assert_eq!(
            split(None, "demo-1.0.0+local.7.tar.gz"),
            s("demo", "1.0.0+local.7")
        );
        assert!(parse("demo-1.0.tar.gz", None).unwrap().is_current());
        assert!(!parse("demo-1.0.zip", None).unwrap().is_current());
    }

    #[test]
    fn other_files() {
        for file in [
            "demo-1.0-py2.7.egg",
            "demo-1.0.win32.exe",
            "demo-1.0.tar.gz.asc",
            "demo.tar.gz",
            "demo.zip",
            "-1.0.tar.gz",
            "demo-.tar.gz",
        ] {
            assert_eq!(parse(file, Some("demo")), None, "{file}");
            assert_eq!(parse(file, None), None, "{file}");
        }
    }
}
