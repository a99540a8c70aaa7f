//! Online checks: this version is free on both registries, and above what is there.
use super::{Finding, Findings};
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
        f.error("registry-unreachable", None, err.message, help);
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
                        "crate-name-taken",
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
                        "crate-already-published",
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
                        "crate-version-not-higher",
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
                        "pypi-already-published",
                        at,
                        format!("`{name}` {pep440} is already on {}", python.simple_url()),
                        "PyPI never accepts a version twice, even after deletion: bump to a new one",
                    );
                } else if let Some(top) = published.iter().filter(|v| **v > ours).max() {
                    f.error(
                        "pypi-version-not-higher",
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

/// The other project's repository when crate `name` on crates.io is not this project's:
/// it exists, and crates.io names a repository that is not ours. Unknown (another
/// registry, no repository on either side, the API unreachable) is not "taken".
fn taken(
    targets: &Targets,
    name: &str,
    ours: Option<&str>,
    published: &[crate::registry::IndexVersion],
) -> Option<String> {
    if targets.registry.is_some() || published.is_empty() {
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
