//! `sync`: Cargo's version into every other spot. `--check` and `--dry-run`
//! never touch the tree; a plain `sync` fixes exactly the spots that differ.
// Integration tests write fixtures and start servers and tools directly.
#![allow(clippy::disallowed_methods)]
use crate::support;

use support::{Fixture, assert_same_tree, snapshot};

/// Every fixture whose spots agree with Cargo: `sync` and `sync --check`
/// say "Fresh", exit 0 and write nothing.
#[test]
fn in_sync_fixtures_are_fresh() {
    let mut all = String::new();
    for shape in [
        "shape1-dynamic",
        "shape2-static",
        "shape3-lines",
        "shape4-wsinh",
        "shape5-bindings",
        "shape5-noroot",
        "shape6-packaging",
        "shape9-noproject",
        "shape9-noversion",
        "prerelease",
    ] {
        let fixture = Fixture::new(shape);
        let before = fixture.tree();
        for args in [&["sync", "--check"][..], &["sync"], &["sync", "--dry-run"]] {
            let out = fixture.run(args);
            let text = out.render(&fixture.root);
            assert_eq!(out.code, 0, "{shape} {args:?}:\n{text}");
            assert!(out.stderr.contains("Fresh"), "{shape} {args:?}:\n{text}");
            all.push_str(&format!("=== {shape}: {}\n{text}", args.join(" ")));
        }
        assert_same_tree(&before, &fixture.tree(), shape);
    }
    snapshot("sync/fresh.txt", &all);
}

/// shape2 with pyproject.toml and uv.lock edited by hand to another version.
fn out_of_sync() -> Fixture {
    let fixture = Fixture::new("shape2-static");
    for file in ["pyproject.toml", "uv.lock"] {
        let text = fixture.read(file);
        let edited = text.replacen("version = \"3.11.8\"", "version = \"3.11.7\"", 1);
        assert_ne!(text, edited, "{file} has the version");
        fixture.write(file, &edited);
    }
    fixture
}

#[test]
fn check_lists_each_mismatch_with_file_and_line() {
    let fixture = out_of_sync();
    let before = fixture.tree();
    let out = fixture.run(&["sync", "--check"]);
    let text = out.render(&fixture.root);
    assert_eq!(out.code, 1, "{text}");
    assert!(out.stdout.contains("pyproject.toml:7:"), "{text}");
    assert!(out.stdout.contains("uv.lock:7:"), "{text}");
    snapshot("sync/check-mismatch.txt", &text);
    assert_same_tree(&before, &fixture.tree(), "sync --check");
}

#[test]
fn dry_run_prints_the_diff_and_writes_nothing() {
    let fixture = out_of_sync();
    let before = fixture.tree();
    let out = fixture.run(&["sync", "--dry-run"]);
    let text = out.render(&fixture.root);
    assert_eq!(out.code, 0, "{text}");
    assert!(
        out.stdout
            .contains("-version = \"3.11.7\"\n+version = \"3.11.8\""),
        "{text}"
    );
    snapshot("sync/dry-run-mismatch.txt", &text);
    assert_same_tree(&before, &fixture.tree(), "sync --dry-run");
}

#[test]
fn sync_fixes_the_spots_and_then_check_passes() {
    let fixture = out_of_sync();
    let out = fixture.run(&["sync"]);
    let text = out.render(&fixture.root);
    assert_eq!(out.code, 0, "{text}");
    snapshot("sync/fix-mismatch.txt", &text);
    // Back to the committed fixture, byte for byte: only the values moved.
    let pristine = Fixture::new("shape2-static");
    assert_same_tree(
        &pristine.tree(),
        &fixture.tree(),
        "sync, compared with the fixture,",
    );

    let before = fixture.tree();
    let out = fixture.run(&["sync", "--check"]);
    assert_eq!(out.code, 0, "{}", out.render(&fixture.root));
    assert!(out.stderr.contains("Fresh"), "{}", out.stderr);
    assert_same_tree(&before, &fixture.tree(), "sync --check");
}

/// A configured `__version__` file is one more spot, in its configured spelling.
#[test]
fn version_files_are_synced_in_their_spelling() {
    let fixture = Fixture::new("shape2-static");
    let manifest = fixture.read("Cargo.toml");
    fixture.write(
        "Cargo.toml",
        &format!(
            "{manifest}\n[[workspace.metadata.pyrelease.version-files]]\n\
             path = \"python/quickjson/__init__.py\"\n\
             search = \"__version__ = \\\"{{version}}\\\"\"\n\
             spelling = \"pep440\"\n"
        ),
    );
    let init = "python/quickjson/__init__.py";
    fixture.write(init, &fixture.read(init).replace("3.11.8", "3.11.7rc1"));
    let before = fixture.tree();
    let out = fixture.run(&["sync", "--check"]);
    let text = out.render(&fixture.root);
    assert_eq!(out.code, 1, "{text}");
    snapshot("sync/check-version-file.txt", &text);
    assert_same_tree(&before, &fixture.tree(), "sync --check");

    let out = fixture.run(&["sync"]);
    assert_eq!(out.code, 0, "{}", out.render(&fixture.root));
    assert!(fixture.read(init).contains("__version__ = \"3.11.8\"\n"));
    let out = fixture.run(&["sync", "--check"]);
    assert_eq!(out.code, 0, "{}", out.render(&fixture.root));
}

/// Where Cargo is not the authority there is nothing to sync from: exit 2,
/// nothing written, in every mode.
#[test]
fn cargo_not_the_authority_is_refused() {
    let mut all = String::new();
    for shape in ["shape7-placeholder", "shape7-zero"] {
        let fixture = Fixture::new(shape);
        let before = fixture.tree();
        for args in [&["sync"][..], &["sync", "--check"], &["sync", "--dry-run"]] {
            let out = fixture.run(args);
            let text = out.render(&fixture.root);
            assert_eq!(out.code, 2, "{shape} {args:?}:\n{text}");
            all.push_str(&format!("=== {shape}: {}\n{text}", args.join(" ")));
        }
        assert_same_tree(&before, &fixture.tree(), shape);
    }
    snapshot("sync/refused.txt", &all);
}
