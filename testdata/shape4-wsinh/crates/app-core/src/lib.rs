//! Hook planning.

/// Hooks to run for `staged` files (one per file, at least one).
pub fn plan(staged: usize) -> usize {
    staged.max(1)
}
