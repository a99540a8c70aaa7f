//! tok: whitespace tokenization.

/// Splits `text` on whitespace.
pub fn tokenize(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}
