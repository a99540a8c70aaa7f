//! Online checks: this version is free on both registries, and above what is there.
use super::{Finding, Findings};
use crate::project::Project;
use crate::registry::{CratesIndex, PyIndex, RegistryError};

const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The registries to ask: environment first (CI and tests point them at other
/// servers), then configuration, then crates.io and PyPI.
fn indexes(project: &Project) -> (CratesIndex, PyIndex) {
    let env = |key: &str| std::env::var(key).ok().filter(|v| !v.is_empty());
    let crates =
        match env("CARGO_PYRELEASE_CRATES_INDEX").or_else(|| project.config.crates_index.clone()) {
            Some(url) => CratesIndex::new(&url, TIMEOUT),
            None => CratesIndex::crates_io(),
        };
    let python =
        match env("CARGO_PYRELEASE_PYPI_SIMPLE").or_else(|| project.config.python_index.clone()) {
            Some(url) => PyIndex::new(&url, TIMEOUT),
            None => PyIndex::pypi(),
        };
    (crates, python)
}

pub fn check(project: &Project) -> Vec<Finding> {
    let mut f = Findings {
        root: &project.root,
        list: Vec::new(),
    };
    let (crates, python) = indexes(project);
    let unreachable = |f: &mut Findings<'_>, err: RegistryError| {
        let help = err
            .help
            .clone()
            .unwrap_or_else(|| "check your network, or pass `--offline`".into());
        f.error("registry-unreachable", None, err.message, help);
    };
    for m in project.unit_members().filter(|m| m.publish) {
        match crates.versions(&m.name) {
            Err(err) => unreachable(&mut f, err),
            Ok(published) => {
                let at = Some((m.manifest.as_path(), m.version_line));
                if published.iter().any(|v| v.version == project.version) {
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
    for package in &project.packages {
        let name = package.dist_name(&project.primary().name);
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
