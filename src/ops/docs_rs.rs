//! `status --published`: the docs.rs build of each crate's release, and the PyPI page of
//! each package. docs.rs answers `https://docs.rs/crate/NAME/VERSION/status.json` with
//! `{"doc_status": true|false, ...}`; `CARGO_PYRELEASE_DOCS_RS` points elsewhere (tests).
use std::time::Duration;

use serde::Deserialize;

use crate::registry::{Http, Page, env_url};

const DOCS_RS: &str = "https://docs.rs/";

#[derive(Deserialize)]
struct Status {
    doc_status: Option<bool>,
}

/// The build state docs.rs shows for `name` `version`: `built`, `failed`, `not built yet`
/// (docs.rs does not know the release yet: queued, or not published), or why it could not
/// be asked.
pub fn state(name: &str, version: &semver::Version) -> String {
    let base = env_url("CARGO_PYRELEASE_DOCS_RS").unwrap_or_else(|| DOCS_RS.to_string());
    let url = format!(
        "{}/crate/{name}/{version}/status.json",
        base.trim_end_matches('/')
    );
    match Http::new(Duration::from_secs(10)).get(&url, "application/json", &[404]) {
        Ok(Page::Missing) => "not built yet".to_string(),
        Ok(Page::Found { body, .. }) => read(&body),
        Err(err) => format!("unknown ({err})"),
    }
}

fn read(body: &str) -> String {
    match serde_json::from_str::<Status>(body).map(|s| s.doc_status) {
        Ok(Some(true)) => "built",
        Ok(Some(false)) => "failed",
        Ok(None) => "not built yet",
        Err(_) => "unknown (docs.rs answered no status)",
    }
    .to_string()
}

/// A release's page on PyPI (`None` for another index: no page URL follows from it).
pub fn pypi_page(is_pypi: bool, name: &str, pep440: &str) -> Option<String> {
    is_pypi.then(|| format!("https://pypi.org/project/{name}/{pep440}/"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn statuses_read() {
        assert_eq!(
            super::read(r#"{"doc_status":true,"version":"1.0.0"}"#),
            "built"
        );
        assert_eq!(super::read(r#"{"doc_status":false}"#), "failed");
        assert_eq!(
            super::read("<html>"),
            "unknown (docs.rs answered no status)"
        );
    }
}
