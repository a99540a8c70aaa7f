//! Interruption safety of `bump`'s write phase, at every point of it.
//!
//! What the tool guarantees:
//! - every file is always whole: its old bytes or its new bytes, never a mix (each file
//!   is replaced by one rename of a fully written, synced temporary file);
//! - Ctrl-C (SIGINT) anywhere in the write phase: the files already replaced are put
//!   back, so the whole tree is as before, and a re-run makes the release;
//! - SIGKILL cannot be caught, so it can leave a mixed *release*: the first k files new,
//!   the rest old, plus the staged temporary files and the write journal. Then `status`,
//!   `verify`, and `--dry-run` refuse (their view would be wrong), and the next `bump`
//!   or `sync` first restores every file from the journal; so a re-run of the same bump
//!   gives exactly the release an uninterrupted one gives.
// The write phase is paused by a test hook, compiled only with `--features test-hooks`:
// without it the tests show as ignored.
#![cfg(unix)]
// Integration tests write fixtures and start servers and tools directly.
#![allow(clippy::disallowed_methods)]

use crate::support;

use support::{Fixture, Paused, Tree, assert_same_tree};

const FIXTURE: &str = "shape4-wsinh";
const BUMP: &[&str] = &["bump", "minor", "--date", "2026-11-25"];
/// Long enough for the test to see the marker and signal within the pause.
const PAUSE_MS: u64 = 150;

/// The tree before and after an uninterrupted bump.
fn reference() -> (Tree, Tree) {
    let fixture = Fixture::new(FIXTURE);
    let before = fixture.tree();
    let out = fixture.run(BUMP);
    assert_eq!(out.code, 0, "{}", out.render(&fixture.root));
    (before, fixture.tree())
}

/// Starts the bump and signals it once `k` files are replaced; returns the total count.
fn interrupt_at(fixture: &Fixture, k: usize, signal: &str) -> (support::Output, usize) {
    let mut run = Paused::start(fixture, BUMP, PAUSE_MS);
    let total = run.wait_for(k);
    run.signal(signal);
    (run.finish(), total)
}

fn files_in_plan(old: &Tree, new: &Tree) -> usize {
    old.iter()
        .filter(|(path, bytes)| new.get(*path) != Some(bytes))
        .count()
}

#[test]
#[cfg_attr(
    not(feature = "test-hooks"),
    ignore = "needs the test hooks: cargo test --features test-hooks (scripts/test.sh runs it)"
)]
fn sigint_at_any_point_of_the_writes_restores_everything() {
    let (old, new) = reference();
    let total = files_in_plan(&old, &new);
    assert!(total >= 5, "the fixture should change several files");
    for k in 0..total {
        let fixture = Fixture::new(FIXTURE);
        let (out, planned) = interrupt_at(&fixture, k, "INT");
        let text = out.render(&fixture.root);
        assert_eq!(planned, total, "{text}");
        assert_eq!(out.code, 1, "SIGINT after {k} files: {text}");
        assert!(out.stderr.contains("interrupted"), "{text}");
        assert!(!out.stderr.contains("panicked"), "{text}");
        assert_same_tree(&old, &fixture.tree(), &format!("SIGINT after {k} files"));

        let again = fixture.run(BUMP);
        assert_eq!(again.code, 0, "re-run: {}", again.render(&fixture.root));
        assert_same_tree(
            &new,
            &fixture.tree(),
            &format!("the re-run after SIGINT at {k}"),
        );
    }
}

#[test]
#[cfg_attr(
    not(feature = "test-hooks"),
    ignore = "needs the test hooks: cargo test --features test-hooks (scripts/test.sh runs it)"
)]
fn sigkill_at_any_point_leaves_whole_files_and_the_rerun_repairs_them() {
    let (old, new) = reference();
    let total = files_in_plan(&old, &new);
    for k in 0..total {
        let fixture = Fixture::new(FIXTURE);
        let (out, _) = interrupt_at(&fixture, k, "KILL");
        assert_eq!(out.code, -1, "killed by a signal, no exit code");
        let now = fixture.tree();

        // Every file of the project is whole: old or new, and exactly k are new.
        let mut replaced = 0;
        for (path, before) in &old {
            let bytes = now.get(path).unwrap_or_else(|| panic!("{path:?} is gone"));
            let after = &new[path];
            assert!(
                bytes == before || bytes == after,
                "SIGKILL after {k}: {path:?} is neither old nor new"
            );
            if bytes != before {
                replaced += 1;
            }
        }
        assert_eq!(replaced, k, "SIGKILL after {k} files");
        // Nothing else but the staged copies of the files not replaced; the undo log is in
        // the project's state folder.
        let extra: Vec<_> = now.keys().filter(|p| !old.contains_key(*p)).collect();
        assert!(
            extra.iter().all(|p| p
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(".pyrelease-")),
            "{extra:?}"
        );
        assert!(fixture.root.join("target/pyrelease/undo.json").is_file());

        // The readers refuse a half-written release instead of describing it.
        let root = fixture.root.clone();
        for args in [
            &["status"][..],
            &["verify", "--offline"],
            &["bump", "minor", "--dry-run"],
            &["sync", "--check"],
        ] {
            let out = fixture.run(args);
            let text = out.render(&root);
            assert_eq!(out.code, 2, "{args:?} after SIGKILL at {k}: {text}");
            assert!(out.stderr.contains("was cut short"), "{text}");
            assert!(out.stderr.contains("cargo pyrelease sync"), "{text}");
        }
        assert_same_tree(&now, &fixture.tree(), "the refusals");

        // The same bump again: files restored from the journal first, then the release.
        let again = fixture.run(BUMP);
        let text = again.render(&root);
        assert_eq!(again.code, 0, "re-run after SIGKILL at {k}: {text}");
        assert!(again.stderr.contains("Restored"), "{text}");
        assert_same_tree(
            &new,
            &fixture.tree(),
            &format!("the re-run after SIGKILL at {k}"),
        );
    }
}

/// `sync`, the command the refusals point at, also repairs: after it the tree is as
/// before the killed bump (every spot already agrees with the old version).
#[test]
#[cfg_attr(
    not(feature = "test-hooks"),
    ignore = "needs the test hooks: cargo test --features test-hooks (scripts/test.sh runs it)"
)]
fn sync_repairs_a_killed_bump() {
    let (old, _) = reference();
    let fixture = Fixture::new(FIXTURE);
    let (_, total) = interrupt_at(&fixture, 2, "KILL");
    assert!(total > 2);
    let out = fixture.run(&["sync"]);
    let text = out.render(&fixture.root);
    assert_eq!(out.code, 0, "{text}");
    assert!(out.stderr.contains("Restored 2 file(s)"), "{text}");
    assert_same_tree(&old, &fixture.tree(), "sync after a killed bump");
    let status = fixture.run(&["status"]);
    assert_eq!(status.code, 0, "{}", status.render(&fixture.root));
}

/// One release at a time: a second `bump` while the first is in its write phase waits a
/// moment, then refuses with the first's pid; a reader that finds the first's write
/// journal says another run is writing, rather than taking it for a crash; the first
/// finishes, and every file is at its new version.
#[test]
#[cfg_attr(
    not(feature = "test-hooks"),
    ignore = "needs the test hooks: cargo test --features test-hooks (scripts/test.sh runs it)"
)]
fn a_second_bump_while_one_writes_refuses_and_the_tree_stays_whole() {
    let (_, new) = reference();
    let fixture = Fixture::new(FIXTURE);
    // Long enough pauses that the first still holds the lock when the second gives up.
    let mut first = Paused::start(&fixture, BUMP, 2_000);
    first.wait_for(1);
    let busy = format!("another cargo-pyrelease is running (pid {})", first.id());
    for args in [BUMP, &["status"]] {
        let out = fixture.run(args);
        let text = out.render(&fixture.root);
        assert_eq!(out.code, 1, "{args:?} while a bump writes: {text}");
        assert!(out.stderr.contains(&busy), "{text}");
        assert!(!out.stderr.contains("cut short"), "{text}");
    }
    let first = first.finish();
    assert_eq!(first.code, 0, "{}", first.render(&fixture.root));
    assert_same_tree(&new, &fixture.tree(), "two bumps at once");
}
