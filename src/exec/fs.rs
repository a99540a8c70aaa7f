//! File access for the whole tool: every error names the path; writes are atomic.
use std::path::Path;

use anyhow::Context as _;

use crate::error::Failure;

/// The largest file read. The biggest files a release touches (a monorepo's
/// Cargo.lock, a long changelog) are a few MiB; anything far larger is not one
/// of them, and reading it whole only to edit a version would be a trap.
pub const MAX_TEXT: u64 = 16 * 1024 * 1024;

/// Reads a UTF-8 text file; a non-UTF-8 or giant file is a usage error naming it.
pub fn read_text(path: &Path) -> anyhow::Result<String> {
    let size = std::fs::metadata(path)
        .with_context(|| format!("failed to read `{}`", path.display()))?
        .len();
    if size > MAX_TEXT {
        return Err(Failure::usage(format!(
            "`{}` is {} MiB, larger than the {} MiB cargo-pyrelease reads",
            path.display(),
            size / (1024 * 1024),
            MAX_TEXT / (1024 * 1024)
        ))
        .at(path, None)
        .help("is it the right file? Point the configuration at the real one, or shorten it")
        .into());
    }
    let bytes =
        std::fs::read(path).with_context(|| format!("failed to read `{}`", path.display()))?;
    String::from_utf8(bytes).map_err(|e| {
        Failure::usage(format!(
            "`{}` is not valid UTF-8 (invalid byte at offset {})",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
        .at(
            path,
            Some(crate::error::line_of(
                &String::from_utf8_lossy(e.as_bytes()),
                e.utf8_error().valid_up_to(),
            )),
        )
        .help("save the file as UTF-8")
        .into()
    })
}
