//! The one walk of a project's tree: every file of the given names below a folder.
use std::path::{Path, PathBuf};

/// Directories never searched: build output, VCS data, virtualenvs, dependencies.
fn skip_dir(path: &Path, name: &str) -> bool {
    name.starts_with('.')
        || matches!(
            name,
            "target" | "node_modules" | "__pycache__" | "venv" | "site-packages"
        )
        || path.join("pyvenv.cfg").exists()
}

/// Every file named one of `names` under `root`, sorted. Symlinked directories
/// are not followed, so a link loop cannot hang the search.
pub fn files(root: &Path, names: &[&str]) -> Vec<PathBuf> {
    walk(root, |name| names.contains(&name))
}

/// Every file under `root` (tag refs, CI files), sorted, with the same skips.
pub fn files_under(root: &Path) -> Vec<PathBuf> {
    walk(root, |_| true)
}

fn walk(root: &Path, keep: impl Fn(&str) -> bool) -> Vec<PathBuf> {
    const MAX_DEPTH: usize = 8;
    let mut found = Vec::new();
    let mut stack = vec![(root.to_path_buf(), 0)];
    while let Some((dir, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if kind.is_dir() {
                if depth < MAX_DEPTH && !skip_dir(&entry.path(), &name) {
                    stack.push((entry.path(), depth + 1));
                }
            } else if keep(name.as_ref())
                // A link to a file is found (and later refused for writing), not
                // skipped: "not found" would not say why.
                && (kind.is_file() || (kind.is_symlink() && entry.path().is_file()))
            {
                found.push(entry.path());
            }
        }
    }
    found.sort();
    found
}
