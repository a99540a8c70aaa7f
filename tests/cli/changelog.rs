//! Changelogs as real projects keep them (`testdata/changelog/<style>/`): every heading
//! style read and written back in its own spelling by `bump`, found by `notes` and
//! `verify`; a section written from commits where there is no Unreleased; a pre-release
//! cycle gathered into its final release; a Python package's own changelog.
// Integration tests write fixtures and start servers and tools directly.
#![allow(clippy::disallowed_methods)]
use crate::support;

use support::{Fixture, Output, assert_same_tree, finding_ids, snapshot};

const DATE: &str = "2026-11-25";

fn fixture(style: &str) -> Fixture {
    Fixture::new(&format!("changelog/{style}"))
}

fn git_fixture(style: &str) -> Fixture {
    Fixture::git(&format!("changelog/{style}"))
}

/// `bump ARGS --date DATE`.
fn bump(f: &Fixture, args: &[&str]) -> Output {
    let mut all = vec!["bump"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--date", DATE]);
    f.run(&all)
}

/// Runs each command in turn, asserting its exit code, and returns their rendered outputs.
#[track_caller]
fn script(f: &Fixture, steps: &[(&[&str], i32)]) -> String {
    let mut all = String::new();
    for (args, code) in steps {
        let out = if args[0] == "bump" {
            bump(f, &args[1..])
        } else {
            f.run(args)
        };
        let text = out.render(&f.root);
        assert_eq!(out.code, *code, "{args:?}:\n{text}");
        all.push_str(&format!("=== {}\n{text}\n", args.join(" ")));
    }
    all
}

/// [`script`] for commands that must change nothing (dry runs, refusals).
#[track_caller]
fn unchanged(f: &Fixture, steps: &[(&[&str], i32)]) -> String {
    let before = f.tree();
    let text = script(f, steps);
    assert_same_tree(&before, &f.tree(), &format!("{steps:?}"));
    text
}

/// The ids of `verify --offline`'s changelog findings.
fn changelog_findings(f: &Fixture) -> Vec<String> {
    let out = f.run(&["verify", "--offline", "--format", "json"]);
    finding_ids(&out.stdout)
        .into_iter()
        .filter(|id| id.starts_with("changelog-"))
        .collect()
}

/// The release commits a project without Unreleased has since its last tag.
fn commits_after_tag(f: &Fixture, tag: &str) {
    f.sh("git", &["tag", tag]);
    for msg in [
        "feat: a `--strict` mode",
        "fix(parser): accept tabs",
        "feat(api)!: drop the old entry point",
        "Update the README",
        "chore: release v9.9.9",
        "perf: cache the lock file",
    ] {
        f.sh("git", &["commit", "-q", "--allow-empty", "-m", msg]);
    }
}

/// The fixtures of a style with an Unreleased section (of some spelling) that lists changes.
const WITH_UNRELEASED: [&str; 8] = [
    "keep-a-changelog",
    "paren-date",
    "plain",
    "release-plz",
    "h1",
    "setext",
    "latest",
    "next-unreleased",
];

/// A style with an Unreleased section: the dry run's diff writes the new heading in the
/// style; `notes` finds the current section before and the new one after a real bump.
#[test]
fn styles_with_unreleased() {
    for style in WITH_UNRELEASED {
        let f = fixture(style);
        let mut text = unchanged(&f, &[(&["notes"], 0), (&["bump", "minor", "--dry-run"], 0)]);
        text.push_str(&script(
            &f,
            &[
                (&["bump", "minor"], 0),
                (&["notes"], 0),
                (&["notes", "1.2.0"], 0),
            ],
        ));
        snapshot(&format!("changelog/{style}.txt"), &text);
    }
}

/// No Unreleased: the section is written from the commits since the last tag, in the
/// file's style (a linked heading gets its link), shown in the dry run.
#[test]
fn no_unreleased_writes_the_section_from_commits() {
    for style in ["no-unreleased", "linked-v"] {
        let f = git_fixture(style);
        commits_after_tag(&f, "v1.2.0");
        let mut text = unchanged(
            &f,
            &[
                (&["bump", "minor", "--dry-run"], 0),
                (&["bump", "minor", "--dry-run", "--changelog=none"], 0),
                // No section for the new version: `verify`'s changelog-no-section (1).
                (&["bump", "minor", "--dry-run", "--changelog=unreleased"], 1),
            ],
        );
        text.push_str(&script(&f, &[(&["bump", "minor"], 0), (&["notes"], 0)]));
        snapshot(&format!("changelog/{style}.txt"), &text);
    }
}

/// Without git there are no commits to write from: a clear refusal, nothing changed.
#[test]
fn no_unreleased_without_git_is_refused() {
    let f = fixture("no-unreleased");
    let text = unchanged(
        &f,
        &[
            (&["bump", "minor", "--dry-run"], 2),
            (&["bump", "minor", "--dry-run", "--changelog=none"], 0),
        ],
    );
    snapshot("changelog/no-unreleased-no-git.txt", &text);
}

/// An Unreleased holding only its compare link is empty: refused with the ways on;
/// `--changelog=commits` fills it, `--allow-empty-changelog` releases the heading alone.
#[test]
fn compare_link_only_unreleased_is_empty() {
    let f = git_fixture("compare-only");
    commits_after_tag(&f, "v1.2.0");
    let text = unchanged(
        &f,
        &[
            // An empty section is verify's `changelog-section-empty`: a failed check.
            (&["bump", "minor", "--dry-run"], 1),
            (&["bump", "minor", "--dry-run", "--changelog=commits"], 0),
            (
                &["bump", "minor", "--dry-run", "--allow-empty-changelog"],
                0,
            ),
        ],
    );
    snapshot("changelog/compare-only.txt", &text);
}

/// At `1.3.0-rc.2`, `bump release` gathers the rc sections' entries into `1.3.0`'s,
/// merging their groups, and `verify` then accepts the changelog.
#[test]
fn prerelease_cycle_is_gathered_into_the_release() {
    let f = git_fixture("prerelease-cycle");
    let mut text = unchanged(
        &f,
        &[
            (&["bump", "release", "--dry-run"], 0),
            (&["notes", "1.3.0-rc.1"], 0),
        ],
    );
    text.push_str(&script(&f, &[(&["bump", "release"], 0), (&["notes"], 0)]));
    snapshot("changelog/prerelease-cycle.txt", &text);
    assert_eq!(changelog_findings(&f), Vec::<String>::new());
}

/// The Python package's own changelog, beside its pyproject, is the one released; the
/// Rust core's at the root is left alone.
#[test]
fn python_package_changelog_is_nearest() {
    let f = fixture("python-changelog");
    let root_changelog = f.read("CHANGELOG.md");
    let text = script(
        &f,
        &[
            (&["bump", "minor", "--dry-run"], 0),
            (&["bump", "minor"], 0),
            (&["notes"], 0),
        ],
    );
    assert_eq!(f.read("CHANGELOG.md"), root_changelog);
    assert!(
        f.read("py-pycore/CHANGELOG.md")
            .contains("## [1.3.0] - 2026-11-25")
    );
    snapshot("changelog/python-changelog.txt", &text);
}

/// `verify` finds the current version's section in every style (no false "no section"),
/// and a section holding only a compare link is empty.
#[test]
fn verify_reads_every_style() {
    let others = [
        "linked-v",
        "compare-only",
        "no-unreleased",
        "python-changelog",
    ];
    for style in WITH_UNRELEASED.iter().chain(&others) {
        let f = fixture(style);
        assert_eq!(changelog_findings(&f), Vec::<String>::new(), "{style}");
    }
    let f = fixture("compare-only");
    let text = f.read("CHANGELOG.md").replace(
        "### Fixed\n\n- Empty input no longer panics.\n",
        "**Full Changelog**: https://github.com/example/cmponly/compare/v1.1.0...v1.2.0\n",
    );
    f.write("CHANGELOG.md", &text);
    assert_eq!(changelog_findings(&f), vec!["changelog-section-empty"]);
}

/// Two Unreleased sections: bump does not guess which one is the release's.
#[test]
fn two_unreleased_sections_are_refused() {
    let f = fixture("plain");
    let text = f
        .read("CHANGELOG.md")
        .replace("## 1.1.0", "## Unreleased\n\n- more\n\n## 1.1.0");
    f.write("CHANGELOG.md", &text);
    let out = unchanged(
        &f,
        &[
            (&["bump", "minor", "--dry-run"], 1),
            (&["bump", "minor", "--dry-run", "--changelog=none"], 0),
        ],
    );
    assert!(
        out.contains("two Unreleased sections (lines 3 and 11)"),
        "{out}"
    );
    assert!(out.contains("--> CHANGELOG.md:11"), "{out}");
}

/// The repository's changelog is another line's (the Rust core's at 0.58, the bindings at
/// 0.47 in `bindings/python`, found from the top as opendal's are): `verify` and `bump`
/// say so and name `changelog = false`, which then keeps the file out of the release.
#[test]
fn another_lines_changelog_is_left_out_with_changelog_false() {
    let f = git_fixture("other-line");
    let mut text = unchanged(
        &f,
        &[
            (&["verify", "--offline"], 1),
            (&["bump", "minor", "--dry-run"], 1),
        ],
    );
    assert!(text.contains("changelog-release-ahead"), "{text}");
    assert!(text.contains("`changelog = false`"), "{text}");
    let manifest = f.read("bindings/python/Cargo.toml");
    f.write(
        "bindings/python/Cargo.toml",
        &format!("{manifest}\n[package.metadata.pyrelease]\nchangelog = false\n"),
    );
    f.sh("git", &["commit", "-qam", "no changelog of its own"]);
    let before = f.read("CHANGELOG.md");
    text.push_str(&script(
        &f,
        &[
            (&["status"], 0),
            (&["verify", "--offline"], 0),
            (&["bump", "minor"], 0),
        ],
    ));
    assert!(
        text.contains("Changelog none (`changelog = false`)"),
        "{text}"
    );
    assert_eq!(
        f.read("CHANGELOG.md"),
        before,
        "the core's changelog was edited"
    );
    assert!(
        f.read("bindings/python/Cargo.toml")
            .contains("version = \"0.48.0\"")
    );
    snapshot("changelog/other-line.txt", &text);
}
