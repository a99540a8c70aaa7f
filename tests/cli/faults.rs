//! Faults at every step boundary of a release, injected for real.
//!
//! The release is `testdata/e2e` (two crates, `pyrelease-e2e-core` then the pyo3 crate
//! `pyrelease-e2e`, and one maturin package: a wheel and an sdist) going to a real cargo
//! registry (estuary: a git index over HTTP and its publish API) and a real Python index
//! (pypiserver), each behind a fault-injecting proxy (`support/proxy.rs`); the tag goes to
//! a local bare remote, the GitHub release to the `gh` stand-in. Each row stops one run
//! at one boundary; the faulted run's exit code must be right (1 only when nothing is
//! out, else 3; a killed run has none); then, with everything healthy again, ONE plain
//! re-run of the same command must exit 0 with every crate and Python file on the
//! registries exactly once (the files byte-identical to the ones built), the tag on the
//! remote, one GitHub release, and nothing built a second time.
//!
//! | row                 | boundary                                  | fault                                   | faulted run |
//! |---------------------|-------------------------------------------|-----------------------------------------|-------------|
//! | happy               | none                                      | none                                    | 0           |
//! | crate1-die-before   | upload of crate 1 (`PUT /api/v1/crates/new` #1) | proxy dies before forwarding      | 3 (maybe out) |
//! | crate1-500          | upload of crate 1                         | registry answers 500                    | 1           |
//! | crate1-429          | upload of crate 1                         | 429, `Retry-After: 2`, once             | 0 (waited)  |
//! | crate1-die-after    | upload of crate 1                         | stored, connection dies before answer   | 3           |
//! | crate1-kill-after   | upload of crate 1                         | stored, tool SIGKILLed                  | killed      |
//! | wait1-die           | index wait after crate 1 (first fetch)    | proxy dies                              | 3           |
//! | wait1-kill          | index wait after crate 1                  | tool SIGKILLed                          | killed      |
//! | crate2-die-before   | upload of crate 2                         | proxy dies before forwarding            | 3           |
//! | crate2-die-midway   | upload of crate 2                         | stored, half the answer                 | 3           |
//! | crate2-500          | upload of crate 2                         | registry answers 500                    | 3           |
//! | wait2-die           | index wait after crate 2                  | proxy dies                              | 3           |
//! | file1-die-before    | upload of Python file 1 (`POST /` #1)     | proxy dies before forwarding            | 3           |
//! | file1-die-after     | upload of Python file 1                   | stored, connection dies before answer   | 3           |
//! | file1-kill-after    | upload of Python file 1                   | stored, tool SIGKILLed                  | killed      |
//! | file2-die-midway    | upload of Python file 2                   | stored, half the answer                 | 3           |
//! | file2-500           | upload of Python file 2                   | index answers 500                       | 3           |
//! | push-refused        | tag push                                  | the remote's pre-receive hook refuses   | 3           |
//! | push-kill           | tag push (`Pushing` on stderr)            | tool SIGKILLed                          | killed      |
//! | github-fails        | GitHub release                            | `gh release create` fails               | 3           |
//! | github-kill         | GitHub release (`Releasing` on stderr)    | tool SIGKILLed                          | killed      |
//!
//! `crate1-die-before` cannot be told from `crate1-die-after` by the tool: the upload's
//! connection broke and the registry behind it does not answer the look-up after it. So
//! the crates are "maybe out", and the run exits 3 (re-run to finish) rather than claim
//! that nothing happened; the re-run asks the healthy registry and publishes them.
//!
//! The same table, with the state of each row, is in `docs/faults.md`.
#![cfg(unix)]
// Integration tests write fixtures and start servers and tools directly.
#![allow(clippy::disallowed_methods)]

use crate::support;

use std::io::{BufRead as _, BufReader, Read as _};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use support::proxy::{Fault, Proxy, Rule};
use support::servers::{Server, run, start_estuary, start_pypi};
use support::{Fixture, Output};

const UPLOAD_CRATE: (&str, &str) = ("PUT", "/api/v1/crates/new");
const INDEX_FETCH: (&str, &str) = ("GET", "/git/index/info/refs");
const UPLOAD_FILE: (&str, &str) = ("POST", "/");

/// Where a row stops the release.
enum Trigger {
    Nothing,
    /// A rule on the cargo registry's proxy.
    Cargo(Rule),
    /// A rule on the Python index's proxy.
    Python(Rule),
    /// The remote refuses pushes.
    RefusePush,
    /// `gh release create` fails.
    FailGithub,
    /// SIGKILL of the tool's process group when its stderr shows this status word.
    KillAt(&'static str),
}

/// The faulted run's exit code; `None`: killed.
struct Row {
    name: &'static str,
    trigger: Trigger,
    exit: Option<i32>,
}

fn rows() -> Vec<Row> {
    let (put, api) = UPLOAD_CRATE;
    let (get, refs) = INDEX_FETCH;
    let (post, root) = UPLOAD_FILE;
    let cargo = |name, rule, exit| Row {
        name,
        trigger: Trigger::Cargo(rule),
        exit,
    };
    let python = |name, rule, exit| Row {
        name,
        trigger: Trigger::Python(rule),
        exit,
    };
    vec![
        Row {
            name: "happy",
            trigger: Trigger::Nothing,
            exit: Some(0),
        },
        cargo(
            "crate1-die-before",
            Rule::new(put, api, 1, Fault::DieBefore),
            Some(3),
        ),
        cargo(
            "crate1-500",
            Rule::new(put, api, 1, Fault::Status500),
            Some(1),
        ),
        cargo(
            "crate1-429",
            Rule::new(put, api, 1, Fault::TooMany { retry_after: 2 }),
            Some(0),
        ),
        cargo(
            "crate1-die-after",
            Rule::new(put, api, 1, Fault::DieAfter),
            Some(3),
        ),
        cargo(
            "crate1-kill-after",
            Rule::new(put, api, 1, Fault::KillAfter),
            None,
        ),
        cargo(
            "wait1-die",
            Rule::new(get, refs, 1, Fault::DieBefore).after(put, api, 1),
            Some(3),
        ),
        cargo(
            "wait1-kill",
            Rule::new(get, refs, 1, Fault::KillBefore).after(put, api, 1),
            None,
        ),
        cargo(
            "crate2-die-before",
            Rule::new(put, api, 2, Fault::DieBefore),
            Some(3),
        ),
        cargo(
            "crate2-die-midway",
            Rule::new(put, api, 2, Fault::DieMidway),
            Some(3),
        ),
        cargo(
            "crate2-500",
            Rule::new(put, api, 2, Fault::Status500),
            Some(3),
        ),
        cargo(
            "wait2-die",
            Rule::new(get, refs, 1, Fault::DieBefore).after(put, api, 2),
            Some(3),
        ),
        python(
            "file1-die-before",
            Rule::new(post, root, 1, Fault::DieBefore),
            Some(3),
        ),
        python(
            "file1-die-after",
            Rule::new(post, root, 1, Fault::DieAfter),
            Some(3),
        ),
        python(
            "file1-kill-after",
            Rule::new(post, root, 1, Fault::KillAfter),
            None,
        ),
        python(
            "file2-die-midway",
            Rule::new(post, root, 2, Fault::DieMidway),
            Some(3),
        ),
        python(
            "file2-500",
            Rule::new(post, root, 2, Fault::Status500),
            Some(3),
        ),
        Row {
            name: "push-refused",
            trigger: Trigger::RefusePush,
            exit: Some(3),
        },
        Row {
            name: "push-kill",
            trigger: Trigger::KillAt("Pushing"),
            exit: None,
        },
        Row {
            name: "github-fails",
            trigger: Trigger::FailGithub,
            exit: Some(3),
        },
        Row {
            name: "github-kill",
            trigger: Trigger::KillAt("Releasing"),
            exit: None,
        },
    ]
}

/// A fixture release with both registries behind proxies, a remote and `gh`.
struct Rig {
    fixture: Fixture,
    dir: tempfile::TempDir,
    _estuary: Server,
    _pypi: Server,
    cargo: Proxy,
    python: Proxy,
    bin: PathBuf,
    /// While this file exists the remote refuses pushes and `gh release create` fails.
    broken: PathBuf,
}

impl Rig {
    fn new() -> Self {
        let fixture = Fixture::git("e2e");
        let dir = tempfile::Builder::new()
            .prefix("faults-")
            .tempdir()
            .unwrap();
        let broken = dir.path().join("broken");
        let remote = dir.path().join("remote.git");
        run(Command::new("git")
            .args(["init", "-q", "--bare"])
            .arg(&remote));
        write_script(
            &remote.join("hooks/pre-receive"),
            &format!(
                "test -e '{}' && {{ echo 'refused by the test' >&2; exit 1; }}\nexit 0",
                broken.display()
            ),
        );
        fixture.sh(
            "git",
            &["remote", "add", "origin", remote.to_str().unwrap()],
        );
        let bin = gh_dir();

        // estuary tells cargo where its API and downloads are: the proxy's address.
        let cargo = Proxy::bind();
        let estuary = start_estuary(dir.path(), |_| cargo.url());
        cargo.forward_to(estuary.port);
        let python = Proxy::bind();
        let pypi = start_pypi(dir.path(), &dir.path().join("pkgs"));
        python.forward_to(pypi.port);
        Self {
            fixture,
            dir,
            _estuary: estuary,
            _pypi: pypi,
            cargo,
            python,
            bin,
            broken,
        }
    }

    /// The release command, the same for the faulted run and the re-run.
    fn command(&self) -> Command {
        let simple = format!("{}/simple/", self.python.url());
        let upload = format!("{}/", self.python.url());
        let mut cmd = self.fixture.command(&[
            "publish",
            "-v",
            "--yes",
            "--no-gates",
            "--index-url",
            &simple,
            "--publish-url",
            &upload,
        ]);
        support::release_env(&mut cmd, std::slice::from_ref(&self.bin))
            .env("FAULTS_STATE", self.dir.path())
            .env(
                "CARGO_REGISTRIES_LOCAL_INDEX",
                format!("{}/git/index", self.cargo.url()),
            )
            .env("CARGO_REGISTRIES_LOCAL_TOKEN", "faults-cargo-token")
            .env("UV_PUBLISH_TOKEN", "faults-uv-token");
        cmd
    }

    /// Runs the release in its own process group with `trigger` set up; `None` as the
    /// exit code when it was killed.
    fn faulted(&self, trigger: &Trigger) -> (Option<i32>, String) {
        match trigger {
            Trigger::Cargo(rule) => self.cargo.arm(rule.clone()),
            Trigger::Python(rule) => self.python.arm(rule.clone()),
            Trigger::RefusePush | Trigger::FailGithub => {
                std::fs::write(&self.broken, "").unwrap();
            }
            Trigger::Nothing | Trigger::KillAt(_) => {}
        }
        let mut child = self
            .command()
            .process_group(0)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let group = child.id();
        self.cargo.kill_group(group);
        self.python.kill_group(group);
        let marker = match trigger {
            Trigger::KillAt(word) => Some(*word),
            _ => None,
        };
        let mut stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut rest = String::new();
            let _ = stdout.read_to_string(&mut rest);
            rest
        });
        let mut stderr = String::new();
        for line in BufReader::new(child.stderr.take().unwrap()).lines() {
            let Ok(line) = line else { break };
            stderr.push_str(&line);
            stderr.push('\n');
            if marker.is_some_and(|word| line.trim_start().starts_with(word)) {
                kill_group(group);
            }
        }
        let status = child.wait().unwrap();
        let stdout = reader.join().unwrap();
        (
            status.code(),
            format!("--- stdout\n{stdout}--- stderr\n{stderr}"),
        )
    }

    fn heal(&self) {
        self.cargo.heal();
        self.python.heal();
        let _ = std::fs::remove_file(&self.broken);
    }

    /// The `.crate` files the registry stores.
    fn stored_crates(&self) -> Vec<String> {
        let mut names: Vec<String> = support::files_under(&self.dir.path().join("est/crates"))
            .iter()
            .map(|p| name_of(p))
            .filter(|n| n.ends_with(".crate"))
            .collect();
        names.sort();
        names
    }

    /// Each crate's index lines, read from a fresh clone of the registry's index.
    fn index_versions(&self, name: &str) -> Vec<String> {
        let clone = self.dir.path().join(format!("index-{}", rand_suffix()));
        run(Command::new("git")
            .args(["clone", "-q", "--depth", "1"])
            .arg(format!("{}/git/index", self.cargo.url()))
            .arg(&clone));
        let text = std::fs::read_to_string(clone.join(&name[..2]).join(&name[2..4]).join(name))
            .unwrap_or_default();
        text.lines()
            .map(|line| {
                let entry: serde_json::Value = serde_json::from_str(line).unwrap();
                entry["vers"].as_str().unwrap().to_string()
            })
            .collect()
    }

    fn gh_calls(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join("gh.log"))
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect()
    }

    /// A re-run that finished the release from what the first run built.
    fn assert_finished(&self, row: &str, rerun: &Output) {
        let seen = rerun.render(&self.fixture.root);
        assert_eq!(rerun.code, 0, "{row}: the re-run failed:\n{seen}");
        // The tool's own builds (`cargo package`, maturin), or any compile at all; cargo
        // publish's `Packaging` lines only re-pack the sources it uploads.
        for line in rerun.stderr.lines() {
            let rebuilt = ["Running `cargo package", "maturin build", "maturin sdist"]
                .iter()
                .any(|build| line.contains(build))
                || line.trim_start().starts_with("Compiling ");
            assert!(!rebuilt, "{row}: the re-run built again:\n{seen}");
        }
        self.assert_released(row);
    }

    /// The release is out, every part of it exactly once.
    fn assert_released(&self, row: &str) {
        assert_eq!(
            self.stored_crates(),
            [
                "pyrelease-e2e-0.2.0.crate",
                "pyrelease-e2e-core-0.2.0.crate"
            ],
            "{row}: the registry's crates"
        );
        for name in ["pyrelease-e2e-core", "pyrelease-e2e"] {
            assert_eq!(
                self.index_versions(name),
                ["0.2.0"],
                "{row}: {name} in the index"
            );
        }
        let built: Vec<PathBuf> = support::files_under(&self.fixture.path("target/pyrelease"));
        let stored = support::files_under(&self.dir.path().join("pkgs"));
        let mut names: Vec<String> = stored.iter().map(|p| name_of(p)).collect();
        names.sort();
        assert_eq!(names.len(), 2, "{row}: the index's files: {names:?}");
        assert!(
            names[0].starts_with("pyrelease_e2e-0.2.0-") && names[0].ends_with(".whl"),
            "{row}: {names:?}"
        );
        assert_eq!(names[1], "pyrelease_e2e-0.2.0.tar.gz", "{row}: {names:?}");
        for file in &stored {
            let bytes = std::fs::read(file).unwrap();
            assert!(
                built
                    .iter()
                    .any(|b| name_of(b) == name_of(file) && std::fs::read(b).unwrap() == bytes),
                "{row}: `{}` on the index is not the file built",
                name_of(file)
            );
        }
        let tags = self.fixture.sh("git", &["ls-remote", "--tags", "origin"]);
        assert!(
            tags.contains("refs/tags/v0.2.0"),
            "{row}: the remote's tags: {tags}"
        );
        let creates = self
            .gh_calls()
            .iter()
            .filter(|c| c.starts_with("release create"))
            .count();
        assert_eq!(
            creates,
            1,
            "{row}: GitHub releases made: {:#?}",
            self.gh_calls()
        );
        let release = std::fs::read_to_string(self.dir.path().join("release")).unwrap();
        let mut lines: Vec<&str> = release.lines().collect();
        assert_eq!(
            lines.first(),
            Some(&"false"),
            "{row}: the release is a draft"
        );
        lines.remove(0);
        lines.sort_unstable();
        lines.dedup();
        assert_eq!(lines, names, "{row}: the release's files");
    }
}

/// `gh` as GitHub answers, drafts included: `release create [--draft]` makes the release
/// (it fails while `$FAULTS_STATE/broken` exists), `release upload` attaches files,
/// `release edit --draft=false` publishes it, `release view` shows it as JSON (draft flag,
/// assets) or fails when there is none. The state is `$FAULTS_STATE/release`: the draft
/// flag on its first line, then one asset name a line, made whole at once (a kill of the
/// tool never leaves a half-made release that GitHub would not show). Calls that succeed are logged in
/// `$FAULTS_STATE/gh.log`. The script is the same for every row, in one folder: `PATH`
/// stays the same, so cargo does not rebuild pyo3 (its build script watches `PATH`).
fn gh_dir() -> PathBuf {
    let bin = Path::new(env!("CARGO_TARGET_TMPDIR")).join("faults-bin");
    write_script(
        &bin.join("gh"),
        r#"state="$FAULTS_STATE/release"
attach() { for f in "$@"; do case "$f" in *.whl|*.tar.gz) basename "$f" >> "$state" ;; esac; done; }
case "$1 $2" in
  'release create')
    [ -e "$FAULTS_STATE/broken" ] && { echo 'HTTP 502: Bad Gateway (test)' >&2; exit 1; }
    case " $* " in *' --draft '*|*' --draft=true '*) echo true ;; *) echo false ;; esac > "$state.new"
    mv "$state.new" "$state"
    attach "$@" ;;
  'release upload') attach "$@" ;;
  'release edit') case " $* " in *' --draft=false '*) sed -i '1s/.*/false/' "$state" ;; esac ;;
  'release view')
    [ -e "$state" ] || { echo 'release not found' >&2; exit 1; }
    assets=$(tail -n +2 "$state" | sort -u | sed 's/.*/{"name":"&"}/' | paste -sd, -)
    printf '{"isDraft":%s,"assets":[%s]}\n' "$(head -n 1 "$state")" "$assets" ;;
esac
printf '%s\n' "$*" >> "$FAULTS_STATE/gh.log""#,
    );
    bin
}

fn write_script(path: &Path, body: &str) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn kill_group(group: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{group}")])
        .status();
}

fn name_of(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

fn rand_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

/// One row: the faulted run, then one plain re-run; a failure names the row.
fn check(row: &Row) -> Result<(), String> {
    let rig = Rig::new();
    let (code, seen) = rig.faulted(&row.trigger);
    let fired = match &row.trigger {
        Trigger::Cargo(_) => rig.cargo.fired(),
        Trigger::Python(_) => rig.python.fired(),
        _ => true,
    };
    if !fired {
        return Err(format!(
            "{}: the fault never fired; requests seen: {:#?}\n{seen}",
            row.name,
            [rig.cargo.log(), rig.python.log()].concat()
        ));
    }
    // A wrong exit code is reported with what the re-run does: both tell the state.
    let mut problems = Vec::new();
    if code != row.exit {
        problems.push(format!(
            "{}: the faulted run exited {code:?}, expected {:?}",
            row.name, row.exit
        ));
    }
    rig.heal();
    let rerun = support::output(rig.command());
    let finished = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rig.assert_finished(row.name, &rerun)
    }));
    if let Err(panic) = finished {
        problems.push(
            panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default(),
        );
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{}\n--- the faulted run\n{seen}",
        problems.join("\n")
    ))
}

/// Every row runs, whatever the others do; the failures are reported together.
#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs maturin, uv, estuary and pypiserver: scripts/test.sh runs it"
)]
fn every_step_boundary_stops_with_the_right_code_and_one_rerun_finishes() {
    let _serial = support::e2e_serial();
    let only = std::env::var("FAULTS_ONLY").ok();
    let mut failed = Vec::new();
    let mut passed = Vec::new();
    for row in rows() {
        if only
            .as_deref()
            .is_some_and(|o| !o.split(',').any(|n| n == row.name))
        {
            continue;
        }
        match check(&row) {
            Ok(()) => passed.push(row.name),
            Err(err) => failed.push(err),
        }
    }
    eprintln!("passed: {passed:?}");
    assert!(
        failed.is_empty(),
        "{} row(s) failed:\n\n{}",
        failed.len(),
        failed.join("\n\n")
    );
}

/// One release at a time: a second `publish` started while the first runs waits a moment,
/// then refuses with the first's pid, touching nothing; the first makes the release alone.
#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs maturin, uv, estuary and pypiserver: scripts/test.sh runs it"
)]
fn a_second_publish_while_one_runs_refuses() {
    let _serial = support::e2e_serial();
    let rig = Rig::new();
    let mut first = rig
        .command()
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (started, running) = std::sync::mpsc::channel();
    let stderr = first.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut seen = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.trim_start().starts_with("Verifying") {
                let _ = started.send(());
            }
            seen.push_str(&line);
            seen.push('\n');
        }
        seen
    });
    running
        .recv_timeout(std::time::Duration::from_secs(120))
        .expect("the first publish started");
    let second = support::output(rig.command());
    let text = second.render(&rig.fixture.root);
    assert_eq!(second.code, 1, "{text}");
    assert!(
        second.stderr.contains(&format!(
            "another cargo-pyrelease is running (pid {})",
            first.id()
        )),
        "{text}"
    );
    let code = first.wait().unwrap().code();
    let seen = reader.join().unwrap();
    assert_eq!(code, Some(0), "the first publish:\n{seen}");
    rig.assert_released("two publish runs at once");
}
