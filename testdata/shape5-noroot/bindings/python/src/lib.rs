//! Python bindings for tok (the pyo3 glue is left out of this fixture).

/// Number of tokens in `text`.
pub fn token_count(text: &str) -> usize {
    tok::tokenize(text).len()
}
