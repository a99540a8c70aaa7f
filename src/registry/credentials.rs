//! Are there upload credentials for each side? Asked before the first upload, so that a
//! missing Python token is found before any crate goes out. Only presence is checked
//! (a variable set, a key in cargo's files, a credential provider configured), never a
//! value: what the registry thinks of a token only the upload can tell.
use std::ffi::OsString;
use std::path::Path;

use crate::project::cargo_config::{cargo_home, has_key};
use crate::project::config::Uploader;

/// The environment the checks read: the process's, or a test's (the process environment
/// is shared by every thread of a test run, so tests never set it).
type Env<'a> = &'a dyn Fn(&str) -> Option<OsString>;

fn process_env(var: &str) -> Option<OsString> {
    std::env::var_os(var)
}

/// What is missing for the crates of `registry` (`None`: crates.io), as an error text
/// with its fix; `None` when a credential (or a provider that may hold one) is there.
pub fn crates_missing(root: &Path, registry: Option<&str>) -> Option<(String, String)> {
    crates_missing_in(&process_env, root, registry)
}

fn crates_missing_in(
    env: Env<'_>,
    root: &Path,
    registry: Option<&str>,
) -> Option<(String, String)> {
    let (var, table): (String, Vec<&str>) = match registry {
        None => ("CARGO_REGISTRY_TOKEN".to_string(), vec!["registry"]),
        Some(name) => (
            format!("CARGO_REGISTRIES_{}_TOKEN", env_name(name)),
            vec!["registries", name],
        ),
    };
    let provider_var = var.replace("_TOKEN", "_CREDENTIAL_PROVIDER");
    let key = |k: &'static str| [table.as_slice(), &[k]].concat();
    let home = cargo_home(env);
    let home = home.as_deref();
    let set = |var: &str| set(env, var);
    let present = set(&var)
        || set(&provider_var)
        || set("CARGO_REGISTRY_GLOBAL_CREDENTIAL_PROVIDERS")
        || has_key(root, home, &key("token"))
        || has_key(root, home, &key("credential-provider"))
        || has_key(root, home, &["registry", "global-credential-providers"]);
    let place = registry.map_or("crates.io".to_string(), |n| format!("the registry `{n}`"));
    (!present).then(|| {
        (
            format!("no token to publish crates to {place}: `{var}` is not set and cargo's credentials and credential providers have none"),
            format!("set `{var}` (in GitHub Actions, from a secret or `rust-lang/crates-io-auth-action`), or run `cargo login{}`", registry.map(|n| format!(" --registry {n}")).unwrap_or_default()),
        )
    })
}

/// What is missing for uploading Python files with `uploader`; `None` when it has a token,
/// a user and password, or GitHub's trusted publishing (an OIDC token it can request).
pub fn python_missing(uploader: Uploader) -> Option<(String, String)> {
    python_missing_in(&process_env, uploader)
}

fn python_missing_in(env: Env<'_>, uploader: Uploader) -> Option<(String, String)> {
    let set = |var: &str| set(env, var);
    let oidc = set("ACTIONS_ID_TOKEN_REQUEST_URL") && set("ACTIONS_ID_TOKEN_REQUEST_TOKEN");
    let pypirc = || env("HOME").is_some_and(|h| Path::new(&h).join(".pypirc").is_file());
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

/// Set and not empty (an empty variable is how a workflow passes a secret that is absent).
fn set(env: Env<'_>, var: &str) -> bool {
    env(var).is_some_and(|v| !v.is_empty())
}

/// `corp-reg` -> `CORP_REG`, as cargo spells registry names in variables.
fn env_name(name: &str) -> String {
    name.to_uppercase().replace('-', "_")
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::path::PathBuf;

    use super::*;
    use crate::exec::fs::write_atomic;

    /// A project folder, a home folder (`HOME`, with cargo's in `HOME/.cargo`) and the
    /// variables of one case: nothing of the machine's own environment or files.
    struct Case {
        dir: tempfile::TempDir,
        vars: HashMap<String, OsString>,
    }

    impl Case {
        fn new(vars: &[(&str, &str)]) -> Self {
            let dir = tempfile::tempdir().unwrap();
            let mut vars: HashMap<String, OsString> = vars
                .iter()
                .map(|(k, v)| (k.to_string(), OsString::from(v)))
                .collect();
            vars.insert("HOME".into(), dir.path().join("home").into());
            Self { dir, vars }
        }

        fn root(&self) -> PathBuf {
            self.dir.path().join("project")
        }

        fn home(&self) -> PathBuf {
            self.dir.path().join("home")
        }

        fn write(&self, path: PathBuf, text: &str) {
            write_atomic(&path, text.as_bytes()).unwrap();
        }

        fn crates(&self, registry: Option<&str>) -> Option<(String, String)> {
            crates_missing_in(&|v| self.vars.get(v).cloned(), &self.root(), registry)
        }

        fn python(&self, uploader: Uploader) -> Option<(String, String)> {
            python_missing_in(&|v| self.vars.get(v).cloned(), uploader)
        }
    }

    #[test]
    fn no_crates_credential_says_which_variable_and_how() {
        let (what, fix) = Case::new(&[]).crates(None).unwrap();
        assert_eq!(
            what,
            "no token to publish crates to crates.io: `CARGO_REGISTRY_TOKEN` is not set and cargo's credentials and credential providers have none"
        );
        assert!(fix.starts_with("set `CARGO_REGISTRY_TOKEN`"), "{fix}");
        assert!(fix.ends_with("or run `cargo login`"), "{fix}");
        let (what, fix) = Case::new(&[]).crates(Some("corp-reg")).unwrap();
        assert!(
            what.contains("the registry `corp-reg`: `CARGO_REGISTRIES_CORP_REG_TOKEN` is not set"),
            "{what}"
        );
        assert!(fix.ends_with("`cargo login --registry corp-reg`"), "{fix}");
        // An empty variable is a secret the workflow does not have.
        assert!(
            Case::new(&[("CARGO_REGISTRY_TOKEN", "")])
                .crates(None)
                .is_some()
        );
    }

    #[test]
    fn crates_token_variables_count_for_their_registry_only() {
        let crates_io = Case::new(&[("CARGO_REGISTRY_TOKEN", "t")]);
        assert_eq!(crates_io.crates(None), None);
        assert!(crates_io.crates(Some("corp-reg")).is_some());
        let corp = Case::new(&[("CARGO_REGISTRIES_CORP_REG_TOKEN", "t")]);
        assert_eq!(corp.crates(Some("corp-reg")), None);
        assert!(corp.crates(None).is_some());
    }

    #[test]
    fn credentials_toml_in_cargo_home() {
        let mut case = Case::new(&[]);
        let cargo_home = case.dir.path().join("cargo-home");
        case.vars
            .insert("CARGO_HOME".into(), cargo_home.clone().into());
        case.write(
            cargo_home.join("credentials.toml"),
            "[registries.corp-reg]\ntoken = \"t\"\n",
        );
        assert_eq!(case.crates(Some("corp-reg")), None);
        assert!(case.crates(None).is_some());
        // The older name, `credentials`, is read too.
        case.write(
            cargo_home.join("credentials"),
            "[registry]\ntoken = \"t\"\n",
        );
        assert_eq!(case.crates(None), None);
        // Without `CARGO_HOME`, cargo's home is `~/.cargo`.
        let home = Case::new(&[]);
        home.write(
            home.home().join(".cargo/credentials.toml"),
            "[registry]\ntoken = \"t\"\n",
        );
        assert_eq!(home.crates(None), None);
    }

    #[test]
    fn a_configured_credential_provider_may_hold_one() {
        let project = Case::new(&[]);
        project.write(
            project.root().join(".cargo/config.toml"),
            "[registries.corp-reg]\ncredential-provider = \"cargo:libsecret\"\n",
        );
        assert_eq!(project.crates(Some("corp-reg")), None);
        assert!(project.crates(None).is_some());
        let global = Case::new(&[]);
        global.write(
            global.home().join(".cargo/config.toml"),
            "[registry]\nglobal-credential-providers = [\"cargo:token\"]\n",
        );
        assert_eq!(global.crates(None), None);
        assert_eq!(global.crates(Some("corp-reg")), None);
        for var in [
            "CARGO_REGISTRIES_CORP_REG_CREDENTIAL_PROVIDER",
            "CARGO_REGISTRY_GLOBAL_CREDENTIAL_PROVIDERS",
        ] {
            assert_eq!(
                Case::new(&[(var, "cargo:token")]).crates(Some("corp-reg")),
                None,
                "{var}"
            );
        }
    }

    #[test]
    fn python_tokens_of_each_uploader() {
        for (uploader, var) in [
            (Uploader::Uv, "UV_PUBLISH_TOKEN"),
            (Uploader::Uv, "UV_PUBLISH_PASSWORD"),
            (Uploader::Uv, "UV_KEYRING_PROVIDER"),
            (Uploader::Twine, "TWINE_PASSWORD"),
            (Uploader::Maturin, "MATURIN_PYPI_TOKEN"),
            (Uploader::Maturin, "MATURIN_PASSWORD"),
        ] {
            assert_eq!(Case::new(&[(var, "t")]).python(uploader), None, "{var}");
        }
        // One uploader's variable is not another's.
        assert!(
            Case::new(&[("UV_PUBLISH_TOKEN", "t")])
                .python(Uploader::Twine)
                .is_some()
        );
    }

    #[test]
    fn trusted_publishing_needs_both_oidc_variables() {
        let oidc = [
            (
                "ACTIONS_ID_TOKEN_REQUEST_URL",
                "https://token.actions.example/",
            ),
            ("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "t"),
        ];
        for uploader in [Uploader::Uv, Uploader::Maturin] {
            assert_eq!(Case::new(&oidc).python(uploader), None);
            assert!(Case::new(&oidc[..1]).python(uploader).is_some());
            assert!(Case::new(&oidc[1..]).python(uploader).is_some());
        }
        // twine cannot mint a token from the job's identity.
        assert!(Case::new(&oidc).python(Uploader::Twine).is_some());
    }

    #[test]
    fn pypirc_in_home_serves_twine_and_maturin() {
        let case = Case::new(&[]);
        case.write(
            case.home().join(".pypirc"),
            "[pypi]\nusername = __token__\npassword = t\n",
        );
        assert_eq!(case.python(Uploader::Twine), None);
        assert_eq!(case.python(Uploader::Maturin), None);
        assert!(case.python(Uploader::Uv).is_some());
    }

    #[test]
    fn no_python_credential_names_the_uploaders_variables() {
        let (what, fix) = Case::new(&[]).python(Uploader::Uv).unwrap();
        assert!(
            what.starts_with("no credentials to upload the Python files"),
            "{what}"
        );
        assert!(
            what.contains("`id-token: write` (trusted publishing)"),
            "{what}"
        );
        assert_eq!(
            fix,
            "set `UV_PUBLISH_TOKEN` (or `UV_PUBLISH_USERNAME` and `UV_PUBLISH_PASSWORD`), or publish from GitHub Actions with trusted publishing"
        );
        let (_, fix) = Case::new(&[]).python(Uploader::Twine).unwrap();
        assert!(
            fix.contains("`TWINE_PASSWORD`") && fix.contains("`~/.pypirc`"),
            "{fix}"
        );
        let (_, fix) = Case::new(&[]).python(Uploader::Maturin).unwrap();
        assert!(fix.contains("`MATURIN_PYPI_TOKEN`"), "{fix}");
    }

    #[test]
    fn registry_names_become_variable_names() {
        assert_eq!(env_name("corp-reg"), "CORP_REG");
    }
}
