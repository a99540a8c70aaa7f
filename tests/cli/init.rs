//! `init`: the release workflow for every fixture shape (snapshot, GitHub's schema,
//! zizmor with zero findings), the configuration block, the pre-commit entry, and
//! the all-or-nothing rules: `--dry-run` and refusals write nothing.
// Integration tests write fixtures and start servers and tools directly.
#![allow(clippy::disallowed_methods)]
use crate::support;

use std::path::PathBuf;

use support::tools::assert_workflows_clean;
use support::{Fixture, assert_same_tree, snapshot};

const WORKFLOW: &str = ".github/workflows/release.yml";

/// Every shape the tool releases (shape 7 is refused: see `refused_shapes_write_nothing`).
const SHAPES: &[&str] = &[
    "clean",
    "prerelease",
    "shape1-dynamic",
    "shape2-static",
    "shape3-lines",
    "shape4-wsinh",
    "shape5-bindings",
    "shape5-noroot",
    "shape6-packaging",
    "shape9-noproject",
    "shape9-noversion",
];

/// The tool's own version moves with every release; snapshots should not.
fn redact(text: &str) -> String {
    text.replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
}

/// One full snapshot (`clean`), and for every other shape the diff from it: a change
/// to the renderer shows once, and each shape's snapshot shows only what it changes.
#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs actionlint, check-jsonschema and zizmor: scripts/test.sh runs it"
)]
fn workflow_for_every_shape_is_valid_and_audited_clean() {
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<PathBuf> = Vec::new();
    let mut clean = String::new();
    for shape in SHAPES {
        let fixture = Fixture::new(shape);
        let out = fixture.run(&["init"]);
        assert_eq!(out.code, 0, "{shape}:\n{}", out.render(&fixture.root));
        let yaml = redact(&fixture.read(WORKFLOW));
        if *shape == "clean" {
            snapshot("init/clean.release.yml", &yaml);
            clean = yaml.clone();
        } else {
            let diff = similar::TextDiff::from_lines(&clean, &yaml)
                .unified_diff()
                .context_radius(2)
                .header("clean.release.yml", &format!("{shape}.release.yml"))
                .to_string();
            snapshot(&format!("init/{shape}.release.diff"), &diff);
        }
        // zizmor and check-jsonschema run once over all of them.
        let copy = dir.path().join(format!("{shape}.yml"));
        std::fs::write(&copy, &yaml).unwrap();
        files.push(copy);
    }
    assert_workflows_clean(&files);
}

/// The committed workflows of this repository pass the same checks.
#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs actionlint, check-jsonschema and zizmor: scripts/test.sh runs it"
)]
fn own_workflows_are_valid_and_audited_clean() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    assert_workflows_clean(&[
        root.join(".github/workflows/release.yml"),
        root.join(".github/workflows/ci.yml"),
    ]);
}

/// `.github/workflows/release.yml` of this repository is what `init` writes now:
/// after a change to the renderer or the pins, run `cargo pyrelease init --force`.
#[test]
fn own_release_workflow_is_up_to_date() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-pyrelease"))
        .args(["init", "--dry-run"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        out.status.success()
            && stderr.contains("Unchanged .github/workflows/release.yml (up to date)"),
        "the committed release.yml is stale: run `cargo run -- init --force` and commit it\n{stderr}\n{stdout}"
    );
    // This repository installs itself from the tagged source, not from crates.io.
    let yaml = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".github/workflows/release.yml"),
    )
    .unwrap();
    assert!(
        yaml.contains("cargo install --locked --path . --root \"$RUNNER_TEMP/tool\"\n"),
        "{yaml}"
    );
    assert!(!yaml.contains("pipx install cargo-pyrelease"));
}

/// `init --check` lints this repository's workflow with actionlint (and shellcheck),
/// the schema and zizmor; a broken workflow is a finding (exit 1), named by the linter.
#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs actionlint, check-jsonschema and zizmor: scripts/test.sh runs it"
)]
fn init_check_lints_the_workflow() {
    let venv_bin = support::tools::tool("zizmor")
        .parent()
        .unwrap()
        .to_path_buf();
    let path = std::env::join_paths(
        std::iter::once(venv_bin).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_cargo-pyrelease"))
        .args(["init", "--check"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env("PATH", &path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{stderr}{}",
        String::from_utf8_lossy(&out.stdout)
    );
    for linter in ["actionlint", "check-jsonschema", "zizmor"] {
        assert!(stderr.contains(&format!("with {linter}")), "{stderr}");
    }

    let fixture = Fixture::git("clean");
    assert_eq!(fixture.run(&["init"]).code, 0);
    let broken = fixture
        .read(WORKFLOW)
        .replace("needs: verify", "needs: verfy");
    fixture.write(WORKFLOW, &broken);
    let mut cmd = fixture.command(&["init", "--check"]);
    cmd.env("PATH", &path);
    let out = support::output(cmd);
    let text = out.render(&fixture.root);
    assert_eq!(out.code, 1, "{text}");
    assert!(text.contains("verfy"), "{text}");
    assert!(text.contains("has findings from actionlint"), "{text}");
}

#[test]
fn writes_three_things_and_prints_the_setup() {
    let fixture = Fixture::new("shape4-wsinh");
    let out = fixture.run(&["init"]);
    let text = out.render(&fixture.root);
    assert_eq!(out.code, 0, "{text}");
    snapshot("init/shape4-output.txt", &redact(&text));
    snapshot("init/shape4-Cargo.toml", &fixture.read("Cargo.toml"));
    snapshot(
        "init/shape4-pre-commit-config.yaml",
        &redact(&fixture.read(".pre-commit-config.yaml")),
    );
    // The block is valid configuration and describes the same release.
    let status = fixture.run(&["status", "--format", "json"]);
    assert_eq!(status.code, 0, "{}", status.render(&fixture.root));
    let pristine = Fixture::new("shape4-wsinh");
    assert_eq!(
        status.render(&fixture.root),
        pristine
            .run(&["status", "--format", "json"])
            .render(&pristine.root)
    );

    // A second run has nothing to do.
    let before = fixture.tree();
    let again = fixture.run(&["init"]);
    assert_eq!(again.code, 0, "{}", again.render(&fixture.root));
    assert_eq!(
        again.stderr.matches("Unchanged").count(),
        3,
        "{}",
        again.stderr
    );
    assert_same_tree(&before, &fixture.tree(), "a second init");
}

/// A single-package manifest gets `[package.metadata.pyrelease]`.
#[test]
fn single_package_gets_a_package_block() {
    let fixture = Fixture::new("shape1-dynamic");
    let out = fixture.run(&["init"]);
    assert_eq!(out.code, 0, "{}", out.render(&fixture.root));
    let manifest = fixture.read("Cargo.toml");
    assert!(
        manifest.contains("\n[package.metadata.pyrelease]\n"),
        "{manifest}"
    );
    let status = fixture.run(&["status"]);
    assert_eq!(status.code, 0, "{}", status.render(&fixture.root));
}

#[test]
fn dry_run_shows_everything_and_writes_nothing() {
    let fixture = Fixture::new("shape1-dynamic");
    let before = fixture.tree();
    let out = fixture.run(&["init", "--dry-run"]);
    let text = out.render(&fixture.root);
    assert_eq!(out.code, 0, "{text}");
    for header in [
        "--- /dev/null\n+++ b/.github/workflows/release.yml\n",
        "--- /dev/null\n+++ b/.pre-commit-config.yaml\n",
        "--- a/Cargo.toml\n+++ b/Cargo.toml\n",
    ] {
        assert!(out.stdout.contains(header), "{text}");
    }
    assert!(out.stderr.contains("nothing was written"), "{text}");
    assert_same_tree(&before, &fixture.tree(), "init --dry-run");
    assert!(!fixture.path(".github").exists());
}

#[test]
fn an_existing_workflow_needs_force() {
    let fixture = Fixture::new("shape2-static");
    std::fs::create_dir_all(fixture.path(".github/workflows")).unwrap();
    fixture.write(WORKFLOW, "name: mine\n");
    let before = fixture.tree();
    let out = fixture.run(&["init"]);
    let text = out.render(&fixture.root);
    assert_eq!(out.code, 2, "{text}");
    snapshot("init/exists.txt", &text);
    // All or nothing: neither the manifest nor the pre-commit config was written.
    assert_same_tree(&before, &fixture.tree(), "a refused init");

    let out = fixture.run(&["init", "--force", "--dry-run"]);
    assert_eq!(out.code, 0, "{}", out.render(&fixture.root));
    assert!(out.stdout.contains("-name: mine\n"), "{}", out.stdout);
    assert_same_tree(&before, &fixture.tree(), "init --force --dry-run");

    let out = fixture.run(&["init", "--force"]);
    assert_eq!(out.code, 0, "{}", out.render(&fixture.root));
    assert!(fixture.read(WORKFLOW).contains("name: release\n"));
}

/// The user's pre-commit config gets the entry appended; an existing
/// configuration block is left exactly as it is.
#[test]
fn appends_to_pre_commit_and_keeps_a_configuration() {
    let fixture = Fixture::new("shape2-static");
    let mine = "# my hooks\nrepos:\n  - repo: local\n    hooks:\n      - id: fmt\n        name: fmt\n        entry: cargo fmt\n        language: system\n\nci:\n  autofix_prs: false\n";
    fixture.write(".pre-commit-config.yaml", mine);
    let manifest = format!(
        "{}\n[workspace.metadata.pyrelease]\ntag-prefix = \"release-\"\n",
        fixture.read("Cargo.toml")
    );
    fixture.write("Cargo.toml", &manifest);
    let out = fixture.run(&["init"]);
    let text = out.render(&fixture.root);
    assert_eq!(out.code, 0, "{text}");
    assert_eq!(fixture.read("Cargo.toml"), manifest);
    snapshot(
        "init/appended-pre-commit-config.yaml",
        &redact(&fixture.read(".pre-commit-config.yaml")),
    );
    let yaml = fixture.read(WORKFLOW);
    assert!(yaml.contains("      - \"release-*\"\n"), "{yaml}");
    assert!(yaml.contains("TAG_PREFIX: \"release-\"\n"), "{yaml}");
}

/// Where the project is refused, init writes nothing either.
#[test]
fn refused_shapes_write_nothing() {
    for shape in ["shape7-placeholder", "shape7-zero"] {
        let fixture = Fixture::new(shape);
        let before = fixture.tree();
        let out = fixture.run(&["init"]);
        assert_eq!(out.code, 2, "{shape}:\n{}", out.render(&fixture.root));
        assert_same_tree(&before, &fixture.tree(), shape);
    }
}

/// pyo3 without the stable ABI needs a wheel per Python version; with `abi3-py39`
/// (in Cargo.toml or in `[tool.maturin] features`) one per platform serves all.
#[test]
fn wheels_per_interpreter_unless_abi3() {
    let cases = [
        ("pyo3 = \"0.26\"\n", "", true),
        (
            "pyo3 = { version = \"0.26\", features = [\"abi3-py39\"] }\n",
            "",
            false,
        ),
        (
            "pyo3 = \"0.26\"\n",
            "features = [\"pyo3/abi3-py310\"]\n",
            false,
        ),
    ];
    for (dependency, maturin, per_interpreter) in cases {
        let fixture = Fixture::new("shape9-noproject");
        let manifest = fixture
            .read("Cargo.toml")
            .replace("[lib]", &format!("[dependencies]\n{dependency}\n[lib]"));
        fixture.write("Cargo.toml", &manifest);
        let pyproject = fixture
            .read("pyproject.toml")
            .replace("[tool.maturin]\n", &format!("[tool.maturin]\n{maturin}"));
        fixture.write("pyproject.toml", &pyproject);
        let out = fixture.run(&["init"]);
        assert_eq!(out.code, 0, "{}", out.render(&fixture.root));
        let yaml = fixture.read(WORKFLOW);
        // No `requires-python` here: every CPython maturin builds for, each named, and
        // installed by setup-python where the runner image would decide.
        assert_eq!(
            yaml.contains(
                "--interpreter python3.9 python3.10 python3.11 python3.12 python3.13 python3.14\n"
            ),
            per_interpreter,
            "{dependency} {maturin}"
        );
        assert_eq!(
            yaml.contains("        if: runner.os != 'Linux'\n        uses: actions/setup-python@"),
            per_interpreter,
            "{yaml}"
        );
    }
}

/// Python tests beside the package run in the `test` job, against a build of it.
#[test]
fn pytest_runs_when_the_package_has_tests() {
    let fixture = Fixture::new("shape6-packaging");
    std::fs::create_dir_all(fixture.path("pypi/tests")).unwrap();
    fixture.write("pypi/tests/test_cli.py", "def test_it():\n    pass\n");
    let out = fixture.run(&["init"]);
    assert_eq!(out.code, 0, "{}", out.render(&fixture.root));
    let yaml = fixture.read(WORKFLOW);
    assert!(
        yaml.contains("      - name: pytest (cliff)\n        working-directory: \"pypi\"\n"),
        "{yaml}"
    );
}

#[test]
fn pins_are_the_table_and_the_script_lists_them() {
    let fixture = Fixture::new("clean");
    assert_eq!(fixture.run(&["init"]).code, 0);
    let yaml = fixture.read(WORKFLOW);
    let table: Vec<String> = cargo_pyrelease::render::pins::ALL
        .iter()
        .map(|p| p.uses())
        .collect();
    for line in yaml.lines().filter_map(|l| {
        l.trim()
            .strip_prefix("- uses: ")
            .or_else(|| l.trim().strip_prefix("uses: "))
    }) {
        assert!(
            table.iter().any(|t| t == line),
            "not in the pins table: {line}"
        );
    }
    let script = std::process::Command::new("bash")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/action-pins.sh"))
        .output()
        .unwrap();
    assert!(script.status.success());
    assert_eq!(
        String::from_utf8(script.stdout).unwrap(),
        table.join("\n") + "\n"
    );
}

/// All or nothing: when the last write fails (Cargo.toml made read-only while the
/// files are being replaced), the new files and the folders made for them are
/// removed again.
#[cfg(unix)]
#[test]
#[cfg_attr(
    not(feature = "test-hooks"),
    ignore = "needs the test hooks: cargo test --features test-hooks (scripts/test.sh runs it)"
)]
fn a_failed_write_removes_the_new_files() {
    use std::os::unix::fs::PermissionsExt as _;
    let fixture = Fixture::new("shape1-dynamic");
    let manifest = fixture.path("Cargo.toml");
    let before = fixture.tree();
    let mut run = support::Paused::start(&fixture, &["init"], 50);
    run.wait_for(1);
    std::fs::set_permissions(&manifest, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = run.finish();
    std::fs::set_permissions(&manifest, std::fs::Permissions::from_mode(0o644)).unwrap();
    let text = out.render(&fixture.root);
    assert_eq!(out.code, 1, "{text}");
    assert!(
        out.stderr.contains(
            "could not write `Cargo.toml`: the file is read-only; every file was restored"
        ),
        "{text}"
    );
    assert_same_tree(&before, &fixture.tree(), "a failed init");
    assert!(!fixture.path(".github").exists(), "{text}");
}

/// The `pyrelease-verify` hook's entry, as pre-commit runs it at pre-push: an ordinary
/// push passes untouched (a tag that exists locally is no finding), a pushed release
/// tag gets the release checks for that tag.
#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs PyYAML: scripts/test.sh runs it"
)]
fn the_pre_push_hook_checks_only_pushed_tags() {
    let hooks = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml");
    let entry = support::stdout_of(
        std::process::Command::new(support::tools::tool("python"))
            .args([
            "-c",
            "import sys, yaml; h = [h for h in yaml.safe_load(open(sys.argv[1])) if h['id'] == 'pyrelease-verify'][0]; assert h['stages'] == ['pre-push'], h; print(h['entry'])",
        ])
            .arg(&hooks),
    );
    let script = entry
        .trim()
        .strip_prefix("bash -c '")
        .and_then(|rest| rest.strip_suffix("' --"))
        .unwrap_or_else(|| panic!("a `bash -c '...' --` entry: {entry}"));
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_cargo-pyrelease"));
    let path = std::env::join_paths(
        std::iter::once(bin.parent().unwrap().to_path_buf())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let fixture = Fixture::git("clean");
    let hook = |remote_ref: &str| {
        let mut cmd = std::process::Command::new("bash");
        cmd.args(["-c", script, "--"])
            .current_dir(&fixture.root)
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .env("PRE_COMMIT_REMOTE_BRANCH", remote_ref);
        support::output(cmd)
    };
    let ordinary = hook("refs/heads/main");
    assert_eq!(ordinary.code, 0, "{}", ordinary.render(&fixture.root));
    assert!(
        ordinary.stdout.contains("no tag in this push"),
        "{}",
        ordinary.stdout
    );
    let version = fixture.run(&["status", "--format", "json"]);
    let version: serde_json::Value = serde_json::from_str(&version.stdout).unwrap();
    let tag = format!("v{}", version["version"]["semver"].as_str().unwrap());
    fixture.sh("git", &["tag", &tag]);
    let release = hook(&format!("refs/tags/{tag}"));
    // The checks ran, for that tag: it being there is no finding, and nothing
    // suggests deleting it.
    assert!(
        release.code == 0
            && release.stderr.contains("Verifying")
            && !release.stderr.contains("git tag -d"),
        "{}",
        release.render(&fixture.root)
    );
    let wrong = hook("refs/tags/v0.0.1");
    assert_ne!(wrong.code, 0, "{}", wrong.render(&fixture.root));
}
