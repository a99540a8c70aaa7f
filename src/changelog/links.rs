//! The link references of a release: compare and tag URLs on GitHub and GitLab, shaped like
//! the ones the file already has.

use super::splice::ReleaseEdit;
use super::style::version_len;
use super::{Changelog, LinkDef};

/// The URL for the new heading in a linked style, shaped like the latest release's.
pub(super) fn heading_link(cl: &Changelog, url: &str, edit: &ReleaseEdit) -> Option<String> {
    let repo = RepoUrl::parse(url)?;
    let latest = cl.latest_version()?;
    // A page of the latest release's tree (github_changelog_generator's
    // `/tree/v1.2.0`): the same page of the new tag.
    if let Some((marker, tail)) = repo.page
        && let Some(prefix) = tail.strip_suffix(latest)
    {
        return Some(format!("{}{marker}{prefix}{}", repo.base, edit.version));
    }
    let tag = repo.new_tag()?;
    let prefix = tag_prefix(tag, Some(latest)).unwrap_or_else(|| edit.tag_prefix.to_string());
    Some(repo.version_url(&prefix, edit.previous, edit.version))
}

/// The link definition of the newest release, its repository, and the tag prefix it shows.
pub(super) fn latest_release_link<'c>(
    cl: &'c Changelog,
    edit: &ReleaseEdit,
) -> Option<(&'c LinkDef, RepoUrl<'c>, String)> {
    let latest = cl.latest_version()?;
    let label = cl.style.label(latest);
    let def = cl
        .links
        .iter()
        .find(|l| l.label == label || l.label == latest)?;
    let repo = RepoUrl::parse(&def.url)?;
    let prefix = repo
        .new_tag()
        .and_then(|t| tag_prefix(t, Some(latest)))
        .unwrap_or_else(|| edit.tag_prefix.to_string());
    Some((def, repo, prefix))
}

/// The prefix of `tag` before its version: `v` in `v1.2.3`, `python-v` in `python-v1.6.3`.
/// When `tag` does not end with `version` as given (a different spelling), the prefix is
/// what precedes the first `digits.digits`.
fn tag_prefix(tag: &str, version: Option<&str>) -> Option<String> {
    if let Some(p) = version.and_then(|v| tag.strip_suffix(v)) {
        return Some(p.to_string());
    }
    let b = tag.as_bytes();
    (0..b.len())
        .find(|&i| b[i].is_ascii_digit() && version_len(&tag[i..]).is_some())
        .map(|i| tag[..i].to_string())
}

/// A GitHub or GitLab URL we know how to extend: `<base>/compare/a...b`,
/// `<base>/-/compare/a...b`, `<base>/releases/tag/t`, `<base>/-/tags/t`, or a branch view.
pub(super) struct RepoUrl<'u> {
    base: &'u str,
    gitlab: bool,
    /// (from, separator, to) of a compare URL; GitHub accepts `..` as well as `...`.
    pub(super) compare: Option<(&'u str, &'static str, &'u str)>,
    /// The tag of a tag or release page.
    tag: Option<&'u str>,
    /// The marker and the rest of a tree or commits page (`/tree/`, `v1.2.0`).
    page: Option<(&'static str, &'u str)>,
}

impl<'u> RepoUrl<'u> {
    pub(super) fn parse(url: &'u str) -> Option<Self> {
        // GitLab first: its markers contain GitHub's (`/-/compare/` ends with `/compare/`).
        for (marker, gitlab) in [("/-/compare/", true), ("/compare/", false)] {
            if let Some(i) = url.find(marker) {
                let tail = &url[i + marker.len()..];
                let (sep, at) = match tail.find("...") {
                    Some(at) => ("...", at),
                    None => ("..", tail.find("..")?),
                };
                return Some(RepoUrl {
                    base: &url[..i],
                    gitlab,
                    compare: Some((&tail[..at], sep, &tail[at + sep.len()..])),
                    tag: None,
                    page: None,
                });
            }
        }
        for (marker, gitlab, is_tag) in [
            ("/-/tags/", true, true),
            ("/-/releases/", true, true),
            ("/-/tree/", true, false),
            ("/-/commits/", true, false),
            ("/releases/tag/", false, true),
            ("/tree/", false, false),
            ("/commits/", false, false),
        ] {
            if let Some(i) = url.find(marker) {
                let tail = &url[i + marker.len()..];
                return Some(RepoUrl {
                    base: &url[..i],
                    gitlab,
                    compare: None,
                    tag: is_tag.then_some(tail),
                    page: (!is_tag).then_some((marker, tail)),
                });
            }
        }
        None
    }

    fn sep(&self) -> &'static str {
        self.compare.map_or("...", |(_, sep, _)| sep)
    }

    /// The newer tag this URL points at (a release heading's or definition's own tag).
    fn new_tag(&self) -> Option<&'u str> {
        self.compare.map(|(_, _, to)| to).or(self.tag)
    }

    /// The tag prefix, read from the older side of an Unreleased compare URL.
    pub(super) fn old_tag_prefix(&self, previous: Option<&str>, fallback: &str) -> String {
        self.compare
            .and_then(|(from, _, _)| tag_prefix(from, previous))
            .unwrap_or_else(|| fallback.to_string())
    }

    fn compare_url(&self, from: &str, to: &str) -> String {
        let dash = if self.gitlab { "/-" } else { "" };
        format!("{}{dash}/compare/{from}{}{to}", self.base, self.sep())
    }

    /// The Unreleased link after the release: from the new tag to whatever it compared to
    /// before (`HEAD`, `main`).
    pub(super) fn unreleased_url(&self, prefix: &str, version: &str) -> String {
        let to = self.compare.map_or("HEAD", |(_, _, to)| to);
        self.compare_url(&format!("{prefix}{version}"), to)
    }

    /// The new version's link: a compare from the previous tag, or the tag page of a first
    /// release.
    pub(super) fn version_url(
        &self,
        prefix: &str,
        previous: Option<&str>,
        version: &str,
    ) -> String {
        let new_tag = format!("{prefix}{version}");
        match previous {
            Some(prev) => self.compare_url(&format!("{prefix}{prev}"), &new_tag),
            None if self.gitlab => format!("{}/-/tags/{new_tag}", self.base),
            None => format!("{}/releases/tag/{new_tag}", self.base),
        }
    }
}
