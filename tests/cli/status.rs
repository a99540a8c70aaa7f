//! `status` on every fixture shape, human and JSON, snapshotted; the tree is
//! never touched.
// Integration tests write fixtures and start servers and tools directly.
#![allow(clippy::disallowed_methods)]
use crate::support;

use support::{Fixture, snapshot};

fn check(shape: &str, extra: &[&str], expect_code: i32) {
    let fixture = Fixture::new(shape);
    let before = fixture.tree();
    for (format, ext) in [("human", "txt"), ("json", "json.txt")] {
        let mut args = vec!["status", "--format", format];
        args.extend_from_slice(extra);
        let out = fixture.run(&args);
        assert_eq!(
            out.code,
            expect_code,
            "{shape} {format}:\n{}",
            out.render(&fixture.root)
        );
        let suffix = if extra.is_empty() {
            String::new()
        } else {
            "-manifest-path".to_string()
        };
        snapshot(
            &format!("status/{shape}{suffix}.{ext}"),
            &out.render(&fixture.root),
        );
        if format == "json" && expect_code == 0 {
            let _: serde_json::Value =
                serde_json::from_str(&out.stdout).expect("status --format json is JSON");
        }
    }
    assert_eq!(before, fixture.tree(), "status changed files in {shape}");
}

#[test]
fn shape1_single_root_crate_dynamic() {
    check("shape1-dynamic", &[], 0);
}

#[test]
fn shape2_static_version_duplicated() {
    check("shape2-static", &[], 0);
}

#[test]
fn shape3_several_version_lines_and_decoys() {
    check("shape3-lines", &[], 0);
}

#[test]
fn shape4_workspace_inherited_version() {
    check("shape4-wsinh", &[], 0);
}

#[test]
fn shape5_bindings_folder_in_a_workspace() {
    check("shape5-bindings", &[], 0);
}

#[test]
fn shape5_bindings_without_a_root_manifest() {
    check("shape5-noroot", &[], 0);
    check(
        "shape5-noroot",
        &["--manifest-path", "bindings/python/Cargo.toml"],
        0,
    );
}

#[test]
fn shape6_packaging_folder_through_dotdot() {
    check("shape6-packaging", &[], 0);
}

#[test]
fn shape7_cargo_is_not_the_authority() {
    check("shape7-placeholder", &[], 2);
    check("shape7-zero", &[], 2);
}

#[test]
fn shape9_no_project_table() {
    check("shape9-noproject", &[], 0);
}

#[test]
fn shape9_no_version_at_all() {
    check("shape9-noversion", &[], 0);
}

#[test]
fn cargo_invocation_is_the_same_as_direct() {
    let fixture = Fixture::new("shape1-dynamic");
    let direct = fixture.run(&["status", "--format", "json"]);
    let via_cargo = fixture.run(&["pyrelease", "status", "--format", "json"]);
    assert_eq!(direct.stdout, via_cargo.stdout);
    assert_eq!(direct.code, 0);
}

#[test]
fn missing_manifest_path_is_a_usage_error() {
    let fixture = Fixture::new("shape1-dynamic");
    let out = fixture.run(&["status", "--manifest-path", "nope/Cargo.toml"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("does not exist"), "{}", out.stderr);
}

/// `status --spots` on a README whose dependency snippets name the release line
/// (`fastparse = "0.3"`, in a table, `cargo add fastparse@0.3`): each is offered with
/// `spelling = "requirement"`, beside the whole-version spots; `python 3.9` is none.
#[test]
fn spots_offer_partial_requirements() {
    let fixture = Fixture::git("clean");
    let readme = std::fs::read_to_string(support::testdata("spots").join("README.md")).unwrap();
    fixture.write("README.md", &readme);
    fixture.sh("git", &["commit", "-qam", "version spots"]);
    let before = fixture.tree();
    let out = fixture.run(&["status", "--spots"]);
    assert_eq!(out.code, 0, "{}", out.render(&fixture.root));
    snapshot("status/spots.txt", &out.render(&fixture.root));
    assert_eq!(before, fixture.tree(), "status --spots changed files");
}

/// A workspace's examples on the version line (kornia has 32) are named on one line;
/// the crate a Python package builds keeps its own, `publish = false` or not.
#[test]
fn many_versioned_only_crates_are_one_line() {
    let fixture = Fixture::new("real/dora");
    let mut members = Vec::new();
    for i in 1..=4 {
        let dir = format!("examples/ex{i}");
        std::fs::create_dir_all(fixture.path(&format!("{dir}/src"))).unwrap();
        fixture.write(
            &format!("{dir}/Cargo.toml"),
            &format!("[package]\nname = \"ex{i}\"\nversion.workspace = true\nedition.workspace = true\npublish = false\n"),
        );
        fixture.write(&format!("{dir}/src/main.rs"), "fn main() {}\n");
        members.push(format!("\"{dir}\""));
    }
    let manifest = fixture.read("Cargo.toml");
    fixture.write(
        "Cargo.toml",
        &manifest.replace(
            "\"libraries/geo\"]",
            &format!("\"libraries/geo\", {}]", members.join(", ")),
        ),
    );
    let out = fixture.run(&["status"]);
    let text = out.render(&fixture.root);
    assert_eq!(out.code, 0, "{text}");
    assert!(
        text.contains(
            "  and 4 crates versioned with them, not published (publish = false): ex1, ex2, ex3, ex4\n"
        ),
        "{text}"
    );
    assert!(
        text.contains("  dora-node-api-python 1.0.0-rc.4 (apis/python/node/Cargo.toml), not published (publish = false)\n"),
        "{text}"
    );
    assert!(!text.contains("  ex1 1.0.0-rc.4"), "{text}");
}
