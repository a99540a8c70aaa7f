//! Terminal helpers.

/// Pluralise `word` for `n`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 { word.to_owned() } else { format!("{word}s") }
}
