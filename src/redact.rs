//! Secrets never reach the screen or a file: every value of a token variable that cargo,
//! uv, twine, maturin or GitHub read is replaced by `***` in whatever the tool prints or
//! records, including the captured output of a failing subprocess.
use std::borrow::Cow;
use std::sync::OnceLock;

/// Variables holding a secret, by exact name.
const SECRET_VARS: &[&str] = &[
    "CARGO_REGISTRY_TOKEN",
    "UV_PUBLISH_TOKEN",
    "UV_PUBLISH_PASSWORD",
    "TWINE_PASSWORD",
    "MATURIN_PYPI_TOKEN",
    "MATURIN_PASSWORD",
    "GITHUB_TOKEN",
    "GH_TOKEN",
    "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    "ACTIONS_RUNTIME_TOKEN",
];

/// `CARGO_REGISTRIES_<NAME>_TOKEN`, one per alternative registry.
fn is_secret(name: &str) -> bool {
    SECRET_VARS.contains(&name)
        || (name.starts_with("CARGO_REGISTRIES_") && name.ends_with("_TOKEN"))
}

/// Shorter values are not redacted: replacing every `x` in the output would hide more
/// than it protects, and no registry issues tokens that short.
const MIN_SECRET_LEN: usize = 4;

fn secrets() -> &'static [String] {
    static SECRETS: OnceLock<Vec<String>> = OnceLock::new();
    SECRETS.get_or_init(|| {
        let mut values: Vec<String> = std::env::vars_os()
            .filter(|(k, _)| k.to_str().is_some_and(is_secret))
            .filter_map(|(_, v)| v.into_string().ok())
            .map(|v| v.trim().to_string())
            .filter(|v| v.len() >= MIN_SECRET_LEN)
            .collect();
        // Longest first, so a token containing another is replaced whole.
        values.sort_by_key(|v| std::cmp::Reverse(v.len()));
        values.dedup();
        values
    })
}

/// `text` with every secret of this process's environment replaced by `***`.
pub fn redact(text: &str) -> Cow<'_, str> {
    redact_with(text, secrets())
}

fn redact_with<'a>(text: &'a str, secrets: &[String]) -> Cow<'a, str> {
    let mut out = Cow::Borrowed(text);
    for secret in secrets {
        if out.contains(secret.as_str()) {
            out = Cow::Owned(out.replace(secret.as_str(), "***"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_variables_are_recognised() {
        assert!(is_secret("CARGO_REGISTRIES_MY_CORP_TOKEN"));
        assert!(is_secret("UV_PUBLISH_TOKEN"));
        assert!(!is_secret("CARGO_REGISTRIES_LOCAL_INDEX"));
        assert!(!is_secret("PATH"));
    }

    #[test]
    fn every_occurrence_is_replaced_longest_first() {
        let secrets = vec!["pypi-AgEIcHlwaS5vcmc".to_string(), "pypi".to_string()];
        assert_eq!(
            redact_with(
                "token pypi-AgEIcHlwaS5vcmc, again pypi-AgEIcHlwaS5vcmc",
                &secrets
            ),
            "token ***, again ***"
        );
        assert!(matches!(redact_with("clean", &secrets), Cow::Borrowed(_)));
    }
}
