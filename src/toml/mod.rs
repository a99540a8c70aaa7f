//! Version edits in the TOML files a release touches: Cargo.toml (the package, the workspace and
//! dependents' requirements), Cargo.lock, pyproject.toml and uv.lock.
//!
//! Every function takes the file's text and returns the new text. Edits are *splices*: the file
//! is parsed with [`toml_edit::Document`], which keeps the byte span of every value, and only the
//! bytes of the changed string values are replaced. Everything else (comments, whitespace,
//! CRLF line endings, key order, quoting of other values) is copied from the input byte for byte.
//! This is the same outcome as copying the old value's decor onto the new value (cargo-release,
//! uv), but it does not rely on `DocumentMut` re-rendering the untouched parts identically: a
//! splice cannot change what it does not cover.
//!
//! The new value keeps the old value's quoting (`"..."`, `'...'`, or their multi-line forms).
//! The values written here are versions and requirements, which never need escaping; the inputs
//! are checked for that first.
//!
//! [`document`] parses (with spans, and syntax errors with their place) and holds the splicing
//! helpers; [`version`] sets the version fields; [`requirements`] moves requirements and pins.

pub mod config_block;
mod document;
mod lock;
mod requirements;
mod version;

use std::fmt;
use std::path::Path;

use crate::error::{Failure, line_of};

pub use document::{SyntaxError, parse_document};
pub use lock::{LockEntry, lock_entries};
pub use requirements::{by_name, set_python_pins, update_parsed_requirements, update_requirements};
pub use version::{
    set_lock_versions, set_package_version, set_pyproject_version, set_uv_lock_version,
    set_workspace_version,
};

/// Why an edit could not be made. `Display` is the message alone: the caller knows the file and
/// attaches it together with [`EditError::line`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditError {
    /// Lowercase; says what is wrong and what to do.
    pub message: String,
    /// 1-based line in the edited text, when the problem is at one place.
    pub line: Option<usize>,
}

impl EditError {
    fn new(message: impl Into<String>, line: Option<usize>) -> Self {
        Self {
            message: message.into(),
            line,
        }
    }
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EditError {}

/// A file that is not TOML is bad input (exit 2), at the parser's line.
impl From<(&Path, &str, SyntaxError)> for Failure {
    fn from((path, text, err): (&Path, &str, SyntaxError)) -> Failure {
        Failure::usage(format!(
            "`{}` is not valid TOML: {}",
            path.display(),
            err.message
        ))
        .at(path, err.span.map(|s| line_of(text, s.start)))
        .help("fix the syntax error; nothing was changed")
    }
}

/// An edit that cannot be made in the file at `path`: bad input (exit 2), at its line.
impl<P: AsRef<Path>> From<(P, EditError)> for Failure {
    fn from((path, err): (P, EditError)) -> Failure {
        let path = path.as_ref();
        // Relative to where the user stands, like the `-->` location below it.
        let cwd = std::env::current_dir().unwrap_or_default();
        let shown = path.strip_prefix(&cwd).unwrap_or(path);
        Failure::usage(format!("`{}`: {}", shown.display(), err.message)).at(path, err.line)
    }
}

#[cfg(test)]
pub(crate) mod testutil {
    use std::collections::BTreeSet;

    use semver::Version;

    pub fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    pub fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    pub fn crlf(s: &str) -> String {
        s.replace('\n', "\r\n")
    }
}
