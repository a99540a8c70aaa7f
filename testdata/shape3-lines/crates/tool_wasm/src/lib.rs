//! Playground entry point.

/// Rule count, as the playground shows it.
pub fn playground_rules() -> usize {
    tool_linter::rule_count()
}
