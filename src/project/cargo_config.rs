//! The index URL of a named cargo registry, found where cargo looks: the
//! `CARGO_REGISTRIES_<NAME>_INDEX` variable, then `.cargo/config.toml` files from the
//! project up to the root, then `$CARGO_HOME/config.toml`.
use std::path::{Path, PathBuf};

use crate::project::config::table_at;

pub fn registry_index(root: &Path, name: &str) -> Option<String> {
    let var = format!(
        "CARGO_REGISTRIES_{}_INDEX",
        name.to_uppercase().replace('-', "_")
    );
    if let Some(url) = std::env::var(var).ok().filter(|v| !v.is_empty()) {
        return Some(url);
    }
    config_files(root)
        .into_iter()
        .find_map(|file| index_in(&file, name))
}

/// Cargo's configuration files, nearest first.
fn config_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in root.ancestors() {
        for name in ["config.toml", "config"] {
            files.push(dir.join(".cargo").join(name));
        }
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    if let Some(home) = home {
        files.push(home.join("config.toml"));
        files.push(home.join("config"));
    }
    files
}

fn index_in(file: &Path, name: &str) -> Option<String> {
    let text = std::fs::read_to_string(file).ok()?;
    let doc: toml_edit::Document<String> = text.parse().ok()?;
    table_at(doc.as_table(), &["registries", name])?
        .get("index")?
        .as_str()
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_config_file_wins() {
        let dir = tempfile::tempdir().unwrap();
        let inner = dir.path().join("a/b");
        crate::exec::fs::write_atomic(
            &dir.path().join(".cargo/config.toml"),
            b"[registries.corp-reg]\nindex = \"sparse+https://outer/\"\n",
        )
        .unwrap();
        crate::exec::fs::write_atomic(
            &inner.join(".cargo/config.toml"),
            b"registries.corp-reg.index = \"https://inner/index.git\"\n",
        )
        .unwrap();
        assert_eq!(
            registry_index(&inner, "corp-reg").as_deref(),
            Some("https://inner/index.git")
        );
        assert_eq!(
            registry_index(dir.path(), "corp-reg").as_deref(),
            Some("sparse+https://outer/")
        );
        assert_eq!(registry_index(dir.path(), "nowhere-xyz"), None);
    }
}
