//! Version edits in the TOML files a release touches: Cargo.toml (the package, the workspace and
//! dependents' requirements), Cargo.lock, pyproject.toml and uv.lock.
//!
//! Every function takes the file's text and returns the new text. Edits are *splices*: the file
//! is parsed with [`toml_edit::Document`], which keeps the byte span of every value, and only the
//! bytes of the changed string values are replaced. Everything else (comments, whitespace,
//! CRLF line endings, key order, quoting of other values) is copied from the input byte for byte.
//! This is the same outcome as copying the old value's decor onto the new value (cargo-release,
//! uv), but it does not rely on `DocumentMut` re-rendering the untouched parts identically: a
//! splice cannot change what it does not cover.
//!
//! The new value keeps the old value's quoting (`"..."`, `'...'`, or their multi-line forms).
//! The values written here are versions and requirements, which never need escaping; the inputs
//! are checked for that first.

use std::collections::BTreeSet;
use std::fmt;
use std::ops::Range;

use semver::{Comparator, Op, Version, VersionReq};
use toml_edit::{Document, Item, Key, TableLike};

/// Why an edit could not be made. `Display` is the message alone: the caller knows the file and
/// attaches it together with [`EditError::line`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditError {
    /// Lowercase; says what is wrong and what to do.
    pub message: String,
    /// 1-based line in the edited text, when the problem is at one place.
    pub line: Option<usize>,
}

impl EditError {
    fn new(message: impl Into<String>, line: Option<usize>) -> Self {
        Self {
            message: message.into(),
            line,
        }
    }
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EditError {}

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
        if version != old || !names.contains(&crate::registry::normalize_python_name(name)) {
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

/// A package listed twice in a Cargo.lock (same name, version and source): cargo never
/// writes that (a bad merge does), and which entry would count is anyone's guess. The
/// message names both lines; the second one is where the problem is reported.
pub fn lock_duplicate<S: AsRef<str>>(doc: &Document<S>) -> Option<EditError> {
    let text = doc.raw();
    let packages = doc.get("package").and_then(Item::as_array_of_tables)?;
    let mut seen = std::collections::BTreeMap::new();
    for package in packages {
        let field = |key: &str| package.get(key).and_then(Item::as_str).unwrap_or_default();
        let Some(at) = package.get("name").and_then(Item::span) else {
            continue;
        };
        let line = line_of(text, at.start);
        let (name, version) = (field("name"), field("version"));
        if let Some(first) = seen.insert((name, version, field("source")), line) {
            return Some(EditError::new(
                format!("Cargo.lock lists `{name}` {version} twice (lines {first} and {line})"),
                Some(line),
            ));
        }
    }
    None
}

/// Sets the version of the local (`source`-less) `[[package]]` entries of `crates` that are at
/// `old` in a Cargo.lock, and the `"name old"` references to them in `dependencies` arrays.
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
) -> Result<String, EditError> {
    let doc = parse(lock)?;
    if let Some(err) = lock_duplicate(&doc) {
        return Err(EditError::new(
            format!(
                "{}; remove one entry, or regenerate it with `cargo generate-lockfile`",
                err.message
            ),
            err.line,
        ));
    }
    let packages = doc
        .as_table()
        .get("package")
        .and_then(Item::as_array_of_tables);
    let mut splices = Vec::new();
    let mut found = BTreeSet::new();
    for package in packages.into_iter().flat_map(|p| p.iter()) {
        let Some(name) = package.get("name").and_then(Item::as_str) else {
            continue;
        };
        if !crates.contains(name) || package.contains_key("source") {
            continue;
        }
        let Some(version) = package.get("version") else {
            continue;
        };
        let (Some(raw), Some(span)) = (version.as_str(), version.span()) else {
            continue;
        };
        if Version::parse(raw).ok().as_ref() == Some(old) {
            splices.push((span.clone(), requote(&lock[span], &new.to_string())));
            found.insert(name);
        }
    }
    if found.is_empty() {
        let names: Vec<String> = crates.iter().map(|c| format!("`{c}`")).collect();
        return Err(EditError::new(
            format!(
                "no local package {} at version {old} in Cargo.lock; \
                 run `cargo update --workspace` to bring it up to date, then try again",
                names.join(" or ")
            ),
            None,
        ));
    }
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
    Ok(apply(lock, splices))
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
    let wanted = crate::registry::normalize_python_name(package);
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
        if !local || crate::registry::normalize_python_name(name) != wanted {
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

// ---------------------------------------------------------------------------------------------
// Helpers

fn parse(text: &str) -> Result<Document<&str>, EditError> {
    parse_document(text).map_err(|e| {
        EditError::new(
            format!("invalid TOML: {}; fix the syntax and try again", e.message),
            e.span.map(|s| line_of(text, s.start)),
        )
    })
}

/// Why a file is not TOML: the parser's message and where, when it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Option<Range<usize>>,
}

/// [`Document::parse`] for every TOML file the tool reads, with one difference: where
/// toml_edit panics on malformed input instead of returning an error (0.23 does on
/// `==\n.=`: "all items have spans", found by `fuzz/`), this returns an error. A bad
/// file must get a message, not a crash.
pub fn parse_document<S: AsRef<str>>(text: S) -> Result<Document<S>, SyntaxError> {
    use std::cell::Cell;
    thread_local! {
        static PARSING: Cell<bool> = const { Cell::new(false) };
    }
    static QUIET_HOOK: std::sync::Once = std::sync::Once::new();
    // The panic is caught below: the hook must not print it as if it were the end.
    QUIET_HOOK.call_once(|| {
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !PARSING.with(Cell::get) {
                hook(info);
            }
        }));
    });
    PARSING.with(|p| p.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| Document::parse(text)));
    PARSING.with(|p| p.set(false));
    match result {
        Ok(Ok(doc)) => Ok(doc),
        Ok(Err(e)) => Err(SyntaxError {
            message: e.message().trim().to_string(),
            span: e.span(),
        }),
        Err(_) => Err(SyntaxError {
            message: "the TOML parser could not make sense of this file".to_string(),
            span: None,
        }),
    }
}

/// 1-based line of byte `offset`.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn key_line(text: &str, key: &Key) -> Option<usize> {
    key.span().map(|s| line_of(text, s.start))
}

fn table_like<'a>(
    item: &'a Item,
    what: &str,
    text: &str,
    key: &Key,
) -> Result<&'a dyn TableLike, EditError> {
    item.as_table_like().ok_or_else(|| {
        EditError::new(
            format!("`{}` is not a table; expected `{what}`", key.get()),
            key_line(text, key),
        )
    })
}

/// The string value of `item` and its span, or an error saying `what` must be a string.
fn string_value<'a>(
    item: &'a Item,
    what: &str,
    text: &str,
    key: &Key,
) -> Result<(&'a str, Range<usize>), EditError> {
    match (item.as_str(), item.span()) {
        (Some(s), Some(span)) => Ok((s, span)),
        _ => Err(EditError::new(
            format!("{what} is not a string; write it as `version = \"1.2.3\"`"),
            key_line(text, key),
        )),
    }
}

/// `text` with the string at `value` set to `new`; unchanged (even in its quoting and escapes)
/// when it already is `new`.
fn replace_if_different(text: &str, (old, span): (&str, Range<usize>), new: &str) -> String {
    if old == new {
        return text.to_owned();
    }
    let quoted = requote(&text[span.clone()], new);
    apply(text, vec![(span, quoted)])
}

/// `content` in the same kind of quotes as the raw TOML string `raw`.
fn requote(raw: &str, content: &str) -> String {
    let quote = ["\"\"\"", "'''", "\"", "'"]
        .into_iter()
        .find(|q| raw.starts_with(q))
        .unwrap_or("\"");
    format!("{quote}{content}{quote}")
}

/// Replaces the given non-overlapping byte ranges of `text`.
fn apply(text: &str, mut splices: Vec<(Range<usize>, String)>) -> String {
    splices.sort_by_key(|(span, _)| span.start);
    let mut out = String::with_capacity(text.len() + 16 * splices.len());
    let mut at = 0;
    for (span, new) in splices {
        debug_assert!(span.start >= at, "overlapping edits");
        out.push_str(&text[at..span.start]);
        out.push_str(&new);
        at = span.end;
    }
    out.push_str(&text[at..]);
    out
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

/// A table key as it would be written in a header, for error messages (`'cfg(unix)'`).
fn quote_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        key.to_owned()
    } else if key.contains('\'') {
        format!("{key:?}")
    } else {
        format!("'{key}'")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    fn crlf(s: &str) -> String {
        s.replace('\n', "\r\n")
    }

    // --- parse_document ------------------------------------------------------------------

    /// toml_edit panics on this input; every edit must answer with an error instead.
    #[test]
    fn a_toml_edit_panic_is_an_error() {
        let text = "==\n.=";
        assert!(parse_document(text).is_err());
        assert!(set_package_version(text, "1.0.0").is_err());
        assert!(set_pyproject_version(text, "1.0.0").is_err());
        assert!(set_lock_versions(text, &set(&["a"]), &v("1.0.0"), &v("1.1.0")).is_err());
    }

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
        assert_eq!(out, expected);
        let out = set_lock_versions(
            &crlf(LOCK),
            &set(&["foo", "foo-macros"]),
            &v("0.3.1"),
            &v("0.4.0"),
        )
        .unwrap();
        assert_eq!(out, crlf(&expected));
    }

    #[test]
    fn lock_without_the_crates_is_an_error() {
        // `serde` is at the old version but comes from a registry: not a local package.
        let err =
            set_lock_versions(LOCK, &set(&["serde", "bar"]), &v("0.3.1"), &v("0.4.0")).unwrap_err();
        assert_eq!(
            err.message,
            "no local package `bar` or `serde` at version 0.3.1 in Cargo.lock; \
             run `cargo update --workspace` to bring it up to date, then try again"
        );
        assert!(set_lock_versions(LOCK, &set(&["foo"]), &v("0.3.0"), &v("0.4.0")).is_err());
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

    #[test]
    fn helpers() {
        assert_eq!(
            crate::registry::normalize_python_name("Foo__Bar.baz"),
            "foo-bar-baz"
        );
        assert_eq!(line_of("a\nb\r\nc", 5), 3);
        assert_eq!(requote("'''x'''", "1"), "'''1'''");
        assert_eq!(quote_key("cfg(unix)"), "'cfg(unix)'");
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
