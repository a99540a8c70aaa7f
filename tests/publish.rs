//! `publish` and `yank` end to end, for real: the fixture under `testdata/e2e` (two crates,
//! a pyo3 package) is packaged with cargo, built with maturin, published to a real cargo
//! registry (estuary) and uploaded to a real Python index (pypiserver), both on 127.0.0.1,
//! then installed back from them. Only `gh` is a stand-in: it records its argv.
// Integration tests write fixtures and start servers and tools directly.
#![allow(clippy::disallowed_methods)]
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

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

/// The scenarios share one cargo target folder (pyo3 compiles once) and cargo's
/// `target/package`: one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

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
            .env("CARGO_TARGET_DIR", shared_target())
            .env_remove("PIP_FIND_LINKS")
            .env_remove("GITHUB_REF_TYPE")
            .env_remove("GITHUB_REF_NAME")
            .env_remove("CARGO_PYRELEASE_CRATES_INDEX")
            .env_remove("CARGO_PYRELEASE_PYPI_SIMPLE");
        cmd
    }

    fn publish(&self, extra: &[&str]) -> Output {
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
        let out = output(self.command(&args));
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

    fn journal(&self) -> serde_json::Value {
        let text =
            std::fs::read_to_string(self.fixture.path("target/pyrelease/0.2.0.json")).unwrap();
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

fn shared_target() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-target")
}

/// `gh` as GitHub would answer a repository without releases: `release view` fails,
/// everything else succeeds; every call's argv is recorded, one line each.
fn write_gh_stand_in(bin: &Path, log: &Path) {
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\ncase \"$1 $2\" in\n  'release view') exit 1 ;;\nesac\nexit 0\n",
        log.display()
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

/// Installs `pyrelease-e2e==0.2.0` from the local index into a new environment and calls it.
fn install_python_package(release: &Release) {
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
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "hello, pypi");
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
fn full_release_then_a_no_op_rerun_then_yank() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
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
    install_python_package(&release);

    // The tag is made and pushed; the GitHub release gets the notes and the Python files.
    let remote_tags = release
        .fixture
        .sh("git", &["ls-remote", "--tags", "origin"]);
    assert!(remote_tags.contains("refs/tags/v0.2.0"), "{remote_tags}");
    let journal = release.journal();
    let notes = release.fixture.path("target/pyrelease/0.2.0/notes.md");
    let dist = release.fixture.path("target/pyrelease/0.2.0/dist");
    let mut expected = format!(
        "release create v0.2.0 --verify-tag --title pyrelease-e2e 0.2.0 --notes-file {}",
        notes.display()
    );
    for file in &files {
        expected.push_str(&format!(" {}", dist.join(file).display()));
    }
    assert_eq!(
        release.gh_calls(),
        ["--version", "release view v0.2.0", expected.as_str()]
    );
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
}

#[test]
fn dry_run_publishes_nothing_and_prints_what_a_real_run_runs() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
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
    assert_eq!(would.len(), 5, "publish, upload, tag, push, gh: {would:#?}");

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

#[test]
#[cfg(feature = "test-hooks")]
fn a_stopped_upload_is_finished_by_a_rerun_without_rebuilding() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let mut release = Release::new();

    let kill = format!("kill {}", release.registries.pypi.child.id());
    let mut cmd = release.command(&[
        "publish",
        "-v",
        "--yes",
        "--no-gates",
        "--index-url",
        &release.registries.simple_url(),
        "--publish-url",
        &release.registries.publish_url(),
    ]);
    cmd.env("CARGO_PYRELEASE_TEST_BEFORE_UPLOAD", &kill);
    let stopped = output(cmd);
    assert_no_canary(&stopped);
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

    release.registries.restart_pypi();
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
    install_python_package(&release);
}

#[test]
fn refusals_before_anything_is_published() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
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

    // The version is on the Python index already, not on the cargo registry: refused
    // before the crates go out, so the two never disagree.
    let pkgs = release.registries.dir.path().join("pkgs");
    std::fs::write(pkgs.join("pyrelease_e2e-0.2.0.tar.gz"), "someone else's").unwrap();
    let taken = release.publish(&["--no-gates"]);
    assert_eq!(taken.code, 1, "{}", taken.render(&release.fixture.root));
    assert!(
        taken.stdout.contains("pypi-already-published"),
        "{}",
        taken.stdout
    );
    assert_eq!(release.crate_versions("pyrelease-e2e-core"), []);
    assert!(release.gh_calls().is_empty());
}

#[test]
fn a_failing_subprocess_never_shows_a_token() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
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
fn every_command_keeps_every_token_secret() {
    let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
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
