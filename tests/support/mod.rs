//! Test support: fixture copies, running the real binary, snapshots, tree hashes.
#![allow(dead_code)]

pub mod proxy;
pub mod replay;
pub mod servers;
pub mod tools;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Fixture {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Exit code, stdout and stderr in one text, with the fixture path redacted.
    pub fn render(&self, root: &Path) -> String {
        let redact = |s: &str| {
            let real = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
            s.replace(&real.display().to_string(), "[ROOT]")
                .replace(&root.display().to_string(), "[ROOT]")
        };
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.code,
            redact(&self.stdout),
            redact(&self.stderr)
        )
    }
}

/// The stdout of `cmd`, which must succeed (its stderr in the panic otherwise).
pub fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|err| panic!("{cmd:?}: {err}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The lines of a file, none when it does not exist.
pub fn lines_of(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

/// Runs `cmd` to the end and keeps what it printed.
pub fn output(mut cmd: Command) -> Output {
    let out = cmd.output().unwrap();
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

pub fn testdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(name)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

impl Fixture {
    /// A copy of `testdata/<name>` in a temporary folder.
    pub fn new(name: &str) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("pyrelease-")
            .tempdir()
            .unwrap();
        let root = dir.path().join(name);
        copy_dir(&testdata(name), &root);
        Self { _dir: dir, root }
    }

    /// The same, as a git repository with everything committed.
    pub fn git(name: &str) -> Self {
        let fixture = Self::new(name);
        fixture.sh("git", &["init", "-q", "-b", "main"]);
        fixture.sh("git", &["add", "-A"]);
        fixture.sh("git", &["commit", "-q", "-m", "initial"]);
        fixture
    }

    pub fn sh(&self, program: &str, args: &[&str]) -> String {
        let out = Command::new(program)
            .args(args)
            .current_dir(&self.root)
            .envs(git_env())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{program} {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Breaks the docs of the crate at `crate_dir` the way only docs.rs sees: a feature
    /// that `[package.metadata.docs.rs]` enables adds an item naming a missing type. Returns
    /// the library's text before, to restore it.
    pub fn break_docs_rs_build(&self, crate_dir: &str) -> String {
        let at = |file: &str| {
            if crate_dir.is_empty() {
                file.to_string()
            } else {
                format!("{crate_dir}/{file}")
            }
        };
        let manifest = self.read(&at("Cargo.toml"));
        self.write(
            &at("Cargo.toml"),
            &format!("{manifest}\n[features]\nextra = []\n\n[package.metadata.docs.rs]\nfeatures = [\"extra\"]\n"),
        );
        let lib = self.read(&at("src/lib.rs"));
        self.write(
            &at("src/lib.rs"),
            &format!("{lib}\n/// Only with `extra`.\n#[cfg(feature = \"extra\")]\npub fn extra() -> Missing {{\n    todo!()\n}}\n"),
        );
        self.sh("git", &["commit", "-qam", "docs.rs features"]);
        lib
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path(rel)).unwrap()
    }

    pub fn write(&self, rel: &str, text: &str) {
        std::fs::write(self.path(rel), text).unwrap();
    }

    /// Runs `cargo-pyrelease ARGS` in the fixture root.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_in(&self.root, args)
    }

    pub fn run_in(&self, dir: &Path, args: &[&str]) -> Output {
        output(self.command_in(dir, args))
    }

    /// The command `run` runs, for a test to add its environment to.
    pub fn command(&self, args: &[&str]) -> Command {
        self.command_in(&self.root, args)
    }

    fn command_in(&self, dir: &Path, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-pyrelease"));
        cmd.args(args)
            .current_dir(dir)
            .envs(git_env())
            .env("NO_COLOR", "1")
            .env_remove("CARGO_TERM_COLOR");
        cmd
    }

    /// Every file under the root (but `.git` and `target`) with its bytes.
    pub fn tree(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut files = BTreeMap::new();
        collect(&self.root, &self.root, &mut files);
        files
    }
}

fn collect(root: &Path, dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if entry.file_type().unwrap().is_dir() {
            if name != ".git" && name != "target" {
                collect(root, &entry.path(), files);
            }
        } else {
            let rel = entry.path().strip_prefix(root).unwrap().to_path_buf();
            files.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
}

/// Every file below `dir`, at any depth, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(next) = pending.pop() {
        for entry in std::fs::read_dir(&next).into_iter().flatten().flatten() {
            match entry.file_type() {
                Ok(kind) if kind.is_dir() => pending.push(entry.path()),
                Ok(_) => files.push(entry.path()),
                Err(_) => {}
            }
        }
    }
    files.sort();
    files
}

/// The cargo target folder the release tests share (publish, faults, secrets,
/// breaking): pyo3 compiles once.
pub fn e2e_target() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-target")
}

/// One release test at a time: they share [`e2e_target`] and its `target/package`. They
/// are modules of one test binary, whose tests run on parallel threads.
pub fn e2e_serial() -> std::sync::MutexGuard<'static, ()> {
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A release run of `testdata/e2e` on this machine: `extra` and maturin's folder first on
/// `PATH`, the uv cache and the cargo target folder shared by every such run (pyo3
/// compiles once), and none of the variables that would point it elsewhere.
pub fn release_env<'a>(cmd: &'a mut Command, extra: &[PathBuf]) -> &'a mut Command {
    let path = std::env::join_paths(
        extra
            .iter()
            .cloned()
            .chain([tools::tool("maturin").parent().unwrap().to_path_buf()])
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    cmd.env("PATH", path)
        .env("UV_CACHE_DIR", servers::tools_dir().join("uv-cache"))
        .env("CARGO_TARGET_DIR", e2e_target())
        .env_remove("PIP_FIND_LINKS")
        .env_remove("GITHUB_REF_TYPE")
        .env_remove("GITHUB_REF_NAME")
        .env_remove("CARGO_PYRELEASE_CRATES_INDEX")
        .env_remove("CARGO_PYRELEASE_PYPI_SIMPLE")
}

pub fn git_env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("GIT_AUTHOR_NAME", "Test"),
        ("GIT_AUTHOR_EMAIL", "test@example.invalid"),
        ("GIT_COMMITTER_NAME", "Test"),
        ("GIT_COMMITTER_EMAIL", "test@example.invalid"),
        ("GIT_CONFIG_GLOBAL", "/dev/null"),
        ("GIT_CONFIG_NOSYSTEM", "1"),
        // Fixed dates make commit ids, and so snapshots, reproducible.
        ("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z"),
        ("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z"),
    ]
}

/// Compares `actual` with `tests/snapshots/<name>`; `SNAPSHOTS=overwrite`
/// writes it instead, for review with `git diff`.
#[track_caller]
pub fn snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var("SNAPSHOTS").as_deref() == Ok("overwrite") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot `{}`; run with SNAPSHOTS=overwrite to create it\n--- actual\n{actual}",
            path.display()
        )
    });
    if expected != actual {
        let diff = similar::TextDiff::from_lines(expected.as_str(), actual)
            .unified_diff()
            .header("expected", "actual")
            .to_string();
        panic!("snapshot `{name}` differs (SNAPSHOTS=overwrite to accept):\n{diff}");
    }
}

pub type Tree = BTreeMap<PathBuf, Vec<u8>>;

/// Names the files that differ, rather than dumping two byte maps.
#[track_caller]
pub fn assert_same_tree(before: &Tree, after: &Tree, what: &str) {
    let changed: Vec<_> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert!(changed.is_empty(), "{what} changed files: {changed:?}");
}

/// The finding ids in `verify --format json` output.
pub fn finding_ids(json: &str) -> std::collections::BTreeSet<String> {
    let json: serde_json::Value =
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}: not verify JSON:\n{json}"));
    json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

/// A command run with the executor's test pause (`CARGO_PYRELEASE_TEST_PAUSE_MS`): it
/// stops before each rename and says so on stderr, so a test can act at an exact
/// point of the write phase.
pub struct Paused {
    child: std::process::Child,
    stderr: std::io::BufReader<std::process::ChildStderr>,
    /// Everything read from stderr so far.
    pub seen: String,
}

impl Paused {
    pub fn start(fixture: &Fixture, args: &[&str], pause_ms: u64) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_cargo-pyrelease"))
            .args(args)
            .current_dir(&fixture.root)
            .envs(git_env())
            .env("NO_COLOR", "1")
            .env("CARGO_PYRELEASE_TEST_PAUSE_MS", pause_ms.to_string())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
        Self {
            child,
            stderr,
            seen: String::new(),
        }
    }

    /// Waits until the executor has replaced `k` files and paused; returns how many
    /// files it writes in all. Panics if the command ends first.
    pub fn wait_for(&mut self, k: usize) -> usize {
        use std::io::BufRead as _;
        let prefix = format!("cargo-pyrelease test: {k} of ");
        loop {
            let mut line = String::new();
            let n = self.stderr.read_line(&mut line).unwrap();
            assert!(n > 0, "ended before pausing at file {k}:\n{}", self.seen);
            self.seen.push_str(&line);
            if let Some(rest) = line.strip_prefix(&prefix) {
                return rest.split(' ').next().unwrap().parse().unwrap();
            }
        }
    }

    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Sends `signal` (`INT`, `KILL`, ...) with kill(1).
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &self.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -{signal} failed");
    }

    /// Waits for the end; the output holds everything printed, markers included.
    pub fn finish(mut self) -> Output {
        use std::io::Read as _;
        let mut rest = String::new();
        self.stderr.read_to_string(&mut rest).unwrap();
        self.seen.push_str(&rest);
        let out = self.child.wait_with_output().unwrap();
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8(out.stdout).unwrap(),
            stderr: self.seen,
        }
    }
}
