//! Reading a Markdown changelog into sections, without changing a byte of it.
//!
//! Real changelogs (see `layouts.md`) mix Keep a Changelog, git-cliff, rooster and
//! hand-written styles. We need three things from them: where the pending (Unreleased)
//! section is, where each released version's section is, and how the file spells a
//! release heading, so that `edit::changelog` can write the next one the same way.
//! Everything is recorded as byte ranges into the original text, because the splicer
//! must change a few lines and leave every other byte alone.
//!
//! # Rules
//! - Only ATX headings (`#` to `######`) count. Setext headings (`1.2.3\n-----`) are not
//!   recognised: no surveyed project uses them for versions, and supporting them would make
//!   a heading span two lines.
//! - Lines inside fenced code blocks (```` ``` ```` or `~~~`, at any indentation, because
//!   list items nest fences deeper than CommonMark's three spaces) and inside `<!-- ... -->`
//!   blocks are never headings or link definitions.
//! - A heading is an *Unreleased* heading when its text contains the word "unreleased" in
//!   any case: `## [Unreleased]`, `## Unreleased`, `## Next (UNRELEASED)`,
//!   `## [Unreleased](https://…/compare/v1.2.3...HEAD)`, `## 1.3.0 (unreleased)`.
//! - A heading is a *release* heading when its text is, in order: an optional `Version ` or
//!   `Release ` word, an optional `[`, an optional `v`, a version (digits, at least one
//!   `.digits`, then semver or PEP 440 suffix characters such as `-rc.1`, `b1`, `.dev0`), the
//!   matching `]` when bracketed (optionally followed by a `(url)` link), and then nothing or
//!   something that does not start with a letter (` - 2024-01-02`, ` (2024-01-02)`,
//!   ` [YANKED]`). So `## 2.0 migration notes` is not a release.
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
use std::path::{Path, PathBuf};

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

/// The first of [`CANDIDATES`] that is a file under `root`.
///
/// On a case-insensitive file system the returned name may differ in case from the name on
/// disk; it still opens the same file.
pub fn locate(root: &Path) -> Option<PathBuf> {
    CANDIDATES
        .iter()
        .map(|name| root.join(name))
        .find(|path| path.is_file())
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
    /// 1-based line of the heading.
    pub line: usize,
    /// Number of `#` of the heading (the changelog's section level).
    pub level: usize,
    /// The heading line, without its line ending.
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

/// How release headings are written in this file.
///
/// A struct rather than an enum of named styles because the features are independent: the
/// surveyed files combine brackets, `v`, links and two date spellings freely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadingStyle {
    /// Number of `#`.
    pub level: usize,
    /// A word before the version, as written (`Version `); usually empty.
    pub word: String,
    /// `[1.2.3]` (Keep a Changelog).
    pub brackets: bool,
    /// `v` or `V` before the version, or empty.
    pub v_prefix: String,
    /// The URL of the latest release heading when it is a link, `## [1.2.3](url)`: the next
    /// heading gets a link of the same shape.
    pub link: Option<String>,
    /// How a date follows the version; `None` when the latest release carries no date.
    pub date: Option<DateStyle>,
}

/// The text around a `YYYY-MM-DD` date in a heading: `" - "` and `""`, or `" ("` and `")"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateStyle {
    pub before: String,
    pub after: String,
}

impl HeadingStyle {
    /// `## [1.2.3] - 2024-01-02`, for a changelog that has no release yet and a bracketed
    /// Unreleased heading.
    pub fn keep_a_changelog(level: usize) -> Self {
        HeadingStyle {
            level,
            word: String::new(),
            brackets: true,
            v_prefix: String::new(),
            link: None,
            date: Some(DateStyle {
                before: " - ".to_string(),
                after: String::new(),
            }),
        }
    }

    /// `## 1.2.3 - 2024-01-02`, for a changelog that has no release yet and a plain
    /// Unreleased heading.
    pub fn plain(level: usize) -> Self {
        HeadingStyle {
            brackets: false,
            ..Self::keep_a_changelog(level)
        }
    }

    /// The version as it appears in the heading, and so the label of its link definition.
    pub fn label(&self, version: &str) -> String {
        format!("{}{version}", self.v_prefix)
    }

    /// A release heading line in this style (without a line ending). `url` is used only by
    /// bracketed styles, where `[1.2.3](url)` is a link.
    pub fn render(&self, version: &str, date: &str, url: Option<&str>) -> String {
        let mut out = "#".repeat(self.level.max(1));
        out.push(' ');
        out.push_str(&self.word);
        let label = self.label(version);
        if self.brackets {
            out.push('[');
            out.push_str(&label);
            out.push(']');
            if let Some(url) = url {
                out.push('(');
                out.push_str(url);
                out.push(')');
            }
        } else {
            out.push_str(&label);
        }
        if let Some(d) = &self.date {
            out.push_str(&d.before);
            out.push_str(date);
            out.push_str(&d.after);
        }
        out
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

    /// The first section of `version`, compared as written; a leading `v` in the argument is
    /// ignored because headings are stored without it.
    pub fn release(&self, version: &str) -> Option<&Section> {
        let version = strip_v(version);
        self.sections
            .iter()
            .find(|s| matches!(&s.kind, SectionKind::Release { version: v } if v == version))
    }

    /// The topmost release section: changelogs list the newest release first. The caller
    /// compares versions when it needs the highest.
    pub fn latest_release(&self) -> Option<&Section> {
        self.sections
            .iter()
            .find(|s| matches!(s.kind, SectionKind::Release { .. }))
    }

    /// The version of the topmost release section.
    pub fn latest_version(&self) -> Option<&str> {
        match &self.latest_release()?.kind {
            SectionKind::Release { version } => Some(version),
            SectionKind::Unreleased => None,
        }
    }

    /// The body of a section, trimmed of surrounding whitespace, line endings as in the file.
    pub fn section_body<'a>(&'a self, s: &Section) -> &'a str {
        self.text.get(s.body.clone()).unwrap_or("").trim()
    }

    /// Whether a section lists any change. Blank lines, HTML comments (templates leave
    /// `<!-- add changes here -->`) and bare subheadings (`### Added` from a Keep a Changelog
    /// template) are not changes, so a release would have no notes.
    pub fn lists_changes(&self, s: &Section) -> bool {
        let mut in_comment = false;
        for line in self.section_body(s).lines() {
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
            if t.is_empty() || atx_heading(t).is_some() {
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

    /// Versions that have more than one section: (version, first line, later line), once per
    /// later occurrence.
    pub fn duplicates(&self) -> Vec<(String, usize, usize)> {
        let mut out = Vec::new();
        for (i, s) in self.sections.iter().enumerate() {
            let SectionKind::Release { version } = &s.kind else {
                continue;
            };
            let first = self.sections[..i]
                .iter()
                .find(|p| matches!(&p.kind, SectionKind::Release { version: v } if v == version));
            if let Some(first) = first {
                out.push((version.clone(), first.line, s.line));
            }
        }
        out
    }
}

fn strip_v(version: &str) -> &str {
    match version.strip_prefix(['v', 'V']) {
        Some(rest) if rest.starts_with(|c: char| c.is_ascii_digit()) => rest,
        _ => version,
    }
}

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

/// What a release heading says and how it is spelled.
struct ReleaseHeading {
    version: String,
    date: Option<String>,
    word: String,
    brackets: bool,
    v_prefix: String,
    link: Option<String>,
    date_style: Option<DateStyle>,
}

enum HeadingKind {
    Unreleased,
    Release(ReleaseHeading),
}

pub fn parse(text: &str) -> Changelog {
    let lines = split_lines(text);
    // (line index, level, heading text)
    let mut headings: Vec<(usize, usize, &str)> = Vec::new();
    let mut links = Vec::new();
    let mut is_link = vec![false; lines.len()];
    let mut fence: Option<(u8, usize)> = None;
    let mut in_comment = false;

    for (idx, l) in lines.iter().enumerate() {
        let s = &text[l.start..l.end];
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
            headings.push((idx, level, heading));
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
        }
    }

    // The trailing block of link definitions (blank lines allowed between them) ends the
    // last section's body: those definitions serve the whole file, not the oldest release.
    let mut link_block = None;
    for (idx, l) in lines.iter().enumerate().rev() {
        if is_link[idx] {
            link_block = Some(l.start);
        } else if !text[l.start..l.end].trim().is_empty() {
            break;
        }
    }

    let classified: Vec<(usize, usize, HeadingKind)> = headings
        .iter()
        .filter_map(|&(idx, level, t)| classify(t).map(|k| (idx, level, k)))
        .collect();
    let level = classified.first().map(|&(_, level, _)| level);

    // Lines where a body ends: section headings and headings above the section level.
    let boundaries: Vec<usize> = match level {
        Some(level) => headings
            .iter()
            .filter(|&&(idx, l, _)| {
                l < level || (l == level && classified.iter().any(|&(c, _, _)| c == idx))
            })
            .map(|&(idx, _, _)| idx)
            .collect(),
        None => Vec::new(),
    };

    let mut sections = Vec::new();
    let mut style = None;
    for (idx, l, kind) in classified {
        if Some(l) != level {
            continue;
        }
        let line = &lines[idx];
        let body_start = line.next;
        let body_end = boundaries
            .iter()
            .find(|&&b| b > idx)
            .map(|&b| lines[b].start)
            .or(link_block)
            .unwrap_or(text.len())
            .max(body_start);
        let (kind, date) = match kind {
            HeadingKind::Unreleased => (SectionKind::Unreleased, None),
            HeadingKind::Release(r) => {
                let date = r.date.clone();
                let version = r.version.clone();
                if style.is_none() {
                    style = Some(HeadingStyle {
                        level: l,
                        word: r.word,
                        brackets: r.brackets,
                        v_prefix: r.v_prefix,
                        link: r.link,
                        date: r.date_style,
                    });
                }
                (SectionKind::Release { version }, date)
            }
        };
        sections.push(Section {
            kind,
            line: idx + 1,
            level: l,
            heading: line.start..line.end,
            body: body_start..body_end,
            date,
        });
    }

    let style = style.unwrap_or_else(|| {
        let level = level.unwrap_or(2);
        // Without a release to copy, follow the Unreleased heading: bracketed means Keep a
        // Changelog, whose release headings carry ` - date`.
        let bracketed = sections
            .iter()
            .find(|s| s.kind == SectionKind::Unreleased)
            .and_then(|s| atx_heading(&text[s.heading.clone()]))
            .is_some_and(|(_, t)| t.starts_with('['));
        if bracketed {
            HeadingStyle::keep_a_changelog(level)
        } else {
            HeadingStyle::plain(level)
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
fn atx_heading(line: &str) -> Option<(usize, &str)> {
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

/// A link reference definition: (label range, URL range), both relative to `line`.
fn link_def(line: &str) -> Option<(Range<usize>, Range<usize>)> {
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
    if has_word(&text.to_ascii_lowercase(), "unreleased") {
        return Some(HeadingKind::Unreleased);
    }
    release_heading(text).map(HeadingKind::Release)
}

/// `word` occurs in `hay` with no letter or digit on either side.
fn has_word(hay: &str, word: &str) -> bool {
    hay.match_indices(word).any(|(i, _)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + word.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

fn release_heading(text: &str) -> Option<ReleaseHeading> {
    let mut rest = text;
    let mut word = String::new();
    for w in ["version", "release"] {
        if rest
            .get(..w.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(w))
        {
            let after = rest[w.len()..].trim_start_matches([' ', '\t']);
            if after.len() < rest.len() - w.len() {
                word = rest[..rest.len() - after.len()].to_string();
                rest = after;
            }
            break;
        }
    }
    let brackets = rest.starts_with('[');
    if brackets {
        rest = &rest[1..];
    }
    let mut v_prefix = String::new();
    if rest.starts_with(['v', 'V']) && rest.as_bytes().get(1).is_some_and(u8::is_ascii_digit) {
        v_prefix = rest[..1].to_string();
        rest = &rest[1..];
    }
    let len = version_len(rest)?;
    let version = rest[..len].to_string();
    rest = &rest[len..];
    let mut link = None;
    if brackets {
        rest = rest.strip_prefix(']')?;
        if let Some(r) = rest.strip_prefix('(') {
            let close = r.find(')')?;
            link = Some(r[..close].to_string());
            rest = &r[close + 1..];
        } else if let Some(r) = rest.strip_prefix('[') {
            // `[1.2.3][ref]`: a full reference link; the definition is elsewhere.
            let close = r.find(']')?;
            rest = &r[close + 1..];
        }
    }
    if rest.trim_start().starts_with(char::is_alphabetic) {
        return None;
    }
    let (date, date_style) = match find_date(rest) {
        Some(at) => {
            let before = &rest[..at];
            let after_date = &rest[at + 10..];
            let opener = before.trim_end().chars().next_back();
            let after = match opener {
                Some('(') if after_date.starts_with(')') => ")",
                Some('[') if after_date.starts_with(']') => "]",
                _ => "",
            };
            // Copy the separator as written (` - `, ` – `, ` (`), but not words: in
            // `## 1.2.3 - Codename - 2024-01-02` the codename belongs to that release only.
            let before = if before.chars().any(char::is_alphanumeric) {
                " - "
            } else {
                before
            };
            (
                Some(rest[at..at + 10].to_string()),
                Some(DateStyle {
                    before: before.to_string(),
                    after: after.to_string(),
                }),
            )
        }
        None => (None, None),
    };
    Some(ReleaseHeading {
        version,
        date,
        word,
        brackets,
        v_prefix,
        link,
        date_style,
    })
}

/// Length of the version at the start of `s`: `1.2.3`, `1.2.0-alpha.1`, `2.14.0b1`,
/// `1.0.post1`, `1.2.3+build`. At least one dot, so `2024-01-02` and `#123` are not versions.
pub(crate) fn version_len(s: &str) -> Option<usize> {
    const SUFFIX_PUNCT: &[u8] = b".-+_!";
    let b = s.as_bytes();
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut i = digits(0);
    if i == 0 {
        return None;
    }
    let mut dots = 0;
    while b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1 + digits(i + 1);
        dots += 1;
    }
    if dots == 0 {
        return None;
    }
    while b
        .get(i)
        .is_some_and(|c| c.is_ascii_alphanumeric() || SUFFIX_PUNCT.contains(c))
    {
        i += 1;
    }
    // `## 1.2.3.` or `1.2.3-`: trailing punctuation is prose, not version.
    while SUFFIX_PUNCT.contains(&b[i - 1]) {
        i -= 1;
    }
    Some(i)
}

/// Byte offset of the first `YYYY-MM-DD` not glued to other digits.
fn find_date(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    (0..b.len().saturating_sub(9)).find(|&i| {
        let d = &b[i..i + 10];
        let shape = d.iter().enumerate().all(|(k, c)| {
            if k == 4 || k == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
        shape
            && (i == 0 || !b[i - 1].is_ascii_digit())
            && !b.get(i + 10).is_some_and(u8::is_ascii_digit)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
            }
        );
        assert_eq!(
            cl.style.render("1.3.0", "2026-11-25", None),
            "## [1.3.0] - 2026-11-25"
        );
        assert!(cl.duplicates().is_empty());
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

    #[test]
    fn locate_finds_the_first_candidate() {
        let temp = tempfile::tempdir().unwrap();
        let dir = temp.path();
        assert_eq!(locate(dir), None);
        crate::exec::fs::write_atomic(&dir.join("docs/release-notes.md"), b"## 1.0.0\n").unwrap();
        assert_eq!(locate(dir), Some(dir.join("docs/release-notes.md")));
        crate::exec::fs::write_atomic(&dir.join("HISTORY.md"), b"## 1.0.0\n").unwrap();
        assert_eq!(locate(dir), Some(dir.join("HISTORY.md")));
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
