//! Cargo.lock read as cargo reads it. What cargo refuses to parse (a `[package]` table
//! where `[[package]]` belongs, a name or version that is not a string, an entry twice)
//! is refused here at its line, so `verify` and `bump` say the same of one file.
use std::ops::Range;

use toml_edit::{Document, Item};

use super::EditError;
use super::document::{line_of, parse};

/// One `[[package]]` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockEntry {
    pub name: String,
    pub version: String,
    /// No `source`: a package of this workspace, not one from a registry or git.
    pub local: bool,
    /// Where the version's value is: its line, and its bytes for a splice.
    pub line: usize,
    pub span: Range<usize>,
}

/// The entries of a Cargo.lock, or why cargo would not read it.
pub fn lock_entries(text: &str) -> Result<Vec<LockEntry>, EditError> {
    entries_of(&parse(text)?)
}

pub(super) fn entries_of(doc: &Document<&str>) -> Result<Vec<LockEntry>, EditError> {
    let text = doc.raw();
    let Some(item) = doc.get("package") else {
        // An empty lock: cargo fills it in at the next build.
        return Ok(Vec::new());
    };
    let at = |item: &Item| item.span().map(|s| line_of(text, s.start));
    let Some(packages) = item.as_array_of_tables() else {
        let line = doc
            .as_table()
            .key("package")
            .and_then(|k| k.span())
            .map(|s| line_of(text, s.start));
        return Err(EditError::new(
            "`package` must be an array of tables (`[[package]]`), as cargo writes it; \
             regenerate Cargo.lock with `cargo generate-lockfile`",
            line.or_else(|| at(item)),
        ));
    };
    let mut entries = Vec::new();
    let mut seen = std::collections::BTreeMap::new();
    for package in packages {
        let string = |key: &str| -> Result<(String, usize, Range<usize>), EditError> {
            let value = package.get(key);
            match value.and_then(|v| Some((v.as_str()?, v.span()?))) {
                Some((s, span)) => Ok((s.to_string(), line_of(text, span.start), span)),
                None => Err(EditError::new(
                    format!(
                        "a `[[package]]` entry's `{key}` must be a string, as cargo writes it; \
                         regenerate Cargo.lock with `cargo generate-lockfile`"
                    ),
                    value
                        .and_then(at)
                        .or_else(|| package.span().map(|s| line_of(text, s.start))),
                )),
            }
        };
        let (name, name_line, _) = string("name")?;
        let (version, line, span) = string("version")?;
        let source = package
            .get("source")
            .and_then(Item::as_str)
            .unwrap_or_default();
        if let Some(first) = seen.insert(
            (name.clone(), version.clone(), source.to_string()),
            name_line,
        ) {
            return Err(EditError::new(
                format!(
                    "Cargo.lock lists `{name}` {version} twice (lines {first} and {name_line}), \
                     which cargo refuses; remove one entry, or regenerate it with `cargo generate-lockfile`"
                ),
                Some(name_line),
            ));
        }
        entries.push(LockEntry {
            name,
            version,
            local: !package.contains_key("source"),
            line,
            span,
        });
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> EditError {
        lock_entries(text).unwrap_err()
    }

    #[test]
    fn what_cargo_refuses_is_refused_at_its_line() {
        let table = err("version = 4\n\n[package]\nname = \"a\"\nversion = \"0.1.0\"\n");
        assert_eq!(table.line, Some(3), "{table:?}");
        assert!(table.message.contains("array of tables"), "{table:?}");

        let int = err("version = 4\n\n[[package]]\nname = \"a\"\nversion = 1\n");
        assert_eq!(int.line, Some(5), "{int:?}");
        assert!(
            int.message.contains("`version` must be a string"),
            "{int:?}"
        );

        let twice = err(
            "[[package]]\nname = \"a\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"a\"\nversion = \"0.1.0\"\n",
        );
        assert_eq!(twice.line, Some(6), "{twice:?}");
        assert!(twice.message.contains("lines 2 and 6"), "{twice:?}");

        let syntax = err("[[package]]\nname = \"a\n");
        assert_eq!(syntax.line, Some(2), "{syntax:?}");
    }

    #[test]
    fn local_and_registry_entries_are_told_apart() {
        let lock = "version = 4\n\n[[package]]\nname = \"a\"\nversion = \"0.1.0\"\n\n[[package]]\nname = \"a\"\nversion = \"0.1.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\n";
        let entries = lock_entries(lock).unwrap();
        assert_eq!(entries.len(), 2);
        assert!(entries[0].local && !entries[1].local);
        assert_eq!(
            (entries[0].line, &lock[entries[0].span.clone()]),
            (5, "\"0.1.0\"")
        );
        assert!(lock_entries("").unwrap().is_empty());
    }
}
