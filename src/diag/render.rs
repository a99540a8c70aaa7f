//! Errors and findings shown the way cargo and rustc show theirs, through
//! annotate-snippets: the title (`error[id]: message`), where (`--> file:line`), the
//! source line marked, and the help.
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

/// Everything a rendering needs, borrowed from a finding or a failure.
pub struct Report<'a> {
    pub error: bool,
    pub id: Option<&'a str>,
    pub message: &'a str,
    /// The file as the user would type it.
    pub file: Option<&'a str>,
    pub line: Option<usize>,
    /// The text of `line` in `file`, when it could be read.
    pub source: Option<&'a str>,
    pub help: Option<&'a str>,
}

/// The report as text; ANSI colors only when `color`.
pub fn render(r: &Report, color: bool) -> String {
    let level = if r.error {
        Level::ERROR
    } else {
        Level::WARNING
    };
    let mut title = level.primary_title(r.message);
    if let Some(id) = r.id {
        title = title.id(id);
    }
    let mut group = Group::with_title(title);
    match (r.file, r.line, r.source) {
        (Some(file), Some(line), Some(source)) => {
            // The mark covers the line's text, not its indentation.
            let start = source.len() - source.trim_start().len();
            let end = source.trim_end().len().max(start);
            group = group.element(
                Snippet::source(source)
                    .line_start(line)
                    .path(file)
                    .annotation(AnnotationKind::Primary.span(start..end)),
            );
        }
        (Some(file), line, _) => {
            let mut origin = Origin::path(file);
            if let Some(line) = line {
                origin = origin.line(line);
            }
            group = group.element(origin);
        }
        (None, ..) => {}
    }
    if let Some(help) = r.help {
        group = group.element(Level::HELP.message(help));
    }
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(&[group])
}

/// The text of 1-based `line` of the file at `path`, for the snippet; `None` when the file
/// cannot be read (the location alone is shown then).
pub fn source_line(path: &std::path::Path, line: usize) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines().nth(line.checked_sub(1)?).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_with_a_line_shows_it_marked() {
        let report = Report {
            error: true,
            id: Some("pyproject-version-mismatch"),
            message: "`version = \"0.1.9\"` does not match Cargo.toml's version 0.2.0",
            file: Some("pyproject.toml"),
            line: Some(7),
            source: Some("version = \"0.1.9\""),
            help: Some("run `cargo pyrelease sync`"),
        };
        let text = render(&report, false);
        assert_eq!(
            text,
            "error[pyproject-version-mismatch]: `version = \"0.1.9\"` does not match Cargo.toml's version 0.2.0
 --> pyproject.toml:7:1
  |
7 | version = \"0.1.9\"
  | ^^^^^^^^^^^^^^^^^
  |
  = help: run `cargo pyrelease sync`"
        );
        assert!(!text.contains('\x1b'));
        assert!(render(&report, true).contains('\x1b'));
    }

    #[test]
    fn no_file_no_snippet() {
        let report = Report {
            error: false,
            id: None,
            message: "something",
            file: None,
            line: None,
            source: None,
            help: Some("do this"),
        };
        // As rustc shows a note without a span.
        assert_eq!(
            render(&report, false),
            "warning: something\n |\n = help: do this"
        );
    }
}
