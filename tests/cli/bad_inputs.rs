//! The bad-input corpus: small projects that are wrong in one way each
//! (`testdata/bad/`, described in its README.md). Every command runs on every case and
//! must stop cleanly: the expected exit code, a message naming the file (and line where
//! there is one), no panic, and every file byte-identical afterwards.
#![cfg(unix)]
// Integration tests write fixtures and start servers and tools directly.
#![allow(clippy::disallowed_methods)]

use crate::support;

use std::path::Path;

use support::Fixture;

/// The commands run on every case. A new command is one more line here; the cases'
/// `ALL` expectation covers it until a case says otherwise.
const COMMANDS: &[(&str, &[&str])] = &[
    ("status", &["status"]),
    ("sync", &["sync"]),
    ("bump", &["bump", "patch", "--date", "2026-11-25"]),
    (
        "bump --dry-run",
        &["bump", "patch", "--date", "2026-11-25", "--dry-run"],
    ),
    ("verify", &["verify", "--offline"]),
    (
        "publish",
        &[
            "publish",
            "--dry-run",
            "--no-gates",
            "--publish-url",
            "http://127.0.0.1:9/legacy/",
        ],
    ),
];

/// What one command must do on one case.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Exit with this code, and say all of these (a file, a line, the problem).
    Fail(i32, &'static [&'static str]),
    /// The case does not concern this command: exit 0, change nothing.
    Pass,
}
use Expect::{Fail, Pass};

/// Matches every command not named before it in a case's list.
const ALL: &str = "*";

struct Case {
    /// A folder under `testdata/bad/`, copied over `_base`; for generated cases, `_base` alone.
    name: &'static str,
    setup: Setup,
    expect: &'static [(&'static str, Expect)],
}

/// What the test makes at run time: what git does not carry well (symlinks, modes,
/// giant files), and non-UTF-8 bytes, which editors and hooks tend to "fix".
#[derive(Clone, Copy)]
enum Setup {
    /// The case folder alone.
    None,
    /// A Latin-1 byte at the end of this line of this file.
    NonUtf8(&'static str, usize),
    Run(fn(&Path)),
}

const fn case(name: &'static str, expect: &'static [(&'static str, Expect)]) -> Case {
    Case {
        name,
        setup: Setup::None,
        expect,
    }
}

const fn generated(
    name: &'static str,
    setup: Setup,
    expect: &'static [(&'static str, Expect)],
) -> Case {
    Case {
        name,
        setup,
        expect,
    }
}

const CASES: &[Case] = &[
    // Cargo.toml: cargo reads it first, and its message names the file and line.
    case(
        "cargo-toml-syntax",
        &[(ALL, Fail(2, &["Cargo.toml:1", "unclosed table"]))],
    ),
    case(
        "cargo-toml-version-int",
        &[(ALL, Fail(2, &["Cargo.toml:3", "invalid type: integer"]))],
    ),
    case(
        "cargo-toml-version-not-semver",
        &[(ALL, Fail(2, &["Cargo.toml:3", "minor version number"]))],
    ),
    case(
        "cargo-toml-duplicate-key",
        &[(ALL, Fail(2, &["Cargo.toml:5", "duplicate key"]))],
    ),
    case(
        "cargo-toml-package-not-table",
        &[(ALL, Fail(2, &["Cargo.toml:1", "invalid type: string"]))],
    ),
    case(
        "cargo-toml-empty",
        &[(
            ALL,
            Fail(
                2,
                &[
                    "Cargo.toml`",
                    "missing either a `[package]` or a `[workspace]`",
                ],
            ),
        )],
    ),
    case(
        "cargo-toml-inherit-missing",
        &[(
            ALL,
            Fail(
                2,
                &["Cargo.toml`", "`workspace.package.version` was not defined"],
            ),
        )],
    ),
    case(
        "cargo-toml-version-build-metadata",
        &[
            ("status", Pass),
            // The state `verify` names: a failed check (1) from both.
            (
                "sync",
                Fail(
                    1,
                    &[
                        "Cargo.toml:3",
                        "build metadata `+build.5`",
                        "version-not-pep440",
                    ],
                ),
            ),
            ("verify", Fail(1, &["Cargo.toml:3", "version-not-pep440"])),
            // bump moves off the bad version (to 1.2.4): a fix, so not run here.
        ],
    ),
    case(
        "cargo-toml-version-post-release",
        &[
            ("status", Pass),
            ("verify", Fail(1, &["Cargo.toml:3", "version-not-pep440"])),
            (
                "sync",
                Fail(
                    1,
                    &[
                        "Cargo.toml:3",
                        "post-release `1.2.3.post1`",
                        "version-not-pep440",
                    ],
                ),
            ),
            // `bump patch` asks for 1.2.3, below it for PyPI: a bad argument.
            (ALL, Fail(2, &["`1.2.3-1`", "post-release"])),
        ],
    ),
    case(
        "cargo-toml-placeholder",
        &[(
            ALL,
            Fail(2, &["pyproject.toml:7", "not the version authority"]),
        )],
    ),
    generated(
        "cargo-toml-non-utf8",
        Setup::NonUtf8("Cargo.toml", 4),
        &[(ALL, Fail(2, &["Cargo.toml:4", "not valid UTF-8"]))],
    ),
    // pyproject.toml
    case(
        "pyproject-syntax",
        &[(ALL, Fail(2, &["pyproject.toml:7", "not valid TOML"]))],
    ),
    case(
        "pyproject-duplicate-table",
        &[(ALL, Fail(2, &["pyproject.toml:16", "duplicate key"]))],
    ),
    // toml_edit 0.23 panicked on this one (found by fuzz/); 0.25 names the place.
    case(
        "pyproject-parser-panic",
        &[(
            ALL,
            Fail(2, &["pyproject.toml:5", "not valid TOML", "extra `=`"]),
        )],
    ),
    case(
        "pyproject-version-int",
        &[(
            ALL,
            Fail(
                2,
                &["pyproject.toml:7", "`[project] version` must be a string"],
            ),
        )],
    ),
    case(
        "pyproject-version-not-pep440",
        &[(
            ALL,
            Fail(
                2,
                &[
                    "pyproject.toml:7",
                    "\"1.2.3-banana\"",
                    "not a PEP 440 version",
                ],
            ),
        )],
    ),
    case(
        "pyproject-version-stale-not-pep440",
        &[(
            ALL,
            Fail(
                2,
                &["pyproject.toml:7", "\"one.two\"", "not a PEP 440 version"],
            ),
        )],
    ),
    case(
        "pyproject-project-not-table",
        &[(
            ALL,
            Fail(
                2,
                &[
                    "pyproject.toml:1",
                    "`project` in pyproject.toml must be a table",
                ],
            ),
        )],
    ),
    case(
        "pyproject-dynamic-not-array",
        &[(
            ALL,
            Fail(
                2,
                &[
                    "pyproject.toml:7",
                    "`dynamic` in `[project]` must be an array",
                ],
            ),
        )],
    ),
    case(
        "pyproject-version-and-dynamic",
        &[(
            ALL,
            Fail(
                2,
                &["pyproject.toml:7", "both a static `version` and `dynamic"],
            ),
        )],
    ),
    case(
        "pyproject-build-backend-int",
        &[(
            ALL,
            Fail(
                2,
                &[
                    "pyproject.toml:3",
                    "`build-backend` in `[build-system]` must be a string",
                ],
            ),
        )],
    ),
    case(
        "pyproject-empty",
        &[(
            ALL,
            Fail(
                2,
                &[
                    "no maturin pyproject.toml found",
                    "skipped `pyproject.toml`",
                ],
            ),
        )],
    ),
    case(
        "pyproject-manifest-path-nowhere",
        &[(
            ALL,
            Fail(
                2,
                &[
                    "pyproject.toml:15",
                    "`rust/Cargo.toml`, which does not exist",
                ],
            ),
        )],
    ),
    case(
        "pyproject-manifest-path-int",
        &[(
            ALL,
            Fail(
                2,
                &[
                    "pyproject.toml:15",
                    "`manifest-path` in `[tool.maturin]` must be a string",
                ],
            ),
        )],
    ),
    case(
        "pyproject-crate-outside-workspace",
        &[(
            ALL,
            Fail(
                2,
                &[
                    "outside/Cargo.toml",
                    "believes it's in a workspace when it's not",
                ],
            ),
        )],
    ),
    case(
        "pyproject-crate-other-workspace",
        &[
            ("status", Pass),
            // A Python version above Cargo's: the mismatch `verify` names, from all.
            (
                ALL,
                Fail(
                    1,
                    &[
                        "pyproject.toml:7",
                        "1.2.3, above the version",
                        "(outside/Cargo.toml)",
                        "would go backwards",
                        "pyproject-version-mismatch",
                    ],
                ),
            ),
        ],
    ),
    generated(
        "pyproject-non-utf8",
        Setup::NonUtf8("pyproject.toml", 2),
        &[(ALL, Fail(2, &["pyproject.toml:2", "not valid UTF-8"]))],
    ),
    generated(
        "pyproject-symlink",
        Setup::Run(symlink_stale_pyproject),
        &[
            ("status", Pass),
            (
                "verify",
                Fail(1, &["pyproject.toml:7", "pyproject-version-mismatch"]),
            ),
            (ALL, Fail(2, &["`pyproject.toml` is a symbolic link"])),
        ],
    ),
    generated(
        "pyproject-read-only",
        Setup::Run(read_only_stale_pyproject),
        &[
            ("status", Pass),
            (
                "verify",
                Fail(1, &["pyproject.toml:7", "pyproject-version-mismatch"]),
            ),
            (
                ALL,
                Fail(2, &["`pyproject.toml` is read-only", "chmod u+w"]),
            ),
        ],
    ),
    // Cargo.lock: only bump writes it, verify checks it.
    case(
        "cargo-lock-syntax",
        &[
            ("status", Pass),
            ("sync", Pass),
            (ALL, Fail(2, &["Cargo.lock:6", "invalid TOML"])),
        ],
    ),
    case(
        "cargo-lock-version-int",
        &[
            ("status", Pass),
            ("sync", Pass),
            (
                ALL,
                Fail(2, &["Cargo.lock:7", "`version` must be a string"]),
            ),
        ],
    ),
    // An empty lock is stale (`cargo build --locked` refuses it); `[package]` where
    // `[[package]]` belongs is not a lock cargo reads.
    case(
        "cargo-lock-empty",
        &[
            ("status", Pass),
            ("sync", Pass),
            (
                ALL,
                Fail(
                    1,
                    &["Cargo.lock", "no entry for `badpkg`", "cargo-lock-stale"],
                ),
            ),
        ],
    ),
    case(
        "cargo-lock-package-not-array",
        &[
            ("status", Pass),
            ("sync", Pass),
            (ALL, Fail(2, &["Cargo.lock:5", "array of tables"])),
        ],
    ),
    generated(
        "cargo-lock-non-utf8",
        Setup::NonUtf8("Cargo.lock", 1),
        &[
            ("status", Pass),
            ("sync", Pass),
            (ALL, Fail(2, &["Cargo.lock:1", "not valid UTF-8"])),
        ],
    ),
    // Configuration
    case(
        "config-unknown-key",
        &[(
            ALL,
            Fail(
                2,
                &["Cargo.toml:20", "unknown configuration key `tag_prefix`"],
            ),
        )],
    ),
    case(
        "config-both-tables",
        &[(
            ALL,
            Fail(
                2,
                &[
                    "Cargo.toml:17",
                    "both `[workspace.metadata.pyrelease]` and `[package.metadata.pyrelease]`",
                ],
            ),
        )],
    ),
    case(
        "config-not-table",
        &[(
            ALL,
            Fail(
                2,
                &[
                    "Cargo.toml:15",
                    "`package.metadata.pyrelease` must be a table",
                ],
            ),
        )],
    ),
    case(
        "config-tag-prefix-int",
        &[(
            ALL,
            Fail(2, &["Cargo.toml:20", "`tag-prefix` must be a string"]),
        )],
    ),
    case(
        "config-crates-unknown",
        &[(ALL, Fail(2, &["Cargo.toml:20", "`crates` names `nope`"]))],
    ),
    case(
        "config-pyprojects-nowhere",
        &[(
            ALL,
            Fail(
                2,
                &["Cargo.toml:20", "`python/pyproject.toml` does not exist"],
            ),
        )],
    ),
    case(
        "config-changelog-nowhere",
        &[(
            ALL,
            Fail(2, &["Cargo.toml:20", "`docs/CHANGES.md` does not exist"]),
        )],
    ),
    case(
        "config-changelog-true",
        &[(
            ALL,
            Fail(
                2,
                &[
                    "Cargo.toml:20",
                    "`true` is not a changelog",
                    "`false` for none",
                ],
            ),
        )],
    ),
    case(
        "config-version-file-no-placeholder",
        &[(ALL, Fail(2, &["Cargo.toml:15", "has no `{version}`"]))],
    ),
    case(
        "config-version-file-spelling",
        &[(
            ALL,
            Fail(2, &["Cargo.toml:15", "unknown spelling `pep-440`"]),
        )],
    ),
    case(
        "config-version-file-unknown-key",
        &[(ALL, Fail(2, &["Cargo.toml:18", "unknown key `replace`"]))],
    ),
    case(
        "config-version-file-nowhere",
        &[
            ("status", Pass),
            (
                ALL,
                Fail(
                    2,
                    &[
                        "Cargo.toml:15",
                        "`python/badpkg/_version.py` does not exist",
                    ],
                ),
            ),
        ],
    ),
    // Version files
    case(
        "version-file-pattern-twice",
        &[
            ("status", Pass),
            (
                ALL,
                Fail(
                    2,
                    &[
                        "Cargo.toml:15",
                        "`python/badpkg/__init__.py`",
                        "matches 2 times (lines 3, 4)",
                    ],
                ),
            ),
        ],
    ),
    case(
        "version-file-pattern-missing",
        &[
            ("status", Pass),
            (
                ALL,
                Fail(
                    2,
                    &[
                        "Cargo.toml:15",
                        "`python/badpkg/__init__.py`",
                        "matches nothing",
                    ],
                ),
            ),
        ],
    ),
    generated(
        "version-file-non-utf8",
        Setup::NonUtf8("python/badpkg/__init__.py", 1),
        &[
            ("status", Pass),
            (
                ALL,
                Fail(2, &["python/badpkg/__init__.py:1", "not valid UTF-8"]),
            ),
        ],
    ),
    // uv.lock
    case(
        "uv-lock-syntax",
        &[
            ("status", Pass),
            (ALL, Fail(2, &["uv.lock:5", "invalid TOML"])),
        ],
    ),
    case(
        "uv-lock-version-int",
        &[
            ("status", Pass),
            (ALL, Fail(2, &["uv.lock:6", "is not a string"])),
        ],
    ),
    // Changelog: status and sync do not write it.
    case(
        "changelog-duplicate-version",
        &[
            ("status", Pass),
            ("sync", Pass),
            (
                "verify",
                Fail(1, &["CHANGELOG.md:15", "changelog-duplicate-section"]),
            ),
            (
                ALL,
                Fail(
                    1,
                    &["CHANGELOG.md:15", "two sections for 1.2.3 (lines 9 and 15)"],
                ),
            ),
        ],
    ),
    case(
        "changelog-duplicate-next-version",
        &[
            ("status", Pass),
            ("sync", Pass),
            (
                "verify",
                Fail(1, &["CHANGELOG.md:13", "changelog-duplicate-section"]),
            ),
            (
                ALL,
                Fail(
                    1,
                    &["CHANGELOG.md:13", "two sections for 1.2.4 (lines 9 and 13)"],
                ),
            ),
        ],
    ),
    case(
        "changelog-no-unreleased",
        &[
            ("status", Pass),
            ("sync", Pass),
            ("verify", Pass),
            (ALL, Fail(2, &["CHANGELOG.md", "no Unreleased section"])),
        ],
    ),
    case(
        "changelog-empty",
        &[
            ("status", Pass),
            ("sync", Pass),
            ("verify", Fail(1, &["CHANGELOG.md", "changelog-no-section"])),
            (ALL, Fail(2, &["CHANGELOG.md", "no Unreleased section"])),
        ],
    ),
    generated(
        "changelog-non-utf8",
        Setup::NonUtf8("CHANGELOG.md", 2),
        &[(ALL, Fail(2, &["CHANGELOG.md:2", "not valid UTF-8"]))],
    ),
    generated(
        "changelog-giant",
        Setup::Run(giant_changelog),
        &[(ALL, Fail(2, &["CHANGELOG.md", "larger than the 16 MiB"]))],
    ),
    generated(
        "changelog-symlink",
        Setup::Run(symlink_changelog),
        &[
            ("status", Pass),
            ("sync", Pass),
            ("verify", Pass),
            (
                ALL,
                Fail(
                    2,
                    &["`CHANGELOG.md` is a symbolic link (to `docs/CHANGELOG.md`)"],
                ),
            ),
        ],
    ),
    // Issue 16: bad inputs that used to get through or get a vague answer.
    case(
        "cargo-lock-duplicate-package",
        &[
            ("status", Pass),
            ("sync", Pass),
            (
                ALL,
                Fail(
                    2,
                    &["Cargo.lock:10", "`badpkg` 1.2.3 twice (lines 6 and 10)"],
                ),
            ),
        ],
    ),
    case(
        "changelog-two-unreleased",
        &[
            ("status", Pass),
            ("sync", Pass),
            (
                "verify",
                Fail(1, &["CHANGELOG.md:9", "changelog-duplicate-section"]),
            ),
            (
                ALL,
                Fail(
                    1,
                    &["CHANGELOG.md:9", "two Unreleased sections (lines 3 and 9)"],
                ),
            ),
        ],
    ),
    case(
        "changelog-release-above-version",
        &[
            ("status", Pass),
            ("sync", Pass),
            (
                "verify",
                Fail(1, &["CHANGELOG.md:9", "changelog-release-ahead"]),
            ),
            (
                ALL,
                Fail(
                    1,
                    &[
                        "CHANGELOG.md:9",
                        "1.3.0",
                        "above the version in Cargo.toml (1.2.3)",
                    ],
                ),
            ),
        ],
    ),
    case(
        "pyproject-tool-maturin-string",
        &[(
            ALL,
            Fail(2, &["pyproject.toml:14", "`tool.maturin` must be a table"]),
        )],
    ),
    case(
        "pyproject-name-int",
        &[(
            ALL,
            Fail(
                2,
                &["pyproject.toml:6", "`[project] name` must be a string"],
            ),
        )],
    ),
    generated(
        "pyproject-bom",
        Setup::Run(bom_pyproject),
        &[(
            ALL,
            Fail(
                2,
                &[
                    "pyproject.toml:1",
                    "byte order mark",
                    "save it as UTF-8 without",
                ],
            ),
        )],
    ),
    case(
        "pyproject-requires-string",
        &[(
            ALL,
            Fail(
                2,
                &[
                    "pyproject.toml:2",
                    "`requires` in `[build-system]` must be an array of strings",
                ],
            ),
        )],
    ),
    case(
        "config-gate-empty",
        &[(
            ALL,
            Fail(2, &["Cargo.toml:20", "gate 2 of `gates` is empty"]),
        )],
    ),
    case(
        "config-gate-unsplittable",
        &[(
            ALL,
            Fail(
                2,
                &[
                    "Cargo.toml:20",
                    "gate `pytest -k 'not slow` cannot be split",
                ],
            ),
        )],
    ),
    generated(
        "config-version-file-outside",
        Setup::Run(outside_project),
        &[(
            ALL,
            Fail(
                2,
                &[
                    "Cargo.toml:15",
                    "`../outside/__init__.py` is outside the project",
                ],
            ),
        )],
    ),
    case(
        "config-version-file-absolute",
        &[(
            ALL,
            Fail(
                2,
                &["Cargo.toml:15", "`/etc/hostname` is outside the project"],
            ),
        )],
    ),
    generated(
        "config-version-file-symlink-out",
        Setup::Run(symlink_version_file_out),
        &[(
            ALL,
            Fail(
                2,
                &[
                    "Cargo.toml:15",
                    "`python/badpkg/__init__.py` is a symbolic link to",
                    "outside the project",
                ],
            ),
        )],
    ),
    generated(
        "config-changelog-outside",
        Setup::Run(outside_project),
        &[(
            ALL,
            Fail(
                2,
                &[
                    "Cargo.toml:20",
                    "`../outside/CHANGELOG.md` is outside the project",
                ],
            ),
        )],
    ),
    generated(
        "config-pyprojects-outside",
        Setup::Run(outside_project),
        &[(
            ALL,
            Fail(
                2,
                &[
                    "Cargo.toml:20",
                    "`../outside/pyproject.toml` is outside the project",
                ],
            ),
        )],
    ),
    generated(
        "pyproject-manifest-path-outside",
        Setup::Run(outside_project),
        &[(
            ALL,
            Fail(
                2,
                &[
                    "pyproject.toml:15",
                    "`../outside/Cargo.toml` is outside the project",
                ],
            ),
        )],
    ),
];

/// A copy of the project's files beside it, in `../outside/`: what a path leaving the
/// project would reach (and, before the check, edit).
fn outside_project(root: &Path) {
    let outside = root.parent().unwrap().join("outside");
    std::fs::create_dir_all(outside.join("src")).unwrap();
    for (from, to) in [
        ("python/badpkg/__init__.py", "__init__.py"),
        ("CHANGELOG.md", "CHANGELOG.md"),
        ("Cargo.toml", "Cargo.toml"),
        ("src/lib.rs", "src/lib.rs"),
    ] {
        std::fs::copy(root.join(from), outside.join(to)).unwrap();
    }
    let pyproject = std::fs::read_to_string(root.join("pyproject.toml")).unwrap();
    std::fs::write(
        outside.join("pyproject.toml"),
        pyproject.replace(
            "[tool.maturin]\n",
            "[tool.maturin]\nmanifest-path = \"Cargo.toml\"\n",
        ),
    )
    .unwrap();
}

/// The configured version file a symbolic link to a copy outside the project.
fn symlink_version_file_out(root: &Path) {
    outside_project(root);
    let file = root.join("python/badpkg/__init__.py");
    std::fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink(root.parent().unwrap().join("outside/__init__.py"), &file).unwrap();
}

/// pyproject.toml saved with a UTF-8 byte order mark (pip refuses it).
fn bom_pyproject(root: &Path) {
    let path = root.join("pyproject.toml");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(std::fs::read(&path).unwrap());
    std::fs::write(&path, bytes).unwrap();
}

/// Puts a Latin-1 byte at the end of line `line` of `file`.
fn spoil(root: &Path, file: &str, line: usize) {
    let path = root.join(file);
    let text = std::fs::read(&path).unwrap();
    let mut out = Vec::new();
    for (i, l) in text.split_inclusive(|&b| b == b'\n').enumerate() {
        if i + 1 == line {
            let (body, eol) = l.split_at(l.len() - 1);
            out.extend_from_slice(body);
            // A comment where the format has them, so only the encoding is wrong.
            out.extend_from_slice(if file.ends_with(".md") {
                b" caf\xe9"
            } else {
                b" # caf\xe9"
            });
            out.extend_from_slice(eol);
        } else {
            out.extend_from_slice(l);
        }
    }
    std::fs::write(&path, out).unwrap();
}

fn stale_pyproject(root: &Path) -> String {
    std::fs::read_to_string(root.join("pyproject.toml"))
        .unwrap()
        .replace("version = \"1.2.3\"", "version = \"1.2.2\"")
}

fn symlink_stale_pyproject(root: &Path) {
    let text = stale_pyproject(root);
    std::fs::create_dir(root.join("packaging")).unwrap();
    // Not named pyproject.toml, so the search finds only the link.
    std::fs::write(root.join("packaging/pyproject-real.toml"), text).unwrap();
    std::fs::remove_file(root.join("pyproject.toml")).unwrap();
    std::os::unix::fs::symlink("packaging/pyproject-real.toml", root.join("pyproject.toml"))
        .unwrap();
}

fn symlink_changelog(root: &Path) {
    std::fs::create_dir(root.join("docs")).unwrap();
    std::fs::rename(root.join("CHANGELOG.md"), root.join("docs/CHANGELOG.md")).unwrap();
    std::os::unix::fs::symlink("docs/CHANGELOG.md", root.join("CHANGELOG.md")).unwrap();
}

fn read_only_stale_pyproject(root: &Path) {
    use std::os::unix::fs::PermissionsExt as _;
    let path = root.join("pyproject.toml");
    std::fs::write(&path, stale_pyproject(root)).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
}

/// A valid changelog just over the size limit: long release history below the base's.
fn giant_changelog(root: &Path) {
    use std::io::Write as _;
    let path = root.join("CHANGELOG.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let (head, links) = text.split_at(text.find("[Unreleased]: ").unwrap());
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    file.write_all(head.as_bytes()).unwrap();
    let filler = "- A change described at some length, as changelogs of old projects are.\n";
    for _ in 0..(17 * 1024 * 1024 / filler.len()) {
        file.write_all(filler.as_bytes()).unwrap();
    }
    file.write_all(b"\n").unwrap();
    file.write_all(links.as_bytes()).unwrap();
}

fn overlay(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            overlay(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn expectation(case: &Case, command: &str) -> Option<Expect> {
    // `publish --dry-run` goes on to the registries and builds; here it only has to refuse
    // what `status` or `verify` refuses as bad input (exit 2), before any of that.
    if command == "publish" {
        return ["status", "verify"]
            .into_iter()
            .find_map(|c| expectation(case, c).filter(|e| matches!(e, Fail(2, _))));
    }
    // A dry run refuses what the real run refuses, and changes nothing either way.
    if command == "bump --dry-run" {
        return expectation(case, "bump");
    }
    case.expect
        .iter()
        .find(|(name, _)| *name == command || *name == ALL)
        .map(|(_, e)| *e)
}

/// Runs one command on a fresh copy of the case; returns what went wrong, if anything.
fn check(case: &Case, command: &str, args: &[&str], expect: Expect) -> Option<String> {
    let fixture = Fixture::new("bad/_base");
    let dir = support::testdata("bad").join(case.name);
    if dir.is_dir() {
        overlay(&dir, &fixture.root);
    }
    match case.setup {
        Setup::None => {}
        Setup::NonUtf8(file, line) => spoil(&fixture.root, file, line),
        Setup::Run(setup) => setup(&fixture.root),
    }
    let links_before = links(&fixture.root);
    let before = fixture.tree();
    // What a path leaving the project would reach must not change either.
    let outside = fixture.root.parent().unwrap().join("outside");
    let outside_tree = || {
        support::files_under(&outside)
            .into_iter()
            .map(|f| (f.clone(), std::fs::read(&f).unwrap()))
            .collect::<Vec<_>>()
    };
    let outside_before = outside.is_dir().then(outside_tree);
    // No run may reach a real registry: a look-up that gets this far fails at once.
    let mut cmd = fixture.command(args);
    cmd.env("CARGO_PYRELEASE_CRATES_INDEX", "http://127.0.0.1:9/")
        .env("CARGO_PYRELEASE_PYPI_SIMPLE", "http://127.0.0.1:9/simple/");
    let out = support::output(cmd);
    let text = out.render(&fixture.root);
    let mut problems = Vec::new();
    if out.stderr.contains("panicked") {
        problems.push("panicked".to_string());
    }
    match expect {
        Fail(code, says) => {
            if out.code != code {
                problems.push(format!("exit {} (expected {code})", out.code));
            }
            for s in says {
                if !out.stdout.contains(s) && !out.stderr.contains(s) {
                    problems.push(format!("does not say `{s}`"));
                }
            }
        }
        Pass => {
            if out.code != 0 {
                problems.push(format!("exit {} (expected 0)", out.code));
            }
        }
    }
    let after = fixture.tree();
    let changed: Vec<_> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    if !changed.is_empty() {
        problems.push(format!("changed files: {changed:?}"));
    }
    if outside_before.is_some_and(|before| before != outside_tree()) {
        problems.push("changed a file outside the project".to_string());
    }
    if links(&fixture.root) != links_before {
        problems.push("replaced a symbolic link".to_string());
    }
    (!problems.is_empty())
        .then(|| format!("{} / {command}: {}\n{text}", case.name, problems.join("; ")))
}

fn links(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in walk(root) {
        if entry.symlink_metadata().unwrap().file_type().is_symlink() {
            out.push(entry);
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            out.extend(walk(&entry.path()));
        } else {
            out.push(entry.path());
        }
    }
    out
}

#[test]
fn every_command_stops_cleanly_on_every_bad_input() {
    let mut failures = Vec::new();
    let mut runs = 0;
    for case in CASES {
        for (command, args) in COMMANDS {
            if let Some(expect) = expectation(case, command) {
                runs += 1;
                failures.extend(check(case, command, args, expect));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {runs} runs went wrong:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// The corpus and its README agree: every case folder is in the table and
/// documented, and so is every generated case.
#[test]
fn every_case_is_in_the_table_and_the_readme() {
    let readme = std::fs::read_to_string(support::testdata("bad").join("README.md")).unwrap();
    let mut folders: Vec<String> = std::fs::read_dir(support::testdata("bad"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "_base")
        .collect();
    folders.sort();
    for folder in &folders {
        assert!(
            CASES.iter().any(|c| c.name == folder),
            "`testdata/bad/{folder}` is not in CASES"
        );
    }
    for case in CASES {
        assert!(
            !matches!(case.setup, Setup::None) || folders.iter().any(|f| f == case.name),
            "`{}` has neither a folder nor a setup",
            case.name
        );
        assert!(
            readme.contains(&format!("`{}`", case.name)),
            "`{}` is not described in testdata/bad/README.md",
            case.name
        );
    }
    assert!(CASES.len() >= 40, "{} cases", CASES.len());
}
