//! Checks of built files before anything is uploaded: a wheel or sdist must carry exactly
//! the version the release predicts, under the package's name, with complete metadata, and
//! no local version (PyPI refuses those, after the crates are already out).
use std::io::Read as _;
use std::path::Path;

use anyhow::Context as _;

use crate::dist::{DistFile, DistKind, normalize_python_name};
use crate::release_record::Kind;

impl From<DistKind> for Kind {
    fn from(kind: DistKind) -> Self {
        match kind {
            DistKind::Wheel => Kind::Wheel,
            DistKind::Sdist => Kind::Sdist,
        }
    }
}

/// Everything wrong with `path` as a file of `project` at `pep440`; empty when it is fine.
pub fn check_python_file(path: &Path, project: &str, pep440: &str) -> Vec<String> {
    let file = path
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or_default();
    let Some(dist) = crate::dist::parse(file, None).filter(|d| d.is_current()) else {
        return vec![format!(
            "`{file}` is not a wheel (`NAME-VERSION-TAGS.whl`) or an sdist (`NAME-VERSION.tar.gz`)"
        )];
    };
    let mut problems = Vec::new();
    if normalize_python_name(dist.name) != normalize_python_name(project) {
        problems.push(format!(
            "`{file}` is named `{}`, the package is `{project}`",
            dist.name
        ));
    }
    problems.extend(version_problem(file, dist.version, pep440));
    if !problems.is_empty() {
        return problems;
    }
    match read_metadata(path, &dist) {
        Err(err) => problems.push(format!("`{file}`: {err:#}")),
        Ok(text) => problems.extend(metadata_problems(file, &text, project, pep440)),
    }
    problems
}

fn version_problem(file: &str, found: &str, pep440: &str) -> Option<String> {
    let (Ok(found_v), Ok(want)) = (
        found.parse::<pep440_rs::Version>(),
        pep440.parse::<pep440_rs::Version>(),
    ) else {
        return Some(format!(
            "`{file}` has version `{found}`, which is not PEP 440"
        ));
    };
    if !found_v.local().is_empty() {
        return Some(format!(
            "`{file}` has a local version (`{found}`): PyPI refuses those"
        ));
    }
    (found_v != want).then(|| format!("`{file}` is version {found}, the release is {pep440}"))
}

/// `Metadata-Version`, `Name` and `Version` present, the last two as expected.
fn metadata_problems(file: &str, text: &str, project: &str, pep440: &str) -> Vec<String> {
    let field = |key: &str| {
        text.lines()
            // The headers end at the first empty line; the description follows.
            .take_while(|line| !line.is_empty())
            .find_map(|line| {
                let (k, v) = line.split_once(':')?;
                k.eq_ignore_ascii_case(key).then(|| v.trim().to_string())
            })
    };
    let mut problems = Vec::new();
    for key in ["Metadata-Version", "Name", "Version"] {
        if field(key).is_none() {
            problems.push(format!("`{file}`: the metadata has no `{key}`"));
        }
    }
    if let Some(name) = field("Name")
        && normalize_python_name(&name) != normalize_python_name(project)
    {
        problems.push(format!(
            "`{file}`: the metadata names `{name}`, the package is `{project}`"
        ));
    }
    if let Some(version) = field("Version")
        && let Some(problem) = version_problem(file, &version, pep440)
    {
        problems.push(format!("{problem} (in its metadata)"));
    }
    problems
}

/// The core metadata: `*.dist-info/METADATA` in a wheel, `*/PKG-INFO` in an sdist.
fn read_metadata(path: &Path, dist: &DistFile<'_>) -> anyhow::Result<String> {
    let file = std::fs::File::open(path)?;
    match dist.kind {
        DistKind::Wheel => {
            let mut zip = zip::ZipArchive::new(file).context("not a valid zip archive")?;
            let wanted = format!("{}-{}.dist-info/METADATA", dist.name, dist.version);
            let name = (0..zip.len())
                .filter_map(|i| zip.name_for_index(i).map(str::to_string))
                .find(|n| n.eq_ignore_ascii_case(&wanted) || n.ends_with(".dist-info/METADATA"))
                .context("no `.dist-info/METADATA` inside")?;
            let mut text = String::new();
            zip.by_name(&name)?.read_to_string(&mut text)?;
            Ok(text)
        }
        DistKind::Sdist => {
            let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(file));
            for entry in tar.entries().context("not a valid .tar.gz")? {
                let mut entry = entry?;
                let is_pkg_info = {
                    let p = entry.path()?;
                    p.components().count() == 2 && p.ends_with("PKG-INFO")
                };
                if is_pkg_info {
                    let mut text = String::new();
                    entry.read_to_string(&mut text)?;
                    return Ok(text);
                }
            }
            anyhow::bail!("no top-level `PKG-INFO` inside")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_compared_as_pep_440() {
        assert_eq!(version_problem("f", "1.2.0rc1", "1.2.0rc1"), None);
        assert_eq!(version_problem("f", "1.2.0-rc.1", "1.2.0rc1"), None);
        assert!(
            version_problem("f", "1.2.1", "1.2.0")
                .unwrap()
                .contains("is version 1.2.1")
        );
        assert!(
            version_problem("f", "1.2.0+abc", "1.2.0")
                .unwrap()
                .contains("local version")
        );
    }

    #[test]
    fn metadata_needs_its_three_fields() {
        let ok = "Metadata-Version: 2.4\nName: Demo-Pkg\nVersion: 1.2.0\n\nVersion: 9\n";
        assert!(metadata_problems("f", ok, "demo_pkg", "1.2.0").is_empty());
        let bad = "Metadata-Version: 2.4\nName: other\n";
        let problems = metadata_problems("f", bad, "demo_pkg", "1.2.0");
        assert_eq!(problems.len(), 2, "{problems:?}");
    }
}
