//! `notes`: a version's changelog section with the registry links of both packages,
//! as Markdown, JSON or an announcement. Read-only: the tree never changes.
// Integration tests write fixtures and start servers and tools directly.
#![allow(clippy::disallowed_methods)]
use crate::support;

use support::{Fixture, assert_same_tree, snapshot};

#[test]
fn current_version_in_every_format() {
    let fixture = Fixture::new("clean");
    let before = fixture.tree();
    let mut all = String::new();
    for args in [
        &["notes"][..],
        &["notes", "--format", "json"],
        &["notes", "--template", "announcement"],
        &["notes", "v0.3.0"],
        &["notes", "0.2.0", "--template", "announcement"],
    ] {
        let out = fixture.run(args);
        let text = out.render(&fixture.root);
        assert_eq!(out.code, 0, "{args:?}:\n{text}");
        all.push_str(&format!("=== {}\n{text}", args.join(" ")));
    }
    snapshot("notes/clean.txt", &all);
    assert_same_tree(&before, &fixture.tree(), "notes");
}

#[test]
fn links_name_every_published_crate_and_the_pep440_version() {
    let fixture = Fixture::git("prerelease");
    let bump = fixture.run(&["bump", "minor", "--pre", "rc", "--date", "2026-11-01"]);
    assert_eq!(bump.code, 0, "{}", bump.render(&fixture.root));
    let out = fixture.run(&["notes"]);
    let text = out.render(&fixture.root);
    assert_eq!(out.code, 0, "{text}");
    assert!(
        out.stdout.contains(
            "- crates.io: [seqpkg 1.1.0-rc.1](https://crates.io/crates/seqpkg/1.1.0-rc.1)\n"
        ),
        "{text}"
    );
    assert!(
        out.stdout
            .contains("- PyPI: [seqpkg 1.1.0rc1](https://pypi.org/project/seqpkg/1.1.0rc1/)"),
        "{text}"
    );

    // A workspace: every published crate of the release, `publish = false` ones left out.
    let fixture = Fixture::new("shape3-lines");
    let out = fixture.run(&["notes", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.render(&fixture.root));
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let names: Vec<&str> = json["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["tool", "tool_linter", "tool"], "{}", out.stdout);
}

#[test]
fn bad_input_exits_2_with_the_fix() {
    let fixture = Fixture::new("clean");
    let mut all = String::new();
    for args in [&["notes", "9.9.9"][..], &["notes", "next"]] {
        let out = fixture.run(args);
        let text = out.render(&fixture.root);
        assert_eq!(out.code, 2, "{args:?}:\n{text}");
        all.push_str(&format!("=== {}\n{text}", args.join(" ")));
    }
    // The changes still under Unreleased: say how to make the section.
    let fixture = Fixture::new("shape1-dynamic");
    let changelog = fixture.read("CHANGELOG.md");
    fixture.write(
        "CHANGELOG.md",
        &changelog.replace("## [0.3.1] - ", "## [0.3.0-old] - "),
    );
    let out = fixture.run(&["notes"]);
    assert_eq!(out.code, 2, "{}", out.render(&fixture.root));
    all.push_str(&format!("=== unreleased\n{}", out.render(&fixture.root)));
    std::fs::remove_file(fixture.path("CHANGELOG.md")).unwrap();
    let out = fixture.run(&["notes"]);
    assert_eq!(out.code, 2, "{}", out.render(&fixture.root));
    all.push_str(&format!("=== no changelog\n{}", out.render(&fixture.root)));
    snapshot("notes/errors.txt", &all);
}
