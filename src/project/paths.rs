//! Configured paths stay inside the project: `version-files`, `changelog`, `pyprojects`
//! and `[tool.maturin] manifest-path` are resolved against the project and refused when
//! they leave it (`..`, an absolute path elsewhere, a symbolic link pointing out). A
//! release edits and reads only its own files, never a neighbour's or the system's.
use std::path::{Path, PathBuf};

use super::config::Config;
use super::pyproject::normalize;
use crate::error::Failure;

/// The project a configured path must stay in: the git repository holding `root`, or
/// `root` itself (the workspace root) outside git. A monorepo's version file at the
/// repository's top is the project's; a file beside the checkout is not.
pub fn top(root: &Path) -> PathBuf {
    root.ancestors()
        .find(|d| d.join(".git").exists())
        .unwrap_or(root)
        .to_path_buf()
}

/// `rel` (as configured) resolved against `base`; refused, with what to do, when it
/// leaves `top` by its spelling or, existing, by a symbolic link on the way.
pub fn inside(top: &Path, base: &Path, rel: &Path) -> Result<PathBuf, String> {
    let path = normalize(&base.join(rel));
    let top = normalize(top);
    let outside = || {
        format!(
            "`{}` is outside the project (`{}`); a release edits only its own files",
            rel.display(),
            top.display()
        )
    };
    if !path.starts_with(&top) {
        return Err(outside());
    }
    // A link anywhere on the way counts, not only the last component.
    if let (Ok(real), Ok(real_top)) = (path.canonicalize(), top.canonicalize())
        && !real.starts_with(&real_top)
    {
        return Err(format!(
            "`{}` is a symbolic link to `{}`, outside the project (`{}`); a release edits only its own files",
            rel.display(),
            real.display(),
            top.display()
        ));
    }
    Ok(path)
}

/// Checks every path of `config`, relative to the workspace root `root`.
pub fn check_config(config: &Config, root: &Path) -> Result<(), Failure> {
    let top = top(root);
    let file = config.file.as_deref().unwrap_or(root);
    let fail = |why: String, line: Option<usize>| {
        Failure::usage(why)
            .at(file, line)
            .help("use a path inside the project, relative to the workspace root")
    };
    for p in config.pyprojects.iter().flatten() {
        inside(&top, root, p).map_err(|why| fail(why, config.line("pyprojects")))?;
    }
    if let Some(changelog) = config.changelog.path() {
        inside(&top, root, changelog).map_err(|why| fail(why, config.line("changelog")))?;
    }
    for vf in &config.version_files {
        inside(&top, root, &vf.path).map_err(|why| fail(why, Some(vf.line)))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_leaving_the_project_are_refused() {
        let top = Path::new("/p");
        assert_eq!(
            inside(top, top, Path::new("a/../b.py")).unwrap(),
            PathBuf::from("/p/b.py")
        );
        assert_eq!(
            inside(top, Path::new("/p/python"), Path::new("../rust/Cargo.toml")).unwrap(),
            PathBuf::from("/p/rust/Cargo.toml")
        );
        for bad in ["../x.py", "a/../../x.py", "/etc/hostname", "/pother/x"] {
            let why = inside(top, top, Path::new(bad)).unwrap_err();
            assert!(why.contains("is outside the project"), "{bad}: {why}");
        }
    }
}
