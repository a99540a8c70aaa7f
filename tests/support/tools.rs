//! The tools the tests of the tools tier use (maturin, uv, pypiserver, estuary,
//! cargo-semver-checks, check-jsonschema, zizmor, actionlint, PyYAML), from the folder
//! `scripts/tools.sh` fills (target/tools), else from PATH. Those tests are ignored
//! without the `tools` feature (plain `cargo test` needs only cargo, git and python3);
//! with it (`scripts/test.sh`), a missing tool fails the test, saying how to install it.
use std::path::{Path, PathBuf};

/// Fails the test: `what` is not installed, and how to install it.
#[track_caller]
pub fn missing(what: &str) -> ! {
    panic!(
        "{what} is not installed: `source scripts/tools.sh` installs every tool of the tools tier into target/tools (scripts/test.sh does it before running the tests)"
    )
}

pub fn venv() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/tools/venv")
}

/// The path of a tool's executable; panics with the way to install it.
pub fn tool(name: &str) -> PathBuf {
    let exe = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    let in_venv = ["bin", "Scripts"]
        .iter()
        .map(|dir| venv().join(dir).join(&exe))
        .find(|p| p.is_file());
    in_venv
        .or_else(|| {
            std::env::split_paths(&std::env::var_os("PATH")?)
                .map(|dir| dir.join(&exe))
                .find(|p| p.is_file())
        })
        .unwrap_or_else(|| missing(&format!("`{name}`")))
}

/// Runs a tool; returns (success, stdout + stderr).
pub fn run_tool(name: &str, args: &[&std::ffi::OsStr]) -> (bool, String) {
    let out = std::process::Command::new(tool(name))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{name}`: {e}"));
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// actionlint (with shellcheck on the `run:` scripts when it is on PATH), the GitHub
/// workflow schema and zizmor's offline audit, on every file at once (each tool starts
/// once): all must pass, with zero findings.
pub fn assert_workflows_clean(files: &[PathBuf]) {
    let mut args: Vec<&std::ffi::OsStr> = vec!["-no-color".as_ref()];
    args.extend(files.iter().map(|f| f.as_os_str()));
    let (ok, out) = run_tool("actionlint", &args);
    assert!(ok, "actionlint has findings:\n{out}");
    let mut args: Vec<&std::ffi::OsStr> = vec![
        "--builtin-schema".as_ref(),
        "vendor.github-workflows".as_ref(),
    ];
    args.extend(files.iter().map(|f| f.as_os_str()));
    let (ok, out) = run_tool("check-jsonschema", &args);
    assert!(ok, "check-jsonschema failed:\n{out}");
    let mut args: Vec<&std::ffi::OsStr> = vec!["--offline".as_ref(), "--no-progress".as_ref()];
    args.extend(files.iter().map(|f| f.as_os_str()));
    let (ok, out) = run_tool("zizmor", &args);
    assert!(
        ok && out.contains("No findings"),
        "zizmor has findings:\n{out}"
    );
}
