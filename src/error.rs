//! Errors that reach the user, and the exit codes CI branches on (see design.md).
//!
//! Anything that is not a [`Failure`] is an unexpected failure of a step and exits 1.
//! [`Kind::exit`] is the one table of exit codes.
use std::fmt;
use std::path::{Path, PathBuf};

use crate::diag::FindingId;

/// Exit codes, as documented in the README: CI scripts branch on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    /// A check failed, or a step failed before anything irreversible happened.
    Failed = 1,
    /// Usage or configuration error: nothing was attempted.
    Usage = 2,
    /// A release stopped part-way: something is published.
    Partial = 3,
}

impl Exit {
    pub fn code(self) -> i32 {
        self as i32
    }
}

/// What kind of failure stopped a command. Its exit code is decided here and nowhere
/// else, so the same state gets the same code from every command (design.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The project is in a state a `verify` finding names (a dirty tree, a tag that
    /// exists, an empty changelog section): a failed check, whichever command meets it,
    /// shown with the finding's id.
    Check(FindingId),
    /// A step failed before anything irreversible happened.
    Step,
    /// Bad arguments or configuration: nothing was attempted.
    Usage,
    /// A release stopped part-way: something is published.
    Partial,
}

impl Kind {
    /// The one table of exit codes.
    pub fn exit(self) -> Exit {
        match self {
            Kind::Check(_) | Kind::Step => Exit::Failed,
            Kind::Usage => Exit::Usage,
            Kind::Partial => Exit::Partial,
        }
    }
}

/// Where a problem is: a file, and the line when one is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub line: Option<usize>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}", self.file.display()),
            None => write!(f, "{}", self.file.display()),
        }
    }
}

/// A failure with everything the user needs: what, where, and what to do.
#[derive(Debug)]
pub struct Failure {
    pub kind: Kind,
    pub message: String,
    pub location: Option<Location>,
    pub help: Option<String>,
}

impl Failure {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            location: None,
            help: None,
        }
    }

    /// Bad input or configuration: exit 2.
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, message)
    }

    /// A step failed before anything irreversible: exit 1.
    pub fn failed(message: impl Into<String>) -> Self {
        Self::new(Kind::Step, message)
    }

    /// The state the finding `id` names, met by a command other than `verify`: exit 1,
    /// as `verify` exits on it.
    pub fn check(id: FindingId, message: impl Into<String>) -> Self {
        Self::new(Kind::Check(id), message)
    }

    pub fn exit(&self) -> Exit {
        self.kind.exit()
    }

    pub fn at(mut self, file: impl AsRef<Path>, line: Option<usize>) -> Self {
        self.location = Some(Location {
            file: file.as_ref().to_path_buf(),
            line,
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

pub type Result<T, E = anyhow::Error> = std::result::Result<T, E>;

/// The exit code for an error that ended the program.
pub fn exit_code(err: &anyhow::Error) -> i32 {
    err.downcast_ref::<Failure>()
        .map_or(Exit::Failed, Failure::exit)
        .code()
}

/// 1-based line number of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}
