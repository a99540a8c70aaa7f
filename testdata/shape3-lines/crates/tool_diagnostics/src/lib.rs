//! Diagnostics.

/// Severity label.
pub fn label(error: bool) -> &'static str {
    if error { "error" } else { "warning" }
}
