//! Version edits: `[package]` and `[workspace.package]` of Cargo.toml, `[project]` of
//! pyproject.toml, and the project's own entries in Cargo.lock and uv.lock.

use std::collections::BTreeSet;

use semver::Version;
use toml_edit::Item;

use super::EditError;
use super::document::{
    apply, key_line, parse, replace_if_different, requote, string_value, table_like,
};

/// Sets `[package].version` of a Cargo manifest.
///
/// Fails when there is no `[package]` table, no `version` in it (cargo would read 0.0.0, and
/// inventing the key's place is the user's call), or when the version is inherited with
/// `version.workspace = true` (then [`set_workspace_version`] applies to the workspace root).
pub fn set_package_version(manifest: &str, new: &str) -> Result<String, EditError> {
    check_semver(new)?;
    let doc = parse(manifest)?;
    let root = doc.as_table();
    let Some((key, package)) = root.get_key_value("package") else {
        return Err(EditError::new(
            "no `[package]` table in this manifest (a virtual workspace?); \
             set the version in the crate's own Cargo.toml, or `[workspace.package].version`",
            None,
        ));
    };
    let package = table_like(package, "[package]", manifest, key)?;
    let Some((vkey, version)) = package.get_key_value("version") else {
        return Err(EditError::new(
            format!("`[package]` has no `version`; add `version = \"{new}\"` to it"),
            key_line(manifest, key),
        ));
    };
    if let Some(tl) = version.as_table_like()
        && tl.contains_key("workspace")
    {
        return Err(EditError::new(
            "the package version is inherited (`version.workspace = true`); \
             set `[workspace.package].version` in the workspace root Cargo.toml instead",
            key_line(manifest, vkey),
        ));
    }
    let value = string_value(version, "`package.version`", manifest, vkey)?;
    Ok(replace_if_different(manifest, value, new))
}

/// Sets `[workspace.package].version`, the version members inherit with
/// `version.workspace = true`.
pub fn set_workspace_version(manifest: &str, new: &str) -> Result<String, EditError> {
    check_semver(new)?;
    let doc = parse(manifest)?;
    let Some((wkey, workspace)) = doc.as_table().get_key_value("workspace") else {
        return Err(EditError::new(
            "no `[workspace]` table in this manifest; \
             `[workspace.package].version` lives in the workspace root Cargo.toml",
            None,
        ));
    };
    let workspace = table_like(workspace, "[workspace]", manifest, wkey)?;
    let Some((pkey, package)) = workspace.get_key_value("package") else {
        return Err(EditError::new(
            format!(
                "no `[workspace.package]` table; add one with `version = \"{new}\"`, \
                 or set the version in each crate's `[package]`"
            ),
            key_line(manifest, wkey),
        ));
    };
    let package = table_like(package, "[workspace.package]", manifest, pkey)?;
    let Some((vkey, version)) = package.get_key_value("version") else {
        return Err(EditError::new(
            format!("`[workspace.package]` has no `version`; add `version = \"{new}\"` to it"),
            key_line(manifest, pkey),
        ));
    };
    let value = string_value(version, "`workspace.package.version`", manifest, vkey)?;
    Ok(replace_if_different(manifest, value, new))
}

/// Sets the version of the local (`source`-less) `[[package]]` entries of `crates` that are at
/// `old` in a Cargo.lock, and the `"name old"` references to them in `dependencies` arrays.
/// `None` when there is no such entry: the lock is stale, which is the caller's to say.
///
/// Packages with a `source` come from a registry or git and are never the ones being released,
/// even when they share a name and version. Cargo writes a reference as `"name"` when the lock
/// has one version of that name (nothing to change), `"name version"` when it has several, and
/// adds `(source)` only for non-path packages, so `"name old"` is exactly a reference to the
/// local package once a local entry `name old` exists.
pub fn set_lock_versions(
    lock: &str,
    crates: &BTreeSet<String>,
    old: &Version,
    new: &Version,
) -> Result<Option<String>, EditError> {
    let doc = parse(lock)?;
    let mut splices = Vec::new();
    let mut found = BTreeSet::new();
    for entry in super::lock::entries_of(&doc)? {
        if !crates.contains(&entry.name) || !entry.local {
            continue;
        }
        if Version::parse(&entry.version).ok().as_ref() == Some(old) {
            splices.push((
                entry.span.clone(),
                requote(&lock[entry.span], &new.to_string()),
            ));
            found.insert(entry.name);
        }
    }
    if found.is_empty() {
        return Ok(None);
    }
    let packages = doc
        .as_table()
        .get("package")
        .and_then(Item::as_array_of_tables);
    for package in packages.into_iter().flat_map(|p| p.iter()) {
        let Some(deps) = package.get("dependencies").and_then(Item::as_array) else {
            continue;
        };
        for dep in deps.iter() {
            let (Some(text), Some(span)) = (dep.as_str(), dep.span()) else {
                continue;
            };
            let mut words = text.split(' ');
            let (Some(name), Some(version), None) = (words.next(), words.next(), words.next())
            else {
                continue;
            };
            if found.contains(name) && Version::parse(version).ok().as_ref() == Some(old) {
                splices.push((span.clone(), requote(&lock[span], &format!("{name} {new}"))));
            }
        }
    }
    Ok(Some(apply(lock, splices)))
}

/// Sets `[project].version` of a pyproject.toml to `new_pep440`.
///
/// Fails when the version is dynamic (`"version"` in `[project].dynamic`: maturin then takes it
/// from Cargo.toml, so there is nothing to write), or when `[project]` or its `version` is
/// missing.
pub fn set_pyproject_version(pyproject: &str, new_pep440: &str) -> Result<String, EditError> {
    check_pep440(new_pep440)?;
    let doc = parse(pyproject)?;
    let Some((pkey, project)) = doc.as_table().get_key_value("project") else {
        return Err(EditError::new(
            "no `[project]` table in pyproject.toml; add one with `version`, \
             or `dynamic = [\"version\"]` to let maturin take the version from Cargo.toml",
            None,
        ));
    };
    let project = table_like(project, "[project]", pyproject, pkey)?;
    if let Some((dkey, dynamic)) = project.get_key_value("dynamic")
        && let Some(list) = dynamic.as_array()
        && list.iter().any(|v| v.as_str() == Some("version"))
    {
        return Err(EditError::new(
            "the Python version is dynamic (`\"version\"` in `[project].dynamic`): maturin takes \
             it from Cargo.toml, so pyproject.toml has no version to set",
            key_line(pyproject, dkey),
        ));
    }
    let Some((vkey, version)) = project.get_key_value("version") else {
        return Err(EditError::new(
            format!(
                "`[project]` has no `version` and does not list it in `dynamic`; \
                 add `version = \"{new_pep440}\"`, or `dynamic = [\"version\"]`"
            ),
            key_line(pyproject, pkey),
        ));
    };
    let value = string_value(version, "`project.version`", pyproject, vkey)?;
    Ok(replace_if_different(pyproject, value, new_pep440))
}

/// Sets the version uv.lock records for the project itself: the `[[package]]` whose `name` is
/// `package` (compared after PEP 503 normalisation) and whose `source` is a local `editable` or
/// `virtual` path. Returns `Ok(None)` when there is no such entry or it has no `version` (uv
/// leaves it out when the version is dynamic): then there is nothing to keep in step.
pub fn set_uv_lock_version(
    lock: &str,
    package: &str,
    new_pep440: &str,
) -> Result<Option<String>, EditError> {
    check_pep440(new_pep440)?;
    let doc = parse(lock)?;
    let wanted = crate::dist::normalize_python_name(package);
    let packages = doc
        .as_table()
        .get("package")
        .and_then(Item::as_array_of_tables);
    for entry in packages.into_iter().flat_map(|p| p.iter()) {
        let Some(name) = entry.get("name").and_then(Item::as_str) else {
            continue;
        };
        let local = entry
            .get("source")
            .and_then(Item::as_table_like)
            .is_some_and(|s| s.contains_key("editable") || s.contains_key("virtual"));
        if !local || crate::dist::normalize_python_name(name) != wanted {
            continue;
        }
        let Some((vkey, version)) = entry.get_key_value("version") else {
            return Ok(None);
        };
        let value = string_value(version, "the project's `version` in uv.lock", lock, vkey)?;
        return Ok(Some(replace_if_different(lock, value, new_pep440)));
    }
    Ok(None)
}

fn check_semver(new: &str) -> Result<(), EditError> {
    Version::parse(new).map(drop).map_err(|e| {
        EditError::new(
            format!("`{new}` is not a semver version ({e}); use a version like `1.2.3`"),
            None,
        )
    })
}

/// A full PEP 440 check belongs to the version module (pep440_rs); here it is enough that the
/// text cannot break out of a TOML string or smuggle in anything but version characters.
fn check_pep440(new: &str) -> Result<(), EditError> {
    let ok = !new.is_empty()
        && new.starts_with(|c: char| c.is_ascii_alphanumeric())
        && new
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '!' | '-' | '_'));
    if ok {
        Ok(())
    } else {
        Err(EditError::new(
            format!("`{new}` is not a PEP 440 version; use a version like `1.2.3` or `1.3.0rc1`"),
            None,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toml::testutil::*;

    // --- set_package_version -------------------------------------------------------------

    #[test]
    fn package_version_keeps_comments_spacing_and_quotes() {
        let input = r#"# top comment
[package]
name = "foo"   # the crate
version    =   "0.3.1"  # managed by cargo-pyrelease
edition = "2024"

[workspace.package]
version = "0.3.1"
"#;
        let expected = r#"# top comment
[package]
name = "foo"   # the crate
version    =   "0.4.0"  # managed by cargo-pyrelease
edition = "2024"

[workspace.package]
version = "0.3.1"
"#;
        assert_eq!(set_package_version(input, "0.4.0").unwrap(), expected);
    }

    #[test]
    fn package_version_single_quotes_and_crlf() {
        let input = crlf("[package]\nname = 'foo'\nversion = '1.2.3' # x\n");
        let expected = crlf("[package]\nname = 'foo'\nversion = '1.3.0-rc.1' # x\n");
        assert_eq!(set_package_version(&input, "1.3.0-rc.1").unwrap(), expected);
    }

    #[test]
    fn package_version_dotted_and_inline_forms() {
        let input = "package.name = \"foo\"\npackage.version = \"1.0.0\"\n";
        let expected = "package.name = \"foo\"\npackage.version = \"2.0.0\"\n";
        assert_eq!(set_package_version(input, "2.0.0").unwrap(), expected);

        let input = "package = { name = \"foo\", version = \"1.0.0\" }\n";
        let expected = "package = { name = \"foo\", version = \"2.0.0\" }\n";
        assert_eq!(set_package_version(input, "2.0.0").unwrap(), expected);
    }

    #[test]
    fn package_version_unchanged_text_is_returned_as_is() {
        let input = "[package]\nversion = \"1.0.0\"\n";
        assert_eq!(set_package_version(input, "1.0.0").unwrap(), input);
    }

    #[test]
    fn package_version_inherited_is_an_error() {
        let input = "[package]\nname = \"foo\"\nversion.workspace = true\n";
        let err = set_package_version(input, "1.0.0").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("version.workspace = true"), "{err}");
        assert!(err.message.contains("[workspace.package].version"), "{err}");

        let input = "[package]\nname = \"foo\"\nversion = { workspace = true }\n";
        assert_eq!(
            set_package_version(input, "1.0.0").unwrap_err().line,
            Some(3)
        );
    }

    #[test]
    fn package_version_missing_is_an_error() {
        let err = set_package_version("\n[package]\nname = \"foo\"\n", "1.0.0").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert_eq!(
            err.to_string(),
            "`[package]` has no `version`; add `version = \"1.0.0\"` to it"
        );

        let err = set_package_version("[workspace]\nmembers = []\n", "1.0.0").unwrap_err();
        assert_eq!(err.line, None);
        assert!(err.message.starts_with("no `[package]` table"), "{err}");

        let err = set_package_version("[package]\nversion = 1\n", "1.0.0").unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("not a string"), "{err}");
    }

    #[test]
    fn invalid_new_versions_are_refused() {
        let input = "[package]\nversion = \"1.0.0\"\n";
        let err = set_package_version(input, "1.0").unwrap_err();
        assert!(
            err.message.starts_with("`1.0` is not a semver version"),
            "{err}"
        );
        let err = set_pyproject_version("[project]\nversion = \"1\"\n", "1\"0").unwrap_err();
        assert!(err.message.contains("not a PEP 440 version"), "{err}");
    }

    #[test]
    fn parse_errors_carry_the_message_and_line() {
        let input = "[package]\nname = \"foo\"\nversion = \"1.0.0\n";
        let err = set_package_version(input, "1.0.1").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.message.starts_with("invalid TOML: "), "{err}");
        assert!(
            err.message.ends_with("; fix the syntax and try again"),
            "{err}"
        );
    }

    // --- set_workspace_version -----------------------------------------------------------

    #[test]
    fn workspace_version() {
        let input = r#"[workspace]
members = ["crates/*"]

[workspace.package]
edition = "2024"
version = "0.2.0-alpha.5" # bumped by release
license = "MIT"

[workspace.dependencies]
prek-core = { path = "crates/prek-core", version = "0.2.0-alpha.5" }
"#;
        let expected = r#"[workspace]
members = ["crates/*"]

[workspace.package]
edition = "2024"
version = "0.2.0" # bumped by release
license = "MIT"

[workspace.dependencies]
prek-core = { path = "crates/prek-core", version = "0.2.0-alpha.5" }
"#;
        assert_eq!(set_workspace_version(input, "0.2.0").unwrap(), expected);
    }

    #[test]
    fn workspace_version_missing() {
        let err = set_workspace_version("[package]\nversion = \"1.0.0\"\n", "1.1.0").unwrap_err();
        assert!(err.message.starts_with("no `[workspace]` table"), "{err}");
        let err = set_workspace_version("[workspace]\nmembers = []\n", "1.1.0").unwrap_err();
        assert_eq!(err.line, Some(1));
        assert!(
            err.message.starts_with("no `[workspace.package]` table"),
            "{err}"
        );
        let err = set_workspace_version(
            "[workspace]\n[workspace.package]\nedition = \"2024\"\n",
            "1.1.0",
        )
        .unwrap_err();
        assert_eq!(err.line, Some(2));
    }

    // --- set_lock_versions ---------------------------------------------------------------

    const LOCK: &str = r#"# This file is automatically @generated by Cargo.
# It is not intended for manual editing.
version = 4

[[package]]
name = "foo"
version = "0.2.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "0000000000000000000000000000000000000000000000000000000000000000"

[[package]]
name = "foo"
version = "0.3.1"
dependencies = [
 "foo-macros",
 "serde",
]

[[package]]
name = "foo-macros"
version = "0.3.1"

[[package]]
name = "foo-py"
version = "0.3.1"
dependencies = [
 "foo 0.2.0",
 "foo 0.3.1",
 "foo-macros",
 "serde",
]

[[package]]
name = "serde"
version = "0.3.1"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "1111111111111111111111111111111111111111111111111111111111111111"
"#;

    #[test]
    fn lock_versions_of_local_packages_and_references() {
        let expected = LOCK
            .replace(
                "name = \"foo\"\nversion = \"0.3.1\"",
                "name = \"foo\"\nversion = \"0.4.0\"",
            )
            .replace(
                "name = \"foo-macros\"\nversion = \"0.3.1\"",
                "name = \"foo-macros\"\nversion = \"0.4.0\"",
            )
            .replace("\"foo 0.3.1\"", "\"foo 0.4.0\"");
        // Spelled out rather than trusted to `replace`: exactly these three lines change.
        let changed: Vec<(&str, &str)> = LOCK
            .lines()
            .zip(expected.lines())
            .filter(|(a, b)| a != b)
            .collect();
        assert_eq!(
            changed,
            [
                ("version = \"0.3.1\"", "version = \"0.4.0\""),
                ("version = \"0.3.1\"", "version = \"0.4.0\""),
                (" \"foo 0.3.1\",", " \"foo 0.4.0\","),
            ]
        );
        let out = set_lock_versions(LOCK, &set(&["foo", "foo-macros"]), &v("0.3.1"), &v("0.4.0"))
            .unwrap();
        assert_eq!(out.as_deref(), Some(expected.as_str()));
        let out = set_lock_versions(
            &crlf(LOCK),
            &set(&["foo", "foo-macros"]),
            &v("0.3.1"),
            &v("0.4.0"),
        )
        .unwrap();
        assert_eq!(out, Some(crlf(&expected)));
    }

    #[test]
    fn a_lock_without_the_crates_is_stale() {
        // `serde` is at the old version but comes from a registry: not a local package.
        let none = |crates: &[&str], old: &str| {
            set_lock_versions(LOCK, &set(crates), &v(old), &v("0.4.0")).unwrap()
        };
        assert_eq!(none(&["serde", "bar"], "0.3.1"), None);
        assert_eq!(none(&["foo"], "0.3.0"), None);
    }

    // --- set_pyproject_version -----------------------------------------------------------

    #[test]
    fn pyproject_version() {
        let input = r#"[build-system]
requires = ["maturin>=1.5,<2"]
build-backend = "maturin"

[project]
name = "foo"
version = '1.2.0'  # keep in sync with Cargo.toml
requires-python = ">=3.9"

[tool.towncrier]
version = "1.2.0"
"#;
        let expected = r#"[build-system]
requires = ["maturin>=1.5,<2"]
build-backend = "maturin"

[project]
name = "foo"
version = '1.3.0rc1'  # keep in sync with Cargo.toml
requires-python = ">=3.9"

[tool.towncrier]
version = "1.2.0"
"#;
        assert_eq!(set_pyproject_version(input, "1.3.0rc1").unwrap(), expected);
        assert_eq!(
            set_pyproject_version(&crlf(input), "1.3.0rc1").unwrap(),
            crlf(expected)
        );
    }

    #[test]
    fn pyproject_dynamic_or_missing_version_is_an_error() {
        let input = "[project]\nname = \"foo\"\ndynamic = [\"version\", \"readme\"]\n";
        let err = set_pyproject_version(input, "1.0.0").unwrap_err();
        assert_eq!(err.line, Some(3));
        assert!(err.message.contains("dynamic"), "{err}");

        let input = "[project]\nname = \"foo\"\ndynamic = [\"readme\"]\n";
        let err = set_pyproject_version(input, "1.0.0").unwrap_err();
        assert_eq!(err.line, Some(1));
        assert!(
            err.message.starts_with("`[project]` has no `version`"),
            "{err}"
        );

        let err = set_pyproject_version("[tool.maturin]\n", "1.0.0").unwrap_err();
        assert!(err.message.starts_with("no `[project]` table"), "{err}");
    }

    // --- set_uv_lock_version -------------------------------------------------------------

    const UV_LOCK: &str = r#"version = 1
revision = 3
requires-python = ">=3.9"

[[package]]
name = "foo-bar"
version = "0.3.1"
source = { editable = "." }
dependencies = [
    { name = "helper" },
]

[[package]]
name = "helper"
version = "0.3.1"
source = { editable = "crates/helper" }

[[package]]
name = "numpy"
version = "0.3.1"
source = { registry = "https://pypi.org/simple" }
"#;

    #[test]
    fn uv_lock_editable_project() {
        let expected = UV_LOCK.replacen("version = \"0.3.1\"", "version = \"0.4.0a1\"", 1);
        assert_eq!(
            set_uv_lock_version(UV_LOCK, "foo-bar", "0.4.0a1").unwrap(),
            Some(expected.clone())
        );
        // Names are compared after PEP 503 normalisation.
        assert_eq!(
            set_uv_lock_version(UV_LOCK, "Foo_Bar", "0.4.0a1").unwrap(),
            Some(expected)
        );
    }

    #[test]
    fn uv_lock_virtual_project() {
        let input = "version = 1\n\n[[package]]\nname = \"foo\"\nversion = \"1.0.0\"\nsource = { virtual = \".\" }\n";
        let expected = "version = 1\n\n[[package]]\nname = \"foo\"\nversion = \"1.1.0\"\nsource = { virtual = \".\" }\n";
        assert_eq!(
            set_uv_lock_version(input, "foo", "1.1.0")
                .unwrap()
                .as_deref(),
            Some(expected)
        );
    }

    #[test]
    fn uv_lock_without_the_project_version() {
        // A registry package of that name is not the project.
        assert_eq!(
            set_uv_lock_version(UV_LOCK, "numpy", "1.0.0").unwrap(),
            None
        );
        assert_eq!(
            set_uv_lock_version(UV_LOCK, "absent", "1.0.0").unwrap(),
            None
        );
        // Dynamic versions: uv records no version for the project.
        let input = "version = 1\n\n[[package]]\nname = \"foo\"\nsource = { editable = \".\" }\n";
        assert_eq!(set_uv_lock_version(input, "foo", "1.0.0").unwrap(), None);
    }
}
