//! word-count: counts occurrences of a word.

/// Occurrences of `needle` as a whole word in `haystack`.
pub fn search(haystack: &str, needle: &str) -> usize {
    haystack.split_whitespace().filter(|w| *w == needle).count()
}
