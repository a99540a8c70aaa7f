//! cliff: the changelog generator's command line, as a library.

/// Heading for `version`.
pub fn heading(version: &str) -> String {
    cliff_core::release_heading(version)
}
