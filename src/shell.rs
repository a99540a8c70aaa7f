//! The only printer: cargo-style status lines on stderr, results on stdout.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::Write;

use anstyle::{AnsiColor, Style};

use crate::error::Failure;
use crate::redact::redact;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
    VeryVerbose,
}

pub struct Shell {
    verbosity: Verbosity,
    color: bool,
    stdout_color: bool,
}

const STATUS: Style = AnsiColor::Green.on_default().bold();
const WARN: Style = AnsiColor::Yellow.on_default().bold();
const ERROR: Style = AnsiColor::Red.on_default().bold();
const NOTE: Style = AnsiColor::Cyan.on_default().bold();
const BOLD: Style = Style::new().bold();

impl Shell {
    pub fn new(color: ColorChoice, verbosity: Verbosity) -> Self {
        use std::io::IsTerminal;
        let decide = |tty: bool| match color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            // cargo's conventions: `CARGO_TERM_COLOR`, then `NO_COLOR`, then the terminal.
            ColorChoice::Auto => match std::env::var("CARGO_TERM_COLOR").as_deref() {
                Ok("always") => true,
                Ok("never") => false,
                _ => tty && std::env::var_os("NO_COLOR").is_none(),
            },
        };
        Self {
            verbosity,
            color: decide(std::io::stderr().is_terminal()),
            stdout_color: decide(std::io::stdout().is_terminal()),
        }
    }

    pub fn verbosity(&self) -> Verbosity {
        self.verbosity
    }

    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }

    /// `   Verifying fastparse 0.3.1`: the verb right-aligned in 12 columns, as cargo does.
    pub fn status(&self, verb: &str, message: impl AsRef<str>) {
        if self.verbosity >= Verbosity::Normal {
            let verb = self.paint(STATUS, &format!("{verb:>12}"));
            emit(&format!("{verb} {}", message.as_ref()));
        }
    }

    /// Detail shown only with `-v`.
    pub fn verbose(&self, message: impl AsRef<str>) {
        if self.verbosity >= Verbosity::Verbose {
            emit(message.as_ref());
        }
    }

    pub fn warn(&self, message: impl AsRef<str>) {
        if self.verbosity >= Verbosity::Normal {
            emit(&format!(
                "{}: {}",
                self.paint(WARN, "warning"),
                message.as_ref()
            ));
        }
    }

    pub fn note(&self, message: impl AsRef<str>) {
        if self.verbosity >= Verbosity::Normal {
            emit(&format!(
                "{}: {}",
                self.paint(NOTE, "note"),
                message.as_ref()
            ));
        }
    }

    /// An error that is a command's result, not a failure of the tool (`verify`'s
    /// summary): printed even with `-q`, like every error.
    pub fn error_line(&self, message: impl AsRef<str>) {
        emit(&format!(
            "{}: {}",
            self.paint(ERROR, "error"),
            message.as_ref()
        ));
    }

    /// Errors are printed even with `-q`: the exit code alone does not say what to fix.
    pub fn error(&self, failure: &Failure) {
        emit(&failure.render(self.color));
    }

    /// Whether what goes to stderr is colored.
    pub fn stderr_color(&self) -> bool {
        self.color
    }

    /// Whether what goes to stdout is colored.
    pub fn stdout_color(&self) -> bool {
        self.stdout_color
    }

    /// A result line on stdout (data, not progress).
    pub fn out(&self, text: impl AsRef<str>) {
        let mut stdout = std::io::stdout().lock();
        // A closed pipe (`| head`) is not an error worth a panic.
        let _ = writeln!(stdout, "{}", redact(text.as_ref()));
    }

    /// Bold text for headings in human output, when stdout is a terminal.
    pub fn bold(&self, text: &str) -> String {
        if self.stdout_color {
            format!("{BOLD}{text}{BOLD:#}")
        } else {
            text.to_string()
        }
    }

    /// A unified diff on stdout, colored on a terminal. Written at once, not line
    /// by line: a large workspace's dry run prints thousands of lines.
    pub fn diff(&self, diff: &str) {
        if diff.is_empty() {
            return;
        }
        if !self.stdout_color {
            self.out(diff.trim_end_matches('\n'));
            return;
        }
        let mut colored = String::with_capacity(diff.len() * 2);
        for line in diff.lines() {
            let style = if line.starts_with("+++") || line.starts_with("---") {
                Some(BOLD)
            } else if line.starts_with('+') {
                Some(AnsiColor::Green.on_default())
            } else if line.starts_with('-') {
                Some(AnsiColor::Red.on_default())
            } else if line.starts_with("@@") {
                Some(AnsiColor::Cyan.on_default())
            } else {
                None
            };
            if !colored.is_empty() {
                colored.push('\n');
            }
            match style {
                Some(style) => colored.push_str(&format!("{style}{line}{style:#}")),
                None => colored.push_str(line),
            }
        }
        self.out(colored);
    }
}

/// Every line for stderr goes through here, so no secret is ever printed.
pub fn emit(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{}", redact(line));
}

/// A spinner under the last status line while a long step runs, on a terminal only and
/// not with `-v` (whose streamed output would tear it). Cleared when dropped.
pub struct Spinner {
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Spinner {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Shell {
    pub fn spinner(&self, verb: &str, what: &str) -> Spinner {
        use std::io::IsTerminal as _;
        let idle = Spinner {
            stop: None,
            thread: None,
        };
        if self.verbosity != Verbosity::Normal || !std::io::stderr().is_terminal() {
            return idle;
        }
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let label = format!("{verb} {what}");
        let thread = std::thread::spawn(move || {
            const FRAMES: &[char] = &['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
            let start = std::time::Instant::now();
            let mut frame = 0;
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                stopped.recv_timeout(std::time::Duration::from_millis(100))
            {
                let secs = start.elapsed().as_secs();
                let _ = write!(
                    std::io::stderr().lock(),
                    "\r{:>12} {label} ({secs}s)\x1b[K",
                    FRAMES[frame % FRAMES.len()]
                );
                frame += 1;
            }
            let _ = write!(std::io::stderr().lock(), "\r\x1b[K");
        });
        Spinner {
            stop: Some(stop),
            thread: Some(thread),
        }
    }
}
