//! The index URL of a named cargo registry, found where cargo looks: the
//! `CARGO_REGISTRIES_<NAME>_INDEX` variable, then `.cargo/config.toml` files from the
//! project up to the root, then `$CARGO_HOME/config.toml`.
use std::ffi::OsString;
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
    config_files(root, cargo_home(&|v| std::env::var_os(v)).as_deref())
        .into_iter()
        .find_map(|file| index_in(&file, name))
}

/// Whether any of cargo's configuration files (or `credentials.toml` in `home`, cargo's
/// home folder: [`cargo_home`]) sets the key at `keys` (`["registries", "corp", "token"]`).
/// Only presence is read, never a value: the values may be secrets.
pub fn has_key(root: &Path, home: Option<&Path>, keys: &[&str]) -> bool {
    let (table, key) = keys.split_at(keys.len().saturating_sub(1));
    let credentials = home
        .iter()
        .flat_map(|h| [h.join("credentials.toml"), h.join("credentials")]);
    config_files(root, home)
        .into_iter()
        .chain(credentials)
        .any(|file| {
            let Ok(text) = std::fs::read_to_string(&file) else {
                return false;
            };
            let Ok(doc) = text.parse::<toml_edit::Document<String>>() else {
                return false;
            };
            table_at(doc.as_table(), table).is_some_and(|t| key.iter().all(|k| t.contains_key(k)))
        })
}

/// Cargo's home folder as cargo finds it in the environment `var` reads: `CARGO_HOME`,
/// else `~/.cargo`.
pub fn cargo_home(var: &dyn Fn(&str) -> Option<OsString>) -> Option<PathBuf> {
    var("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| var("HOME").map(|h| PathBuf::from(h).join(".cargo")))
}

/// Cargo's configuration files, nearest first.
fn config_files(root: &Path, home: Option<&Path>) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in root.ancestors() {
        for name in ["config.toml", "config"] {
            files.push(dir.join(".cargo").join(name));
        }
    }
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
