//! Diagnostics: the finding ids, and how errors and findings are shown.
pub mod id;

pub use id::FindingId;
