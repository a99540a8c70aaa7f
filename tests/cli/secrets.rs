//! Secrets in every shape they reach the tool, and none of them ever leaves it: a password
//! in `--publish-url`, `--index-url` and the configured `index-url`; tokens in cargo's
//! `credentials.toml`; a token as the base64 `Authorization: Basic` value; a token broken
//! over lines. Each is a canary, looked for in stdout, stderr and every file under the
//! fixture (`target/` and `.git` included) after real runs against real local registries.
#![allow(clippy::disallowed_methods)]

use crate::support;

use std::path::PathBuf;

use support::servers::Registries;
use support::{Fixture, Output, output};

const URL_PUBLISH: &str = "canary-publish-pw-51e2c9";
const URL_INDEX: &str = "canary-index-pw-83c1d0";
const URL_CONFIG: &str = "canary-config-pw-2f7a6b";
const CREDENTIALS_LOCAL: &str = "canary-credfile-local-9d3b7e";
const CREDENTIALS_IO: &str = "canary-credfile-io-1a2b3c";
const UV_TOKEN: &str = "canary-uv-token-6c0ffe42";

fn canaries() -> Vec<String> {
    use base64::Engine as _;
    let basic = |user: &str, password: &str| {
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"))
    };
    let mut all: Vec<String> = [
        URL_PUBLISH,
        URL_INDEX,
        URL_CONFIG,
        CREDENTIALS_LOCAL,
        CREDENTIALS_IO,
        UV_TOKEN,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    all.push(basic("__token__", UV_TOKEN));
    all.push(basic("bob", URL_INDEX));
    all.push(basic("alice", URL_PUBLISH));
    all
}

/// A copy of the fixture, a cargo home whose `credentials.toml` holds two tokens (its
/// package caches are the real ones, so nothing is downloaded), and real registries.
struct Setup {
    fixture: Fixture,
    registries: Registries,
    cargo_home: tempfile::TempDir,
}

impl Setup {
    /// `gates`: the project's gates, each printing secrets the way a tool might.
    fn new(gates: &[&str]) -> Self {
        let fixture = Fixture::git("e2e");
        let registries = Registries::start();
        let quoted: Vec<String> = gates.iter().map(|g| format!("{g:?}")).collect();
        let manifest = fixture
            .read("Cargo.toml")
            .replace(
                "gates = [\"cargo test -p pyrelease-e2e-core\"]",
                &format!("gates = [{}]", quoted.join(", ")),
            )
            .replace(
                "[workspace.metadata.pyrelease]",
                &format!(
                    "[workspace.metadata.pyrelease]\nindex-url = \"http://carol:{URL_CONFIG}@127.0.0.1:1/simple/\""
                ),
            );
        fixture.write("Cargo.toml", &manifest);
        fixture.sh(
            "git",
            &[
                "commit",
                "-qam",
                "gates that leak, an index with a password",
            ],
        );

        let cargo_home = tempfile::Builder::new()
            .prefix("cargo-home-")
            .tempdir()
            .unwrap();
        let real = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cargo"));
        for shared in ["registry", "git"] {
            if real.join(shared).exists() {
                std::os::unix::fs::symlink(real.join(shared), cargo_home.path().join(shared))
                    .unwrap();
            }
        }
        std::fs::write(
            cargo_home.path().join("credentials.toml"),
            format!(
                "[registry]\ntoken = \"{CREDENTIALS_IO}\"\n\n[registries.local]\ntoken = \"{CREDENTIALS_LOCAL}\"\n"
            ),
        )
        .unwrap();
        Self {
            fixture,
            registries,
            cargo_home,
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut cmd = self.fixture.command(args);
        support::release_env(&mut cmd, &[])
            .env("CARGO_HOME", self.cargo_home.path())
            .env(
                "CARGO_REGISTRIES_LOCAL_INDEX",
                self.registries.cargo_index(),
            )
            .env_remove("CARGO_REGISTRIES_LOCAL_TOKEN")
            .env_remove("CARGO_REGISTRY_TOKEN")
            .env("UV_PUBLISH_TOKEN", UV_TOKEN);
        let out = output(cmd);
        for canary in canaries() {
            assert!(
                !out.stdout.contains(&canary) && !out.stderr.contains(&canary),
                "{args:?} printed the secret `{canary}`:\n{}",
                out.render(&self.fixture.root)
            );
        }
        out
    }

    /// No canary in any file under the fixture but the manifest the test wrote it into.
    fn assert_no_canary_in_files(&self) {
        let manifest = self.fixture.path("Cargo.toml");
        for file in support::files_under(&self.fixture.root) {
            if file == manifest {
                continue;
            }
            let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap()).into_owned();
            for canary in canaries() {
                assert!(
                    !text.contains(&canary),
                    "the secret `{canary}` is in {file:?}"
                );
            }
        }
    }
}

#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs maturin, uv, estuary and pypiserver: scripts/test.sh runs it"
)]
fn secrets_in_urls_files_headers_and_broken_lines_never_show() {
    let _serial = support::e2e_serial();
    // Gates that print what a careless tool prints: cargo's credentials file, the
    // token as an HTTP Basic header, and the token wrapped at 7 columns.
    let setup = Setup::new(&[
        "sh -c 'cat \"$CARGO_HOME/credentials.toml\" >&2; exit 0'",
        "sh -c 'printf \"Authorization: Basic %s\\n\" \"$(printf __token__:%s \"$UV_PUBLISH_TOKEN\" | base64)\" >&2'",
        "sh -c 'printf \"%s\\n\" \"$UV_PUBLISH_TOKEN\" | fold -w 7 >&2; exit 1'",
    ]);
    let port = setup.registries.pypi.port;
    let index = format!("http://bob:{URL_INDEX}@127.0.0.1:{port}/simple/");
    let upload = format!("http://alice:{URL_PUBLISH}@127.0.0.1:{port}/");
    let publish = [
        "publish",
        "--dry-run",
        "-vv",
        "--index-url",
        &index,
        "--publish-url",
        &upload,
    ];

    // The gates fail the dry run after printing everything.
    let gates = setup.run(&publish);
    assert_eq!(gates.code, 1, "{}", gates.render(&setup.fixture.root));
    assert!(
        gates.stderr.contains("Authorization: Basic ***"),
        "{}",
        gates.stderr
    );

    // Past the gates: the dry run prints the upload command with its URLs, and keeps
    // its journal under target/.
    let dry = setup.run(&[&publish[..], &["--no-gates"]].concat());
    assert_eq!(dry.code, 0, "{}", dry.render(&setup.fixture.root));
    assert!(
        dry.stderr.contains("http://alice:***@127.0.0.1"),
        "{}",
        dry.stderr
    );

    // Unreachable indexes, from the command line and from the configuration: the errors
    // name the URLs, not the passwords.
    let unreachable = format!("http://bob:{URL_INDEX}@127.0.0.1:1/simple/");
    for args in [
        vec!["status", "--published", "--index-url", &unreachable],
        vec!["status", "--published"],
    ] {
        let out = setup.run(&args);
        assert_ne!(out.code, 0, "{args:?}: {}", out.render(&setup.fixture.root));
        assert!(out.stderr.contains("***@127.0.0.1:1/"), "{}", out.stderr);
    }
    setup.run(&["verify", "-vv"]);
    assert!(
        setup.fixture.path("target/pyrelease").is_dir(),
        "the runs keep their state under target/"
    );
    setup.assert_no_canary_in_files();
}
