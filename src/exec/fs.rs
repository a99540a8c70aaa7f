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

/// Writes a file of the tool's own (the publish journal, release notes) atomically,
/// creating its folder: a crash leaves the old file or the new one, never half of one.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write as _;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .with_context(|| format!("failed to create `{}`", dir.display()))?;
    let mut temp = tempfile::Builder::new()
        .prefix(".pyrelease-")
        .tempfile_in(dir)
        .with_context(|| format!("failed to create a temporary file in `{}`", dir.display()))?;
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .with_context(|| format!("failed to write `{}`", path.display()))?;
    temp.persist(path)
        .map(drop)
        .with_context(|| format!("failed to write `{}`", path.display()))
}

/// An empty folder at `path` for a build's output: whatever an earlier build left there
/// is removed first, so only this build's files are picked up.
pub fn fresh_dir(path: &Path) -> anyhow::Result<()> {
    if path.exists() {
        std::fs::remove_dir_all(path)
            .with_context(|| format!("failed to remove `{}`", path.display()))?;
    }
    std::fs::create_dir_all(path).with_context(|| format!("failed to create `{}`", path.display()))
}

/// Removes a file the tool itself created (a `Cargo.lock` that cargo wrote for a gate in a
/// project that commits none), leaving the tree as it was found.
pub fn remove_created(path: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            Err(err).with_context(|| format!("failed to remove `{}`", path.display()))
        }
        _ => Ok(()),
    }
}
