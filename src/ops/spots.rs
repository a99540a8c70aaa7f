//! `status --spots`: the version spots people keep in READMEs and docs (dependency
//! snippets, `pip install NAME==V`, docs.rs and PyPI version links, badges), found and
//! printed as `version-files` entries to paste, so `bump` moves them from then on.
use crate::error::Exit;
use std::path::{Path, PathBuf};

use crate::cli::GlobalArgs;
use crate::edit::pattern::{self, Hole};
use crate::project::Project;
use crate::project::config::Spelling;
use crate::shell::Shell;

/// One spot: a unique search pattern around the version in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spot {
    pub path: String,
    pub line: usize,
    /// `version-files` `search`: the context with `{version}` in place of the version.
    pub search: String,
    pub spelling: &'static str,
    pub kind: &'static str,
}

pub fn run(global: &GlobalArgs, shell: &Shell) -> anyhow::Result<Exit> {
    let project = Project::load(&global.load_options())?;
    let spots = untracked(&project)?;
    let semver = project.version.to_string();
    if spots.is_empty() {
        shell.status(
            "Spots",
            format!("no untracked version spot of {semver} in the README or docs"),
        );
        return Ok(Exit::Ok);
    }
    shell.status(
        "Spots",
        format!(
            "{} version spot(s) of {semver} that `bump` does not move; paste this into {} to make it move them, or run `cargo pyrelease sync --spots`:",
            spots.len(),
            project.rel(&project.workspace.manifest)
        ),
    );
    shell.out(entries(&project, &spots));
    Ok(Exit::Ok)
}

/// The spots of the current version in the READMEs and docs that no `version-files`
/// entry covers yet.
pub fn untracked(project: &Project) -> anyhow::Result<Vec<Spot>> {
    let crates: Vec<&str> = project.unit_members().map(|m| m.name.as_str()).collect();
    let dists: Vec<String> = project
        .packages
        .iter()
        .map(|p| project.dist_name(p))
        .collect();
    let semver = project.version.to_string();
    let pep440 = project.pep440.clone().unwrap_or_else(|_| semver.clone());
    let mut spots = Vec::new();
    for file in documents(&project.root) {
        let text = crate::exec::fs::read_text(&file)?;
        let rel = project.rel(&file);
        let known = |search: &str, spelling: &str| {
            project.config.version_files.iter().any(|v| {
                project.rel(&project.root.join(&v.path)) == rel
                    && v.search == search
                    && spelling_name(v.spelling) == spelling
            })
        };
        spots.extend(
            find(&text, &rel, &semver, &pep440, &crates, &dists)
                .into_iter()
                .filter(|s| !known(&s.search, s.spelling)),
        );
    }
    Ok(spots)
}

/// The `version-files` entries of `spots`, as TOML for the project's manifest.
pub fn entries(project: &Project, spots: &[Spot]) -> String {
    let table = project.workspace.config_top(project.config.file.as_deref());
    spots
        .iter()
        .map(|spot| {
            format!(
                "# {}:{} ({})\n[[{table}.metadata.pyrelease.version-files]]\npath = {}\nsearch = {}\nspelling = \"{}\"\n",
                spot.path,
                spot.line,
                spot.kind,
                toml_string(&spot.path),
                toml_string(&spot.search),
                spot.spelling
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The spelling as `version-files` writes it.
fn spelling_name(spelling: Spelling) -> &'static str {
    match spelling {
        Spelling::Semver => "semver",
        Spelling::Pep440 => "pep440",
        Spelling::Requirement => "requirement",
    }
}

fn toml_string(s: &str) -> String {
    toml_edit::Value::from(s).to_string().trim().to_string()
}

/// The README files at the root and the Markdown/reStructuredText files under `docs/`
/// (changelogs aside: their old versions are history, not spots).
fn documents(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![root.to_path_buf(), root.join("docs")];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().to_lowercase();
            if path.is_dir() {
                if dir != root && !name.starts_with('.') {
                    dirs.push(path);
                }
            } else if (dir != root || name.starts_with("readme"))
                && (name.ends_with(".md") || name.ends_with(".rst") || name.ends_with(".txt"))
                && !name.contains("changelog")
                && !name.contains("history")
                && !name.contains("changes")
            {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Every spot of `semver` (or `pep440`) in `text` that is one of the known kinds.
pub fn find(
    text: &str,
    path: &str,
    semver: &str,
    pep440: &str,
    crates: &[&str],
    dists: &[String],
) -> Vec<Spot> {
    let mut spots = Vec::new();
    let mut spellings = vec![("semver", semver.to_string())];
    if pep440 != semver {
        spellings.push(("pep440", pep440.to_string()));
    }
    // A dependency snippet often names the release line, not the release: `foo = "0.3"`
    // (and `foo = "1"` from 1.0 on), which the `requirement` spelling moves.
    if let Ok(v) = semver::Version::parse(semver) {
        spellings.push(("requirement", format!("{}.{}", v.major, v.minor)));
        if v.major > 0 {
            spellings.push(("requirement", v.major.to_string()));
        }
    }
    for (spelling, version) in &spellings {
        let (spelling, version) = (*spelling, version.as_str());
        let hole = if spelling == "requirement" {
            Hole::Requirement
        } else {
            Hole::Version
        };
        let mut from = 0;
        while let Some(at) = text[from..].find(version).map(|i| i + from) {
            from = at + version.len();
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
            let before = &text[line_start..at];
            let after = &text[from..line_end];
            // A longer version (`0.3.10` for `0.3.1`, `0.3.1` for `0.3`) is not this one.
            let longer = after.starts_with(|c: char| c.is_ascii_alphanumeric())
                || (hole == Hole::Requirement
                    && (after.starts_with(['-', '+'])
                        || (after.starts_with('.')
                            && after[1..].starts_with(|c: char| c.is_ascii_digit()))));
            if longer || before.ends_with(|c: char| c.is_ascii_digit() || c == '.') {
                continue;
            }
            let Some(kind) = kind(before, crates, dists) else {
                continue;
            };
            if hole == Hole::Requirement && kind != "dependency snippet" {
                continue;
            }
            let Some(search) = unique_search(text, before, after, hole) else {
                continue;
            };
            let line = text[..at].matches('\n').count() + 1;
            let spelling = if kind == "pip install" || kind == "PyPI link" {
                "pep440"
            } else {
                spelling
            };
            spots.push(Spot {
                path: path.to_string(),
                line,
                search,
                spelling,
                kind,
            });
        }
    }
    spots.sort_by_key(|s| s.line);
    spots.dedup_by(|a, b| a.search == b.search && a.spelling == b.spelling);
    spots
}

/// What the text before a version makes it.
fn kind(before: &str, crates: &[&str], dists: &[String]) -> Option<&'static str> {
    let lower = before.to_lowercase();
    // Links and badges: the word the version is in.
    let word = lower.rsplit(char::is_whitespace).next().unwrap_or_default();
    let dep = crates.iter().any(|c| {
        let c = c.to_lowercase();
        lower.ends_with(&format!("{c} = \""))
            || (lower.contains(&format!("{c} = {{")) && lower.ends_with("version = \""))
            || lower.ends_with(&format!("cargo add {c}@"))
    });
    let pip = dists.iter().any(|d| {
        let d = d.to_lowercase();
        lower.ends_with(&format!("{d}==")) && lower.contains("install")
    });
    if dep {
        Some("dependency snippet")
    } else if pip {
        Some("pip install")
    } else if word.contains("docs.rs/") && word.ends_with('/') {
        Some("docs.rs link")
    } else if word.contains("pypi.org/project/") && word.ends_with('/') {
        Some("PyPI link")
    } else if word.contains("shields.io") || word.contains("badge") {
        Some("badge")
    } else {
        None
    }
}

/// The shortest context around the version, grown a word at a time on each side, whose
/// pattern occurs once in `text`: `version-files` refuses an ambiguous one.
fn unique_search(text: &str, before: &str, after: &str, hole: Hole) -> Option<String> {
    let starts: Vec<usize> = std::iter::once(before.len())
        .chain(before.char_indices().rev().filter_map(|(i, c)| {
            (c.is_whitespace() || c == '(' || c == '[' || c == '"' || c == '`')
                .then_some(i + c.len_utf8())
        }))
        .chain(std::iter::once(0))
        .collect();
    let ends: Vec<usize> = after
        .char_indices()
        .filter_map(|(i, c)| match c {
            // A closing quote belongs to the spot; a bracket or a space ends it.
            '"' | '`' => Some(i + 1),
            ')' => Some(i),
            _ => c.is_whitespace().then_some(i),
        })
        .chain(std::iter::once(after.len()))
        .collect();
    for &start in starts.iter().skip(1) {
        for &end in &ends {
            let (prefix, suffix) = (&before[start..], &after[..end]);
            // A bare `"` or `(` before the version would match any version in quotes.
            if !prefix.chars().any(char::is_alphanumeric) {
                continue;
            }
            // Counted the way `bump` reads the pattern: another version in the same
            // context (an upgrade note's `foo = "0.2"`) would make it ambiguous too.
            let search = format!("{prefix}{{version}}{suffix}");
            if pattern::count_matches(text, &search, hole) == 1 {
                return Some(search);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_usual_spots_are_found() {
        let readme = "\
# fastparse [![version](https://img.shields.io/badge/version-0.3.1-blue)](x)

```toml
[dependencies]
fastparse = \"0.3.1\"
```

    pip install fastparse==0.3.1

See https://docs.rs/fastparse/0.3.1/fastparse/ and https://pypi.org/project/fastparse/0.3.1/.
Released 0.3.1 last week; 0.3.10 is not it.
";
        let spots = find(
            readme,
            "README.md",
            "0.3.1",
            "0.3.1",
            &["fastparse"],
            &["fastparse".into()],
        );
        let got: Vec<(&str, &str, &str)> = spots
            .iter()
            .map(|s| (s.kind, s.search.as_str(), s.spelling))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "badge",
                    "https://img.shields.io/badge/version-{version}-blue",
                    "semver"
                ),
                ("dependency snippet", "fastparse = \"{version}\"", "semver"),
                ("pip install", "fastparse=={version}", "pep440"),
                (
                    "docs.rs link",
                    "https://docs.rs/fastparse/{version}/fastparse/",
                    "semver"
                ),
                (
                    "PyPI link",
                    "https://pypi.org/project/fastparse/{version}/.",
                    "pep440"
                ),
            ]
        );
    }
}
