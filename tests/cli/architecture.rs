//! The layer rule of ARCHITECTURE.md, checked on the source: every top-level module of
//! `src/` sits in one layer of the ```` ```layers ```` block there, and its non-test code
//! names (`crate::X`) only modules of its own layer or lower ones, without cycles.
//! The block is read from ARCHITECTURE.md itself, so the page and the check cannot drift.
#![allow(clippy::disallowed_methods)]
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// The layers, top first: each line of the block is `NAME NAME ... | what they are`.
fn layers() -> BTreeMap<String, usize> {
    let page = std::fs::read_to_string(Path::new(ROOT).join("ARCHITECTURE.md")).unwrap();
    let block = page
        .split("```layers\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("ARCHITECTURE.md has a ```layers block");
    let mut layer_of = BTreeMap::new();
    for (i, line) in block.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let (names, _) = line
            .split_once('|')
            .unwrap_or_else(|| panic!("layer line without `|`: {line}"));
        for name in names.split_whitespace() {
            let name = name.trim_end_matches('/').trim_end_matches(".rs");
            assert!(
                layer_of.insert(name.to_string(), i).is_none(),
                "`{name}` is in two layers"
            );
        }
    }
    layer_of
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The lines of a file before its test modules, without comments.
fn code_lines(text: &str) -> Vec<(usize, &str)> {
    let lines: Vec<&str> = text.lines().collect();
    let end = lines
        .windows(2)
        .position(|w| {
            w[0].trim() == "#[cfg(test)]"
                && (w[1].starts_with("mod ") || w[1].starts_with("pub(crate) mod "))
        })
        .unwrap_or(lines.len());
    lines[..end]
        .iter()
        .enumerate()
        .map(|(i, l)| (i + 1, l.split("//").next().unwrap_or_default()))
        .collect()
}

fn ident(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The top-level modules a line names: `crate::a::...`, `crate::{a, b::c}`.
fn named(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (at, _) in line.match_indices("crate::") {
        let rest = &line[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // First-level names only: `b::{c, d}` is `b`; the group ends at its own `}`.
            let mut depth = 0;
            let mut start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && depth == 0 && !c.is_whitespace() => {
                        out.push(ident(&group[i..]).to_string());
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            out.push(ident(rest).to_string());
        }
    }
    out.retain(|m| !m.is_empty() && m != "self");
    out
}

#[test]
fn modules_import_only_their_own_layer_or_lower_ones_without_cycles() {
    let layer_of = layers();
    let src = Path::new(ROOT).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();

    let mut problems = Vec::new();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut modules = BTreeSet::new();
    for path in &files {
        let rel = path.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_str()
            .unwrap();
        let top = top.trim_end_matches(".rs");
        if matches!(top, "lib" | "main") {
            continue;
        }
        modules.insert(top.to_string());
        let Some(&from) = layer_of.get(top) else {
            problems.push(format!(
                "src/{top} is in no layer of ARCHITECTURE.md's ```layers block"
            ));
            continue;
        };
        let text = std::fs::read_to_string(path).unwrap();
        for (line, code) in code_lines(&text) {
            for to in named(code) {
                if to == top {
                    continue;
                }
                let Some(&layer) = layer_of.get(&to) else {
                    problems.push(format!(
                        "src/{}:{line}: `crate::{to}` is in no layer",
                        rel.display()
                    ));
                    continue;
                };
                if layer < from {
                    problems.push(format!(
                        "src/{}:{line}: `{top}` uses `crate::{to}`, a higher layer",
                        rel.display()
                    ));
                }
                graph.entry(top.to_string()).or_default().insert(to);
            }
        }
    }
    for name in layer_of.keys() {
        if !modules.contains(name) {
            problems.push(format!(
                "ARCHITECTURE.md's layers name `{name}`, which is not a module of src/"
            ));
        }
    }

    // Within a layer modules may use each other, but never in a circle.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        cycles: &mut Vec<String>,
    ) {
        if let Some(at) = path.iter().position(|p| p == node) {
            let mut cycle = path[at..].to_vec();
            cycle.push(node.to_string());
            cycles.push(cycle.join(" -> "));
            return;
        }
        if !done.insert(node.to_string()) {
            return;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, path, done, cycles);
        }
        path.pop();
    }
    let mut cycles = Vec::new();
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, &graph, &mut Vec::new(), &mut done, &mut cycles);
    }
    problems.extend(cycles.into_iter().map(|c| format!("import cycle: {c}")));

    assert!(
        problems.is_empty(),
        "the layer rule of ARCHITECTURE.md is broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_scanner_reads_every_form_of_crate_path() {
    assert_eq!(named("use crate::exec::cmd::{Cmd, Kind};"), ["exec"]);
    assert_eq!(
        named("use crate::{plan::{Plan, Step}, version, shell::Shell};"),
        ["plan", "version", "shell"]
    );
    assert_eq!(
        named("    let x = crate::toml::parse(a) + crate::dist::f();"),
        ["toml", "dist"]
    );
    // Comments and test modules do not count.
    let text = "use crate::a; // crate::b\n#[cfg(test)]\nmod tests {\n    use crate::z;\n}\n";
    let lines = code_lines(text);
    assert_eq!(lines.len(), 1);
    assert_eq!(named(lines[0].1), ["a"]);
}
