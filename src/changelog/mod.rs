//! The changelog: read into sections, and a release written into it in the file's own style.
//!
//! One module for every command that touches the changelog, so that `bump`, `verify`,
//! `notes` and `publish` find a version's section the same way ([`Changelog::release`],
//! which matches both the semver `1.2.0-rc.1` and the PEP 440 `1.2.0rc1` spelling, with or
//! without `v`). Cut by job:
//! - [`parse`]: the document's sections, headings (ATX and setext) and link definitions, as
//!   byte ranges into the untouched text;
//! - [`style`]: how this file spells a release heading, learned from its newest one, and
//!   that spelling written for a new version;
//! - [`splice`] and `links`: the new section and its link references, as byte-range edits;
//! - [`groups`]: a section's `### Added`/`### Fixed` groups, merged (a pre-release cycle's
//!   sections gathered into the final release);
//! - [`commits`]: a section from conventional commits, for files without `[Unreleased]`.
//!
//! Everything here is pure text in, text out; reading the commits is `project::commits`.

pub mod commits;
pub mod groups;
mod links;
pub mod parse;
pub mod splice;
pub mod style;

use std::ops::Range;
use std::path::{Path, PathBuf};

pub use parse::parse;
pub use splice::{ChangelogError, ReleaseEdit, release, release_with_body};
pub use style::{DateStyle, HeadingStyle};

/// Where changelogs live in the surveyed projects, most common first.
pub const CANDIDATES: &[&str] = &[
    "CHANGELOG.md",
    "Changelog.md",
    "changelog.md",
    "CHANGES.md",
    "HISTORY.md",
    "docs/release-notes.md",
    "docs/changelog.md",
];

/// What to do about a section above Cargo's version (`changelog-release-ahead`), said the
/// same by `verify` and `bump`; `config_table` is where `changelog` is set.
pub fn ahead_help(ahead: &str, config_table: &str) -> String {
    format!(
        "if {ahead} was released, set that version in Cargo.toml (`cargo pyrelease bump {ahead}`); otherwise rename the section to `[Unreleased]`; if the file is another line's changelog (the Rust core's), name this package's own with `changelog = \"path\"` in `{config_table}`, or write `changelog = false`"
    )
}

/// The first of [`CANDIDATES`] in the first of `dirs` that has one: callers list the
/// folders nearest the package first, so a Python package's own `py-foo/CHANGELOG.md` wins
/// over the Rust core's at the root.
///
/// On a case-insensitive file system the returned name may differ in case from the name on
/// disk; it still opens the same file.
pub fn locate<'d>(dirs: impl IntoIterator<Item = &'d Path>) -> Option<PathBuf> {
    dirs.into_iter().find_map(|dir| {
        CANDIDATES
            .iter()
            .map(|name| dir.join(name))
            .find(|path| path.is_file())
    })
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changelog {
    pub text: String,
    /// In file order (newest release first in every surveyed changelog).
    pub sections: Vec<Section>,
    /// Every link reference definition outside code, in file order.
    pub links: Vec<LinkDef>,
    /// How the next release heading should be written.
    pub style: HeadingStyle,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectionKind {
    Unreleased,
    Release { version: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub kind: SectionKind,
    /// 1-based line of the heading (of its text line, for a setext heading).
    pub line: usize,
    /// Number of `#` of the heading (1 for a `===` setext heading, 2 for `---`).
    pub level: usize,
    /// The heading line without its line ending; for a setext heading, both lines.
    pub heading: Range<usize>,
    /// From the line after the heading to the next section, the trailing link definitions or EOF.
    pub body: Range<usize>,
    /// `YYYY-MM-DD` found in a release heading.
    pub date: Option<String>,
}

/// A link reference definition, `[1.2.3]: https://…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkDef {
    /// As written, without the brackets (`Unreleased`, `1.2.3`, `v0.14.0`).
    pub label: String,
    pub url: String,
    /// 1-based.
    pub line: usize,
    /// The whole line, without its line ending.
    pub span: Range<usize>,
    /// The URL alone (inside `<>` when written that way), so it can be replaced in place.
    pub url_span: Range<usize>,
}

/// The value of a version however it is spelled: `1.2.0-rc.1`, `1.2.0rc1` and `v1.2.0rc1`
/// are one version. `None` for text that is neither semver nor PEP 440.
pub fn version_key(version: &str) -> Option<pep440_rs::Version> {
    let bare = strip_v(version);
    match semver::Version::parse(bare) {
        Ok(v) => crate::version::to_pep440(&v).ok(),
        Err(_) => bare.parse().ok(),
    }
}

/// Whether two spellings name one version; text that is not a version compares as written.
pub fn same_version(a: &str, b: &str) -> bool {
    match (version_key(a), version_key(b)) {
        (Some(a), Some(b)) => a == b,
        _ => strip_v(a) == strip_v(b),
    }
}

impl Changelog {
    /// The first Unreleased section (a second one is ignored; it is unusual enough that the
    /// user should see it in the diff rather than have us guess).
    pub fn unreleased(&self) -> Option<&Section> {
        self.sections
            .iter()
            .find(|s| s.kind == SectionKind::Unreleased)
    }

    /// The first section of `version`, in either spelling (see [`version_key`]): the one
    /// section lookup of every command.
    pub fn release(&self, version: &str) -> Option<&Section> {
        let key = version_key(version);
        self.sections.iter().find(|s| match (&s.kind, &key) {
            (SectionKind::Release { version: v }, Some(key)) => {
                version_key(v).is_some_and(|k| &k == key)
            }
            (SectionKind::Release { version: v }, None) => v == strip_v(version),
            (SectionKind::Unreleased, _) => false,
        })
    }

    /// Every release section with its version, in file order.
    pub fn releases(&self) -> impl Iterator<Item = (&str, &Section)> {
        self.sections.iter().filter_map(|s| match &s.kind {
            SectionKind::Release { version } => Some((version.as_str(), s)),
            SectionKind::Unreleased => None,
        })
    }

    /// The topmost release section: changelogs list the newest release first. The caller
    /// compares versions when it needs the highest.
    pub fn latest_release(&self) -> Option<&Section> {
        self.releases().next().map(|(_, s)| s)
    }

    /// The version of the topmost release section.
    pub fn latest_version(&self) -> Option<&str> {
        self.releases().next().map(|(v, _)| v)
    }

    /// The body of a section, trimmed of surrounding whitespace, line endings as in the file.
    pub fn section_body<'a>(&'a self, s: &Section) -> &'a str {
        self.text.get(s.body.clone()).unwrap_or("").trim()
    }

    /// Whether a section lists any change. Blank lines, HTML comments (templates leave
    /// `<!-- add changes here -->`), bare subheadings (`### Added` from a Keep a Changelog
    /// template) and compare links (`[Unreleased]: …/compare/v1.2.3...HEAD`, `**Full
    /// Changelog**: …/compare/…`) are not changes, so a release would have no notes.
    pub fn lists_changes(&self, s: &Section) -> bool {
        lists_changes(self.section_body(s))
    }

    /// The lines of the first two Unreleased sections, when there are two: which one is
    /// the next release's is a guess not made.
    pub fn unreleased_twice(&self) -> Option<(usize, usize)> {
        let mut pending = self
            .sections
            .iter()
            .filter(|s| s.kind == SectionKind::Unreleased);
        Some((pending.next()?.line, pending.next()?.line))
    }

    /// The topmost release section when it is of a version above `version` (either
    /// spelling): a release the version authority never had (a bad merge, a hand edit).
    pub fn release_above(&self, version: &str) -> Option<(&str, &Section)> {
        let key = version_key(version)?;
        self.releases()
            .next()
            .filter(|(v, _)| version_key(v).is_some_and(|k| k > key))
    }

    /// Versions that have more than one section, in either spelling: (version, first line,
    /// later line), once per later occurrence.
    pub fn duplicates(&self) -> Vec<(String, usize, usize)> {
        let releases: Vec<_> = self.releases().collect();
        let mut out = Vec::new();
        for (i, (version, s)) in releases.iter().enumerate() {
            if let Some((_, first)) = releases[..i].iter().find(|(v, _)| same_version(v, version)) {
                out.push((version.to_string(), first.line, s.line));
            }
        }
        out
    }
}

/// The text of [`Changelog::lists_changes`].
pub fn lists_changes(body: &str) -> bool {
    let mut in_comment = false;
    for line in body.lines() {
        let t = line.trim();
        if in_comment {
            if let Some(end) = t.find("-->") {
                in_comment = false;
                if !t[end + 3..].trim().is_empty() {
                    return true;
                }
            }
            continue;
        }
        if t.is_empty() || parse::atx_heading(t).is_some() || is_compare_link(t) {
            continue;
        }
        if let Some(after) = t.strip_prefix("<!--") {
            match after.find("-->") {
                Some(end) if !after[end + 3..].trim().is_empty() => return true,
                Some(_) => {}
                None => in_comment = true,
            }
            continue;
        }
        return true;
    }
    false
}

/// A line that only points at a diff: a link definition or a line of prose (not a list
/// item) with a `/compare/` URL. A change that mentions a compare URL is a list item.
fn is_compare_link(line: &str) -> bool {
    (line.contains("/compare/") && !parse::is_list_item(line)) || parse::link_def(line).is_some()
}

/// The body of `version`'s section (either spelling), trimmed, with `\n` line endings (for
/// release notes and tag messages, which should not inherit a CRLF file's endings).
pub fn section_text(cl: &Changelog, version: &str) -> Option<String> {
    let s = cl.release(version)?;
    Some(cl.section_body(s).replace("\r\n", "\n"))
}

pub(crate) fn strip_v(version: &str) -> &str {
    match version.strip_prefix(['v', 'V']) {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
        _ => version,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_lookup_for_both_spellings() {
        let cl = parse("## [Unreleased]\n\n## 1.3.0rc1\n- a\n\n## v1.2.0-beta.2\n- b\n\n## 1.1\n");
        for q in [
            "1.3.0-rc.1",
            "1.3.0rc1",
            "v1.3.0rc1",
            "v1.3.0-rc.1",
            "1.3.0.rc1",
        ] {
            assert_eq!(cl.release(q).map(|s| s.line), Some(3), "{q}");
        }
        for q in ["1.2.0b2", "1.2.0-beta.2", "v1.2.0b2"] {
            assert_eq!(cl.release(q).map(|s| s.line), Some(6), "{q}");
        }
        assert_eq!(cl.release("1.1.0").map(|s| s.line), Some(9));
        assert!(cl.release("1.3.0").is_none());
        assert!(cl.release("1.3.0-rc.2").is_none());
        assert_eq!(section_text(&cl, "1.3.0-rc.1").as_deref(), Some("- a"));
        // Two spellings of one version are one version twice.
        let cl = parse("## 1.0.0-rc.1\n## 1.0.0rc1\n");
        assert_eq!(cl.duplicates(), vec![("1.0.0rc1".to_string(), 1, 2)]);
    }

    #[test]
    fn compare_links_are_not_changes() {
        for body in [
            "[Unreleased]: https://github.com/o/r/compare/v1.2.0...HEAD",
            "[Full diff](https://github.com/o/r/compare/v1.2.0...HEAD)",
            "**Full Changelog**: https://github.com/o/r/compare/v1.2.0...HEAD",
            "### Added\n\n<!-- here -->\n\n[Compare](https://github.com/o/r/compare/v1...HEAD)",
        ] {
            assert!(!lists_changes(body), "{body}");
        }
        for body in [
            "- fix the compare link https://github.com/o/r/compare/a...b",
            "1. a change",
            "Some prose.",
        ] {
            assert!(lists_changes(body), "{body}");
        }
    }

    #[test]
    fn locate_prefers_the_nearest_folder() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path().to_path_buf();
        let py = dir.join("py-foo");
        let write = |path: std::path::PathBuf| {
            crate::exec::fs::write_atomic(&path, b"## 1.0.0\n").unwrap();
        };
        assert_eq!(locate([dir.as_path()]), None);
        write(dir.join("docs/release-notes.md"));
        assert_eq!(
            locate([dir.as_path()]),
            Some(dir.join("docs/release-notes.md"))
        );
        write(dir.join("HISTORY.md"));
        assert_eq!(locate([dir.as_path()]), Some(dir.join("HISTORY.md")));
        assert_eq!(
            locate([py.as_path(), dir.as_path()]),
            Some(dir.join("HISTORY.md"))
        );
        write(py.join("CHANGELOG.md"));
        assert_eq!(
            locate([py.as_path(), dir.as_path()]),
            Some(py.join("CHANGELOG.md"))
        );
    }
}
