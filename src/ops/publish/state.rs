//! The outside half of the state a release plan is made from: what the registries hold
//! (asked fresh, while the build runs), the tag here and on the remote, the GitHub release;
//! and the commands the plan's steps run.
use std::path::{Path, PathBuf};

use crate::error::Failure;
use crate::exec::cmd::{Cmd, Kind};
use crate::plan::commands as cmds;
use crate::plan::publish::{Commands, Github, Item, Listed, TagState};
use crate::project::Project;
use crate::project::config::Uploader;
use crate::registry::{IndexFile, IndexVersion, RegistryError, Targets};
use crate::release_record::Artifact;

/// What the registries list under the release's names, asked once per run.
pub struct Listing {
    /// Per crate: its versions on the cargo registry.
    pub crates: Vec<(String, Vec<IndexVersion>)>,
    /// Per Python project: its files on the index.
    pub python: Vec<(String, Vec<IndexFile>)>,
}

/// Asks both registries, each look-up on its own thread.
pub fn ask(
    targets: &Targets,
    crates: &[String],
    packages: &[String],
) -> Result<Listing, RegistryError> {
    std::thread::scope(|scope| {
        let crate_jobs: Vec<_> = crates
            .iter()
            .map(|name| {
                scope.spawn(move || targets.crates.versions(name).map(|v| (name.clone(), v)))
            })
            .collect();
        let python_jobs: Vec<_> = packages
            .iter()
            .map(|name| scope.spawn(move || targets.python.listed(name).map(|f| (name.clone(), f))))
            .collect();
        let crates = crate_jobs
            .into_iter()
            .map(crate::exec::joined)
            .collect::<Result<Vec<_>, _>>()?;
        let python = python_jobs
            .into_iter()
            .map(crate::exec::joined)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Listing { crates, python })
    })
}

impl Listing {
    /// The crates this release built, with what the registry lists for this version.
    pub fn crate_items(
        &self,
        built: &[Artifact],
        version: &semver::Version,
        journaled: impl Fn(&str) -> bool,
    ) -> Vec<Item> {
        built
            .iter()
            .map(|a| {
                let there = self
                    .crates
                    .iter()
                    .filter(|(name, _)| *name == a.name)
                    .flat_map(|(_, versions)| versions)
                    .find(|v| v.version == *version);
                Item {
                    name: a.name.clone(),
                    sha256: a.sha256.clone(),
                    path: a.path.clone(),
                    listed: there.map_or(Listed::Absent, |v| Listed::There(v.cksum.clone())),
                    journaled: journaled(&crate::plan::publish::crate_id(&a.name)),
                }
            })
            .collect()
    }

    pub fn file_items(&self, built: &[Artifact], journaled: impl Fn(&str) -> bool) -> Vec<Item> {
        built
            .iter()
            .map(|a| {
                let name = super::build::file_name(&a.path).to_string();
                let there = self
                    .python
                    .iter()
                    .flat_map(|(_, files)| files)
                    .find(|f| f.filename == name);
                Item {
                    listed: there.map_or(Listed::Absent, |f| Listed::There(f.sha256.clone())),
                    journaled: journaled(&crate::plan::publish::file_id(&name)),
                    sha256: a.sha256.clone(),
                    path: a.path.clone(),
                    name,
                }
            })
            .collect()
    }

    /// The day (days since 1970-01-01) of the earliest upload among the files named,
    /// where the index gives upload times (PEP 700).
    pub fn first_upload_day(&self, files: &[&str]) -> Option<i64> {
        self.python
            .iter()
            .flat_map(|(_, listed)| listed)
            .filter(|f| files.contains(&f.filename.as_str()))
            .filter_map(|f| f.upload_time.as_deref().and_then(day_of))
            .min()
    }

    /// The crates whose version is yanked.
    pub fn yanked(&self, version: &semver::Version) -> Vec<String> {
        self.crates
            .iter()
            .filter(|(_, vs)| vs.iter().any(|v| v.version == *version && v.yanked))
            .map(|(name, _)| name.clone())
            .collect()
    }
}

/// The tag, locally and on the remote; `wanted` decided by the caller.
pub fn tag_state(project: &Project, wanted: bool, branch: Option<String>) -> TagState {
    if !wanted {
        return TagState::default();
    }
    let tag = project.tag();
    let local = crate::project::git::tag_commit(&project.root, &tag).is_some();
    let remote = crate::project::git::remote(&project.root).map(|remote| {
        let there = Cmd::git(Kind::Read)
            .arg("-C")
            .arg(&project.root)
            .args(["ls-remote", "--tags", &remote, &format!("refs/tags/{tag}")])
            .read()
            .is_ok_and(|out| !out.trim().is_empty());
        (remote, there)
    });
    TagState {
        wanted,
        local,
        remote,
        branch,
    }
}

/// The GitHub release of the tag: none, a draft (and its files), or published.
pub fn github_state(root: &Path, tag: &str, wanted: bool) -> Result<Github, Failure> {
    if !wanted {
        return Ok(Github::Off);
    }
    if Cmd::new("gh", Kind::Read).arg("--version").read().is_err() {
        return Ok(Github::Off);
    }
    let Ok(out) = cmds::github_view(root, tag).read() else {
        return Ok(Github::None);
    };
    #[derive(serde::Deserialize)]
    struct View {
        #[serde(rename = "isDraft")]
        is_draft: bool,
        #[serde(default)]
        assets: Vec<Asset>,
    }
    #[derive(serde::Deserialize)]
    struct Asset {
        name: String,
    }
    let view: View = serde_json::from_str(&out).map_err(|err| {
        Failure::failed(format!(
            "`gh release view {tag} --json isDraft,assets` answered something else than GitHub's JSON: {err}"
        ))
        .help("update the GitHub CLI (`gh`), or pass `--no-github-release`")
    })?;
    Ok(if view.is_draft {
        Github::Draft {
            assets: view.assets.into_iter().map(|a| a.name).collect(),
        }
    } else {
        Github::Published
    })
}

/// The commands of this release, spelled by `plan::commands`.
pub struct ReleaseCommands<'a> {
    pub project: &'a Project,
    pub targets: &'a Targets,
    pub uploader: Uploader,
    pub notes: PathBuf,
}

impl Commands for ReleaseCommands<'_> {
    fn publish_crates(&self, names: &[&str]) -> (Cmd, Cmd) {
        let manifest = &self.project.workspace.manifest;
        let registry = self.targets.registry.as_deref();
        (
            cmds::publish_crates(manifest, names, registry),
            cmds::publish_crates_dry_run(manifest, names, registry),
        )
    }

    fn upload(&self, files: &[PathBuf]) -> Cmd {
        // Resolved (and refused when missing) before anything is planned.
        let url = self.targets.upload_url().unwrap_or_default();
        // PEP 740 attestations a signing step left beside the files (the workflow's).
        let attestations: Vec<PathBuf> = files
            .iter()
            .map(|f| {
                let mut name = f.clone().into_os_string();
                name.push(".publish.attestation");
                PathBuf::from(name)
            })
            .filter(|a| a.is_file())
            .collect();
        cmds::upload(
            self.uploader,
            url,
            self.targets.python.simple_url(),
            files,
            &attestations,
        )
    }

    fn tag(&self) -> Cmd {
        let message = format!("{} {}", self.project.name(), self.project.version);
        cmds::tag(&self.project.root, &self.project.tag(), &message)
    }

    fn push(&self, remote: &str, branch: Option<&str>) -> Cmd {
        cmds::push_tag(&self.project.root, remote, branch, &self.project.tag())
    }

    fn github_create(&self, files: &[PathBuf]) -> Cmd {
        let title = format!("{} {}", self.project.name(), self.project.version);
        cmds::github_release(
            &self.project.root,
            &cmds::GithubRelease {
                tag: &self.project.tag(),
                title: &title,
                notes: &self.notes,
                files,
                prerelease: !self.project.version.pre.is_empty(),
            },
        )
    }

    fn github_upload(&self, files: &[PathBuf]) -> Cmd {
        cmds::github_upload(&self.project.root, &self.project.tag(), files)
    }

    fn github_publish(&self) -> Cmd {
        cmds::github_publish(&self.project.root, &self.project.tag())
    }

    fn crates_name(&self) -> String {
        self.targets.crates_name()
    }

    fn python_name(&self) -> String {
        crate::registry::redact_url(
            self.targets
                .upload_url()
                .unwrap_or(self.targets.python.simple_url()),
        )
    }

    fn tag_name(&self) -> String {
        self.project.tag()
    }
}

/// `2026-01-31T12:00:00Z` (or a bare date) as days since 1970-01-01 (Howard Hinnant's
/// `days_from_civil`, the inverse of `ops::civil_from_days`).
pub fn day_of(iso: &str) -> Option<i64> {
    let mut parts = iso.get(..10)?.split('-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

#[cfg(test)]
mod tests {
    use super::day_of;

    #[test]
    fn dates_are_days_since_the_epoch() {
        assert_eq!(day_of("1970-01-01"), Some(0));
        assert_eq!(day_of("2000-03-01T00:00:00.123Z"), Some(11_017));
        assert_eq!(day_of("2026-12-02"), day_of("2026-11-18").map(|d| d + 14));
        assert_eq!(day_of("soon"), None);
    }
}
