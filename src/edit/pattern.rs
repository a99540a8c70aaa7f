//! `version-files` search patterns: literal text around a `{version}` hole.

/// Characters a version can be made of, in either spelling.
fn is_version_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+')
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
        let len: usize = text[start..]
            .chars()
            .take_while(|&c| is_version_char(c))
            .map(char::len_utf8)
            .sum();
        // A version must start with a digit; the suffix must follow right after.
        let version_ok = text[start..].starts_with(|c: char| c.is_ascii_digit());
        if len > 0 && version_ok && text[start + len..].starts_with(suffix) {
            let line = text[..at].matches('\n').count() + 1;
            found.push((start, start + len, line));
        }
        from = at + prefix.len().max(1);
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
            many.iter().map(|m| m.2.to_string()).collect::<Vec<_>>().join(", ")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::replace_version;

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
        assert!(replace_version("nothing", "v{version}", "1.0.0").unwrap_err().contains("matches nothing"));
        let err = replace_version("v1.0.0\nv1.0.0\n", "v{version}", "2.0.0").unwrap_err();
        assert!(err.contains("matches 2 times (lines 1, 2)"), "{err}");
    }

    #[test]
    fn a_version_must_start_with_a_digit() {
        assert!(replace_version("version: vX", "version: v{version}", "1.0.0").is_err());
    }
}
