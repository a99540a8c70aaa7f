//! Breaking changes against the last release, for real: the fixture under `testdata/breaking`
//! (a library crate and a pyo3 module) is published as 0.1.0 to a real cargo registry
//! (estuary) and a real Python index (pypiserver) on 127.0.0.1; then a function is removed,
//! one changes its signature and one is added, on both sides. `bump`, `bump auto` and `verify`
//! compare with what is published: cargo-semver-checks for the crate, the wheel's surface for
//! the Python module.
// Integration tests write fixtures and start servers and tools directly.
#![allow(clippy::disallowed_methods)]
use crate::support;

use std::path::PathBuf;
use std::process::Command;

use support::servers::{Registries, run, tools_dir};
use support::tools::tool;
use support::{Fixture, Output, output};

const CORE_NEXT: &str = "\
//! The next API: `removed` is gone, `changed` takes two parameters, `added` is new.

/// Stays.
pub fn kept() -> u32 {
    1
}

/// Takes a second parameter now.
pub fn changed(a: u32, b: u32) -> u32 {
    a + b
}

/// New: not breaking.
pub fn added() -> u32 {
    3
}
";

const PY_NEXT: &str = "\
use pyo3::prelude::*;

#[pyfunction]
fn kept() -> u32 {
    1
}

#[pyfunction]
fn changed(a: u32, b: u32) -> u32 {
    a + b
}

#[pyfunction]
fn added() -> u32 {
    3
}

#[pymodule]
fn pyrelease_brk(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(kept, m)?)?;
    m.add_function(wrap_pyfunction!(changed, m)?)?;
    m.add_function(wrap_pyfunction!(added, m)?)
}
";

/// cargo-semver-checks, from `target/tools/semver-checks` (scripts/tools.sh installs it there,
/// off the PATH the other tests see, so their `bump` never looks up crates.io).
fn semver_checks_bin() -> PathBuf {
    let dir = tools_dir().join("semver-checks/bin");
    if !dir.join("cargo-semver-checks").is_file() {
        support::tools::missing("cargo-semver-checks (in target/tools/semver-checks/bin)");
    }
    dir
}

struct Scene {
    fixture: Fixture,
    registries: Registries,
    path: std::ffi::OsString,
}

impl Scene {
    fn new() -> Self {
        let path = std::env::join_paths(
            [
                semver_checks_bin(),
                tool("maturin").parent().unwrap().to_path_buf(),
            ]
            .into_iter()
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
        )
        .unwrap();
        Self {
            fixture: Fixture::git("breaking"),
            registries: Registries::start(),
            path,
        }
    }

    fn env(&self, cmd: &mut Command) {
        cmd.env("PATH", &self.path)
            .env(
                "CARGO_REGISTRIES_LOCAL_INDEX",
                self.registries.cargo_index(),
            )
            .env("CARGO_REGISTRIES_LOCAL_TOKEN", "unused")
            .env("CARGO_PYRELEASE_PYPI_SIMPLE", self.registries.simple_url())
            .env("CARGO_TARGET_DIR", support::e2e_target())
            .env("UV_CACHE_DIR", tools_dir().join("uv-cache"))
            .env_remove("PIP_FIND_LINKS")
            .env_remove("GITHUB_REF_TYPE")
            .env_remove("GITHUB_REF_NAME")
            .env_remove("CARGO_PYRELEASE_CRATES_INDEX");
    }

    fn tool(&self, args: &[&str]) -> Output {
        let mut cmd = self.fixture.command(args);
        self.env(&mut cmd);
        output(cmd)
    }

    fn sh(&self, dir: &str, program: impl AsRef<std::ffi::OsStr>, args: &[&str]) {
        let mut cmd = Command::new(program);
        cmd.args(args).current_dir(self.fixture.path(dir));
        self.env(&mut cmd);
        run(&mut cmd);
    }

    /// 0.1.0 on both registries, tagged.
    fn publish_old(&self) {
        self.sh(
            ".",
            "cargo",
            &[
                "publish",
                "-q",
                "-p",
                "pyrelease-brk-core",
                "--registry",
                "local",
            ],
        );
        let dist = self.fixture.root.parent().unwrap().join("dist");
        let dist_arg = dist.to_str().unwrap();
        self.sh(
            "py",
            tool("maturin"),
            &["build", "--quiet", "--out", dist_arg],
        );
        let wheels: Vec<String> = std::fs::read_dir(&dist)
            .unwrap()
            .map(|e| e.unwrap().path().to_str().unwrap().to_string())
            .collect();
        let upload = self.registries.publish_url();
        let mut args = vec!["publish", "--publish-url", &upload, "-u", "x", "-p", "x"];
        args.extend(wheels.iter().map(String::as_str));
        self.sh(".", tool("uv"), &args);
        self.fixture.sh("git", &["tag", "v0.1.0"]);
    }

    fn commit(&self, message: &str) {
        self.fixture.sh("git", &["add", "-A"]);
        self.fixture.sh("git", &["commit", "-q", "-m", message]);
    }

    fn set_version(&self, version: &str) {
        let manifest = self
            .fixture
            .read("Cargo.toml")
            .replace("version = \"0.1.0\"", &format!("version = \"{version}\""));
        self.fixture.write("Cargo.toml", &manifest);
    }

    /// `[Unreleased]` becomes `version`'s section with `body`.
    fn set_section(&self, version: &str, body: &str) {
        let text = format!(
            "# Changelog\n\n## [Unreleased]\n\n## [{version}] - 2026-11-01\n\n{body}\n\
             ## [0.1.0] - 2026-10-01\n\n### Added\n- `kept`, `removed` and `changed`.\n"
        );
        self.fixture.write("CHANGELOG.md", &text);
    }

    fn verify(&self) -> (Output, serde_json::Value) {
        let out = self.tool(&["verify", "--format", "json"]);
        let json = serde_json::from_str(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", out.render(&self.fixture.root)));
        (out, json)
    }
}

fn finding<'a>(report: &'a serde_json::Value, id: &str) -> Option<&'a serde_json::Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == id)
}

fn message(report: &serde_json::Value, id: &str) -> String {
    finding(report, id).unwrap_or_else(|| panic!("no `{id}` in {report:#}"))["message"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs cargo-semver-checks, maturin, uv, estuary and pypiserver: scripts/test.sh runs it"
)]
fn breaking_changes_are_caught_leveled_and_communicated() {
    let _serial = support::e2e_serial();
    let scene = Scene::new();
    scene.publish_old();
    let root = &scene.fixture.root;

    // `status --published`: docs.rs's build of the release, from a stand-in docs.rs.
    let docs_rs = scene.fixture.root.parent().unwrap().join("docs-rs");
    let status_dir = docs_rs.join("crate/pyrelease-brk-core/0.1.0");
    std::fs::create_dir_all(&status_dir).unwrap();
    std::fs::write(
        status_dir.join("status.json"),
        r#"{"doc_status":true,"version":"0.1.0"}"#,
    )
    .unwrap();
    let server = support::servers::start_server(
        "docs-rs",
        scene.fixture.root.parent().unwrap(),
        |port| {
            let mut cmd = Command::new("python3");
            cmd.args([
                "-m",
                "http.server",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
            ])
            .arg("--directory")
            .arg(&docs_rs);
            cmd
        },
        "/",
    );
    let mut cmd = scene.fixture.command(&["status", "--published"]);
    scene.env(&mut cmd);
    cmd.env(
        "CARGO_PYRELEASE_DOCS_RS",
        format!("http://127.0.0.1:{}/", server.port),
    )
    .args(["--index-url", &scene.registries.simple_url()]);
    let out = output(cmd);
    assert!(
        out.stdout
            .contains("crate pyrelease-brk-core on registry `local`: live, docs.rs: built"),
        "{}",
        out.render(root)
    );
    scene.fixture.write("core/src/lib.rs", CORE_NEXT);
    scene.fixture.write("py/src/lib.rs", PY_NEXT);
    let changelog = scene.fixture.read("CHANGELOG.md").replacen(
        "## [Unreleased]\n",
        "## [Unreleased]\n\n### Added\n- `added`.\n",
        1,
    );
    scene.fixture.write("CHANGELOG.md", &changelog);
    scene.commit("feat: add `added`");

    // The level rule, before `bump` writes: a patch step over a removed function is refused.
    let before = scene.fixture.tree();
    let out = scene.tool(&["bump", "patch"]);
    assert_eq!(out.code, 1, "{}", out.render(root));
    assert!(
        out.stdout.contains("error[semver-breaking]"),
        "{}",
        out.render(root)
    );
    assert!(
        out.stdout.contains("pyrelease_brk_core::removed"),
        "{}",
        out.render(root)
    );
    assert!(out.stdout.contains("changed"), "{}", out.render(root));
    assert!(!out.stdout.contains("added"), "{}", out.render(root));
    assert!(
        out.stdout
            .contains("minor (below 1.0 a breaking change moves the minor)"),
        "{}",
        out.render(root)
    );
    support::assert_same_tree(&before, &scene.fixture.tree(), "a refused bump");

    // `bump auto` picks the level that allows it, and says why.
    let out = scene.tool(&["bump", "auto", "--dry-run"]);
    assert_eq!(out.code, 0, "{}", out.render(root));
    assert!(
        out.stderr.contains("0.1.0 -> 0.2.0"),
        "{}",
        out.render(root)
    );
    let why: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains("Choosing"))
        .collect();
    assert!(
        why.iter().any(|l| l.contains("breaking")
            && l.contains("pyrelease_brk_core::removed")
            && l.contains("below 1.0")),
        "{}",
        out.render(root)
    );
    assert!(
        why.iter().any(|l| l.contains("pyrelease_brk.removed")),
        "{}",
        out.render(root)
    );
    support::assert_same_tree(&before, &scene.fixture.tree(), "a dry run");

    // verify on a patch release: both sides' findings, and the changelog rule.
    scene.set_version("0.1.1");
    scene.set_section(
        "0.1.1",
        "### Added\n- `added`, from Rust and from Python.\n",
    );
    scene.commit("chore: release 0.1.1");
    let (out, report) = scene.verify();
    assert_eq!(out.code, 1, "{}", out.render(root));
    let rust = message(&report, "semver-breaking");
    assert!(rust.contains("pyrelease_brk_core::removed"), "{rust}");
    assert!(rust.contains("pyrelease_brk_core::changed"), "{rust}");
    assert!(!rust.contains("added"), "{rust}");
    let python = message(&report, "python-api-breaking");
    assert!(
        python.contains("`pyrelease_brk.removed` (function) was removed"),
        "{python}"
    );
    assert!(
        python.contains("`pyrelease_brk.changed`: parameter `b` is new and required"),
        "{python}"
    );
    assert!(!python.contains("added"), "{python}");
    let changelog = message(&report, "breaking-not-in-changelog");
    assert!(changelog.contains("removed"), "{changelog}");

    // Saying it in the changelog: a Removed group clears the error; `changed`, not named,
    // is a warning.
    scene.set_section(
        "0.1.1",
        "### Added\n- `added`.\n\n### Removed\n- `removed`, from Rust and from Python.\n",
    );
    scene.commit("docs: say what 0.1.1 removes");
    let (_, report) = scene.verify();
    assert!(
        finding(&report, "breaking-not-in-changelog").is_none(),
        "{report:#}"
    );
    let unmentioned = message(&report, "breaking-unmentioned");
    assert!(unmentioned.contains("`changed`"), "{unmentioned}");
    assert!(!unmentioned.contains("`removed`"), "{unmentioned}");

    // A minor step below 1.0 allows breaking changes: the level findings go, the changelog
    // rule stays.
    let manifest = scene.fixture.read("Cargo.toml").replace("0.1.1", "0.2.0");
    scene.fixture.write("Cargo.toml", &manifest);
    scene.set_section(
        "0.2.0",
        "### Removed\n- `removed`.\n\n### Changed\n- **BREAKING**: `changed` takes `b`.\n",
    );
    scene.commit("chore: release 0.2.0");
    let (out, report) = scene.verify();
    for id in [
        "semver-breaking",
        "python-api-breaking",
        "breaking-not-in-changelog",
        "breaking-unmentioned",
        "api-check-failed",
    ] {
        assert!(finding(&report, id).is_none(), "{id}: {}", out.render(root));
    }
}

/// `verify --docs` builds the documentation with docs.rs's settings: here a feature that
/// only `[package.metadata.docs.rs]` enables breaks it, which a plain `cargo doc` misses.
#[test]
fn docs_build_the_way_docs_rs_builds_them() {
    let fixture = Fixture::git("clean");
    let lib = fixture.break_docs_rs_build("");
    let out = fixture.run(&["verify", "--offline", "--docs"]);
    assert_eq!(out.code, 1, "{}", out.render(&fixture.root));
    assert!(
        out.stdout.contains("error[docs-build-failed]"),
        "{}",
        out.render(&fixture.root)
    );
    assert!(
        out.stdout.contains("Missing"),
        "{}",
        out.render(&fixture.root)
    );
    assert!(
        out.stdout.contains("--features extra"),
        "{}",
        out.render(&fixture.root)
    );

    fixture.write("src/lib.rs", &lib);
    fixture.sh("git", &["commit", "-qam", "fixed"]);
    let out = fixture.run(&["verify", "--offline", "--docs"]);
    assert!(
        !out.stdout.contains("docs-build-failed"),
        "{}",
        out.render(&fixture.root)
    );
}

/// `status --spots` finds the versions a README keeps, prints them as `version-files`
/// entries, `sync --spots` adds them, and `bump` moves them from then on.
#[test]
fn version_spots_are_found_and_then_moved() {
    let fixture = Fixture::git("clean");
    let readme = fixture.read("README.md");
    fixture.write(
        "README.md",
        &format!(
            "{readme}\n[![crate](https://img.shields.io/badge/crates.io-0.3.1-orange)](https://crates.io/crates/fastparse)\n\n\
             ```toml\n[dependencies]\nfastparse = \"0.3.1\"\n```\n\n    pip install fastparse==0.3.1\n\n\
             API: https://docs.rs/fastparse/0.3.1/fastparse/ and https://pypi.org/project/fastparse/0.3.1/\n"
        ),
    );
    fixture.sh("git", &["commit", "-qam", "version spots"]);
    let out = fixture.run(&["status", "--spots"]);
    assert_eq!(out.code, 0, "{}", out.render(&fixture.root));
    for search in [
        "search = \"https://img.shields.io/badge/crates.io-{version}-orange\"",
        "search = 'fastparse = \"{version}\"'",
        "search = \"fastparse=={version}\"",
        "search = \"https://docs.rs/fastparse/{version}/fastparse/\"",
        "search = \"https://pypi.org/project/fastparse/{version}/\"",
    ] {
        assert!(
            out.stdout.contains(search),
            "{search}\n{}",
            out.render(&fixture.root)
        );
    }
    assert!(
        out.stdout
            .contains("[[package.metadata.pyrelease.version-files]]"),
        "a single package: its own table\n{}",
        out.stdout
    );

    // Accepted with one command (`sync --spots`; its dry run shows the diff and changes
    // nothing): they move with the version from then on, and are found no more.
    let manifest = fixture.read("Cargo.toml");
    let dry = fixture.run(&["sync", "--spots", "--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.render(&fixture.root));
    assert!(
        dry.stdout
            .contains("+[[package.metadata.pyrelease.version-files]]"),
        "{}",
        dry.render(&fixture.root)
    );
    assert_eq!(fixture.read("Cargo.toml"), manifest);
    let accept = fixture.run(&["sync", "--spots"]);
    assert_eq!(accept.code, 0, "{}", accept.render(&fixture.root));
    assert!(
        fixture
            .read("Cargo.toml")
            .trim_end()
            .ends_with(out.stdout.trim_end()),
        "{}",
        fixture.read("Cargo.toml")
    );
    fixture.sh("git", &["commit", "-qam", "track the spots"]);
    let again = fixture.run(&["status", "--spots"]);
    assert!(
        !again.stdout.contains("version-files"),
        "{}",
        again.render(&fixture.root)
    );
    let bump = fixture.run(&["bump", "minor", "--offline"]);
    assert_eq!(bump.code, 0, "{}", bump.render(&fixture.root));
    let moved = fixture.read("README.md");
    for spot in [
        "crates.io-0.4.0-orange",
        "fastparse = \"0.4.0\"",
        "fastparse==0.4.0",
        "docs.rs/fastparse/0.4.0/",
        "pypi.org/project/fastparse/0.4.0/",
    ] {
        assert!(moved.contains(spot), "{spot}\n{moved}");
    }
}
