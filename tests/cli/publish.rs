//! `publish` and `yank` end to end, for real: the fixture under `testdata/e2e` (two crates,
//! a pyo3 package) is packaged with cargo, built with maturin, published to a real cargo
//! registry (estuary) and uploaded to a real Python index (pypiserver), both on 127.0.0.1,
//! then installed back from them. Only `gh` is a stand-in: it records its argv.
// Integration tests write fixtures and start servers and tools directly.
#![allow(clippy::disallowed_methods)]
use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::servers::{Registries, run};
use support::tools::tool;
use support::{Fixture, Output, output};

/// A canary in every token variable cargo, uv, twine, maturin and gh read. Every run of
/// the tool in these tests has them all; no output and no file may ever show one.
const CANARIES: &[(&str, &str)] = &[
    ("CARGO_REGISTRY_TOKEN", "canary-cargo-io-8c41d2"),
    ("CARGO_REGISTRIES_LOCAL_TOKEN", "canary-cargo-local-3d8e2b"),
    ("UV_PUBLISH_TOKEN", "canary-uv-5f0c1e9a7b"),
    ("TWINE_PASSWORD", "canary-twine-a17c33"),
    ("MATURIN_PYPI_TOKEN", "canary-maturin-0b9e54"),
    ("MATURIN_PASSWORD", "canary-maturin-pw-77d1aa"),
    ("GH_TOKEN", "canary-gh-c0ffee11"),
    ("GITHUB_TOKEN", "canary-github-d15ea5e"),
];
/// uv refuses a password beside a token, so this one is only set where nothing uploads.
const CANARY_UV_PASSWORD: (&str, &str) = ("UV_PUBLISH_PASSWORD", "canary-uv-pw-4e2f90");

struct Release {
    fixture: Fixture,
    registries: Registries,
    /// Where the `gh` stand-in and the tools are.
    bin: PathBuf,
    gh_log: PathBuf,
}

impl Release {
    fn new() -> Self {
        let fixture = Fixture::git("e2e");
        // A remote to push the tag to.
        let remote = fixture.root.parent().unwrap().join("remote.git");
        run(Command::new("git")
            .args(["init", "-q", "--bare"])
            .arg(&remote));
        fixture.sh(
            "git",
            &["remote", "add", "origin", remote.to_str().unwrap()],
        );
        let bin = fixture.root.parent().unwrap().join("bin");
        std::fs::create_dir_all(&bin).unwrap();
        let gh_log = bin.join("gh.log");
        write_gh_stand_in(&bin, &gh_log);
        Self {
            fixture,
            registries: Registries::start(),
            bin,
            gh_log,
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = self.fixture.command(args);
        let path = std::env::join_paths(
            [
                self.bin.clone(),
                tool("maturin").parent().unwrap().to_path_buf(),
            ]
            .into_iter()
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
        )
        .unwrap();
        cmd.env("PATH", path)
            .env(
                "CARGO_REGISTRIES_LOCAL_INDEX",
                self.registries.cargo_index(),
            )
            .envs(CANARIES.iter().copied())
            .env(
                "UV_CACHE_DIR",
                support::servers::tools_dir().join("uv-cache"),
            )
            .env("CARGO_TARGET_DIR", support::e2e_target())
            .env_remove("PIP_FIND_LINKS")
            .env_remove("GITHUB_REF_TYPE")
            .env_remove("GITHUB_REF_NAME")
            .env_remove("CARGO_PYRELEASE_CRATES_INDEX")
            .env_remove("CARGO_PYRELEASE_PYPI_SIMPLE");
        cmd
    }

    /// `publish -v --yes` to the local registries, with `extra`.
    fn publish_command(&self, extra: &[&str]) -> Command {
        let simple = self.registries.simple_url();
        let upload = self.registries.publish_url();
        let mut args = vec![
            "publish",
            "-v",
            "--yes",
            "--index-url",
            &simple,
            "--publish-url",
            &upload,
        ];
        args.extend_from_slice(extra);
        self.command(&args)
    }

    fn publish(&self, extra: &[&str]) -> Output {
        let out = output(self.publish_command(extra));
        assert_no_canary(&out);
        out
    }

    /// `status --published --downloads` against the local registries.
    fn published(&self) -> Output {
        let mut cmd = self.command(&["status", "--published", "--downloads"]);
        cmd.args(["--index-url", &self.registries.simple_url()]);
        let out = output(cmd);
        assert_no_canary(&out);
        out
    }

    /// The journal of 0.2.0 to these registries (`0.2.0-<registries>.json`).
    fn journal_path(&self) -> PathBuf {
        let dir = self.fixture.path("target/pyrelease");
        let found: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let name = p.file_name().unwrap().to_str().unwrap();
                name.starts_with("0.2.0-") && name.ends_with(".json")
            })
            .collect();
        assert_eq!(found.len(), 1, "one journal: {found:?}");
        found[0].clone()
    }

    fn journal(&self) -> serde_json::Value {
        let text = std::fs::read_to_string(self.journal_path()).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    /// The versions of `name` in the cargo registry's index, with their yanked flag.
    fn crate_versions(&self, name: &str) -> Vec<(String, bool)> {
        let clone = self
            .registries
            .dir
            .path()
            .join(format!("index-{}", rand_suffix()));
        run(Command::new("git")
            .args([
                "clone",
                "-q",
                "--depth",
                "1",
                &self.registries.cargo_index(),
            ])
            .arg(&clone));
        let file = clone.join(&name[..2]).join(&name[2..4]).join(name);
        std::fs::read_to_string(file)
            .unwrap_or_default()
            .lines()
            .map(|line| {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                (
                    v["vers"].as_str().unwrap().to_string(),
                    v["yanked"].as_bool().unwrap(),
                )
            })
            .collect()
    }

    fn python_files(&self) -> Vec<String> {
        let mut files: Vec<String> = std::fs::read_dir(self.registries.dir.path().join("pkgs"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        files.sort();
        files
    }

    fn gh_calls(&self) -> Vec<String> {
        std::fs::read_to_string(&self.gh_log)
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

/// `gh` as GitHub answers, for one repository: `release view --json` fails until a
/// release exists, then gives its draft flag and files; `create --draft`, `upload` and
/// `edit --draft=false` change that state (a file beside the log). Every call's argv is
/// recorded, one line each.
fn write_gh_stand_in(bin: &Path, log: &Path) {
    let state = bin.join("gh.state");
    let script = format!(
        r#"#!/bin/sh
printf '%s\n' "$*" >> '{log}'
state='{state}'
files() {{ for a in "$@"; do case "$a" in *.whl|*.tar.gz) [ -f "$a" ] && basename "$a" >> "$state" ;; esac; done; }}
case "$1 $2" in
  'release view')
    [ -f "$state" ] || {{ echo 'release not found' >&2; exit 1; }}
    assets=$(tail -n +2 "$state" | sed 's/.*/{{"name":"&"}}/' | paste -sd, -)
    printf '{{"isDraft":%s,"assets":[%s]}}\n' "$(head -n 1 "$state")" "$assets" ;;
  'release create') echo true > "$state"; files "$@" ;;
  'release upload') files "$@" ;;
  'release edit') sed -i '1s/.*/false/' "$state" ;;
esac
exit 0
"#,
        log = log.display(),
        state = state.display()
    );
    let path = bin.join("gh");
    std::fs::write(&path, script).unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn assert_no_canary(out: &Output) {
    for (_, canary) in CANARIES.iter().chain([&CANARY_UV_PASSWORD]) {
        assert!(
            !out.stdout.contains(canary) && !out.stderr.contains(canary),
            "a token was printed:\n{}{}",
            out.stdout,
            out.stderr
        );
    }
}

fn assert_no_canary_in_files(dir: &Path) {
    for entry in walk(dir) {
        let bytes = std::fs::read(&entry).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for (_, canary) in CANARIES.iter().chain([&CANARY_UV_PASSWORD]) {
            assert!(!text.contains(canary), "a token is in {entry:?}");
        }
    }
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// The backquoted commands of the lines starting with `prefix` (after the status column).
fn commands(stderr: &str, prefix: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix(prefix))
        .map(|rest| rest.trim().trim_matches('`').to_string())
        .collect()
}

/// Installs `pyrelease-e2e==0.2.0` from the local index into a new environment and calls
/// it: it must answer `expected`.
fn install_python_package(release: &Release, expected: &str) {
    let venv = release.registries.dir.path().join("venv");
    let uv = tool("uv");
    run(Command::new(&uv)
        .args(["venv", "--quiet"])
        .arg(&venv)
        .env_remove("PIP_FIND_LINKS"));
    run(Command::new(&uv)
        .args(["pip", "install", "--quiet", "--python"])
        .arg(venv.join("bin/python"))
        .args([
            "--index-url",
            &release.registries.simple_url(),
            "pyrelease-e2e==0.2.0",
        ])
        .env(
            "UV_CACHE_DIR",
            support::servers::tools_dir().join("uv-cache"),
        )
        .env_remove("PIP_FIND_LINKS"));
    let out = Command::new(venv.join("bin/python"))
        .args([
            "-c",
            "import pyrelease_e2e; print(pyrelease_e2e.greet('pypi'))",
        ])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), expected);
}

/// Resolves both crates from the local registry in a new project, as a user would.
fn resolve_crates(release: &Release) {
    let consumer = release.registries.dir.path().join("consumer");
    std::fs::create_dir_all(consumer.join("src")).unwrap();
    std::fs::write(consumer.join("src/lib.rs"), "").unwrap();
    std::fs::write(
        consumer.join("Cargo.toml"),
        "[package]\nname = \"consumer\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[dependencies]\n\
         pyrelease-e2e-core = { version = \"=0.2.0\", registry = \"local\" }\n\
         pyrelease-e2e = { version = \"=0.2.0\", registry = \"local\" }\n",
    )
    .unwrap();
    run(Command::new(env!("CARGO"))
        .arg("generate-lockfile")
        .current_dir(&consumer)
        .env(
            "CARGO_REGISTRIES_LOCAL_INDEX",
            release.registries.cargo_index(),
        ));
    let lock = std::fs::read_to_string(consumer.join("Cargo.lock")).unwrap();
    for name in ["pyrelease-e2e-core", "pyrelease-e2e"] {
        assert!(
            lock.contains(&format!("name = \"{name}\"\nversion = \"0.2.0\"")),
            "{name} 0.2.0 not resolved:\n{lock}"
        );
    }
}

#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs maturin, uv, estuary and pypiserver: scripts/test.sh runs it"
)]
fn full_release_then_a_no_op_rerun_then_yank() {
    let _serial = support::e2e_serial();
    let release = Release::new();

    let before = release.published();
    assert_eq!(before.code, 1, "{}", before.render(&release.fixture.root));
    assert!(
        before.stdout.contains("missing: a wheel"),
        "{}",
        before.stdout
    );

    let out = release.publish(&[]);
    assert_eq!(out.code, 0, "{}", out.render(&release.fixture.root));
    let live = release.published();
    assert_eq!(live.code, 0, "{}", live.render(&release.fixture.root));
    let json: serde_json::Value = serde_json::from_str(
        &output({
            let mut cmd = release.command(&["status", "--published", "--format", "json"]);
            cmd.args(["--index-url", &release.registries.simple_url()]);
            cmd
        })
        .stdout,
    )
    .unwrap();
    assert_eq!(json["live"], true, "{json:#}");
    assert_eq!(json["crates"].as_array().unwrap().len(), 2, "{json:#}");
    assert_eq!(
        json["python"][0]["files"].as_array().unwrap().len(),
        2,
        "{json:#}"
    );
    assert_eq!(
        release.crate_versions("pyrelease-e2e-core"),
        [("0.2.0".to_string(), false)]
    );
    assert_eq!(
        release.crate_versions("pyrelease-e2e"),
        [("0.2.0".to_string(), false)]
    );
    let files = release.python_files();
    assert!(
        files
            .iter()
            .any(|f| f.starts_with("pyrelease_e2e-0.2.0-") && f.ends_with(".whl")),
        "{files:?}"
    );
    assert!(
        files.contains(&"pyrelease_e2e-0.2.0.tar.gz".to_string()),
        "{files:?}"
    );
    resolve_crates(&release);
    install_python_package(&release, "hello, pypi");

    // The tag is made and pushed; the GitHub release gets the notes and the Python files.
    let remote_tags = release
        .fixture
        .sh("git", &["ls-remote", "--tags", "origin"]);
    assert!(remote_tags.contains("refs/tags/v0.2.0"), "{remote_tags}");
    let journal = release.journal();
    let notes = release.fixture.path("target/pyrelease/0.2.0/notes.md");
    let dist = release.fixture.path("target/pyrelease/0.2.0/dist");
    let mut expected = format!(
        "release create v0.2.0 --draft --verify-tag --title pyrelease-e2e 0.2.0 --notes-file {}",
        notes.display()
    );
    for file in &files {
        expected.push_str(&format!(" {}", dist.join(file).display()));
    }
    assert_eq!(
        release.gh_calls(),
        [
            "--version",
            "release view v0.2.0 --json isDraft,assets",
            expected.as_str(),
            "release edit v0.2.0 --draft=false"
        ]
    );
    // The release commit's branch went with the tag.
    let remote_heads = release
        .fixture
        .sh("git", &["ls-remote", "--heads", "origin"]);
    assert!(remote_heads.contains("refs/heads/main"), "{remote_heads}");
    let notes = std::fs::read_to_string(notes).unwrap();
    assert!(
        notes.starts_with("### Added\n- `greet`, from Rust and from Python."),
        "{notes}"
    );
    assert_eq!(
        journal["builds"], 2,
        "one cargo package, one maturin build: {journal:#}"
    );

    // Everything is done: the second run finds it so and changes nothing.
    let again = release.publish(&[]);
    assert_eq!(again.code, 0, "{}", again.render(&release.fixture.root));
    assert!(
        again.stderr.contains("nothing left to do"),
        "{}",
        again.stderr
    );
    assert!(
        !again.stderr.contains("Running `cargo publish"),
        "{}",
        again.stderr
    );
    assert_eq!(release.journal()["builds"], 2);

    // A re-run of the release's CI jobs on the tag: `verify` finds the version out, from
    // this release's bytes, and says so instead of refusing.
    let mut cmd = release.command(&["verify"]);
    cmd.env("GITHUB_REF_TYPE", "tag")
        .env("GITHUB_REF_NAME", "v0.2.0")
        .env(
            "CARGO_PYRELEASE_PYPI_SIMPLE",
            release.registries.simple_url(),
        );
    let on_tag = output(cmd);
    assert_no_canary(&on_tag);
    assert!(
        !on_tag.stdout.contains("already-published"),
        "{}",
        on_tag.render(&release.fixture.root)
    );
    assert!(
        on_tag.stderr.contains("already published by this release"),
        "{}",
        on_tag.stderr
    );

    // Yank takes the crates back and says where to yank on PyPI; its dry run only says so.
    let yank = |extra: &[&str]| {
        let mut cmd = release.command(&[&["yank", "0.2.0", "--tag"], extra].concat());
        cmd.args(["--index-url", &release.registries.simple_url()]);
        output(cmd)
    };
    let dry = yank(&["--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.render(&release.fixture.root));
    assert!(
        dry.stderr
            .contains("Would run `cargo yank pyrelease-e2e-core@0.2.0 --registry local`"),
        "{}",
        dry.stderr
    );
    assert_eq!(
        release.crate_versions("pyrelease-e2e-core"),
        [("0.2.0".to_string(), false)]
    );
    let yanked = yank(&[]);
    assert_eq!(yanked.code, 0, "{}", yanked.render(&release.fixture.root));
    assert_no_canary(&yanked);
    assert_eq!(
        release.crate_versions("pyrelease-e2e-core"),
        [("0.2.0".to_string(), true)]
    );
    assert_eq!(
        release.crate_versions("pyrelease-e2e"),
        [("0.2.0".to_string(), true)]
    );
    assert!(
        yanked.stderr.contains("yank `pyrelease-e2e` 0.2.0"),
        "{}",
        yanked.stderr
    );
    let remote_tags = release
        .fixture
        .sh("git", &["ls-remote", "--tags", "origin"]);
    assert!(!remote_tags.contains("v0.2.0"), "{remote_tags}");
    assert_no_canary_in_files(&release.fixture.path("target/pyrelease"));

    // One verdict from one state: `status --published` and `publish` both say the
    // version was taken back, and neither offers to finish it.
    let status = release.published();
    assert_eq!(status.code, 1, "{}", status.render(&release.fixture.root));
    assert!(status.stderr.contains("was yanked"), "{}", status.stderr);
    assert!(!status.stderr.contains("finishes it"), "{}", status.stderr);
    let after = release.publish(&["--no-gates"]);
    assert_eq!(after.code, 1, "{}", after.render(&release.fixture.root));
    assert!(after.stderr.contains("was yanked"), "{}", after.stderr);
    assert!(
        !after.stderr.contains("nothing left to do"),
        "{}",
        after.stderr
    );
}

#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs maturin, uv, estuary and pypiserver: scripts/test.sh runs it"
)]
fn dry_run_publishes_nothing_and_prints_what_a_real_run_runs() {
    let _serial = support::e2e_serial();
    let release = Release::new();
    let before = release.fixture.tree();

    let dry = release.publish(&["--dry-run"]);
    assert_eq!(dry.code, 0, "{}", dry.render(&release.fixture.root));
    support::assert_same_tree(&before, &release.fixture.tree(), "publish --dry-run");
    assert_eq!(release.crate_versions("pyrelease-e2e-core"), []);
    assert!(release.python_files().is_empty());
    assert!(
        release
            .gh_calls()
            .iter()
            .all(|c| !c.starts_with("release create"))
    );
    let would = commands(&dry.stderr, "Would run");
    assert_eq!(
        would.len(),
        6,
        "publish, upload, tag, push, gh create, gh edit: {would:#?}"
    );

    let real = release.publish(&[]);
    assert_eq!(real.code, 0, "{}", real.render(&release.fixture.root));
    let ran = commands(&real.stderr, "Running");
    for command in &would {
        assert!(
            ran.contains(command),
            "`{command}` was printed by the dry run, not run:\n{ran:#?}"
        );
    }
    // The dry run's builds are the real run's: nothing is built twice.
    assert_eq!(release.journal()["builds"], 2);
    assert!(
        !real.stderr.contains("Running `cargo package"),
        "{}",
        real.stderr
    );
}

#[track_caller]
fn expect_exit(release: &Release, out: &Output, code: i32) {
    assert_eq!(out.code, code, "{}", out.render(&release.fixture.root));
}

#[track_caller]
fn expect_says(out: &Output, text: &str) {
    assert!(out.stderr.contains(text), "no `{text}` in:\n{}", out.stderr);
}

/// A release whose Python index becomes unreachable for uploads right after the crates
/// went out (the first upload's connection closes before it reaches the index).
fn stop_before_the_upload(release: &Release) -> Output {
    release.registries.refuse_uploads();
    let stopped = release.publish(&["--no-gates"]);
    release.registries.heal_uploads();
    stopped
}

#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs maturin, uv, estuary and pypiserver: scripts/test.sh runs it"
)]
fn a_stopped_upload_is_finished_by_a_rerun_without_rebuilding() {
    let _serial = support::e2e_serial();
    let release = Release::new();

    let stopped = stop_before_the_upload(&release);
    assert_eq!(stopped.code, 3, "{}", stopped.render(&release.fixture.root));
    assert!(
        stopped.stderr.contains("stopped part-way"),
        "{}",
        stopped.stderr
    );
    assert!(
        stopped.stderr.contains("cargo pyrelease yank 0.2.0"),
        "{}",
        stopped.stderr
    );
    let journal = release.journal();
    let hashes = journal["artifacts"].clone();
    let done: Vec<&str> = journal["done"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["step"].as_str().unwrap())
        .collect();
    assert_eq!(done, ["crate:pyrelease-e2e-core", "crate:pyrelease-e2e"]);

    let finished = release.publish(&["--no-gates"]);
    assert_eq!(
        finished.code,
        0,
        "{}",
        finished.render(&release.fixture.root)
    );
    assert!(finished.stderr.contains("Reusing"), "{}", finished.stderr);
    assert!(
        !finished.stderr.contains("Running `cargo publish"),
        "{}",
        finished.stderr
    );
    assert!(
        !finished.stderr.contains("maturin build"),
        "{}",
        finished.stderr
    );
    let journal = release.journal();
    assert_eq!(journal["artifacts"], hashes, "the same files were uploaded");
    assert_eq!(journal["builds"], 2);
    assert_eq!(
        release.crate_versions("pyrelease-e2e"),
        [("0.2.0".to_string(), false)]
    );
    install_python_package(&release, "hello, pypi");
}

#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs maturin, uv, estuary and pypiserver: scripts/test.sh runs it"
)]
fn refusals_before_anything_is_published() {
    let _serial = support::e2e_serial();
    let release = Release::new();

    // Wheels from elsewhere with the wrong version: refused by name, before any upload.
    let dist = release.registries.dir.path().join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(
        dist.join("pyrelease_e2e-0.1.9-cp39-abi3-manylinux_2_17_x86_64.whl"),
        "x",
    )
    .unwrap();
    let wrong = release.publish(&[
        "--only",
        "python",
        "--dist",
        dist.to_str().unwrap(),
        "--no-gates",
    ]);
    assert_eq!(wrong.code, 1, "{}", wrong.render(&release.fixture.root));
    assert!(
        wrong
            .stderr
            .contains("is version 0.1.9, the release is 0.2.0"),
        "{}",
        wrong.stderr
    );
    assert!(release.python_files().is_empty());

    // A file of this version is on the Python index from other bytes, and the first crate
    // on the cargo registry from other sources: both refused, naming both checksums,
    // before anything of this release goes out.
    let pkgs = release.registries.dir.path().join("pkgs");
    std::fs::write(pkgs.join("pyrelease_e2e-0.2.0.tar.gz"), "someone else's").unwrap();
    release.fixture.write(
        "core/src/lib.rs",
        &format!(
            "{}\n// another build\n",
            release.fixture.read("core/src/lib.rs")
        ),
    );
    run(Command::new(env!("CARGO"))
        .args([
            "publish",
            "--no-verify",
            "--allow-dirty",
            "-p",
            "pyrelease-e2e-core",
            "--registry",
            "local",
        ])
        .current_dir(&release.fixture.root)
        .env(
            "CARGO_REGISTRIES_LOCAL_INDEX",
            release.registries.cargo_index(),
        )
        .env("CARGO_REGISTRIES_LOCAL_TOKEN", "someone-else")
        .env(
            "CARGO_TARGET_DIR",
            release.registries.dir.path().join("other-target"),
        ));
    release.fixture.sh("git", &["checkout", "core/src/lib.rs"]);
    let taken = release.publish(&["--no-gates"]);
    assert_eq!(taken.code, 1, "{}", taken.render(&release.fixture.root));
    assert!(
        taken.stderr.contains(
            "crate `pyrelease-e2e-core` of this version is already published from other bytes"
        ),
        "{}",
        taken.stderr
    );
    assert!(
        taken
            .stderr
            .contains("`pyrelease_e2e-0.2.0.tar.gz` is already on the index with other contents"),
        "{}",
        taken.stderr
    );
    let journal = release.journal();
    let ours = journal["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "pyrelease-e2e-core")
        .unwrap()["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        taken.stderr.contains(&ours),
        "our checksum: {}",
        taken.stderr
    );
    assert_eq!(release.crate_versions("pyrelease-e2e"), []);
    assert_eq!(release.python_files(), ["pyrelease_e2e-0.2.0.tar.gz"]);
    assert!(
        release
            .gh_calls()
            .iter()
            .all(|c| !c.starts_with("release create"))
    );

    // A version never published is not "yanked".
    let mut cmd = release.command(&["yank", "9.9.9"]);
    cmd.args(["--index-url", &release.registries.simple_url()]);
    let never = output(cmd);
    assert_eq!(never.code, 1, "{}", never.render(&release.fixture.root));
    assert!(
        never.stderr.contains("was never published"),
        "{}",
        never.stderr
    );
    assert!(!never.stderr.contains("Yanked"), "{}", never.stderr);
}

/// A crate that configures its docs.rs build has that build as a gate of `publish`: a
/// feature only `[package.metadata.docs.rs]` enables breaks the docs, and the release stops
/// before anything is built or published; once fixed, the gate passes.
#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs maturin, uv, estuary and pypiserver: scripts/test.sh runs it"
)]
fn a_docs_rs_build_is_a_gate_of_publish() {
    let _serial = support::e2e_serial();
    let release = Release::new();
    let f = &release.fixture;
    let lib = f.break_docs_rs_build("core");
    let broken = release.publish(&["--dry-run"]);
    assert_eq!(broken.code, 1, "{}", broken.render(&f.root));
    assert!(
        broken.stderr.contains(
            "the gate `docs.rs build of pyrelease-e2e-core` failed; nothing was published"
        ),
        "{}",
        broken.stderr
    );
    assert!(broken.stderr.contains("Missing"), "{}", broken.stderr);
    assert!(!broken.stderr.contains("Packaging"), "{}", broken.stderr);

    f.write("core/src/lib.rs", &lib);
    f.sh("git", &["commit", "-qam", "fixed"]);
    let fixed = release.publish(&["--dry-run"]);
    assert_eq!(fixed.code, 0, "{}", fixed.render(&f.root));
    assert!(
        fixed
            .stderr
            .contains("Gate docs.rs build of pyrelease-e2e-core"),
        "{}",
        fixed.stderr
    );
    // Only the crate that configures it: the bindings crate has no docs.rs table.
    assert!(
        !fixed.stderr.contains("docs.rs build of pyrelease-e2e\n"),
        "{}",
        fixed.stderr
    );
    assert!(release.crate_versions("pyrelease-e2e-core").is_empty());
}

/// A dry run, then a fix committed, then the release: the new commit's code on both
/// registries. On the way: a project that commits no Cargo.lock is left as found by the
/// dry run; missing Python credentials stop the release before any crate goes out;
/// `--only python` publishes no crate, although the journal lists the crate files.
#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs maturin, uv, estuary and pypiserver: scripts/test.sh runs it"
)]
fn a_fix_after_the_dry_run_is_what_gets_published() {
    let _serial = support::e2e_serial();
    let release = Release::new();
    release
        .fixture
        .sh("git", &["rm", "-q", "--cached", "Cargo.lock"]);
    std::fs::remove_file(release.fixture.path("Cargo.lock")).unwrap();
    release
        .fixture
        .sh("git", &["commit", "-qm", "no lock file"]);
    let before = release.fixture.tree();

    let dry = release.publish(&["--dry-run"]);
    expect_exit(&release, &dry, 0);
    support::assert_same_tree(&before, &release.fixture.tree(), "publish --dry-run");

    let lib = release.fixture.read("py/src/lib.rs");
    let call = "pyrelease_e2e_core::greet(name)";
    assert!(lib.contains(call), "{lib}");
    release.fixture.write(
        "py/src/lib.rs",
        &lib.replace(call, &format!("{call}.replacen(\"hello\", \"hi\", 1)")),
    );
    release.fixture.sh("git", &["commit", "-qam", "a fix"]);

    let mut cmd = release.publish_command(&["--no-gates"]);
    for var in [
        "UV_PUBLISH_TOKEN",
        "UV_PUBLISH_PASSWORD",
        "ACTIONS_ID_TOKEN_REQUEST_URL",
    ] {
        cmd.env_remove(var);
    }
    let no_token = output(cmd);
    assert_no_canary(&no_token);
    expect_exit(&release, &no_token, 1);
    expect_says(&no_token, "no credentials to upload the Python files");
    expect_says(&no_token, "HEAD moved");
    assert_eq!(release.crate_versions("pyrelease-e2e-core"), []);

    let python = release.publish(&["--only", "python", "--no-gates"]);
    expect_exit(&release, &python, 0);
    assert_eq!(release.crate_versions("pyrelease-e2e-core"), []);
    assert_eq!(release.crate_versions("pyrelease-e2e"), []);
    assert_eq!(release.python_files().len(), 2);

    let out = release.publish(&["--no-gates"]);
    expect_exit(&release, &out, 0);
    assert!(
        !out.stderr.contains("Running `maturin"),
        "the files uploaded are the ones built: {}",
        out.stderr
    );
    assert_eq!(
        release.crate_versions("pyrelease-e2e"),
        [("0.2.0".to_string(), false)]
    );
    assert!(!release.fixture.path("Cargo.lock").exists());
    install_python_package(&release, "hi, pypi");
}

/// The journal is a cache: lost after the crates went out (`cargo clean`), a plain
/// re-run recognises them on the registry by checksum and finishes the release.
#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs maturin, uv, estuary and pypiserver: scripts/test.sh runs it"
)]
fn a_lost_journal_does_not_lose_the_release() {
    let _serial = support::e2e_serial();
    let release = Release::new();
    let stopped = stop_before_the_upload(&release);
    expect_exit(&release, &stopped, 3);
    expect_says(&stopped, "out:");
    expect_says(&stopped, "not yet:");
    std::fs::remove_file(release.journal_path()).unwrap();

    let finished = release.publish(&["--no-gates"]);
    expect_exit(&release, &finished, 0);
    expect_says(&finished, "already on registry `local`, the same bytes");
    assert!(
        !finished.stderr.contains("Running `cargo publish"),
        "{}",
        finished.stderr
    );
    assert_eq!(
        release.crate_versions("pyrelease-e2e-core"),
        [("0.2.0".to_string(), false)]
    );
    assert_eq!(release.python_files().len(), 2);
    install_python_package(&release, "hello, pypi");
}

#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs maturin, uv, estuary and pypiserver: scripts/test.sh runs it"
)]
fn a_failing_subprocess_never_shows_a_token() {
    let _serial = support::e2e_serial();
    let release = Release::new();
    let manifest = release.fixture.read("Cargo.toml").replace(
        "gates = [\"cargo test -p pyrelease-e2e-core\"]",
        "gates = [\"sh -c 'echo token=$UV_PUBLISH_TOKEN $CARGO_REGISTRIES_LOCAL_TOKEN >&2; exit 1'\"]",
    );
    release.fixture.write("Cargo.toml", &manifest);
    release
        .fixture
        .sh("git", &["commit", "-qam", "a gate that leaks"]);
    for args in [&["-v"][..], &[][..]] {
        let out = release.publish(&[args, &["--dry-run"]].concat());
        assert_eq!(out.code, 1, "{}", out.render(&release.fixture.root));
        assert!(out.stderr.contains("token=*** ***"), "{}", out.stderr);
    }
}

/// The secrets audit: every command, with `-vv` (subprocess output shown), with every
/// token variable set, against the local registries; then every file the tool wrote.
#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs maturin, uv, estuary and pypiserver: scripts/test.sh runs it"
)]
fn every_command_keeps_every_token_secret() {
    let _serial = support::e2e_serial();
    let release = Release::new();
    let simple = release.registries.simple_url();
    let upload = release.registries.publish_url();
    let online = ["--index-url", simple.as_str()];
    let runs: Vec<Vec<&str>> = vec![
        vec!["status"],
        [&["status", "--published", "--downloads"][..], &online].concat(),
        vec!["sync", "--check"],
        vec!["bump", "minor", "--dry-run", "--allow-empty-changelog"],
        vec!["verify"],
        vec!["notes"],
        vec!["init", "--dry-run"],
        [
            &["publish", "--dry-run", "--publish-url", upload.as_str()][..],
            &online,
        ]
        .concat(),
        [&["yank", "0.2.0", "--dry-run", "--tag"][..], &online].concat(),
    ];
    for args in runs {
        let mut cmd = release.command(&[&args[..], &["-vv"]].concat());
        cmd.env(CANARY_UV_PASSWORD.0, CANARY_UV_PASSWORD.1);
        if args[0] == "verify" {
            cmd.env("CARGO_PYRELEASE_PYPI_SIMPLE", &simple);
        }
        let out = output(cmd);
        assert!(
            out.code <= 1,
            "{args:?}: {}",
            out.render(&release.fixture.root)
        );
        assert_no_canary(&out);
    }
    // The real release, with -vv: uv, cargo and git print what they do.
    let out = release.publish(&["-v"]);
    assert_eq!(out.code, 0, "{}", out.render(&release.fixture.root));
    assert_no_canary_in_files(&release.fixture.path("target/pyrelease"));
    assert_no_canary_in_files(&release.fixture.root.join(".git"));
}
