//! Every input a fuzz target ever failed on (`fuzz/regressions/<target>/`), run through
//! the same checks as the targets (`fuzz/checks.rs`) in the default `cargo test`, so a
//! fixed finding stays fixed without nightly or libFuzzer.
// Integration tests write fixtures and start servers and tools directly.
#![allow(clippy::disallowed_methods)]
#[path = "../../fuzz/checks.rs"]
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

/// The changelog inputs reach the splice (they are not inputs it refuses), so the
/// checks above really run on them.
#[test]
fn changelog_regressions_reach_the_splice() {
    use cargo_pyrelease::changelog::{ReleaseEdit, parse, release};
    for (name, bytes) in inputs("changelog") {
        let text = std::str::from_utf8(&bytes[1..]).unwrap();
        let edit = ReleaseEdit {
            version: "9.8.7",
            previous: (bytes[0] & 1 == 1).then_some("1.2.3"),
            date: "2026-11-25",
            tag_prefix: if bytes[0] & 2 == 2 { "v" } else { "" },
        };
        if let Err(e) = release(&parse(text), &edit, bytes[0] & 4 == 4) {
            panic!("{name}: {e}");
        }
    }
}
