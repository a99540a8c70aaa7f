//! cargo-pyrelease checks its own repository: versions agree, metadata is
//! complete. Until the first release, the changelog has no section for the
//! current version yet, which `verify` rightly reports.
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
fn own_release_checks_pass_but_for_the_unreleased_changelog() {
    let (_, json) = run(&["verify", "--offline", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    let unexpected: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !matches!(f["id"].as_str(), Some("changelog-no-section" | "git-dirty")))
        .collect();
    assert!(unexpected.is_empty(), "{unexpected:#?}");
}
