//! cargo-pyrelease: release a Rust + Python (maturin) project as one unit.
//!
//! `project/` reads, `plan/` decides, `exec/` acts; `ops/` wires them per command.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod api;
pub mod artifact;
pub mod changelog;
pub mod checks;
pub mod cli;
pub mod diag;
pub mod dist;
pub mod edit;
pub mod error;
pub mod exec;
pub mod ops;
pub mod plan;
pub mod project;
pub mod redact;
pub mod registry;
pub mod release_record;
pub mod render;
pub mod shell;
pub mod toml;
pub mod version;

use std::ffi::OsString;

/// Runs the program on `args` and returns the exit code.
pub fn run(args: Vec<OsString>) -> i32 {
    // A password in an argument (`--publish-url https://user:pass@...`) is redacted in
    // every shape from the start, before anything can print it.
    for arg in args.iter().filter_map(|a| a.to_str()) {
        redact::learn_urls(arg);
    }
    let cli = match cli::parse(cli::normalize(args)) {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            // clap uses 2 for usage errors, as we do; --help and --version are 0.
            return err.exit_code();
        }
    };
    let shell = cli.global.shell();
    exec::install_interrupt_handler();
    match ops::dispatch(&cli, &shell) {
        Ok(exit) => exit.code(),
        Err(err) => {
            let failure = error::Failure::from(err);
            shell.error(&failure);
            failure.exit().code()
        }
    }
}
