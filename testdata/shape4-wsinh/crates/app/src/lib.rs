//! The `app` hook runner, as a library.

/// Number of hooks run for `staged` files.
pub fn hooks_for(staged: usize) -> usize {
    app_core::plan(staged)
}
