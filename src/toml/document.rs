//! Parsing a TOML file with spans, and the splicing helpers every edit shares.

use std::ops::Range;

use toml_edit::{Document, Item, Key, TableLike};

use super::EditError;

pub(super) fn parse(text: &str) -> Result<Document<&str>, EditError> {
    parse_document(text).map_err(|e| {
        EditError::new(
            format!("invalid TOML: {}; fix the syntax and try again", e.message),
            e.span.map(|s| line_of(text, s.start)),
        )
    })
}

/// Why a file is not TOML: the parser's message and where, when it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Option<Range<usize>>,
}

/// [`Document::parse`] for every TOML file the tool reads, with the parser's message trimmed.
/// (toml_edit 0.23 panicked on some malformed input, `==\n.=` found by `fuzz/`; 0.25 answers
/// with an error, which the test below keeps so.)
pub fn parse_document<S: AsRef<str>>(text: S) -> Result<Document<S>, SyntaxError> {
    Document::parse(text).map_err(|e| SyntaxError {
        message: e.message().trim().to_string(),
        span: e.span(),
    })
}

/// 1-based line of byte `offset`.
pub(super) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

pub(super) fn key_line(text: &str, key: &Key) -> Option<usize> {
    key.span().map(|s| line_of(text, s.start))
}

pub(super) fn table_like<'a>(
    item: &'a Item,
    what: &str,
    text: &str,
    key: &Key,
) -> Result<&'a dyn TableLike, EditError> {
    item.as_table_like().ok_or_else(|| {
        EditError::new(
            format!("`{}` is not a table; expected `{what}`", key.get()),
            key_line(text, key),
        )
    })
}

/// The string value of `item` and its span, or an error saying `what` must be a string.
pub(super) fn string_value<'a>(
    item: &'a Item,
    what: &str,
    text: &str,
    key: &Key,
) -> Result<(&'a str, Range<usize>), EditError> {
    match (item.as_str(), item.span()) {
        (Some(s), Some(span)) => Ok((s, span)),
        _ => Err(EditError::new(
            format!("{what} is not a string; write it as `version = \"1.2.3\"`"),
            key_line(text, key),
        )),
    }
}

/// `text` with the string at `value` set to `new`; unchanged (even in its quoting and escapes)
/// when it already is `new`.
pub(super) fn replace_if_different(
    text: &str,
    (old, span): (&str, Range<usize>),
    new: &str,
) -> String {
    if old == new {
        return text.to_owned();
    }
    let quoted = requote(&text[span.clone()], new);
    apply(text, vec![(span, quoted)])
}

/// `content` in the same kind of quotes as the raw TOML string `raw`.
pub(super) fn requote(raw: &str, content: &str) -> String {
    let quote = ["\"\"\"", "'''", "\"", "'"]
        .into_iter()
        .find(|q| raw.starts_with(q))
        .unwrap_or("\"");
    format!("{quote}{content}{quote}")
}

/// Replaces the given non-overlapping byte ranges of `text`.
pub(super) fn apply(text: &str, mut splices: Vec<(Range<usize>, String)>) -> String {
    splices.sort_by_key(|(span, _)| span.start);
    let mut out = String::with_capacity(text.len() + 16 * splices.len());
    let mut at = 0;
    for (span, new) in splices {
        debug_assert!(span.start >= at, "overlapping edits");
        out.push_str(&text[at..span.start]);
        out.push_str(&new);
        at = span.end;
    }
    out.push_str(&text[at..]);
    out
}

/// A table key as it would be written in a header, for error messages (`'cfg(unix)'`).
pub(super) fn quote_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        key.to_owned()
    } else if key.contains('\'') {
        format!("{key:?}")
    } else {
        format!("'{key}'")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toml::testutil::*;
    use crate::toml::{set_lock_versions, set_package_version, set_pyproject_version};

    // --- parse_document ------------------------------------------------------------------

    /// toml_edit 0.23 panicked on this input; every edit must answer with an error.
    #[test]
    fn input_that_panicked_toml_edit_is_an_error() {
        let text = "==\n.=";
        assert!(parse_document(text).is_err());
        assert!(set_package_version(text, "1.0.0").is_err());
        assert!(set_pyproject_version(text, "1.0.0").is_err());
        assert!(set_lock_versions(text, &set(&["a"]), &v("1.0.0"), &v("1.1.0")).is_err());
    }

    #[test]
    fn helpers() {
        assert_eq!(line_of("a\nb\r\nc", 5), 3);
        assert_eq!(requote("'''x'''", "1"), "'''1'''");
        assert_eq!(quote_key("cfg(unix)"), "'cfg(unix)'");
    }
}
