//! Read-only registry look-ups: is version V of X already on crates.io (or another sparse cargo
//! index) or on PyPI (or another PEP 503 simple index)?
//!
//! `publish` asks this before anything irreversible, and again when it resumes a half-done
//! release, so the answers must be exact: a missing project is an empty list, while every other
//! failure (timeout, server error, a body that is not an index) is a [`RegistryError`], never a
//! silent "not published".
//!
//! This module prints nothing: errors carry a message and a hint, and the caller renders them.
//! It adds no credentials: both registries serve these pages anonymously.

mod crates;
pub mod credentials;
mod pypi;
mod targets;

pub use crate::dist::normalize_python_name;
pub use crates::{
    CratesIndex, IndexVersion, crate_downloads, crate_repository, crates_api_url, sparse_index_path,
};
pub use pypi::{IndexFile, PyIndex, version_from_filename};
pub use targets::{Overrides, Targets};

use std::time::Duration;

/// A look-up that failed: `message` says what (the URL) and why; `help` says what to do.
///
/// `Display` shows the message only, like the crate's `error::Failure`: the caller renders
/// `help` on its own line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct RegistryError {
    pub message: String,
    pub help: Option<String>,
}

impl RegistryError {
    fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            help: Some(help.into()),
        }
    }
}

/// A failed look-up that stops a command: exit 1, its message and hint.
impl From<RegistryError> for crate::error::Failure {
    fn from(err: RegistryError) -> Self {
        let mut failure = crate::error::Failure::failed(err.message);
        failure.help = err.help;
        failure
    }
}

/// The hint for failures that a retry or working offline gets past.
const NETWORK_HELP: &str = "check your network or pass `--offline`";

/// Registries ask clients to identify themselves (crates.io's crawler policy does).
const USER_AGENT: &str = concat!(
    "cargo-pyrelease/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/cargo-pyrelease/cargo-pyrelease)"
);

/// The largest body read. The biggest PyPI project pages run to a few MiB; the cap only stops
/// a misbehaving server from filling memory.
const BODY_LIMIT: u64 = 64 * 1024 * 1024;

/// A page fetched from an index.
#[derive(Debug)]
pub(crate) enum Page {
    Found {
        body: String,
        /// The media type without parameters, lowercased (`text/html`).
        content_type: Option<String>,
    },
    /// The index says the project does not exist.
    Missing,
}

/// A blocking HTTP client with one overall deadline per request.
#[derive(Debug, Clone)]
pub(crate) struct Http {
    agent: ureq::Agent,
    timeout: Duration,
}

impl Http {
    pub(crate) fn new(timeout: Duration) -> Self {
        let config = ureq::Agent::config_builder()
            // One deadline for connect, redirects and body together: the user waits for the
            // whole look-up, not for one phase of it.
            .timeout_global(Some(timeout))
            // Statuses are answers here (404 = not published), so they are read, not raised.
            .http_status_as_error(false)
            .user_agent(USER_AGENT)
            // The system's trust store, as cargo and pip use: behind a TLS-inspecting proxy
            // (companies, CI sandboxes) only it knows the proxy's CA, and the bundled Mozilla
            // roots would fail every look-up with "unknown issuer".
            .tls_config(
                ureq::tls::TlsConfig::builder()
                    .root_certs(ureq::tls::RootCerts::PlatformVerifier)
                    .build(),
            )
            .build();
        Self {
            agent: config.new_agent(),
            timeout,
        }
    }

    /// GETs `url`. 200 is a page; a status in `missing` means "no such project"; anything
    /// else is an error naming the URL.
    pub(crate) fn get(
        &self,
        url: &str,
        accept: &str,
        missing: &[u16],
    ) -> Result<Page, RegistryError> {
        let shown = redact_url(url);
        let mut response = self
            .agent
            .get(url)
            .header("Accept", accept)
            // Look-ups decide what a release uploads: a CDN's copy from before the last
            // upload would say "not there yet".
            .header("Cache-Control", "no-cache")
            .call()
            .map_err(|err| self.transport_error(&shown, err))?;
        let status = response.status().as_u16();
        if missing.contains(&status) {
            return Ok(Page::Missing);
        }
        if status != 200 {
            return Err(status_error(&shown, response.status()));
        }
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.split(';').next())
            .map(|mime| mime.trim().to_ascii_lowercase());
        let bytes = response
            .body_mut()
            .with_config()
            .limit(BODY_LIMIT)
            .read_to_vec()
            .map_err(|err| self.transport_error(&shown, err))?;
        // Index pages are UTF-8 (JSON must be; PEP 503 HTML is in practice). A stray invalid
        // byte in an HTML page must not hide the file names around it.
        let body = String::from_utf8(bytes)
            .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned());
        Ok(Page::Found { body, content_type })
    }

    fn timed_out(&self, url: &str) -> RegistryError {
        RegistryError::new(
            format!(
                "could not read `{url}`: timed out after {}",
                seconds(self.timeout)
            ),
            NETWORK_HELP,
        )
    }

    fn transport_error(&self, url: &str, err: ureq::Error) -> RegistryError {
        match err {
            ureq::Error::Timeout(_) => self.timed_out(url),
            ureq::Error::Io(io) => self.io_error(url, &io),
            ureq::Error::HostNotFound => RegistryError::new(
                format!("could not read `{url}`: host not found"),
                format!("check the index URL; {NETWORK_HELP}"),
            ),
            ureq::Error::ConnectionFailed => RegistryError::new(
                format!("could not read `{url}`: connection failed"),
                NETWORK_HELP,
            ),
            ureq::Error::TooManyRedirects | ureq::Error::RedirectFailed => RegistryError::new(
                format!(
                    "could not read `{url}`: {}",
                    lowercase_first(&err.to_string())
                ),
                "check the index URL: it redirects in a loop or to an invalid address",
            ),
            ureq::Error::BodyExceedsLimit(_) => body_too_large(url),
            other => RegistryError::new(
                format!(
                    "could not read `{url}`: {}",
                    lowercase_first(&other.to_string())
                ),
                NETWORK_HELP,
            ),
        }
    }

    fn io_error(&self, url: &str, err: &std::io::Error) -> RegistryError {
        use std::io::ErrorKind;
        match err.kind() {
            ErrorKind::TimedOut | ErrorKind::WouldBlock => self.timed_out(url),
            ErrorKind::ConnectionRefused => RegistryError::new(
                format!("could not read `{url}`: connection refused"),
                format!("check the index URL (is the server running?); {NETWORK_HELP}"),
            ),
            _ => RegistryError::new(
                format!(
                    "could not read `{url}`: {}",
                    lowercase_first(&err.to_string())
                ),
                NETWORK_HELP,
            ),
        }
    }
}

fn body_too_large(url: &str) -> RegistryError {
    RegistryError::new(
        format!(
            "could not read `{url}`: the answer is larger than {} MiB",
            BODY_LIMIT / 1024 / 1024
        ),
        "check that the URL points at a package index",
    )
}

fn status_error(url: &str, status: ureq::http::StatusCode) -> RegistryError {
    let code = status.as_u16();
    let reason = status
        .canonical_reason()
        .map(|reason| format!(" ({reason})"))
        .unwrap_or_default();
    let help = match code {
        401 | 403 | 407 => {
            "the index refused an anonymous request: check the index URL (look-ups send no \
             credentials), or pass `--offline`"
        }
        429 => "the registry is limiting requests: wait a minute and retry, or pass `--offline`",
        500..=599 => {
            "the registry failed or is unavailable: retry later, or pass `--offline` to skip \
             registry checks"
        }
        _ => "check the index URL, or pass `--offline`",
    };
    RegistryError::new(
        format!("could not read `{url}`: HTTP status {code}{reason}"),
        help,
    )
}

/// A body that is not what an index serves.
pub(crate) fn bad_body(url: &str, what: &str, why: &str, help: &str) -> RegistryError {
    RegistryError::new(
        format!("`{}` did not return {what}: {why}", redact_url(url)),
        help,
    )
}

/// `10 s`, `1.5 s`: timeouts are configured in seconds, so they are reported in seconds.
fn seconds(duration: Duration) -> String {
    if duration.subsec_millis() == 0 {
        format!("{} s", duration.as_secs())
    } else {
        format!("{:.1} s", duration.as_secs_f64())
    }
}

/// Error texts are lowercase, and ureq's messages are not always.
fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `https://user:secret@host/simple/` -> `https://***@host/simple/`: index URLs copied from pip
/// configuration can carry credentials, and error text must never show them.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let authority_start = scheme_end + 3;
    let authority_end = url[authority_start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| authority_start + i);
    match url[authority_start..authority_end].rfind('@') {
        Some(at) => format!(
            "{}***{}",
            &url[..authority_start],
            &url[authority_start + at..]
        ),
        None => url.to_string(),
    }
}

/// `base` with exactly one trailing slash, so that joining a relative path keeps its last
/// segment (`.../simple` + `demo/` must be `.../simple/demo/`).
pub(crate) fn with_trailing_slash(base: &str) -> String {
    let trimmed = base.trim();
    let mut base = trimmed.trim_end_matches('/').to_string();
    base.push('/');
    base
}

/// An environment variable, or `None` when unset or empty (an empty override is a mistake
/// more often than a request for an empty URL).
pub(crate) fn env_url(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .filter(|value| !value.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_whole_or_one_decimal() {
        assert_eq!(seconds(Duration::from_secs(10)), "10 s");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(seconds(Duration::from_millis(250)), "0.2 s");
    }

    #[test]
    fn credentials_are_redacted_from_urls() {
        assert_eq!(
            redact_url("https://user:secret@pypi.example/simple/"),
            "https://***@pypi.example/simple/"
        );
        assert_eq!(
            redact_url("https://__token__@host:8080/x?a=b@c"),
            "https://***@host:8080/x?a=b@c"
        );
        assert_eq!(
            redact_url("https://index.crates.io/3/a/abc"),
            "https://index.crates.io/3/a/abc"
        );
        assert_eq!(redact_url("not a url"), "not a url");
    }

    #[test]
    fn trailing_slash_is_normalised() {
        assert_eq!(with_trailing_slash("http://h/simple"), "http://h/simple/");
        assert_eq!(with_trailing_slash("http://h/simple//"), "http://h/simple/");
        assert_eq!(with_trailing_slash(" http://h/ "), "http://h/");
    }

    #[test]
    fn status_errors_name_the_url_and_status() {
        let err = status_error("http://h/x", ureq::http::StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            err.message,
            "could not read `http://h/x`: HTTP status 503 (Service Unavailable)"
        );
        assert!(err.help.unwrap().contains("--offline"));
        let err = status_error("http://h/x", ureq::http::StatusCode::UNAUTHORIZED);
        assert!(err.help.unwrap().contains("no credentials"));
    }
}
