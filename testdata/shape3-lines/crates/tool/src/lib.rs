//! The `tool` command line, as a library.

/// The lint rules `tool` runs by default.
pub fn default_rules() -> usize {
    tool_linter::rule_count()
}
