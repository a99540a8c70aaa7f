//! The corpus of real projects: for each, a small fixture under `testdata/real/` written to
//! reproduce its shape (see docs/real-projects.md for the table), with `status --format
//! json`, `bump minor --dry-run` and `verify --offline` snapshotted in one file per project
//! under `tests/snapshots/real/`. Nothing may change a file of the tree.
// Integration tests write fixtures and start servers and tools directly.
#![allow(clippy::disallowed_methods)]
use crate::support;

use support::{Fixture, snapshot};

/// Runs the three commands on `testdata/real/<project>` (committed to git, as a release
/// is made from) and compares their outputs with `tests/snapshots/real/<project>.txt`.
fn corpus(project: &str) {
    let fixture = Fixture::git(&format!("real/{project}"));
    let before = fixture.tree();
    let mut text = String::new();
    for args in [
        &["status", "--format", "json"][..],
        &["bump", "minor", "--dry-run", "--date", "2026-11-25"],
        &["verify", "--offline"],
    ] {
        let out = fixture.run(args);
        assert!(
            (0..=2).contains(&out.code),
            "{project}: `{}` exited {}:\n{}",
            args.join(" "),
            out.code,
            out.render(&fixture.root)
        );
        text.push_str(&format!(
            "=== cargo pyrelease {}\n{}\n",
            args.join(" "),
            out.render(&fixture.root)
        ));
    }
    snapshot(&format!("real/{project}.txt"), &text);
    assert_eq!(before, fixture.tree(), "{project}: a command changed files");
}

macro_rules! corpus {
    ($($test:ident => $project:literal,)*) => {
        $(
            #[test]
            fn $test() {
                corpus($project);
            }
        )*
    };
}

corpus! {
    maturin_built_by_setuptools_rust_with_test_crates => "maturin",
    rust_numpy_library_with_example_packages => "rust-numpy",
    ruff_static_version_and_invalid_fixtures => "ruff",
    uv_two_static_packages_and_ecosystem_tests => "uv",
    prek_workspace_version_and_pins => "prek",
    zizmor_pre_release_and_docs_changelog => "zizmor",
    jiter_pypi_only_bindings_and_uv_root => "jiter",
    polars_runtimes_pinned_by_a_setuptools_package => "polars",
    tokenizers_bindings_workspace_and_dev_version => "tokenizers",
    safetensors_bindings_without_changelog => "safetensors",
    orjson_too_many_keywords => "orjson",
    watchfiles_crate_named_apart => "watchfiles",
    rpds_calendar_version_without_license => "rpds",
    granian_complete_manifest_but_a_cdylib_only => "granian",
    robyn_license_in_words_and_a_lagging_changelog => "robyn",
    dora_c_and_cpp_apis_beside_the_python_one => "dora",
    datafusion_python_example_package_beside => "datafusion-python",
    delta_rs_bindings_on_their_own_line => "delta-rs",
    lancedb_publish_false_bindings => "lancedb",
    minijinja_semver_spelled_static_version => "minijinja",
    outlines_core_placeholder_from_the_tag => "outlines-core",
    git_cliff_pypi_folder_without_version => "git-cliff",
    cargo_zigbuild_binary_on_both_registries => "cargo-zigbuild",
    pydantic_core_python_source_folder => "pydantic-core",
    namesake_registry_crate_named_like_a_member => "namesake",
    dunder_version_in_the_python_source => "dunder-version",
}

/// The tag prefix comes from the tags the project has (`3.11.8`, `py-1.43.2` beside
/// `rs-0.55.1`), and `status` says where it came from.
#[test]
fn tag_prefix_inferred_from_existing_tags() {
    for (project, tags, expected) in [
        ("orjson", &["3.11.7", "3.11.8"][..], "\"tag\": \"3.11.8\""),
        (
            "polars",
            &["rs-0.55.1", "py-1.43.1", "py-1.43.2"],
            "\"tag\": \"py-1.43.2\"",
        ),
        ("prek", &["v0.4.13", "0.4.12"], "\"tag\": \"v0.4.14\""),
    ] {
        let fixture = Fixture::git(&format!("real/{project}"));
        for tag in tags {
            fixture.sh("git", &["tag", tag]);
        }
        let out = fixture.run(&["status", "--format", "json"]);
        assert_eq!(out.code, 0, "{}", out.render(&fixture.root));
        assert!(out.stdout.contains(expected), "{project}: {}", out.stdout);
        let noted = out.stdout.contains("is taken from the existing tags");
        assert_eq!(noted, !expected.contains("v0.4.14"), "{project}");
    }
}

/// Like cargo, every command finds the manifest upward from a subdirectory: the report is
/// the one made at the root.
#[test]
fn commands_work_from_a_subdirectory() {
    let fixture = Fixture::git("real/jiter");
    let at_root = fixture.run(&["status", "--format", "json"]);
    assert_eq!(at_root.code, 0, "{}", at_root.render(&fixture.root));
    for dir in ["crates/jiter/src", "crates/jiter-python"] {
        let below = fixture.run_in(&fixture.path(dir), &["status", "--format", "json"]);
        assert_eq!(below.stdout, at_root.stdout, "from {dir}");
        let verify = fixture.run_in(&fixture.path(dir), &["verify", "--offline"]);
        assert_eq!(
            verify.code,
            0,
            "from {dir}: {}",
            verify.render(&fixture.root)
        );
    }
    // Not above the repository: a checkout inside another cargo project stays itself.
    let nested = Fixture::git("real/safetensors");
    let outer = nested.root.parent().unwrap();
    std::fs::write(
        outer.join("Cargo.toml"),
        "[package]\nname = \"outer\"\nversion = \"9.0.0\"\n\n[lib]\npath = \"lib.rs\"\n",
    )
    .unwrap();
    std::fs::write(outer.join("lib.rs"), "").unwrap();
    let out = nested.run(&["status", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.render(&nested.root));
    assert!(
        out.stdout.contains("\"semver\": \"0.8.0-dev.0\""),
        "{}",
        out.stdout
    );
}

/// Property: `bump` never changes a requirement that cargo resolves to a registry crate, even
/// one named like a member (`foo = "0.4"` from crates.io beside an `examples/foo` member at
/// the workspace version), in any table and form; and every requirement that resolves to the
/// member moves with it. cargo itself (`cargo metadata`) says which is which.
mod registry_requirements {
    use std::path::Path;

    use proptest::prelude::*;
    use proptest::sample::select;

    use super::support::Fixture;

    /// Where `app`'s `foo` key resolves (cargo wants one source per key in a package).
    #[derive(Debug, Clone, Copy)]
    enum Source {
        Registry,
        Member,
        Workspace,
    }

    const TABLES: [&str; 4] = [
        "dependencies",
        "dev-dependencies",
        "build-dependencies",
        "target.'cfg(unix)'.dependencies",
    ];

    /// The `foo` entry of one table, `inline` choosing between forms of a registry entry.
    fn foo(source: Source, inline: bool) -> &'static str {
        match (source, inline) {
            (Source::Registry, false) => "foo = \"0.4\"",
            (Source::Registry, true) => "foo = { version = \"0.4\", default-features = false }",
            (Source::Member, _) => "foo = { path = \"../../examples/foo\", version = \"0.4.2\" }",
            (Source::Workspace, _) => "foo = { workspace = true }",
        }
    }

    /// The renamed entry of one table: the same package, named `foo-alias`.
    fn alias(member: bool) -> &'static str {
        if member {
            "foo-alias = { package = \"foo\", path = \"../../examples/foo\", version = \"=0.4.2\" }"
        } else {
            "foo-alias = { package = \"foo\", version = \"0.4.2\" }"
        }
    }

    /// Every requirement on `foo` of every member, with whether it resolves to the registry.
    fn requirements(root: &Path) -> Vec<(String, bool, String)> {
        let out = std::process::Command::new("cargo")
            .args([
                "metadata",
                "--no-deps",
                "--format-version",
                "1",
                "--offline",
            ])
            .current_dir(root)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let meta: cargo_metadata::Metadata = serde_json::from_slice(&out.stdout).unwrap();
        let mut reqs = Vec::new();
        for p in &meta.packages {
            for d in p.dependencies.iter().filter(|d| d.name == "foo") {
                let at = format!("{} {:?} {:?} {:?}", p.name, d.kind, d.target, d.rename);
                reqs.push((at, d.path.is_none(), d.req.to_string()));
            }
        }
        reqs.sort();
        reqs
    }

    fn source() -> impl Strategy<Value = Source> {
        select(vec![Source::Registry, Source::Member, Source::Workspace])
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(12))]
        #[test]
        fn bump_never_moves_a_registry_requirement(
            foo_source in source(),
            alias_member in any::<bool>(),
            // Per table: whether it has `foo`, whether it has the alias, and the registry form.
            tables in proptest::collection::vec(any::<(bool, bool, bool)>(), TABLES.len()),
            ws_registry in any::<bool>(),
        ) {
            let fixture = Fixture::new("real/namesake");
            let mut app = String::from(
                "[package]\nname = \"app\"\nversion = { workspace = true }\nedition = \"2021\"\n\
                 license = \"MIT\"\ndescription = \"d\"\n",
            );
            for (table, (with_foo, with_alias, inline)) in TABLES.iter().zip(&tables) {
                app.push_str(&format!("\n[{table}]\n"));
                if *with_foo {
                    app.push_str(&format!("{}\n", foo(foo_source, *inline)));
                }
                if *with_alias {
                    app.push_str(&format!("{}\n", alias(alias_member)));
                }
            }
            // No cycle through the example (cargo metadata --no-deps would not mind, a build would).
            fixture.write(
                "examples/foo/Cargo.toml",
                "[package]\nname = \"foo\"\nversion = { workspace = true }\nedition = \"2021\"\npublish = false\n",
            );
            fixture.write("crates/app/Cargo.toml", &app);
            let ws_foo = if ws_registry {
                "foo = \"0.4\""
            } else {
                "foo = { path = \"examples/foo\", version = \"0.4.2\" }"
            };
            let root = fixture.read("Cargo.toml").replace("foo = \"0.4\"", ws_foo);
            fixture.write("Cargo.toml", &root);

            let before = requirements(&fixture.root);
            let out = fixture.run(&["bump", "minor", "--date", "2026-11-25"]);
            prop_assert_eq!(out.code, 0, "{}", out.render(&fixture.root));
            let after = requirements(&fixture.root);
            prop_assert_eq!(before.len(), after.len());
            for ((at, registry, old), (_, _, new)) in before.iter().zip(&after) {
                if *registry {
                    prop_assert_eq!(old, new, "the registry requirement of {} moved", at);
                } else {
                    let new: semver::VersionReq = new.parse().unwrap();
                    prop_assert!(
                        new.matches(&semver::Version::new(0, 5, 0)),
                        "{} requires {} after the bump to 0.5.0", at, new
                    );
                }
            }
        }
    }
}
