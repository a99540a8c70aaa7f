//! The `pyrelease` configuration block `init` adds to a manifest: inserted with
//! toml_edit, every other byte of the file kept.
use toml_edit::{DocumentMut, Item, Table, Value};

use crate::error::Failure;

/// Where the block goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Home {
    /// `[workspace.metadata.pyrelease]`: the root manifest of a workspace.
    Workspace,
    /// `[package.metadata.pyrelease]`: a single-package manifest.
    Package,
}

impl Home {
    pub fn header(self) -> &'static str {
        match self {
            Self::Workspace => "[workspace.metadata.pyrelease]",
            Self::Package => "[package.metadata.pyrelease]",
        }
    }

    fn keys(self) -> [&'static str; 2] {
        match self {
            Self::Workspace => ["workspace", "metadata"],
            Self::Package => ["package", "metadata"],
        }
    }
}

/// The detected settings, written as keys with a comment each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub pyprojects: Vec<String>,
    pub changelog: Option<String>,
    /// The crates on the version line: written commented out, because a fixed list
    /// would stop new crates of the line from joining the release.
    pub crates: Vec<String>,
    pub version: String,
    pub tag_prefix: String,
}

/// `text` with the block added at the end of the file. Fails (usage, with the line)
/// when `[workspace]`/`[package]` is missing or `metadata` is not a table.
pub fn insert(
    text: &str,
    home: Home,
    block: &Block,
    file: &std::path::Path,
) -> anyhow::Result<String> {
    // Through the parser every TOML read goes through: it turns toml_edit's panics on
    // malformed input into errors.
    let mut doc: DocumentMut = super::parse_document(text)
        .map_err(|e| Failure::from((file, text, e)))?
        .into_mut();
    let [top, metadata] = home.keys();
    let last = doc
        .iter()
        .filter_map(|(_, item)| item.as_table())
        .flat_map(tables_in)
        .max()
        .unwrap_or(0);
    let not_table = |what: &str| {
        Failure::usage(format!("`{what}` in `{}` is not a table", file.display()))
            .at(file, None)
            .help(format!("add the `{}` block by hand", home.header()))
    };
    let parent = doc
        .get_mut(top)
        .and_then(Item::as_table_mut)
        .ok_or_else(|| not_table(top))?;
    let meta = parent.entry(metadata).or_insert_with(|| {
        let mut t = Table::new();
        t.set_implicit(true);
        Item::Table(t)
    });
    let meta = meta
        .as_table_mut()
        .ok_or_else(|| not_table(&format!("{top}.{metadata}")))?;
    meta.insert("pyrelease", Item::Table(table(block, last + 1)));
    Ok(doc.to_string())
}

/// The document positions of `t` and the tables below it.
fn tables_in(t: &Table) -> Vec<isize> {
    let mut out: Vec<isize> = t.position().into_iter().collect();
    for (_, item) in t.iter() {
        if let Some(sub) = item.as_table() {
            out.extend(tables_in(sub));
        }
    }
    out
}

fn table(block: &Block, position: isize) -> Table {
    let mut t = Table::new();
    t.set_position(Some(position));
    t.decor_mut().set_prefix(
        "\n# cargo-pyrelease: the settings `cargo pyrelease init` detected. Every key is\n\
         # optional; delete one to go back to detection.\n",
    );
    let mut entry = |key: &str, value: Value, comment: String| {
        t.insert(key, Item::Value(value));
        if let Some(mut k) = t.key_mut(key) {
            k.leaf_decor_mut().set_prefix(comment);
        }
    };
    entry(
        "pyprojects",
        strings(&block.pyprojects),
        "# The maturin projects released (detected: pyproject.toml files with\n\
         # build-backend = \"maturin\").\n"
            .into(),
    );
    if let Some(path) = &block.changelog {
        entry(
            "changelog",
            path.as_str().into(),
            "# The changelog: `bump` turns its Unreleased section into the release's.\n".into(),
        );
    }
    let mut tag_comment = String::new();
    if block.changelog.is_none() {
        tag_comment.push_str("# No changelog was found; name one here when you add it:\n# changelog = \"CHANGELOG.md\"\n");
    }
    tag_comment.push_str(&format!(
        "# The crates released with it (detected: those at version {}). Uncomment to\n\
         # release exactly these instead:\n# crates = {}\n",
        block.version,
        strings(&block.crates)
    ));
    tag_comment.push_str(&format!(
        "# Release tags are this prefix + the version: {}{}.\n",
        block.tag_prefix, block.version
    ));
    entry("tag-prefix", block.tag_prefix.as_str().into(), tag_comment);
    t
}

fn strings(items: &[String]) -> Value {
    Value::Array(items.iter().map(String::as_str).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block() -> Block {
        Block {
            pyprojects: vec!["pyproject.toml".into()],
            changelog: Some("CHANGELOG.md".into()),
            crates: vec!["a".into(), "b".into()],
            version: "1.2.0".into(),
            tag_prefix: "v".into(),
        }
    }

    #[test]
    fn appended_after_everything_and_parsed_back() {
        let text = "[package]\nname = \"a\" # kept\n\n[dependencies]\nx = \"1\"\n\n[workspace]\n";
        let out = insert(text, Home::Package, &block(), "Cargo.toml".as_ref()).unwrap();
        assert!(out.starts_with(text), "{out}");
        assert!(out.contains("\n[package.metadata.pyrelease]\n"), "{out}");
        assert!(out.contains("# crates = [\"a\", \"b\"]\n"), "{out}");
        let doc: DocumentMut = out.parse().unwrap();
        let t = &doc["package"]["metadata"]["pyrelease"];
        assert_eq!(t["tag-prefix"].as_str(), Some("v"));
        assert_eq!(t["changelog"].as_str(), Some("CHANGELOG.md"));
        assert!(t.get("crates").is_none());
    }

    #[test]
    fn workspace_block_without_changelog() {
        let text = "[workspace]\nmembers = [\"a\"]\n";
        let mut b = block();
        b.changelog = None;
        let out = insert(text, Home::Workspace, &b, "Cargo.toml".as_ref()).unwrap();
        assert!(out.starts_with(text), "{out}");
        assert!(out.contains("[workspace.metadata.pyrelease]\n"), "{out}");
        assert!(!out.contains("[workspace.metadata]\n"), "{out}");
        assert!(out.contains("# changelog = \"CHANGELOG.md\"\n"), "{out}");
    }

    #[test]
    fn a_missing_parent_is_refused() {
        let err = insert(
            "[package]\n",
            Home::Workspace,
            &block(),
            "Cargo.toml".as_ref(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("`workspace`"), "{err}");
    }
}
