//! Diagnostics: the finding ids, and how errors and findings are shown.
pub mod id;
pub mod render;

pub use id::FindingId;
pub use render::{Report, render};

/// `1 error`, `2 errors`, `0 warnings`: a summary's counts.
pub fn count(n: usize, what: &str) -> String {
    match n {
        1 => format!("1 {what}"),
        n => format!("{n} {what}s"),
    }
}
