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

/// A partial version at `start` (`MAJOR` or `MAJOR.MINOR`, digits only, as a Cargo
/// requirement is often written), followed by `suffix`; never the start of a longer
/// version (`0.3` of `0.3.1`) or of one with a suffix (`0.3-rc`).
fn requirement_at(text: &str, start: usize, suffix: &str) -> Option<usize> {
    let run = text[start..]
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.')
        .count();
    (1..=run).rev().find(|&len| {
        let candidate = &text[start..start + len];
        let rest = &text[start + len..];
        let continues = rest.starts_with(|c: char| c.is_ascii_alphanumeric() || "-+".contains(c))
            || (rest.starts_with('.') && rest[1..].starts_with(|c: char| c.is_ascii_digit()));
        candidate.split('.').count() <= 2
            && candidate.split('.').all(|p| !p.is_empty())
            && !continues
            && rest.starts_with(suffix)
    })
}

/// What the `{version}` hole of a pattern holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hole {
    /// A whole version, `X.Y.Z` and its pre-release (either spelling).
    Version,
    /// A partial version, `X` or `X.Y` (a requirement such as `foo = "0.3"`).
    Requirement,
}

/// Every match of `search` (a literal with one `{version}`): the hole's byte range and
/// the match's line.
fn matches(text: &str, search: &str, hole: Hole) -> Result<Vec<(usize, usize, usize)>, String> {
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
        let len = match hole {
            Hole::Version => version_at(text, start, suffix),
            Hole::Requirement => requirement_at(text, start, suffix),
        };
        if !inside_token && let Some(len) = len {
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
    Ok(found)
}

/// How many times `search` matches `text`.
pub fn count_matches(text: &str, search: &str, hole: Hole) -> usize {
    matches(text, search, hole).map_or(0, |m| m.len())
}

/// The hole of the single match of `search`. No match, or more than one, is an error:
/// guessing which of two matches is the version would be wrong half the time.
fn single_match(text: &str, search: &str, hole: Hole) -> Result<(usize, usize), String> {
    match matches(text, search, hole)?.as_slice() {
        [] => Err(format!("the pattern `{search}` matches nothing")),
        [(start, end, _)] => Ok((*start, *end)),
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

/// Replaces the version inside the single match of `search` (a literal with one
/// `{version}`) by `new`.
pub fn replace_version(text: &str, search: &str, new: &str) -> Result<String, String> {
    let (start, end) = single_match(text, search, Hole::Version)?;
    Ok(format!("{}{new}{}", &text[..start], &text[end..]))
}

/// Moves the partial version inside the single match of `search` to `new`, as short as
/// it was: `0.3` -> `0.4` for 0.4.0, `1.2` -> `2.0` for 2.0.0, `1` -> `2`; so a patch
/// step leaves `0.3` alone, as a `1` stays for 1.3.0. The requirement that matched
/// the old version then matches the new one. A pre-release leaves it as it is: a
/// requirement without a pre-release part never selects one, and the snippet goes on
/// naming the last stable line until the release.
pub fn replace_requirement(
    text: &str,
    search: &str,
    new: &semver::Version,
) -> Result<String, String> {
    let (start, end) = single_match(text, search, Hole::Requirement)?;
    if !new.pre.is_empty() {
        return Ok(text.to_string());
    }
    let value = if text[start..end].contains('.') {
        format!("{}.{}", new.major, new.minor)
    } else {
        new.major.to_string()
    };
    Ok(format!("{}{value}{}", &text[..start], &text[end..]))
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
    use super::{Hole, count_matches, replace_requirement, replace_version, set_dunder_version};

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

    #[test]
    fn a_requirement_keeps_its_length() {
        let v = |s: &str| semver::Version::parse(s).unwrap();
        let text = "```toml\nfoo = \"0.3\"\n```\n";
        let search = "foo = \"{version}\"";
        let moved = |new: &str| replace_requirement(text, search, &v(new)).unwrap();
        assert_eq!(moved("0.4.0"), "```toml\nfoo = \"0.4\"\n```\n");
        assert_eq!(moved("0.3.2"), text);
        assert_eq!(moved("0.4.0-rc.1"), text);
        let big = "foo = { version = \"1.2\", features = [\"x\"] }\nbar = \"1\"\n";
        let (wide, narrow) = ("foo = { version = \"{version}\"", "bar = \"{version}\"");
        assert_eq!(
            replace_requirement(big, wide, &v("1.3.0")).unwrap(),
            "foo = { version = \"1.3\", features = [\"x\"] }\nbar = \"1\"\n"
        );
        assert_eq!(
            replace_requirement(big, wide, &v("2.0.0")).unwrap(),
            "foo = { version = \"2.0\", features = [\"x\"] }\nbar = \"1\"\n"
        );
        assert_eq!(
            replace_requirement(big, narrow, &v("2.0.0")).unwrap(),
            "foo = { version = \"1.2\", features = [\"x\"] }\nbar = \"2\"\n"
        );
    }

    #[test]
    fn a_requirement_is_never_part_of_a_longer_version() {
        let search = "foo = \"{version}\"";
        for text in ["foo = \"0.3.1\"", "foo = \"0.3-rc\"", "foo = \"0.3a\""] {
            assert_eq!(count_matches(text, search, Hole::Requirement), 0, "{text}");
        }
        assert_eq!(count_matches("foo = \"0.3\"", search, Hole::Requirement), 1);
        // And a whole-version pattern never takes a partial one.
        assert_eq!(count_matches("foo = \"0.3\"", search, Hole::Version), 0);
        let err = replace_requirement(
            "foo = \"0.3\"\nfoo = \"0.2\"\n",
            search,
            &semver::Version::new(0, 4, 0),
        )
        .unwrap_err();
        assert!(err.contains("matches 2 times (lines 1, 2)"), "{err}");
    }
}
