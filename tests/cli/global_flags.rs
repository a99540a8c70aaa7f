//! The global flags (`--registry`, `--index-url`, `--publish-url`, `--offline`, `-p`):
//! every command accepts them, before or after its name, and honours them; a command
//! that cannot honour one refuses it with exit 2 and why, changing nothing. The fixture
//! `testdata/private-registry` names a cargo registry `corp` on a port where nothing
//! listens, so a look-up fails at once naming the URL it asked. Also the conventions
//! every command shares: the configuration table and the project name in messages.
// Integration tests write fixtures and start servers and tools directly.
#![allow(clippy::disallowed_methods)]
use crate::support;

use support::{Fixture, Output, assert_same_tree};

const INDEX: &str = "http://127.0.0.1:9/index/";
const SIMPLE: &str = "http://127.0.0.1:9/simple/";
const UPLOAD: &str = "http://127.0.0.1:9/upload/";

/// The private registries, on the command line.
fn corp() -> Vec<&'static str> {
    vec![
        "--registry",
        "corp",
        "--index-url",
        SIMPLE,
        "--publish-url",
        UPLOAD,
    ]
}

fn with(args: &[&'static str], extra: &[&'static str]) -> Vec<&'static str> {
    [args, extra].concat()
}

#[track_caller]
fn expect(out: &Output, code: i32) {
    assert_eq!(
        out.code, code,
        "stdout:\n{}\nstderr:\n{}",
        out.stdout, out.stderr
    );
}

#[test]
fn status_shows_the_chosen_registries_given_before_or_after_the_command() {
    let f = Fixture::git("private-registry");
    let out = f.run(&with(&["status", "--format", "json"], &corp()));
    expect(&out, 0);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(
        json["registries"],
        serde_json::json!({
            "crates": "registry `corp`",
            "crates_index": INDEX,
            "python_index": SIMPLE,
            "upload_url": UPLOAD,
        })
    );
    let out = f.run(&with(&corp(), &["status"]));
    expect(&out, 0);
    assert!(
        out.stdout.contains(&format!(
            "Registries registry `corp` ({INDEX}); Python index {SIMPLE}, uploads to {UPLOAD}"
        )),
        "{}",
        out.stdout
    );
    let out = f.run(&["status"]);
    assert!(
        out.stdout.contains(
            "Registries crates.io (https://index.crates.io/); Python index https://pypi.org/simple/"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn verify_asks_the_chosen_registries_and_offline_asks_none() {
    let f = Fixture::git("private-registry");
    let out = f.run(&with(&["verify"], &corp()));
    expect(&out, 1);
    for url in [
        format!("{INDEX}fa/st/fastparse"),
        format!("{SIMPLE}fastparse/"),
    ] {
        assert!(
            out.stdout.contains(&format!(
                "error[registry-unreachable]: could not read `{url}`"
            )),
            "{}",
            out.stdout
        );
    }
    let out = f.run(&with(&["--offline", "verify"], &corp()));
    expect(&out, 0);
    assert!(
        out.stderr
            .contains("note: --offline: the registries are not asked"),
        "{}",
        out.stderr
    );
    assert!(!out.stdout.contains("127.0.0.1"), "{}", out.stdout);
    let out = f.run(&["verify", "--registry", "nope"]);
    expect(&out, 2);
    assert!(
        out.stderr
            .contains("error: the cargo registry `nope` is not configured"),
        "{}",
        out.stderr
    );
}

#[test]
fn bump_auto_compares_with_the_chosen_registry_unless_offline() {
    let f = Fixture::git("private-registry");
    let out = f.run(&["bump", "auto", "--dry-run", "--registry", "nope"]);
    expect(&out, 2);
    assert!(
        out.stderr
            .contains("the cargo registry `nope` is not configured"),
        "{}",
        out.stderr
    );
    let out = f.run(&[
        "bump",
        "auto",
        "--dry-run",
        "--offline",
        "--registry",
        "nope",
    ]);
    expect(&out, 0);
    assert!(
        out.stderr.contains(
            "note: --offline: no API comparison with the last release; the level comes from the commits alone"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn notes_link_only_the_pages_of_crates_io_and_pypi() {
    let f = Fixture::git("private-registry");
    let links = |args: &[&'static str]| {
        let out = f.run(&with(&["notes", "--format", "json"], args));
        expect(&out, 0);
        let json: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
        json["links"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["registry"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(links(&[]), ["crates.io", "PyPI"]);
    assert_eq!(links(&["--index-url", SIMPLE]), ["crates.io"]);
    assert_eq!(links(&["--registry", "corp"]), ["PyPI"]);
    assert!(links(&corp()).is_empty());
}

#[test]
fn a_flag_a_command_cannot_honour_is_refused_with_why_and_nothing_changes() {
    let f = Fixture::git("private-registry");
    let before = f.tree();
    let cases: &[(&[&str], &str)] = &[
        (
            &["sync", "--registry", "corp"],
            "`--registry` does not apply to `sync`: it asks no registry",
        ),
        (
            &["--index-url", SIMPLE, "init"],
            "`--index-url` does not apply to `init`: the workflow it writes runs `publish` with the registries of the configuration",
        ),
        (
            &["publish", "--offline", "--dry-run"],
            "`--offline` does not apply to `publish`: a release asks both registries",
        ),
        (
            &["yank", "0.3.1", "--offline"],
            "`--offline` does not apply to `yank`: it asks the cargo registry",
        ),
        (
            &["status", "--published", "--offline"],
            "`status --published` asks the registries, and `--offline` asks none",
        ),
    ];
    for (args, says) in cases {
        let out = f.run(args);
        expect(&out, 2);
        assert!(out.stderr.contains(says), "{args:?}:\n{}", out.stderr);
        assert_same_tree(&before, &f.tree(), &format!("{args:?}"));
    }
}

#[test]
fn every_command_takes_the_package_to_release() {
    let f = Fixture::git("private-registry");
    let before = f.tree();
    let commands: &[&[&str]] = &[
        &["status"],
        &["sync", "--dry-run"],
        &["bump", "patch", "--dry-run"],
        &["verify", "--offline"],
        &["publish", "--dry-run"],
        &["yank", "0.3.1", "--dry-run"],
        &["notes"],
        &["init", "--dry-run"],
    ];
    for command in commands {
        let out = f.run(&with(command, &["-p", "nosuch"]));
        expect(&out, 2);
        assert!(
            out.stderr.contains("no maturin package named `nosuch`"),
            "{command:?}:\n{}",
            out.stderr
        );
        assert_same_tree(&before, &f.tree(), &format!("{command:?}"));
    }
    for command in [&["status"][..], &["notes"], &["sync", "--check"]] {
        expect(&f.run(&with(command, &["-p", "fastparse"])), 0);
    }
}

#[test]
fn help_lists_every_global_flag_a_command_honours_and_no_other() {
    let f = Fixture::new("private-registry");
    let refused: &[(&str, &[&str])] = &[
        ("sync", &["--registry", "--index-url", "--publish-url"]),
        ("init", &["--registry", "--index-url", "--publish-url"]),
        ("publish", &["--offline"]),
        ("yank", &["--offline"]),
    ];
    let globals = [
        "--manifest-path",
        "--package",
        "--registry",
        "--index-url",
        "--publish-url",
        "--offline",
        "--color",
        "--verbose",
        "--quiet",
    ];
    for command in [
        "status", "sync", "bump", "verify", "publish", "yank", "notes", "init",
    ] {
        let out = f.run(&[command, "--help"]);
        expect(&out, 0);
        let hidden = refused
            .iter()
            .find(|(c, _)| *c == command)
            .map_or(&[][..], |(_, flags)| *flags);
        for flag in globals {
            let listed = out.stdout.contains(flag);
            assert_eq!(
                listed,
                !hidden.contains(&flag),
                "`{command} --help` and {flag}:\n{}",
                out.stdout
            );
        }
    }
}

/// Help names the configuration table the project has: a single package's own
/// `[package.metadata.pyrelease]`, a workspace's `[workspace.metadata.pyrelease]`.
#[test]
fn messages_name_the_configuration_table_of_the_project() {
    for (shape, table) in [
        ("private-registry", "[package.metadata.pyrelease]"),
        ("shape4-wsinh", "[workspace.metadata.pyrelease]"),
    ] {
        let f = Fixture::new(shape);
        std::fs::remove_file(f.path("CHANGELOG.md")).unwrap();
        let out = f.run(&["notes"]);
        expect(&out, 2);
        assert!(
            out.stderr
                .contains(&format!("`changelog = \"PATH\"` in `{table}`")),
            "{shape}:\n{}",
            out.stderr
        );
    }
}

/// Status lines name the project the user knows (the pyproject's `[project] name`),
/// not the bindings crate that builds it (`mj-py`).
#[test]
fn status_lines_name_the_python_project() {
    let f = Fixture::git("shape5-bindings");
    let out = f.run(&["verify", "--offline"]);
    assert!(
        out.stderr.contains("   Verifying mj 0.8.1\n"),
        "{}",
        out.stderr
    );
    let out = f.run(&["bump", "minor", "--dry-run"]);
    expect(&out, 0);
    assert!(
        out.stderr.contains("     Bumping mj 0.8.1 -> 0.9.0"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("mj-py 0.8.1"), "{}", out.stderr);
}
