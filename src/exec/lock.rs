//! One release at a time: `publish`, `bump`, `sync` and `init` hold an advisory lock on
//! `target/pyrelease/lock` of the project for their whole run. Two releases at once would
//! delete each other's dist folder, publish a half-written tree, or take each other's
//! write journal for a crashed write.
//!
//! The lock is the operating system's (`flock`): it belongs to the open file, so it is
//! released when the process ends, however it ends; a lock file left by a killed run is
//! free. The file holds the holder's pid, for the message of the run that has to wait.
use std::fs::{File, TryLockError};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::error::Failure;
use crate::shell::Shell;

/// How long a second run waits for the first before it refuses: long enough for a
/// `sync` from a pre-commit hook to finish, short enough not to look hung.
const WAIT: Duration = Duration::from_secs(3);

/// The lock this process holds, kept open (and so held) until it exits.
static HELD: OnceLock<File> = OnceLock::new();
/// The folder of that lock (set also where the file system has no locks).
static HELD_DIR: OnceLock<PathBuf> = OnceLock::new();

/// The project folder a run at `manifest_path` (or the current folder) belongs to: the
/// outermost folder holding a `Cargo.toml` or a `pyproject.toml`, within the git
/// repository if there is one. Found without reading a manifest, because the lock is
/// taken before anything is read (a half-written tree is only read under the lock).
pub fn project_dir(manifest_path: Option<&Path>) -> anyhow::Result<PathBuf> {
    let cwd = std::env::current_dir()?;
    let start = match manifest_path {
        Some(m) => cwd.join(m).parent().map_or(cwd.clone(), Path::to_path_buf),
        None => cwd,
    };
    let mut found = None;
    for dir in start.ancestors() {
        if dir.join("Cargo.toml").is_file() || dir.join("pyproject.toml").is_file() {
            found = Some(dir);
        }
        if dir.join(".git").exists() {
            break;
        }
    }
    Ok(found.unwrap_or(&start).to_path_buf())
}

/// The folder of the tool's own state: the lock and the undo log (`undo.rs`). Always
/// `target/pyrelease/` of the project folder, even under a custom `CARGO_TARGET_DIR` or a
/// `build.target-dir`: both are taken or looked for before any manifest or cargo
/// configuration is read, so their place must not depend on reading them.
pub fn state_dir(manifest_path: Option<&Path>) -> anyhow::Result<PathBuf> {
    Ok(project_dir(manifest_path)?.join("target/pyrelease"))
}

/// The state folder of the lock this process took, made by [`hold`]: where a write
/// records its undo log.
pub fn held_dir() -> Option<&'static Path> {
    HELD_DIR.get().map(PathBuf::as_path)
}

fn lock_path(manifest_path: Option<&Path>) -> anyhow::Result<PathBuf> {
    Ok(state_dir(manifest_path)?.join("lock"))
}

/// Takes the project's lock for the rest of the process, waiting a moment for a run
/// that holds it; refuses with its pid if it does not let go.
pub fn hold(manifest_path: Option<&Path>, shell: &Shell) -> anyhow::Result<()> {
    if HELD.get().is_some() {
        return Ok(());
    }
    let path = lock_path(manifest_path)?;
    let dir = path.parent().expect("the lock is in a folder");
    std::fs::create_dir_all(dir)
        .with_context(|| format!("failed to create `{}`", dir.display()))?;
    // The folder holds only the tool's own state: never an untracked file in `git status`.
    let ignore = dir.join(".gitignore");
    if !ignore.exists() {
        let _ = std::fs::write(&ignore, "*\n");
    }
    let _ = HELD_DIR.set(dir.to_path_buf());
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .with_context(|| format!("failed to open the lock `{}`", path.display()))?;
    let deadline = Instant::now() + WAIT;
    let mut said = false;
    loop {
        match file.try_lock() {
            Ok(()) => break,
            // A file system without locks (some network mounts): run unlocked, as
            // cargo does there.
            Err(TryLockError::Error(err)) if err.kind() == std::io::ErrorKind::Unsupported => {
                return Ok(());
            }
            Err(TryLockError::Error(err)) => {
                return Err(err).with_context(|| format!("failed to lock `{}`", path.display()));
            }
            Err(TryLockError::WouldBlock) => {}
        }
        if Instant::now() >= deadline {
            return Err(busy(&path));
        }
        if !said {
            shell.status(
                "Blocking",
                format!("waiting for another cargo-pyrelease ({})", holder(&path)),
            );
            said = true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    file.set_len(0)
        .and_then(|()| writeln!(file, "{}", std::process::id()))
        .with_context(|| format!("failed to write the lock `{}`", path.display()))?;
    let _ = HELD.set(file);
    Ok(())
}

/// Whether a run other than this one holds the project's lock now: then a write journal
/// beside the project is that run's write in progress, not a crashed one.
pub fn busy_elsewhere(manifest_path: Option<&Path>) -> anyhow::Result<Option<anyhow::Error>> {
    if HELD.get().is_some() {
        return Ok(None);
    }
    let path = lock_path(manifest_path)?;
    let Ok(file) = File::open(&path) else {
        return Ok(None);
    };
    match file.try_lock_shared() {
        Ok(()) => Ok(None),
        Err(TryLockError::WouldBlock) => Ok(Some(busy(&path))),
        Err(TryLockError::Error(_)) => Ok(None),
    }
}

/// "pid N", from the lock file (empty for the instant between its truncation and write).
fn holder(path: &Path) -> String {
    let pid = std::fs::read_to_string(path).unwrap_or_default();
    match pid.trim() {
        "" => "pid unknown".to_string(),
        pid => format!("pid {pid}"),
    }
}

fn busy(path: &Path) -> anyhow::Error {
    Failure::failed(format!(
        "another cargo-pyrelease is running ({}); nothing was changed",
        holder(path)
    ))
    .at(path, None)
    .help("wait for it to finish, then run this again (one release at a time: the lock is released when that process ends)")
    .into()
}
