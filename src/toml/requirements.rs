//! Requirement edits: dependents' requirements on the released crates in Cargo.toml, and
//! pins on the released Python packages in pyproject.toml.

use std::collections::BTreeSet;

use semver::{Comparator, Op, Version, VersionReq};
use toml_edit::{Document, Item, TableLike};

use super::EditError;
use super::document::{apply, line_of, parse, quote_key, requote};

/// The dependency tables cargo reads, under the root and under each `[target.X]`.
/// The underscore spellings are deprecated but still read by cargo, so they are still edited.
const DEPENDENCY_TABLES: [&str; 5] = [
    "dependencies",
    "dev-dependencies",
    "dev_dependencies",
    "build-dependencies",
    "build_dependencies",
];

/// Moves every requirement on one of `crates` to `new`, in every dependency table of the
/// manifest (normal, dev, build, per-target, and `[workspace.dependencies]`), in every form
/// (`foo = "1"`, inline tables, `[dependencies.foo]`, dotted keys, renames via `package`).
/// Returns the new text and how many requirements changed.
///
/// Rules, chosen so a release never loosens or silently breaks a requirement:
/// - single `=`, `^`, bare, `~`, `>=` and wildcard (`1.*`) requirements keep their operator
///   and their spacing, and get the new version at the same precision (`"0.3"` -> `"0.4"`,
///   `"=0.3.1"` -> `"=0.4.0"`); a pre-release new version is written in full, because a shorter
///   requirement does not select a pre-release;
/// - a requirement that is already the new version at that precision is left byte-identical
///   and not counted;
/// - anything else (`>`, `<`, `<=`, `*`, compound `">=1, <2"`) is left alone when it already
///   matches the new version, and is an error naming the dependency and line otherwise: there is
///   no single right rewrite, so the user decides.
///
/// Entries without a `version` (path-only, `workspace = true`) are not requirements on a
/// version, and are left alone. So is every entry without a `path`: whatever its name, cargo
/// resolves it to a registry (or git) crate, never to a member (`foo = "0.4"` from crates.io
/// beside an `examples/foo` member). `member(package, path)` says whether a path entry on
/// `package` resolves to a released member; `path` is as written, relative to the manifest.
pub fn update_requirements(
    manifest: &str,
    member: &dyn Fn(&str, &str) -> bool,
    new: &Version,
) -> Result<(String, usize), EditError> {
    update_parsed_requirements(&parse(manifest)?, manifest, member, new)
}

/// A `member` test for [`update_requirements`] by package name alone, for manifests whose
/// path entries all point at the crates named (tests, fuzzing).
pub fn by_name(crates: &BTreeSet<String>) -> impl Fn(&str, &str) -> bool + '_ {
    move |name, _| crates.contains(name)
}

/// [`update_requirements`] of a manifest already parsed, with spans, from `manifest`:
/// the model holds every member parsed, and a second parse is most of the cost.
pub fn update_parsed_requirements<S>(
    doc: &Document<S>,
    manifest: &str,
    member: &dyn Fn(&str, &str) -> bool,
    new: &Version,
) -> Result<(String, usize), EditError> {
    let root = doc.as_table();

    let mut tables: Vec<(String, &dyn TableLike)> = Vec::new();
    for name in DEPENDENCY_TABLES {
        if let Some(t) = root.get(name).and_then(Item::as_table_like) {
            tables.push((name.to_owned(), t));
        }
    }
    if let Some(targets) = root.get("target").and_then(Item::as_table_like) {
        for (platform, target) in targets.iter() {
            let Some(target) = target.as_table_like() else {
                continue;
            };
            for name in DEPENDENCY_TABLES {
                if let Some(t) = target.get(name).and_then(Item::as_table_like) {
                    tables.push((format!("target.{}.{name}", quote_key(platform)), t));
                }
            }
        }
    }
    if let Some(t) = root
        .get("workspace")
        .and_then(Item::as_table_like)
        .and_then(|w| w.get("dependencies"))
        .and_then(Item::as_table_like)
    {
        tables.push(("workspace.dependencies".to_owned(), t));
    }

    let mut splices = Vec::new();
    // All problems are collected so the first one in the file is reported, with a count of the
    // rest: the user fixes them in one pass rather than one run per requirement.
    let mut problems: Vec<(usize, EditError)> = Vec::new();
    for (table, deps) in &tables {
        for (key, item) in deps.iter() {
            // A bare string (`foo = "1"`) has no path: a registry requirement.
            let Some(dep) = item.as_table_like() else {
                continue;
            };
            let name = dep.get("package").and_then(Item::as_str).unwrap_or(key);
            let (Some(version), Some(path)) =
                (dep.get("version"), dep.get("path").and_then(Item::as_str))
            else {
                continue;
            };
            if !member(name, path) {
                continue;
            }
            let what = if name == key {
                format!("dependency `{key}` in `[{table}]`")
            } else {
                format!("dependency `{key}` (package `{name}`) in `[{table}]`")
            };
            let (Some(old), Some(span)) = (version.as_str(), version.span()) else {
                let at = version.span().map_or(0, |s| s.start);
                problems.push((
                    at,
                    EditError::new(
                        format!("the version of {what} is not a string; write it as `version = \"{new}\"`"),
                        version.span().map(|s| line_of(manifest, s.start)),
                    ),
                ));
                continue;
            };
            match rewrite_requirement(old, new) {
                Ok(None) => {}
                Ok(Some(req)) => splices.push((span.clone(), requote(&manifest[span], &req))),
                Err(why) => problems.push((
                    span.start,
                    EditError::new(
                        format!(
                            "{what} requires `{old}`, which {why}; \
                             update this requirement by hand so it selects {new}"
                        ),
                        Some(line_of(manifest, span.start)),
                    ),
                )),
            }
        }
    }
    problems.sort_by_key(|(at, _)| *at);
    let more = problems.len().saturating_sub(1);
    if let Some((_, mut first)) = problems.into_iter().next() {
        if more > 0 {
            first.message.push_str(&format!(" (and {more} more below)"));
        }
        return Err(first);
    }
    let count = splices.len();
    Ok((apply(manifest, splices), count))
}

/// Moves the exact pins (`name == old`, with or without extras and markers) on the Python
/// packages `names` (normalised) in `[project] dependencies` and every `optional-dependencies`
/// list: a meta-package that pins the packages released with it (`polars` pins
/// `polars-runtime-32 == 1.43.2`). Other requirements, and pins on another version, stay.
pub fn set_python_pins(
    pyproject: &str,
    names: &BTreeSet<String>,
    old: &str,
    new: &str,
) -> Result<String, EditError> {
    let doc = parse(pyproject)?;
    let Some(project) = doc.get("project").and_then(Item::as_table_like) else {
        return Ok(pyproject.to_string());
    };
    let mut lists: Vec<&toml_edit::Array> = Vec::new();
    lists.extend(project.get("dependencies").and_then(Item::as_array));
    if let Some(extras) = project
        .get("optional-dependencies")
        .and_then(Item::as_table_like)
    {
        lists.extend(extras.iter().filter_map(|(_, v)| v.as_array()));
    }
    let mut splices = Vec::new();
    for value in lists.into_iter().flat_map(|a| a.iter()) {
        let (Some(req), Some(span)) = (value.as_str(), value.span()) else {
            continue;
        };
        let Some((name, rest)) = req.split_once("==") else {
            continue;
        };
        let name = name.split('[').next().unwrap_or(name).trim();
        let version = rest.split(';').next().unwrap_or(rest).trim();
        if version != old || !names.contains(&crate::dist::normalize_python_name(name)) {
            continue;
        }
        // The raw string holds the requirement as written: replace the version after `==`.
        let raw = &pyproject[span.clone()];
        let Some(eq) = raw.find("==") else {
            continue;
        };
        let Some(at) = raw[eq..].find(old).map(|i| i + eq) else {
            continue;
        };
        splices.push((
            span.start + at..span.start + at + old.len(),
            new.to_string(),
        ));
    }
    Ok(apply(pyproject, splices))
}

// ---------------------------------------------------------------------------------------------
// Requirements

/// The new text of requirement `old` for version `new`: `Ok(None)` to leave it as it is,
/// `Err(reason)` when it must be updated by hand. The reason completes "requires `old`, which".
fn rewrite_requirement(old: &str, new: &Version) -> Result<Option<String>, String> {
    let req = VersionReq::parse(old).map_err(|e| format!("is not a valid requirement ({e})"))?;
    let unmatched = || format!("does not match {new}");
    let [comparator] = req.comparators.as_slice() else {
        // `*` (no comparator) and compound requirements have no single operator to keep.
        return if req.matches(new) {
            Ok(None)
        } else {
            Err(unmatched())
        };
    };
    match comparator.op {
        Op::Exact | Op::Caret | Op::Tilde | Op::GreaterEq | Op::Wildcard => {}
        // `>`, `<`, `<=` bound from the other side, or exclude the new version by design:
        // moving them to the new version would change what they mean.
        _ => {
            return if req.matches(new) {
                Ok(None)
            } else {
                Err(unmatched())
            };
        }
    }
    let wildcard = comparator.op == Op::Wildcard;
    if wildcard && !new.pre.is_empty() {
        return Err(format!(
            "is a wildcard, and a wildcard cannot select the pre-release {new}"
        ));
    }
    let wanted = target_comparator(comparator, new);
    if same_bound(comparator, &wanted) {
        return Ok(None);
    }

    // Keep the text around the version (operator, inner spaces) and any wildcard tail, so the
    // only change is the numbers.
    let start = old
        .find(|c: char| !matches!(c, ' ' | '\t' | '=' | '<' | '>' | '~' | '^'))
        .unwrap_or(old.len());
    let token_len = old[start..].trim_end().len();
    let (prefix, token, suffix) = (
        &old[..start],
        &old[start..start + token_len],
        &old[start + token_len..],
    );
    let mut version = wanted.major.to_string();
    for part in [wanted.minor, wanted.patch].into_iter().flatten() {
        version.push('.');
        version.push_str(&part.to_string());
    }
    if !wanted.pre.is_empty() {
        version.push('-');
        version.push_str(wanted.pre.as_str());
    }
    if wildcard {
        // `1.*`, `1.2.x`, `1.*.*`: the parts after the numbers stay as written.
        let numbers = 1 + usize::from(comparator.minor.is_some());
        let tail: Vec<&str> = token.split('.').skip(numbers).collect();
        for part in tail {
            version.push('.');
            version.push_str(part);
        }
    }
    let rewritten = format!("{prefix}{version}{suffix}");
    // The rules above always produce a requirement that selects `new`; checked rather than
    // assumed, because writing a requirement that breaks the build is the worst outcome here.
    match VersionReq::parse(&rewritten) {
        Ok(r) if r.matches(new) => Ok(Some(rewritten)),
        _ => Err(format!("cannot be moved to {new} keeping its operator")),
    }
}

/// The comparator with `old`'s operator and precision at version `new` (full precision when
/// `new` is a pre-release: a pre-release is only selected by a comparator naming it).
fn target_comparator(old: &Comparator, new: &Version) -> Comparator {
    let full = !new.pre.is_empty();
    Comparator {
        op: old.op,
        major: new.major,
        minor: (full || old.minor.is_some()).then_some(new.minor),
        patch: (full || old.patch.is_some()).then_some(new.patch),
        pre: new.pre.clone(),
    }
}

/// Same operator, same numbers at the same precision and same pre-release: compared on the
/// parsed form so `"= 1.2"` or a build-metadata suffix (ignored by cargo) count as unchanged.
fn same_bound(a: &Comparator, b: &Comparator) -> bool {
    a.op == b.op && a.major == b.major && a.minor == b.minor && a.patch == b.patch && a.pre == b.pre
}

#[cfg(test)]
mod tests {
    use std::ops::Range;

    use super::*;
    use crate::toml::testutil::*;

    // --- update_requirements -------------------------------------------------------------

    #[test]
    fn requirements_in_every_table_and_form() {
        let input = r#"[package]
name = "foo-py"
version = "0.3.1"

[dependencies]
foo = "0.3"            # bare: a registry crate of a member's name
foo-macros = { version = "=0.3.1", path = "../foo-macros" }
serde = "0.3.1"        # unrelated crate at the same version
other = { package = "foo-cli", version = "~0.3.1", path = "../cli" } # rename
foo-cli = { package = "not-ours", version = "0.3", path = "../n" }  # key matches, package does not
local = { path = "../local" }

[dependencies.foo-extra]
path = "../foo-extra"
version = '>=0.3.0'

[dev-dependencies]
foo.version = "^0.3.1"
foo.path = "../foo"
foo-extra = { workspace = true }

[dev_dependencies]
foo-macros = "0.3.1"   # registry

[build-dependencies]
foo-build   =   {version="0.3",path="../b"}

[build_dependencies]
foo-build2 = { version = "= 0.3.1", path = "../b2" }

[target.'cfg(unix)'.dependencies]
foo = { version = "0.3.1", features = ["unix"], path = "../foo" }

[target."x86_64-pc-windows-msvc".build-dependencies.foo]
version = "0.3"
path = "../foo"

[workspace.dependencies]
foo = { version = "=0.3.1", path = "crates/foo" }
foo-macros = { version = "0.3.1", path = "crates/foo-macros" }
"#;
        let expected = r#"[package]
name = "foo-py"
version = "0.3.1"

[dependencies]
foo = "0.3"            # bare: a registry crate of a member's name
foo-macros = { version = "=0.4.0", path = "../foo-macros" }
serde = "0.3.1"        # unrelated crate at the same version
other = { package = "foo-cli", version = "~0.4.0", path = "../cli" } # rename
foo-cli = { package = "not-ours", version = "0.3", path = "../n" }  # key matches, package does not
local = { path = "../local" }

[dependencies.foo-extra]
path = "../foo-extra"
version = '>=0.4.0'

[dev-dependencies]
foo.version = "^0.4.0"
foo.path = "../foo"
foo-extra = { workspace = true }

[dev_dependencies]
foo-macros = "0.3.1"   # registry

[build-dependencies]
foo-build   =   {version="0.4",path="../b"}

[build_dependencies]
foo-build2 = { version = "= 0.4.0", path = "../b2" }

[target.'cfg(unix)'.dependencies]
foo = { version = "0.4.0", features = ["unix"], path = "../foo" }

[target."x86_64-pc-windows-msvc".build-dependencies.foo]
version = "0.4"
path = "../foo"

[workspace.dependencies]
foo = { version = "=0.4.0", path = "crates/foo" }
foo-macros = { version = "0.4.0", path = "crates/foo-macros" }
"#;
        let crates = set(&[
            "foo",
            "foo-macros",
            "foo-cli",
            "foo-extra",
            "foo-build",
            "foo-build2",
            "local",
        ]);
        let (out, count) = update_requirements(input, &by_name(&crates), &v("0.4.0")).unwrap();
        assert_eq!(out, expected);
        assert_eq!(count, 10);
        // A second run finds nothing to do.
        assert_eq!(
            update_requirements(&out, &by_name(&crates), &v("0.4.0")).unwrap(),
            (expected.to_owned(), 0)
        );
    }

    #[test]
    fn python_pins_on_released_packages_move() {
        let input = r#"[project]
name = "polars"
version = "1.43.2"
dependencies = ["polars-runtime-32 == 1.43.2", "numpy>=1.43.2"]

[project.optional-dependencies]
rt64 = ['Polars_Runtime_64[extra]==1.43.2 ; python_version >= "3.9"']
other = ["polars-runtime-compat == 1.40.0", "pyarrow == 1.43.2"]
"#;
        let names = set(&[
            "polars-runtime-32",
            "polars-runtime-64",
            "polars-runtime-compat",
        ]);
        let out = set_python_pins(input, &names, "1.43.2", "1.44.0").unwrap();
        let expected = input
            .replace("polars-runtime-32 == 1.43.2", "polars-runtime-32 == 1.44.0")
            .replace("64[extra]==1.43.2", "64[extra]==1.44.0");
        assert_eq!(out, expected);
    }

    #[test]
    fn requirements_with_crlf_line_endings() {
        let input = crlf(
            "[dependencies]\nfoo = \"1.2\" # c\nbar = { version = \"=1.2.3\", path = \"b\" }\nbaz.version = \"1.2\" # c\nbaz.path = \"z\"\n",
        );
        let expected = crlf(
            "[dependencies]\nfoo = \"1.2\" # c\nbar = { version = \"=1.3.0\", path = \"b\" }\nbaz.version = \"1.3\" # c\nbaz.path = \"z\"\n",
        );
        let (out, count) =
            update_requirements(&input, &by_name(&set(&["foo", "bar", "baz"])), &v("1.3.0"))
                .unwrap();
        assert_eq!(out, expected);
        assert_eq!(count, 2);
    }

    #[test]
    fn workspace_pins_to_a_pre_release() {
        let input = r#"[workspace.package]
version = "1.29.0"

[workspace.dependencies]
zizmor-core = { path = "crates/core", version = "=1.29.0" }  # exact pin
yamlpath = { path = "crates/yamlpath", version = "1.29" }
tree-sitter = "0.25"
"#;
        let expected = r#"[workspace.package]
version = "1.29.0"

[workspace.dependencies]
zizmor-core = { path = "crates/core", version = "=1.30.0-rc1" }  # exact pin
yamlpath = { path = "crates/yamlpath", version = "1.30.0-rc1" }
tree-sitter = "0.25"
"#;
        let (out, count) = update_requirements(
            input,
            &by_name(&set(&["zizmor-core", "yamlpath"])),
            &v("1.30.0-rc1"),
        )
        .unwrap();
        assert_eq!(out, expected);
        assert_eq!(count, 2);

        // Finishing the pre-release: full precision stays (that is the old precision now).
        let (out, count) = update_requirements(
            &out,
            &by_name(&set(&["zizmor-core", "yamlpath"])),
            &v("1.30.0"),
        )
        .unwrap();
        assert_eq!(out, expected.replace("1.30.0-rc1", "1.30.0"));
        assert_eq!(count, 2);
    }

    #[test]
    fn requirements_already_matching_are_byte_identical() {
        // `"0.4"` already names 0.4.x; build metadata is ignored by cargo and kept here.
        let input = "[dependencies]\nfoo = { version = \"0.4\", path = \"f\" }\n\
                     bar = { version = \"=0.4.0+meta\", path = \"b\" }\n\
                     baz = { version = \"*\", path = \"z\" }\n\
                     qux = { version = \">=0.1, <1\", path = \"q\" }\n\
                     quux = { version = \"<1\", path = \"u\" }\n";
        let (out, count) = update_requirements(
            input,
            &by_name(&set(&["foo", "bar", "baz", "qux", "quux"])),
            &v("0.4.0"),
        )
        .unwrap();
        assert_eq!(out, input);
        assert_eq!(count, 0);
    }

    #[test]
    fn compound_requirement_that_no_longer_matches_is_an_error() {
        let input = "[package]\nname = \"a\"\n\n[dev-dependencies]\n\
                     foo = { version = \">=1, <2\", path = \"../foo\" }\n\
                     bar = { version = \"<1.5\", path = \"../bar\" }\n";
        let err =
            update_requirements(input, &by_name(&set(&["foo", "bar"])), &v("2.0.0")).unwrap_err();
        assert_eq!(err.line, Some(5));
        assert_eq!(
            err.message,
            "dependency `foo` in `[dev-dependencies]` requires `>=1, <2`, which does not match \
             2.0.0; update this requirement by hand so it selects 2.0.0 (and 1 more below)"
        );
    }

    #[test]
    fn rename_error_names_key_package_and_target_table() {
        let input = "[target.'cfg(unix)'.dependencies]\nf = { package = \"foo\", version = \"<0.4\", path = \"f\" }\n";
        let err = update_requirements(input, &by_name(&set(&["foo"])), &v("0.4.0")).unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(
            err.message.starts_with(
                "dependency `f` (package `foo`) in `[target.'cfg(unix)'.dependencies]` requires `<0.4`"
            ),
            "{err}"
        );
    }

    #[test]
    fn wildcard_requirements() {
        let input = "[dependencies]\na = { version = \"1.*\", path = \"a\" }\n\
                     b = { version = \"1.2.*\", path = \"b\" }\nc = { version = \"1.x\", path = \"c\" }\n";
        let expected = "[dependencies]\na = { version = \"2.*\", path = \"a\" }\n\
                        b = { version = \"2.0.*\", path = \"b\" }\nc = { version = \"2.x\", path = \"c\" }\n";
        let all = set(&["a", "b", "c"]);
        let (out, count) = update_requirements(input, &by_name(&all), &v("2.0.0")).unwrap();
        assert_eq!((out.as_str(), count), (expected, 3));
        let err = update_requirements(input, &by_name(&set(&["a"])), &v("2.0.0-rc.1")).unwrap_err();
        assert!(err.message.contains("wildcard"), "{err}");
    }

    #[test]
    fn operator_and_precision_rule() {
        // (old requirement, new version, expected requirement; None = unchanged)
        let cases: &[(&str, &str, Option<&str>)] = &[
            ("0.3", "0.4.0", Some("0.4")),
            ("0.3", "0.3.7", None),
            ("1", "1.9.0", None),
            ("1", "2.0.0", Some("2")),
            ("=0.3.1", "0.4.0", Some("=0.4.0")),
            ("=0.3", "0.4.0", Some("=0.4")),
            ("~1.2.3", "1.3.0", Some("~1.3.0")),
            ("~1.2", "1.2.9", None),
            ("^1.2.3", "1.3.0", Some("^1.3.0")),
            (">=1.2", "1.3.0", Some(">=1.3")),
            (">= 1.2.0", "1.3.0", Some(">= 1.3.0")),
            (" = 1.2.3 ", "1.3.0", Some(" = 1.3.0 ")),
            ("1.2", "1.3.0-rc.1", Some("1.3.0-rc.1")),
            ("=1.3.0-rc.1", "1.3.0-rc.2", Some("=1.3.0-rc.2")),
            ("=1.3.0-rc.1", "1.3.0-rc.1", None),
            ("1.3.0-rc.1", "1.3.0", Some("1.3.0")),
            ("~0", "1.0.0", Some("~1")),
            ("1.2.3", "1.2.4+build.5", Some("1.2.4")),
            (">=0.1, <2", "1.0.0", None),
            ("<2", "1.0.0", None),
        ];
        for &(old, new, expected) in cases {
            assert_eq!(
                rewrite_requirement(old, &v(new)),
                Ok(expected.map(str::to_owned)),
                "{old} -> {new}"
            );
        }
        for (old, new) in [(">1.2", "1.2.0"), (">=1, <2", "2.0.0"), ("*", "1.0.0-rc.1")] {
            assert!(rewrite_requirement(old, &v(new)).is_err(), "{old} -> {new}");
        }
        assert!(rewrite_requirement("one", &v("1.0.0")).is_err());
    }

    #[test]
    fn non_string_version_of_a_released_crate_is_an_error() {
        let input = "[dependencies]\nfoo = { version = 1, path = \"f\" }\nbar = { version = 1 }\n";
        let err = update_requirements(input, &by_name(&set(&["foo"])), &v("1.0.0")).unwrap_err();
        assert_eq!(err.line, Some(2));
        assert!(err.message.contains("not a string"), "{err}");
    }

    // --- properties of update_requirements -----------------------------------------------
    //
    // The generator builds a manifest from a model and records the byte range of every
    // requirement string it writes (a "slot"), with whether it is a requirement on a released
    // crate. The check that "only the version strings of matching requirements changed" then
    // needs nothing from the code under test: the input is cut at the slots into fixed segments,
    // and the output must be exactly those segments in order, with one quoted string (same
    // quote character) between each pair; a non-matching slot must come back unchanged. This is
    // stricter than comparing documents with all strings blanked (that would let a non-matching
    // requirement change), and unlike a comparison of parsed values it sees every byte of
    // comments and whitespace.

    use proptest::collection::{btree_set, vec};
    use proptest::prelude::*;
    use proptest::sample::{select, subsequence};

    #[derive(Debug, Clone)]
    enum Form {
        Simple,
        Inline { path_first: bool },
        Rename,
        Dotted,
        Header,
        PathOnly,
        WorkspaceTrue,
    }

    #[derive(Debug, Clone)]
    struct Dep {
        name: usize,
        form: Form,
        req: String,
        quote: char,
        ws: Vec<&'static str>,
        comment: &'static str,
        before: &'static str,
    }

    #[derive(Debug, Clone)]
    struct Model {
        names: Vec<String>,
        released: Vec<bool>,
        new: Version,
        eol: &'static str,
        tables: Vec<(&'static str, Vec<Dep>)>,
    }

    struct Slot {
        range: Range<usize>,
        matching: bool,
        old: String,
    }

    const TABLES: [&str; 7] = [
        "dependencies",
        "dev-dependencies",
        "dev_dependencies",
        "build-dependencies",
        "target.'cfg(unix)'.dependencies",
        "target.\"cfg(windows)\".build-dependencies",
        "workspace.dependencies",
    ];

    fn requirement() -> impl Strategy<Value = String> {
        let single = (
            select(vec!["", "^", "=", "~", ">="]),
            select(vec!["", " "]),
            (0u64..4, 0u64..4, 0u64..4),
            1usize..=3,
            prop::bool::weighted(0.2),
        )
            .prop_map(|(op, space, (a, b, c), precision, pre)| {
                let space = if op.is_empty() { "" } else { space };
                let mut version = match precision {
                    1 => a.to_string(),
                    2 => format!("{a}.{b}"),
                    _ => format!("{a}.{b}.{c}"),
                };
                if pre && precision == 3 {
                    version.push_str("-rc.1");
                }
                format!("{op}{space}{version}")
            });
        prop_oneof![
            20 => single,
            2 => (0u64..4, 0u64..4).prop_map(|(a, b)| if b == 0 {
                format!("{a}.*")
            } else {
                format!("{a}.{b}.*")
            }),
            1 => (0u64..3, 1u64..4).prop_map(|(a, d)| format!(">={a}, <{}", a + d)),
            1 => select(vec!["*", "<9", ">0.0.1", "<=2.1"]).prop_map(str::to_owned),
        ]
    }

    fn dep(names: usize) -> impl Strategy<Value = Dep> {
        let form = prop_oneof![
            Just(Form::Simple),
            any::<bool>().prop_map(|path_first| Form::Inline { path_first }),
            Just(Form::Rename),
            Just(Form::Dotted),
            Just(Form::Header),
            Just(Form::PathOnly),
            Just(Form::WorkspaceTrue),
        ];
        let ws = vec(select(vec!["", " ", "  ", "\t"]), 4);
        (
            0..names,
            form,
            requirement(),
            select(vec!['"', '\'']),
            ws,
            select(vec!["", " # pinned", "  # other = \"1.0\"", "\t#"]),
            select(vec!["", "\n", "# version = \"0.0.0\"\n"]),
        )
            .prop_map(|(name, form, req, quote, ws, comment, before)| Dep {
                name,
                form,
                req,
                quote,
                ws,
                comment,
                before,
            })
    }

    fn model() -> impl Strategy<Value = Model> {
        (
            btree_set("[a-z][a-z0-9]{0,5}(-[a-z0-9]{1,3})?", 2..6),
            (
                0u64..4,
                0u64..4,
                0u64..4,
                select(vec!["", "rc.1", "alpha.2"]),
            ),
            select(vec!["\n", "\r\n"]),
        )
            .prop_flat_map(|(names, (a, b, c, pre), eol)| {
                let names: Vec<String> = names.into_iter().collect();
                let n = names.len();
                let mut new = Version::new(a, b, c);
                new.pre = semver::Prerelease::new(pre).unwrap();
                let tables =
                    subsequence(TABLES.to_vec(), 1..=TABLES.len()).prop_flat_map(move |tables| {
                        tables
                            .into_iter()
                            .map(|t| (Just(t), vec(dep(n), 0..6)))
                            .collect::<Vec<_>>()
                    });
                (
                    Just(names),
                    vec(any::<bool>(), n),
                    Just(new),
                    Just(eol),
                    tables,
                )
            })
            .prop_map(|(names, released, new, eol, tables)| Model {
                names,
                released,
                new,
                eol,
                tables,
            })
    }

    /// The manifest text of `model` and the slots of its requirement strings, in order.
    fn render(model: &Model) -> (String, Vec<Slot>) {
        let eol = model.eol;
        let mut out = format!(
            "[package]{eol}name = \"{}\"{eol}version = \"{}\"{eol}",
            model.names[0], model.new
        );
        let mut slots = Vec::new();
        let mut quoted = |out: &mut String, dep: &Dep, matching: bool| {
            let start = out.len();
            out.push(dep.quote);
            out.push_str(&dep.req);
            out.push(dep.quote);
            slots.push(Slot {
                range: start..out.len(),
                matching,
                old: dep.req.clone(),
            });
        };
        for (table, deps) in &model.tables {
            out.push_str(&format!("{eol}[{table}]{eol}"));
            let mut keys = BTreeSet::new();
            let mut headers = Vec::new();
            for dep in deps {
                let name = &model.names[dep.name];
                let key = match dep.form {
                    Form::Rename => format!("{name}-alias"),
                    _ => name.clone(),
                };
                if !keys.insert(key.clone()) {
                    continue;
                }
                // Forms without a `path` are registry requirements, whatever their name.
                let matching =
                    model.released[dep.name] && !matches!(dep.form, Form::Simple | Form::Rename);
                let [w0, w1, w2, w3] = [dep.ws[0], dep.ws[1], dep.ws[2], dep.ws[3]];
                out.push_str(&dep.before.replace('\n', eol));
                match dep.form {
                    Form::Simple => {
                        out.push_str(&format!("{w0}{key}{w1}={w2}"));
                        quoted(&mut out, dep, matching);
                    }
                    Form::Inline { path_first } => {
                        out.push_str(&format!("{w0}{key}{w1}={w2}{{{w3}"));
                        if path_first {
                            out.push_str(&format!("path = \"../{name}\",{w3}"));
                        }
                        out.push_str(&format!("version{w1}={w2}"));
                        quoted(&mut out, dep, matching);
                        if !path_first {
                            out.push_str(&format!("{w3},{w3}path = \"../{name}\""));
                        }
                        out.push_str(&format!("{w3}}}"));
                    }
                    Form::Rename => {
                        out.push_str(&format!(
                            "{w0}{key}{w1}={w2}{{ package = \"{name}\",{w3}version = "
                        ));
                        quoted(&mut out, dep, matching);
                        out.push_str(" }");
                    }
                    Form::Dotted => {
                        out.push_str(&format!("{w0}{key}.version{w1}={w2}"));
                        quoted(&mut out, dep, matching);
                        out.push_str(&format!("{eol}{key}.path = \"../{name}\""));
                    }
                    Form::PathOnly => out.push_str(&format!("{key} = {{ path = \"../{name}\" }}")),
                    Form::WorkspaceTrue => out.push_str(&format!("{key}.workspace{w1}={w2}true")),
                    Form::Header => {
                        headers.push((key, dep, matching));
                        continue;
                    }
                }
                out.push_str(dep.comment);
                out.push_str(eol);
            }
            for (key, dep, matching) in headers {
                let [_, w1, w2, _] = [dep.ws[0], dep.ws[1], dep.ws[2], dep.ws[3]];
                out.push_str(&format!("{eol}[{table}.{key}]{}{eol}", dep.comment));
                out.push_str(&format!("version{w1}={w2}"));
                quoted(&mut out, dep, matching);
                out.push_str(&format!("{}{eol}path = '../{key}'{eol}", dep.comment));
            }
        }
        (out, slots)
    }

    /// Whether the rules leave `old` to the user for `new`: a requirement that does not select
    /// `new` and has no operator to keep (compound, `*`, `<`, `>`, `<=`), or a wildcard and a
    /// pre-release.
    fn needs_hand_edit(old: &str, new: &Version) -> bool {
        let req = VersionReq::parse(old).unwrap();
        let movable = matches!(
            req.comparators.as_slice(),
            [c] if matches!(c.op, Op::Exact | Op::Caret | Op::Tilde | Op::GreaterEq)
                || (c.op == Op::Wildcard && new.pre.is_empty())
        );
        !movable && !req.matches(new)
    }

    /// Checks that `output` is `input` with only slot contents changed, and returns the new
    /// content of each slot.
    fn slot_values(
        input: &str,
        slots: &[Slot],
        output: &str,
    ) -> Result<Vec<String>, TestCaseError> {
        let mut values = Vec::new();
        let (mut at_in, mut at_out) = (0, 0);
        for slot in slots {
            let fixed = &input[at_in..slot.range.start];
            prop_assert!(
                output[at_out..].starts_with(fixed),
                "text outside the requirement strings changed near byte {at_out}"
            );
            at_out += fixed.len();
            let quote = input[slot.range.start..].chars().next().unwrap();
            prop_assert_eq!(output[at_out..].chars().next(), Some(quote));
            let len = output[at_out + 1..].find(quote).unwrap();
            let value = &output[at_out + 1..at_out + 1 + len];
            if !slot.matching {
                prop_assert_eq!(value, slot.old.as_str(), "non-matching requirement changed");
            }
            values.push(value.to_owned());
            at_out += len + 2;
            at_in = slot.range.end;
        }
        prop_assert_eq!(&input[at_in..], &output[at_out..]);
        Ok(values)
    }

    /// The operator and spacing before the version.
    fn operator(req: &str) -> &str {
        let end = req
            .find(|c: char| !matches!(c, ' ' | '=' | '<' | '>' | '~' | '^'))
            .unwrap_or(req.len());
        &req[..end]
    }

    proptest! {
        #[test]
        fn update_requirements_changes_only_matching_version_strings(model in model()) {
            let (input, slots) = render(&model);
            prop_assert!(Document::parse(input.as_str()).is_ok(), "generator wrote bad TOML:\n{}", input);
            let crates: BTreeSet<String> = model
                .names
                .iter()
                .zip(&model.released)
                .filter(|(_, released)| **released)
                .map(|(name, _)| name.clone())
                .collect();

            let result = update_requirements(&input, &by_name(&crates), &model.new);
            if slots.iter().any(|s| s.matching && needs_hand_edit(&s.old, &model.new)) {
                let err = result.expect_err("a requirement needs a hand edit");
                prop_assert!(err.line.is_some());
                prop_assert!(err.message.contains("update this requirement by hand"));
                return Ok(());
            }
            let (output, count) = result.map_err(|e| TestCaseError::fail(e.to_string()))?;

            // The output is TOML, and differs from the input only inside matching slots.
            prop_assert!(Document::parse(output.as_str()).is_ok());
            let values = slot_values(&input, &slots, &output)?;

            // Every changed requirement was counted, kept its operator, and every requirement
            // on a released crate now selects the new version.
            let changed = slots.iter().zip(&values).filter(|(s, v)| s.old != **v).count();
            prop_assert_eq!(count, changed);
            for (slot, value) in slots.iter().zip(&values) {
                if slot.matching {
                    prop_assert_eq!(operator(&slot.old), operator(value));
                    prop_assert!(
                        VersionReq::parse(value).unwrap().matches(&model.new),
                        "`{}` does not select {}", value, model.new
                    );
                }
            }

            // A second run is a no-op.
            prop_assert_eq!(
                update_requirements(&output, &by_name(&crates), &model.new),
                Ok((output.clone(), 0))
            );
        }
    }
}
