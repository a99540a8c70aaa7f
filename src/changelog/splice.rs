//! Splicing a release into a changelog: text in, text out.
//!
//! The new version's heading is written in the file's own style ([`HeadingStyle`]). With an
//! Unreleased section ([`release`]), its heading becomes the new version's, with a fresh
//! empty Unreleased heading (spelled like the old one) and a blank line above it; the body
//! stays where it is, so it now belongs to the release. With a body made elsewhere
//! ([`release_with_body`]: from commits, or a pre-release cycle's sections gathered), the
//! new section holds that body, below the fresh Unreleased heading or, in a file without
//! one, above the newest release. When the file keeps compare links, the `[Unreleased]`
//! link moves to the new tag and a link for the new version goes right below it. Nothing
//! else changes: the edit is a list of byte range replacements on the original text, so
//! line endings, trailing newline, whitespace and every other line survive byte for byte.
//!
//! [`HeadingStyle`]: super::HeadingStyle

use std::fmt;
use std::ops::Range;

use super::links::{RepoUrl, heading_link, latest_release_link};
use super::style::version_len;
use super::{Changelog, Section, parse};

/// What to release. `version` is spelled as it should appear in the heading; `previous` and
/// `tag_prefix` only matter for links.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReleaseEdit<'a> {
    /// `1.3.0`, as it should appear in the heading.
    pub version: &'a str,
    /// The version released before, for the compare link; `None` for a first release.
    pub previous: Option<&'a str>,
    /// `YYYY-MM-DD`.
    pub date: &'a str,
    /// Used only when the existing links do not show the prefix (`v`) the tags use.
    pub tag_prefix: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangelogError {
    NoUnreleased,
    EmptyUnreleased { line: usize },
    AlreadyReleased { version: String, line: usize },
}

impl fmt::Display for ChangelogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChangelogError::NoUnreleased => write!(
                f,
                "the changelog has no Unreleased section: add a `## [Unreleased]` section at the \
                 top of the changelog with the changes of this release"
            ),
            ChangelogError::EmptyUnreleased { line } => write!(
                f,
                "the Unreleased section of the changelog (line {line}) lists no changes: describe \
                 the changes of this release under it, or allow an empty changelog entry"
            ),
            ChangelogError::AlreadyReleased { version, line } => write!(
                f,
                "the changelog already has a section for {version} (line {line}): choose a newer \
                 version, or remove that section if {version} was never released"
            ),
        }
    }
}

impl std::error::Error for ChangelogError {}

/// The changelog text with the Unreleased section turned into `edit.version`'s section.
///
/// Errors, checked in this order: the version already has a section; there is no Unreleased
/// section; the Unreleased section lists nothing (blank lines, HTML comments, compare links
/// and bare subheadings such as `### Added` do not count) unless `allow_empty`.
pub fn release(
    cl: &Changelog,
    edit: &ReleaseEdit,
    allow_empty: bool,
) -> Result<String, ChangelogError> {
    not_released(cl, edit)?;
    let unreleased = cl.unreleased().ok_or(ChangelogError::NoUnreleased)?;
    if !allow_empty && !cl.lists_changes(unreleased) {
        return Err(ChangelogError::EmptyUnreleased {
            line: unreleased.line,
        });
    }
    Ok(splice(cl, edit, None))
}

/// The changelog text with a new section for `edit.version` holding `body` (trimmed; empty
/// for a heading alone). An Unreleased section is emptied: its entries are the caller's to
/// put into `body`. Refused only when the version already has a section.
pub fn release_with_body(
    cl: &Changelog,
    edit: &ReleaseEdit,
    body: &str,
) -> Result<String, ChangelogError> {
    not_released(cl, edit)?;
    Ok(splice(cl, edit, Some(body.trim())))
}

fn not_released(cl: &Changelog, edit: &ReleaseEdit) -> Result<(), ChangelogError> {
    match cl.release(edit.version) {
        Some(s) => Err(ChangelogError::AlreadyReleased {
            version: edit.version.to_string(),
            line: s.line,
        }),
        None => Ok(()),
    }
}

fn splice(cl: &Changelog, edit: &ReleaseEdit, body: Option<&str>) -> String {
    let text = cl.text.as_str();
    let unreleased = cl.unreleased();
    let links = &cl.links;
    let eol = eol_at(text, unreleased.map_or(text.len(), |u| u.heading.end));
    let style = &cl.style;
    // CommonMark uses the first definition of a label, so that is the one readers follow.
    let unreleased_link = links
        .iter()
        .find(|l| l.label.eq_ignore_ascii_case("unreleased"));
    let unreleased_repo = unreleased_link.and_then(|l| RepoUrl::parse(&l.url));

    let mut edits: Vec<(Range<usize>, String)> = Vec::new();

    let heading_url = style
        .link
        .as_deref()
        .and_then(|url| heading_link(cl, url, edit))
        .or_else(|| {
            // A linked style whose URL we cannot read: link like the Unreleased definition.
            style.link.as_ref()?;
            let repo = unreleased_repo.as_ref()?;
            let prefix = repo.old_tag_prefix(edit.previous, edit.tag_prefix);
            Some(repo.version_url(&prefix, edit.previous, edit.version))
        });
    let heading = style.render(edit.version, edit.date, heading_url.as_deref());
    // A URL taken from the file can spoil the heading: a `)` ends the link early, the
    // word "unreleased" makes it an Unreleased heading (both found by fuzz/). Then it is
    // written unlinked, so the release always has its section.
    let heading = if parse(&heading).release(edit.version).is_some() {
        heading
    } else {
        style.render(edit.version, edit.date, None)
    };
    let heading = with_eol(&heading, eol);
    let section = match body {
        None => heading,
        Some("") => format!("{heading}{eol}{eol}"),
        Some(body) => format!("{heading}{eol}{eol}{}{eol}{eol}", with_eol(body, eol)),
    };
    match (unreleased, body) {
        (Some(u), None) => {
            let fresh = fresh_unreleased(cl, u, edit, eol);
            edits.push((u.heading.clone(), format!("{fresh}{eol}{eol}{section}")));
        }
        (Some(u), Some(_)) => {
            edits.push((u.heading.clone(), fresh_unreleased(cl, u, edit, eol)));
            // The old body goes (its entries are in `body`), but its link definitions
            // stay: they serve the Unreleased heading, and are edited below.
            let mut from = u.body.start;
            let kept = links
                .iter()
                .filter(|l| u.body.start <= l.span.start && l.span.end <= u.body.end);
            for l in kept {
                edits.push((from..l.span.start, eol.to_string()));
                from = l.span.end;
            }
            // Right after the heading (no body, no line ending) a blank line is missing.
            let gap = if from > u.body.start || u.body.start == u.heading.end {
                2
            } else {
                1
            };
            edits.push((from..u.body.end, format!("{}{section}", eol.repeat(gap))));
        }
        (None, _) => {
            let at = insertion_point(cl);
            // At the end of a file, after its title: start on a line of its own.
            let gap =
                if at < text.len() || text.is_empty() || text.ends_with(&format!("{eol}{eol}")) {
                    0
                } else if text.ends_with('\n') {
                    1
                } else {
                    2
                };
            edits.push((at..at, format!("{}{section}", eol.repeat(gap))));
        }
    }

    let label = style.label(edit.version);
    if let (Some(link), Some(repo)) = (unreleased_link, &unreleased_repo) {
        let prefix = repo.old_tag_prefix(edit.previous, edit.tag_prefix);
        let new_line = format!(
            "{}[{label}]: {}",
            eol_at(text, link.span.end),
            repo.version_url(&prefix, edit.previous, edit.version)
        );
        edits.push((
            link.url_span.clone(),
            repo.unreleased_url(&prefix, edit.version),
        ));
        edits.push((link.span.end..link.span.end, new_line));
    } else if unreleased_link.is_none()
        && let Some((def, repo, prefix)) = latest_release_link(cl, edit)
    {
        // No Unreleased link, but the releases have theirs: add ours above the newest.
        let url = repo.version_url(&prefix, edit.previous, edit.version);
        edits.push((
            def.span.start..def.span.start,
            format!("[{label}]: {url}{eol}"),
        ));
    }

    apply(text, edits)
}

/// Where a new section goes in a file without Unreleased: above the newest release, or
/// else before the closing link definitions, or at the end.
fn insertion_point(cl: &Changelog) -> usize {
    if let Some(s) = cl.latest_release() {
        return s.heading.start;
    }
    let text = cl.text.as_str();
    let mut at = text.len();
    for l in cl.links.iter().rev() {
        if text[l.span.end..at].trim().is_empty() {
            at = l.span.start;
        } else {
            break;
        }
    }
    at
}

/// `s`, written with `\n`, in the file's line ending.
fn with_eol(s: &str, eol: &str) -> String {
    if eol == "\n" {
        s.to_string()
    } else {
        s.replace("\r\n", "\n").replace('\n', eol)
    }
}

fn apply(text: &str, mut edits: Vec<(Range<usize>, String)>) -> String {
    edits.sort_by_key(|(r, _)| (r.start, r.end));
    let extra: usize = edits.iter().map(|(_, s)| s.len()).sum();
    let mut out = String::with_capacity(text.len() + extra);
    let mut pos = 0;
    for (range, replacement) in edits {
        out.push_str(&text[pos..range.start]);
        out.push_str(&replacement);
        pos = range.end;
    }
    out.push_str(&text[pos..]);
    out
}

/// The line ending after `pos` (the end of a line's content); for the last line without
/// one, the file's first line ending, so inserted lines match the rest of the file.
fn eol_at(text: &str, pos: usize) -> &'static str {
    let rest = &text[pos..];
    if rest.starts_with("\r\n") {
        "\r\n"
    } else if rest.starts_with('\n') {
        "\n"
    } else {
        match text.find('\n') {
            Some(i) if i > 0 && text.as_bytes()[i - 1] == b'\r' => "\r\n",
            _ => "\n",
        }
    }
}

/// The new empty Unreleased heading: the old heading as written, with an inline compare
/// link (`## [Unreleased](…/compare/v1.2.3...HEAD)`) moved to the new tag. A heading that
/// names the pending version (`## 1.3.0 (unreleased)`) cannot be copied, since the next
/// version is unknown; it becomes a plain `Unreleased` heading of the same level and form.
fn fresh_unreleased(cl: &Changelog, s: &Section, edit: &ReleaseEdit, eol: &str) -> String {
    let line = &cl.text[s.heading.clone()];
    let plain = || {
        let bracketed = line.trim_start_matches([' ', '#']).starts_with('[');
        let name = if bracketed {
            "[Unreleased]"
        } else {
            "Unreleased"
        };
        match line.lines().nth(1) {
            // Setext: the old underline, which a shorter name does not outgrow.
            Some(underline) => format!("{name}{eol}{}", underline.trim()),
            None => format!("{} {name}", "#".repeat(s.level)),
        }
    };
    let text_part = line.split("](").next().unwrap_or(line);
    if contains_version(text_part) {
        return plain();
    }
    let fresh = relinked_unreleased(line, edit);
    // A rewritten link can take the word "Unreleased" with it when the word was only in
    // the URL (found by fuzz/); the heading must still read as Unreleased.
    if parse(&fresh).unreleased().is_some() {
        fresh
    } else {
        plain()
    }
}

/// The Unreleased heading with its compare link (if any) moved to the new version.
fn relinked_unreleased(line: &str, edit: &ReleaseEdit) -> String {
    if let Some(open) = line.find("](") {
        let start = open + 2;
        if let Some(len) = line[start..].find(')') {
            let url = &line[start..start + len];
            if let Some(repo) = RepoUrl::parse(url).filter(|r| r.compare.is_some()) {
                let prefix = repo.old_tag_prefix(edit.previous, edit.tag_prefix);
                return format!(
                    "{}{}{}",
                    &line[..start],
                    repo.unreleased_url(&prefix, edit.version),
                    &line[start + len..]
                );
            }
        }
    }
    line.to_string()
}

/// A version token (`1.3.0`, `v1.3.0`) standing on its own in `s`.
fn contains_version(s: &str) -> bool {
    let b = s.as_bytes();
    (0..b.len()).any(|i| {
        let starts_token = i == 0 || !b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'v';
        b[i].is_ascii_digit() && starts_token && version_len(&s[i..]).is_some()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changelog::{parse, section_text};

    const DATE: &str = "2026-11-25";

    fn edit<'a>(version: &'a str, previous: Option<&'a str>) -> ReleaseEdit<'a> {
        ReleaseEdit {
            version,
            previous,
            date: DATE,
            tag_prefix: "v",
        }
    }

    fn run(text: &str, version: &str, previous: Option<&str>) -> String {
        release(&parse(text), &edit(version, previous), false).unwrap()
    }

    #[test]
    fn keep_a_changelog_with_links() {
        let input = "\
# Changelog

All notable changes to this project will be documented in this file.

## [Unreleased]

### Added
- New thing.

## [1.2.3] - 2024-01-02

### Fixed
- A bug.

[Unreleased]: https://github.com/o/r/compare/v1.2.3...HEAD
[1.2.3]: https://github.com/o/r/compare/v1.2.2...v1.2.3
";
        let expected = "\
# Changelog

All notable changes to this project will be documented in this file.

## [Unreleased]

## [1.3.0] - 2026-11-25

### Added
- New thing.

## [1.2.3] - 2024-01-02

### Fixed
- A bug.

[Unreleased]: https://github.com/o/r/compare/v1.3.0...HEAD
[1.3.0]: https://github.com/o/r/compare/v1.2.3...v1.3.0
[1.2.3]: https://github.com/o/r/compare/v1.2.2...v1.2.3
";
        let out = run(input, "1.3.0", Some("1.2.3"));
        assert_eq!(out, expected);
        let cl = parse(&out);
        assert_eq!(
            section_text(&cl, "1.3.0").unwrap(),
            "### Added\n- New thing."
        );
        assert_eq!(cl.section_body(cl.unreleased().unwrap()), "");
    }

    fn with_body(text: &str, body: &str) -> String {
        release_with_body(&parse(text), &edit("1.3.0", Some("1.2.0")), body).unwrap()
    }

    #[test]
    fn a_given_body_replaces_the_unreleased_entries() {
        let input = "# C\n\n## [Unreleased]\n\n- old\n\n## [1.2.0] - 2024-01-01\n\n- x\n";
        assert_eq!(
            with_body(input, "- old\n- new"),
            "# C\n\n## [Unreleased]\n\n## [1.3.0] - 2026-11-25\n\n- old\n- new\n\n\
             ## [1.2.0] - 2024-01-01\n\n- x\n"
        );
        // The Unreleased compare link stays under its heading, moved to the new tag.
        let input = "## [Unreleased]\n\n[Unreleased]: https://github.com/o/r/compare/v1.2.0...HEAD\n\n\
                     ## [1.2.0]\n\n- x\n";
        assert_eq!(
            with_body(input, "- new"),
            "## [Unreleased]\n\n[Unreleased]: https://github.com/o/r/compare/v1.3.0...HEAD\n\
             [1.3.0]: https://github.com/o/r/compare/v1.2.0...v1.3.0\n\n\
             ## [1.3.0]\n\n- new\n\n## [1.2.0]\n\n- x\n"
        );
        // CRLF, and an Unreleased heading at the very end.
        assert_eq!(
            with_body("## 1.2.0\r\n\r\n## Unreleased", "- a\n- b"),
            "## 1.2.0\r\n\r\n## Unreleased\r\n\r\n## 1.3.0\r\n\r\n- a\r\n- b\r\n\r\n"
        );
    }

    #[test]
    fn without_unreleased_the_section_goes_above_the_newest_release() {
        let input = "# C\n\n## 1.2.0 (2024-01-01)\n\n- x\n";
        assert_eq!(
            with_body(input, "### Added\n\n- y\n"),
            "# C\n\n## 1.3.0 (2026-11-25)\n\n### Added\n\n- y\n\n## 1.2.0 (2024-01-01)\n\n- x\n"
        );
        // No release yet: at the end, after the title; an empty body is the heading alone.
        assert_eq!(with_body("# C", ""), "# C\n\n## 1.3.0 - 2026-11-25\n\n");
        assert_eq!(with_body("", "- a"), "## 1.3.0 - 2026-11-25\n\n- a\n\n");
        assert_eq!(
            release_with_body(&parse("## 1.3.0\n"), &edit("1.3.0", None), "- a"),
            Err(ChangelogError::AlreadyReleased {
                version: "1.3.0".into(),
                line: 1
            })
        );
    }

    #[test]
    fn first_release_links_to_the_tag() {
        let input = "## [Unreleased]\n- x\n\n[Unreleased]: https://github.com/o/r/commits/main\n";
        assert_eq!(
            run(input, "0.1.0", None),
            "## [Unreleased]\n\n## [0.1.0] - 2026-11-25\n- x\n\n\
             [Unreleased]: https://github.com/o/r/compare/v0.1.0...HEAD\n\
             [0.1.0]: https://github.com/o/r/releases/tag/v0.1.0\n"
        );
    }

    #[test]
    fn gitlab_links_and_tag_prefix_from_the_link() {
        let input = "\
## [Unreleased]
- x

## [1.0.0] - 2024-01-02

[Unreleased]: https://gitlab.com/g/p/-/compare/python-v1.0.0...main
";
        // The link says the tags are `python-v…`; that wins over the configured `v`.
        assert_eq!(
            run(input, "1.1.0", Some("1.0.0")),
            "\
## [Unreleased]

## [1.1.0] - 2026-11-25
- x

## [1.0.0] - 2024-01-02

[Unreleased]: https://gitlab.com/g/p/-/compare/python-v1.1.0...main
[1.1.0]: https://gitlab.com/g/p/-/compare/python-v1.0.0...python-v1.1.0
"
        );
        let first = "## [Unreleased]\n- x\n\n[Unreleased]: https://gitlab.com/g/p/-/commits/main\n";
        assert_eq!(
            run(first, "0.1.0", None),
            "## [Unreleased]\n\n## [0.1.0] - 2026-11-25\n- x\n\n\
             [Unreleased]: https://gitlab.com/g/p/-/compare/v0.1.0...HEAD\n\
             [0.1.0]: https://gitlab.com/g/p/-/tags/v0.1.0\n"
        );
    }

    #[test]
    fn unprefixed_tags_and_two_dot_compare() {
        let input = "## [Unreleased]\n- x\n\n## [1.0.0]\n\n[unreleased]: https://github.com/o/r/compare/1.0.0..HEAD\n";
        assert_eq!(
            run(input, "1.1.0", Some("1.0.0")),
            "## [Unreleased]\n\n## [1.1.0]\n- x\n\n## [1.0.0]\n\n\
             [unreleased]: https://github.com/o/r/compare/1.1.0..HEAD\n\
             [1.1.0]: https://github.com/o/r/compare/1.0.0..1.1.0\n"
        );
    }

    #[test]
    fn plain_headings() {
        // ruff / minijinja: `## Unreleased`, `## X`, no links, no dates.
        let input = "# Changelog\n\n## Unreleased\n\n- x\n\n## 0.16.4\n\n- y\n";
        assert_eq!(
            run(input, "0.16.5", Some("0.16.4")),
            "# Changelog\n\n## Unreleased\n\n## 0.16.5\n\n- x\n\n## 0.16.4\n\n- y\n"
        );
        // orjson: `## 3.11.8 - date`.
        let input = "## Unreleased\n\n- x\n\n## 3.11.8 - 2024-01-02\n\n- y\n";
        assert_eq!(
            run(input, "3.11.9", Some("3.11.8")),
            "## Unreleased\n\n## 3.11.9 - 2026-11-25\n\n- x\n\n## 3.11.8 - 2024-01-02\n\n- y\n"
        );
    }

    #[test]
    fn v_prefixed_headings() {
        let input = "## Next (UNRELEASED)\n\n- x\n\n## v2.14.0b1 (2024-01-02)\n\n- y\n";
        assert_eq!(
            run(input, "2.14.0", Some("2.14.0b1")),
            "## Next (UNRELEASED)\n\n## v2.14.0 (2026-11-25)\n\n- x\n\n## v2.14.0b1 (2024-01-02)\n\n- y\n"
        );
        // tiktoken: `## [v0.14.0]`, and link labels carry the `v` too.
        let input = "## [Unreleased]\n- x\n## [v0.14.0]\n- y\n\n\
                     [Unreleased]: https://github.com/o/r/compare/v0.14.0...HEAD\n\
                     [v0.14.0]: https://github.com/o/r/releases/tag/v0.14.0\n";
        assert_eq!(
            run(input, "0.15.0", Some("0.14.0")),
            "## [Unreleased]\n\n## [v0.15.0]\n- x\n## [v0.14.0]\n- y\n\n\
             [Unreleased]: https://github.com/o/r/compare/v0.15.0...HEAD\n\
             [v0.15.0]: https://github.com/o/r/compare/v0.14.0...v0.15.0\n\
             [v0.14.0]: https://github.com/o/r/releases/tag/v0.14.0\n"
        );
    }

    #[test]
    fn linked_headings() {
        // git-cliff: the heading itself is the compare link, with `..`.
        let input = "\
## [unreleased]

### Features
- a

## [2.8.0](https://github.com/orhun/git-cliff/compare/v2.7.0..v2.8.0) - 2025-01-24

### Fixes
- b

## New Contributors
* @x
";
        assert_eq!(
            run(input, "2.9.0", Some("2.8.0")),
            "\
## [unreleased]

## [2.9.0](https://github.com/orhun/git-cliff/compare/v2.8.0..v2.9.0) - 2026-11-25

### Features
- a

## [2.8.0](https://github.com/orhun/git-cliff/compare/v2.7.0..v2.8.0) - 2025-01-24

### Fixes
- b

## New Contributors
* @x
"
        );
        // A linked Unreleased heading moves to the new tag as well.
        let input = "## [Unreleased](https://github.com/o/r/compare/v1.0.0...HEAD)\n- x\n\n\
                     ## [1.0.0](https://github.com/o/r/releases/tag/v1.0.0) (2024-01-02)\n";
        assert_eq!(
            run(input, "1.1.0", Some("1.0.0")),
            "## [Unreleased](https://github.com/o/r/compare/v1.1.0...HEAD)\n\n\
             ## [1.1.0](https://github.com/o/r/compare/v1.0.0...v1.1.0) (2026-11-25)\n- x\n\n\
             ## [1.0.0](https://github.com/o/r/releases/tag/v1.0.0) (2024-01-02)\n"
        );
    }

    #[test]
    fn h1_versions() {
        let input = "# Unreleased\n\n- x\n\n# 1.2.3\n\n## Fixed\n- y\n";
        assert_eq!(
            run(input, "1.3.0", Some("1.2.3")),
            "# Unreleased\n\n# 1.3.0\n\n- x\n\n# 1.2.3\n\n## Fixed\n- y\n"
        );
    }

    #[test]
    fn unreleased_heading_naming_the_version() {
        let input = "## 1.3.0 (unreleased)\n\n- x\n\n## 1.2.3\n";
        assert_eq!(
            run(input, "1.3.0", Some("1.2.3")),
            "## Unreleased\n\n## 1.3.0\n\n- x\n\n## 1.2.3\n"
        );
    }

    #[test]
    fn keeps_release_date_placeholder_heading_verbatim() {
        let input = "## [Unreleased] - ReleaseDate\n- x\n## [1.0.0] - 2024-01-02\n";
        assert_eq!(
            run(input, "1.1.0", Some("1.0.0")),
            "## [Unreleased] - ReleaseDate\n\n## [1.1.0] - 2026-11-25\n- x\n## [1.0.0] - 2024-01-02\n"
        );
    }

    #[test]
    fn crlf_and_no_trailing_newline() {
        let input = "## [Unreleased]\r\n- x\r\n\r\n## [1.0.0] - 2024-01-02\r\n\r\n\
                     [Unreleased]: https://github.com/o/r/compare/v1.0.0...HEAD";
        assert_eq!(
            run(input, "1.1.0", Some("1.0.0")),
            "## [Unreleased]\r\n\r\n## [1.1.0] - 2026-11-25\r\n- x\r\n\r\n## [1.0.0] - 2024-01-02\r\n\r\n\
             [Unreleased]: https://github.com/o/r/compare/v1.1.0...HEAD\r\n\
             [1.1.0]: https://github.com/o/r/compare/v1.0.0...v1.1.0"
        );
        // The Unreleased heading as the very last line: endings follow the file's first line.
        let input = "# Changelog\r\n## Unreleased";
        let out = release(&parse(input), &edit("0.1.0", None), true).unwrap();
        assert_eq!(
            out,
            "# Changelog\r\n## Unreleased\r\n\r\n## 0.1.0 - 2026-11-25"
        );
    }

    #[test]
    fn link_title_and_angle_brackets_survive() {
        let input = "## [Unreleased]\n- x\n## [1.0.0]\n\n\
                     [Unreleased]: <https://github.com/o/r/compare/v1.0.0...HEAD> \"Unreleased\"\n";
        assert_eq!(
            run(input, "1.1.0", Some("1.0.0")),
            "## [Unreleased]\n\n## [1.1.0]\n- x\n## [1.0.0]\n\n\
             [Unreleased]: <https://github.com/o/r/compare/v1.1.0...HEAD> \"Unreleased\"\n\
             [1.1.0]: https://github.com/o/r/compare/v1.0.0...v1.1.0\n"
        );
    }

    #[test]
    fn version_links_without_an_unreleased_link() {
        let input = "## [Unreleased]\n- x\n\n## [1.0.0] - 2024-01-02\n\n\
                     [1.0.0]: https://github.com/o/r/compare/v0.9.0...v1.0.0\n";
        assert_eq!(
            run(input, "1.1.0", Some("1.0.0")),
            "## [Unreleased]\n\n## [1.1.0] - 2026-11-25\n- x\n\n## [1.0.0] - 2024-01-02\n\n\
             [1.1.0]: https://github.com/o/r/compare/v1.0.0...v1.1.0\n\
             [1.0.0]: https://github.com/o/r/compare/v0.9.0...v1.0.0\n"
        );
    }

    #[test]
    fn unknown_link_hosts_are_left_alone() {
        let input = "## [Unreleased]\n- x\n\n[Unreleased]: https://example.com/changes\n";
        assert_eq!(
            run(input, "1.0.0", None),
            "## [Unreleased]\n\n## [1.0.0] - 2026-11-25\n- x\n\n[Unreleased]: https://example.com/changes\n"
        );
    }

    #[test]
    fn code_fences_and_other_headings_are_not_touched() {
        let input = "\
## Unreleased

```md
## [Unreleased]
## 1.0.0
```

## Notes for packagers
- n

## 1.0.0
- y
";
        let cl = parse(input);
        assert_eq!(cl.sections.len(), 2);
        assert_eq!(
            release(&cl, &edit("1.1.0", Some("1.0.0")), false).unwrap(),
            "\
## Unreleased

## 1.1.0

```md
## [Unreleased]
## 1.0.0
```

## Notes for packagers
- n

## 1.0.0
- y
"
        );
    }

    #[test]
    fn errors() {
        let cl = parse("# Changelog\n\n## 1.0.0\n- y\n");
        let err = release(&cl, &edit("1.1.0", Some("1.0.0")), false).unwrap_err();
        assert_eq!(err, ChangelogError::NoUnreleased);
        assert!(err.to_string().contains("add a `## [Unreleased]` section"));

        let cl = parse("## [Unreleased]\n- x\n\n## [1.0.0]\n- y\n");
        let err = release(&cl, &edit("1.0.0", None), true).unwrap_err();
        assert_eq!(
            err,
            ChangelogError::AlreadyReleased {
                version: "1.0.0".into(),
                line: 4
            }
        );
        assert_eq!(
            err.to_string(),
            "the changelog already has a section for 1.0.0 (line 4): choose a newer version, \
             or remove that section if 1.0.0 was never released"
        );

        for body in [
            "",
            "\n\n",
            "\n### Added\n\n### Fixed\n",
            "<!-- add changes here -->\n",
            "<!--\n- not yet\n-->\n",
        ] {
            let text = format!("## [Unreleased]\n{body}\n## [1.0.0]\n- y\n");
            let cl = parse(&text);
            assert_eq!(
                release(&cl, &edit("1.1.0", Some("1.0.0")), false),
                Err(ChangelogError::EmptyUnreleased { line: 1 }),
                "{body:?}"
            );
            let out = release(&cl, &edit("1.1.0", Some("1.0.0")), true).unwrap();
            assert!(out.starts_with("## [Unreleased]\n\n## [1.1.0]\n"), "{out}");
        }
        for body in [
            "#123 fixed",
            "<!-- c --> text",
            "```\ncode\n```",
            "<!--\nx\n--> y",
        ] {
            let text = format!("## [Unreleased]\n{body}\n## [1.0.0]\n- y\n");
            assert!(
                release(&parse(&text), &edit("1.1.0", Some("1.0.0")), false).is_ok(),
                "{body:?}"
            );
        }
        assert!(
            ChangelogError::EmptyUnreleased { line: 3 }
                .to_string()
                .contains("(line 3)")
        );
    }

    #[test]
    fn section_text_normalises_line_endings() {
        let cl = parse("## 1.0.0\r\n\r\n- a\r\n- b\r\n\r\n## 0.9.0\r\n- c");
        assert_eq!(section_text(&cl, "1.0.0").as_deref(), Some("- a\n- b"));
        assert_eq!(section_text(&cl, "v0.9.0").as_deref(), Some("- c"));
        assert_eq!(section_text(&cl, "0.8.0"), None);
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use crate::changelog::{parse, section_text};
    use proptest::prelude::*;

    /// A generated changelog and where its Unreleased heading and link are (0-based lines).
    #[derive(Debug, Clone)]
    struct Doc {
        text: String,
        eol: &'static str,
        heading: usize,
        link: Option<usize>,
    }

    /// Body text that cannot form a heading, fence, comment or link definition, but is
    /// otherwise arbitrary: non-ASCII, tabs and stray `\r` included.
    fn body_line() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            "- [a-z ]{0,12}",
            "### (Added|Fixed|Changed)",
            "[^\n#\\[`~<]{0,24}",
            "    ## [0-9]\\.[0-9]",
        ]
    }

    fn doc() -> impl Strategy<Value = Doc> {
        let release = (
            prop::sample::select(vec!["1.0.0", "0.9.1", "2.0.0b1", "1.2.0-rc.1"]),
            prop::sample::select(vec![
                "## [{v}] - 2024-01-02",
                "## {v}",
                "## v{v} (2024-01-02)",
                "## {v} - 2024-01-02",
                "## [v{v}]",
                "## [{v}](https://github.com/o/r/compare/v0.1.0...v{v}) - 2024-01-02",
            ]),
            prop::collection::vec(body_line(), 0..4),
        );
        (
            any::<bool>(),
            any::<bool>(),
            prop::collection::vec(body_line(), 0..3),
            prop::sample::select(vec![
                "## [Unreleased]",
                "## Unreleased",
                "## [unreleased]",
                "## Next (UNRELEASED)",
                "## [Unreleased] - ReleaseDate",
            ]),
            prop::collection::vec(body_line(), 0..6),
            prop::collection::vec(release, 0..4),
            prop::option::of(prop::sample::select(vec![
                "https://github.com/o/r/compare/v1.0.0...HEAD",
                "https://gitlab.com/g/p/-/compare/1.0.0..main",
                "https://github.com/o/r/commits/main",
            ])),
        )
            .prop_map(
                |(crlf, final_eol, preamble, unreleased, body, releases, link)| {
                    let mut lines = vec!["# Changelog".to_string()];
                    lines.extend(preamble);
                    let heading = lines.len();
                    lines.push(unreleased.to_string());
                    lines.extend(body);
                    for (v, template, body) in releases {
                        lines.push(template.replace("{v}", v));
                        lines.extend(body);
                    }
                    let link = link.map(|url| {
                        lines.push(String::new());
                        lines.push(format!("[Unreleased]: {url}"));
                        lines.push("[1.0.0]: https://github.com/o/r/releases/tag/v1.0.0".into());
                        lines.len() - 2
                    });
                    let eol = if crlf { "\r\n" } else { "\n" };
                    let mut text = lines.join(eol);
                    if final_eol {
                        text.push_str(eol);
                    }
                    Doc {
                        text,
                        eol,
                        heading,
                        link,
                    }
                },
            )
    }

    fn without_eol(line: &str) -> &str {
        line.strip_suffix('\n')
            .map(|l| l.strip_suffix('\r').unwrap_or(l))
            .unwrap_or(line)
    }

    proptest! {
        /// Removing the lines `release` writes from its output gives the input minus the
        /// lines it replaces: every other byte, line ending included, is untouched. The
        /// written lines are the ones promised, and the body moved under the new heading.
        #[test]
        fn release_preserves_every_other_byte(doc in doc(), previous in prop::option::of(Just("1.0.0"))) {
            let cl = parse(&doc.text);
            let edit = ReleaseEdit { version: "3.0.0", previous, date: "2026-11-25", tag_prefix: "v" };
            let out = release(&cl, &edit, true).unwrap();

            let input: Vec<&str> = doc.text.split_inclusive('\n').collect();
            let output: Vec<&str> = out.split_inclusive('\n').collect();
            let h = doc.heading;
            let mut replaced_in = vec![h];
            let mut written_out = vec![h, h + 1, h + 2];
            if let Some(l) = doc.link {
                replaced_in.push(l);
                written_out.extend([l + 2, l + 3]);
            }
            let keep = |lines: &[&str], drop: &[usize]| -> Vec<String> {
                lines.iter().enumerate().filter(|(i, _)| !drop.contains(i)).map(|(_, l)| l.to_string()).collect()
            };
            prop_assert_eq!(keep(&output, &written_out), keep(&input, &replaced_in));

            prop_assert_eq!(without_eol(output[h]), without_eol(input[h]));
            prop_assert_eq!(output[h + 1], doc.eol);
            prop_assert!(output[h + 2].starts_with("## ") && output[h + 2].contains("3.0.0"));
            if let Some(l) = doc.link {
                prop_assert!(output[l + 2].starts_with("[Unreleased]: ") && output[l + 2].contains("3.0.0"));
                prop_assert!(output[l + 3].contains("]: ") && output[l + 3].contains("3.0.0"));
            }

            let after = parse(&out);
            let new = after.release("3.0.0").unwrap();
            prop_assert_eq!(after.section_body(new), cl.section_body(cl.unreleased().unwrap()));
            prop_assert_eq!(after.section_body(after.unreleased().unwrap()), "");
        }

        /// `release` on arbitrary text never panics, and when it succeeds the result has the
        /// new version's section and an Unreleased section.
        #[test]
        fn release_never_panics(
            s in "(## |# |\\[|\\]|\\(|\\)|v|1|\\.|2|-|2024-01-02|Unreleased|```|<!--|-->|\\[Unreleased\\]: https://github.com/o/r/compare/v1.0...HEAD|\\[1\\.2\\]: |\\]\\(https://x/compare/a\\.\\.b\\)| |\r|\n|\r\n|é|日|a){0,120}",
            allow_empty in any::<bool>(),
        ) {
            let cl = parse(&s);
            let edit = ReleaseEdit { version: "9.9.9", previous: Some("1.2"), date: "2026-11-25", tag_prefix: "v" };
            if let Ok(out) = release(&cl, &edit, allow_empty) {
                let after = parse(&out);
                prop_assert!(after.release("9.9.9").is_some());
                prop_assert!(after.unreleased().is_some());
            }
            for sec in &cl.sections {
                if let crate::changelog::SectionKind::Release { version } = &sec.kind {
                    prop_assert!(section_text(&cl, version).is_some());
                }
            }
        }
    }
}
