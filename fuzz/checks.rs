//! The properties the fuzz targets check, shared with `tests/fuzz_regressions.rs`, which
//! runs them on every input a fuzzer ever failed on (`fuzz/regressions/<target>/`), in the
//! default `cargo test`. Each function panics when a property does not hold.
use std::collections::BTreeSet;

use cargo_pyrelease::changelog::{ReleaseEdit, SectionKind, parse, release, section_text};
use cargo_pyrelease::toml::{
    by_name, set_lock_versions, set_package_version, set_pyproject_version, set_uv_lock_version,
    set_workspace_version, update_requirements,
};
use cargo_pyrelease::version::{pep440_to_semver, to_pep440};
use toml_edit::{Document, Item};

/// semver <-> PEP 440 translation on arbitrary text: never panics, and whatever is
/// accepted reads back to the same PEP 440 version (the wheel version maturin builds).
pub fn pep440(data: &str) {
    if let Ok(v) = semver::Version::parse(data)
        && let Ok(pep) = to_pep440(&v)
    {
        let back = pep440_to_semver(&pep.to_string())
            .unwrap_or_else(|e| panic!("{v} -> {pep} does not read back: {e}"));
        assert_eq!(
            to_pep440(&back).ok().as_ref(),
            Some(&pep),
            "{v} -> {pep} -> {back}"
        );
    }
    if let Ok(v) = pep440_to_semver(data) {
        assert!(v.build.is_empty(), "{data} -> {v} carries build metadata");
        let pep = to_pep440(&v).unwrap_or_else(|e| panic!("{data} -> {v} is refused: {e}"));
        let direct: pep440_rs::Version = data.parse().unwrap();
        assert_eq!(pep, direct, "{data} -> {v} -> {pep}");
    }
}

/// The changelog splice on arbitrary text: never panics, and a successful splice
/// keeps every byte before the first line it edits, leaves a section for the new
/// version and a fresh Unreleased one, and moves the old Unreleased body under the
/// new heading unchanged.
pub fn changelog(data: &[u8]) {
    // The first byte picks the options, so one input explores both.
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let cl = parse(text);
    for s in &cl.sections {
        if let SectionKind::Release { version } = &s.kind {
            let _ = section_text(&cl, version);
        }
    }
    let edit = ReleaseEdit {
        version: "9.8.7",
        previous: (flags & 1 == 1).then_some("1.2.3"),
        date: "2026-11-25",
        tag_prefix: if flags & 2 == 2 { "v" } else { "" },
    };
    let Ok(out) = release(&cl, &edit, flags & 4 == 4) else {
        return;
    };
    let unreleased = cl
        .unreleased()
        .expect("released without an Unreleased section");
    // Link definitions may stand anywhere, above the heading too, and the splice
    // edits the Unreleased one wherever it is (found by this target).
    let first_edit = cl
        .links
        .iter()
        .map(|l| l.span.start)
        .chain([unreleased.heading.start])
        .min()
        .unwrap();
    assert_eq!(
        &out[..first_edit],
        &text[..first_edit],
        "bytes before the first edited line changed"
    );
    let after = parse(&out);
    let new = after
        .release("9.8.7")
        .expect("no section for the new version");
    assert!(
        after.unreleased().is_some(),
        "no Unreleased section after the splice"
    );
    // Link definitions followed by other text are not the file's closing block, so
    // the parser counts them into the last section's body: there the splice edits
    // them, as it should (found by this target; see fuzz/README.md).
    let links_in_body = cl
        .links
        .iter()
        .any(|l| unreleased.body.contains(&l.span.start));
    if !links_in_body {
        assert_eq!(
            after.section_body(new),
            cl.section_body(unreleased),
            "the Unreleased body did not move under the new heading"
        );
    }
}

const NEW: &str = "9.8.7-rc.1";
const NEW_PEP: &str = "9.8.7rc1";

fn parses(out: &str) -> Document<&str> {
    Document::parse(out).unwrap_or_else(|e| panic!("the edit wrote invalid TOML ({e}):\n{out}"))
}

fn at<'a>(doc: &'a Document<&str>, path: &[&str]) -> Option<&'a Item> {
    path.iter()
        .try_fold(doc.as_item(), |item, key| item.get(key))
}

/// The TOML version edits on arbitrary text: never panic, and a successful edit
/// gives TOML that parses, holds the new version where it was asked for, and
/// is not changed by the same edit again.
pub fn toml_version(data: &[u8]) {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let new = semver::Version::parse(NEW).unwrap();
    let old = semver::Version::new(1, 0, 0);
    let crates: BTreeSet<String> = ["a", "b-c"].iter().map(|s| s.to_string()).collect();
    match which % 6 {
        0 => {
            if let Ok(out) = set_package_version(text, NEW) {
                let doc = parses(&out);
                assert_eq!(
                    at(&doc, &["package", "version"]).and_then(Item::as_str),
                    Some(NEW)
                );
                assert_eq!(set_package_version(&out, NEW).as_deref(), Ok(out.as_str()));
            }
        }
        1 => {
            if let Ok(out) = set_workspace_version(text, NEW) {
                let doc = parses(&out);
                let v = at(&doc, &["workspace", "package", "version"]).and_then(Item::as_str);
                assert_eq!(v, Some(NEW));
                assert_eq!(
                    set_workspace_version(&out, NEW).as_deref(),
                    Ok(out.as_str())
                );
            }
        }
        2 => {
            if let Ok(out) = set_pyproject_version(text, NEW_PEP) {
                let doc = parses(&out);
                let v = at(&doc, &["project", "version"]).and_then(Item::as_str);
                assert_eq!(v, Some(NEW_PEP));
                assert_eq!(
                    set_pyproject_version(&out, NEW_PEP).as_deref(),
                    Ok(out.as_str())
                );
            }
        }
        3 => {
            if let Ok((out, _)) = update_requirements(text, &by_name(&crates), &new) {
                parses(&out);
                assert_eq!(
                    update_requirements(&out, &by_name(&crates), &new),
                    Ok((out.clone(), 0))
                );
            }
        }
        4 => {
            if let Ok(Some(out)) = set_lock_versions(text, &crates, &old, &new) {
                parses(&out);
            }
        }
        _ => {
            if let Ok(Some(out)) = set_uv_lock_version(text, "A_b", NEW_PEP) {
                parses(&out);
                assert_eq!(
                    set_uv_lock_version(&out, "A_b", NEW_PEP),
                    Ok(Some(out.clone()))
                );
            }
        }
    }
}
