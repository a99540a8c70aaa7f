//! Python simple indexes: PEP 503 (HTML) and PEP 691 (JSON), as served by PyPI, TestPyPI and
//! pypiserver.
//!
//! The simple API is the one page every index serves the same way, and it lists every file,
//! yanked ones included: a file name once used can never be uploaded again with other bytes,
//! so "is it there?" is answered from file names, not from project metadata (pypiserver's
//! JSON `info.version` is unreliable).

use std::str::FromStr as _;
use std::time::Duration;

use pep440_rs::Version;
use serde::Deserialize;

use super::{Http, Page, RegistryError, bad_body, env_url, redact_url, with_trailing_slash};

const PYPI_SIMPLE: &str = "https://pypi.org/simple/";
/// Overrides the PyPI simple URL, for tests, TestPyPI and private indexes.
const PYPI_SIMPLE_ENV: &str = "CARGO_PYRELEASE_PYPI_SIMPLE";
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
/// PEP 691 content negotiation: JSON when the index has it, HTML (pypiserver) otherwise.
const ACCEPT: &str = "application/vnd.pypi.simple.v1+json, text/html;q=0.1";
/// PyPI answers 404 for unknown projects; 410 and 451 are how an index says a project was
/// removed, which for a look-up is the same as absent.
const NOT_FOUND: &[u16] = &[404, 410, 451];

/// A PEP 503 simple index (`https://pypi.org/simple/`, `http://127.0.0.1:PORT/simple/`).
#[derive(Debug, Clone)]
pub struct PyIndex {
    simple: String,
    http: Http,
}

impl PyIndex {
    /// The index whose simple API root is `simple_url`.
    pub fn new(simple_url: &str, timeout: Duration) -> Self {
        Self {
            simple: with_trailing_slash(simple_url),
            http: Http::new(timeout),
        }
    }

    /// PyPI, or the index named by `CARGO_PYRELEASE_PYPI_SIMPLE`.
    pub fn pypi() -> Self {
        let simple = env_url(PYPI_SIMPLE_ENV).unwrap_or_else(|| PYPI_SIMPLE.to_string());
        Self::new(&simple, DEFAULT_TIMEOUT)
    }

    /// The simple API root, with a trailing slash.
    pub fn simple_url(&self) -> &str {
        &self.simple
    }

    /// The file names the index lists for project `name` (any spelling: it is normalised),
    /// yanked files included. Empty when the project does not exist.
    pub fn files(&self, name: &str) -> Result<Vec<String>, RegistryError> {
        Ok(self
            .listed(name)?
            .into_iter()
            .map(|file| file.filename)
            .collect())
    }

    /// The files the index lists for project `name`, with their sha256 where the index
    /// gives it: `publish` tells its own upload from someone else's file by the hash.
    pub fn listed(&self, name: &str) -> Result<Vec<IndexFile>, RegistryError> {
        if !is_valid_project_name(name) {
            return Err(RegistryError {
                message: format!("`{name}` is not a valid Python project name"),
                help: Some(
                    "project names are ASCII letters and digits, with `-`, `_` or `.` inside"
                        .to_string(),
                ),
            });
        }
        let url = format!(
            "{}{}/",
            self.simple,
            crate::dist::normalize_python_name(name)
        );
        match self.http.get(&url, ACCEPT, NOT_FOUND)? {
            Page::Missing => Ok(Vec::new()),
            Page::Found { body, content_type } => parse_simple_page(content_type.as_deref(), &body)
                .map_err(|why| {
                    bad_body(
                        &url,
                        "a simple index page",
                        &why,
                        &format!(
                            "check that `{}` is a PEP 503 simple index (PyPI's is \
                             `https://pypi.org/simple/`)",
                            redact_url(&self.simple)
                        ),
                    )
                }),
        }
    }

    /// The versions of the files listed for `name`, deduplicated (PEP 440 equality, so `1.0`
    /// and `1.0.0` are one version) and sorted. Files whose names carry no parseable version
    /// (eggs, installers, legacy non-PEP 440 versions) are skipped.
    pub fn versions(&self, name: &str) -> Result<Vec<Version>, RegistryError> {
        let mut versions: Vec<Version> = self
            .files(name)?
            .iter()
            .filter_map(|file| version_from_filename(name, file))
            .collect();
        versions.sort();
        versions.dedup();
        Ok(versions)
    }
}

/// PEP 508's name rule; it also keeps the name from escaping its URL path segment.
fn is_valid_project_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.first().is_some_and(u8::is_ascii_alphanumeric)
        && bytes.last().is_some_and(u8::is_ascii_alphanumeric)
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The version in a wheel or sdist file name of project `project` ([`crate::dist::parse`]);
/// `None` for other files and unparseable versions.
pub fn version_from_filename(project: &str, filename: &str) -> Option<Version> {
    Version::from_str(crate::dist::parse(filename, Some(project))?.version).ok()
}

/// A file listed on a simple index page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexFile {
    pub filename: String,
    /// Lowercase hex, from the JSON `hashes` or the HTML link's `#sha256=` fragment.
    pub sha256: Option<String>,
    /// PEP 740: whether the index holds an attestation of the file; `None` when the
    /// page does not say (an HTML page, or a JSON page without `provenance`).
    pub attested: Option<bool>,
    /// When it was uploaded (ISO 8601, from the JSON API), where the index says.
    pub upload_time: Option<String>,
}

impl PartialEq<&str> for IndexFile {
    fn eq(&self, other: &&str) -> bool {
        self.filename == *other
    }
}

/// The files on a simple index page, JSON (PEP 691) or HTML (PEP 503).
fn parse_simple_page(content_type: Option<&str>, body: &str) -> Result<Vec<IndexFile>, String> {
    let json = match content_type {
        Some(mime) if mime.ends_with("+json") || mime == "application/json" => true,
        Some(mime) if mime.contains("html") => false,
        // No or an odd media type (a static file server): tell by the first character.
        _ => body.trim_start().starts_with('{'),
    };
    if json {
        parse_simple_json(body)
    } else {
        Ok(parse_simple_html(body))
    }
}

#[derive(Deserialize)]
struct SimpleJson {
    #[serde(default)]
    meta: Option<SimpleMeta>,
    files: Vec<SimpleFile>,
}

#[derive(Deserialize)]
struct SimpleMeta {
    #[serde(rename = "api-version")]
    api_version: Option<String>,
}

#[derive(Deserialize)]
struct SimpleFile {
    filename: String,
    #[serde(default)]
    hashes: std::collections::BTreeMap<String, String>,
    /// PEP 740: the URL of the file's provenance, `null` without one; absent from
    /// indexes that do not serve attestations.
    #[serde(default, deserialize_with = "present")]
    provenance: Option<Option<String>>,
    /// PEP 700; PyPI gives it, pypiserver does not.
    #[serde(default, rename = "upload-time")]
    upload_time: Option<String>,
}

/// A key that is there, `null` or not: `Some`; a missing key stays `None` (the default).
fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

fn parse_simple_json(body: &str) -> Result<Vec<IndexFile>, String> {
    let page: SimpleJson = serde_json::from_str(body).map_err(|err| err.to_string())?;
    // PEP 691: a client must not trust a page whose major API version it does not know.
    if let Some(version) = page.meta.and_then(|meta| meta.api_version)
        && version.split('.').next() != Some("1")
    {
        return Err(format!("unsupported simple API version {version}"));
    }
    Ok(page
        .files
        .into_iter()
        .map(|file| IndexFile {
            sha256: file.hashes.get("sha256").map(|h| h.to_ascii_lowercase()),
            attested: file.provenance.map(|url| url.is_some()),
            upload_time: file.upload_time,
            filename: file.filename,
        })
        .collect())
}

/// The file names of the `<a>` elements: the anchor text, which PEP 503 makes the file name,
/// else the last segment of `href` without `#sha256=...` or a query.
///
/// A small scanner rather than an HTML parser: index pages are machine-written lists of
/// anchors, and the look-up must not pull a browser-grade parser into a release tool.
fn parse_simple_html(body: &str) -> Vec<IndexFile> {
    // ASCII lowercasing keeps byte offsets, so positions found in `lower` index `body`.
    let lower = body.to_ascii_lowercase();
    let mut files = Vec::new();
    let mut pos = 0;
    while let Some(found) = lower[pos..].find("<a") {
        let attrs_start = pos + found + 2;
        pos = attrs_start;
        // `<a>` or `<a ...>`, not `<abbr>`.
        if !lower[attrs_start..].starts_with(|c: char| c.is_ascii_whitespace() || c == '>') {
            continue;
        }
        let Some(attrs_end) = tag_end(body, attrs_start) else {
            break;
        };
        let text_end = lower[attrs_end + 1..]
            .find("</a")
            .map_or(body.len(), |i| attrs_end + 1 + i);
        pos = text_end;
        let Some(href) = attribute(&body[attrs_start..attrs_end], "href") else {
            continue;
        };
        let text = decode_entities(&strip_tags(&body[attrs_end + 1..text_end]));
        let text = text.trim();
        let file = if text.is_empty() || text.contains(['/', '<', '>']) {
            href_file_name(&href)
        } else {
            text.to_string()
        };
        if !file.is_empty() {
            files.push(IndexFile {
                upload_time: None,
                filename: file,
                sha256: sha256_fragment(&href),
                attested: None,
            });
        }
    }
    files
}

/// The index of the `>` closing a tag whose attributes start at `from`, skipping quoted values.
fn tag_end(body: &str, from: usize) -> Option<usize> {
    let mut quote = None;
    for (i, c) in body[from..].char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return Some(from + i),
            _ => {}
        }
    }
    None
}

/// The entity-decoded value of attribute `name` in a tag's attribute text.
fn attribute(attrs: &str, name: &str) -> Option<String> {
    let mut rest = attrs;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        if rest.is_empty() {
            return None;
        }
        let name_end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '=' || c == '/')
            .unwrap_or(rest.len());
        let attr_name = &rest[..name_end];
        rest = rest[name_end..].trim_start();
        let value = if let Some(after_eq) = rest.strip_prefix('=') {
            let after_eq = after_eq.trim_start();
            let (value, remainder) = match after_eq.chars().next() {
                Some(q @ ('"' | '\'')) => match after_eq[1..].find(q) {
                    Some(end) => (&after_eq[1..1 + end], &after_eq[end + 2..]),
                    None => (&after_eq[1..], ""),
                },
                _ => {
                    let end = after_eq
                        .find(|c: char| c.is_ascii_whitespace())
                        .unwrap_or(after_eq.len());
                    (&after_eq[..end], &after_eq[end..])
                }
            };
            rest = remainder;
            Some(value)
        } else {
            None
        };
        if attr_name.eq_ignore_ascii_case(name) {
            return value.map(decode_entities);
        }
        if attr_name.is_empty() && value.is_none() {
            // A stray character: skip it rather than loop on it.
            let mut chars = rest.chars();
            chars.next();
            rest = chars.as_str();
        }
    }
}

/// The hex digest of a link's `#sha256=...` fragment (PEP 503).
fn sha256_fragment(href: &str) -> Option<String> {
    let (_, fragment) = href.split_once('#')?;
    let hex = fragment.strip_prefix("sha256=")?;
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| hex.to_ascii_lowercase())
}

/// `../../packages/ab/demo-1.0.tar.gz#sha256=...` -> `demo-1.0.tar.gz`, percent-decoded
/// (a local version's `+` is often written `%2B`).
fn href_file_name(href: &str) -> String {
    let without_fragment = href.split(['#', '?']).next().unwrap_or_default();
    let segment = without_fragment.rsplit('/').next().unwrap_or_default();
    percent_decode(segment)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn strip_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The entities an index page can put in a file name or URL: the XML five and numeric ones.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').filter(|&end| end <= 10).and_then(|end| {
            let entity = &rest[1..end];
            let c = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .map(|hex| u32::from_str_radix(hex, 16))
                    .or_else(|| entity.strip_prefix('#').map(str::parse::<u32>))
                    .and_then(Result::ok)
                    .and_then(char::from_u32),
            };
            c.map(|c| (c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Option<Version> {
        Some(Version::from_str(text).unwrap())
    }

    #[test]
    fn project_names_are_checked() {
        for good in ["a", "demo-pkg", "Demo.Pkg", "x_1"] {
            assert!(is_valid_project_name(good), "{good}");
        }
        for bad in ["", "-a", "a-", "a/b", "..", "a b", "é"] {
            assert!(!is_valid_project_name(bad), "{bad}");
        }
    }

    #[test]
    fn wheel_names_give_versions() {
        let cases = [
            ("demo", "demo-1.2.0-py3-none-any.whl", "1.2.0"),
            // A build tag between version and tags.
            ("demo", "demo-1.2.0-1-py3-none-any.whl", "1.2.0"),
            (
                "demo-pkg",
                "demo_pkg-0.3.1a1-cp38-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
                "0.3.1a1",
            ),
            (
                "Demo.Pkg",
                "Demo_Pkg-2.0.0.dev3-cp312-cp312-win_amd64.whl",
                "2.0.0.dev3",
            ),
            (
                "demo",
                "demo-1.0.0rc2-pp310-pypy310_pp73-macosx_11_0_arm64.WHL",
                "1.0.0rc2",
            ),
            ("demo", "demo-1.0.0+abc-py3-none-any.whl", "1.0.0+abc"),
            // Written by another spelling of the name: read by position.
            ("demo-pkg", "demo_pkg_old-1.0-py3-none-any.whl", "1.0"),
        ];
        for (project, file, expected) in cases {
            assert_eq!(version_from_filename(project, file), v(expected), "{file}");
        }
    }

    #[test]
    fn sdist_names_give_versions() {
        let cases = [
            ("demo-pkg", "demo_pkg-1.3.0rc1.tar.gz", "1.3.0rc1"),
            ("demo-pkg", "demo-pkg-1.3.0.tar.gz", "1.3.0"),
            ("Demo.Pkg", "Demo.Pkg-0.9.zip", "0.9"),
            ("demo", "demo-1.0.post1.tar.bz2", "1.0.post1"),
            ("demo", "DEMO-1!2.0.TAR.GZ", "1!2.0"),
            ("a.b-c", "a_b_c-4.5.6.tgz", "4.5.6"),
            ("demo", "demo-1.0.0+local.7.tar.gz", "1.0.0+local.7"),
        ];
        for (project, file, expected) in cases {
            assert_eq!(version_from_filename(project, file), v(expected), "{file}");
        }
    }

    #[test]
    fn other_files_give_no_version() {
        for file in [
            "demo-1.0-py2.7.egg",
            "demo-1.0.win32.exe",
            "demo-1.0.tar.gz.asc",
            "demo-not.a.version.tar.gz",
            "demo-1.0-py3-any.whl",
            "demo.tar.gz",
        ] {
            assert_eq!(version_from_filename("demo", file), None, "{file}");
        }
    }

    #[test]
    fn json_pages_list_filenames() {
        let body = r#"{
            "meta": {"api-version": "1.1", "_last-serial": "1"},
            "name": "demo-pkg",
            "files": [
                {"filename": "demo_pkg-1.2.0-py3-none-any.whl", "url": "https://files/x.whl",
                 "hashes": {"sha256": "00"}, "yanked": false},
                {"filename": "demo_pkg-1.1.0.tar.gz", "url": "https://files/y", "hashes": {},
                 "yanked": "broken build"}
            ],
            "versions": ["1.1.0", "1.2.0"]
        }"#;
        let files = parse_simple_page(Some("application/vnd.pypi.simple.v1+json"), body).unwrap();
        assert_eq!(
            files,
            ["demo_pkg-1.2.0-py3-none-any.whl", "demo_pkg-1.1.0.tar.gz"]
        );
        // Without a media type, the body tells.
        assert_eq!(parse_simple_page(None, body).unwrap().len(), 2);
        // PEP 740: no `provenance` key, the index does not say.
        assert_eq!(files[0].attested, None);
    }

    #[test]
    fn json_pages_say_which_files_have_an_attestation() {
        let body = r#"{"meta": {"api-version": "1.3"}, "files": [
            {"filename": "a-1.0-py3-none-any.whl", "hashes": {}, "provenance": "https://pypi.org/integrity/a/1.0/a-1.0-py3-none-any.whl/provenance"},
            {"filename": "a-1.0.tar.gz", "hashes": {}, "provenance": null}]}"#;
        let files = parse_simple_page(Some("application/vnd.pypi.simple.v1+json"), body).unwrap();
        let attested: Vec<_> = files.iter().map(|f| f.attested).collect();
        assert_eq!(attested, [Some(true), Some(false)]);
    }

    #[test]
    fn json_pages_of_an_unknown_api_version_are_refused() {
        let body = r#"{"meta": {"api-version": "2.0"}, "files": []}"#;
        let err = parse_simple_page(Some("application/vnd.pypi.simple.v2+json"), body);
        assert_eq!(err, Err("unsupported simple API version 2.0".to_string()));
        let err = parse_simple_page(Some("application/json"), "<html>").unwrap_err();
        assert!(err.contains("expected value"), "{err}");
    }

    #[test]
    fn html_pages_list_anchor_texts() {
        // pypiserver 2.4's page, verbatim in structure.
        let body = r#"<!DOCTYPE html>
<html lang="en">
    <head><title>Links for demo-pkg</title></head>
    <body>
        <h1>Links for demo-pkg</h1>
            <a href="/packages/demo_pkg-1.2.0-py3-none-any.whl#sha256=2d71">demo_pkg-1.2.0-py3-none-any.whl</a><br>
            <a href="/packages/demo_pkg-1.3.0rc1.tar.gz#sha256=2d71">demo_pkg-1.3.0rc1.tar.gz</a><br>
    </body>
</html>"#;
        assert_eq!(
            parse_simple_page(Some("text/html"), body).unwrap(),
            [
                "demo_pkg-1.2.0-py3-none-any.whl",
                "demo_pkg-1.3.0rc1.tar.gz"
            ]
        );
    }

    #[test]
    fn html_anchors_fall_back_to_the_href() {
        let body = concat!(
            "<A HREF='../../packages/ab/cd/demo-1.0%2Blocal.tar.gz#sha256=00' ",
            "data-requires-python=\"&gt;=3.8\"></A>\n",
            "<a\n  data-yanked=\"\" href=https://files.example/demo-1.1.zip?x=1>  </a>\n",
            "<abbr title=\"x\">not a link</abbr>\n",
            "<a name=\"anchor-without-href\">demo-9.9.tar.gz</a>\n",
            "<a href=\"demo-2.0.tar.gz\"><b>demo-2.0.tar.gz</b></a>\n",
            "<a href=\"x\">demo&#45;3.0&#x2e;tar.gz &amp; more</a>\n",
        );
        assert_eq!(
            parse_simple_html(body),
            [
                "demo-1.0+local.tar.gz",
                "demo-1.1.zip",
                "demo-2.0.tar.gz",
                "demo-3.0.tar.gz & more",
            ]
        );
    }

    #[test]
    fn html_without_anchors_lists_nothing() {
        assert!(
            parse_simple_page(Some("text/html"), "<html><body></body></html>")
                .unwrap()
                .is_empty()
        );
        assert!(parse_simple_html("<a href=\"unterminated").is_empty());
    }

    #[test]
    fn entities_and_percent_escapes_decode() {
        assert_eq!(
            decode_entities("a&amp;b&lt;&#39;&#x41;&bogus;&"),
            "a&b<'A&bogus;&"
        );
        assert_eq!(percent_decode("a%2Bb%zz%4"), "a+b%zz%4");
    }

    #[test]
    fn pep_440_equal_versions_are_one_version() {
        // `versions` relies on this to deduplicate `1.0` and `1.0.0`.
        assert_eq!(v("1.0"), v("1.0.0"));
    }
}
