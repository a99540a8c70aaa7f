//! File access for the whole tool: every error names the path; writes are atomic.
use std::path::Path;

use anyhow::Context as _;

use crate::error::Failure;

/// Reads a UTF-8 text file; a non-UTF-8 file is a usage error naming it.
pub fn read_text(path: &Path) -> anyhow::Result<String> {
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
