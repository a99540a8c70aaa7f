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
