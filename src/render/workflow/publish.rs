//! The jobs that publish: the crates, the Python files, the GitHub release, with the
//! provenance of what they put out.
use std::fmt::Write as _;

use super::steps::{checkout, download, install_tool, job, prefix_dir, quote, rust, tool};
use super::{DIST_ARTIFACT, Settings};
use crate::render::pins;

/// Where the publishing jobs download them: outside the checkout, so a `dist/` that
/// is not gitignored never makes the work tree dirty.
const DOWNLOADED: &str = "${{ runner.temp }}/dist";

/// Where the GitHub release job collects the files it attaches.
const RELEASE_FILES: &str = "${{ runner.temp }}/release";

/// The `pypi-attestations` release that signs the PEP 740 attestations.
const PYPI_ATTESTATIONS: &str = "0.0.30";

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

pub(super) fn publish_crates(y: &mut String, s: &Settings) {
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

pub(super) fn publish_python(y: &mut String, s: &Settings) {
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

pub(super) fn github_release(y: &mut String, s: &Settings, published: &[&str]) {
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
