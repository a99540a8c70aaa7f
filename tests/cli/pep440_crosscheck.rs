//! Cross-check of the semver -> PEP 440 translation against Python's own `packaging`, the
//! library pip and PyPI tooling use, so the predicted wheel versions are not only what
//! `pep440_rs` says but what Python says too.
//!
//! Needs `python3` with `packaging` importable (pip's vendored copy is enough). Without it the
//! test fails rather than skips: a silently skipped cross-check checks nothing.
// Integration tests write fixtures and start servers and tools directly.
#![allow(clippy::disallowed_methods)]

use std::io::Write;
use std::process::{Command, Stdio};

use cargo_pyrelease::version::to_pep440;
use cargo_pyrelease::version::{VersionError, pep440_to_semver};

/// Why a Cargo version is refused, which is also what Python must confirm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Why {
    /// packaging rejects the string too.
    Invalid,
    /// packaging reads a post-release, which sorts above the release.
    Post,
    /// packaging reads a local version label, which PyPI rejects.
    Local,
    /// packaging reads a different pre-release word.
    Renamed,
    /// packaging lowercases the word, so the two spellings sort differently.
    Capitals,
}

enum Expect {
    Accept(&'static str),
    Refuse(Why),
}

use Expect::{Accept, Refuse};
use Why::{Capitals, Invalid, Local, Post, Renamed};

const TABLE: &[(&str, Expect)] = &[
    // releases
    ("0.0.0", Accept("0.0.0")),
    ("0.1.0", Accept("0.1.0")),
    ("1.2.0", Accept("1.2.0")),
    ("10.20.30", Accept("10.20.30")),
    // alpha
    ("1.2.0-alpha.1", Accept("1.2.0a1")),
    ("1.2.0-alpha.0", Accept("1.2.0a0")),
    ("1.2.0-alpha", Accept("1.2.0a0")),
    ("1.2.0-alpha1", Accept("1.2.0a1")),
    ("1.2.0-alpha-1", Accept("1.2.0a1")),
    ("1.2.0-a.1", Accept("1.2.0a1")),
    ("1.2.0-a1", Accept("1.2.0a1")),
    ("1.2.0-a", Accept("1.2.0a0")),
    ("0.3.1-alpha.1", Accept("0.3.1a1")),
    ("0.0.1-alpha.35", Accept("0.0.1a35")),
    // beta
    ("1.2.0-beta.2", Accept("1.2.0b2")),
    ("1.2.0-beta", Accept("1.2.0b0")),
    ("1.2.0-beta2", Accept("1.2.0b2")),
    ("1.2.0-b.3", Accept("1.2.0b3")),
    ("1.2.0-b", Accept("1.2.0b0")),
    ("1.0.0-beta", Accept("1.0.0b0")),
    // rc
    ("1.2.0-rc.1", Accept("1.2.0rc1")),
    ("1.2.0-rc.0", Accept("1.2.0rc0")),
    ("1.2.0-rc0", Accept("1.2.0rc0")),
    ("1.2.0-rc", Accept("1.2.0rc0")),
    ("1.2.0-rc.12", Accept("1.2.0rc12")),
    ("1.0.0-rc.2", Accept("1.0.0rc2")),
    // dev
    ("1.2.0-dev.3", Accept("1.2.0.dev3")),
    ("1.2.0-dev.0", Accept("1.2.0.dev0")),
    ("1.2.0-dev", Accept("1.2.0.dev0")),
    ("1.2.0-dev3", Accept("1.2.0.dev3")),
    ("2.0.0-dev.3", Accept("2.0.0.dev3")),
    // pre-release plus dev
    ("1.2.0-alpha.1.dev.2", Accept("1.2.0a1.dev2")),
    ("1.2.0-beta.1.dev", Accept("1.2.0b1.dev0")),
    ("1.2.0-rc.1.dev.0", Accept("1.2.0rc1.dev0")),
    // not PEP 440 at all
    ("1.2.0-alpha.1.2", Refuse(Invalid)),
    ("1.2.0-alpha.1.2.3", Refuse(Invalid)),
    ("1.2.0-rc.2.3", Refuse(Invalid)),
    ("1.2.0-nightly.1", Refuse(Invalid)),
    ("1.2.0-snapshot", Refuse(Invalid)),
    ("1.2.0-foo", Refuse(Invalid)),
    ("1.2.0-alpha.beta", Refuse(Invalid)),
    ("1.2.0-beta.x", Refuse(Invalid)),
    ("1.2.0-dev.1.alpha", Refuse(Invalid)),
    ("1.2.0-1.2", Refuse(Invalid)),
    // post-releases: above the release in Python, below it in semver
    ("1.2.0-1", Refuse(Post)),
    ("1.2.0-0", Refuse(Post)),
    ("1.2.0-post.1", Refuse(Post)),
    ("1.2.0-post1", Refuse(Post)),
    ("1.2.0-post", Refuse(Post)),
    ("1.2.0-r.1", Refuse(Post)),
    ("1.2.0-rev.1", Refuse(Post)),
    ("1.0.0-post.1", Refuse(Post)),
    ("1.2.0-alpha.1.post.1", Refuse(Post)),
    ("1.2.0-1.dev.2", Refuse(Post)),
    // build metadata becomes a local version
    ("1.2.0+abc", Refuse(Local)),
    ("1.0.0+abc", Refuse(Local)),
    ("1.2.0+build.5", Refuse(Local)),
    ("1.2.0+20240101", Refuse(Local)),
    ("1.2.0-rc.1+abc", Refuse(Local)),
    // words that become another word
    ("1.2.0-pre.1", Refuse(Renamed)),
    ("1.0.0-pre.1", Refuse(Renamed)),
    ("1.2.0-pre", Refuse(Renamed)),
    ("1.2.0-preview.1", Refuse(Renamed)),
    ("1.2.0-preview", Refuse(Renamed)),
    ("1.2.0-c.1", Refuse(Renamed)),
    ("1.2.0-c1", Refuse(Renamed)),
    // capitals, which semver sorts before every lowercase word
    ("1.2.0-RC.1", Refuse(Capitals)),
    ("1.2.0-Alpha.1", Refuse(Capitals)),
    ("1.2.0-BETA", Refuse(Capitals)),
    ("1.2.0-DEV.2", Refuse(Capitals)),
];

const SCRIPT: &str = r#"
import sys
try:
    from packaging.version import Version, InvalidVersion
    source = "packaging"
except ImportError:
    try:
        from pip._vendor.packaging.version import Version, InvalidVersion
        source = "pip._vendor.packaging"
    except ImportError:
        sys.stderr.write("neither `packaging` nor `pip._vendor.packaging` can be imported\n")
        sys.exit(3)
print("source\t" + source)
for line in sys.stdin.read().splitlines():
    try:
        print("ok\t" + str(Version(line)))
    except InvalidVersion:
        print("invalid\t")
"#;

/// `str(packaging.version.Version(s))` for every row, `None` where packaging rejects it.
fn python_canonical(versions: &[&str]) -> Vec<Option<String>> {
    let mut child = Command::new("python3")
        .arg("-c")
        .arg(SCRIPT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|err| {
            panic!("cannot run `python3` for the PEP 440 cross-check ({err}); install Python 3")
        });
    {
        let mut stdin = child.stdin.take().expect("piped stdin");
        for v in versions {
            writeln!(stdin, "{v}").expect("write the version table to python3");
        }
    }
    let out = child.wait_with_output().expect("wait for python3");
    assert!(
        out.status.success(),
        "the PEP 440 cross-check needs Python's `packaging` and could not import it \
         (python3 exited with {}): {}\n`source scripts/tools.sh` puts a python3 that has it first on PATH \
         (or `python3 -m pip install packaging`)",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("python3 prints UTF-8");
    let mut lines = stdout.lines();
    let source = lines
        .next()
        .and_then(|l| l.strip_prefix("source\t"))
        .expect("python3 names its packaging source");
    eprintln!("cross-checking against {source}");
    let results: Vec<Option<String>> = lines
        .map(|line| match line.split_once('\t') {
            Some(("ok", canonical)) => Some(canonical.to_string()),
            Some(("invalid", _)) => None,
            _ => panic!("unexpected line from python3: {line:?}"),
        })
        .collect();
    assert_eq!(results.len(), versions.len(), "python3 answered every row");
    results
}

/// Versions named in backticks in a help text that are Cargo versions.
fn suggested_versions(help: &str) -> Vec<semver::Version> {
    help.split('`')
        .skip(1)
        .step_by(2)
        .filter_map(|s| semver::Version::parse(s).ok())
        .collect()
}

fn check_refusal(cargo: &str, err: &VersionError, why: Why, python: Option<&str>) {
    let help = err
        .help
        .as_deref()
        .unwrap_or_else(|| panic!("`{cargo}`: refusal without help: {err}"));
    assert!(
        err.message.contains(&format!("`{cargo}`")),
        "`{cargo}`: the message names the version: {err}"
    );
    // Every version the help proposes must itself be accepted.
    for suggestion in suggested_versions(help) {
        if suggestion.to_string() != cargo {
            to_pep440(&suggestion)
                .unwrap_or_else(|e| panic!("`{cargo}`: help suggests refused `{suggestion}`: {e}"));
        }
    }
    let pre_word: String = cargo
        .split_once('-')
        .map(|(_, pre)| {
            pre.chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect()
        })
        .unwrap_or_default();
    match (why, python) {
        (Invalid, None) => assert!(err.message.contains("cannot turn"), "`{cargo}`: {err}"),
        (Invalid, Some(p)) => panic!("`{cargo}`: packaging reads it as `{p}`; update the table"),
        (_, None) => panic!("`{cargo}`: packaging rejects it, but the table says {why:?}"),
        (Post, Some(p)) => {
            assert!(
                p.contains(".post"),
                "`{cargo}`: packaging reads `{p}`, no post-release"
            );
            assert!(err.message.contains("post-release"), "`{cargo}`: {err}");
        }
        (Local, Some(p)) => {
            assert!(
                p.contains('+'),
                "`{cargo}`: packaging reads `{p}`, no local label"
            );
            assert!(err.message.contains("local version"), "`{cargo}`: {err}");
        }
        (Renamed, Some(p)) => {
            assert!(!pre_word.is_empty(), "`{cargo}`: no pre-release word");
            let tail = &p[p.find(|c: char| c.is_ascii_alphabetic()).expect("a word")..];
            assert!(
                !tail.starts_with(&pre_word),
                "`{cargo}`: packaging keeps the word `{pre_word}` (`{p}`)"
            );
            assert!(err.message.contains(&format!("`{p}`")), "`{cargo}`: {err}");
        }
        (Capitals, Some(p)) => {
            assert!(
                pre_word.chars().any(|c| c.is_ascii_uppercase()),
                "`{cargo}`"
            );
            assert!(
                !p.contains(&pre_word) && p == p.to_lowercase(),
                "`{cargo}`: packaging keeps the capitals (`{p}`)"
            );
            assert!(err.message.contains("capitals"), "`{cargo}`: {err}");
        }
    }
}

#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs Python's `packaging`: scripts/test.sh runs it"
)]
fn translation_matches_python_packaging() {
    assert!(TABLE.len() >= 50, "the table covers at least 50 versions");
    let versions: Vec<&str> = TABLE.iter().map(|(v, _)| *v).collect();
    let python = python_canonical(&versions);

    let mut failures = Vec::new();
    for ((cargo, expect), python) in TABLE.iter().zip(&python) {
        let v = semver::Version::parse(cargo)
            .unwrap_or_else(|e| panic!("`{cargo}` in the table is not a Cargo version: {e}"));
        let ours = to_pep440(&v);
        let result = std::panic::catch_unwind(|| match (expect, &ours) {
            (Accept(canonical), Ok(pep)) => {
                assert_eq!(pep.to_string(), *canonical, "`{cargo}`: our spelling");
                assert_eq!(
                    python.as_deref(),
                    Some(*canonical),
                    "`{cargo}`: packaging's spelling"
                );
                let back = pep440_to_semver(canonical)
                    .unwrap_or_else(|e| panic!("`{cargo}`: reading `{canonical}` back: {e}"));
                assert_eq!(
                    to_pep440(&back).map(|p| p.to_string()).ok().as_deref(),
                    Some(*canonical),
                    "`{cargo}`: `{canonical}` read back as `{back}`"
                );
            }
            (Accept(canonical), Err(err)) => {
                panic!("`{cargo}` should become `{canonical}`, refused: {err}")
            }
            (Refuse(why), Ok(pep)) => panic!("`{cargo}` ({why:?}) accepted as `{pep}`"),
            (Refuse(why), Err(err)) => check_refusal(cargo, err, *why, python.as_deref()),
        });
        if let Err(panic) = result {
            let text = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(text);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows disagree:\n{}",
        failures.len(),
        TABLE.len(),
        failures.join("\n")
    );
}
