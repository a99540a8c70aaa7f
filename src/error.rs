//! Errors that reach the user, and the exit codes CI branches on (see design.md).
//!
//! Anything that is not a [`Failure`] is an unexpected failure of a step and exits 1.
//! [`Kind::exit`] is the one table of exit codes.
use std::fmt;
use std::path::{Path, PathBuf};

use crate::diag::FindingId;

/// Exit codes, as documented in the README: CI scripts branch on them.
/// Ordered by weight: a run that meets several ends with the heaviest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
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
    /// shown with the finding's id; bad input when the finding is (a file no command
    /// can read).
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
            Kind::Check(id) if id.is_bad_input() => Exit::Usage,
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

    /// `what: message`: the failure of a step, said for the command that met it.
    pub fn context(mut self, what: impl fmt::Display) -> Self {
        self.message = format!("{what}: {}", self.message);
        self
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

impl Failure {
    /// A failure that ended a command, with its file shown as the user would type it from
    /// the current directory.
    pub fn render(&self, color: bool) -> String {
        let f = self;
        let location = f.location.as_ref().map(|loc| {
            let cwd = std::env::current_dir().unwrap_or_default();
            let shown = loc.file.strip_prefix(&cwd).unwrap_or(&loc.file);
            let source = loc
                .line
                .and_then(|l| crate::diag::render::source_line(&loc.file, l));
            (shown.display().to_string(), loc.line, source)
        });
        crate::diag::render(
            &crate::diag::Report {
                error: true,
                id: match f.kind {
                    Kind::Check(id) => Some(id.as_str()),
                    _ => None,
                },
                message: &f.message,
                file: location.as_ref().map(|(file, ..)| file.as_str()),
                line: location.as_ref().and_then(|(_, line, _)| *line),
                source: location.as_ref().and_then(|(.., source)| source.as_deref()),
                help: f.help.as_deref(),
            },
            color,
        )
    }
}

impl std::error::Error for Failure {}

/// A refused version is bad input (exit 2), with its fix.
impl From<crate::version::VersionError> for Failure {
    fn from(err: crate::version::VersionError) -> Self {
        Self {
            help: err.help,
            ..Self::usage(err.message)
        }
    }
}

/// A command that ran and failed.
#[derive(Debug)]
pub struct CmdError {
    pub command: String,
    pub status: Option<i32>,
    pub stderr: String,
}

impl fmt::Display for CmdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = self
            .status
            .map_or_else(|| "a signal".to_string(), |c| format!("exit code {c}"));
        write!(f, "`{}` failed with {status}", self.command)?;
        let stderr = self.stderr.trim();
        if !stderr.is_empty() {
            write!(f, "\n--- stderr\n{stderr}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CmdError {}

/// A command that failed is a failed step (exit 1), said with its command line and
/// what it printed on stderr.
impl From<CmdError> for Failure {
    fn from(err: CmdError) -> Self {
        Self::failed(err.to_string())
    }
}

/// Whatever ended a command, as the one shape the user sees. An error that is not
/// one of ours is a step that failed (exit 1), said with its causes.
impl From<anyhow::Error> for Failure {
    fn from(err: anyhow::Error) -> Self {
        let err = match err.downcast::<Failure>() {
            Ok(failure) => return failure,
            Err(err) => err,
        };
        let err = match err.downcast::<CmdError>() {
            Ok(cmd) => return cmd.into(),
            Err(err) => err,
        };
        let mut message = err.to_string();
        for cause in err.chain().skip(1) {
            message.push_str(&format!("\n\nCaused by:\n  {cause}"));
        }
        Self::failed(message)
    }
}

pub type Result<T, E = anyhow::Error> = std::result::Result<T, E>;

/// 1-based line number of byte `offset` in `text`.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_keep_the_exit_code_the_fix_and_the_line() {
        let refused = crate::version::to_pep440(&"1.2.0+abc".parse().unwrap()).unwrap_err();
        let failure = Failure::from(refused.clone()).context("`1.2.0+abc` has no PEP 440 spelling");
        assert_eq!(failure.exit(), Exit::Usage);
        assert_eq!(failure.help, refused.help);
        assert!(
            failure.message.ends_with(&refused.message),
            "{}",
            failure.message
        );

        let text = "[package]\nname = \"x\"\nversion = \n";
        let err = crate::toml::parse_document(text).unwrap_err();
        let failure = Failure::from((Path::new("Cargo.toml"), text, err));
        assert_eq!(failure.exit(), Exit::Usage);
        assert_eq!(failure.location.map(|l| l.line), Some(Some(3)));
    }

    #[test]
    fn one_table_of_exit_codes() {
        let code = |kind: Kind| kind.exit().code();
        assert_eq!(code(Kind::Check(FindingId::GitDirty)), 1);
        assert_eq!(code(Kind::Step), 1);
        assert_eq!(code(Kind::Usage), 2);
        assert_eq!(code(Kind::Partial), 3);
    }
}
