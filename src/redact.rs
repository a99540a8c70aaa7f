//! Secrets never reach the screen or a file: every value of a token variable that cargo,
//! uv, twine, maturin or GitHub read, every token cargo would read from its
//! `credentials.toml`, and every password given in a URL is replaced by `***` in whatever
//! the tool prints or records, including the captured output of a failing subprocess.
//!
//! Each secret is also caught in the shapes it takes on the way: as the base64
//! `user:password` of an `Authorization: Basic` header, percent-encoded in a URL, and
//! broken over lines (a tool that wraps long lines). Beside the known values, two shapes
//! are scrubbed whatever they hold: the password of any `scheme://user:password@host`
//! and the credential of any `Authorization:` header.
use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use base64::Engine as _;

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

/// The user names an uploader pairs a secret with in `Authorization: Basic`: PyPI's
/// token user, and whatever the environment names.
const USER_VARS: &[&str] = &["UV_PUBLISH_USERNAME", "TWINE_USERNAME", "MATURIN_USERNAME"];
const TOKEN_USER: &str = "__token__";

/// `CARGO_REGISTRIES_<NAME>_TOKEN`, one per alternative registry.
fn is_secret(name: &str) -> bool {
    SECRET_VARS.contains(&name)
        || (name.starts_with("CARGO_REGISTRIES_") && name.ends_with("_TOKEN"))
}

/// Shorter values are not redacted: replacing every `x` in the output would hide more
/// than it protects, and no registry issues tokens that short.
const MIN_SECRET_LEN: usize = 4;

/// The secrets known at start: the environment's and cargo's credentials file.
fn known() -> &'static Secrets {
    static KNOWN: OnceLock<Secrets> = OnceLock::new();
    KNOWN.get_or_init(|| {
        let mut secrets = Secrets::default();
        let users: Vec<String> = USER_VARS
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            .chain([TOKEN_USER.to_string()])
            .collect();
        let values = std::env::vars_os()
            .filter(|(k, _)| k.to_str().is_some_and(is_secret))
            .filter_map(|(_, v)| v.into_string().ok())
            .chain(cargo_credentials());
        for value in values {
            secrets.add(&value, &users);
        }
        // A URL with a password in any variable (`UV_PUBLISH_URL`, an index URL).
        for (_, value) in std::env::vars_os() {
            secrets.add_urls(&value.to_string_lossy());
        }
        secrets
    })
}

/// Secrets met while running: passwords in URLs of the command line or configuration.
static FOUND: Mutex<Secrets> = Mutex::new(Secrets { values: Vec::new() });

#[derive(Default)]
struct Secrets {
    /// Longest first, so a secret containing another is replaced whole.
    values: Vec<String>,
}

impl Secrets {
    /// `value`, and its base64 form as the password of each of `users`.
    fn add(&mut self, value: &str, users: &[String]) {
        let value = value.trim();
        if value.len() < MIN_SECRET_LEN {
            return;
        }
        let engine = base64::engine::general_purpose::STANDARD;
        let mut new = vec![value.to_string()];
        new.extend(users.iter().map(|u| engine.encode(format!("{u}:{value}"))));
        for secret in new {
            if !self.values.contains(&secret) {
                self.values.push(secret);
            }
        }
        self.values.sort_by_key(|v| std::cmp::Reverse(v.len()));
    }

    /// The password of each URL in `text`, as given and percent-decoded.
    fn add_urls(&mut self, text: &str) {
        for (user, password) in url_credentials(text) {
            let users = [user.to_string(), percent_decode(user)];
            self.add(password, &users);
            self.add(&percent_decode(password), &users);
        }
    }
}

/// The tokens cargo would read from `$CARGO_HOME/credentials.toml` (or the older
/// `credentials`): `[registry] token` and each `[registries.NAME] token`, and the
/// asymmetric `secret-key`s.
fn cargo_credentials() -> Vec<String> {
    let Some(home) = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
    else {
        return Vec::new();
    };
    let mut tokens = Vec::new();
    for name in ["credentials.toml", "credentials"] {
        let Ok(text) = std::fs::read_to_string(home.join(name)) else {
            continue;
        };
        let Ok(doc) = text.parse::<toml_edit::DocumentMut>() else {
            continue;
        };
        let tables = doc.get("registry").into_iter().chain(
            doc.get("registries")
                .and_then(|r| r.as_table_like())
                .into_iter()
                .flat_map(|r| r.iter().map(|(_, t)| t)),
        );
        for table in tables {
            for key in ["token", "secret-key"] {
                if let Some(value) = table.get(key).and_then(|v| v.as_str()) {
                    tokens.push(value.to_string());
                }
            }
        }
    }
    tokens
}

/// Remembers the password of every `scheme://user:password@` URL in `text` (a command
/// line argument, a configured index URL), so it is redacted wherever it shows up,
/// percent-decoded or as an `Authorization: Basic` value too.
pub fn learn_urls(text: &str) {
    let mut found = FOUND.lock().unwrap_or_else(|p| p.into_inner());
    found.add_urls(text);
}

/// The `(user, password)` of each URL with credentials in `text`.
fn url_credentials(text: &str) -> Vec<(&str, &str)> {
    let mut found = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let after = &rest[at + 3..];
        let end = after
            .find(|c: char| c == '/' || c == '?' || c == '#' || c.is_whitespace() || c == '`')
            .unwrap_or(after.len());
        let authority = &after[..end];
        if let Some(userinfo) = authority.rfind('@').map(|i| &authority[..i])
            && let Some((user, password)) = userinfo.split_once(':')
            && !password.is_empty()
        {
            found.push((user, password));
        }
        rest = &after[end..];
    }
    found
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// Lines streamed from a subprocess: a line that ends with the start of a secret (four
/// characters or more) is held back until the next one shows whether the secret goes on
/// there, so a token a tool wraps over lines is redacted whole, as in captured output.
#[derive(Default)]
pub struct Lines {
    pending: Vec<String>,
}

/// At most this many lines are held back (a secret wrapped at a few columns).
const MAX_HELD: usize = 16;

impl Lines {
    /// One more line; returns the lines that can be shown now, redacted.
    pub fn push(&mut self, line: String) -> Vec<String> {
        self.pending.push(line);
        let joined = self.pending.join("\n");
        let found = FOUND.lock().unwrap_or_else(|p| p.into_inner());
        let held = self.pending.len() < MAX_HELD
            && known()
                .values
                .iter()
                .chain(&found.values)
                .any(|secret| ends_with_start_of(&joined, secret));
        drop(found);
        if held { Vec::new() } else { self.flush() }
    }

    /// The lines still held, redacted (at the end of the output).
    pub fn flush(&mut self) -> Vec<String> {
        if self.pending.is_empty() {
            return Vec::new();
        }
        let joined = self.pending.join("\n");
        self.pending.clear();
        redact(&joined).split('\n').map(str::to_string).collect()
    }
}

/// Whether `text` ends with the first four or more characters of `secret` (possibly
/// already broken over lines), and not with all of it.
fn ends_with_start_of(text: &str, secret: &str) -> bool {
    let Some(first) = secret.chars().next() else {
        return false;
    };
    let window = text.len().saturating_sub(secret.len() * 4 + 64);
    text.char_indices()
        .filter(|&(i, c)| i >= window && c == first)
        .any(|(i, _)| {
            let mut want = secret.chars().peekable();
            let mut matched = 0;
            let mut rest = text[i..].chars().peekable();
            while let Some(c) = rest.next() {
                if matched > 0 && (c == '\n' || c == '\r') {
                    while rest.peek().is_some_and(|c| c.is_whitespace()) {
                        rest.next();
                    }
                    continue;
                }
                if want.next() != Some(c) {
                    return false;
                }
                matched += 1;
            }
            matched >= MIN_SECRET_LEN && want.peek().is_some()
        })
}

/// `text` with every secret replaced by `***`.
pub fn redact(text: &str) -> Cow<'_, str> {
    let found = FOUND.lock().unwrap_or_else(|p| p.into_inner());
    let mut out = redact_with(text, &known().values);
    if !found.values.is_empty() {
        out = Cow::Owned(redact_with(&out, &found.values).into_owned());
    }
    match scrub_shapes(&out) {
        Cow::Borrowed(_) => out,
        Cow::Owned(scrubbed) => Cow::Owned(scrubbed),
    }
}

fn redact_with<'a>(text: &'a str, secrets: &[String]) -> Cow<'a, str> {
    let mut out = Cow::Borrowed(text);
    for secret in secrets {
        if out.contains(secret.as_str()) {
            out = Cow::Owned(out.replace(secret.as_str(), "***"));
        }
        if out.contains('\n')
            && let Some(joined) = replace_broken(&out, secret)
        {
            out = Cow::Owned(joined);
        }
    }
    out
}

/// `secret` broken over lines (a line break, then any indentation, between two of its
/// characters) replaced by `***`; `None` when it does not occur so.
fn replace_broken(text: &str, secret: &str) -> Option<String> {
    let first = secret.chars().next()?;
    let mut out = String::new();
    let mut copied = 0;
    let mut search = 0;
    while let Some(offset) = text[search..].find(first) {
        let start = search + offset;
        match broken_match(&text[start..], secret) {
            Some(len) => {
                out.push_str(&text[copied..start]);
                out.push_str("***");
                copied = start + len;
                search = copied;
            }
            None => search = start + first.len_utf8(),
        }
    }
    (copied > 0).then(|| {
        out.push_str(&text[copied..]);
        out
    })
}

/// The length of the prefix of `text` that is `secret` with at least one line break
/// between its characters.
fn broken_match(text: &str, secret: &str) -> Option<usize> {
    let mut chars = text.char_indices().peekable();
    let mut broke = false;
    for (n, want) in secret.chars().enumerate() {
        if n > 0 && chars.peek().is_some_and(|(_, c)| *c == '\n' || *c == '\r') {
            broke = true;
            while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                chars.next();
            }
        }
        match chars.next() {
            Some((_, c)) if c == want => {}
            _ => return None,
        }
    }
    let end = chars.peek().map_or(text.len(), |(i, _)| *i);
    broke.then_some(end)
}

/// Shapes that are secret whatever they hold: the password in `scheme://user:pass@host`
/// and the credential of an `Authorization:` header line.
fn scrub_shapes(text: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(text);
    for (_, password) in url_credentials(text) {
        if password != "***" {
            out = Cow::Owned(out.replace(&format!(":{password}@"), ":***@"));
        }
    }
    if out.to_ascii_lowercase().contains("authorization:") {
        let scrubbed: Vec<String> = out.split_inclusive('\n').map(scrub_header).collect();
        out = Cow::Owned(scrubbed.concat());
    }
    out
}

/// `Authorization: Basic dXNlcjpwdw==` -> `Authorization: Basic ***`: the credential
/// alone, so a header quoted inside JSON or a log line keeps the text around it.
fn scrub_header(line: &str) -> String {
    let lower = line.to_ascii_lowercase();
    let Some(at) = lower.find("authorization:") else {
        return line.to_string();
    };
    let is_token = |c: char| c.is_ascii_alphanumeric() || "+/=._~-".contains(c);
    let token_end = |from: usize| {
        line[from..]
            .find(|c: char| !is_token(c))
            .map_or(line.len(), |i| from + i)
    };
    let skip_blanks = |from: usize| {
        line[from..]
            .find(|c: char| c != ' ' && c != '\t')
            .map_or(line.len(), |i| from + i)
    };
    let first = skip_blanks(at + "authorization:".len());
    let first_end = token_end(first);
    // `Basic xxx` / `Bearer xxx`: the second word is the credential; else the first.
    let second = skip_blanks(first_end);
    if line[second..].starts_with("***") {
        return line.to_string();
    }
    let (start, end) = if second > first_end && token_end(second) > second {
        (second, token_end(second))
    } else {
        (first, first_end)
    };
    if start == end || &line[start..end] == "***" {
        return line.to_string();
    }
    format!("{}***{}", &line[..start], &line[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(values: &[&str]) -> Vec<String> {
        let mut s = Secrets::default();
        for v in values {
            s.add(v, &["__token__".to_string()]);
        }
        s.values
    }

    #[test]
    fn token_variables_are_recognised() {
        assert!(is_secret("CARGO_REGISTRIES_MY_CORP_TOKEN"));
        assert!(is_secret("UV_PUBLISH_TOKEN"));
        assert!(!is_secret("CARGO_REGISTRIES_LOCAL_INDEX"));
        assert!(!is_secret("PATH"));
    }

    #[test]
    fn every_occurrence_is_replaced_longest_first() {
        let secrets = secrets(&["pypi-AgEIcHlwaS5vcmc", "pypi"]);
        assert_eq!(
            redact_with(
                "token pypi-AgEIcHlwaS5vcmc, again pypi-AgEIcHlwaS5vcmc",
                &secrets
            ),
            "token ***, again ***"
        );
        assert!(matches!(redact_with("clean", &secrets), Cow::Borrowed(_)));
    }

    #[test]
    fn the_basic_authorization_form_is_a_secret_too() {
        let secrets = secrets(&["pypi-canary-77"]);
        let header = format!(
            "sent {}",
            base64::engine::general_purpose::STANDARD.encode("__token__:pypi-canary-77")
        );
        assert_eq!(redact_with(&header, &secrets), "sent ***");
    }

    #[test]
    fn a_secret_broken_over_lines_is_replaced() {
        let secrets = secrets(&["canary-split-token"]);
        assert_eq!(
            redact_with("a canary-sp\n    lit-token b\nc", &secrets),
            "a *** b\nc"
        );
        assert_eq!(redact_with("canary-\r\nsplit-token", &secrets), "***");
        // Not the secret: the line break alone does not make a match.
        assert_eq!(
            redact_with("canary-sp\nlit-other", &secrets),
            "canary-sp\nlit-other"
        );
    }

    #[test]
    fn a_secret_wrapped_in_streamed_lines_is_held_back_and_redacted() {
        assert!(ends_with_start_of("x\ncanary-", "canary-split-token"));
        assert!(ends_with_start_of("canary-\nspl", "canary-split-token"));
        assert!(!ends_with_start_of("a line\ncan", "canary-split-token"));
        assert!(!ends_with_start_of(
            "canary-split-token",
            "canary-split-token"
        ));
        assert!(!ends_with_start_of("canary-other", "canary-split-token"));
    }

    #[test]
    fn url_passwords_and_authorization_headers_are_scrubbed_by_shape() {
        assert_eq!(
            scrub_shapes("uv publish --publish-url http://alice:s3cr%40t@127.0.0.1:8080/ x"),
            "uv publish --publish-url http://alice:***@127.0.0.1:8080/ x"
        );
        assert_eq!(
            scrub_shapes("> Authorization: Basic YWxpY2U6czNjcg==\n< 200"),
            "> Authorization: Basic ***\n< 200"
        );
        assert_eq!(scrub_shapes("authorization: tok123"), "authorization: ***");
        // Inside a JSON string the quote and the rest of the line stay.
        assert_eq!(
            scrub_shapes("  \"err\": \"Authorization: Basic YWxpY2U6czNjcg== sent\",\n"),
            "  \"err\": \"Authorization: Basic *** sent\",\n"
        );
        assert!(matches!(
            scrub_shapes("ssh://git@github.com/x https://example.com/a:b@c"),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn a_learned_url_password_is_known_decoded_and_encoded() {
        let creds = url_credentials("--index-url https://bob:p%40ss-canary-9@host/simple/");
        assert_eq!(creds, [("bob", "p%40ss-canary-9")]);
        assert_eq!(percent_decode("p%40ss-canary-9"), "p@ss-canary-9");
        let mut s = Secrets::default();
        s.add("p@ss-canary-9", &["bob".to_string()]);
        let basic = base64::engine::general_purpose::STANDARD.encode("bob:p@ss-canary-9");
        assert_eq!(
            redact_with(&format!("p@ss-canary-9 {basic}"), &s.values),
            "*** ***"
        );
    }
}
