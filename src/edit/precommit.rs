//! The `.pre-commit-config.yaml` entry for this tool's hooks, appended to the
//! user's `repos:` list as text (a YAML round trip would drop their comments).
use std::path::Path;

use crate::error::Failure;

/// Where pre-commit fetches the hooks from.
pub const REPO: &str = "https://github.com/cargo-pyrelease/cargo-pyrelease";

/// This repository's hook definitions: the ids offered are read from them, so a
/// hook added there is offered here.
const HOOKS: &str = include_str!("../../.pre-commit-hooks.yaml");

pub fn hook_ids() -> Vec<&'static str> {
    HOOKS
        .lines()
        .filter_map(|l| l.strip_prefix("- id: "))
        .map(str::trim)
        .collect()
}

/// `pre-commit install` installs these hook types: the verify hook runs at pre-push.
const HOOK_TYPES: &str = "default_install_hook_types: [pre-commit, pre-push]\n";

/// The new text of the config, or `None` when it already uses this repository.
/// `text` is `None` when the file does not exist.
pub fn add(text: Option<&str>, rev: &str, file: &Path) -> Result<Option<String>, Failure> {
    let Some(text) = text else {
        return Ok(Some(format!("{HOOK_TYPES}repos:\n{}", entry("  ", rev))));
    };
    if text.contains(REPO) {
        // The hooks are there; the pre-push one is installed only with the hook types.
        let typed = with_hook_types(text);
        return Ok((typed != text).then_some(typed));
    }
    append(text, rev, file).map(|added| added.map(|text| with_hook_types(&text)))
}

/// `default_install_hook_types` before `repos:` unless the config sets it already.
fn with_hook_types(text: &str) -> String {
    if text
        .lines()
        .any(|l| l.starts_with("default_install_hook_types:"))
    {
        return text.to_string();
    }
    match text
        .find("\nrepos:")
        .map(|i| i + 1)
        .or_else(|| text.starts_with("repos:").then_some(0))
    {
        Some(at) => format!("{}{HOOK_TYPES}{}", &text[..at], &text[at..]),
        None => format!("{HOOK_TYPES}{text}"),
    }
}

fn append(text: &str, rev: &str, file: &Path) -> Result<Option<String>, Failure> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let Some(start) = lines.iter().position(|l| l.starts_with("repos:")) else {
        let mut out = text.to_string();
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str("repos:\n");
        out.push_str(&entry("  ", rev));
        return Ok(Some(out));
    };
    let rest = lines[start]["repos:".len()..].trim();
    if !rest.is_empty() && !rest.starts_with('#') {
        return Err(Failure::usage(format!(
            "`repos:` in `{}` is written inline (`{}`); the entry cannot be appended to it",
            file.display(),
            lines[start].trim_end()
        ))
        .at(file, Some(start + 1))
        .help("write `repos:` as a block list (`- repo: ...` lines) and run `cargo pyrelease init` again"));
    }
    // The block ends at the next top-level key: a line at column 0 that is neither
    // blank, a comment nor a list item.
    let end = lines[start + 1..]
        .iter()
        .position(|l| {
            let t = l.trim_end();
            !t.is_empty() && !l.starts_with([' ', '\t', '#', '-'])
        })
        .map_or(lines.len(), |i| start + 1 + i);
    // After the block's last item line, before the blank lines and comments that
    // lead into the next key.
    let insert_at = lines[start + 1..end]
        .iter()
        .rposition(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map_or(start + 1, |i| start + 2 + i);
    let indent = lines[start + 1..end]
        .iter()
        .find_map(|l| {
            let trimmed = l.trim_start_matches(' ');
            trimmed
                .starts_with("- ")
                .then(|| &l[..l.len() - trimmed.len()])
        })
        .unwrap_or("  ");
    let mut out: String = lines[..insert_at].concat();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&entry(indent, rev));
    out.push_str(&lines[insert_at..].concat());
    Ok(Some(out))
}

fn entry(indent: &str, rev: &str) -> String {
    let mut out = format!("{indent}- repo: {REPO}\n{indent}  rev: {rev}\n{indent}  hooks:\n");
    for id in hook_ids() {
        out.push_str(&format!("{indent}    - id: {id}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add_to(text: Option<&str>) -> String {
        add(text, "v0.1.0", Path::new(".pre-commit-config.yaml"))
            .unwrap()
            .unwrap()
    }

    #[test]
    fn the_hooks_of_this_repository() {
        assert_eq!(hook_ids(), ["pyrelease-sync", "pyrelease-verify"]);
    }

    #[test]
    fn new_file() {
        let text = add_to(None);
        assert!(text.starts_with("default_install_hook_types: [pre-commit, pre-push]\nrepos:\n  - repo: https://github.com/cargo-pyrelease/cargo-pyrelease\n    rev: v0.1.0\n    hooks:\n      - id: pyrelease-sync\n"), "{text}");
    }

    #[test]
    fn appended_to_the_list_before_the_next_key() {
        let before = "# mine\nrepos:\n- repo: local\n  hooks:\n  - id: x\n\n# ci settings\nci:\n  skip: [x]\n";
        let text = add_to(Some(before));
        assert_eq!(
            text,
            "# mine\ndefault_install_hook_types: [pre-commit, pre-push]\nrepos:\n- repo: local\n  hooks:\n  - id: x\n\
             - repo: https://github.com/cargo-pyrelease/cargo-pyrelease\n  rev: v0.1.0\n  hooks:\n    - id: pyrelease-sync\n    - id: pyrelease-verify\n\
             \n# ci settings\nci:\n  skip: [x]\n"
        );
    }

    #[test]
    fn indented_list_at_the_end_without_newline() {
        let text = add_to(Some("repos:\n    - repo: local\n      hooks: []"));
        assert!(text.ends_with("hooks: []\n    - repo: https://github.com/cargo-pyrelease/cargo-pyrelease\n      rev: v0.1.0\n      hooks:\n        - id: pyrelease-sync\n        - id: pyrelease-verify\n"), "{text}");
    }

    #[test]
    fn present_or_inline() {
        let path = Path::new(".pre-commit-config.yaml");
        let present = format!("repos:\n  - repo: {REPO}\n    rev: v0.0.9\n");
        let typed = add(Some(&present), "v0.1.0", path).unwrap().unwrap();
        assert_eq!(typed, format!("{HOOK_TYPES}{present}"));
        assert_eq!(add(Some(&typed), "v0.1.0", path).unwrap(), None);
        let err = add(Some("repos: []\n"), "v0.1.0", path).unwrap_err();
        assert_eq!(err.location.unwrap().line, Some(1));
    }
}
