//! The tests of cargo-pyrelease as one test binary (one link step instead of one per
//! file): each module runs the real binary (`CARGO_BIN_EXE_cargo-pyrelease`) on fixture
//! projects under testdata/, or checks the library against an outside reference. The
//! tests that need tools beyond cargo, git and python3 are the `tools` feature's tier.
//! One file: `cargo test --test cli bump::`.
// Integration tests write fixtures and start servers and tools directly.
#![allow(clippy::disallowed_methods)]

#[path = "../support/mod.rs"]
mod support;

mod architecture;
mod bad_inputs;
mod breaking;
mod bump;
mod changelog;
mod dogfood;
mod edit_props;
mod faults;
mod fuzz_regressions;
mod global_flags;
mod init;
mod interrupt;
mod notes;
mod pep440_crosscheck;
mod pip_install;
mod publish;
mod real_projects;
mod registry_lookup;
mod secrets;
mod status;
mod sync;
mod verify;
mod verify_online;
mod workflow_replay;
