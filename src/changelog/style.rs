//! How a changelog spells its release headings, learned from its newest one, and that
//! spelling written for a new version.
//!
//! Seen in real projects: `## [1.2.0] - 2024-01-01` (Keep a Changelog), `## 1.2.0
//! (2024-01-01)`, `## [v1.2.0](link) (2024-01-01)` (github_changelog_generator),
//! `## 1.2.0`, `` ## `crate` - [1.2.0](link) - 2024-01-01 `` (release-plz in a workspace),
//! `# 1.2.0`, and setext `1.2.0\n=====`.

/// How release headings are written in this file.
///
/// A struct rather than an enum of named styles because the features are independent: the
/// surveyed files combine brackets, `v`, links and two date spellings freely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadingStyle {
    /// Number of `#`, or the setext level (1 `===`, 2 `---`).
    pub level: usize,
    /// Text before the version, as written: `Version `, or release-plz's `` `crate` - ``;
    /// usually empty.
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
    /// A setext heading: the text line underlined on the next line, instead of `#`s.
    pub setext: Option<Setext>,
}

/// The text around a `YYYY-MM-DD` date in a heading: `" - "` and `""`, or `" ("` and `")"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateStyle {
    pub before: String,
    pub after: String,
}

/// A setext underline: `=` or `-`, as long as the text, or of a fixed length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setext {
    pub ch: char,
    /// `None` when the underline matches the length of its text (the common way).
    pub len: Option<usize>,
}

impl Setext {
    fn of(text: &str, underline: &str) -> Option<Self> {
        let ch = underline.chars().next()?;
        let len = underline.chars().count();
        Some(Setext {
            ch,
            len: (len != text.chars().count()).then_some(len),
        })
    }
}

/// What a release heading says and how it is spelled.
pub(super) struct ReleaseHeading {
    pub version: String,
    pub date: Option<String>,
    word: String,
    brackets: bool,
    v_prefix: String,
    link: Option<String>,
    date_style: Option<DateStyle>,
}

impl HeadingStyle {
    /// The style of a release heading: `level` and `underline` (setext) as found, the rest
    /// from its text.
    pub(super) fn learned(
        level: usize,
        text: &str,
        underline: Option<&str>,
        r: ReleaseHeading,
    ) -> Self {
        HeadingStyle {
            level,
            word: r.word,
            brackets: r.brackets,
            v_prefix: r.v_prefix,
            link: r.link,
            date: r.date_style,
            setext: underline.and_then(|u| Setext::of(text, u)),
        }
    }

    /// For a changelog with no release yet, following its Unreleased heading: bracketed
    /// means Keep a Changelog, `## [1.2.3] - 2024-01-02`; plain gives `## 1.2.3 - 2024-01-02`.
    pub(super) fn first_release(level: usize, brackets: bool, underline: Option<&str>) -> Self {
        HeadingStyle {
            level,
            word: String::new(),
            brackets,
            v_prefix: String::new(),
            link: None,
            date: Some(DateStyle {
                before: " - ".to_string(),
                after: String::new(),
            }),
            setext: underline.and_then(|u| Setext::of("Unreleased", u)),
        }
    }

    /// The version as it appears in the heading, and so the label of its link definition.
    pub fn label(&self, version: &str) -> String {
        format!("{}{version}", self.v_prefix)
    }

    /// A release heading in this style (without a final line ending; a setext heading's two
    /// lines are joined by `\n`). `url` is used only by bracketed styles, where
    /// `[1.2.3](url)` is a link.
    pub fn render(&self, version: &str, date: &str, url: Option<&str>) -> String {
        let mut out = self.word.clone();
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
        self.heading(&out)
    }

    /// `text` as a heading of this style's level and form.
    pub fn heading(&self, text: &str) -> String {
        match &self.setext {
            Some(s) => {
                let len = s.len.unwrap_or_else(|| text.chars().count()).max(3);
                format!("{text}\n{}", s.ch.to_string().repeat(len))
            }
            None => format!("{} {text}", "#".repeat(self.level.max(1))),
        }
    }
}

pub(super) fn release_heading(text: &str) -> Option<ReleaseHeading> {
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
    if word.is_empty()
        && let Some(len) = crate_prefix(rest)
    {
        word = rest[..len].to_string();
        rest = &rest[len..];
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

/// Length of release-plz's crate prefix, `` `name` - ``, at the start of `s`.
fn crate_prefix(s: &str) -> Option<usize> {
    let inner = s.strip_prefix('`')?;
    let close = inner.find('`')?;
    let name = &inner[..close];
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let after = &inner[close + 1..];
    let sep = after.len() - after.trim_start_matches([' ', '-', '\u{2013}']).len();
    (valid && after[..sep].contains(['-', '\u{2013}']) && after[..sep].ends_with(' '))
        .then_some(1 + close + 1 + sep)
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
