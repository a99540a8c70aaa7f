//! The jobs before anything is published: verify, test, the wheel matrix, the sdist.
use std::fmt::Write as _;

use super::steps::{
    action_dir, checkout, install_tool, job, out_dir, rust, shell_quote, tool, upload, working_dir,
};
use super::{DIST, DIST_ARTIFACT, Install, Settings, TOOL_ARTIFACT};
use crate::render::pins;

/// The wheel matrix: (name, runner, maturin target, manylinux). macOS x86_64 is
/// cross-compiled on the arm64 runner, as Intel runners are being retired.
const PLATFORMS: &[(&str, &str, &str, &str)] = &[
    ("linux-x86_64", "ubuntu-latest", "x86_64", "auto"),
    ("linux-aarch64", "ubuntu-latest", "aarch64", "auto"),
    (
        "musllinux-x86_64",
        "ubuntu-latest",
        "x86_64-unknown-linux-musl",
        "musllinux_1_2",
    ),
    (
        "musllinux-aarch64",
        "ubuntu-latest",
        "aarch64-unknown-linux-musl",
        "musllinux_1_2",
    ),
    ("macos-x86_64", "macos-latest", "x86_64", ""),
    ("macos-arm64", "macos-latest", "aarch64", ""),
    ("windows-x64", "windows-latest", "x64", ""),
];

/// The cargo-semver-checks release the verify job compares the Rust API with; the
/// same one `scripts/tools.sh` installs for the tests (a unit test keeps them equal).
const SEMVER_CHECKS: &str = "0.51.0";

pub(super) fn verify(y: &mut String, s: &Settings) {
    job(y, "verify", "verify", &[], &["contents: read"]);
    y.push_str("    runs-on: ubuntu-latest\n    steps:\n");
    // Full history and tags: `verify` checks the tag is on this commit and unused.
    checkout(y, Some(0));
    rust(y, "");
    match &s.install {
        Install::Wheel { .. } => install_tool(y, s),
        Install::Path { dir } => {
            let _ = writeln!(
                y,
                "      - name: Build cargo-pyrelease once, for every job
        # cargo-pyrelease releases itself: built from the tagged source, since the
        # version being released is not published yet.
        run: |
          cargo install --locked --path {dir} --root \"$RUNNER_TEMP/tool\"
          echo \"$RUNNER_TEMP/tool/bin\" >> \"$GITHUB_PATH\"
      - uses: {upload}
        with:
          name: {TOOL_ARTIFACT}
          path: ${{{{ runner.temp }}}}/tool/bin/cargo-pyrelease
          if-no-files-found: error",
                dir = shell_quote(dir),
                upload = pins::UPLOAD_ARTIFACT.uses(),
            );
        }
    }
    if s.publish_crates {
        // Without it `verify` only notes that the Rust API was not compared with the
        // last release; crates a release never publishes have no baseline to compare.
        let _ = writeln!(
            y,
            "      - name: Install cargo-semver-checks
        # `verify` compares each crate's public API with its last release: a breaking
        # change needs a major step. Built from its locked sources, a pinned release.
        run: {} --version {SEMVER_CHECKS}",
            crate::api::rust::INSTALL
        );
    }
    let _ = writeln!(
        y,
        "      - name: Check that the release is ready
        env:
          TAG: ${{{{ github.ref_name }}}}
        run: {}",
        tool(s, "verify --tag \"$TAG\"")
    );
}

pub(super) fn test(y: &mut String, s: &Settings) {
    job(y, "test", "test", &["verify"], &["contents: read"]);
    y.push_str("    runs-on: ubuntu-latest\n    steps:\n");
    checkout(y, None);
    rust(y, " --component clippy");
    let dir = working_dir(&s.cargo_dir);
    // The gates `cargo pyrelease publish` would run; the publishing jobs then skip them.
    if let Some(gates) = &s.gates {
        for gate in gates {
            // A JSON string is a YAML double-quoted scalar: any gate text stays one value.
            let quoted = serde_json::Value::String(gate.clone()).to_string();
            let _ = writeln!(y, "      - name: {quoted}{dir}\n        run: {quoted}");
        }
        return;
    }
    let _ = writeln!(
        y,
        "      - name: cargo test{dir}
        run: cargo test --all-features{locked}
      - name: cargo clippy{dir}
        run: cargo clippy --all-targets --all-features{locked} -- -D warnings",
        locked = if s.locked { " --locked" } else { "" },
    );
    for p in s.packages.iter().filter(|p| p.pytest) {
        let _ = writeln!(
            y,
            "      - name: pytest ({name}){dir}
        run: |
          python3 -m venv \"$RUNNER_TEMP/venv\"
          \"$RUNNER_TEMP/venv/bin/pip\" install pytest .
          \"$RUNNER_TEMP/venv/bin/pytest\"",
            name = p.name,
            dir = working_dir(&p.dir),
        );
    }
}

pub(super) fn wheels(y: &mut String, s: &Settings) {
    job(
        y,
        "wheels",
        "wheels (${{ matrix.platform.name }})",
        &["verify"],
        &["contents: read"],
    );
    y.push_str("    runs-on: ${{ matrix.platform.runner }}\n    strategy:\n      matrix:\n        platform:\n");
    for (name, runner, target, manylinux) in PLATFORMS {
        let _ = write!(
            y,
            "          - name: {name}\n            runner: {runner}\n            target: {target}\n"
        );
        if !manylinux.is_empty() {
            let _ = writeln!(y, "            manylinux: {manylinux}");
        }
    }
    y.push_str("    steps:\n");
    checkout(y, None);
    let mut versions: Vec<&str> = s
        .packages
        .iter()
        .flat_map(|p| p.interpreters.iter().map(String::as_str))
        .collect();
    versions.sort_by_key(|v| python_sort_key(v));
    versions.dedup();
    if !versions.is_empty() {
        // The manylinux containers carry every CPython; elsewhere the runner image
        // decides, unless the versions are installed here.
        let _ = writeln!(
            y,
            "      - name: Install the Python versions to build for
        if: runner.os != 'Linux'
        uses: {setup}
        with:
          python-version: |",
            setup = pins::SETUP_PYTHON.uses(),
        );
        for v in &versions {
            let _ = writeln!(y, "            {v}");
        }
    }
    for p in &s.packages {
        let mut args = format!("--release --out {}", out_dir(&p.dir));
        if s.locked {
            args.push_str(" --locked");
        }
        if !p.interpreters.is_empty() {
            // Not abi3: one wheel per Python version of `requires-python`, named so
            // that a missing interpreter fails the build instead of being skipped.
            args.push_str(" --interpreter");
            for v in &p.interpreters {
                let _ = write!(args, " python{v}");
            }
        }
        let _ = writeln!(
            y,
            "      - name: Build the wheel of {name}
        uses: {maturin}
        with:{dir}
          target: ${{{{ matrix.platform.target }}}}
          manylinux: ${{{{ matrix.platform.manylinux }}}}
          args: {args}",
            name = p.name,
            maturin = pins::MATURIN.uses(),
            dir = action_dir(&p.dir),
        );
    }
    upload(
        y,
        &format!("{DIST_ARTIFACT}wheels-${{{{ matrix.platform.name }}}}"),
        DIST,
    );
}

/// `3.9` before `3.10`.
fn python_sort_key(version: &str) -> Vec<u32> {
    version.split('.').filter_map(|n| n.parse().ok()).collect()
}

pub(super) fn sdist(y: &mut String, s: &Settings) {
    job(y, "sdist", "sdist", &["verify"], &["contents: read"]);
    y.push_str("    runs-on: ubuntu-latest\n    steps:\n");
    checkout(y, None);
    for p in &s.packages {
        let _ = writeln!(
            y,
            "      - name: Build the sdist of {name}
        uses: {maturin}
        with:{dir}
          command: sdist
          args: --out {out}",
            name = p.name,
            maturin = pins::MATURIN.uses(),
            dir = action_dir(&p.dir),
            out = out_dir(&p.dir),
        );
    }
    upload(y, &format!("{DIST_ARTIFACT}sdist"), DIST);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semver_checks_is_the_version_the_tests_use() {
        let tools = include_str!("../../../scripts/tools.sh");
        assert!(
            tools.contains(&format!("cargo_tool cargo-semver-checks {SEMVER_CHECKS} ")),
            "scripts/tools.sh installs another cargo-semver-checks than the workflow"
        );
    }
}
