//! Plans: what a command will do, decided from the model without touching anything.
//! The executor applies a plan or, in a dry run, prints it.
pub mod auto;
pub mod bump;
pub mod changelog;
pub mod commands;
pub mod init;
pub mod publish;
pub mod publishers;
pub mod spots;
pub mod sync;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::edit::FileEdit;
pub use crate::exec::plan::{Plan, Step};

/// Collects successive edits of the same files, so one file edited by several
/// rules (a root Cargo.toml holding both the workspace version and the pins) ends
/// up as one `FileEdit` from the bytes on disk to the final bytes.
#[derive(Debug, Default)]
pub struct EditSet {
    root: PathBuf,
    files: BTreeMap<PathBuf, (String, String)>,
    order: Vec<PathBuf>,
}

impl EditSet {
    pub fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            ..Self::default()
        }
    }

    /// Applies `f` to the current planned text of `path` (read from disk the first time).
    pub fn edit(
        &mut self,
        path: &Path,
        f: impl FnOnce(&str) -> anyhow::Result<String>,
    ) -> anyhow::Result<()> {
        if !self.files.contains_key(path) {
            let text = crate::exec::fs::read_text(path)?;
            self.files.insert(path.to_path_buf(), (text.clone(), text));
            self.order.push(path.to_path_buf());
        }
        let entry = self.files.get_mut(path).expect("inserted above");
        entry.1 = f(&entry.1)?;
        Ok(())
    }

    /// Like [`EditSet::edit`], with the text already read by the model.
    pub fn edit_known(
        &mut self,
        path: &Path,
        current: &str,
        f: impl FnOnce(&str) -> anyhow::Result<String>,
    ) -> anyhow::Result<()> {
        if !self.files.contains_key(path) {
            self.files.insert(
                path.to_path_buf(),
                (current.to_string(), current.to_string()),
            );
            self.order.push(path.to_path_buf());
        }
        self.edit(path, f)
    }

    /// The edits that change something, in the order files were first touched.
    pub fn into_edits(mut self) -> Vec<FileEdit> {
        let root = self.root;
        self.order
            .into_iter()
            .filter_map(|path| {
                let (before, after) = self.files.remove(&path)?;
                (before != after).then(|| FileEdit {
                    shown: crate::project::relative(&root, &path),
                    path,
                    before,
                    after,
                    created: false,
                })
            })
            .collect()
    }
}
