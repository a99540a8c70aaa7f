//! cargo-pyrelease checks its own repository: versions agree, metadata is
//! complete, the changelog has the current version's section. Only a dirty tree
//! (a developer's work in progress) is allowed; CI runs on a clean clone.
// Integration tests write fixtures and start servers and tools directly.
#![allow(clippy::disallowed_methods)]
use std::process::Command;

fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-pyrelease"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn own_versions_are_in_sync() {
    assert_eq!(run(&["sync", "--check"]).0, 0);
}

#[test]
fn own_release_checks_pass() {
    let (_, json) = run(&["verify", "--offline", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let unexpected: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["id"].as_str() != Some("git-dirty"))
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:#?}");
}
