//! The pieces every job is made of: a job's head, the checkout, Rust, the tool, the
//! artifact moves, and the quoting that keeps user text (folders, a tag prefix) data.
use std::fmt::Write as _;

use super::{DIST, INSTALL_STEP, Install, Settings, TOOL_ARTIFACT};
use crate::render::pins;

pub(super) fn checkout(y: &mut String, fetch_depth: Option<u32>) {
    let _ = writeln!(y, "      - uses: {}", pins::CHECKOUT.uses());
    y.push_str("        with:\n          persist-credentials: false\n");
    if let Some(depth) = fetch_depth {
        let _ = writeln!(y, "          fetch-depth: {depth}");
    }
}

pub(super) fn rust(y: &mut String, components: &str) {
    let _ = writeln!(
        y,
        "      - name: Install Rust\n        run: rustup toolchain install stable --profile minimal{components} --no-self-update && rustup default stable"
    );
}

/// The tool, in a job that uses it: the pinned wheel, or the binary the verify job built.
pub(super) fn install_tool(y: &mut String, s: &Settings) {
    match &s.install {
        Install::Wheel { version } => {
            let _ = writeln!(
                y,
                "      - name: {INSTALL_STEP}
        # The released wheel ships the binary (maturin `bindings = \"bin\"`): no compile.
        run: pipx install cargo-pyrelease=={version}"
            );
        }
        Install::Path { .. } => {
            let _ = writeln!(
                y,
                "      - name: {INSTALL_STEP}
        uses: {download}
        with:
          name: {TOOL_ARTIFACT}
          path: ${{{{ runner.temp }}}}/tool
      - name: Put cargo-pyrelease on PATH
        run: |
          chmod +x \"$RUNNER_TEMP/tool/cargo-pyrelease\"
          echo \"$RUNNER_TEMP/tool\" >> \"$GITHUB_PATH\"",
                download = pins::DOWNLOAD_ARTIFACT.uses(),
            );
        }
    }
}

/// `cargo pyrelease ARGS` with the project selection.
pub(super) fn tool(s: &Settings, args: &str) -> String {
    let mut line = format!("cargo pyrelease {args}");
    for word in &s.select {
        line.push(' ');
        line.push_str(&shell_quote(word));
    }
    line
}

pub(super) fn job(y: &mut String, id: &str, name: &str, needs: &[&str], permissions: &[&str]) {
    let _ = writeln!(y, "\n  {id}:\n    name: {name}");
    match needs {
        [] => {}
        [one] => {
            let _ = writeln!(y, "    needs: {one}");
        }
        many => {
            let _ = writeln!(y, "    needs: [{}]", many.join(", "));
        }
    }
    y.push_str("    permissions:\n");
    for p in permissions {
        let _ = writeln!(y, "      {p}");
    }
}

pub(super) fn upload(y: &mut String, name: &str, path: &str) {
    let _ = writeln!(
        y,
        "      - uses: {}
        with:
          name: {name}
          path: {path}
          if-no-files-found: error",
        pins::UPLOAD_ARTIFACT.uses()
    );
}

/// The artifacts whose names match `pattern`, merged into `path`.
pub(super) fn download(y: &mut String, pattern: &str, path: &str) {
    let _ = writeln!(
        y,
        "      - uses: {}
        with:
          pattern: \"{pattern}\"
          path: {path}
          merge-multiple: true",
        pins::DOWNLOAD_ARTIFACT.uses()
    );
}

/// `DIR/` for a folder below the root; empty for the root.
pub(super) fn prefix_dir(dir: &str) -> String {
    if dir == "." {
        String::new()
    } else {
        format!("{}/", dir.trim_end_matches('/'))
    }
}

/// A `run:` step's `working-directory` for a folder other than the root; empty for the root.
pub(super) fn working_dir(dir: &str) -> String {
    if dir == "." {
        String::new()
    } else {
        format!("\n        working-directory: {}", quote(dir))
    }
}

/// maturin-action's `working-directory` input (a `uses:` step has no such key of
/// its own); empty for the root.
pub(super) fn action_dir(dir: &str) -> String {
    if dir == "." {
        String::new()
    } else {
        format!("\n          working-directory: {}", quote(dir))
    }
}

/// `dist` at the repository root, as seen from the package folder.
pub(super) fn out_dir(dir: &str) -> String {
    if dir == "." {
        return DIST.to_string();
    }
    let up = dir.split('/').filter(|c| !c.is_empty()).count();
    format!("{}{DIST}", "../".repeat(up))
}

/// A YAML double-quoted scalar: any user text (a tag prefix, a folder name) stays a
/// string, whatever characters it holds.
pub(super) fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A word for the shell: bare when it is plainly safe, else single-quoted.
pub(super) fn shell_quote(word: &str) -> String {
    let safe = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:@+".contains(c));
    if safe {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote("v"), "\"v\"");
        assert_eq!(quote("a\"b\\"), "\"a\\\"b\\\\\"");
        assert_eq!(shell_quote("crates/py/Cargo.toml"), "crates/py/Cargo.toml");
        assert_eq!(shell_quote("my dir"), "'my dir'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
    }

    #[test]
    fn dist_is_at_the_root() {
        assert_eq!(out_dir("."), "dist");
        assert_eq!(out_dir("pypi"), "../dist");
        assert_eq!(out_dir("bindings/python"), "../../dist");
    }
}
