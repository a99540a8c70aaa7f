//! Pure, format-preserving edits: text in, text out. Nothing here touches the disk.
pub mod pattern;
pub mod precommit;

use std::path::PathBuf;

/// One file's planned change: the exact bytes read and the bytes to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEdit {
    pub path: PathBuf,
    /// The path as shown to the user (relative to the project root).
    pub shown: String,
    pub before: String,
    pub after: String,
    /// The file does not exist yet (`before` is empty): it is created, and a
    /// rollback removes it.
    pub created: bool,
}

impl FileEdit {
    /// A new file: `text` is written where nothing is.
    pub fn create(path: PathBuf, shown: String, text: String) -> Self {
        Self {
            path,
            shown,
            before: String::new(),
            after: text,
            created: true,
        }
    }

    /// A unified diff with `a/` and `b/` prefixes, as `git diff` prints
    /// (`/dev/null` as the old side of a new file).
    pub fn diff(&self) -> String {
        let old = if self.created {
            "/dev/null".to_string()
        } else {
            format!("a/{}", self.shown)
        };
        similar::TextDiff::from_lines(&self.before, &self.after)
            .unified_diff()
            .context_radius(3)
            .header(&old, &format!("b/{}", self.shown))
            .to_string()
    }

    /// Each changed line: (old line number, old text, new text), for `--check` reports.
    pub fn changed_lines(&self) -> Vec<(usize, String, String)> {
        let diff = similar::TextDiff::from_lines(&self.before, &self.after);
        let mut out = Vec::new();
        for op in diff.ops() {
            let (old, new) = (op.old_range(), op.new_range());
            if op.tag() == similar::DiffTag::Equal {
                continue;
            }
            let old_lines: Vec<&str> = self
                .before
                .lines()
                .skip(old.start)
                .take(old.len())
                .collect();
            let new_lines: Vec<&str> = self.after.lines().skip(new.start).take(new.len()).collect();
            for i in 0..old_lines.len().max(new_lines.len()) {
                out.push((
                    old.start + i.min(old.len().saturating_sub(1)) + 1,
                    old_lines.get(i).unwrap_or(&"").trim().to_string(),
                    new_lines.get(i).unwrap_or(&"").trim().to_string(),
                ));
            }
        }
        out
    }
}
