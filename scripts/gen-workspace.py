#!/usr/bin/env python3
"""Generate a synthetic Rust + maturin workspace of N crates, for benchmarks.

Usage: gen-workspace.py N OUTDIR
       gen-workspace.py --single OUTDIR

The workspace has `[workspace.package] version = "1.4.2"`, a maturin crate `gen-py`
(crates/gen-py, pyproject.toml at the root with a static version and a manifest-path to it)
and N-1 library crates `gen-lib-000`, `gen-lib-001`, ... that inherit the version. Every library
after the first depends on 1 to 3 earlier ones, mostly through `[workspace.dependencies]` pins
(`version = "=1.4.2"`), and every fourth one also through a member-level
`{ path = ..., version = "1.4.2" }` requirement. The output is deterministic (same N, same
bytes), and ends with `cargo generate-lockfile --offline` in OUTDIR.

With `--single`, OUTDIR is one maturin crate `gen-py` instead: a root Cargo.toml `[package]`
with `version = "1.4.2"` (no workspace), src/lib.rs, and the same pyproject.toml (without
`manifest-path`), CHANGELOG.md and README.md.

Standard library only.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
from pathlib import Path

VERSION = "1.4.2"
REPO = "https://github.com/example/gen"
# The metadata every generated package carries, in `[workspace.package]` or `[package]`.
SHARED_METADATA = [
    'edition = "2021"',
    'rust-version = "1.74"',
    'license = "MIT"',
    f'repository = "{REPO}"',
    f'homepage = "{REPO}"',
    'readme = "README.md"',
    'authors = ["Example Maintainers <maintainers@example.invalid>"]',
]


def lib_name(i: int) -> str:
    return f"gen-lib-{i:03d}"


def lib_deps(i: int) -> tuple[list[int], list[int]]:
    """Earlier libraries that library `i` depends on: (via the workspace, member-level)."""
    if i == 0:
        return [], []
    rng = random.Random(i)  # seeded per crate: lib i looks the same whatever N is
    deps = sorted(rng.sample(range(i), rng.randint(1, min(3, i))))
    if i % 4 == 3:
        return deps[1:], deps[:1]
    return deps, []


def cargo_workspace(n_libs: int) -> str:
    lines = [
        "[workspace]",
        'members = ["crates/*"]',
        'resolver = "2"',
        "",
        "[workspace.package]",
        f'version = "{VERSION}"',
        *SHARED_METADATA,
        "",
        "[workspace.dependencies]",
    ]
    for i in range(n_libs):
        name = lib_name(i)
        lines.append(f'{name} = {{ path = "crates/{name}", version = "={VERSION}" }}')
    return "\n".join(lines) + "\n"


def package_header(name: str, description: str) -> list[str]:
    return [
        "[package]",
        f'name = "{name}"',
        f'description = "{description}"',
        'keywords = ["benchmark", "generated"]',
        'categories = ["development-tools"]',
        "version.workspace = true",
        "edition.workspace = true",
        "rust-version.workspace = true",
        "license.workspace = true",
        "repository.workspace = true",
        "homepage.workspace = true",
        "readme.workspace = true",
        "authors.workspace = true",
    ]


def lib_manifest(i: int) -> str:
    via_ws, member_level = lib_deps(i)
    lines = package_header(lib_name(i), f"Generated library crate number {i} of the gen benchmark workspace")
    if via_ws or member_level:
        lines += ["", "[dependencies]"]
        for d in via_ws:
            lines.append(f"{lib_name(d)} = {{ workspace = true }}")
        for d in member_level:
            lines.append(f'{lib_name(d)} = {{ path = "../{lib_name(d)}", version = "{VERSION}" }}')
    return "\n".join(lines) + "\n"


def lib_source(i: int) -> str:
    return (
        f"//! Generated library crate number {i}.\n"
        "\n"
        "/// This crate's number.\n"
        "pub fn id() -> u32 {\n"
        f"    {i}\n"
        "}\n"
    )


def py_manifest(n_libs: int) -> str:
    lines = package_header("gen-py", "Python bindings of the gen benchmark workspace")
    lines += ["", "[lib]", 'name = "gen_py"', 'crate-type = ["cdylib", "rlib"]']
    top = list(range(max(0, n_libs - 3), n_libs))
    if top:
        lines += ["", "[dependencies]"]
        lines += [f"{lib_name(d)} = {{ workspace = true }}" for d in top]
    return "\n".join(lines) + "\n"


PY_SOURCE = """\
//! Python bindings of the generated workspace (no pyo3: cffi bindings).

/// The workspace's version.
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
"""

PYPROJECT = f"""\
[build-system]
requires = ["maturin>=1.9,<2.0"]
build-backend = "maturin"

[project]
name = "gen-py"
version = "{VERSION}"
description = "Python bindings of the gen benchmark workspace"
readme = "README.md"
requires-python = ">=3.9"
license = {{ text = "MIT" }}
classifiers = [
    "Programming Language :: Python :: 3",
    "Programming Language :: Rust",
]

[tool.maturin]
manifest-path = "crates/gen-py/Cargo.toml"
module-name = "gen_py"
"""

CHANGELOG = f"""\
# Changelog

All notable changes to this project will be documented in this file.

The format is based on [Keep a Changelog](https://keepachangelog.com/en/1.1.0/),
and this project adheres to [Semantic Versioning](https://semver.org/spec/v2.0.0.html).

## [Unreleased]

### Changed

- Every library crate builds with `#![forbid(unsafe_code)]`.

## [{VERSION}] - 2026-06-01

### Fixed

- `gen-py` reports the workspace version.

## [1.4.1] - 2026-05-02

### Added

- First generated release.

[Unreleased]: {REPO}/compare/v{VERSION}...HEAD
[{VERSION}]: {REPO}/compare/v1.4.1...v{VERSION}
[1.4.1]: {REPO}/releases/tag/v1.4.1
"""


def single_manifest() -> str:
    lines = [
        "[package]",
        'name = "gen-py"',
        f'version = "{VERSION}"',
        'description = "Python bindings of the gen benchmark crate"',
        'keywords = ["benchmark", "generated"]',
        'categories = ["development-tools"]',
        *SHARED_METADATA,
        "",
        "[lib]",
        'name = "gen_py"',
        'crate-type = ["cdylib", "rlib"]',
    ]
    return "\n".join(lines) + "\n"


SINGLE_README = (
    "# gen\n"
    "\n"
    "A generated single maturin crate for benchmarking `cargo-pyrelease`.\n"
    "Made by `scripts/gen-workspace.py --single`; do not edit.\n"
)


def readme(n: int) -> str:
    return (
        "# gen\n"
        "\n"
        f"A generated workspace of {n} crates (`gen-py` and {n - 1} libraries) for benchmarking\n"
        "`cargo-pyrelease`. Made by `scripts/gen-workspace.py`; do not edit.\n"
    )


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main(argv: list[str]) -> int:
    single = len(argv) == 3 and argv[1] == "--single"
    if len(argv) != 3 or not (single or (argv[1].isdigit() and int(argv[1]) >= 1)):
        print(
            "usage: gen-workspace.py N OUTDIR   (N >= 1 crates in total)\n"
            "       gen-workspace.py --single OUTDIR",
            file=sys.stderr,
        )
        return 2
    out = Path(argv[2])
    if out.exists() and any(out.iterdir()):
        print(f"error: `{out}` exists and is not empty; choose a new directory", file=sys.stderr)
        return 2
    if shutil.which("cargo") is None:
        print("error: `cargo` is not on PATH (needed for `cargo generate-lockfile --offline`)", file=sys.stderr)
        return 2
    if single:
        write(out / "Cargo.toml", single_manifest())
        pyproject = PYPROJECT.replace('manifest-path = "crates/gen-py/Cargo.toml"\n', "")
        write(out / "pyproject.toml", pyproject.replace('workspace"', 'crate"'))
        write(out / "CHANGELOG.md", CHANGELOG)
        write(out / "README.md", SINGLE_README)
        write(out / ".gitignore", "target/\n")
        write(out / "src/lib.rs", PY_SOURCE)
    else:
        n = int(argv[1])
        n_libs = n - 1
        write(out / "Cargo.toml", cargo_workspace(n_libs))
        write(out / "pyproject.toml", PYPROJECT)
        write(out / "CHANGELOG.md", CHANGELOG)
        write(out / "README.md", readme(n))
        write(out / ".gitignore", "target/\n")
        write(out / "crates/gen-py/Cargo.toml", py_manifest(n_libs))
        write(out / "crates/gen-py/src/lib.rs", PY_SOURCE)
        for i in range(n_libs):
            write(out / "crates" / lib_name(i) / "Cargo.toml", lib_manifest(i))
            write(out / "crates" / lib_name(i) / "src/lib.rs", lib_source(i))

    done = subprocess.run(
        ["cargo", "generate-lockfile", "--offline", "--quiet"],
        cwd=out,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(f"error: `cargo generate-lockfile --offline` failed in `{out}`:\n{done.stderr}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
