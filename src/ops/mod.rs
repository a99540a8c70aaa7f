//! One function per command: load the model, plan, hand the plan to the executor.
pub mod bump;
pub mod status;
pub mod sync;

use crate::cli::{Cli, Command};
use crate::shell::Shell;

/// Runs the command and returns its exit code (errors are returned, not printed).
pub fn dispatch(cli: &Cli, shell: &Shell) -> anyhow::Result<i32> {
    match &cli.command {
        Command::Status(args) => status::run(&cli.global, args, shell),
        Command::Sync(args) => sync::run(&cli.global, args, shell),
        Command::Bump(args) => bump::run(&cli.global, args, shell),
    }
}
