//! Fuzzes semver <-> PEP 440 translation; the properties are in `fuzz/checks.rs`.
#![no_main]

// Each target uses one of the shared checks.
#[allow(dead_code)]
#[path = "../checks.rs"]
mod checks;

libfuzzer_sys::fuzz_target!(|data: &str| checks::pep440(data));
