//! cliff-core: changelog model.

/// Markdown heading of a release.
pub fn release_heading(version: &str) -> String {
    format!("## [{version}]")
}
