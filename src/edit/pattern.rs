//! `version-files` search patterns: literal text around a `{version}` hole.

/// Characters a version can be made of, in either spelling.
fn is_version_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+')
}

/// Whether `s` starts with three numeric release segments (`1.2.3`): both spellings of
/// a Cargo version do, and nothing shorter (a bare `2`, a `3.9`) is taken for one.
fn has_release_triple(s: &str) -> bool {
    let mut parts = s.splitn(4, '.');
    (0..3).all(|i| {
        let part = parts.next().unwrap_or_default();
        let digits = part.len() - part.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        // The first two segments are digits only; the third may run into a suffix (`3rc1`).
        digits > 0 && (i == 2 || digits == part.len())
    })
}

/// The version at `start`: the longest run of version characters that ends in a letter or
/// digit (so a sentence's full stop or a `-` before the suffix is not taken along), is
/// followed by `suffix`, and starts with `X.Y.Z`.
fn version_at(text: &str, start: usize, suffix: &str) -> Option<usize> {
    let run: usize = text[start..]
        .chars()
        .take_while(|&c| is_version_char(c))
        .map(char::len_utf8)
        .sum();
    let candidate = &text[start..start + run];
    if !has_release_triple(candidate) {
        return None;
    }
    // Version characters are ASCII, so every byte index in the run is a char boundary.
    (1..=run).rev().find(|&len| {
        candidate.as_bytes()[len - 1].is_ascii_alphanumeric()
            && has_release_triple(&candidate[..len])
            && text[start + len..].starts_with(suffix)
    })
}

/// Replaces the version inside the single match of `search` (a literal with one
/// `{version}`) by `new`. No match, or more than one, is an error: guessing
/// which of two matches is the version would be wrong half the time.
pub fn replace_version(text: &str, search: &str, new: &str) -> Result<String, String> {
    let (prefix, suffix) = search
        .split_once("{version}")
        .ok_or_else(|| format!("the pattern `{search}` has no `{{version}}`"))?;
    let mut found: Vec<(usize, usize, usize)> = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find(prefix).map(|i| i + from) {
        let start = at + prefix.len();
        // With nothing before the hole, a match must not start inside a longer token.
        let inside_token = prefix.is_empty()
            && text[..start]
                .chars()
                .next_back()
                .is_some_and(is_version_char);
        if !inside_token && let Some(len) = version_at(text, start, suffix) {
            let line = text[..at].matches('\n').count() + 1;
            found.push((start, start + len, line));
        }
        // Step past the prefix, or past one whole character when it is empty.
        from = start
            + if prefix.is_empty() {
                text[start..].chars().next().map_or(1, char::len_utf8)
            } else {
                0
            };
        if from > text.len() {
            break;
        }
    }
    match found.as_slice() {
        [] => Err(format!("the pattern `{search}` matches nothing")),
        [(start, end, _)] => Ok(format!("{}{new}{}", &text[..*start], &text[*end..])),
        many => Err(format!(
            "the pattern `{search}` matches {} times (lines {})",
            many.len(),
            many.iter()
                .map(|m| m.2.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Moves a module-level `__version__ = "X"` (either quote) from `old` to `new`, given as
/// (PEP 440, semver) pairs: the spelling found is the spelling written. `None` when the text
/// has no such line at one of the old spellings (a `__version__` read from the package
/// metadata, or one that names another version, is not ours to move).
pub fn set_dunder_version(text: &str, old: (&str, &str), new: (&str, &str)) -> Option<String> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let Some(rest) = line.strip_prefix("__version__") else {
            continue;
        };
        let Some(rest) = rest.trim_start().strip_prefix('=') else {
            continue;
        };
        let value_at = line.len() - rest.trim_start().len();
        let rest = rest.trim_start();
        let Some(quote) = rest.chars().next().filter(|q| matches!(q, '"' | '\'')) else {
            continue;
        };
        let Some(len) = rest[1..].find(quote) else {
            continue;
        };
        let value = &rest[1..1 + len];
        let replacement = if value == old.0 {
            new.0
        } else if value == old.1 {
            new.1
        } else {
            continue;
        };
        let from = start + value_at + 1;
        return Some(format!(
            "{}{replacement}{}",
            &text[..from],
            &text[from + len..]
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{replace_version, set_dunder_version};

    #[test]
    fn dunder_version_in_either_spelling_and_quote() {
        let old = ("1.2.0rc1", "1.2.0-rc.1");
        let new = ("1.2.0", "1.2.0");
        assert_eq!(
            set_dunder_version("\"\"\"Doc.\"\"\"\n__version__ = '1.2.0rc1'\n", old, new).as_deref(),
            Some("\"\"\"Doc.\"\"\"\n__version__ = '1.2.0'\n")
        );
        assert_eq!(
            set_dunder_version(
                "__version__=\"1.2.0-rc.1\"  # semver\n",
                old,
                ("1.3.0a1", "1.3.0-alpha.1")
            )
            .as_deref(),
            Some("__version__=\"1.3.0-alpha.1\"  # semver\n")
        );
        // Another version, an indented one, one read from metadata: not ours.
        for text in [
            "__version__ = \"0.9.0\"\n",
            "if x:\n    __version__ = \"1.2.0rc1\"\n",
            "__version__ = importlib.metadata.version(\"pkg\")\n",
        ] {
            assert_eq!(set_dunder_version(text, old, new), None, "{text}");
        }
    }

    #[test]
    fn replaces_the_one_match() {
        let text = "# x\n__version__ = \"1.2.3\"\nother = \"1.2.3\"\n";
        assert_eq!(
            replace_version(text, "__version__ = \"{version}\"", "1.3.0rc1").unwrap(),
            "# x\n__version__ = \"1.3.0rc1\"\nother = \"1.2.3\"\n"
        );
    }

    #[test]
    fn no_match_and_two_matches_are_errors() {
        assert!(
            replace_version("nothing", "v{version}", "1.0.0")
                .unwrap_err()
                .contains("matches nothing")
        );
        let err = replace_version("v1.0.0\nv1.0.0\n", "v{version}", "2.0.0").unwrap_err();
        assert!(err.contains("matches 2 times (lines 1, 2)"), "{err}");
    }

    #[test]
    fn a_version_must_start_with_a_digit() {
        assert!(replace_version("version: vX", "version: v{version}", "1.0.0").is_err());
    }

    #[test]
    fn a_version_ends_before_trailing_punctuation() {
        assert_eq!(
            replace_version("Install version 1.2.3.\n", "version {version}", "1.3.0").unwrap(),
            "Install version 1.3.0.\n"
        );
        assert_eq!(
            replace_version("wheel-1.2.3-cp39.whl", "wheel-{version}-cp39", "1.3.0rc1").unwrap(),
            "wheel-1.3.0rc1-cp39.whl"
        );
        assert_eq!(
            replace_version("v = 1.2.3rc1;", "v = {version}", "1.2.3").unwrap(),
            "v = 1.2.3;"
        );
    }

    #[test]
    fn only_whole_x_y_z_versions_match() {
        // `shape 2` and `python 3.9` are not versions; a bare hole does not start mid-token.
        let text = "shape 2, python 3.9, build ab1.2.3, and é 1.2.3 — done\n";
        assert_eq!(
            replace_version(text, "{version}", "1.3.0").unwrap(),
            "shape 2, python 3.9, build ab1.2.3, and é 1.3.0 — done\n"
        );
        assert!(replace_version("version 2\n", "version {version}", "1.0.0").is_err());
    }
}
