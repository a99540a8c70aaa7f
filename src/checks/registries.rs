//! Online checks: this version is free on both registries, and above what is there.
use super::{Finding, FindingId, Findings};
use crate::project::Project;
use crate::registry::{RegistryError, Targets};

pub fn check(project: &Project, targets: &Targets, sides: super::Sides) -> Vec<Finding> {
    let mut f = Findings {
        root: &project.root,
        list: Vec::new(),
    };
    let (crates, python) = (&targets.crates, &targets.python);
    let unreachable = |f: &mut Findings<'_>, err: RegistryError| {
        let help = err
            .help
            .clone()
            .unwrap_or_else(|| "check your network, or pass `--offline`".into());
        f.error(FindingId::RegistryUnreachable, None, err.message, help);
    };
    for m in project.unit_members().filter(|m| m.publish && sides.crates) {
        match crates.versions(&m.name) {
            Err(err) => unreachable(&mut f, err),
            Ok(published) => {
                let at = Some((m.manifest.as_path(), m.version_line));
                if let Some(theirs) = taken(
                    targets,
                    &m.name,
                    m.package.repository.as_deref(),
                    &published,
                ) {
                    f.error(
                        FindingId::CrateNameTaken,
                        at,
                        format!(
                            "the crate name `{}` on crates.io is another project's ({theirs}): it has {} version(s), none of them from this repository",
                            m.name,
                            published.len()
                        ),
                        "this name is taken: rename the crate (`[package] name`, and `[lib] name` to keep the import path), or set `publish = false` if it goes to PyPI only",
                    );
                } else if published.iter().any(|v| v.version == project.version) {
                    f.error(
                        FindingId::CrateAlreadyPublished,
                        at,
                        format!("`{}` {} is already on {}", m.name, project.version, crates.base_url()),
                        "a version can be published once: bump to a new one (`cargo pyrelease bump patch`)",
                    );
                } else if let Some(top) = published
                    .iter()
                    .map(|v| &v.version)
                    .filter(|v| **v > project.version)
                    .max()
                {
                    f.error(
                        FindingId::CrateVersionNotHigher,
                        at,
                        format!(
                            "`{}` {} is already published, above {}",
                            m.name, top, project.version
                        ),
                        format!("release a version above {top}"),
                    );
                }
            }
        }
    }
    let Ok(pep440) = project.pep440.as_deref() else {
        return f.list;
    };
    let Ok(ours) = pep440.parse::<pep440_rs::Version>() else {
        return f.list;
    };
    for package in project.packages.iter().filter(|_| sides.python) {
        let name = &project.dist_name(package);
        match python.versions(name) {
            Err(err) => unreachable(&mut f, err),
            Ok(published) => {
                let at = Some((package.path.as_path(), None));
                if published.contains(&ours) {
                    f.error(
                        FindingId::PypiAlreadyPublished,
                        at,
                        format!("`{name}` {pep440} is already on {}", python.simple_url()),
                        "PyPI never accepts a version twice, even after deletion: bump to a new one",
                    );
                } else if let Some(top) = published.iter().filter(|v| **v > ours).max() {
                    f.error(
                        FindingId::PypiVersionNotHigher,
                        at,
                        format!("`{name}` {top} is already published, above {pep440}"),
                        format!("release a version above {top}"),
                    );
                }
            }
        }
    }
    f.list
}

/// On the release tag in CI (GitHub's "re-run all jobs" of a release that already
/// started), a version this release put on a registry is not an error: a crate whose
/// index checksum equals the `.crate` packaged from this commit (`cargo package
/// --no-verify`, cheap), a Python package whose files on the index all match, by
/// sha256, the publish journal's or those in `dist`. Those findings are removed; the
/// notes saying so are returned. Other bytes stay an error.
pub fn recognise_own(
    project: &Project,
    targets: &Targets,
    dist: Option<&std::path::Path>,
    findings: &mut Vec<Finding>,
) -> Vec<String> {
    let flagged = |id: FindingId, name: &str| {
        findings
            .iter()
            .any(|f| f.id == id && f.message.starts_with(&format!("`{name}` ")))
    };
    let mut ours: Vec<(FindingId, String)> = Vec::new();
    let crates: Vec<&str> = project
        .unit_members()
        .filter(|m| m.publish && flagged(FindingId::CrateAlreadyPublished, &m.name))
        .map(|m| m.name.as_str())
        .collect();
    let packaged = !crates.is_empty()
        && crate::plan::commands::package_unverified(
            &project.workspace.manifest,
            &crates,
            targets.registry.as_deref(),
        )
        .read()
        .is_ok();
    for name in crates.iter().filter(|_| packaged) {
        let file = project
            .workspace
            .target_dir
            .join("package")
            .join(format!("{name}-{}.crate", project.version));
        let built = crate::release_record::sha256_file(&file).ok();
        let there = targets.crates.versions(name).ok().and_then(|vs| {
            vs.into_iter()
                .find(|v| v.version == project.version)
                .and_then(|v| v.cksum)
        });
        if built.is_some() && built == there {
            ours.push((FindingId::CrateAlreadyPublished, (*name).to_string()));
        }
    }
    let mut local: Vec<(String, String)> = Vec::new();
    let journal = crate::release_record::PublishRecord::path(
        &project.release_dir(),
        &project.version,
        &targets.key(),
    );
    if let Ok(Some(journal)) = crate::release_record::PublishRecord::load(&journal) {
        local.extend(
            journal.artifacts.iter().filter_map(|a| {
                Some((a.path.file_name()?.to_str()?.to_string(), a.sha256.clone()))
            }),
        );
    }
    for entry in dist
        .and_then(|d| std::fs::read_dir(d).ok())
        .into_iter()
        .flatten()
        .flatten()
    {
        if let (Some(name), Ok(hash)) = (
            entry.file_name().to_str().map(str::to_string),
            crate::release_record::sha256_file(&entry.path()),
        ) {
            local.push((name, hash));
        }
    }
    let pep440 = project.pep440.as_deref().ok().and_then(|p| p.parse().ok());
    for package in &project.packages {
        let name = project.dist_name(package);
        if pep440.is_none() || !flagged(FindingId::PypiAlreadyPublished, &name) {
            continue;
        }
        let Ok(listed) = targets.python.listed(&name) else {
            continue;
        };
        let mut mine = listed
            .iter()
            .filter(|f| crate::registry::version_from_filename(&name, &f.filename) == pep440)
            .peekable();
        let all_ours = mine.peek().is_some()
            && mine.all(|f| {
                local
                    .iter()
                    .any(|(n, h)| *n == f.filename && f.sha256.as_deref().is_none_or(|s| s == h))
            });
        if all_ours {
            ours.push((FindingId::PypiAlreadyPublished, name));
        }
    }
    findings.retain(|f| {
        !ours
            .iter()
            .any(|(id, name)| f.id == *id && f.message.starts_with(&format!("`{name}` ")))
    });
    ours.into_iter()
        .map(|(_, name)| {
            format!(
                "`{name}` {} is already published by this release (the same bytes)",
                project.version
            )
        })
        .collect()
}

/// The other project's repository when crate `name` on crates.io is not this project's:
/// it exists, and crates.io names a repository that is not ours. Unknown (another
/// registry, no repository on either side, the API unreachable) is not "taken".
fn taken(
    targets: &Targets,
    name: &str,
    ours: Option<&str>,
    published: &[crate::registry::IndexVersion],
) -> Option<String> {
    // Only crates.io's index has crates.io's API beside it (a test or mirror index may
    // name its API with `CARGO_PYRELEASE_CRATES_API`).
    let crates_io = targets.crates.base_url() == "https://index.crates.io/"
        || std::env::var_os("CARGO_PYRELEASE_CRATES_API").is_some();
    if targets.registry.is_some() || published.is_empty() || !crates_io {
        return None;
    }
    let ours = normalize_repo(ours?);
    let theirs = crate::registry::crate_repository(&crate::registry::crates_api_url(), name)
        .ok()
        .flatten()?;
    (normalize_repo(&theirs) != ours).then_some(theirs)
}

/// `https://github.com/A/B.git/` and `http://github.com/a/b` are one repository.
fn normalize_repo(url: &str) -> String {
    let url = url.trim().to_ascii_lowercase();
    let url = url.split_once("://").map_or(url.as_str(), |(_, rest)| rest);
    url.trim_end_matches('/')
        .trim_end_matches(".git")
        .trim_start_matches("www.")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::normalize_repo;

    #[test]
    fn repository_urls_compare_loosely() {
        assert_eq!(
            normalize_repo("https://github.com/A/B.git/"),
            normalize_repo("http://www.github.com/a/b")
        );
        assert_ne!(
            normalize_repo("https://github.com/a/b"),
            normalize_repo("https://github.com/c/b")
        );
    }
}
