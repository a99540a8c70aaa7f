//! `pip install cargo-pyrelease` gives a working `cargo-pyrelease` on PATH: the
//! wheel maturin builds of this repository (`bindings = "bin"`), installed into a
//! fresh virtualenv, runs as `cargo pyrelease` on a fixture.
// Integration tests write fixtures and start servers and tools directly.
#![allow(clippy::disallowed_methods)]
use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::Fixture;
use support::tools::tool;

fn check(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{cmd:?} failed:\n{text}");
    text
}

fn venv_bin(venv: &Path) -> PathBuf {
    venv.join(if cfg!(windows) { "Scripts" } else { "bin" })
}

#[test]
#[cfg_attr(
    not(feature = "tools"),
    ignore = "needs maturin: scripts/test.sh runs it"
)]
fn the_wheel_installs_a_working_cargo_subcommand() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pip-install");
    let _ = std::fs::remove_dir_all(&work);
    let wheels = work.join("wheels");

    // Its own target folder: the tests of this binary run side by side, and a build in
    // cargo's target folder would relink `CARGO_BIN_EXE_cargo-pyrelease` while other
    // tests start it. Kept between runs (under CARGO_TARGET_TMPDIR), so only the first
    // run compiles. Without the variables cargo sets for this test (`CARGO_PKG_NAME`,
    // ...): build scripts such as ring's watch them, and their values would make cargo
    // rebuild.
    let mut maturin = Command::new(tool("maturin"));
    maturin
        .args(["build", "--locked", "--out"])
        .arg(&wheels)
        .env(
            "CARGO_TARGET_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("pip-install-target"),
        )
        .current_dir(root);
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("CARGO_PKG_")
            || key.starts_with("CARGO_MANIFEST_")
            || key.starts_with("CARGO_BIN_")
            || matches!(
                &*key,
                "CARGO_CRATE_NAME" | "CARGO_PRIMARY_PACKAGE" | "CARGO_TARGET_TMPDIR" | "OUT_DIR"
            )
        {
            maturin.env_remove(&*key);
        }
    }
    check(&mut maturin);
    let wheel = std::fs::read_dir(&wheels)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "whl"))
        .expect("maturin built no wheel");
    let name = wheel.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with(&format!(
            "cargo_pyrelease-{}-py3-none-",
            env!("CARGO_PKG_VERSION")
        )),
        "{name}"
    );

    let venv = work.join("venv");
    check(Command::new(tool("python")).args(["-m", "venv"]).arg(&venv));
    let bin = venv_bin(&venv);
    check(
        Command::new(bin.join("python"))
            .args(["-m", "pip", "install", "--quiet", "--no-index"])
            .arg(&wheel)
            .env_remove("PIP_FIND_LINKS"),
    );

    // On PATH, cargo finds it as the `pyrelease` subcommand.
    let path = std::env::join_paths(
        std::iter::once(bin.clone())
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap())),
    )
    .unwrap();
    let version = check(
        Command::new(env!("CARGO"))
            .args(["pyrelease", "--version"])
            .env("PATH", &path),
    );
    assert_eq!(
        version.trim(),
        format!("cargo-pyrelease {}", env!("CARGO_PKG_VERSION"))
    );
    let fixture = Fixture::new("shape2-static");
    let status = check(
        Command::new(env!("CARGO"))
            .args(["pyrelease", "status"])
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .current_dir(&fixture.root),
    );
    assert!(status.starts_with("Version 3.11.8\n"), "{status}");
}
