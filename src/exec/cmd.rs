//! One type for every subprocess: printed as a shell-escaped line, and a failure
//! carries the command, its status and what it printed.
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::Context as _;

use crate::error::CmdError;
use crate::redact::redact;

/// Whether running the command changes anything outside the machine or the tree.
/// Only `Read` commands run in a dry run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Read,
    Mutate,
}

#[derive(Debug, Clone)]
pub struct Cmd {
    program: OsString,
    args: Vec<OsString>,
    cwd: Option<PathBuf>,
    env: Vec<(OsString, OsString)>,
    pub kind: Kind,
}

/// What a finished command printed; `code` is `None` when a signal ended it.
#[derive(Debug)]
pub struct Captured {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Cmd {
    pub fn new(program: impl AsRef<OsStr>, kind: Kind) -> Self {
        Self {
            program: program.as_ref().to_os_string(),
            args: Vec::new(),
            cwd: None,
            env: Vec::new(),
            kind,
        }
    }

    /// `cargo`, honouring `$CARGO` as cargo sets it for subcommands.
    pub fn cargo(kind: Kind) -> Self {
        Self::new(
            std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()),
            kind,
        )
    }

    pub fn git(kind: Kind) -> Self {
        Self::new("git", kind)
    }

    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Self {
        self.args.push(arg.as_ref().to_os_string());
        self
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_os_string()));
        self
    }

    pub fn cwd(mut self, dir: impl AsRef<Path>) -> Self {
        self.cwd = Some(dir.as_ref().to_path_buf());
        self
    }

    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.env
            .push((key.as_ref().to_os_string(), value.as_ref().to_os_string()));
        self
    }

    fn command(&self) -> Command {
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.args);
        if let Some(dir) = &self.cwd {
            cmd.current_dir(dir);
        }
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    fn output(&self) -> anyhow::Result<std::process::Output> {
        self.command()
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("could not start `{self}`: is it installed and on PATH?"))
    }

    /// Runs the command and returns its stdout; stderr is kept for the error.
    pub fn read(&self) -> anyhow::Result<String> {
        let output = self.output()?;
        if !output.status.success() {
            return Err(CmdError {
                command: self.to_string(),
                status: output.status.code(),
                stderr: redact(&String::from_utf8_lossy(&output.stderr)).into_owned(),
            }
            .into());
        }
        String::from_utf8(output.stdout)
            .with_context(|| format!("`{self}` printed non-UTF-8 output"))
    }

    /// Runs a read-only command whose exit code is an answer, not a failure (a linter that
    /// exits 1 on findings): its status and both outputs, redacted.
    pub fn capture(&self) -> anyhow::Result<Captured> {
        let output = self.output()?;
        Ok(Captured {
            code: output.status.code(),
            stdout: redact(&String::from_utf8_lossy(&output.stdout)).into_owned(),
            stderr: redact(&String::from_utf8_lossy(&output.stderr)).into_owned(),
        })
    }

    /// Runs the command with its output streamed (`verbose`) or captured and shown
    /// only when it fails. Streamed lines go through the redactor like everything else.
    pub fn run(&self, verbose: bool) -> anyhow::Result<()> {
        if !verbose {
            return self.read().map(drop);
        }
        let mut child = self
            .command()
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("could not start `{self}`: is it installed and on PATH?"))?;
        let forward = |pipe: Box<dyn std::io::Read + Send>| {
            std::thread::spawn(move || {
                use std::io::BufRead as _;
                let mut tail = Vec::new();
                // Lines that may start a wrapped secret wait for the next one.
                let mut shown = crate::redact::Lines::default();
                for line in std::io::BufReader::new(pipe).lines() {
                    let Ok(line) = line else { break };
                    for ready in shown.push(line.clone()) {
                        crate::shell::emit(&ready);
                    }
                    tail.push(line);
                }
                for ready in shown.flush() {
                    crate::shell::emit(&ready);
                }
                tail
            })
        };
        let out = forward(Box::new(child.stdout.take().expect("piped")));
        let err = forward(Box::new(child.stderr.take().expect("piped")));
        let status = child
            .wait()
            .with_context(|| format!("could not wait for `{self}`"))?;
        let _ = out.join();
        let stderr = err.join().unwrap_or_default().join("\n");
        if status.success() {
            Ok(())
        } else {
            Err(CmdError {
                command: self.to_string(),
                status: status.code(),
                // Already shown as it streamed; kept so the error stands on its own in logs.
                stderr: redact(&stderr).into_owned(),
            }
            .into())
        }
    }
}

impl fmt::Display for Cmd {
    /// The exact line a user can paste into a POSIX shell.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The folder the user is in needs no `cd`.
        if let Some(dir) = &self.cwd
            && std::env::current_dir().ok().as_deref() != Some(dir.as_path())
        {
            write!(f, "cd {} && ", quote(dir.as_os_str()))?;
        }
        for (k, v) in &self.env {
            write!(f, "{}={} ", k.to_string_lossy(), quote(v))?;
        }
        // `$CARGO` is an absolute toolchain path; show the name users type.
        let program = Path::new(&self.program);
        let shown = match program.file_stem().and_then(OsStr::to_str) {
            Some("cargo") => OsStr::new("cargo"),
            _ => self.program.as_os_str(),
        };
        write!(f, "{}", quote(shown))?;
        // Paths below the folder the user is in are shown relative to it: shorter, and
        // still exact when pasted there.
        let here = std::env::current_dir().ok();
        for arg in &self.args {
            let relative = here
                .as_deref()
                .and_then(|here| Path::new(arg).strip_prefix(here).ok())
                .filter(|rest| !rest.as_os_str().is_empty());
            match relative {
                Some(rest) => write!(f, " {}", quote(rest.as_os_str()))?,
                None => write!(f, " {}", quote(arg))?,
            }
        }
        Ok(())
    }
}

/// POSIX single-quote escaping, leaving plain words bare for readability.
pub fn quote(s: &OsStr) -> String {
    let s = s.to_string_lossy();
    let plain = !s.is_empty()
        && s.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(
                    b,
                    b'-' | b'_' | b'.' | b'/' | b'=' | b':' | b'@' | b',' | b'+'
                )
        });
    if plain {
        s.into_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_shell_escaped() {
        let cmd = Cmd::new("git", Kind::Mutate)
            .args(["tag", "-a", "v1.2.0", "-m", "it's done"])
            .cwd("/tmp/a b");
        assert_eq!(
            cmd.to_string(),
            r"cd '/tmp/a b' && git tag -a v1.2.0 -m 'it'\''s done'"
        );
    }

    #[test]
    fn failure_carries_status_and_stderr() {
        let err = Cmd::new("sh", Kind::Read)
            .args(["-c", "echo boom >&2; exit 3"])
            .read()
            .unwrap_err();
        let err = err.downcast::<CmdError>().unwrap();
        assert_eq!(err.status, Some(3));
        assert_eq!(err.stderr.trim(), "boom");
        assert!(
            err.to_string()
                .contains("`sh -c 'echo boom >&2; exit 3'` failed with exit code 3")
        );
    }

    #[test]
    fn missing_program_says_so() {
        let err = Cmd::new("definitely-not-a-program-xyz", Kind::Read)
            .read()
            .unwrap_err();
        assert!(err.to_string().contains("is it installed"));
    }
}
