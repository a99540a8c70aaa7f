//! Release notes and a release announcement, from a changelog section. Pure.
use std::fmt::Write as _;

use serde::Serialize;

/// One release, as the notes describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    /// The name in titles: the first Python package's.
    pub title: String,
    pub semver: String,
    pub pep440: String,
    /// The changelog section's body, trimmed, `\n` line endings.
    pub body: String,
    /// Crates published to crates.io (`publish = false` ones, and all of them when
    /// they go to another registry, are left out).
    pub crates: Vec<Crate>,
    /// Python project names as written in pyproject.toml (none when they go to an
    /// index other than PyPI).
    pub python: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Crate {
    pub name: String,
    /// A binary crate is installed (`cargo install`), a library added (`cargo add`).
    pub binary: bool,
}

/// A registry page of this release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    pub registry: &'static str,
    pub name: String,
    pub version: String,
    pub url: String,
}

impl Release {
    /// The release of `version` of `project`, with `body` as its notes. The crates and
    /// packages listed are those whose pages are linked: the caller leaves out a side
    /// that does not go to crates.io or PyPI.
    pub fn of(
        project: &crate::project::Project,
        targets: &crate::registry::Targets,
        version: &semver::Version,
        pep440: &str,
        body: String,
    ) -> Self {
        // Only crates.io and PyPI pages are linked; a private registry has no known page.
        let crates_io = targets.registry.is_none();
        let pypi = targets.is_pypi();
        Self {
            title: project.name(),
            semver: version.to_string(),
            pep440: pep440.to_string(),
            body,
            crates: project
                .unit_members()
                .filter(|m| m.publish && crates_io)
                .map(|m| Crate {
                    name: m.name.clone(),
                    binary: m.package.targets.iter().any(|t| t.is_bin()),
                })
                .collect(),
            python: project
                .packages
                .iter()
                .filter(|_| pypi)
                .map(|p| project.dist_name(p))
                .collect(),
        }
    }

    /// The crates.io page of each crate, then the PyPI page of each Python package.
    pub fn links(&self) -> Vec<Link> {
        let crates = self.crates.iter().map(|c| Link {
            registry: "crates.io",
            name: c.name.clone(),
            version: self.semver.clone(),
            url: format!("https://crates.io/crates/{}/{}", c.name, self.semver),
        });
        let python = self.python.iter().map(|name| Link {
            registry: "PyPI",
            name: name.clone(),
            version: self.pep440.clone(),
            url: format!(
                "https://pypi.org/project/{}/{}/",
                crate::dist::normalize_python_name(name),
                self.pep440
            ),
        });
        crates.chain(python).collect()
    }

    /// The section followed by the registry links: the body of a GitHub release.
    pub fn notes(&self) -> String {
        let mut out = String::new();
        if !self.body.is_empty() {
            out.push_str(&self.body);
            out.push_str("\n\n");
        }
        let links = self.links();
        if links.is_empty() {
            return out;
        }
        out.push_str("### Packages\n\n");
        for link in links {
            let _ = writeln!(
                out,
                "- {}: [{} {}]({})",
                link.registry, link.name, link.version, link.url
            );
        }
        out
    }

    /// A short announcement: title, the first changes of the section, install lines.
    pub fn announcement(&self) -> String {
        let mut out = format!("# {} {} is out\n\n", self.title, self.semver);
        let items = highlights(&self.body);
        if !items.is_empty() {
            out.push_str("Highlights:\n\n");
            for item in items.iter().take(HIGHLIGHTS) {
                let _ = writeln!(out, "- {item}");
            }
            if items.len() > HIGHLIGHTS {
                let _ = writeln!(
                    out,
                    "- and {} more in the changelog",
                    items.len() - HIGHLIGHTS
                );
            }
            out.push('\n');
        }
        out.push_str("Install it:\n\n```sh\n");
        for c in &self.crates {
            if c.binary {
                let _ = writeln!(out, "cargo install {} --version {}", c.name, self.semver);
            } else {
                let _ = writeln!(out, "cargo add {}@{}", c.name, self.semver);
            }
        }
        for name in &self.python {
            let _ = writeln!(out, "pip install {name}=={}", self.pep440);
        }
        out.push_str("```\n\n");
        for link in self.links() {
            let _ = writeln!(out, "- {}: {}", link.registry, link.url);
        }
        out
    }
}

/// An announcement lists this many changes; the rest are counted.
const HIGHLIGHTS: usize = 5;

/// The top-level list items of a section (`- x` or `* x`), in order: the changes.
/// Subheadings (`### Added`), nested items and prose are left out.
fn highlights(body: &str) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    let mut in_item = false;
    for line in body.lines() {
        if let Some(text) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
            items.push(text.trim().to_string());
            in_item = true;
        } else if in_item && line.starts_with("  ") && !line.trim_start().starts_with(['-', '*']) {
            // A wrapped item: its continuation lines belong to it.
            let last = items.last_mut().expect("in an item");
            last.push(' ');
            last.push_str(line.trim());
        } else {
            in_item = false;
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(body: &str) -> Release {
        Release {
            title: "fast_parse".into(),
            semver: "1.2.0-rc.1".into(),
            pep440: "1.2.0rc1".into(),
            body: body.into(),
            crates: vec![
                Crate {
                    name: "fastparse".into(),
                    binary: false,
                },
                Crate {
                    name: "fastparse-cli".into(),
                    binary: true,
                },
            ],
            python: vec!["Fast_Parse".into()],
        }
    }

    #[test]
    fn links_use_each_registrys_spelling() {
        let urls: Vec<String> = release("").links().into_iter().map(|l| l.url).collect();
        assert_eq!(
            urls,
            [
                "https://crates.io/crates/fastparse/1.2.0-rc.1",
                "https://crates.io/crates/fastparse-cli/1.2.0-rc.1",
                "https://pypi.org/project/fast-parse/1.2.0rc1/",
            ]
        );
    }

    #[test]
    fn highlights_are_the_top_level_items() {
        let body = "### Added\n\n- One\n  continued.\n  - nested\n* Two\n\nProse.\n";
        assert_eq!(highlights(body), ["One continued.", "Two"]);
    }

    #[test]
    fn announcement_counts_what_it_leaves_out() {
        let body = (1..=7)
            .map(|i| format!("- change {i}\n"))
            .collect::<String>();
        let text = release(&body).announcement();
        assert!(
            text.contains("- change 5\n- and 2 more in the changelog\n"),
            "{text}"
        );
        assert!(text.contains("cargo add fastparse@1.2.0-rc.1\n"), "{text}");
        assert!(text.contains("cargo install fastparse-cli --version 1.2.0-rc.1\n"));
        assert!(
            text.contains("pip install Fast_Parse==1.2.0rc1\n"),
            "{text}"
        );
    }
}
