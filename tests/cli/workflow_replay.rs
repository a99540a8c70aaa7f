//! The release workflow `init` writes, replayed job by job on this machine against a
//! real cargo registry (estuary) and a real Python index (pypiserver) on 127.0.0.1
//! (see `support::replay` for what stands in for GitHub). Every scenario ends with
//! the crate and the Python files on their registries exactly once, or with a refusal
//! before anything is published.
// Integration tests write fixtures and start servers and tools directly.
#![allow(clippy::disallowed_methods)]
use crate::support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::replay::{self, Outcome, Runner, Workflow};
use support::servers::{Registries, run};
use support::tools::tool;
use support::{Fixture, assert_same_tree};

const TAG: &str = "v0.3.0";
const WORKFLOW: &str = ".github/workflows/release.yml";

struct Replay {
    /// Kept for its folder, which holds the runner's scratch space.
    _fixture: Fixture,
    registries: Registries,
    runner: Runner,
    workflow: Workflow,
    gh_log: PathBuf,
}

/// The fixture, changed by `edit`, configured for the local registries, with `init`'s
/// files committed and the release tag pushed to a remote the checkouts clone.
fn prepare(edit: impl FnOnce(&Fixture)) -> Replay {
    let fixture = Fixture::git("replay");
    edit(&fixture);
    let registries = Registries::start();
    let manifest = format!(
        "{}\n[package.metadata.pyrelease]\nindex-url = \"{}\"\npublish-url = \"{}\"\ngates = [\"cargo build --locked\"]\n",
        fixture.read("Cargo.toml"),
        registries.simple_url(),
        registries.publish_url(),
    );
    fixture.write("Cargo.toml", &manifest);
    let init = fixture.run(&["init"]);
    assert_eq!(init.code, 0, "{}", init.render(&fixture.root));
    // Private registries: their tokens are secrets to set up, no trusted publishing.
    for secret in ["`CARGO_REGISTRIES_LOCAL_TOKEN`", "`PYTHON_INDEX_TOKEN`"] {
        assert!(init.stdout.contains(secret), "{}", init.stdout);
    }
    assert!(
        !init.stdout.contains("trusted publisher"),
        "{}",
        init.stdout
    );
    fixture.sh("git", &["add", "-A"]);
    fixture.sh("git", &["commit", "-q", "-m", "release 0.3.0"]);
    fixture.sh("git", &["tag", TAG]);
    let scratch = fixture.root.parent().unwrap().join("runner");
    let remote = scratch.join("remote.git");
    run(Command::new("git")
        .args(["clone", "-q", "--bare"])
        .arg(&fixture.root)
        .arg(&remote));

    let bin = scratch.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    // The "installed" tool is the binary under test.
    std::os::unix::fs::symlink(
        env!("CARGO_BIN_EXE_cargo-pyrelease"),
        bin.join("cargo-pyrelease"),
    )
    .unwrap();
    let gh_log = scratch.join("gh.log");
    write_gh_stand_in(&bin, &gh_log, &scratch.join("gh-releases"));

    let mut env: BTreeMap<String, String> = std::env::vars()
        .filter(|(k, _)| {
            !k.starts_with("GITHUB_")
                && !k.starts_with("CARGO_PYRELEASE_")
                && !k.starts_with("CARGO_REGISTRIES_")
                && ![
                    "PIP_FIND_LINKS",
                    "CARGO_TARGET_DIR",
                    "RUSTFLAGS",
                    "CARGO_TERM_COLOR",
                ]
                .contains(&k.as_str())
        })
        .collect();
    let path = format!(
        "{}:{}:{}",
        bin.display(),
        tool("maturin").parent().unwrap().display(),
        env.get("PATH").cloned().unwrap_or_default()
    );
    env.insert("PATH".into(), path);
    env.insert("NO_COLOR".into(), "1".into());
    // The runner's registry configuration (on GitHub: `.cargo/config.toml`).
    env.insert(
        "CARGO_REGISTRIES_LOCAL_INDEX".into(),
        registries.cargo_index(),
    );
    env.insert(
        "UV_CACHE_DIR".into(),
        support::servers::tools_dir()
            .join("uv-cache")
            .display()
            .to_string(),
    );
    let secrets = BTreeMap::from([
        (
            "CARGO_REGISTRIES_LOCAL_TOKEN".to_string(),
            "replay-local-token".to_string(),
        ),
        (
            "PYTHON_INDEX_TOKEN".to_string(),
            "replay-python-token".to_string(),
        ),
    ]);
    let workflow = replay::load(&fixture.path(WORKFLOW));
    let runner = Runner {
        root: scratch,
        remote,
        tag: TAG.into(),
        repository: "example/pyrelease-replay".into(),
        env,
        secrets,
        attempt: 0,
        outcomes: BTreeMap::new(),
        log: Vec::new(),
        attested: Vec::new(),
        transcript: String::new(),
    };
    Replay {
        _fixture: fixture,
        registries,
        runner,
        workflow,
        gh_log,
    }
}

/// `gh` as GitHub answers: `release view` finds only the releases `release create` made.
fn write_gh_stand_in(bin: &Path, log: &Path, releases: &Path) {
    std::fs::create_dir_all(releases).unwrap();
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{log}'\ncase \"$1 $2\" in\n  'release view') test -e '{dir}'/\"$3\" ;;\n  'release create') touch '{dir}'/\"$3\" ;;\nesac\n",
        log = log.display(),
        dir = releases.display(),
    );
    let path = bin.join("gh");
    std::fs::write(&path, script).unwrap();
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
}

impl Replay {
    fn explain(&self) -> String {
        format!(
            "outcomes: {:?}\nreplaced: {:#?}\n{}",
            self.runner.outcomes, self.runner.log, self.runner.transcript
        )
    }

    /// The Python index becomes unreachable for uploads from the PyPI job's first one on
    /// (after the crates are out).
    fn fail_python_once(&self) {
        self.registries.refuse_uploads();
    }

    /// Uploads reach the index again (at the same address, which is in the tagged
    /// configuration).
    fn restart_python_index(&self) {
        self.registries.heal_uploads();
    }

    /// The crate files the cargo registry holds.
    fn crates(&self) -> Vec<String> {
        files_under(&self.registries.dir.path().join("est/crates"))
    }

    fn python_files(&self) -> Vec<String> {
        files_under(&self.registries.dir.path().join("pkgs"))
    }

    fn gh_calls(&self) -> Vec<String> {
        support::lines_of(&self.gh_log)
    }

    /// The `gh release create` call: there must be one.
    fn release_create(&self) -> String {
        self.gh_calls()
            .into_iter()
            .find(|c| c.starts_with("release create"))
            .unwrap_or_else(|| panic!("no GitHub release\n{}", self.explain()))
    }

    /// Everything out once: one crate file, one wheel and one sdist, one GitHub release
    /// with the files and the provenance attached.
    fn assert_released_once(&self) {
        let why = self.explain();
        assert!(self.runner.all_succeeded(&self.workflow), "{why}");
        let crates = self.crates();
        assert_eq!(crates.len(), 1, "{crates:?}\n{why}");
        assert!(crates[0].contains("0.3.0"), "{crates:?}");
        let python = self.python_files();
        assert_eq!(python.len(), 2, "{python:?}\n{why}");
        assert!(
            python
                .iter()
                .any(|f| f.ends_with(".whl") && f.contains("0.3.0"))
        );
        assert!(python.iter().any(|f| f == "pyrelease_replay-0.3.0.tar.gz"));
        let creates: Vec<String> = self
            .gh_calls()
            .into_iter()
            .filter(|c| c.starts_with("release create"))
            .collect();
        assert_eq!(creates.len(), 1, "{creates:?}\n{why}");
        for attached in [
            ".whl",
            ".tar.gz",
            "pyrelease-replay-0.3.0.crate",
            "python.sigstore.json",
        ] {
            assert!(
                creates[0].contains(attached),
                "{attached} not attached: {}",
                creates[0]
            );
        }
        // The artifact attestations covered every published file.
        let attested: Vec<&String> = self.runner.attested.iter().flat_map(|(_, f)| f).collect();
        for file in python.iter().chain(&crates) {
            let name = Path::new(file)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            assert!(
                attested.iter().any(|a| **a == name),
                "{name} not attested: {attested:?}"
            );
        }
    }
}

fn files_under(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.file_type().unwrap().is_dir() {
            out.extend(files_under(&entry.path()));
        } else {
            out.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    out.sort();
    out
}

#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs maturin, uv, estuary, pypiserver and PyYAML: scripts/test.sh runs it"
)]
fn a_clean_release() {
    let mut replay = prepare(|_| {});
    replay.runner.attempt(&replay.workflow, |_, _| true);
    replay.assert_released_once();
    // Only the Linux x86_64 wheel is built here; the other platforms are listed.
    let skipped = replay
        .runner
        .log
        .iter()
        .filter(|l| l.contains("not this platform"))
        .count();
    assert_eq!(skipped, 6, "{:#?}", replay.runner.log);
    // The notes come from the changelog; the registries are private, so no crates.io
    // or PyPI page is linked.
    let create = replay.release_create();
    assert!(create.contains("--notes-file"), "{create}");
    let notes = std::fs::read_to_string(
        replay
            .runner
            .root
            .join("attempt-1/github-release/temp/notes.md"),
    )
    .unwrap();
    assert!(
        notes.contains("The first release, made by the replayed workflow."),
        "{notes}"
    );
    assert!(
        !notes.contains("crates.io") && !notes.contains("pypi.org"),
        "{notes}"
    );
    // The signing step's PEP 740 attestations were beside the wheel and the sdist when
    // the upload ran.
    assert!(
        replay
            .runner
            .log
            .iter()
            .any(|l| l.ends_with(": 2 stand-in attestations")),
        "{:#?}",
        replay.runner.log
    );
}

/// The PyPI job fails once (the index goes down right before the upload, after the
/// crates are out); "Re-run failed jobs" finishes the release.
#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs maturin, uv, estuary, pypiserver and PyYAML: scripts/test.sh runs it"
)]
fn the_python_job_fails_once_and_failed_jobs_are_rerun() {
    let mut replay = prepare(|_| {});
    replay.fail_python_once();
    replay.runner.attempt(&replay.workflow, |_, _| true);
    let why = replay.explain();
    assert_eq!(
        replay.runner.outcomes["publish-python"],
        Outcome::Failure,
        "{why}"
    );
    assert_eq!(
        replay.runner.outcomes["github-release"],
        Outcome::Skipped,
        "{why}"
    );
    assert_eq!(replay.crates().len(), 1, "{why}");
    replay.restart_python_index();
    replay.runner.rerun_failed(&replay.workflow);
    replay.assert_released_once();
}

/// The same fault, then "Re-run all jobs": verify accepts the release this tag
/// started, and every job ends green with nothing published twice.
#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs maturin, uv, estuary, pypiserver and PyYAML: scripts/test.sh runs it"
)]
fn the_python_job_fails_once_and_all_jobs_are_rerun() {
    let mut replay = prepare(|_| {});
    replay.fail_python_once();
    replay.runner.attempt(&replay.workflow, |_, _| true);
    assert_eq!(
        replay.runner.outcomes["publish-python"],
        Outcome::Failure,
        "{}",
        replay.explain()
    );
    replay.restart_python_index();
    replay.runner.rerun_all(&replay.workflow);
    replay.assert_released_once();
}

/// Without a changelog, GitHub writes the release notes; nothing fails after publishing.
#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs maturin, uv, estuary, pypiserver and PyYAML: scripts/test.sh runs it"
)]
fn a_project_without_a_changelog() {
    let mut replay = prepare(|f| {
        std::fs::remove_file(f.path("CHANGELOG.md")).unwrap();
        f.sh("git", &["commit", "-q", "-am", "no changelog"]);
    });
    replay.runner.attempt(&replay.workflow, |_, _| true);
    replay.assert_released_once();
    let create = replay.release_create();
    assert!(create.contains("--generate-notes"), "{create}");
}

/// `dist/` not gitignored: the wheels are downloaded outside the checkout, so the
/// publishing jobs' work trees stay clean.
#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs maturin, uv, estuary, pypiserver and PyYAML: scripts/test.sh runs it"
)]
fn a_project_whose_dist_is_not_ignored() {
    let mut replay = prepare(|f| {
        f.write(".gitignore", "target/\n");
        f.sh("git", &["commit", "-q", "-am", "dist/ is not ignored"]);
    });
    replay.runner.attempt(&replay.workflow, |_, _| true);
    replay.assert_released_once();
}

/// maturin's own `CI.yml` (as `maturin generate-ci github` writes it) publishes on every
/// tag: init refuses before anything is written or published; `--replace` removes
/// its release job and keeps its other jobs.
#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs maturin, uv, estuary, pypiserver and PyYAML: scripts/test.sh runs it"
)]
fn a_maturin_ci_workflow_is_refused_or_replaced() {
    let fixture = Fixture::git("replay");
    std::fs::create_dir_all(fixture.path(".github/workflows")).unwrap();
    let ci = support::stdout_of(
        Command::new(tool("maturin"))
            .args(["generate-ci", "github"])
            .current_dir(&fixture.root),
    );
    fixture.write(".github/workflows/CI.yml", &ci);
    let before = fixture.tree();
    let out = fixture.run(&["init"]);
    let text = out.render(&fixture.root);
    assert_eq!(out.code, 2, "{text}");
    assert!(
        text.contains("`.github/workflows/CI.yml` publishes too: job `release`"),
        "{text}"
    );
    assert!(text.contains("--replace"), "{text}");
    assert_same_tree(&before, &fixture.tree(), "a refused init");

    let out = fixture.run(&["init", "--replace"]);
    let text = out.render(&fixture.root);
    assert_eq!(out.code, 0, "{text}");
    assert!(
        text.contains("Removing the publishing jobs of .github/workflows/CI.yml: job `release`"),
        "{text}"
    );
    let after = fixture.read(".github/workflows/CI.yml");
    assert!(
        after.contains("  # The job `release` was removed: `cargo pyrelease init --replace`"),
        "{after}"
    );
    assert!(
        !after.contains("command: upload") && after.contains("  linux:\n"),
        "{after}"
    );
    // The rest of the workflow is still valid, and a second init has nothing to refuse.
    // (maturin's file itself is not zizmor-clean: its actions are not pinned.)
    let ci_path = fixture.path(".github/workflows/CI.yml");
    let (valid, why) = support::tools::run_tool(
        "check-jsonschema",
        &[
            "--builtin-schema".as_ref(),
            "vendor.github-workflows".as_ref(),
            ci_path.as_os_str(),
        ],
    );
    assert!(valid, "{why}");
    let again = fixture.run(&["init"]);
    assert_eq!(again.code, 0, "{}", again.render(&fixture.root));
}
