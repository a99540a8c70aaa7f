//! Reading a Markdown changelog into sections, without changing a byte of it.
//!
//! Real changelogs (see `layouts.md`) mix Keep a Changelog, git-cliff, release-plz, rooster
//! and hand-written styles. We need three things from them: where the pending (Unreleased)
//! section is, where each released version's section is, and how the file spells a
//! release heading, so that the splice can write the next one the same way. Everything is
//! recorded as byte ranges into the original text, because the splice must change a few
//! lines and leave every other byte alone.
//!
//! # Rules
//! - ATX headings (`#` to `######`) and setext headings (a one-line paragraph underlined
//!   with at least three `=`, level 1, or `-`, level 2) count. A setext heading's range
//!   covers both lines.
//! - Lines inside fenced code blocks (```` ``` ```` or `~~~`, at any indentation, because
//!   list items nest fences deeper than CommonMark's three spaces) and inside `<!-- ... -->`
//!   blocks are never headings or link definitions.
//! - A heading is an *Unreleased* heading when its text contains the word "unreleased" in
//!   any case (`## [Unreleased]`, `## Next (UNRELEASED)`, `## 1.3.0 (unreleased)`,
//!   `## [Unreleased](https://…/compare/v1.2.3...HEAD)`), or is just `Latest`, `Next` or
//!   `Upcoming` (bracketed or not).
//! - A heading is a *release* heading when its text is, in order: an optional `Version ` or
//!   `Release ` word or a release-plz crate name (`` `crate` - ``), an optional `[`, an
//!   optional `v`, a version (digits, at least one `.digits`, then semver or PEP 440 suffix
//!   characters such as `-rc.1`, `b1`, `.dev0`), the matching `]` when bracketed
//!   (optionally followed by a `(url)` link), and then nothing or something that does not
//!   start with a letter (` - 2024-01-02`, ` (2024-01-02)`, ` [YANKED]`). So
//!   `## 2.0 migration notes` is not a release. The details are in [`super::style`].
//! - The *section level* is the level of the first Unreleased or release heading. Only
//!   headings at that level start sections: a `### 1.2.3` under `## 1.2.3` is body text.
//! - Other headings at the section level (`## New Contributors`, `## Older releases`) are not
//!   sections: they stay in the body of the section above them. git-cliff writes "New
//!   Contributors" as part of each release, so it belongs to that release's notes. There is
//!   no `SectionKind::Other`, so every consumer sees the same notes for a version.
//! - A heading of a higher level (`# ...` when sections are `##`) ends the section above it
//!   and belongs to no section: it divides the document.
//! - A section's body runs from the line after its heading to the next section heading, a
//!   higher-level heading, the block of link definitions at the end of the file, or EOF.
//! - Versions are stored as written, without brackets or `v`; dates only when written as
//!   `YYYY-MM-DD`.

use std::ops::Range;

use super::style::{HeadingStyle, ReleaseHeading, release_heading};
use super::{Changelog, LinkDef, Section, SectionKind};

/// One line: `start..end` is its content without `\n` or `\r\n`; `next` is where the next
/// line starts.
struct Line {
    start: usize,
    end: usize,
    next: usize,
}

fn split_lines(text: &str) -> Vec<Line> {
    let bytes = text.as_bytes();
    let mut lines = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        let line = match bytes[start..].iter().position(|&b| b == b'\n') {
            Some(i) => {
                let nl = start + i;
                // Only a `\r` right before `\n` is part of the line ending; a lone `\r`
                // stays content so that no byte is lost or reinterpreted.
                let end = if nl > start && bytes[nl - 1] == b'\r' {
                    nl - 1
                } else {
                    nl
                };
                Line {
                    start,
                    end,
                    next: nl + 1,
                }
            }
            None => Line {
                start,
                end: bytes.len(),
                next: bytes.len(),
            },
        };
        start = line.next;
        lines.push(line);
    }
    lines
}

enum HeadingKind {
    Unreleased,
    Release(ReleaseHeading),
}

/// A heading found in the text: its first and last line, level and text.
struct Heading<'t> {
    first: usize,
    last: usize,
    level: usize,
    text: &'t str,
}

pub fn parse(text: &str) -> Changelog {
    let lines = split_lines(text);
    let line = |idx: usize| &text[lines[idx].start..lines[idx].end];
    let mut headings: Vec<Heading> = Vec::new();
    let mut links = Vec::new();
    let mut is_link = vec![false; lines.len()];
    let mut fence: Option<(u8, usize)> = None;
    let mut in_comment = false;
    // Whether the line before is blank, a heading or the start: a setext heading is a
    // paragraph of one line, and a longer paragraph's last line is not a version.
    let mut after_break = true;
    let mut skip = false;

    for (idx, l) in lines.iter().enumerate() {
        let s = line(idx);
        let was_break = std::mem::replace(&mut after_break, s.trim().is_empty());
        if std::mem::take(&mut skip) {
            after_break = true;
            continue;
        }
        if let Some((ch, len)) = fence {
            if fence_closes(s, ch, len) {
                fence = None;
            }
            continue;
        }
        if in_comment {
            in_comment = !s.contains("-->");
            continue;
        }
        if let Some(open) = fence_open(s) {
            fence = Some(open);
            continue;
        }
        if let Some(after) = s.trim_start().strip_prefix("<!--") {
            in_comment = !after.contains("-->");
            continue;
        }
        if let Some((level, heading)) = atx_heading(s) {
            headings.push(Heading {
                first: idx,
                last: idx,
                level,
                text: heading,
            });
            after_break = true;
            continue;
        }
        if let Some((label, url)) = link_def(s) {
            is_link[idx] = true;
            links.push(LinkDef {
                label: s[label].to_string(),
                url: s[url.clone()].to_string(),
                line: idx + 1,
                span: l.start..l.end,
                url_span: l.start + url.start..l.start + url.end,
            });
            continue;
        }
        if was_break
            && is_paragraph_start(s)
            && let Some(level) = lines
                .get(idx + 1)
                .and_then(|_| setext_underline(line(idx + 1)))
        {
            headings.push(Heading {
                first: idx,
                last: idx + 1,
                level,
                text: s.trim(),
            });
            skip = true;
        }
    }

    // The trailing block of link definitions (blank lines allowed between them) ends the
    // last section's body: those definitions serve the whole file, not the oldest release.
    let mut link_block = None;
    for (idx, l) in lines.iter().enumerate().rev() {
        if is_link[idx] {
            link_block = Some(l.start);
        } else if !line(idx).trim().is_empty() {
            break;
        }
    }

    let classified: Vec<(&Heading, HeadingKind)> = headings
        .iter()
        .filter_map(|h| classify(h.text).map(|k| (h, k)))
        .collect();
    let level = classified.first().map(|(h, _)| h.level);

    // Lines where a body ends: section headings and headings above the section level.
    let boundaries: Vec<usize> = match level {
        Some(level) => headings
            .iter()
            .filter(|h| {
                h.level < level
                    || (h.level == level && classified.iter().any(|(c, _)| c.first == h.first))
            })
            .map(|h| h.first)
            .collect(),
        None => Vec::new(),
    };

    let mut sections = Vec::new();
    let mut style = None;
    for (h, kind) in classified {
        if Some(h.level) != level {
            continue;
        }
        let body_start = lines[h.last].next;
        let body_end = boundaries
            .iter()
            .find(|&&b| b > h.first)
            .map(|&b| lines[b].start)
            .or(link_block)
            .unwrap_or(text.len())
            .max(body_start);
        let heading = lines[h.first].start..lines[h.last].end;
        let (kind, date) = match kind {
            HeadingKind::Unreleased => (SectionKind::Unreleased, None),
            HeadingKind::Release(r) => {
                let date = r.date.clone();
                let version = r.version.clone();
                if style.is_none() {
                    let underline = (h.last > h.first).then(|| line(h.last).trim());
                    style = Some(HeadingStyle::learned(h.level, h.text, underline, r));
                }
                (SectionKind::Release { version }, date)
            }
        };
        sections.push(Section {
            kind,
            line: h.first + 1,
            level: h.level,
            heading,
            body: body_start..body_end,
            date,
        });
    }

    let style = style.unwrap_or_else(|| {
        // Without a release to copy, follow the Unreleased heading: bracketed means Keep a
        // Changelog, whose release headings carry ` - date`.
        let first = headings
            .iter()
            .find(|h| Some(h.level) == level && classify(h.text).is_some());
        match first {
            Some(h) => HeadingStyle::first_release(
                h.level,
                h.text.starts_with('['),
                (h.last > h.first).then(|| line(h.last).trim()),
            ),
            None => HeadingStyle::first_release(2, false, None),
        }
    });

    Changelog {
        text: text.to_string(),
        sections,
        links,
        style,
    }
}

/// An opening code fence: (fence character, run length).
fn fence_open(line: &str) -> Option<(u8, usize)> {
    let t = line.trim_start();
    let ch = *t.as_bytes().first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let len = t.bytes().take_while(|&b| b == ch).count();
    // A backtick fence's info string cannot contain a backtick (CommonMark); without this,
    // inline code such as ```` ```x``` ```` would open a block that never closes.
    if len < 3 || (ch == b'`' && t[len..].contains('`')) {
        return None;
    }
    Some((ch, len))
}

fn fence_closes(line: &str, ch: u8, len: usize) -> bool {
    let t = line.trim();
    t.len() >= len && t.bytes().all(|b| b == ch)
}

/// An ATX heading: (level, text without the `#`s, surrounding spaces or closing `#`s).
pub(super) fn atx_heading(line: &str) -> Option<(usize, &str)> {
    let rest = line.trim_start_matches(' ');
    if line.len() - rest.len() > 3 {
        return None;
    }
    let level = rest.bytes().take_while(|&b| b == b'#').count();
    if level == 0 || level > 6 {
        return None;
    }
    let after = &rest[level..];
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    let text = after.trim();
    let without_closing = text.trim_end_matches('#');
    let text = if without_closing.is_empty() {
        ""
    } else if without_closing.ends_with([' ', '\t']) {
        without_closing.trim_end()
    } else {
        text
    };
    Some((level, text))
}

/// A line that can be the text of a setext heading: not blank, not indented as code, and
/// not the start of a list item, quote or table row (`- x\n---` is a list and a rule).
fn is_paragraph_start(line: &str) -> bool {
    let t = line.trim_start_matches(' ');
    line.len() - t.len() <= 3
        && !t.trim().is_empty()
        && !t.starts_with(['>', '|', '\t'])
        && !is_list_item(t)
}

/// A list item's first line: `- x`, `* x`, `+ x`, `1. x`, `1) x` (a marker alone too).
pub(super) fn is_list_item(line: &str) -> bool {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let marker = match line.as_bytes().first() {
        Some(b'-' | b'*' | b'+') => 1,
        _ if digits > 0 && matches!(line.as_bytes().get(digits), Some(b'.' | b')')) => digits + 1,
        _ => return false,
    };
    line[marker..].is_empty() || line[marker..].starts_with([' ', '\t'])
}

/// The level a setext underline gives: 1 for `===`, 2 for `---` (three or more).
fn setext_underline(line: &str) -> Option<usize> {
    let t = line.trim_start_matches(' ');
    if line.len() - t.len() > 3 {
        return None;
    }
    let t = t.trim_end();
    let ch = t.bytes().next()?;
    let level = match ch {
        b'=' => 1,
        b'-' => 2,
        _ => return None,
    };
    (t.len() >= 3 && t.bytes().all(|b| b == ch)).then_some(level)
}

/// A link reference definition: (label range, URL range), both relative to `line`.
pub(super) fn link_def(line: &str) -> Option<(Range<usize>, Range<usize>)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 || !line[indent..].starts_with('[') {
        return None;
    }
    let label_start = indent + 1;
    let close = label_start + line[label_start..].find("]:")?;
    let label = &line[label_start..close];
    if label.trim().is_empty() || label.contains(['[', ']']) {
        return None;
    }
    let after = close + 2;
    let url_start = after + (line[after..].len() - line[after..].trim_start().len());
    let (url, rest_start) = if line[url_start..].starts_with('<') {
        let inner = url_start + 1;
        let end = inner + line[inner..].find('>')?;
        (inner..end, end + 1)
    } else {
        let len = line[url_start..]
            .find(char::is_whitespace)
            .unwrap_or(line.len() - url_start);
        (url_start..url_start + len, url_start + len)
    };
    if url.is_empty() {
        return None;
    }
    // Anything after the URL must be a title; otherwise this is prose that happens to
    // start with `[x]:`.
    let rest = line[rest_start..].trim();
    if !(rest.is_empty() || rest.starts_with(['"', '\'', '('])) {
        return None;
    }
    Some((label_start..close, url))
}

fn classify(text: &str) -> Option<HeadingKind> {
    if is_pending(text) {
        return Some(HeadingKind::Unreleased);
    }
    release_heading(text).map(HeadingKind::Release)
}

/// Whether a heading names the pending section: `Unreleased` anywhere, or just `Latest`,
/// `Next` or `Upcoming`.
pub(super) fn is_pending(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let name = lower.trim_start_matches('[').trim_end_matches(']').trim();
    has_word(&lower, "unreleased") || matches!(name, "latest" | "next" | "upcoming")
}

/// `word` occurs in `hay` with no letter or digit on either side.
fn has_word(hay: &str, word: &str) -> bool {
    hay.match_indices(word).any(|(i, _)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::changelog::{DateStyle, HeadingStyle};

    fn release(v: &str) -> SectionKind {
        SectionKind::Release {
            version: v.to_string(),
        }
    }

    fn kinds(cl: &Changelog) -> Vec<SectionKind> {
        cl.sections.iter().map(|s| s.kind.clone()).collect()
    }

    fn heading_text<'a>(cl: &'a Changelog, s: &Section) -> &'a str {
        &cl.text[s.heading.clone()]
    }

    const KEEP_A_CHANGELOG: &str = "\
# Changelog

All notable changes to this project will be documented in this file.

## [Unreleased]

### Added
- New thing.

## [1.2.3] - 2024-01-02

### Fixed
- A bug.

## [1.2.2] - 2023-12-01

- Older.

[Unreleased]: https://github.com/o/r/compare/v1.2.3...HEAD
[1.2.3]: https://github.com/o/r/compare/v1.2.2...v1.2.3
[1.2.2]: https://github.com/o/r/releases/tag/v1.2.2
";

    #[test]
    fn keep_a_changelog_sections_and_links() {
        let cl = parse(KEEP_A_CHANGELOG);
        assert_eq!(
            kinds(&cl),
            vec![SectionKind::Unreleased, release("1.2.3"), release("1.2.2")]
        );
        let u = cl.unreleased().unwrap();
        assert_eq!(u.line, 5);
        assert_eq!(heading_text(&cl, u), "## [Unreleased]");
        assert_eq!(cl.section_body(u), "### Added\n- New thing.");
        let r = cl.release("1.2.3").unwrap();
        assert_eq!(r.line, 10);
        assert_eq!(r.date.as_deref(), Some("2024-01-02"));
        assert_eq!(cl.section_body(r), "### Fixed\n- A bug.");
        // The last body stops at the link definitions.
        let last = cl.release("1.2.2").unwrap();
        assert_eq!(&cl.text[last.body.clone()], "\n- Older.\n\n");
        assert_eq!(cl.latest_release().unwrap().line, 10);
        assert_eq!(cl.release("v1.2.3").unwrap().line, 10);
        assert!(cl.release("1.2").is_none());

        assert_eq!(cl.links.len(), 3);
        assert_eq!(cl.links[0].label, "Unreleased");
        assert_eq!(
            cl.links[0].url,
            "https://github.com/o/r/compare/v1.2.3...HEAD"
        );
        assert_eq!(cl.links[0].line, 19);
        assert_eq!(
            &cl.text[cl.links[0].span.clone()],
            KEEP_A_CHANGELOG.lines().nth(18).unwrap()
        );
        assert_eq!(&cl.text[cl.links[0].url_span.clone()], cl.links[0].url);

        assert_eq!(
            cl.style,
            HeadingStyle {
                level: 2,
                word: String::new(),
                brackets: true,
                v_prefix: String::new(),
                link: None,
                date: Some(DateStyle {
                    before: " - ".into(),
                    after: String::new()
                }),
                setext: None,
            }
        );
        assert_eq!(
            cl.style.render("1.3.0", "2026-11-25", None),
            "## [1.3.0] - 2026-11-25"
        );
        assert!(cl.duplicates().is_empty());
    }

    /// Every style seen in real projects, each with a semver and a PEP 440 pre-release:
    /// found by either spelling, and the next heading written the same way.
    #[test]
    fn real_project_styles() {
        // (older heading with `{v}`, newer heading template, the newer rendered for 1.3.0)
        let styles = [
            ("## [{v}] - 2024-01-01", "## [1.3.0] - 2026-11-25"),
            ("## {v} (2024-01-01)", "## 1.3.0 (2026-11-25)"),
            (
                "## [v{v}](https://github.com/o/r/tree/v{v}) (2024-01-01)",
                "## [v1.3.0](LINK) (2026-11-25)",
            ),
            ("## {v}", "## 1.3.0"),
            (
                "## `foo` - [{v}](https://github.com/o/r/compare/foo-v1.0.0...foo-v{v}) - 2024-01-01",
                "## `foo` - [1.3.0](LINK) - 2026-11-25",
            ),
            ("# {v}", "# 1.3.0"),
            (
                "{v} (2024-01-01)\n------------------",
                "1.3.0 (2026-11-25)\n------------------",
            ),
            ("{v}\n=====", "1.3.0\n====="),
        ];
        for (template, rendered) in styles {
            for (written, other) in [("1.2.0-rc.1", "1.2.0rc1"), ("1.2.0rc1", "1.2.0-rc.1")] {
                let older = template.replace("{v}", "1.1.0");
                let newer = template.replace("{v}", written);
                let text = format!("Intro.\n\n{newer}\n\n- a\n\n{older}\n\n- b\n");
                let cl = parse(&text);
                assert_eq!(
                    kinds(&cl),
                    vec![release(written), release("1.1.0")],
                    "{template}"
                );
                for q in [written, other, &format!("v{other}")] {
                    let s = cl.release(q).unwrap_or_else(|| panic!("{template}: {q}"));
                    assert_eq!(cl.section_body(s), "- a", "{template}: {q}");
                }
                assert_eq!(cl.section_body(cl.release("1.1.0").unwrap()), "- b");
                let link = cl.style.link.as_deref().map(|_| "LINK");
                assert_eq!(
                    cl.style.render("1.3.0", "2026-11-25", link),
                    rendered,
                    "{template}"
                );
            }
        }
    }

    #[test]
    fn setext_headings() {
        let text = "Changelog\n=========\n\nUnreleased\n----------\n\n- x\n\n1.2.0\n-----\n\n- y\n";
        let cl = parse(text);
        assert_eq!(kinds(&cl), vec![SectionKind::Unreleased, release("1.2.0")]);
        let u = cl.unreleased().unwrap();
        assert_eq!(u.line, 4);
        assert_eq!(heading_text(&cl, u), "Unreleased\n----------");
        assert_eq!(cl.section_body(u), "- x");
        assert_eq!(cl.section_body(cl.release("1.2.0").unwrap()), "- y");
        // Underlines as long as their text follow the new text's length.
        assert_eq!(cl.style.render("10.20.30", "", None), "10.20.30\n--------");
        // A list item or a longer paragraph above a rule is not a heading.
        for text in [
            "- 1.2.0\n-----\n",
            "Some prose\n1.2.0\n-----\n",
            "1.2.0\n--\n",
        ] {
            assert!(parse(text).sections.is_empty(), "{text:?}");
        }
    }

    #[test]
    fn pending_section_names() {
        for h in [
            "## Latest",
            "## [Next]",
            "## upcoming",
            "## Next (UNRELEASED)",
        ] {
            let cl = parse(&format!("{h}\n- x\n## 1.0.0\n"));
            assert_eq!(
                kinds(&cl),
                vec![SectionKind::Unreleased, release("1.0.0")],
                "{h}"
            );
        }
        assert!(parse("## Latest news\n").sections.is_empty());
    }

    #[test]
    fn unreleased_spellings() {
        for h in [
            "## [Unreleased]",
            "## Unreleased",
            "## [unreleased]",
            "## Next (UNRELEASED)",
            "## [Unreleased] - ReleaseDate",
            "## [Unreleased](https://github.com/o/r/compare/v1.0.0...HEAD)",
            "## 1.3.0 (unreleased)",
            "##   Unreleased   ##",
        ] {
            let cl = parse(&format!("# Changelog\n\n{h}\n\n- x\n\n## 1.0.0\n\n- y\n"));
            assert_eq!(
                kinds(&cl),
                vec![SectionKind::Unreleased, release("1.0.0")],
                "{h}"
            );
            assert_eq!(cl.section_body(cl.unreleased().unwrap()), "- x", "{h}");
        }
        // A word merely containing it is not the marker.
        let cl = parse("## Unreleasedness\n## 1.0.0\n");
        assert_eq!(kinds(&cl), vec![release("1.0.0")]);
    }

    /// What a heading should parse to; `date` is (date, text before, text after).
    struct Case {
        heading: &'static str,
        version: &'static str,
        brackets: bool,
        v: &'static str,
        link: Option<&'static str>,
        date: Option<(&'static str, &'static str, &'static str)>,
    }

    const fn case(heading: &'static str, version: &'static str) -> Case {
        Case {
            heading,
            version,
            brackets: false,
            v: "",
            link: None,
            date: None,
        }
    }

    const DASH_DATE: Option<(&str, &str, &str)> = Some(("2024-01-02", " - ", ""));
    const PAREN_DATE: Option<(&str, &str, &str)> = Some(("2024-01-02", " (", ")"));

    #[test]
    fn release_heading_spellings() {
        let cases = [
            case("## 1.2.3", "1.2.3"),
            Case {
                brackets: true,
                date: DASH_DATE,
                ..case("## [1.2.3] - 2024-01-02", "1.2.3")
            },
            Case {
                brackets: true,
                link: Some("https://github.com/o/r/compare/v1.2.2...v1.2.3"),
                date: DASH_DATE,
                ..case(
                    "## [1.2.3](https://github.com/o/r/compare/v1.2.2...v1.2.3) - 2024-01-02",
                    "1.2.3",
                )
            },
            Case {
                v: "v",
                date: PAREN_DATE,
                ..case("## v1.2.3 (2024-01-02)", "1.2.3")
            },
            Case {
                brackets: true,
                v: "v",
                ..case("## [v0.14.0]", "0.14.0")
            },
            Case {
                date: DASH_DATE,
                ..case("## 3.11.8 - 2024-01-02", "3.11.8")
            },
            Case {
                v: "v",
                date: PAREN_DATE,
                ..case("## v2.14.0b1 (2024-01-02)", "2.14.0b1")
            },
            case("## 1.7.8-beta.1", "1.7.8-beta.1"),
            Case {
                date: Some(("2024-01-02", " \u{2013} ", "")),
                ..case("## 0.23.1rc0 \u{2013} 2024-01-02", "0.23.1rc0")
            },
            case("## 1.0.0.dev3 [YANKED]", "1.0.0.dev3"),
            Case {
                brackets: true,
                date: DASH_DATE,
                ..case("## [1.2.3][] - 2024-01-02", "1.2.3")
            },
            // A codename is not copied into the next heading's date separator.
            Case {
                date: DASH_DATE,
                ..case("## 1.2.3 - Codename - 2024-01-02", "1.2.3")
            },
            case("## 1.2.3.", "1.2.3"),
            case("### 1.2.3 ###", "1.2.3"),
        ];
        for c in cases {
            let h = c.heading;
            let cl = parse(&format!("{h}\n\nbody\n"));
            assert_eq!(kinds(&cl), vec![release(c.version)], "{h}");
            assert_eq!(cl.sections[0].date.as_deref(), c.date.map(|d| d.0), "{h}");
            assert_eq!(cl.style.brackets, c.brackets, "{h}");
            assert_eq!(cl.style.v_prefix, c.v, "{h}");
            assert_eq!(cl.style.link.as_deref(), c.link, "{h}");
            assert_eq!(
                cl.style
                    .date
                    .as_ref()
                    .map(|d| (d.before.as_str(), d.after.as_str())),
                c.date.map(|d| (d.1, d.2)),
                "{h}"
            );
        }
        let cl = parse("## Version 1.2.3\n");
        assert_eq!(kinds(&cl), vec![release("1.2.3")]);
        assert_eq!(cl.style.word, "Version ");
        assert_eq!(
            cl.style.render("1.3.0", "2026-11-25", None),
            "## Version 1.3.0"
        );
    }

    #[test]
    fn not_release_headings() {
        for h in [
            "## 2.0 migration notes",
            "## 2024-01-02",
            "## Version",
            "## [1.2.3",
            "## #123",
            "##1.2.3",
            "## 1",
            "    ## 1.2.3",
            "####### 1.2.3",
        ] {
            let cl = parse(&format!("{h}\n"));
            assert!(cl.sections.is_empty(), "{h}: {:?}", cl.sections);
        }
    }

    #[test]
    fn render_styles() {
        let cl = parse("## v1.2.3 (2024-01-02)\n");
        assert_eq!(
            cl.style.render("1.3.0", "2026-11-25", None),
            "## v1.3.0 (2026-11-25)"
        );
        let cl = parse("## 1.2.3\n");
        assert_eq!(cl.style.render("1.3.0", "2026-11-25", None), "## 1.3.0");
        let cl = parse("## [v0.14.0]\n");
        assert_eq!(
            cl.style.render("0.15.0", "2026-11-25", None),
            "## [v0.15.0]"
        );
        // No release yet: follow the Unreleased heading.
        let cl = parse("# Changelog\n\n## [Unreleased]\n- x\n");
        assert_eq!(
            cl.style.render("0.1.0", "2026-11-25", None),
            "## [0.1.0] - 2026-11-25"
        );
        let cl = parse("## Unreleased\n- x\n");
        assert_eq!(
            cl.style.render("0.1.0", "2026-11-25", None),
            "## 0.1.0 - 2026-11-25"
        );
        // The latest release decides, not older ones.
        let cl = parse("## 2.0.0\n## 1.0.0 - 2020-01-01\n");
        assert_eq!(cl.style.date, None);
    }

    #[test]
    fn h1_versions() {
        let text = "# Changelog\n\n# Unreleased\n\n- x\n\n# 1.2.3\n\n## Fixed\n\n- y\n";
        let cl = parse(text);
        assert_eq!(kinds(&cl), vec![SectionKind::Unreleased, release("1.2.3")]);
        assert_eq!(cl.style.level, 1);
        assert_eq!(
            cl.section_body(cl.release("1.2.3").unwrap()),
            "## Fixed\n\n- y"
        );
        assert_eq!(cl.style.render("1.3.0", "2026-11-25", None), "# 1.3.0");
    }

    #[test]
    fn code_fences_and_comments_hide_headings() {
        let text = "\
## Unreleased

```markdown
## 9.9.9
[Unreleased]: https://example.com
```

~~~~
## 8.8.8
~~~
still code
~~~~

  - item
        ```
        ## 7.7.7
        ```

<!--
## 6.6.6
-->
<!-- ## 5.5.5 -->

## 1.0.0
";
        let cl = parse(text);
        assert_eq!(kinds(&cl), vec![SectionKind::Unreleased, release("1.0.0")]);
        assert!(cl.links.is_empty());
        assert!(
            cl.section_body(&cl.sections[0])
                .ends_with("<!-- ## 5.5.5 -->")
        );
        // An unclosed fence runs to the end of the file.
        let cl = parse("## 1.0.0\n```\n## 2.0.0\n");
        assert_eq!(kinds(&cl), vec![release("1.0.0")]);
        // Inline code with triple backticks does not open a fence.
        let cl = parse("## 1.0.0\n```x``` ok\n## 0.9.0\n");
        assert_eq!(kinds(&cl), vec![release("1.0.0"), release("0.9.0")]);
    }

    #[test]
    fn other_headings_stay_in_the_section_above() {
        let text = "\
# Changelog

## Contents

## [2.0.0] - 2024-02-01

### Features
- a

## New Contributors
* @x made their first contribution

# Old series

## 1.0.0

- b

## Older releases

See `changelogs/`.
";
        let cl = parse(text);
        assert_eq!(kinds(&cl), vec![release("2.0.0"), release("1.0.0")]);
        let two = cl.release("2.0.0").unwrap();
        // `## New Contributors` belongs to 2.0.0; `# Old series` ends it.
        assert_eq!(
            cl.section_body(two),
            "### Features\n- a\n\n## New Contributors\n* @x made their first contribution"
        );
        let one = cl.release("1.0.0").unwrap();
        assert_eq!(
            cl.section_body(one),
            "- b\n\n## Older releases\n\nSee `changelogs/`."
        );
        // Version-looking subheadings below the section level are body text.
        let cl = parse("## 2.0.0\n### 1.9.0 notes\n### 1.9.0\n- x\n");
        assert_eq!(kinds(&cl), vec![release("2.0.0")]);
    }

    #[test]
    fn crlf() {
        let text = "# Changelog\r\n\r\n## [Unreleased]\r\n\r\n- x\r\n\r\n## [1.0.0] - 2024-01-02\r\n- y\r\n\r\n[Unreleased]: https://github.com/o/r/compare/v1.0.0...HEAD\r\n";
        let cl = parse(text);
        assert_eq!(kinds(&cl), vec![SectionKind::Unreleased, release("1.0.0")]);
        let u = cl.unreleased().unwrap();
        assert_eq!(heading_text(&cl, u), "## [Unreleased]");
        assert_eq!(cl.section_body(u), "- x");
        assert_eq!(cl.section_body(cl.release("1.0.0").unwrap()), "- y");
        assert_eq!(
            cl.links[0].url,
            "https://github.com/o/r/compare/v1.0.0...HEAD"
        );
        assert!(!cl.text[cl.links[0].span.clone()].ends_with('\r'));
    }

    #[test]
    fn link_definitions() {
        let text = "\
## 1.0.0
- see [#1]

[#1]: https://github.com/o/r/issues/1
[note]: this is prose, not a definition
  [1.0.0]: <https://github.com/o/r/releases/tag/v1.0.0> \"Release\"
[]: https://x
";
        let cl = parse(text);
        let labels: Vec<&str> = cl.links.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(labels, vec!["#1", "1.0.0"]);
        assert_eq!(
            cl.links[1].url,
            "https://github.com/o/r/releases/tag/v1.0.0"
        );
        assert_eq!(&cl.text[cl.links[1].url_span.clone()], cl.links[1].url);
        // A prose line stops the trailing block, so the body runs to the end.
        assert!(cl.section_body(&cl.sections[0]).ends_with("[]: https://x"));
    }

    #[test]
    fn duplicates_and_missing_unreleased() {
        let cl = parse("## 1.1.0\n## 1.0.0\n- a\n## 1.1.0\n## 1.0.0\n## 1.1.0\n");
        assert_eq!(
            cl.duplicates(),
            vec![
                ("1.1.0".to_string(), 1, 4),
                ("1.0.0".to_string(), 2, 5),
                ("1.1.0".to_string(), 1, 6)
            ]
        );
        assert!(cl.unreleased().is_none());
        assert_eq!(cl.release("1.0.0").unwrap().line, 2);
    }

    #[test]
    fn empty_and_odd_inputs() {
        for text in [
            "", "\n", "\r\n", "#", "##", "## ", "[", "```", "<!--", "## [", "## [v", "## 1.",
            "## v",
        ] {
            let cl = parse(text);
            assert!(cl.sections.is_empty(), "{text:?}");
        }
        let cl = parse("## Unreleased");
        let u = cl.unreleased().unwrap();
        assert_eq!(u.heading, 0..13);
        assert_eq!(u.body, 13..13);
        assert_eq!(cl.section_body(u), "");
        let cl = parse("## 1.0.0\r");
        assert_eq!(kinds(&cl), vec![release("1.0.0")]);
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    /// What every parse result must satisfy, whatever the input: ranges in order, inside the
    /// text and on character boundaries, so that slicing them can never panic.
    fn check(text: &str) {
        let cl = parse(text);
        assert_eq!(cl.text, text);
        let mut prev = 0;
        for s in &cl.sections {
            for at in [s.heading.start, s.heading.end, s.body.start, s.body.end] {
                assert!(text.is_char_boundary(at));
            }
            assert!(prev <= s.heading.start && s.heading.end <= s.body.start);
            assert!(s.body.start <= s.body.end && s.body.end <= text.len());
            assert_eq!(text[..s.heading.start].matches('\n').count() + 1, s.line);
            prev = s.body.end;
            let _ = cl.section_body(s);
            let _ = cl.lists_changes(s);
        }
        for l in &cl.links {
            assert_eq!(text.get(l.url_span.clone()), Some(l.url.as_str()));
            assert!(text.get(l.span.clone()).is_some());
        }
        let _ = cl.duplicates();
        let _ = cl.latest_release();
        let _ = cl.style.render("1.0.0", "2026-01-01", Some("u"));
    }

    proptest! {
        #[test]
        fn parse_never_panics_on_any_string(s in any::<String>()) {
            check(&s);
        }

        #[test]
        fn parse_never_panics_on_markdown_fragments(
            s in "(## |# |### |\\[|\\]|\\(|\\)|v|1|\\.|2|-|2024-01-02|Unreleased|```|~~~|<!--|-->|\\]: |https://x/compare/v1.0...HEAD| |\t|\r|\n|\r\n|é|日|#|a){0,120}"
        ) {
            check(&s);
        }
    }
}
