//! `.github/workflows/release.yml`: the release pipeline of `design.md` ("Beyond one
//! machine") as a GitHub Actions workflow. Pure: [`Settings`] in, YAML text out.
//!
//! The security rules it keeps (checked in the tests by `zizmor --offline`):
//! actions pinned to commit SHAs ([`super::pins`]); `permissions: {}` at the top and
//! the least each job needs; `persist-credentials: false` on every checkout, so no
//! job leaves a token in `.git/config`; no `${{ }}` inside `run:` (values reach the
//! shell through `env:`, never as script text); no caches anywhere, since a cache
//! written by another workflow could poison what is published; publishing jobs in
//! the `release` environment, where the user adds required reviewers; and tokens
//! minted by OIDC in the step right before the one that uses them.
use std::fmt::Write as _;

use super::pins;

/// What the workflow needs to know about the project, decided by `plan::init`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Tags are this prefix + the version; the workflow runs on `{prefix}*`.
    pub tag_prefix: String,
    /// How each job gets cargo-pyrelease.
    pub install: Install,
    /// Arguments every `cargo pyrelease` call needs to find the project from the
    /// repository root (`--manifest-path`, `-p`), already split into words.
    pub select: Vec<String>,
    /// The maturin projects released.
    pub packages: Vec<Package>,
    /// The Cargo workspace root, relative to the repository root (`.` for the root).
    pub cargo_dir: String,
    /// Whether the release has crates to publish (not all `publish = false`).
    pub publish_crates: bool,
    /// Whether `Cargo.lock` exists: builds then pass `--locked`.
    pub locked: bool,
    /// The configured `gates`, run by the `test` job instead of the default ones.
    pub gates: Option<Vec<String>>,
    /// The project has a changelog: the GitHub release takes its notes from it.
    /// Without one, GitHub generates them from the commits since the last tag.
    pub changelog: bool,
    /// The cargo registry the crates go to, by name; `None` is crates.io (trusted
    /// publishing). A named registry takes its token from a repository secret.
    pub registry: Option<String>,
    /// The Python index is not PyPI (`publish-url` is configured): its token comes from
    /// a repository secret.
    pub private_python_index: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Install {
    /// The released wheel of this version (`bindings = "bin"`: a binary in a wheel),
    /// installed with pipx, which every GitHub runner image has: seconds, no compile.
    Wheel { version: String },
    /// `cargo install --locked --path DIR` once, in the verify job, handed on to the
    /// other jobs as an artifact: cargo-pyrelease releasing itself, from the tagged
    /// source (the version being released is not published yet).
    Path { dir: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// The Python project name (for step names).
    pub name: String,
    /// The folder of its pyproject.toml, relative to the repository root (`.` for the root).
    pub dir: String,
    /// The Python versions to build a wheel for, from `requires-python`; empty when one
    /// wheel per platform serves every Python version (abi3, `bin` or `cffi` bindings).
    pub interpreters: Vec<String>,
    /// `tests/` beside the pyproject holds pytest files: the `test` job runs them
    /// against the package built from source.
    pub pytest: bool,
}

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

/// Where the wheel and sdist jobs build, relative to the repository root.
const DIST: &str = "dist";
/// Artifacts with this prefix hold wheels and sdists (what the PyPI job uploads).
const DIST_ARTIFACT: &str = "dist-";
/// Where the publishing jobs download them: outside the checkout, so a `dist/` that
/// is not gitignored never makes the work tree dirty.
const DOWNLOADED: &str = "${{ runner.temp }}/dist";
/// Where the GitHub release job collects the files it attaches.
const RELEASE_FILES: &str = "${{ runner.temp }}/release";
/// The name of the step that installs the tool: the local replay recognises it.
pub const INSTALL_STEP: &str = "Install cargo-pyrelease";
/// The artifact that carries the tool built once (see [`Install::Path`]).
const TOOL_ARTIFACT: &str = "cargo-pyrelease";
/// The `pypi-attestations` release that signs the PEP 740 attestations.
const PYPI_ATTESTATIONS: &str = "0.0.30";
/// The cargo-semver-checks release the verify job compares the Rust API with; the
/// same one `scripts/tools.sh` installs for the tests (a unit test keeps them equal).
const SEMVER_CHECKS: &str = "0.51.0";

pub fn render(s: &Settings) -> String {
    let mut y = String::new();
    header(&mut y, s);
    verify(&mut y, s);
    test(&mut y, s);
    wheels(&mut y, s);
    sdist(&mut y, s);
    let mut published = Vec::new();
    if s.publish_crates {
        publish_crates(&mut y, s);
        published.push("publish-crates");
    }
    publish_python(&mut y, s);
    published.push("publish-python");
    github_release(&mut y, s, &published);
    y
}

fn header(y: &mut String, s: &Settings) {
    let names: Vec<&str> = s.packages.iter().map(|p| p.name.as_str()).collect();
    let _ = write!(
        y,
        "\
# Generated by `cargo pyrelease init`; `cargo pyrelease init --force` writes it anew.
#
# Releases {names} when a tag `{prefix}X.Y.Z` is pushed (`cargo pyrelease bump`
# makes it; pre-release tags such as `{prefix}1.2.0-rc.1` run the same way):
# verify -> test, wheels, sdist -> publish crates, publish to PyPI -> GitHub release.
# Nothing is published unless every check, test and build passed. The publishing
# jobs run in the `release` environment: give it required reviewers to approve
# each release. A failed release can be re-run (\"Re-run failed jobs\" or \"Re-run
# all jobs\"): it finishes only what is missing.
name: release

on:
  push:
    tags:
      - {trigger}

permissions: {{}}

# One release of a tag at a time; a running release is never cancelled half-way.
concurrency:
  group: release-${{{{ github.ref }}}}
  cancel-in-progress: false

env:
  CARGO_TERM_COLOR: always

jobs:
",
        names = names.join(", "),
        prefix = s.tag_prefix,
        trigger = quote(&format!("{}*", s.tag_prefix)),
    );
}

fn checkout(y: &mut String, fetch_depth: Option<u32>) {
    let _ = writeln!(y, "      - uses: {}", pins::CHECKOUT.uses());
    y.push_str("        with:\n          persist-credentials: false\n");
    if let Some(depth) = fetch_depth {
        let _ = writeln!(y, "          fetch-depth: {depth}");
    }
}

fn rust(y: &mut String, components: &str) {
    let _ = writeln!(
        y,
        "      - name: Install Rust\n        run: rustup toolchain install stable --profile minimal{components} --no-self-update && rustup default stable"
    );
}

/// The tool, in a job that uses it: the pinned wheel, or the binary the verify job built.
fn install_tool(y: &mut String, s: &Settings) {
    match &s.install {
        Install::Wheel { version } => {
            let _ = writeln!(
                y,
                "      - name: {INSTALL_STEP}
        # The released wheel ships the binary (maturin `bindings = \"bin\"`): no compile.
        run: pipx install cargo-pyrelease=={version}"
            );
        }
        Install::Path { .. } => {
            let _ = writeln!(
                y,
                "      - name: {INSTALL_STEP}
        uses: {download}
        with:
          name: {TOOL_ARTIFACT}
          path: ${{{{ runner.temp }}}}/tool
      - name: Put cargo-pyrelease on PATH
        run: |
          chmod +x \"$RUNNER_TEMP/tool/cargo-pyrelease\"
          echo \"$RUNNER_TEMP/tool\" >> \"$GITHUB_PATH\"",
                download = pins::DOWNLOAD_ARTIFACT.uses(),
            );
        }
    }
}

/// `cargo pyrelease ARGS` with the project selection.
fn tool(s: &Settings, args: &str) -> String {
    let mut line = format!("cargo pyrelease {args}");
    for word in &s.select {
        line.push(' ');
        line.push_str(&shell_quote(word));
    }
    line
}

fn job(y: &mut String, id: &str, name: &str, needs: &[&str], permissions: &[&str]) {
    let _ = writeln!(y, "\n  {id}:\n    name: {name}");
    match needs {
        [] => {}
        [one] => {
            let _ = writeln!(y, "    needs: {one}");
        }
        many => {
            let _ = writeln!(y, "    needs: [{}]", many.join(", "));
        }
    }
    y.push_str("    permissions:\n");
    for p in permissions {
        let _ = writeln!(y, "      {p}");
    }
}

fn verify(y: &mut String, s: &Settings) {
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
            crate::project::api::rust::INSTALL
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

fn test(y: &mut String, s: &Settings) {
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

fn wheels(y: &mut String, s: &Settings) {
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

fn sdist(y: &mut String, s: &Settings) {
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

fn upload(y: &mut String, name: &str, path: &str) {
    let _ = writeln!(
        y,
        "      - uses: {}
        with:
          name: {name}
          path: {path}
          if-no-files-found: error",
        pins::UPLOAD_ARTIFACT.uses()
    );
}

/// The artifacts whose names match `pattern`, merged into `path`.
fn download(y: &mut String, pattern: &str, path: &str) {
    let _ = writeln!(
        y,
        "      - uses: {}
        with:
          pattern: \"{pattern}\"
          path: {path}
          merge-multiple: true",
        pins::DOWNLOAD_ARTIFACT.uses()
    );
}

/// A GitHub artifact attestation (build provenance) for the files `subjects` match;
/// its bundle is copied to `keep` for the GitHub release.
fn attest(y: &mut String, subjects: &[String], condition: Option<&str>, keep: &str) {
    y.push_str("      - name: Attest the build provenance (GitHub artifact attestation)\n        id: provenance\n");
    if let Some(condition) = condition {
        let _ = writeln!(y, "        if: {condition}");
    }
    let _ = writeln!(
        y,
        "        uses: {}\n        with:\n          subject-path: |",
        pins::ATTEST_BUILD_PROVENANCE.uses()
    );
    for subject in subjects {
        let _ = writeln!(y, "            {subject}");
    }
    let _ = writeln!(
        y,
        "      - name: Keep the provenance for the GitHub release
        if: steps.provenance.outcome == 'success'
        env:
          BUNDLE: ${{{{ steps.provenance.outputs.bundle-path }}}}
        run: |
          mkdir -p \"$RUNNER_TEMP/release\"
          cp \"$BUNDLE\" \"$RUNNER_TEMP/release/{keep}\""
    );
}

/// Every check, test and build: nothing is published before all of them passed.
const BEFORE_PUBLISHING: &[&str] = &["verify", "test", "wheels", "sdist"];

fn publishing_job(y: &mut String, id: &str, name: &str) {
    job(
        y,
        id,
        name,
        BEFORE_PUBLISHING,
        &[
            "contents: read",
            "id-token: write # trusted publishing and provenance: the job's OIDC identity",
            "attestations: write # GitHub artifact attestations",
        ],
    );
    y.push_str("    runs-on: ubuntu-latest\n    environment: release\n    steps:\n");
}

/// The environment variable cargo reads a named registry's token from.
pub fn registry_token_var(name: &str) -> String {
    format!(
        "CARGO_REGISTRIES_{}_TOKEN",
        name.to_uppercase().replace('-', "_")
    )
}

/// The repository secret holding the Python index's token, when it is not PyPI.
pub const PYTHON_INDEX_SECRET: &str = "PYTHON_INDEX_TOKEN";

fn publish_crates(y: &mut String, s: &Settings) {
    publishing_job(y, "publish-crates", "publish crates");
    checkout(y, None);
    rust(y, "");
    install_tool(y, s);
    let run = tool(
        s,
        "publish --only crates --no-gates --yes --no-tag --no-github-release",
    );
    match &s.registry {
        None => {
            let _ = writeln!(
                y,
                "      - name: Get a crates.io token (trusted publishing)
        id: crates-io-auth
        uses: {auth}
      - name: Publish the crates
        env:
          CARGO_REGISTRY_TOKEN: ${{{{ steps.crates-io-auth.outputs.token }}}}
        run: {run}",
                auth = pins::CRATES_IO_AUTH.uses(),
            );
        }
        Some(name) => {
            let var = registry_token_var(name);
            let _ = writeln!(
                y,
                "      - name: Publish the crates (registry `{name}`)
        env:
          {var}: ${{{{ secrets.{var} }}}}
        run: {run}"
            );
        }
    }
    // A re-run whose crates were already out packages nothing: nothing new to attest.
    let package = format!("{}target/package", prefix_dir(&s.cargo_dir));
    attest(
        y,
        &[format!("{package}/*.crate")],
        Some(&format!("hashFiles('{package}/*.crate') != ''")),
        "crates.sigstore.json",
    );
    let _ = writeln!(
        y,
        "      - name: Collect the crate files for the GitHub release
        env:
          PACKAGE: {package}
        run: |
          mkdir -p \"$RUNNER_TEMP/release\"
          if compgen -G \"$PACKAGE/*.crate\" > /dev/null; then cp \"$PACKAGE\"/*.crate \"$RUNNER_TEMP/release/\"; fi",
        package = quote(&package),
    );
    upload_release_files(y, "crates");
}

/// The files the GitHub release attaches besides the wheels and sdists.
fn upload_release_files(y: &mut String, what: &str) {
    let _ = writeln!(
        y,
        "      - uses: {}
        with:
          name: release-{what}
          path: ${{{{ runner.temp }}}}/release
          if-no-files-found: ignore",
        pins::UPLOAD_ARTIFACT.uses()
    );
}

fn publish_python(y: &mut String, s: &Settings) {
    publishing_job(y, "publish-python", "publish to PyPI");
    checkout(y, None);
    rust(y, "");
    install_tool(y, s);
    download(y, &format!("{DIST_ARTIFACT}*"), DOWNLOADED);
    attest(
        y,
        &[
            format!("{DOWNLOADED}/*.whl"),
            format!("{DOWNLOADED}/*.tar.gz"),
        ],
        None,
        "python.sigstore.json",
    );
    let run = tool(
        s,
        "publish --only python --dist \"$RUNNER_TEMP/dist\" --no-gates --yes --no-tag --no-github-release",
    );
    y.push_str("      - name: Install uv (the uploader)\n        run: pipx install uv==0.13.9\n");
    let _ = writeln!(
        y,
        "      - name: Sign the wheels and the sdist (PEP 740 attestations)
        # Sigstore signs with the job's OIDC identity: FILE.publish.attestation beside
        # each file, which the upload sends along (PyPI checks it against the publisher).
        run: pipx run --spec pypi-attestations=={PYPI_ATTESTATIONS} pypi-attestations sign \"$RUNNER_TEMP\"/dist/*.whl \"$RUNNER_TEMP\"/dist/*.tar.gz"
    );
    if s.private_python_index {
        let _ = writeln!(
            y,
            "      - name: Publish the wheels and the sdist
        env:
          UV_PUBLISH_TOKEN: ${{{{ secrets.{PYTHON_INDEX_SECRET} }}}}
        run: {run}"
        );
    } else {
        let _ = writeln!(
            y,
            "      - name: Publish the wheels and the sdist
        # uv mints the PyPI token from the job's OIDC token (trusted publishing)
        # when it uploads: no secret is stored anywhere.
        run: {run}"
        );
    }
    upload_release_files(y, "provenance-python");
}

fn github_release(y: &mut String, s: &Settings, published: &[&str]) {
    job(
        y,
        "github-release",
        "GitHub release",
        published,
        &["contents: write # create the release and attach the files"],
    );
    y.push_str("    runs-on: ubuntu-latest\n    steps:\n");
    let notes = if s.changelog {
        checkout(y, None);
        rust(y, "");
        install_tool(y, s);
        // Notes that cannot be made must not fail a release that is already out.
        format!(
            "notes=(--generate-notes)
          if {} > \"$RUNNER_TEMP/notes.md\"; then
            notes=(--notes-file \"$RUNNER_TEMP/notes.md\")
          else
            echo \"::warning::no changelog notes for $version: GitHub generates them from the commits\"
          fi",
            tool(s, "notes \"$version\"")
        )
    } else {
        // No changelog: GitHub writes the notes from the commits since the last tag.
        "notes=(--generate-notes)".to_string()
    };
    // The wheels and sdists, the crate files and the provenance bundles; not the tool.
    download(y, &format!("{DIST_ARTIFACT}*"), RELEASE_FILES);
    download(y, "release-*", RELEASE_FILES);
    let _ = writeln!(
        y,
        "      - name: Create the GitHub release
        env:
          GH_TOKEN: ${{{{ github.token }}}}
          GH_REPO: ${{{{ github.repository }}}}
          TAG: ${{{{ github.ref_name }}}}
          TAG_PREFIX: {prefix}
        run: |
          version=\"${{TAG#\"$TAG_PREFIX\"}}\"
          {notes}
          prerelease=()
          if [[ \"$version\" == *-* ]]; then prerelease=(--prerelease); fi
          if gh release view \"$TAG\" > /dev/null 2>&1; then
            # A re-run: the release exists; bring its files up to date.
            gh release upload \"$TAG\" \"$RUNNER_TEMP\"/release/* --clobber
          else
            gh release create \"$TAG\" \"$RUNNER_TEMP\"/release/* --title \"$TAG\" \"${{notes[@]}}\" \"${{prerelease[@]}}\"
          fi",
        prefix = quote(&s.tag_prefix),
    );
}

/// `DIR/` for a folder below the root; empty for the root.
fn prefix_dir(dir: &str) -> String {
    if dir == "." {
        String::new()
    } else {
        format!("{}/", dir.trim_end_matches('/'))
    }
}

/// A `run:` step's `working-directory` for a folder other than the root; empty for the root.
fn working_dir(dir: &str) -> String {
    if dir == "." {
        String::new()
    } else {
        format!("\n        working-directory: {}", quote(dir))
    }
}

/// maturin-action's `working-directory` input (a `uses:` step has no such key of
/// its own); empty for the root.
fn action_dir(dir: &str) -> String {
    if dir == "." {
        String::new()
    } else {
        format!("\n          working-directory: {}", quote(dir))
    }
}

/// `dist` at the repository root, as seen from the package folder.
fn out_dir(dir: &str) -> String {
    if dir == "." {
        return DIST.to_string();
    }
    let up = dir.split('/').filter(|c| !c.is_empty()).count();
    format!("{}{DIST}", "../".repeat(up))
}

/// A YAML double-quoted scalar: any user text (a tag prefix, a folder name) stays a
/// string, whatever characters it holds.
fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A word for the shell: bare when it is plainly safe, else single-quoted.
fn shell_quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:@+".contains(c));
    if safe {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote("v"), "\"v\"");
        assert_eq!(quote("a\"b\\"), "\"a\\\"b\\\\\"");
        assert_eq!(shell_quote("crates/py/Cargo.toml"), "crates/py/Cargo.toml");
        assert_eq!(shell_quote("my dir"), "'my dir'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
    }

    #[test]
    fn semver_checks_is_the_version_the_tests_use() {
        let tools = include_str!("../../scripts/tools.sh");
        assert!(
            tools.contains(&format!("cargo_tool cargo-semver-checks {SEMVER_CHECKS} ")),
            "scripts/tools.sh installs another cargo-semver-checks than the workflow"
        );
    }

    #[test]
    fn dist_is_at_the_root() {
        assert_eq!(out_dir("."), "dist");
        assert_eq!(out_dir("pypi"), "../dist");
        assert_eq!(out_dir("bindings/python"), "../../dist");
    }
}
