//! Other workflows that publish to PyPI or crates.io (maturin's generated `CI.yml`
//! uploads on every tag): beside `release.yml` they would race it on every release.
//! Read as lines, since a YAML round trip would drop the user's comments; the jobs of
//! a workflow are the keys one level below `jobs:`.

/// A job that publishes, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publisher {
    pub job: String,
    /// The 1-based line of the job's key.
    pub line: usize,
    /// The publishing step, as found (`pypa/gh-action-pypi-publish`, `maturin upload` ...).
    pub what: &'static str,
}

/// What publishes, as it appears in a step.
const MARKERS: &[&str] = &[
    "pypa/gh-action-pypi-publish",
    "rust-lang/crates-io-auth-action",
    "maturin upload",
    "maturin publish",
    "twine upload",
    "uv publish",
    "cargo publish",
    "cargo pyrelease publish",
    "cargo-pyrelease publish",
];

/// maturin-action's `command:` inputs that publish.
const MATURIN_COMMANDS: &[(&str, &str)] = &[
    ("command: upload", "maturin-action `command: upload`"),
    ("command: publish", "maturin-action `command: publish`"),
];

struct Job<'a> {
    id: &'a str,
    /// 0-based index of the key line.
    index: usize,
    /// The key's indentation.
    indent: usize,
    body: std::ops::Range<usize>,
}

fn jobs<'a>(lines: &[&'a str]) -> Vec<Job<'a>> {
    let Some(start) = lines.iter().position(|l| l.trim_end() == "jobs:") else {
        return Vec::new();
    };
    let significant = |l: &str| !l.trim().is_empty() && !l.trim_start().starts_with('#');
    let indent_of = |l: &str| l.len() - l.trim_start().len();
    let end = lines[start + 1..]
        .iter()
        .position(|l| significant(l) && indent_of(l) == 0)
        .map_or(lines.len(), |i| start + 1 + i);
    let Some(indent) = lines[start + 1..end]
        .iter()
        .find(|l| significant(l))
        .map(|l| indent_of(l))
    else {
        return Vec::new();
    };
    let keys: Vec<usize> = (start + 1..end)
        .filter(|&i| significant(lines[i]) && indent_of(lines[i]) == indent)
        .collect();
    keys.iter()
        .enumerate()
        .map(|(k, &index)| Job {
            id: lines[index].trim().trim_end_matches(':').trim_matches(['"', '\'']),
            index,
            indent,
            body: index + 1..keys.get(k + 1).copied().unwrap_or(end),
        })
        .collect()
}

/// Every job of the workflow `text` that publishes (the first way found in each), but
/// the jobs switched off with `if: false`.
pub fn find(text: &str) -> Vec<Publisher> {
    let lines: Vec<&str> = text.lines().collect();
    jobs(&lines)
        .into_iter()
        .filter(|job| {
            !lines[job.body.clone()]
                .iter()
                .any(|l| l.trim_start().starts_with("if: false"))
        })
        .filter_map(|job| {
            let what = lines[job.body.clone()].iter().find_map(|line| {
                let code = line.split(" #").next().unwrap_or(line);
                if code.trim_start().starts_with('#') {
                    return None;
                }
                let dry = code.contains("--dry-run");
                MARKERS
                    .iter()
                    .find(|m| code.contains(*m) && !dry)
                    .copied()
                    .or_else(|| {
                        MATURIN_COMMANDS
                            .iter()
                            .find(|(m, _)| code.trim_start().starts_with(m))
                            .map(|(_, what)| *what)
                    })
            })?;
            Some(Publisher {
                job: job.id.to_string(),
                line: job.index + 1,
                what,
            })
        })
        .collect()
}

/// The workflow with each publishing job switched off (`if: false`, the old condition
/// kept in a comment); its other jobs run as before. `Err` names a job whose `if:` is
/// not a one-line value and cannot be switched off here.
pub fn disable(text: &str, note: &str) -> Result<String, String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let plain: Vec<&str> = lines.iter().map(|l| l.trim_end_matches(['\n', '\r'])).collect();
    let publishing: Vec<String> = find(text).into_iter().map(|p| p.job).collect();
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_string()).collect();
    let mut inserts = Vec::new();
    for job in jobs(&plain).into_iter().filter(|j| publishing.iter().any(|p| p == j.id)) {
        let key_indent = plain[job.body.clone()]
            .iter()
            .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .map_or(job.indent + 2, |l| l.len() - l.trim_start().len());
        let pad = " ".repeat(key_indent);
        let existing = job.body.clone().find(|&i| {
            plain[i].starts_with(&pad)
                && plain[i][key_indent..].starts_with("if:")
        });
        match existing {
            Some(i) => {
                let old = plain[i][key_indent + 3..].trim();
                if old.is_empty() || old.starts_with(['|', '>']) {
                    return Err(job.id.to_string());
                }
                out[i] = format!("{pad}if: false # {note}; was: {old}\n");
            }
            None => inserts.push((job.index + 1, format!("{pad}if: false # {note}\n"))),
        }
    }
    for (at, line) in inserts.into_iter().rev() {
        out.insert(at, line);
    }
    Ok(out.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    const CI: &str = "\
name: CI
on:
  push:
    tags: ['*']
jobs:
  linux:
    runs-on: ubuntu-latest
    steps:
      - uses: PyO3/maturin-action@v1
        with:
          command: build # not a release
  release:
    name: Release
    runs-on: ubuntu-latest
    if: ${{ startsWith(github.ref, 'refs/tags/') }}
    needs: [linux]
    steps:
      - uses: PyO3/maturin-action@v1
        with:
          command: upload
          args: --non-interactive --skip-existing wheels-*/*
  crates:
    runs-on: ubuntu-latest
    steps:
      - run: cargo publish --dry-run
      - run: cargo publish
";

    #[test]
    fn finds_the_publishing_jobs() {
        let found = find(CI);
        assert_eq!(
            found,
            [
                Publisher {
                    job: "release".into(),
                    line: 12,
                    what: "maturin-action `command: upload`"
                },
                Publisher {
                    job: "crates".into(),
                    line: 22,
                    what: "cargo publish"
                },
            ]
        );
        assert!(find("on: push\njobs:\n  test:\n    steps:\n      - run: cargo test\n").is_empty());
    }

    #[test]
    fn disables_only_the_publishing_jobs() {
        let text = disable(CI, "off").unwrap();
        assert!(
            text.contains("    if: false # off; was: ${{ startsWith(github.ref, 'refs/tags/') }}\n"),
            "{text}"
        );
        assert!(text.contains("  crates:\n    if: false # off\n    runs-on"), "{text}");
        assert!(text.contains("  linux:\n    runs-on"), "{text}");
        assert!(text.contains("command: upload"), "the steps stay");
        assert!(find(&text).is_empty(), "{text}");
        let block = CI.replace("    if: ${{", "    if: >-\n      ${{");
        assert_eq!(disable(&block, "off"), Err("release".into()));
    }
}
