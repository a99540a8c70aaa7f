//! `verify` without `--offline`, against real servers on 127.0.0.1: a sparse
//! cargo index (`python3 -m http.server`) and a PyPI-compatible index
//! (pypiserver). Nothing here reaches crates.io or PyPI.
// Integration tests write fixtures and start servers and tools directly.
#![allow(clippy::disallowed_methods)]
use crate::support;

use std::collections::BTreeSet;
use std::process::Command;

use support::Fixture;
use support::servers::{Server, free_port, start_pypi, start_server};

struct Registries {
    _dir: tempfile::TempDir,
    index: Server,
    pypi: Server,
}

impl Registries {
    /// `crates`: index lines for `fastparse`; `files`: dist files on the Python index.
    fn start(crate_versions: &[&str], files: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let index = dir.path().join("index");
        std::fs::create_dir_all(index.join("fa/st")).unwrap();
        std::fs::write(index.join("config.json"), "{\"dl\":\"http://127.0.0.1/\"}").unwrap();
        let lines: String = crate_versions
            .iter()
            .map(|v| format!("{{\"name\":\"fastparse\",\"vers\":\"{v}\",\"deps\":[],\"cksum\":\"00\",\"features\":{{}},\"yanked\":false}}\n"))
            .collect();
        if !lines.is_empty() {
            std::fs::write(index.join("fa/st/fastparse"), lines).unwrap();
        }
        let pkgs = dir.path().join("pkgs");
        std::fs::create_dir_all(&pkgs).unwrap();
        for file in files {
            std::fs::write(pkgs.join(file), b"not really a dist").unwrap();
        }
        let index_server = start_server(
            "index",
            dir.path(),
            |port| {
                let mut c = Command::new("python3");
                c.args([
                    "-m",
                    "http.server",
                    "--bind",
                    "127.0.0.1",
                    &port.to_string(),
                    "--directory",
                ])
                .arg(&index);
                c
            },
            "/config.json",
        );
        let pypi = start_pypi(dir.path(), &pkgs);
        Self {
            _dir: dir,
            index: index_server,
            pypi,
        }
    }

    fn verify(&self, fixture: &Fixture) -> (i32, BTreeSet<String>) {
        verify_with(
            fixture,
            &format!("http://127.0.0.1:{}/", self.index.port),
            &format!("http://127.0.0.1:{}/simple/", self.pypi.port),
        )
    }
}

fn verify_with(fixture: &Fixture, crates: &str, pypi: &str) -> (i32, BTreeSet<String>) {
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-pyrelease"))
        .args(["verify", "--format", "json"])
        .current_dir(&fixture.root)
        .env("CARGO_PYRELEASE_CRATES_INDEX", crates)
        .env("CARGO_PYRELEASE_PYPI_SIMPLE", pypi)
        .output()
        .unwrap();
    let mut ids = support::finding_ids(&String::from_utf8(out.stdout).unwrap());
    // These stand-in indexes list file names only: the comparison of the API with the last
    // release (tests/breaking.rs does it against real registries) cannot install those
    // files and says so as a warning, which is not what these tests look at.
    ids.remove("api-check-failed");
    (out.status.code().unwrap(), ids)
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| s.to_string()).collect()
}

#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs pypiserver: scripts/test.sh runs it"
)]
fn a_new_version_passes_the_registry_checks() {
    let fixture = Fixture::git("clean");
    let registries = Registries::start(
        &["0.2.0", "0.3.0"],
        &[
            "fastparse-0.3.0.tar.gz",
            "fastparse-0.3.0-cp39-abi3-manylinux_2_17_x86_64.whl",
        ],
    );
    assert_eq!(registries.verify(&fixture), (0, set(&[])));
}

#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs pypiserver: scripts/test.sh runs it"
)]
fn an_already_published_version_is_an_error_on_each_registry() {
    let fixture = Fixture::git("clean");
    let crate_only = Registries::start(&["0.3.1"], &[]);
    assert_eq!(
        crate_only.verify(&fixture),
        (1, set(&["crate-already-published"]))
    );
    let python_only = Registries::start(&[], &["fastparse-0.3.1.tar.gz"]);
    assert_eq!(
        python_only.verify(&fixture),
        (1, set(&["pypi-already-published"]))
    );
}

#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs pypiserver: scripts/test.sh runs it"
)]
fn a_higher_published_version_is_an_error() {
    let fixture = Fixture::git("clean");
    let registries = Registries::start(&["0.4.0"], &["fastparse-0.4.0rc1.tar.gz"]);
    assert_eq!(
        registries.verify(&fixture),
        (
            1,
            set(&["crate-version-not-higher", "pypi-version-not-higher"])
        )
    );
}

#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs pypiserver: scripts/test.sh runs it"
)]
fn an_unreachable_registry_is_a_finding_not_a_crash() {
    let fixture = Fixture::git("clean");
    let dead = format!("http://127.0.0.1:{}/", free_port());
    let (code, ids) = verify_with(&fixture, &dead, &format!("{dead}simple/"));
    assert_eq!((code, ids), (1, set(&["registry-unreachable"])));
}

/// A crate whose manifest crates.io would refuse is taken for PyPI-only offline; the
/// registry knowing the name says otherwise (or that the name is another crate's): a
/// warning asking which, and the release does not offer to publish it.
#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs pypiserver: scripts/test.sh runs it"
)]
fn a_crate_taken_for_pypi_only_that_is_on_the_registry_is_a_warning() {
    let fixture = Fixture::git("clean");
    let manifest = fixture
        .read("Cargo.toml")
        .replacen("license = \"MIT\"\n", "", 1);
    fixture.write("Cargo.toml", &manifest);
    fixture.sh("git", &["commit", "-qam", "no license"]);
    let registries = Registries::start(&["0.3.1"], &[]);
    assert_eq!(
        registries.verify(&fixture),
        (0, set(&["crate-on-registry-not-published"]))
    );
}
