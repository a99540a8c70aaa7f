//! Every input a fuzz target ever failed on (`fuzz/regressions/<target>/`), run through
//! the same checks as the targets (`fuzz/checks.rs`) in the default `cargo test`, so a
//! fixed finding stays fixed without nightly or libFuzzer.
#[path = "../fuzz/checks.rs"]
mod checks;

use std::path::Path;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().is_some_and(|n| n != ".gitkeep"))
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    out.sort();
    out
}

#[test]
fn pep440_regressions() {
    for (name, bytes) in inputs("pep440") {
        if let Ok(text) = std::str::from_utf8(&bytes) {
            println!("{name}");
            checks::pep440(text);
        }
    }
}

#[test]
fn changelog_regressions() {
    for (name, bytes) in inputs("changelog") {
        println!("{name}");
        checks::changelog(&bytes);
    }
}

#[test]
fn toml_version_regressions() {
    for (name, bytes) in inputs("toml_version") {
        println!("{name}");
        checks::toml_version(&bytes);
    }
}

/// The two changelog findings are real inputs of the relaxed properties, not inputs
/// the splice refuses: the Unreleased link is edited above the heading, and inside
/// the Unreleased body.
#[test]
fn changelog_regressions_reach_the_splice() {
    use cargo_pyrelease::edit::changelog::{ReleaseEdit, release};
    use cargo_pyrelease::project::changelog::parse;
    for (name, bytes) in inputs("changelog") {
        let text = std::str::from_utf8(&bytes[1..]).unwrap();
        let cl = parse(text);
        let edit = ReleaseEdit {
            version: "9.8.7",
            previous: (bytes[0] & 1 == 1).then_some("1.2.3"),
            date: "2026-11-25",
            tag_prefix: if bytes[0] & 2 == 2 { "v" } else { "" },
        };
        let out = release(&cl, &edit, bytes[0] & 4 == 4).unwrap_or_else(|e| panic!("{name}: {e}"));
        let link = cl.links.iter().find(|l| l.label == "Unreleased").unwrap();
        let unreleased = cl.unreleased().unwrap();
        assert!(
            link.span.start < unreleased.heading.start
                || unreleased.body.contains(&link.span.start),
            "{name}"
        );
        assert!(
            out.contains("compare/") && out.contains("9.8.7"),
            "{name}:\n{out}"
        );
    }
}
