//! What `cargo metadata` is about to point at, read while it runs.
//!
//! `cargo metadata` is the floor every command stands on; on a large workspace
//! it takes most of a core for a few hundred milliseconds while this process
//! waits. Walking the tree and parsing the member manifests in that time takes
//! their cost off the critical path. Everything here is a cache: a file it did
//! not read, or could not read, is read again (with the proper error) by the
//! loader that needs it.
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use toml_edit::Document;

use super::config::table_at;

#[derive(Default)]
pub struct Prefetch {
    /// The folder the walk started from.
    pub dir: PathBuf,
    /// Every pyproject.toml under `dir`, as `pyproject::find(dir)` gives them.
    pub pyprojects: Vec<PathBuf>,
    manifests: HashMap<PathBuf, (String, Document<String>)>,
}

impl Prefetch {
    /// Walks `dir` and parses `manifest` and, when it is a workspace root, the
    /// manifests its `members` globs match.
    pub fn read(dir: &Path, manifest: Option<&Path>) -> Self {
        let found = super::walk::files(dir, &["pyproject.toml", "Cargo.toml"]);
        let (pyprojects, cargo): (Vec<_>, Vec<_>) = found
            .into_iter()
            .partition(|p| p.file_name().is_some_and(|n| n == "pyproject.toml"));
        let mut manifests = HashMap::new();
        let root = manifest.and_then(|m| Some((m, parse(m)?)));
        let globs: Vec<Vec<String>> = root
            .as_ref()
            .and_then(|(_, (_, doc))| table_at(doc.as_table(), &["workspace"]))
            .and_then(|w| w.get("members"))
            .and_then(|m| m.as_array())
            .map(|a| a.iter().filter_map(|v| v.as_str()).map(segments).collect())
            .unwrap_or_default();
        for path in cargo {
            let Some(rel) = path.parent().and_then(|p| p.strip_prefix(dir).ok()) else {
                continue;
            };
            let rel: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if globs.iter().any(|g| matches(g, &rel))
                && let Some(parsed) = parse(&path)
            {
                manifests.insert(path, parsed);
            }
        }
        if let Some((manifest, parsed)) = root {
            manifests.insert(manifest.to_path_buf(), parsed);
        }
        Self {
            dir: dir.to_path_buf(),
            pyprojects,
            manifests,
        }
    }

    /// The text and document of `path`, if it was read.
    pub fn take(&mut self, path: &Path) -> Option<(String, Document<String>)> {
        self.manifests.remove(path)
    }
}

fn parse(path: &Path) -> Option<(String, Document<String>)> {
    let text = crate::exec::fs::read_text(path).ok()?;
    let doc = crate::toml::parse_document(text.clone()).ok()?;
    Some((text, doc))
}

/// A `members` glob as path segments (`./` and trailing `/` dropped).
fn segments(glob: &str) -> Vec<String> {
    glob.split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .map(str::to_string)
        .collect()
}

/// Whether the folder `path` (segments relative to the root) matches `glob`.
/// `**` spans any number of segments; `*` and `?` work within one. Anything
/// fancier matches everything: a wider cache only costs a parse.
fn matches(glob: &[String], path: &[String]) -> bool {
    match (glob.split_first(), path.split_first()) {
        (None, None) => true,
        (Some((g, rest)), _) if g == "**" => {
            matches(rest, path) || path.split_first().is_some_and(|(_, p)| matches(glob, p))
        }
        (Some((g, grest)), Some((p, prest))) => segment(g, p) && matches(grest, prest),
        _ => false,
    }
}

fn segment(glob: &str, name: &str) -> bool {
    if glob.contains(['[', '{']) {
        return true;
    }
    let (g, n): (Vec<char>, Vec<char>) = (glob.chars().collect(), name.chars().collect());
    // Classic wildcard matching with one backtrack point for the last `*`.
    let (mut gi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if gi < g.len() && (g[gi] == '?' || g[gi] == n[ni]) {
            gi += 1;
            ni += 1;
        } else if gi < g.len() && g[gi] == '*' {
            star = Some(gi);
            mark = ni;
            gi += 1;
        } else if let Some(s) = star {
            gi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    g[gi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(glob: &str, path: &str) -> bool {
        matches(&segments(glob), &segments(path))
    }

    #[test]
    fn member_globs() {
        assert!(m("crates/*", "crates/core"));
        assert!(!m("crates/*", "crates/core/sub"));
        assert!(!m("crates/*", "other/core"));
        assert!(m("./py", "py"));
        assert!(m("crates/**", "crates/a/b"));
        assert!(m("**/py", "x/y/py"));
        assert!(m("crates/core-?", "crates/core-1"));
        assert!(m("crates/*-py", "crates/foo-py"));
        assert!(!m("crates/*-py", "crates/foo-rs"));
        assert!(m("crates/[ab]", "crates/zz"));
        assert!(m("", ""));
    }
}
