//! Placeholder versions: `0.0.0`, or `999.0.0` and the like, that CI overwrites with the
//! version of the release tag. Cargo.toml is then not where the version lives, and a
//! level bump from it means nothing (design principle 1).
use std::path::{Path, PathBuf};

/// `0.0.0`, or a version whose major is three or more nines (`999.0.0`, `9999.9.9`).
pub fn is_placeholder(v: &semver::Version) -> bool {
    let nines = v.major >= 999 && v.major.to_string().chars().all(|c| c == '9');
    crate::version::is_placeholder(v) || nines
}

/// Where CI writes the tag's version into Cargo.toml: the first line under
/// `.github/workflows` or `.github/actions` that names Cargo.toml and the tag
/// (`github.ref_name`, `GITHUB_REF`), with its line number.
pub fn tag_rewrite(root: &Path) -> Option<(PathBuf, usize)> {
    let mut files: Vec<PathBuf> = ["workflows", "actions"]
        .iter()
        .flat_map(|dir| super::walk::files_under(&root.join(".github").join(dir)))
        .filter(|p| {
            p.extension()
                .is_some_and(|e| ["yml", "yaml", "sh", "py"].iter().any(|x| e == *x))
        })
        .collect();
    files.sort();
    files.into_iter().find_map(|path| {
        let text = std::fs::read_to_string(&path).ok()?;
        let lines: Vec<&str> = text.lines().collect();
        // The rewrite and the tag are often a line or two apart (a step's `name:` and `run:`).
        lines.iter().enumerate().find_map(|(i, line)| {
            let near = &lines[i.saturating_sub(2)..(i + 3).min(lines.len())];
            let tag = |l: &&str| l.contains("ref_name") || l.contains("GITHUB_REF");
            (line.contains("Cargo.toml") && near.iter().any(tag)).then(|| (path.clone(), i + 1))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        for v in ["0.0.0", "999.0.0", "9999.9.9"] {
            assert!(is_placeholder(&v.parse().unwrap()), "{v}");
        }
        for v in ["0.0.1", "99.0.0", "998.0.0", "1.0.0"] {
            assert!(!is_placeholder(&v.parse().unwrap()), "{v}");
        }
    }
}
