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
            id: lines[index]
                .trim()
                .trim_end_matches(':')
                .trim_matches(['"', '\'']),
            index,
            indent,
            body: index + 1..keys.get(k + 1).copied().unwrap_or(end),
        })
        .collect()
}

/// Every job of the workflow `text` that publishes (the first way found in each).
pub fn find(text: &str) -> Vec<Publisher> {
    let lines: Vec<&str> = text.lines().collect();
    jobs(&lines)
        .into_iter()
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

/// The workflow without its publishing jobs, a comment `note` where each was; its
/// other jobs run as before. `Err` says why a job cannot be removed: another job
/// `needs` it, or no job would be left (then the file itself should go).
pub fn remove(text: &str, note: &str) -> Result<String, String> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let plain: Vec<&str> = lines
        .iter()
        .map(|l| l.trim_end_matches(['\n', '\r']))
        .collect();
    let publishing: Vec<String> = find(text).into_iter().map(|p| p.job).collect();
    let all = jobs(&plain);
    let (gone, kept): (Vec<&Job>, Vec<&Job>) = all
        .iter()
        .partition(|j| publishing.iter().any(|p| p == j.id));
    if kept.is_empty() {
        return Err("it has no job but the publishing ones: delete the file".into());
    }
    for job in &gone {
        if let Some(user) = kept.iter().find(|k| needs(&plain[k.body.clone()], job.id)) {
            return Err(format!("the job `{}` needs the job `{}`", user.id, job.id));
        }
    }
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        match gone.iter().find(|j| j.index == i) {
            Some(job) => {
                let pad = " ".repeat(job.indent);
                out.push_str(&format!(
                    "{pad}# The job `{}` was removed: {note}.\n",
                    job.id
                ));
                i = job.body.end;
            }
            None => {
                out.push_str(lines[i]);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// A job body's `needs:` names `id` (`needs: id`, `needs: [a, id]`, or a block list).
fn needs(body: &[&str], id: &str) -> bool {
    let names = |text: &str| {
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .any(|word| word == id)
    };
    let Some(at) = body
        .iter()
        .position(|l| l.trim_start().starts_with("needs:"))
    else {
        return false;
    };
    let indent = body[at].len() - body[at].trim_start().len();
    names(&body[at].trim_start()["needs:".len()..])
        || body[at + 1..]
            .iter()
            .take_while(|l| l.trim().is_empty() || l.len() - l.trim_start().len() > indent)
            .any(|l| l.trim_start().strip_prefix("- ").is_some_and(names))
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
    fn removes_only_the_publishing_jobs() {
        let text = remove(CI, "gone").unwrap();
        assert!(text.contains("  # The job `release` was removed: gone.\n  # The job `crates` was removed: gone.\n"), "{text}");
        assert!(text.contains("  linux:\n    runs-on"), "{text}");
        assert!(!text.contains("command: upload"), "{text}");
        assert!(find(&text).is_empty(), "{text}");
        let needed = CI.replace(
            "  crates:\n    runs-on: ubuntu-latest\n",
            "  crates:\n    needs:\n      - release\n",
        );
        assert_eq!(
            remove(
                &needed
                    .replace("cargo publish\n", "cargo test\n")
                    .replace("cargo publish --dry-run", "true"),
                "gone"
            ),
            Err("the job `crates` needs the job `release`".into())
        );
        let only = "on: push\njobs:\n  up:\n    steps:\n      - run: twine upload dist/*\n";
        assert!(
            remove(only, "gone")
                .unwrap_err()
                .contains("delete the file")
        );
    }
}
