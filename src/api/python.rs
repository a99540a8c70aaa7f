//! The Python side: the public surface of the wheel this release builds against the newest
//! release on the Python index. Each side is installed with uv into its own throwaway
//! environment and introspected there by `introspect.py` (one import each); the two JSON
//! surfaces are compared here.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Deserialize;

use super::{Break, Side};
use crate::exec::cmd::{Cmd, Kind};

const INTROSPECT: &str = include_str!("introspect.py");

/// One public name.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Name {
    pub kind: String,
    /// `None` where Python cannot tell (no text signature, no stub).
    pub params: Option<Vec<Param>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Param {
    pub name: String,
    /// `inspect.Parameter.kind`'s name: `POSITIONAL_OR_KEYWORD`, `VAR_KEYWORD` ...
    pub kind: String,
    pub required: bool,
}

#[derive(Debug, Deserialize)]
pub struct Surface {
    pub names: BTreeMap<String, Name>,
    pub errors: Vec<String>,
}

/// Whether uv and maturin run here.
pub fn installed() -> bool {
    ["uv", "maturin"].iter().all(|tool| {
        Cmd::new(tool, Kind::Read)
            .arg("--version")
            .capture()
            .is_ok_and(|c| c.code == Some(0))
    })
}

/// A throwaway environment with `requirement` installed (a wheel file or `name==version`),
/// from `index` (dependencies included).
fn environment(
    scratch: &Path,
    label: &str,
    requirement: &str,
    index: &str,
) -> anyhow::Result<PathBuf> {
    let env = scratch.join(label);
    Cmd::new("uv", Kind::Read)
        .args(["venv", "--quiet"])
        .arg(&env)
        .read()?;
    let python = python_in(&env);
    Cmd::new("uv", Kind::Read)
        .args(["pip", "install", "--quiet", "--python"])
        .arg(&python)
        .args(["--index-url", index, requirement])
        .read()?;
    Ok(python)
}

fn python_in(env: &Path) -> PathBuf {
    if cfg!(windows) {
        env.join("Scripts").join("python.exe")
    } else {
        env.join("bin").join("python")
    }
}

fn surface(python: &Path, dist: &str) -> anyhow::Result<Surface> {
    let json = Cmd::new(python, Kind::Read)
        .args(["-c", INTROSPECT, dist])
        .read()?;
    serde_json::from_str(&json).context("the API introspection printed no JSON")
}

/// The breaking changes of the wheel built from `pyproject_dir` against `dist` `baseline`
/// on the simple index `index`.
pub fn breaking(
    pyproject_dir: &Path,
    manifest: &Path,
    dist: &str,
    baseline: &str,
    index: &str,
) -> anyhow::Result<Option<Break>> {
    let scratch = tempfile::Builder::new()
        .prefix("pyrelease-api-")
        .tempdir()
        .context("could not make a scratch folder for the Python API check")?;
    let wheels = scratch.path().join("wheels");
    // A debug build: the surface is the same, and it is the quicker one.
    Cmd::new("maturin", Kind::Read)
        .cwd(pyproject_dir)
        .args(["build", "--quiet", "--out"])
        .arg(&wheels)
        .read()?;
    let wheel = std::fs::read_dir(&wheels)
        .with_context(|| format!("failed to read `{}`", wheels.display()))?
        .filter_map(|entry| Some(entry.ok()?.path()))
        .find(|p| p.extension().is_some_and(|e| e == "whl"))
        .context("`maturin build` made no wheel")?;
    let wheel = wheel.to_string_lossy();
    let (old, new) = std::thread::scope(|s| {
        let old = s.spawn(|| {
            environment(scratch.path(), "old", &format!("{dist}=={baseline}"), index)
                .and_then(|py| surface(&py, dist))
        });
        let new =
            environment(scratch.path(), "new", &wheel, index).and_then(|py| surface(&py, dist));
        (
            old.join().expect("the baseline install thread panicked"),
            new,
        )
    });
    let (old, new) = (old?, new?);
    if !new.errors.is_empty() {
        anyhow::bail!(
            "the built wheel of `{dist}` does not import cleanly: {}",
            new.errors.join("; ")
        );
    }
    let items = compare(&old.names, &new.names);
    Ok((!items.is_empty()).then(|| Break {
        side: Side::Python,
        package: dist.to_string(),
        baseline: baseline.to_string(),
        baseline_semver: semver::Version::new(0, 0, 0),
        items,
        manifest: manifest.to_path_buf(),
    }))
}

/// What `new` breaks of `old`: removed names, removed parameters, parameters that became
/// required (or are new and required). Additions are not breaking.
pub fn compare(old: &BTreeMap<String, Name>, new: &BTreeMap<String, Name>) -> Vec<String> {
    let mut items = Vec::new();
    for (path, before) in old {
        let Some(after) = new.get(path) else {
            // One entry for a removed class or module, not one per member.
            let parent_gone = path
                .rsplit_once('.')
                .is_some_and(|(parent, _)| old.contains_key(parent) && !new.contains_key(parent));
            if !parent_gone {
                items.push(format!("`{path}` ({}) was removed", before.kind));
            }
            continue;
        };
        let (Some(was), Some(now)) = (&before.params, &after.params) else {
            continue;
        };
        let takes_any_keyword = now.iter().any(|p| p.kind == "VAR_KEYWORD");
        for p in was.iter().filter(|p| !p.kind.starts_with("VAR_")) {
            match now.iter().find(|q| q.name == p.name) {
                None if !takes_any_keyword => {
                    items.push(format!("`{path}`: parameter `{}` was removed", p.name))
                }
                Some(q) if q.required && !p.required => {
                    items.push(format!("`{path}`: parameter `{}` became required", p.name))
                }
                _ => {}
            }
        }
        for q in now.iter().filter(|q| q.required) {
            if !was.iter().any(|p| p.name == q.name) {
                items.push(format!(
                    "`{path}`: parameter `{}` is new and required",
                    q.name
                ));
            }
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn surface(json: &str) -> BTreeMap<String, Name> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn removals_and_new_requirements_break_additions_do_not() {
        let old = surface(
            r#"{"m": {"kind": "module", "params": null},
                "m.kept": {"kind": "function", "params": []},
                "m.removed": {"kind": "function", "params": []},
                "m.changed": {"kind": "function", "params": [{"name": "a", "kind": "POSITIONAL_OR_KEYWORD", "required": true}]},
                "m.opt": {"kind": "function", "params": [{"name": "a", "kind": "POSITIONAL_OR_KEYWORD", "required": false}]},
                "m.C": {"kind": "class", "params": null},
                "m.C.go": {"kind": "method", "params": null}}"#,
        );
        let new = surface(
            r#"{"m": {"kind": "module", "params": null},
                "m.kept": {"kind": "function", "params": []},
                "m.added": {"kind": "function", "params": [{"name": "x", "kind": "POSITIONAL_OR_KEYWORD", "required": true}]},
                "m.changed": {"kind": "function", "params": [{"name": "a", "kind": "POSITIONAL_OR_KEYWORD", "required": true}, {"name": "b", "kind": "POSITIONAL_OR_KEYWORD", "required": true}]},
                "m.opt": {"kind": "function", "params": [{"name": "a", "kind": "POSITIONAL_OR_KEYWORD", "required": true}]}}"#,
        );
        assert_eq!(
            compare(&old, &new),
            [
                "`m.C` (class) was removed",
                "`m.changed`: parameter `b` is new and required",
                "`m.opt`: parameter `a` became required",
                "`m.removed` (function) was removed",
            ]
        );
        assert!(compare(&old, &old).is_empty());
    }
}
