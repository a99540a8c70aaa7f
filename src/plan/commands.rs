//! The commands of a release, built in one place: a dry run prints exactly these lines and
//! a real run executes exactly these, so the two cannot drift apart. Which of them run, and
//! in which order, is [`super::publish`]'s decision.
use std::path::{Path, PathBuf};

use crate::exec::cmd::{Cmd, Kind};
use crate::project::config::Uploader;

/// `cargo package -p A -p B`: one call, so cargo verifies a dependent against its
/// not-yet-published siblings (through a temporary local registry) and compiles each once.
pub fn package(manifest: &Path, crates: &[&str], registry: Option<&str>) -> Cmd {
    cargo_with_crates(
        Cmd::cargo(Kind::Read).arg("package"),
        manifest,
        crates,
        registry,
    )
}

/// `cargo package --no-verify`: the `.crate` files only, to compare with a registry's
/// checksums (no compile).
pub fn package_unverified(manifest: &Path, crates: &[&str], registry: Option<&str>) -> Cmd {
    cargo_with_crates(
        Cmd::cargo(Kind::Read).args(["package", "--no-verify", "--allow-dirty"]),
        manifest,
        crates,
        registry,
    )
}

/// `cargo publish --no-verify -p A -p B`: dependency order and the wait for the index are
/// cargo's; `--no-verify` because `package` already compiled every crate.
pub fn publish_crates(manifest: &Path, crates: &[&str], registry: Option<&str>) -> Cmd {
    cargo_with_crates(
        Cmd::cargo(Kind::Mutate).args(["publish", "--no-verify"]),
        manifest,
        crates,
        registry,
    )
}

/// The dry run's stand-in for [`publish_crates`]: cargo checks what it can without uploading.
pub fn publish_crates_dry_run(manifest: &Path, crates: &[&str], registry: Option<&str>) -> Cmd {
    cargo_with_crates(
        Cmd::cargo(Kind::Read).args(["publish", "--dry-run", "--no-verify"]),
        manifest,
        crates,
        registry,
    )
}

fn cargo_with_crates(cmd: Cmd, manifest: &Path, crates: &[&str], registry: Option<&str>) -> Cmd {
    let mut cmd = cmd.arg("--manifest-path").arg(manifest);
    for name in crates {
        cmd = cmd.args(["-p", name]);
    }
    if let Some(registry) = registry {
        cmd = cmd.args(["--registry", registry]);
    }
    cmd
}

/// maturin runs from the pyproject's folder: that is where it reads `[tool.maturin]`.
pub fn maturin_sdist(pyproject_dir: &Path, out: &Path) -> Cmd {
    Cmd::new("maturin", Kind::Read)
        .cwd(pyproject_dir)
        .args(["sdist", "--out"])
        .arg(out)
}

pub fn maturin_build(pyproject_dir: &Path, out: &Path) -> Cmd {
    Cmd::new("maturin", Kind::Read)
        .cwd(pyproject_dir)
        .args(["build", "--release", "--out"])
        .arg(out)
}

/// Uploads exactly `files`. Credentials come from the environment each program reads.
/// `attestations` are the PEP 740 `FILE.publish.attestation` files a signing step made beside
/// the files (the generated workflow's): uv sends each one named on its command line with its
/// file, twine picks them up beside the files with `--attestations`; `maturin upload` cannot
/// send them.
pub fn upload(
    uploader: Uploader,
    publish_url: &str,
    check_url: &str,
    files: &[PathBuf],
    attestations: &[PathBuf],
) -> Cmd {
    let cmd = match uploader {
        // `--check-url` makes uv skip a file the index already has with the same hash.
        Uploader::Uv => Cmd::new("uv", Kind::Mutate).args([
            "publish",
            "--publish-url",
            publish_url,
            "--check-url",
            check_url,
        ]),
        Uploader::Twine => Cmd::new("twine", Kind::Mutate)
            .args([
                "upload",
                "--non-interactive",
                "--repository-url",
                publish_url,
            ])
            .args((!attestations.is_empty()).then_some("--attestations")),
        Uploader::Maturin => Cmd::new("maturin", Kind::Mutate).args([
            "upload",
            "--non-interactive",
            "--repository-url",
            publish_url,
        ]),
    };
    let cmd = cmd.args(files);
    match uploader {
        Uploader::Uv => cmd.args(attestations),
        Uploader::Twine | Uploader::Maturin => cmd,
    }
}

pub fn tag(root: &Path, tag: &str, message: &str) -> Cmd {
    Cmd::git(Kind::Mutate)
        .arg("-C")
        .arg(root)
        .args(["tag", "-a", tag, "-m", message])
}

/// Pushes the tag, and the release commit's branch with it (when HEAD is on one), so the
/// tag never points at a commit only this machine has.
pub fn push_tag(root: &Path, remote: &str, branch: Option<&str>, tag: &str) -> Cmd {
    let mut cmd = Cmd::git(Kind::Mutate)
        .arg("-C")
        .arg(root)
        .args(["push", "--atomic", remote]);
    if let Some(branch) = branch {
        cmd = cmd.arg(format!("HEAD:refs/heads/{branch}"));
    }
    cmd.arg(format!("refs/tags/{tag}"))
}

pub fn delete_tag(root: &Path, tag: &str) -> Cmd {
    Cmd::git(Kind::Mutate)
        .arg("-C")
        .arg(root)
        .args(["tag", "-d", tag])
}

pub fn delete_remote_tag(root: &Path, remote: &str, tag: &str) -> Cmd {
    Cmd::git(Kind::Mutate)
        .arg("-C")
        .arg(root)
        .args(["push", remote, &format!(":refs/tags/{tag}")])
}

pub struct GithubRelease<'a> {
    pub tag: &'a str,
    pub title: &'a str,
    pub notes: &'a Path,
    pub files: &'a [PathBuf],
    pub prerelease: bool,
}

/// A draft with the files attached: with immutable releases, files can only be added
/// before a release is published, so it is published by [`github_publish`] once they
/// are all there.
pub fn github_release(root: &Path, release: &GithubRelease<'_>) -> Cmd {
    let mut cmd = Cmd::new("gh", Kind::Mutate).cwd(root).args([
        "release",
        "create",
        release.tag,
        "--draft",
        "--verify-tag",
        "--title",
        release.title,
        "--notes-file",
    ]);
    cmd = cmd.arg(release.notes);
    if release.prerelease {
        cmd = cmd.arg("--prerelease");
    }
    cmd.args(release.files)
}

/// Files of a draft that a stopped run did not attach; `--clobber` replaces a
/// half-uploaded one.
pub fn github_upload(root: &Path, tag: &str, files: &[PathBuf]) -> Cmd {
    Cmd::new("gh", Kind::Mutate)
        .cwd(root)
        .args(["release", "upload", tag, "--clobber"])
        .args(files)
}

pub fn github_publish(root: &Path, tag: &str) -> Cmd {
    Cmd::new("gh", Kind::Mutate)
        .cwd(root)
        .args(["release", "edit", tag, "--draft=false"])
}

/// What GitHub holds for the tag: `{"isDraft": bool, "assets": [{"name": ...}]}`, or an
/// error when there is no release.
pub fn github_view(root: &Path, tag: &str) -> Cmd {
    Cmd::new("gh", Kind::Read)
        .cwd(root)
        .args(["release", "view", tag, "--json", "isDraft,assets"])
}

pub fn yank_crate(
    manifest: &Path,
    name: &str,
    version: &semver::Version,
    registry: Option<&str>,
) -> Cmd {
    let mut cmd = Cmd::cargo(Kind::Mutate)
        .arg("yank")
        .arg(format!("{name}@{version}"));
    if let Some(registry) = registry {
        cmd = cmd.args(["--registry", registry]);
    }
    // `cargo yank` needs no manifest, but runs in the project for its `.cargo/config.toml`.
    cmd.cwd(manifest.parent().unwrap_or(Path::new(".")))
}

/// The gates users of this kind of release expect, when none are configured.
pub const DEFAULT_GATES: &[&str] = &[
    "cargo test --workspace --all-features",
    "cargo clippy --workspace --all-targets --all-features -- -D warnings",
];

/// A configured gate, split into words as a POSIX shell would (quotes, backslashes), so it
/// runs without a shell on every platform.
pub fn gate(root: &Path, line: &str) -> Result<Cmd, String> {
    let words = shlex::split(line)
        .ok_or_else(|| "an unclosed quote or a trailing backslash".to_string())?;
    let (program, args) = words
        .split_first()
        .ok_or_else(|| "a gate is an empty command".to_string())?;
    let cmd = if program == "cargo" {
        Cmd::cargo(Kind::Read)
    } else {
        Cmd::new(program, Kind::Read)
    };
    Ok(cmd.cwd(root).args(args))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attestations_go_along_with_their_files() {
        let files = [PathBuf::from("a.whl")];
        let signed = [PathBuf::from("a.whl.publish.attestation")];
        assert_eq!(
            upload(Uploader::Uv, "http://u/", "http://s/", &files, &signed).to_string(),
            "uv publish --publish-url http://u/ --check-url http://s/ a.whl a.whl.publish.attestation"
        );
        assert_eq!(
            upload(Uploader::Twine, "http://u/", "http://s/", &files, &signed).to_string(),
            "twine upload --non-interactive --repository-url http://u/ --attestations a.whl"
        );
        assert_eq!(
            upload(Uploader::Twine, "http://u/", "http://s/", &files, &[]).to_string(),
            "twine upload --non-interactive --repository-url http://u/ a.whl"
        );
    }

    #[test]
    fn gates_split_like_a_shell() {
        let cmd = gate(Path::new("."), r#"pytest -k "not slow" 'a b'\ c"#).unwrap();
        assert!(
            cmd.to_string().ends_with("pytest -k 'not slow' 'a b c'"),
            "{cmd}"
        );
        assert!(gate(Path::new("."), "echo 'open").is_err());
        assert!(gate(Path::new("."), "  ").is_err());
    }

    #[test]
    fn crates_are_packaged_and_published_in_one_call() {
        let m = Path::new("Cargo.toml");
        assert_eq!(
            package(m, &["a", "b"], Some("corp")).to_string(),
            "cargo package --manifest-path Cargo.toml -p a -p b --registry corp"
        );
        assert_eq!(
            publish_crates(m, &["a", "b"], None).to_string(),
            "cargo publish --no-verify --manifest-path Cargo.toml -p a -p b"
        );
    }

    #[test]
    fn github_release_is_marked_pre_release() {
        let files = [PathBuf::from("dist/a.whl")];
        let cmd = github_release(
            Path::new("."),
            &GithubRelease {
                tag: "v1.0.0-rc.1",
                title: "demo 1.0.0-rc.1",
                notes: Path::new("notes.md"),
                files: &files,
                prerelease: true,
            },
        );
        assert_eq!(
            cmd.to_string(),
            "cd . && gh release create v1.0.0-rc.1 --draft --verify-tag --title 'demo 1.0.0-rc.1' --notes-file notes.md --prerelease dist/a.whl"
        );
    }
}
