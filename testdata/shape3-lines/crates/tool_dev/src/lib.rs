//! Developer helpers.

/// Name of the generated rules table.
pub fn generated_table() -> &'static str {
    "rules.rs"
}
