//! `verify`: one case per finding id. Each case starts from a fixture, breaks
//! one thing, commits it, and must produce exactly that new finding id.
// Integration tests write fixtures and start servers and tools directly.
#![allow(clippy::disallowed_methods)]
use crate::support;

use std::collections::BTreeSet;

use support::{Fixture, snapshot};

fn ids(fixture: &Fixture, extra: &[&str]) -> (i32, BTreeSet<String>) {
    let mut args = vec!["verify", "--offline", "--format", "json"];
    args.extend_from_slice(extra);
    let out = fixture.run(&args);
    (out.code, support::finding_ids(&out.stdout))
}

/// A `version-files` entry for `VERSION.txt` (pattern `version {version}`), holding `text`.
fn version_file(f: &Fixture, text: &str) {
    edit(
        f,
        "Cargo.toml",
        "[lib]",
        "[[package.metadata.pyrelease.version-files]]\npath = \"VERSION.txt\"\nsearch = \"version {version}\"\n\n[lib]",
    );
    f.write("VERSION.txt", text);
}

/// pyproject.toml's dynamic version made static, at `version`.
fn static_version(f: &Fixture, version: &str) {
    edit(
        f,
        "pyproject.toml",
        "dynamic = [\"version\"]",
        &format!("version = \"{version}\""),
    );
}

fn edit(f: &Fixture, file: &str, from: &str, to: &str) {
    let text = f.read(file);
    assert!(text.contains(from), "`{from}` not in {file}");
    f.write(file, &text.replacen(from, to, 1));
}

/// Moves the clean fixture to another version everywhere it is written.
fn set_version(f: &Fixture, version: &str) {
    for file in ["Cargo.toml", "Cargo.lock", "CHANGELOG.md"] {
        f.write(file, &f.read(file).replace("0.3.1", version));
    }
}

fn commit(f: &Fixture) {
    f.sh("git", &["add", "-A"]);
    f.sh("git", &["commit", "-q", "--allow-empty", "-m", "break it"]);
}

struct Case {
    id: &'static str,
    fixture: &'static str,
    args: &'static [&'static str],
    breaks: fn(&Fixture),
}

const CASES: &[Case] = &[
    Case {
        id: "version-not-pep440",
        fixture: "clean",
        args: &[],
        breaks: |f| set_version(f, "0.3.1-pre.1"),
    },
    Case {
        id: "placeholder-version",
        fixture: "clean",
        args: &[],
        breaks: |f| set_version(f, "0.0.0"),
    },
    Case {
        id: "pyproject-version-mismatch",
        fixture: "clean",
        args: &[],
        breaks: |f| static_version(f, "0.3.0"),
    },
    Case {
        id: "pyproject-version-missing",
        fixture: "clean",
        args: &[],
        breaks: |f| edit(f, "pyproject.toml", "dynamic = [\"version\"]\n", ""),
    },
    Case {
        id: "uv-lock-stale",
        fixture: "clean",
        args: &[],
        breaks: |f| {
            static_version(f, "0.3.1");
            f.write("uv.lock", "version = 1\nrevision = 3\nrequires-python = \">=3.9\"\n\n[[package]]\nname = \"fastparse\"\nversion = \"0.3.0\"\nsource = { editable = \".\" }\n");
        },
    },
    Case {
        id: "version-file-stale",
        fixture: "clean",
        args: &[],
        breaks: |f| version_file(f, "version 0.3.0\n"),
    },
    Case {
        id: "file-invalid",
        fixture: "clean",
        args: &[],
        breaks: |f| edit(f, "Cargo.lock", "version = \"0.3.1\"", "version = 31"),
    },
    Case {
        id: "config-invalid",
        fixture: "clean",
        args: &[],
        breaks: |f| version_file(f, "no version here\n"),
    },
    Case {
        id: "cargo-lock-stale",
        fixture: "clean",
        args: &[],
        breaks: |f| {
            edit(
                f,
                "Cargo.lock",
                "version = \"0.3.1\"",
                "version = \"0.3.0\"",
            )
        },
    },
    Case {
        id: "dependent-requirement-stale",
        fixture: "shape4-wsinh",
        args: &[],
        breaks: |f| {
            edit(
                f,
                "Cargo.toml",
                "version = \"=0.2.0\"",
                "version = \"=0.1.9\"",
            )
        },
    },
    Case {
        id: "changelog-missing",
        fixture: "clean",
        args: &[],
        breaks: |f| std::fs::remove_file(f.path("CHANGELOG.md")).unwrap(),
    },
    Case {
        id: "changelog-no-section",
        fixture: "clean",
        args: &[],
        breaks: |f| edit(f, "CHANGELOG.md", "## [0.3.1] - 2026-07-02", ""),
    },
    Case {
        id: "changelog-section-empty",
        fixture: "clean",
        args: &[],
        breaks: |f| {
            edit(
                f,
                "CHANGELOG.md",
                "### Fixed\n\n- Trailing blank lines are no longer counted as records.\n",
                "",
            )
        },
    },
    Case {
        id: "changelog-date-future",
        fixture: "clean",
        args: &[],
        breaks: |f| {
            edit(
                f,
                "CHANGELOG.md",
                "## [0.3.1] - 2026-07-02",
                "## [0.3.1] - 2099-07-02",
            )
        },
    },
    Case {
        id: "changelog-duplicate-section",
        fixture: "clean",
        args: &[],
        breaks: |f| {
            edit(
                f,
                "CHANGELOG.md",
                "## [0.3.0] - 2026-05-18",
                "## [0.3.1] - 2026-06-01\n\n- Again.\n\n## [0.3.0] - 2026-05-18",
            )
        },
    },
    Case {
        id: "changelog-release-ahead",
        fixture: "clean",
        args: &[],
        breaks: |f| {
            edit(
                f,
                "CHANGELOG.md",
                "## [0.3.1] - 2026-07-02",
                "## [0.4.0] - 2026-07-05\n\n- A release Cargo.toml never had.\n\n## [0.3.1] - 2026-07-02",
            )
        },
    },
    Case {
        id: "changelog-compare-link",
        fixture: "clean",
        args: &[],
        breaks: |f| {
            edit(
                f,
                "CHANGELOG.md",
                "compare/v0.3.0...v0.3.1",
                "compare/v0.3.0...v0.3.2",
            )
        },
    },
    Case {
        id: "tag-mismatch",
        fixture: "clean",
        args: &["--tag", "v0.3.2"],
        breaks: |_| {},
    },
    Case {
        id: "tag-exists",
        fixture: "clean",
        args: &[],
        breaks: |f| {
            f.sh("git", &["tag", "v0.3.1"]);
            f.sh("git", &["commit", "-q", "--allow-empty", "-m", "later"]);
        },
    },
    Case {
        id: "git-branch",
        fixture: "clean",
        args: &[],
        breaks: |f| {
            edit(
                f,
                "Cargo.toml",
                "[lib]",
                "[package.metadata.pyrelease]\nallow-branch = [\"release/*\"]\n\n[lib]",
            )
        },
    },
    Case {
        id: "tag-invalid",
        fixture: "clean",
        args: &[],
        breaks: |f| {
            edit(
                f,
                "Cargo.toml",
                "[lib]",
                "[package.metadata.pyrelease]\ntag-prefix = \"release~\"\n# its compare links name the old prefix\nallow = [\"changelog-compare-link\"]\n\n[lib]",
            )
        },
    },
    Case {
        id: "git-behind",
        fixture: "clean",
        args: &[],
        breaks: |f| {
            f.sh("git", &["branch", "upstream"]);
            f.sh("git", &["checkout", "-q", "upstream"]);
            f.sh("git", &["commit", "-q", "--allow-empty", "-m", "ahead"]);
            f.sh("git", &["checkout", "-q", "main"]);
            f.sh("git", &["branch", "-q", "--set-upstream-to=upstream"]);
        },
    },
    Case {
        id: "pyproject-version-spelling",
        fixture: "prerelease",
        args: &[],
        breaks: |f| {
            edit(
                f,
                "pyproject.toml",
                "version = \"1.0.0\"",
                "version = \"v1.0.0\"",
            )
        },
    },
    Case {
        id: "crate-description",
        fixture: "clean",
        args: &[],
        breaks: |f| {
            edit(
                f,
                "Cargo.toml",
                "description = \"A fast parser for a small line-oriented record format, with Python bindings\"\n",
                "",
            );
            for_crates_io(f);
        },
    },
    Case {
        id: "crate-license",
        fixture: "clean",
        args: &[],
        breaks: |f| {
            edit(f, "Cargo.toml", "license = \"MIT\"\n", "");
            for_crates_io(f);
        },
    },
    Case {
        id: "crate-links",
        fixture: "clean",
        args: &[],
        breaks: |f| {
            edit(
                f,
                "Cargo.toml",
                "repository = \"https://github.com/example/fastparse\"\n",
                "",
            );
            edit(
                f,
                "Cargo.toml",
                "homepage = \"https://github.com/example/fastparse\"\n",
                "",
            );
            edit(
                f,
                "Cargo.toml",
                "documentation = \"https://docs.rs/fastparse\"\n",
                "",
            );
        },
    },
    Case {
        id: "crate-readme",
        fixture: "clean",
        args: &[],
        breaks: |f| {
            edit(
                f,
                "Cargo.toml",
                "readme = \"README.md\"",
                "readme = \"MISSING.md\"",
            )
        },
    },
    Case {
        id: "crate-keywords",
        fixture: "clean",
        args: &[],
        breaks: |f| {
            edit(
                f,
                "Cargo.toml",
                "keywords = [\"parser\", \"records\", \"python\"]",
                "keywords = [\"a\", \"b\", \"c\", \"d\", \"e\", \"f\"]",
            );
            for_crates_io(f);
        },
    },
    Case {
        id: "path-dependency-without-version",
        fixture: "clean",
        args: &[],
        breaks: |f| {
            std::fs::create_dir_all(f.path("helper/src")).unwrap();
            f.write(
                "helper/Cargo.toml",
                "[package]\nname = \"helper\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            );
            f.write("helper/src/lib.rs", "");
            edit(
                f,
                "Cargo.toml",
                "[lib]",
                "[dependencies]\nhelper = { path = \"helper\" }\n\n[lib]",
            );
            edit(
                f,
                "Cargo.toml",
                "\n[workspace]",
                "\n[workspace]\nmembers = [\"helper\"]",
            );
            for_crates_io(f);
        },
    },
    Case {
        id: "unpublished-dependency",
        fixture: "shape4-wsinh",
        args: &[],
        breaks: |f| {
            edit(
                f,
                "crates/app-cli-util/Cargo.toml",
                "[dev-dependencies]",
                "publish = false\n\n[dev-dependencies]",
            )
        },
    },
    Case {
        id: "pypi-name",
        fixture: "clean",
        args: &[],
        breaks: |f| {
            edit(
                f,
                "pyproject.toml",
                "name = \"fastparse\"",
                "name = \"Fast_Parse\"",
            )
        },
    },
    Case {
        id: "pypi-requires-python",
        fixture: "clean",
        args: &[],
        breaks: |f| edit(f, "pyproject.toml", "requires-python = \">=3.9\"\n", ""),
    },
    Case {
        id: "pypi-readme",
        fixture: "clean",
        args: &[],
        breaks: |f| edit(f, "pyproject.toml", "readme = \"README.md\"\n", ""),
    },
    Case {
        id: "pypi-license",
        fixture: "clean",
        args: &[],
        breaks: |f| {
            edit(f, "pyproject.toml", "license = \"MIT\"\n", "");
            edit(f, "pyproject.toml", "license-files = [\"LICENSE\"]\n", "");
        },
    },
    Case {
        id: "pypi-classifier",
        fixture: "clean",
        args: &[],
        breaks: |f| {
            edit(
                f,
                "pyproject.toml",
                "    \"Topic :: Text Processing\",\n",
                "    \"Topic :: Text Processing\",\n    \"Programming Language :: Cobol :: 9\",\n",
            )
        },
    },
    Case {
        id: "pypi-rust-classifier",
        fixture: "clean",
        args: &[],
        breaks: |f| {
            edit(
                f,
                "pyproject.toml",
                "    \"Programming Language :: Rust\",\n",
                "",
            )
        },
    },
];

/// Says in the manifest that the crate goes to crates.io: without it, a bindings crate whose
/// manifest crates.io would refuse is taken for PyPI-only (not published there, no finding).
fn for_crates_io(f: &Fixture) {
    edit(
        f,
        "Cargo.toml",
        "edition = \"2021\"\n",
        "edition = \"2021\"\npublish = true\n",
    );
}

/// The ids only an online `verify` (registries, API comparison) or `--docs` reports:
/// tests/verify_online.rs, tests/breaking.rs and tests/registry_lookup.rs have their cases.
const ONLINE: &[&str] = &[
    "crate-name-taken",
    "crate-already-published",
    "crate-on-registry-not-published",
    "crate-version-not-higher",
    "pypi-already-published",
    "pypi-version-not-higher",
    "registry-unreachable",
    "semver-breaking",
    "python-api-breaking",
    "breaking-not-in-changelog",
    "breaking-unmentioned",
    "docs-build-failed",
    "api-check-failed",
];

#[test]
fn the_clean_fixture_has_no_findings() {
    let fixture = Fixture::git("clean");
    let out = fixture.run(&["verify", "--offline"]);
    assert_eq!(out.code, 0, "{}", out.render(&fixture.root));
    snapshot("verify/clean.txt", &out.render(&fixture.root));
    assert_eq!(ids(&fixture, &[]), (0, BTreeSet::new()));
}

#[test]
fn each_case_triggers_exactly_its_finding() {
    let documented: BTreeSet<&str> = cargo_pyrelease::diag::FindingId::all()
        .map(|id| id.as_str())
        .filter(|id| !ONLINE.contains(id))
        .collect();
    let mut covered = BTreeSet::new();
    for case in CASES {
        let fixture = Fixture::git(case.fixture);
        let (_, baseline) = ids(&fixture, case.args_without_tag());
        (case.breaks)(&fixture);
        commit(&fixture);
        let before = fixture.tree();
        let (code, found) = ids(&fixture, case.args);
        let new: BTreeSet<String> = found.difference(&baseline).cloned().collect();
        assert_eq!(
            new,
            BTreeSet::from([case.id.to_string()]),
            "case {}",
            case.id
        );
        let mut args = vec!["verify", "--offline"];
        args.extend_from_slice(case.args);
        let out = fixture.run(&args);
        assert_eq!(out.code, code);
        // The date-future finding quotes today's date: redacted, so the snapshot holds
        // on any day.
        snapshot(
            &format!("verify/{}.txt", case.id),
            &out.render(&fixture.root)
                .replace(&cargo_pyrelease::ops::today_utc(), "[TODAY]"),
        );
        assert_eq!(before, fixture.tree(), "verify changed files ({})", case.id);
        covered.insert(case.id);
    }
    // git-dirty has its own test below; every other documented id has a case.
    let missing: Vec<_> = documented
        .difference(&covered)
        .filter(|id| **id != "git-dirty")
        .collect();
    assert!(
        missing.is_empty(),
        "finding ids without a case: {missing:?}"
    );
}

impl Case {
    fn args_without_tag(&self) -> &'static [&'static str] {
        if self.id == "tag-mismatch" {
            &[]
        } else {
            self.args
        }
    }
}

#[test]
fn uncommitted_changes_are_a_finding() {
    let fixture = Fixture::git("clean");
    fixture.write("notes.txt", "wip\n");
    let (code, found) = ids(&fixture, &[]);
    assert_eq!(
        (code, found),
        (1, BTreeSet::from(["git-dirty".to_string()]))
    );
}

#[test]
fn allowed_ids_are_not_reported_and_warnings_can_be_denied() {
    let fixture = Fixture::git("clean");
    edit(
        &fixture,
        "pyproject.toml",
        "requires-python = \">=3.9\"\n",
        "",
    );
    commit(&fixture);
    // A warning alone passes, unless warnings are denied.
    assert_eq!(ids(&fixture, &[]).0, 0);
    assert_eq!(ids(&fixture, &["--deny-warnings"]).0, 1);
    edit(
        &fixture,
        "Cargo.toml",
        "[lib]",
        "[package.metadata.pyrelease]\nallow = [\"pypi-requires-python\"]\n\n[lib]",
    );
    commit(&fixture);
    assert_eq!(ids(&fixture, &["--deny-warnings"]), (0, BTreeSet::new()));
}

#[test]
fn an_unknown_allowed_id_is_a_configuration_error() {
    let fixture = Fixture::git("clean");
    edit(
        &fixture,
        "Cargo.toml",
        "[lib]",
        "[package.metadata.pyrelease]\nallow = [\n  \"git-dirty\",\n  \"git-dirt\",\n]\n\n[lib]",
    );
    commit(&fixture);
    let out = fixture.run(&["verify", "--offline"]);
    assert_eq!(out.code, 2, "{}", out.render(&fixture.root));
    snapshot("verify/allow-unknown-id.txt", &out.render(&fixture.root));
}

#[test]
fn the_tag_comes_from_github_actions_on_a_tag_push() {
    let fixture = Fixture::git("clean");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-pyrelease"))
        .args(["verify", "--offline", "--format", "json"])
        .current_dir(&fixture.root)
        .env("GITHUB_REF_TYPE", "tag")
        .env("GITHUB_REF_NAME", "v9.0.0")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("\"tag-mismatch\""));
}

/// Runs `verify` and `bump` on one state; both must exit with the same code (a state
/// `verify` reports as an error is a failed check, 1, from `bump` too), and `bump`
/// must leave the tree as it was.
fn same_code_from_bump_and_verify(fixture: &Fixture, bump: &[&str], id: &str) {
    let before = fixture.tree();
    let (verify_code, found) = ids(fixture, &[]);
    assert!(found.contains(id), "verify did not report {id}: {found:?}");
    let mut args = vec!["bump"];
    args.extend_from_slice(bump);
    let out = fixture.run(&args);
    let text = out.render(&fixture.root);
    assert_eq!((verify_code, out.code), (1, 1), "{id}:\n{text}");
    assert!(out.stderr.contains(&format!("error[{id}]")), "{text}");
    assert_eq!(before, fixture.tree(), "bump changed files ({id})");
}

#[test]
fn a_dirty_tree_exits_1_from_bump_and_verify() {
    let fixture = Fixture::git("clean");
    fixture.write("notes.txt", "wip\n");
    same_code_from_bump_and_verify(&fixture, &["patch"], "git-dirty");
}

#[test]
fn an_existing_tag_exits_1_from_bump_and_verify() {
    let fixture = Fixture::git("clean");
    // Both tags on an earlier commit: verify releases 0.3.1, bump makes 0.3.2.
    fixture.sh("git", &["tag", "v0.3.1"]);
    fixture.sh("git", &["tag", "v0.3.2"]);
    fixture.sh("git", &["commit", "-q", "--allow-empty", "-m", "later"]);
    same_code_from_bump_and_verify(&fixture, &["patch", "--commit", "--tag"], "tag-exists");
}

#[test]
fn an_empty_changelog_section_exits_1_from_bump_and_verify() {
    let fixture = Fixture::git("clean");
    // The section each releases is empty: 0.3.1's for verify, Unreleased for bump.
    edit(
        &fixture,
        "CHANGELOG.md",
        "### Fixed\n\n- Trailing blank lines are no longer counted as records.\n",
        "",
    );
    edit(
        &fixture,
        "CHANGELOG.md",
        "### Added\n\n- `count_records` accepts CRLF line endings.\n",
        "",
    );
    commit(&fixture);
    same_code_from_bump_and_verify(&fixture, &["patch"], "changelog-section-empty");
}

/// crates.io refuses a `license` that is not an SPDX expression at upload, when the
/// crates before it may be out already: `verify` says so first, at its line.
#[test]
fn a_license_crates_io_refuses_is_an_error_at_its_line() {
    let fixture = Fixture::git("clean");
    edit(
        &fixture,
        "Cargo.toml",
        "license = \"MIT\"",
        "license = \"BSD License (BSD)\"",
    );
    for_crates_io(&fixture);
    commit(&fixture);
    let out = fixture.run(&["verify", "--offline"]);
    let text = out.render(&fixture.root);
    assert_eq!(out.code, 1, "{text}");
    for says in [
        "error[crate-license]",
        "Cargo.toml:9",
        "`license = \"BSD License (BSD)\"`, which crates.io refuses",
        "`BSD`: unknown term",
    ] {
        assert!(text.contains(says), "no `{says}` in:\n{text}");
    }
    let (_, ids) = ids(&fixture, &[]);
    assert_eq!(ids, BTreeSet::from(["crate-license".to_string()]));
}
