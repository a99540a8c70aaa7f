//! Lint rules.

/// Number of rules shipped.
pub fn rule_count() -> usize {
    tool_ast::node_kinds() * 2
}
