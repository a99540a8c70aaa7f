//! The one-time setup that `init` cannot do: it happens on crates.io, PyPI and
//! GitHub, under the user's accounts. Pure text.
use std::fmt::Write as _;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    /// `owner/repo` from the crate's `repository` URL, when it is on GitHub.
    pub repo: Option<String>,
    /// The crates the workflow publishes.
    pub crates: Vec<String>,
    /// The Python projects the workflow publishes.
    pub python: Vec<String>,
    /// The workflow file name (`release.yml`): trusted publishers name it.
    pub workflow: String,
    pub tag_prefix: String,
    /// The crates go to this named cargo registry, not crates.io.
    pub registry: Option<String>,
    /// The Python index is not PyPI.
    pub private_python_index: bool,
}

impl Setup {
    pub fn render(&self) -> String {
        let repo = self.repo.as_deref().unwrap_or("OWNER/REPO");
        let (owner, name) = repo.split_once('/').unwrap_or((repo, ""));
        let publisher = format!(
            "owner `{owner}`, repository `{name}`, workflow `{}`, environment `release`",
            self.workflow
        );
        let mut out = String::from("One-time setup, by hand (init cannot do these for you):\n");
        let mut n = 0;
        let mut step = |out: &mut String, text: String| {
            n += 1;
            let _ = writeln!(out, "  {n}. {text}");
        };
        step(
            &mut out,
            format!(
                "GitHub, https://github.com/{repo}/settings/environments: create the environment \
                 `release`, add required reviewers (each release waits for their approval), and \
                 limit its deployment tags to `{}*`.",
                self.tag_prefix
            ),
        );
        let secret = |name: &str| {
            format!(
                "GitHub, https://github.com/{repo}/settings/environments (environment `release`): add the secret `{name}`"
            )
        };
        if let (Some(registry), false) = (&self.registry, self.crates.is_empty()) {
            step(
                &mut out,
                format!(
                    "{}: a token of the cargo registry `{registry}` that may publish {}. The registry's index must be in the committed `.cargo/config.toml` (`[registries.{registry}] index = \"...\"`), since the workflow's cargo reads it from there.",
                    secret(&crate::render::workflow::registry_token_var(registry)),
                    ticked(&self.crates)
                ),
            );
        } else if !self.crates.is_empty() {
            step(
                &mut out,
                format!(
                    "crates.io: trusted publishing works only for a crate that exists. A crate never \
                     published before ({}) needs its first release from your machine with a token \
                     (`cargo login`, then `cargo publish -p NAME`).",
                    ticked(&self.crates)
                ),
            );
            for krate in &self.crates {
                step(
                    &mut out,
                    format!(
                        "crates.io, https://crates.io/crates/{krate}/settings: add a trusted publisher \
                         (GitHub): {publisher}."
                    ),
                );
            }
        }
        if self.private_python_index {
            step(
                &mut out,
                format!(
                    "{}: an upload token of the Python index configured in `publish-url`, for {}.",
                    secret(crate::render::workflow::PYTHON_INDEX_SECRET),
                    ticked(&self.python)
                ),
            );
        }
        for project in self.python.iter().filter(|_| !self.private_python_index) {
            step(
                &mut out,
                format!(
                    "PyPI, https://pypi.org/manage/project/{project}/settings/publishing/ (for a new \
                     project: a pending publisher at https://pypi.org/manage/account/publishing/): \
                     add a trusted publisher for `{project}`: {publisher}."
                ),
            );
        }
        step(
            &mut out,
            format!(
                "Commit the files, then release: `cargo pyrelease bump LEVEL --commit --tag`, \
                 `git push --follow-tags`, and watch the workflow at \
                 https://github.com/{repo}/actions."
            ),
        );
        out
    }
}

fn ticked(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `owner/repo` of a GitHub repository URL (`https://github.com/o/r`, `.git` or `/` after it).
pub fn github_repo(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://github.com/")
        .or_else(|| url.strip_prefix("http://github.com/"))?;
    let mut parts = rest.trim_end_matches('/').split('/');
    let owner = parts.next().filter(|s| !s.is_empty())?;
    let repo = parts.next().filter(|s| !s.is_empty())?;
    Some(format!(
        "{owner}/{}",
        repo.strip_suffix(".git").unwrap_or(repo)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_from_url() {
        assert_eq!(
            github_repo("https://github.com/o/r.git").as_deref(),
            Some("o/r")
        );
        assert_eq!(
            github_repo("https://github.com/o/r/tree/main").as_deref(),
            Some("o/r")
        );
        assert_eq!(github_repo("https://gitlab.com/o/r"), None);
    }
}
