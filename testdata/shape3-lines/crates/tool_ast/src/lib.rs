//! Syntax tree.

/// Number of node kinds.
pub fn node_kinds() -> usize {
    42
}
