//! The only code that writes files or runs mutating commands. A dry run goes
//! through here too and prints instead of acting, so both modes share every
//! step before this point.
//!
//! The boundary is enforced: `clippy.toml` disallows file writes and process starts, and
//! this module alone allows them.
#![allow(clippy::disallowed_methods)]
pub mod cmd;
pub mod fs;
pub mod lock;
pub mod plan;
pub mod release;
pub mod undo;

use std::io::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context as _;

use crate::edit::FileEdit;
use crate::error::Failure;
use crate::shell::{Shell, Verbosity};
use cmd::Cmd;
use plan::{Plan, Step};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    DryRun,
    Execute,
}

impl Mode {
    /// The mode a command's `--dry-run` flag asks for: the one place the flag is read.
    pub fn of(dry_run: bool) -> Self {
        if dry_run { Self::DryRun } else { Self::Execute }
    }
}

static WRITING: AtomicBool = AtomicBool::new(false);
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Ctrl-C outside the write phase ends the program at once (nothing is half
/// done); inside it, the executor finishes the current rename and rolls back.
pub fn install_interrupt_handler() {
    let _ = ctrlc::set_handler(|| {
        if WRITING.load(Ordering::SeqCst) {
            INTERRUPTED.store(true, Ordering::SeqCst);
        } else {
            std::process::exit(130);
        }
    });
}

pub struct Executor<'a> {
    pub mode: Mode,
    pub shell: &'a Shell,
}

impl Executor<'_> {
    /// Runs `cmd` (prints it in a dry run) with a status line `verb what`.
    pub fn run(&self, verb: &'static str, what: &str, cmd: &Cmd) -> anyhow::Result<()> {
        self.apply(&Plan {
            edits: Vec::new(),
            steps: vec![Step::Run {
                cmd: cmd.clone(),
                verb,
                what: what.to_string(),
            }],
        })
    }

    pub fn apply(&self, plan: &Plan) -> anyhow::Result<()> {
        // Checked in a dry run too, so it tells what the real run would refuse.
        preflight(&plan.edits)?;
        match self.mode {
            Mode::DryRun => {
                for edit in &plan.edits {
                    self.shell.diff(&edit.diff());
                }
                for Step::Run { cmd, verb, what } in &plan.steps {
                    self.shell.status(verb, what);
                    self.shell.status("Would run", format!("`{cmd}`"));
                }
                Ok(())
            }
            Mode::Execute => {
                write_all(&plan.edits)?;
                for edit in &plan.edits {
                    let verb = if edit.created { "Created" } else { "Updated" };
                    self.shell.status(verb, &edit.shown);
                }
                for Step::Run { cmd, verb, what } in &plan.steps {
                    self.shell.status(verb, what);
                    self.shell.verbose(format!("     Running `{cmd}`"));
                    let _spinner = self.shell.spinner(verb, what);
                    cmd.run(self.shell.verbosity() >= Verbosity::Verbose)?;
                }
                Ok(())
            }
        }
    }
}

/// Refuses, before anything is written, the files an atomic rename would
/// mistreat: a symbolic link would be replaced by a regular file (its target left
/// at the old version), and a read-only file is the user's "do not touch".
fn preflight(edits: &[FileEdit]) -> anyhow::Result<()> {
    for edit in edits {
        if edit.created {
            if std::fs::symlink_metadata(&edit.path).is_ok() {
                return Err(Failure::failed(format!(
                    "`{}` appeared while the plan was being made; nothing was written",
                    edit.shown
                ))
                .help("run the command again")
                .into());
            }
            continue;
        }
        let meta = std::fs::symlink_metadata(&edit.path)
            .with_context(|| format!("failed to read `{}`", edit.path.display()))?;
        if meta.file_type().is_symlink() {
            let target = std::fs::read_link(&edit.path).unwrap_or_default();
            return Err(Failure::usage(format!(
                "`{}` is a symbolic link (to `{}`); nothing was changed",
                edit.shown,
                target.display()
            ))
            .at(&edit.path, None)
            .help("a release replaces files by renaming, which would turn the link into a copy: replace the link with the file itself, or point the configuration at the file")
            .into());
        }
        if meta.permissions().readonly() {
            return Err(Failure::usage(format!(
                "`{}` is read-only; nothing was changed",
                edit.shown
            ))
            .at(&edit.path, None)
            .help(format!(
                "make it writable (`chmod u+w {}`) if it should carry the new version",
                edit.shown
            ))
            .into());
        }
    }
    Ok(())
}

/// A staged file: the new bytes, written beside the target, not yet renamed.
struct Staged<'a> {
    edit: &'a FileEdit,
    temp: tempfile::NamedTempFile,
}

/// Staged files share this prefix: a leftover is recognisable.
const TEMP_PREFIX: &str = ".pyrelease-";

/// Writes every edit or none: all new contents are staged as temp files first,
/// then renamed into place; if a rename fails or Ctrl-C arrives, the files
/// already replaced get their original bytes back. A kill that no handler sees
/// is undone by the next run, from the [`undo`] log.
pub fn write_all(edits: &[FileEdit]) -> anyhow::Result<()> {
    for edit in edits.iter().filter(|e| !e.created) {
        let now = fs::read_text(&edit.path)?;
        if now != edit.before {
            return Err(Failure::failed(format!(
                "`{}` changed while the plan was being made; nothing was written",
                edit.shown
            ))
            .help("run the command again")
            .into());
        }
    }
    if edits.is_empty() {
        return Ok(());
    }
    // From here Ctrl-C is rolled back rather than ending the program, so it cannot
    // leave an undo log behind while the files are still consistent.
    WRITING.store(true, Ordering::SeqCst);
    // New files may need new folders (`.github/workflows`): made before staging,
    // because the temp file is staged beside its target; removed again on failure.
    // The undo log is written while the files are staged: both are flushed to disk
    // before the first rename, and neither waits for the other.
    let mut made_dirs = Vec::new();
    let (undo_log, staged) = std::thread::scope(|scope| {
        let undo_log = scope.spawn(|| undo::begin(edits));
        let staged = edits
            .iter()
            .filter(|edit| edit.created)
            .try_for_each(|edit| make_parents(&edit.path, &mut made_dirs))
            .and_then(|()| stage_all(edits));
        (joined(undo_log), staged)
    });
    let (undo_log, staged) = match (undo_log, staged) {
        (Ok(undo_log), Ok(staged)) => (undo_log, staged),
        (undo_log, staged) => {
            WRITING.store(false, Ordering::SeqCst);
            // Staged files, if any, are deleted here (on drop), before their folders.
            let staged = staged.err();
            remove_dirs(&made_dirs);
            if let Ok(undo_log) = &undo_log {
                undo::end(undo_log)?;
            }
            return Err(staged.or(undo_log.err()).expect("one of them failed"));
        }
    };

    let (result, consistent) = commit(staged);
    WRITING.store(false, Ordering::SeqCst);
    if result.is_err() && consistent {
        remove_dirs(&made_dirs);
    }
    // A rollback that could not restore everything keeps the undo log, so the
    // next run can finish it.
    if consistent {
        undo::end(&undo_log)?;
    }
    result
}

/// A scoped thread's result, its panic passed on as this thread's.
pub fn joined<T>(handle: std::thread::ScopedJoinHandle<'_, T>) -> T {
    handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// Stages every edit, on several threads when there are many: each staged file is
/// flushed to disk (`fsync`) before any rename, and flushes of separate files overlap,
/// which is most of the write time of a large workspace's bump.
fn stage_all(edits: &[FileEdit]) -> anyhow::Result<Vec<Staged<'_>>> {
    const PER_THREAD: usize = 8;
    const MAX_THREADS: usize = 16;
    let threads = edits.len().div_ceil(PER_THREAD).clamp(1, MAX_THREADS);
    let chunk = edits.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let jobs: Vec<_> = edits
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|edit| {
                            Ok(Staged {
                                edit,
                                temp: stage_edit(edit)?,
                            })
                        })
                        .collect::<anyhow::Result<Vec<_>>>()
                })
            })
            .collect();
        let mut staged = Vec::with_capacity(edits.len());
        for job in jobs {
            staged.extend(
                job.join()
                    .map_err(|_| anyhow::anyhow!("staging a file panicked"))??,
            );
        }
        Ok(staged)
    })
}

/// Creates the missing ancestors of `path`, recording each one made (outermost first).
fn make_parents(path: &Path, made: &mut Vec<std::path::PathBuf>) -> anyhow::Result<()> {
    let Some(parent) = path.parent() else {
        return Ok(());
    };
    let missing: Vec<_> = parent
        .ancestors()
        .take_while(|dir| !dir.as_os_str().is_empty() && !dir.exists())
        .collect();
    for dir in missing.into_iter().rev() {
        std::fs::create_dir(dir)
            .with_context(|| format!("failed to create the folder `{}`", dir.display()))?;
        made.push(dir.to_path_buf());
    }
    Ok(())
}

/// Removes folders made by [`make_parents`], innermost first; a folder that is
/// not empty (someone else wrote into it) stays.
fn remove_dirs(made: &[std::path::PathBuf]) {
    for dir in made.iter().rev() {
        let _ = std::fs::remove_dir(dir);
    }
}

/// Renames the staged files into place. The flag says whether the files ended
/// consistent: all new, or all restored.
fn commit(staged: Vec<Staged<'_>>) -> (anyhow::Result<()>, bool) {
    let pause = test_pause();
    let total = staged.len();
    let mut done: Vec<&FileEdit> = Vec::new();
    for (i, Staged { edit, temp }) in staged.into_iter().enumerate() {
        if let Some(pause) = pause {
            // The marker tells a test which point of the write phase it interrupts.
            #[allow(clippy::print_stderr)]
            {
                eprintln!("cargo-pyrelease test: {i} of {total} files replaced");
            }
            std::thread::sleep(pause);
        }
        let step = if INTERRUPTED.load(Ordering::SeqCst) {
            Err(Failure::failed("interrupted").into())
        } else {
            replace(edit, temp)
        };
        if let Err(err) = step {
            let restore_failures = rollback(&done);
            let interrupted = INTERRUPTED.load(Ordering::SeqCst);
            let mut failure = if interrupted {
                Failure::failed("interrupted: every file was restored; nothing was changed")
            } else {
                Failure::failed(format!(
                    "could not write `{}`: {err:#}; every file was restored, nothing was changed",
                    edit.shown
                ))
            };
            let consistent = restore_failures.is_empty();
            if !consistent {
                failure = Failure::failed(format!(
                    "could not write `{}` ({err:#}), and could not restore {}: their new contents are in place",
                    edit.shown,
                    restore_failures.join(", ")
                ))
                .help("check these files with `git diff` and restore them by hand, or run the command again: it restores them from the undo log first");
            }
            return (Err(failure.into()), consistent);
        }
        done.push(edit);
    }
    (Ok(()), true)
}

/// The new contents of `edit`, staged: with the permissions of the file it replaces, or
/// the usual 0644 for a new file (a temp file is private, 0600).
fn stage_edit(edit: &FileEdit) -> anyhow::Result<tempfile::NamedTempFile> {
    if !edit.created {
        return stage(&edit.path, &edit.after, Some(&edit.path));
    }
    let temp = stage(&edit.path, &edit.after, None)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(temp.path(), std::fs::Permissions::from_mode(0o644))
            .with_context(|| {
                format!("failed to set the permissions of `{}`", edit.path.display())
            })?;
    }
    Ok(temp)
}

/// Writes `text` to a temp file beside `path`, with the permissions of `like`.
fn stage(path: &Path, text: &str, like: Option<&Path>) -> anyhow::Result<tempfile::NamedTempFile> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(dir)
        .with_context(|| format!("failed to create a temporary file in `{}`", dir.display()))?;
    temp.write_all(text.as_bytes())
        .and_then(|()| temp.as_file().sync_all())
        .with_context(|| format!("failed to write a temporary file for `{}`", path.display()))?;
    if let Some(like) = like {
        let perms = std::fs::metadata(like)
            .with_context(|| format!("failed to read `{}`", like.display()))?
            .permissions();
        temp.as_file()
            .set_permissions(perms)
            .with_context(|| format!("failed to copy the permissions of `{}`", like.display()))?;
    }
    Ok(temp)
}

/// A read-only file is the user's way of saying "do not touch": respected even
/// when running as root, where the rename would succeed.
fn replace(edit: &FileEdit, temp: tempfile::NamedTempFile) -> anyhow::Result<()> {
    let path = &edit.path;
    if edit.created {
        // No-clobber: a file that appeared since the check is not ours to replace.
        return temp
            .persist_noclobber(path)
            .map(drop)
            .map_err(|e| anyhow::Error::new(e.error));
    }
    let meta =
        std::fs::metadata(path).with_context(|| format!("failed to read `{}`", path.display()))?;
    if meta.permissions().readonly() {
        anyhow::bail!("the file is read-only");
    }
    temp.persist(path)
        .map(drop)
        .map_err(|e| anyhow::Error::new(e.error))
}

fn rollback(done: &[&FileEdit]) -> Vec<String> {
    done.iter()
        .rev()
        .filter(|edit| {
            if edit.created {
                return std::fs::remove_file(&edit.path).is_err();
            }
            stage(&edit.path, &edit.before, Some(&edit.path))
                .and_then(|temp| {
                    temp.persist(&edit.path)
                        .map(drop)
                        .map_err(|e| e.error.into())
                })
                .is_err()
        })
        .map(|edit| format!("`{}`", edit.shown))
        .collect()
}

/// Test hook: pause before each rename, after a marker line on stderr, so a test
/// can interrupt the write phase at a known point.
#[cfg(feature = "test-hooks")]
fn test_pause() -> Option<std::time::Duration> {
    std::env::var("CARGO_PYRELEASE_TEST_PAUSE_MS")
        .ok()?
        .parse()
        .ok()
        .map(std::time::Duration::from_millis)
}

/// Without the test hooks, never a pause: a release build has no hook at all.
#[cfg(not(feature = "test-hooks"))]
fn test_pause() -> Option<std::time::Duration> {
    None
}
