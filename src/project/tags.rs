//! The tag prefix a project already uses, read from its tags: projects tag `1.2.0`,
//! `py-1.2.0` or `python-v1.2.0`, not only `v1.2.0`. Tags are read from the repository's
//! files (`refs/tags/`, `packed-refs`), not by one more process.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The prefix of this project's release tags when it is not the default `v`: the prefix of
/// the tag of `version` if there is one (a Python-looking one first, in repositories that tag
/// the Rust and Python sides apart), else the most common prefix, unless `v` tags exist.
pub fn infer_prefix(repo_top: &Path, version: &semver::Version) -> Option<(String, String)> {
    let names = tag_names(&git_dir(repo_top)?);
    let tagged: Vec<(String, semver::Version, &String)> = names
        .iter()
        .filter_map(|name| split(name).map(|(p, v)| (p.to_string(), v, name)))
        .collect();
    let of_version: Vec<_> = tagged.iter().filter(|(_, v, _)| v == version).collect();
    let chosen = of_version
        .iter()
        .find(|(p, _, _)| p.contains("py"))
        .or_else(|| of_version.iter().find(|(p, _, _)| p == "v"))
        .or_else(|| of_version.first())
        .map(|(p, _, name)| (p.clone(), (*name).clone()));
    let chosen = chosen.or_else(|| {
        if tagged.iter().any(|(p, _, _)| p == "v") {
            return None;
        }
        let mut counts: BTreeMap<&str, (usize, &String)> = BTreeMap::new();
        for (p, _, name) in &tagged {
            counts.entry(p).or_insert((0, name)).0 += 1;
        }
        let (p, (_, name)) = counts.into_iter().max_by_key(|(_, (n, _))| *n)?;
        Some((p.to_string(), name.clone()))
    })?;
    (chosen.0 != "v").then_some(chosen)
}

/// `py-v1.2.0` -> (`py-v`, 1.2.0): the shortest prefix after which the rest is a version.
fn split(tag: &str) -> Option<(&str, semver::Version)> {
    tag.char_indices()
        .filter(|(_, c)| c.is_ascii_digit())
        .find_map(|(i, _)| {
            let prefix = &tag[..i];
            let ok = !prefix.ends_with(|c: char| c.is_ascii_digit() || c == '.');
            ok.then(|| tag[i..].parse().ok().map(|v| (prefix, v)))
                .flatten()
        })
}

/// The git directory holding the tags: `.git`, or the common directory of a worktree.
fn git_dir(top: &Path) -> Option<PathBuf> {
    let dot = top.join(".git");
    if dot.is_dir() {
        return Some(dot);
    }
    let text = std::fs::read_to_string(&dot).ok()?;
    let dir = top.join(text.strip_prefix("gitdir:")?.trim());
    match std::fs::read_to_string(dir.join("commondir")) {
        Ok(common) => Some(dir.join(common.trim())),
        Err(_) => Some(dir),
    }
}

fn tag_names(git_dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    let refs = git_dir.join("refs").join("tags");
    for path in super::walk::files_under(&refs) {
        if let Ok(rel) = path.strip_prefix(&refs) {
            names.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    if let Ok(packed) = std::fs::read_to_string(git_dir.join("packed-refs")) {
        names.extend(
            packed
                .lines()
                .filter_map(|l| l.split_once(" refs/tags/").map(|(_, n)| n.to_string())),
        );
    }
    names.sort();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn prefixes() {
        let v = |s: &str| s.parse::<semver::Version>().unwrap();
        assert_eq!(split("1.2.0"), Some(("", v("1.2.0"))));
        assert_eq!(split("py-v1.2.0-rc.1"), Some(("py-v", v("1.2.0-rc.1"))));
        assert_eq!(split("rs-0.55.1"), Some(("rs-", v("0.55.1"))));
        assert_eq!(split("v0.1.6-python"), Some(("v", v("0.1.6-python"))));
        assert_eq!(split("nightly"), None);
    }
}
