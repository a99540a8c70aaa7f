//! Are there upload credentials for each side? Asked before the first upload, so that a
//! missing Python token is found before any crate goes out. Only presence is checked
//! (a variable set, a key in cargo's files, a credential provider configured), never a
//! value: what the registry thinks of a token only the upload can tell.
use std::path::Path;

use crate::project::cargo_config::has_key;
use crate::project::config::Uploader;

/// What is missing for the crates of `registry` (`None`: crates.io), as an error text
/// with its fix; `None` when a credential (or a provider that may hold one) is there.
pub fn crates_missing(root: &Path, registry: Option<&str>) -> Option<(String, String)> {
    let (var, table): (String, Vec<&str>) = match registry {
        None => ("CARGO_REGISTRY_TOKEN".to_string(), vec!["registry"]),
        Some(name) => (
            format!("CARGO_REGISTRIES_{}_TOKEN", env_name(name)),
            vec!["registries", name],
        ),
    };
    let provider_var = var.replace("_TOKEN", "_CREDENTIAL_PROVIDER");
    let key = |k: &'static str| [table.as_slice(), &[k]].concat();
    let present = set(&var)
        || set(&provider_var)
        || set("CARGO_REGISTRY_GLOBAL_CREDENTIAL_PROVIDERS")
        || has_key(root, &key("token"))
        || has_key(root, &key("credential-provider"))
        || has_key(root, &["registry", "global-credential-providers"]);
    let place = registry.map_or("crates.io".to_string(), |n| format!("the registry `{n}`"));
    (!present).then(|| {
        (
            format!("no token to publish crates to {place}: `{var}` is not set and cargo's credentials and credential providers have none"),
            format!("set `{var}` (in GitHub Actions, from a secret or `rust-lang/crates-io-auth-action`), or run `cargo login`{}", registry.map(|n| format!(" --registry {n}")).unwrap_or_default()),
        )
    })
}

/// What is missing for uploading Python files with `uploader`; `None` when it has a token,
/// a user and password, or GitHub's trusted publishing (an OIDC token it can request).
pub fn python_missing(uploader: Uploader) -> Option<(String, String)> {
    let oidc = set("ACTIONS_ID_TOKEN_REQUEST_URL") && set("ACTIONS_ID_TOKEN_REQUEST_TOKEN");
    let pypirc =
        || std::env::var_os("HOME").is_some_and(|h| Path::new(&h).join(".pypirc").is_file());
    let (present, vars) = match uploader {
        Uploader::Uv => (
            set("UV_PUBLISH_TOKEN")
                || set("UV_PUBLISH_PASSWORD")
                || set("UV_KEYRING_PROVIDER")
                || oidc,
            "`UV_PUBLISH_TOKEN` (or `UV_PUBLISH_USERNAME` and `UV_PUBLISH_PASSWORD`)",
        ),
        Uploader::Twine => (
            set("TWINE_PASSWORD") || pypirc(),
            "`TWINE_PASSWORD` (with `TWINE_USERNAME`, `__token__` for a token) or `~/.pypirc`",
        ),
        Uploader::Maturin => (
            set("MATURIN_PYPI_TOKEN") || set("MATURIN_PASSWORD") || oidc || pypirc(),
            "`MATURIN_PYPI_TOKEN` (or `MATURIN_USERNAME` and `MATURIN_PASSWORD`)",
        ),
    };
    (!present).then(|| {
        (
            "no credentials to upload the Python files: none of the variables the uploader reads is set, and this is not a GitHub Actions job with `id-token: write` (trusted publishing)".to_string(),
            format!("set {vars}, or publish from GitHub Actions with trusted publishing"),
        )
    })
}

fn set(var: &str) -> bool {
    std::env::var_os(var).is_some_and(|v| !v.is_empty())
}

/// `corp-reg` -> `CORP_REG`, as cargo spells registry names in variables.
fn env_name(name: &str) -> String {
    name.to_uppercase().replace('-', "_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_names_become_variable_names() {
        assert_eq!(env_name("corp-reg"), "CORP_REG");
    }
}
