//! `bump`: one new version everywhere, the changelog rolled, atomically.
//!
//! Dry runs and every refusal leave the tree byte-identical; real bumps are
//! snapshotted as `git diff` (or the changed file) and then checked with
//! `sync --check`, `cargo metadata --locked` and `cargo build --offline --locked`.
// Integration tests write fixtures and start servers and tools directly.
#![allow(clippy::disallowed_methods)]
use crate::support;

use std::path::Path;
use std::process::Command;

use support::{Fixture, Output, assert_same_tree, snapshot};

const DATE: &str = "2026-11-25";

/// `bump ARGS --date DATE`.
fn bump(fixture: &Fixture, args: &[&str]) -> Output {
    let mut all = vec!["bump"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--date", DATE]);
    fixture.run(&all)
}

/// A bump that must succeed; returns its rendered output.
#[track_caller]
fn bump_ok(fixture: &Fixture, args: &[&str]) -> String {
    let out = bump(fixture, args);
    let text = out.render(&fixture.root);
    assert_eq!(out.code, 0, "bump {args:?}:\n{text}");
    text
}

/// The `version = "..."` value of the first line starting with `key = `.
fn value_of(text: &str, key: &str) -> String {
    let prefix = format!("{key} = \"");
    let line = text
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no `{key} = ` line in:\n{text}"));
    line[prefix.len()..line.len() - 1].to_string()
}

/// The version recorded for `name` in a Cargo.lock or uv.lock.
fn lock_version(text: &str, name: &str) -> String {
    let entry = format!("name = \"{name}\"\nversion = \"");
    let at = text
        .find(&entry)
        .unwrap_or_else(|| panic!("no `{name}` in the lock file"))
        + entry.len();
    text[at..text[at..].find('"').unwrap() + at].to_string()
}

/// Appends a `[[workspace.metadata.pyrelease.version-files]]` entry to the root manifest.
fn add_version_file(fixture: &Fixture, entry: &str) {
    let manifest = fixture.read("Cargo.toml");
    fixture.write(
        "Cargo.toml",
        &format!("{manifest}\n[[workspace.metadata.pyrelease.version-files]]\n{entry}\n"),
    );
}

// ---------------------------------------------------------------------------------------------
// Dry runs: every level on shape1 and shape4, minor on every other shape.

const ALL_LEVELS: &[&str] = &[
    "major", "minor", "patch", "alpha", "beta", "rc", "dev", "release",
];

/// Snapshots `bump LEVEL --dry-run` on `shape`; `release` is shown from a
/// release candidate (a real `bump minor --pre rc` first), since a release
/// has nothing to drop.
fn dry_runs(shape: &str, levels: &[&str]) {
    for level in levels {
        let fixture = Fixture::new(shape);
        if *level == "release" {
            bump_ok(&fixture, &["minor", "--pre", "rc", "--allow-dirty"]);
        }
        let before = fixture.tree();
        // The rc took the notes; the release gathers them from the rc's section.
        let args = [*level, "--dry-run", "--allow-dirty"];
        let out = bump(&fixture, &args);
        let text = out.render(&fixture.root);
        assert_eq!(out.code, 0, "{shape} {level}:\n{text}");
        assert!(
            out.stdout.contains("+++ b/"),
            "{shape} {level}: no diff:\n{text}"
        );
        assert!(out.stderr.contains("nothing was changed"), "{text}");
        snapshot(&format!("bump/dry-run/{shape}-{level}.txt"), &text);
        assert_same_tree(
            &before,
            &fixture.tree(),
            &format!("{shape} {level} --dry-run"),
        );
    }
}

#[test]
fn dry_run_shape1_every_level() {
    dry_runs("shape1-dynamic", ALL_LEVELS);
}

#[test]
fn dry_run_shape4_every_level() {
    dry_runs("shape4-wsinh", ALL_LEVELS);
}

#[test]
fn dry_run_minor_on_every_other_shape() {
    for shape in [
        "shape2-static",
        "shape3-lines",
        "shape5-bindings",
        "shape5-noroot",
        "shape6-packaging",
        "shape9-noproject",
        "shape9-noversion",
    ] {
        dry_runs(shape, &["minor"]);
    }
}

/// `--pre` with a level, and an explicit version (with a `v`, as people type tags).
#[test]
fn dry_run_pre_with_a_level_and_an_explicit_version() {
    for (args, name) in [
        (&["minor", "--pre", "rc"][..], "minor-pre-rc"),
        (&["major", "--pre", "alpha"], "major-pre-alpha"),
        (&["patch", "--pre", "dev"], "patch-pre-dev"),
        (&["v4.0.0-beta.2"], "explicit"),
    ] {
        let fixture = Fixture::new("shape2-static");
        let before = fixture.tree();
        let mut all = args.to_vec();
        all.push("--dry-run");
        let out = bump(&fixture, &all);
        let text = out.render(&fixture.root);
        assert_eq!(out.code, 0, "{args:?}:\n{text}");
        snapshot(&format!("bump/dry-run/shape2-static-{name}.txt"), &text);
        assert_same_tree(&before, &fixture.tree(), name);
    }
}

/// Every level from a pre-release (npm semantics: the level a pre-release
/// belongs to finishes it), read from the `Bumping` status line.
#[test]
fn levels_from_a_pre_release() {
    let fixture = Fixture::new("prerelease");
    bump_ok(&fixture, &["minor", "--pre", "beta"]);
    let before = fixture.tree();
    for (args, expect) in [
        (&["beta"][..], Ok("1.1.0-beta.2 (PEP 440: 1.1.0b2)")),
        (&["rc"], Ok("1.1.0-rc.1 (PEP 440: 1.1.0rc1)")),
        (&["patch"], Ok("1.1.0 (PEP 440: 1.1.0)")),
        (&["minor"], Ok("1.1.0 (PEP 440: 1.1.0)")),
        (&["major"], Ok("2.0.0 (PEP 440: 2.0.0)")),
        (&["release"], Ok("1.1.0 (PEP 440: 1.1.0)")),
        (
            &["minor", "--pre", "alpha"],
            Ok("1.2.0-alpha.1 (PEP 440: 1.2.0a1)"),
        ),
        (&["1.1.0-beta.2"], Ok("1.1.0-beta.2 (PEP 440: 1.1.0b2)")),
        (&["alpha"], Err("would go backwards")),
        (&["dev"], Err("below it in PEP 440")),
        (&["1.1.0-alpha.3"], Err("is lower than `1.1.0-beta.1`")),
    ] {
        let mut all = args.to_vec();
        all.extend_from_slice(&["--dry-run", "--allow-empty-changelog"]);
        let out = bump(&fixture, &all);
        let text = out.render(&fixture.root);
        match expect {
            Ok(new) => {
                assert_eq!(out.code, 0, "{args:?}:\n{text}");
                let line = format!("Bumping seqpkg 1.1.0-beta.1 -> {new}\n");
                assert!(
                    out.stderr.contains(&line),
                    "{args:?}: expected `{line}` in:\n{text}"
                );
            }
            Err(message) => {
                assert_eq!(out.code, 2, "{args:?}:\n{text}");
                assert!(
                    out.stderr.contains(message),
                    "{args:?}: expected `{message}` in:\n{text}"
                );
            }
        }
    }
    assert_same_tree(&before, &fixture.tree(), "dry runs");
}

// ---------------------------------------------------------------------------------------------
// Real bumps.

/// 1.0.0 -> 1.1.0-alpha.1 -> alpha.2 -> beta.1 -> rc.1 -> 1.1.0, one real bump
/// at a time: Cargo spells semver, pyproject and uv.lock PEP 440, and the
/// changelog gets one section per step.
#[test]
fn pre_release_sequence() {
    let fixture = Fixture::new("prerelease");
    let steps: &[(&[&str], &str, &str)] = &[
        (&["minor", "--pre", "alpha"], "1.1.0-alpha.1", "1.1.0a1"),
        (
            &["alpha", "--allow-empty-changelog"],
            "1.1.0-alpha.2",
            "1.1.0a2",
        ),
        (
            &["beta", "--allow-empty-changelog"],
            "1.1.0-beta.1",
            "1.1.0b1",
        ),
        (&["rc", "--allow-empty-changelog"], "1.1.0-rc.1", "1.1.0rc1"),
        (&["release", "--allow-empty-changelog"], "1.1.0", "1.1.0"),
    ];
    let mut log = String::new();
    for (args, semver, pep440) in steps {
        if *semver == "1.1.0" {
            // npm semantics: the level a pre-release belongs to finishes it, like `release`.
            let out = bump(&fixture, &["minor", "--dry-run", "--allow-empty-changelog"]);
            assert_eq!(out.code, 0, "{}", out.render(&fixture.root));
            assert!(
                out.stderr.contains("1.1.0-rc.1 -> 1.1.0 "),
                "{}",
                out.stderr
            );
        }
        let text = bump_ok(&fixture, args);
        log.push_str(&format!("=== bump {}\n{text}", args.join(" ")));
        assert_eq!(value_of(&fixture.read("Cargo.toml"), "version"), *semver);
        assert_eq!(lock_version(&fixture.read("Cargo.lock"), "seqpkg"), *semver);
        assert_eq!(
            value_of(&fixture.read("pyproject.toml"), "version"),
            *pep440
        );
        assert_eq!(lock_version(&fixture.read("uv.lock"), "seqpkg"), *pep440);
        let check = fixture.run(&["sync", "--check"]);
        assert_eq!(
            check.code,
            0,
            "after {semver}: {}",
            check.render(&fixture.root)
        );
    }
    snapshot("bump/prerelease-sequence.txt", &log);
    let changelog = fixture.read("CHANGELOG.md");
    for (_, semver, _) in steps {
        let heading = format!("## [{semver}] - {DATE}\n");
        assert_eq!(
            changelog.matches(&heading).count(),
            1,
            "{heading} in:\n{changelog}"
        );
    }
    snapshot("bump/prerelease-CHANGELOG.md", &changelog);
    assert_builds(&fixture, &["Cargo.toml"]);
}

/// shape4: `=`, bare and `~` requirements on released crates move, operators kept.
#[test]
fn workspace_pins_move_with_their_operators() {
    let fixture = Fixture::git("shape4-wsinh");
    let text = bump_ok(&fixture, &["minor"]);
    snapshot("bump/shape4-wsinh-minor.txt", &text);
    let root = fixture.read("Cargo.toml");
    assert!(
        root.contains("app-core = { path = \"crates/app-core\", version = \"=0.3.0\" }"),
        "{root}"
    );
    assert!(
        root.contains("app-cli-util = { path = \"crates/app-cli-util\", version = \"0.3.0\" }"),
        "{root}"
    );
    let util = fixture.read("crates/app-cli-util/Cargo.toml");
    assert!(
        util.contains("app-core = { path = \"../app-core\", version = \"~0.3.0\" }"),
        "{util}"
    );
    let lock = fixture.read("Cargo.lock");
    for name in ["app", "app-core", "app-cli-util"] {
        assert_eq!(lock_version(&lock, name), "0.3.0", "{name}");
    }
    snapshot(
        "bump/shape4-wsinh-minor.diff",
        &fixture.sh("git", &["diff"]),
    );
    assert_builds(&fixture, &["Cargo.toml"]);
}

/// shape3: the 0.16.4 line moves; the 0.0.10 line (tool_ast, tool_diagnostics),
/// the 0.0.0 dev crate's own version and the unconfigured docs stay.
#[test]
fn only_one_version_line_moves() {
    let fixture = Fixture::git("shape3-lines");
    let before = fixture.tree();
    bump_ok(&fixture, &["patch"]);
    let after = fixture.tree();
    for file in [
        "crates/tool_ast/Cargo.toml",
        "crates/tool_diagnostics/Cargo.toml",
        "docs/index.md",
        "docs/pyproject.toml",
        "crates/tool/pyproject.toml",
        "templates/{{ name }}/pyproject.toml",
        ".venv/lib/pkg/pyproject.toml",
    ] {
        assert_eq!(
            before[Path::new(file)],
            after[Path::new(file)],
            "{file} changed"
        );
    }
    let root = fixture.read("Cargo.toml");
    assert!(
        root.contains("tool_linter = { path = \"crates/tool_linter\", version = \"0.16.5\" }"),
        "{root}"
    );
    assert!(
        root.contains("tool_ast = { path = \"crates/tool_ast\", version = \"0.0.10\" }"),
        "{root}"
    );
    assert!(
        root.contains(
            "tool_diagnostics = { path = \"crates/tool_diagnostics\", version = \"0.0.10\" }"
        ),
        "{root}"
    );
    let lock = fixture.read("Cargo.lock");
    for (name, version) in [
        ("tool", "0.16.5"),
        ("tool_linter", "0.16.5"),
        ("tool_wasm", "0.16.5"),
        ("tool_ast", "0.0.10"),
        ("tool_diagnostics", "0.0.10"),
        ("tool_dev", "0.0.0"),
    ] {
        assert_eq!(lock_version(&lock, name), version, "{name}");
    }
    assert_eq!(
        value_of(&fixture.read("crates/tool_dev/Cargo.toml"), "version"),
        "0.0.0"
    );
    snapshot(
        "bump/shape3-lines-patch.diff",
        &fixture.sh("git", &["diff"]),
    );
    assert_builds(&fixture, &["Cargo.toml"]);
}

/// shape2 with `version-files` configured: `__version__` in PEP 440, a README
/// line in semver, next to the static pyproject and uv.lock.
#[test]
fn static_pyproject_uv_lock_and_version_files() {
    let fixture = Fixture::new("shape2-static");
    add_version_file(
        &fixture,
        "path = \"python/quickjson/__init__.py\"\nsearch = '__version__ = \"{version}\"'\nspelling = \"pep440\"",
    );
    add_version_file(
        &fixture,
        "path = \"README.md\"\nsearch = \"cargo add quickjson@{version}\"",
    );
    let readme = fixture.read("README.md");
    fixture.write(
        "README.md",
        &format!("{readme}\n```\ncargo add quickjson@3.11.8\n```\n"),
    );
    fixture.sh("git", &["init", "-q", "-b", "main"]);
    fixture.sh("git", &["add", "-A"]);
    fixture.sh("git", &["commit", "-q", "-m", "initial"]);

    let text = bump_ok(&fixture, &["minor", "--pre", "rc"]);
    snapshot("bump/shape2-static-version-files.txt", &text);
    let init = fixture.read("python/quickjson/__init__.py");
    assert!(init.contains("__version__ = \"3.12.0rc1\"\n"), "{init}");
    assert!(
        fixture
            .read("README.md")
            .contains("cargo add quickjson@3.12.0-rc.1\n")
    );
    assert_eq!(
        value_of(&fixture.read("pyproject.toml"), "version"),
        "3.12.0rc1"
    );
    assert_eq!(
        lock_version(&fixture.read("uv.lock"), "quickjson"),
        "3.12.0rc1"
    );
    assert_eq!(
        lock_version(&fixture.read("Cargo.lock"), "quickjson"),
        "3.12.0-rc.1"
    );
    snapshot(
        "bump/shape2-static-version-files.diff",
        &fixture.sh("git", &["diff"]),
    );
    assert_builds(&fixture, &["Cargo.toml"]);
}

/// Partial-version spots (`fastparse = "0.3"`), offered by `status --spots` with
/// `spelling = "requirement"` and pasted: each bump writes the new version as short as
/// the spot is, so a patch step and a pre-release leave `0.3` alone, `0.4.0` makes it
/// `0.4`, and from 1.0 on a minor step gives `1.3` and a major one `2.0`.
#[test]
fn partial_version_spots_move_as_requirements() {
    let fixture = Fixture::git("clean");
    let readme = std::fs::read_to_string(support::testdata("spots").join("README.md")).unwrap();
    fixture.write("README.md", &readme);
    fixture.sh("git", &["commit", "-qam", "version spots"]);
    let spots = fixture.run(&["status", "--spots"]);
    assert_eq!(spots.code, 0, "{}", spots.render(&fixture.root));
    let manifest = fixture.read("Cargo.toml");
    fixture.write("Cargo.toml", &format!("{manifest}\n{}", spots.stdout));
    fixture.sh("git", &["commit", "-qam", "track the spots"]);
    let again = fixture.run(&["status", "--spots"]);
    assert!(
        !again.stdout.contains("version-files"),
        "{}",
        again.render(&fixture.root)
    );
    let sync = fixture.run(&["sync", "--check"]);
    assert_eq!(sync.code, 0, "{}", sync.render(&fixture.root));

    for (args, short, exact) in [
        (&["patch"][..], "0.3", "0.3.2"),
        (&["minor", "--pre", "rc"][..], "0.3", "0.4.0-rc.1"),
        (&["release"][..], "0.4", "0.4.0"),
        (&["1.2.0"][..], "1.2", "1.2.0"),
        (&["minor"][..], "1.3", "1.3.0"),
        (&["major"][..], "2.0", "2.0.0"),
    ] {
        let mut all = args.to_vec();
        all.extend(["--offline", "--changelog=none"]);
        bump_ok(&fixture, &all);
        let text = fixture.read("README.md");
        for spot in [
            format!("fastparse = \"{short}\"\n"),
            format!("fastparse = {{ version = \"{short}\", features"),
            format!("cargo add fastparse@{short}`"),
            format!("`fastparse = \"{exact}\"`"),
        ] {
            assert!(text.contains(&spot), "bump {args:?}: no {spot}\n{text}");
        }
        // Python 3.9 is not a version spot.
        assert!(text.contains("Python 3.9 or newer"), "{text}");
        let sync = fixture.run(&["sync", "--check"]);
        assert_eq!(sync.code, 0, "{}", sync.render(&fixture.root));
        fixture.sh("git", &["commit", "-qam", "bumped"]);
    }
}

/// The three heading styles of `layouts.md`, each rolled in its own style.
#[test]
fn every_changelog_style() {
    let styles = [
        (
            "plain",
            "# Changelog\n\n## Unreleased\n\n- Faster parsing.\n\n## 0.3.1\n\n- Fix.\n\n## 0.3.0\n\n- First.\n",
            "\n## Unreleased\n\n## 0.4.0\n\n- Faster parsing.\n",
        ),
        (
            "keep-a-changelog",
            // The fixture's own: `## [0.3.1] - date` and compare links.
            "",
            "\n## [Unreleased]\n\n## [0.4.0] - 2026-11-25\n",
        ),
        (
            "v-date",
            "# History\n\n## Unreleased\n\n- Faster parsing.\n\n## v0.3.1 (2026-07-02)\n\n- Fix.\n",
            "\n## Unreleased\n\n## v0.4.0 (2026-11-25)\n\n- Faster parsing.\n\n## v0.3.1 (2026-07-02)\n",
        ),
    ];
    for (name, changelog, expect) in styles {
        let fixture = Fixture::new("shape1-dynamic");
        if !changelog.is_empty() {
            fixture.write("CHANGELOG.md", changelog);
        }
        let out = bump(&fixture, &["minor"]);
        assert_eq!(out.code, 0, "{name}:\n{}", out.render(&fixture.root));
        let rolled = fixture.read("CHANGELOG.md");
        assert!(rolled.contains(expect), "{name}:\n{rolled}");
        snapshot(&format!("bump/changelog/{name}.md"), &rolled);
    }
}

// ---------------------------------------------------------------------------------------------
// After a real bump, the project is consistent: sync agrees, cargo reads it,
// the lock file needs no change and it builds offline.

fn cargo(fixture: &Fixture, args: &[&str]) {
    let target = std::env::temp_dir().join("cargo-pyrelease-fixture-target");
    let out = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        .current_dir(&fixture.root)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_TERM_COLOR", "never")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "cargo {args:?} failed in {}:\n{}",
        fixture.root.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[track_caller]
fn assert_builds(fixture: &Fixture, manifests: &[&str]) {
    let check = fixture.run(&["sync", "--check"]);
    assert_eq!(
        check.code,
        0,
        "sync --check after the bump:\n{}",
        check.render(&fixture.root)
    );
    for manifest in manifests {
        let m = ["--manifest-path", manifest];
        cargo(
            fixture,
            &[&["metadata", "--format-version", "1", "--no-deps"][..], &m].concat(),
        );
        // Fails when Cargo.lock would need a change.
        cargo(
            fixture,
            &[
                &["metadata", "--offline", "--locked", "--format-version", "1"][..],
                &m,
            ]
            .concat(),
        );
        cargo(
            fixture,
            &[&["build", "--offline", "--locked", "--quiet"][..], &m].concat(),
        );
    }
}

#[test]
fn every_shape_is_consistent_after_a_real_bump() {
    for (shape, manifests) in [
        ("shape1-dynamic", &["Cargo.toml"][..]),
        ("shape2-static", &["Cargo.toml"]),
        ("shape5-bindings", &["Cargo.toml"]),
        (
            "shape5-noroot",
            &["bindings/python/Cargo.toml", "core/Cargo.toml"],
        ),
        ("shape6-packaging", &["Cargo.toml"]),
        ("shape9-noproject", &["Cargo.toml"]),
        ("shape9-noversion", &["Cargo.toml"]),
    ] {
        let fixture = Fixture::new(shape);
        bump_ok(&fixture, &["major", "--pre", "beta", "--allow-dirty"]);
        assert_builds(&fixture, manifests);
    }
}

// ---------------------------------------------------------------------------------------------
// git: --commit, --tag, dirty trees.

#[test]
fn commit_holds_exactly_the_changed_files() {
    let fixture = Fixture::git("shape2-static");
    let text = bump_ok(&fixture, &["minor", "--commit"]);
    snapshot("bump/commit.txt", &text);
    let show = fixture.sh("git", &["show", "--stat", "--format=%s", "HEAD"]);
    assert!(show.starts_with("chore: release v3.12.0\n"), "{show}");
    snapshot("bump/commit-stat.txt", &show);
    assert_eq!(
        fixture.sh("git", &["status", "--porcelain"]),
        "",
        "the tree is clean after --commit"
    );
}

#[test]
fn commit_message_is_configurable() {
    let fixture = Fixture::git("shape9-noversion");
    bump_ok(
        &fixture,
        &[
            "minor",
            "--commit",
            "--message",
            "release {version} (nover)",
        ],
    );
    let subject = fixture.sh("git", &["log", "-1", "--format=%s"]);
    assert_eq!(subject, "release v1.5.0 (nover)\n");
}

#[test]
fn tag_is_annotated_with_the_changelog_section() {
    let fixture = Fixture::git("shape2-static");
    let text = bump_ok(&fixture, &["minor", "--commit", "--tag"]);
    snapshot("bump/tag.txt", &text);
    assert_eq!(fixture.sh("git", &["cat-file", "-t", "v3.12.0"]), "tag\n");
    assert_eq!(
        fixture.sh("git", &["rev-parse", "v3.12.0^{commit}"]),
        fixture.sh("git", &["rev-parse", "HEAD"]),
        "the tag is on the release commit"
    );
    let message = fixture.sh("git", &["tag", "-l", "--format=%(contents)", "v3.12.0"]);
    assert!(
        message.contains("### Fixed\n\n- `escape` no longer allocates twice for ASCII input."),
        "{message}"
    );
    snapshot("bump/tag-message.txt", &message);
}

/// Refused before anything is written: a tag on the current commit would not
/// have the new version; an existing tag would fail after the commit.
#[test]
fn tag_refusals() {
    let fixture = Fixture::git("shape2-static");
    let before = fixture.tree();
    let head = fixture.sh("git", &["rev-parse", "HEAD"]);
    let out = bump(&fixture, &["minor", "--tag"]);
    let text = out.render(&fixture.root);
    assert_eq!(out.code, 2, "{text}");
    snapshot("bump/refused/tag-without-commit.txt", &text);
    assert_eq!(fixture.sh("git", &["tag", "-l"]), "");

    fixture.sh("git", &["tag", "v3.12.0"]);
    let out = bump(&fixture, &["minor", "--commit", "--tag"]);
    let text = out.render(&fixture.root);
    // The state verify's `tag-exists` names: a failed check, as from verify.
    assert_eq!(out.code, 1, "{text}");
    snapshot("bump/refused/tag-exists.txt", &text);
    assert_same_tree(&before, &fixture.tree(), "refused --tag");
    assert_eq!(
        fixture.sh("git", &["rev-parse", "HEAD"]),
        head,
        "no commit was made"
    );
}

#[test]
fn dirty_tree_is_refused_naming_the_files() {
    let fixture = Fixture::git("shape2-static");
    fixture.write("README.md", "changed\n");
    fixture.write("NOTES.txt", "untracked\n");
    let before = fixture.tree();
    let out = bump(&fixture, &["minor"]);
    let text = out.render(&fixture.root);
    // verify's `git-dirty`: a failed check, as from verify.
    assert_eq!(out.code, 1, "{text}");
    assert!(
        out.stderr.contains("`README.md`") && out.stderr.contains("`NOTES.txt`"),
        "{text}"
    );
    snapshot("bump/refused/dirty.txt", &text);
    assert_same_tree(&before, &fixture.tree(), "refused dirty bump");
}

#[test]
fn commit_never_sweeps_in_a_file_the_user_changed_that_bump_edits() {
    let fixture = Fixture::git("shape2-static");
    let pyproject = fixture.read("pyproject.toml");
    fixture.write("pyproject.toml", &format!("{pyproject}# my change\n"));
    let before = fixture.tree();
    let out = bump(&fixture, &["minor", "--allow-dirty", "--commit"]);
    let text = out.render(&fixture.root);
    assert_eq!(out.code, 2, "{text}");
    assert!(out.stderr.contains("`pyproject.toml`"), "{text}");
    snapshot("bump/refused/commit-would-sweep.txt", &text);
    assert_same_tree(&before, &fixture.tree(), "refused --commit");
}

/// A modified file and a staged one that bump does not edit stay out of the
/// release commit, and keep their changes.
#[test]
fn commit_leaves_other_user_changes_alone() {
    let fixture = Fixture::git("shape2-static");
    fixture.write("README.md", "modified, not staged\n");
    fixture.write(
        "src/lib.rs",
        &format!("{}// staged\n", fixture.read("src/lib.rs")),
    );
    fixture.sh("git", &["add", "src/lib.rs"]);
    bump_ok(&fixture, &["minor", "--allow-dirty", "--commit"]);
    let files = fixture.sh("git", &["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(
        files,
        "CHANGELOG.md\nCargo.lock\nCargo.toml\npyproject.toml\npython/quickjson/__init__.py\nuv.lock\n"
    );
    assert_eq!(
        fixture.sh("git", &["status", "--porcelain"]),
        " M README.md\nM  src/lib.rs\n"
    );
    assert_eq!(fixture.read("README.md"), "modified, not staged\n");
}

/// A library that ignores its Cargo.lock: the lock is still updated, but
/// `git add` would refuse it, so it stays out of the commit.
#[test]
fn commit_skips_files_git_ignores() {
    let fixture = Fixture::new("shape1-dynamic");
    fixture.write(".gitignore", "target/\nCargo.lock\n");
    fixture.sh("git", &["init", "-q", "-b", "main"]);
    fixture.sh("git", &["add", "-A"]);
    fixture.sh("git", &["commit", "-q", "-m", "initial"]);
    bump_ok(&fixture, &["minor", "--commit", "--tag"]);
    let files = fixture.sh("git", &["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(files, "CHANGELOG.md\nCargo.toml\n");
    assert_eq!(
        lock_version(&fixture.read("Cargo.lock"), "fastparse"),
        "0.4.0"
    );
    assert_eq!(fixture.sh("git", &["status", "--porcelain"]), "");
}

/// `--dry-run` with `--commit --tag` shows the git commands and runs none.
#[test]
fn dry_run_prints_the_git_commands() {
    let fixture = Fixture::git("shape2-static");
    let before = fixture.tree();
    let head = fixture.sh("git", &["rev-parse", "HEAD"]);
    let out = bump(&fixture, &["minor", "--commit", "--tag", "--dry-run"]);
    let text = out.render(&fixture.root);
    assert_eq!(out.code, 0, "{text}");
    assert!(out.stderr.contains("git tag -a"), "{text}");
    snapshot("bump/dry-run-commit-tag.txt", &text);
    assert_same_tree(&before, &fixture.tree(), "bump --dry-run --commit --tag");
    assert_eq!(fixture.sh("git", &["rev-parse", "HEAD"]), head);
    assert_eq!(fixture.sh("git", &["tag", "-l"]), "");
}

#[test]
fn commit_outside_git_is_refused() {
    let fixture = Fixture::new("shape1-dynamic");
    let before = fixture.tree();
    let out = bump(&fixture, &["minor", "--commit"]);
    let text = out.render(&fixture.root);
    assert_eq!(out.code, 2, "{text}");
    assert!(out.stderr.contains("is not in a git repository"), "{text}");
    assert_same_tree(&before, &fixture.tree(), "refused --commit");
}

// ---------------------------------------------------------------------------------------------
// Refusals: message, exit 2, nothing written.

/// Runs `bump ARGS` on `fixture` (after `setup`), expects exit 2 and an
/// untouched tree, and snapshots the output as `bump/refused/NAME.txt`.
fn refused(name: &str, shape: &str, setup: impl Fn(&Fixture), args: &[&str], expect: &str) {
    refused_with(2, name, shape, setup, args, expect);
}

/// [`refused`] with another exit code: 1 for a state `verify` reports as an error.
fn refused_with(
    code: i32,
    name: &str,
    shape: &str,
    setup: impl Fn(&Fixture),
    args: &[&str],
    expect: &str,
) {
    let fixture = Fixture::new(shape);
    setup(&fixture);
    let before = fixture.tree();
    let out = bump(&fixture, args);
    let text = out.render(&fixture.root);
    assert_eq!(out.code, code, "{name}:\n{text}");
    assert!(
        out.stderr.contains(expect),
        "{name}: expected `{expect}` in:\n{text}"
    );
    snapshot(&format!("bump/refused/{name}.txt"), &text);
    assert_same_tree(&before, &fixture.tree(), name);
}

fn nothing(_: &Fixture) {}

#[test]
fn explicit_lower_version_is_refused_unless_allowed() {
    refused(
        "lower",
        "shape1-dynamic",
        nothing,
        &["0.3.1-rc.1"],
        "is lower than `0.3.1`",
    );
    let fixture = Fixture::new("shape1-dynamic");
    bump_ok(&fixture, &["0.3.1-rc.1", "--allow-downgrade"]);
    assert_eq!(
        value_of(&fixture.read("Cargo.toml"), "version"),
        "0.3.1-rc.1"
    );
    // `--allow-downgrade` is for explicit versions: `release` on a release stays refused.
    refused(
        "lower-level",
        "shape1-dynamic",
        nothing,
        &["release", "--allow-downgrade"],
        "already a release",
    );
}

#[test]
fn equal_version_is_refused() {
    refused(
        "equal",
        "shape1-dynamic",
        nothing,
        &["0.3.1"],
        "already at `0.3.1`",
    );
    refused(
        "equal-with-v",
        "shape1-dynamic",
        nothing,
        &["v0.3.1", "--allow-downgrade"],
        "already at `0.3.1`",
    );
}

/// shape1-dynamic as if 0.3.1 had been set by hand and never released: its changelog
/// section and link are gone, and `[Unreleased]` compares from 0.3.0.
fn unreleased_current_version(fixture: &Fixture) {
    let text = fixture.read("CHANGELOG.md");
    let start = text.find("## [0.3.1]").unwrap();
    let end = text.find("## [0.3.0]").unwrap();
    let text = format!("{}{}", &text[..start], &text[end..])
        .replace(
            "[0.3.1]: https://github.com/example/fastparse/compare/v0.3.0...v0.3.1\n",
            "",
        )
        .replace("compare/v0.3.1...HEAD", "compare/v0.3.0...HEAD");
    fixture.write("CHANGELOG.md", &text);
}

/// `bump VERSION` at the current version is the first release of that version:
/// nothing but the changelog changes, and it compares with the newest release it has.
#[test]
fn first_release_of_the_current_version_rolls_only_the_changelog() {
    let fixture = Fixture::git("shape1-dynamic");
    unreleased_current_version(&fixture);
    fixture.sh("git", &["commit", "-qam", "0.3.1 set by hand"]);
    let text = bump_ok(&fixture, &["0.3.1", "--commit", "--tag"]);
    snapshot("bump/first-release.txt", &text);
    assert_eq!(
        fixture.sh("git", &["show", "--name-only", "--format=", "HEAD"]),
        "CHANGELOG.md\n",
        "only the changelog changed"
    );
    let changelog = fixture.read("CHANGELOG.md");
    assert!(
        changelog.contains("## [Unreleased]\n\n## [0.3.1] - 2026-11-25\n\n### Added\n\n- `count_records` accepts CRLF line endings."),
        "{changelog}"
    );
    assert!(
        changelog.contains("[Unreleased]: https://github.com/example/fastparse/compare/v0.3.1...HEAD\n[0.3.1]: https://github.com/example/fastparse/compare/v0.3.0...v0.3.1\n"),
        "{changelog}"
    );
    assert_eq!(fixture.sh("git", &["cat-file", "-t", "v0.3.1"]), "tag\n");

    // Once released, the same command is refused: the section is there now.
    let out = bump(&fixture, &["0.3.1"]);
    assert_eq!(out.code, 2, "{}", out.render(&fixture.root));
    assert!(
        out.stderr
            .contains("the changelog has its section (line 10): 0.3.1 is released"),
        "{}",
        out.render(&fixture.root)
    );
}

#[test]
fn first_release_is_refused_once_tagged() {
    let fixture = Fixture::git("shape1-dynamic");
    unreleased_current_version(&fixture);
    fixture.sh("git", &["commit", "-qam", "0.3.1 set by hand"]);
    fixture.sh("git", &["tag", "v0.3.1"]);
    let before = fixture.tree();
    let out = bump(&fixture, &["0.3.1"]);
    let text = out.render(&fixture.root);
    assert_eq!(out.code, 1, "{text}");
    snapshot("bump/refused/first-release-tagged.txt", &text);
    assert_same_tree(
        &before,
        &fixture.tree(),
        "first release of a tagged version",
    );
}

#[test]
fn dev_after_alpha_is_refused_as_the_orders_disagree() {
    let to_alpha = |f: &Fixture| {
        bump_ok(f, &["minor", "--pre", "alpha"]);
    };
    refused(
        "dev-after-alpha",
        "prerelease",
        to_alpha,
        &["dev", "--allow-empty-changelog"],
        "PEP 440",
    );
}

#[test]
fn pre_with_a_pre_release_level_is_refused() {
    refused(
        "pre-with-rc",
        "shape1-dynamic",
        nothing,
        &["rc", "--pre", "alpha"],
        "`--pre` only goes with",
    );
}

#[test]
fn release_on_a_release_is_refused() {
    refused(
        "release-on-release",
        "shape1-dynamic",
        nothing,
        &["release"],
        "already a release",
    );
}

#[test]
fn unconvertible_versions_are_refused() {
    refused(
        "build-metadata",
        "shape1-dynamic",
        nothing,
        &["0.4.0+build.5"],
        "+build.5",
    );
    refused(
        "pre-dot-n",
        "shape1-dynamic",
        nothing,
        &["0.4.0-pre.1"],
        "0.4.0rc1",
    );
    refused(
        "not-a-version",
        "shape1-dynamic",
        nothing,
        &["minorr"],
        "neither a bump level nor a version",
    );
}

fn empty_unreleased(fixture: &Fixture) {
    let text = fixture.read("CHANGELOG.md");
    // Keep the bare `### Added` subheading: a template heading is not a change.
    let emptied = text.replace("- `count_records` accepts CRLF line endings.\n\n", "");
    assert_ne!(text, emptied);
    fixture.write("CHANGELOG.md", &emptied);
}

#[test]
fn empty_unreleased_is_refused_unless_allowed() {
    refused_with(
        1,
        "empty-unreleased",
        "shape1-dynamic",
        empty_unreleased,
        &["patch"],
        "lists no changes",
    );
    let fixture = Fixture::new("shape1-dynamic");
    empty_unreleased(&fixture);
    bump_ok(&fixture, &["patch", "--allow-empty-changelog"]);
    let changelog = fixture.read("CHANGELOG.md");
    assert!(
        changelog.contains("## [Unreleased]\n\n## [0.3.2] - 2026-11-25\n\n### Added\n\n## [0.3.1]"),
        "{changelog}"
    );
}

#[test]
fn version_file_refusals() {
    let init = |entry: &'static str| {
        move |f: &Fixture| {
            add_version_file(
                f,
                &format!("path = \"python/quickjson/__init__.py\"\n{entry}"),
            )
        }
    };
    refused(
        "version-file-no-match",
        "shape2-static",
        init("search = \"__version__ = '{version}'\""),
        &["minor"],
        "matches nothing",
    );
    let twice = |f: &Fixture| {
        init("search = \"{version}\"")(f);
        let text = f.read("python/quickjson/__init__.py");
        f.write(
            "python/quickjson/__init__.py",
            &format!("{text}# released as 3.11.8\n"),
        );
    };
    refused(
        "version-file-twice",
        "shape2-static",
        twice,
        &["minor"],
        "matches 2 times",
    );
    refused(
        "version-file-missing",
        "shape2-static",
        |f: &Fixture| {
            add_version_file(
                f,
                "path = \"python/quickjson/_version.py\"\nsearch = \"{version}\"",
            )
        },
        &["minor"],
        "does not exist",
    );
    refused(
        "version-file-bad-spelling",
        "shape2-static",
        init("search = \"{version}\"\nspelling = \"pep-440\""),
        &["minor"],
        "unknown spelling",
    );
    refused(
        "version-file-unknown-key",
        "shape2-static",
        init("search = \"{version}\"\nspeling = \"pep440\""),
        &["minor"],
        "unknown key `speling`",
    );
}

#[test]
fn unknown_config_key_is_refused() {
    let fixture = Fixture::new("shape2-static");
    let manifest = fixture.read("Cargo.toml");
    fixture.write(
        "Cargo.toml",
        &format!("{manifest}\n[workspace.metadata.pyrelease]\ntag-prefx = \"v\"\n"),
    );
    let before = fixture.tree();
    let out = bump(&fixture, &["minor"]);
    let text = out.render(&fixture.root);
    assert_eq!(out.code, 2, "{text}");
    assert!(
        out.stderr.contains("unknown configuration key `tag-prefx`"),
        "{text}"
    );
    // The list of known keys grows with the commands; it must name the one meant.
    let (head, keys) = text
        .split_once("the known keys are: ")
        .expect("the known keys are listed");
    assert!(
        keys.split([',', ' ', '\n']).any(|k| k == "tag-prefix"),
        "{text}"
    );
    snapshot(
        "bump/refused/unknown-config-key.txt",
        &format!("{head}the known keys are: [...]\n"),
    );
    assert_same_tree(&before, &fixture.tree(), "unknown configuration key");
}

#[test]
fn stale_cargo_lock_is_refused() {
    let stale = |f: &Fixture| {
        let lock = f.read("Cargo.lock");
        f.write(
            "Cargo.lock",
            &lock.replace("version = \"0.2.0\"", "version = \"0.1.9\""),
        );
    };
    // The state `verify` names `cargo-lock-stale`: a failed check (1) from both.
    refused_with(
        1,
        "stale-cargo-lock",
        "shape4-wsinh",
        stale,
        &["minor"],
        "error[cargo-lock-stale]",
    );
}

#[test]
fn bad_date_is_refused() {
    for (name, date) in [("date-month", "2026-13-01"), ("date-format", "25.11.2026")] {
        let fixture = Fixture::new("shape1-dynamic");
        let before = fixture.tree();
        let out = fixture.run(&["bump", "minor", "--date", date]);
        let text = out.render(&fixture.root);
        assert_eq!(out.code, 2, "{name}:\n{text}");
        assert!(out.stderr.contains("is not a date"), "{text}");
        snapshot(&format!("bump/refused/{name}.txt"), &text);
        assert_same_tree(&before, &fixture.tree(), name);
    }
}

// ---------------------------------------------------------------------------------------------
// Atomicity.

/// The files of the plan, in the order the executor writes them (the order of
/// the dry-run diff).
fn plan_order(fixture: &Fixture, args: &[&str]) -> Vec<String> {
    let mut all = args.to_vec();
    all.push("--dry-run");
    let out = bump(fixture, &all);
    assert_eq!(out.code, 0, "{}", out.render(&fixture.root));
    out.stdout
        .lines()
        .filter_map(|l| l.strip_prefix("+++ b/"))
        .map(str::to_string)
        .collect()
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The last file of the plan cannot be written: exit 1, and every file the
/// executor had already replaced gets its original bytes back. (A file read-only
/// from the start is refused before anything is written; here it becomes
/// read-only while the first file is being replaced.)
#[cfg(unix)]
#[test]
#[cfg_attr(
    not(feature = "test-hooks"),
    ignore = "needs the test hooks: cargo test --features test-hooks (scripts/test.sh runs it)"
)]
fn a_failed_last_write_restores_every_other_file() {
    let fixture = Fixture::new("shape4-wsinh");
    let order = plan_order(&fixture, &["minor"]);
    assert!(order.len() >= 5, "{order:?}");
    let last = order.last().unwrap();
    let before = fixture.tree();
    let mut run = support::Paused::start(&fixture, &["bump", "minor", "--date", DATE], 50);
    run.wait_for(1);
    set_mode(&fixture.path(last), 0o444);
    let out = run.finish();
    let text = out.render(&fixture.root);
    set_mode(&fixture.path(last), 0o644);
    assert_eq!(out.code, 1, "{text}");
    assert!(
        out.stderr.contains(&format!("could not write `{last}`")),
        "{text}"
    );
    snapshot("bump/atomic-read-only-last.txt", &text);
    // Byte-identical, and no temporary file or journal left behind.
    assert_same_tree(&before, &fixture.tree(), "a failed bump");
}

/// Ctrl-C between two renames: the files already replaced are restored.
#[cfg(unix)]
#[test]
#[cfg_attr(
    not(feature = "test-hooks"),
    ignore = "needs the test hooks: cargo test --features test-hooks (scripts/test.sh runs it)"
)]
fn interrupt_during_the_writes_restores_every_file() {
    let fixture = Fixture::new("shape4-wsinh");
    let before = fixture.tree();
    let original = fixture.read("Cargo.toml");
    let child = Command::new(env!("CARGO_BIN_EXE_cargo-pyrelease"))
        .args(["bump", "minor", "--date", DATE])
        .current_dir(&fixture.root)
        .env("CARGO_PYRELEASE_TEST_PAUSE_MS", "300")
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Wait until the first file (the root manifest) has been replaced.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while fixture.read("Cargo.toml") == original {
        assert!(
            std::time::Instant::now() < deadline,
            "the bump never started writing"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("interrupted"), "{stderr}");
    assert_same_tree(&before, &fixture.tree(), "an interrupted bump");
}
