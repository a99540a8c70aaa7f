//! nover: release notes from commit subjects.

/// Bullet line for a commit subject.
pub fn bullet(subject: &str) -> String {
    format!("- {subject}")
}
