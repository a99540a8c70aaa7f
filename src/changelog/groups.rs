//! A section body as Keep a Changelog groups (`### Added`, `### Fixed`, …) of entries, so
//! that several bodies can become one: a pre-release cycle's sections gathered into the
//! final release, or Unreleased notes joined by the entries made from commits.
//!
//! An entry is a top-level list item with its continuation lines (or a paragraph); text
//! before the first group heading is kept as the preamble; link definitions are left out
//! (they stay where they stand). Bodies are `\n`-separated.

/// The groups of Keep a Changelog, in its order, after breaking changes.
pub const ORDER: &[&str] = &[
    "Breaking",
    "Added",
    "Changed",
    "Deprecated",
    "Removed",
    "Fixed",
    "Security",
];

/// A section body, cut into groups of entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Groups {
    /// Entries before the first group heading, in order.
    pub preamble: Vec<String>,
    pub groups: Vec<Group>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The heading line as first written (`### Added`).
    pub heading: String,
    pub entries: Vec<String>,
}

impl Group {
    fn title(&self) -> String {
        let t = self.heading.trim_start_matches('#').trim();
        t.to_ascii_lowercase()
    }
}

impl Groups {
    /// The groups of a section body (line endings `\n` or `\r\n`).
    pub fn parse(body: &str) -> Self {
        let mut out = Groups::default();
        // A blank line since the last entry line: a list item's continuation is indented
        // after one, a paragraph's is not.
        let mut gap = false;
        for line in body.lines() {
            if super::parse::atx_heading(line).is_some() {
                out.groups.push(Group {
                    heading: line.trim().to_string(),
                    entries: Vec::new(),
                });
                gap = false;
                continue;
            }
            if line.trim().is_empty() {
                gap = true;
                continue;
            }
            // Link definitions serve the file where they stand, not one entry.
            if super::parse::link_def(line).is_some() {
                continue;
            }
            let entries = match out.groups.last_mut() {
                Some(g) => &mut g.entries,
                None => &mut out.preamble,
            };
            let indented = line.starts_with([' ', '\t']);
            match entries.last_mut() {
                Some(last) if !super::parse::is_list_item(line) && (!gap || indented) => {
                    if gap {
                        last.push('\n');
                    }
                    last.push('\n');
                    last.push_str(line);
                }
                _ => entries.push(line.to_string()),
            }
            gap = false;
        }
        out
    }

    /// Adds `other`'s entries: a group of the same title (any case) takes the entries it
    /// does not have yet, at its end; a new group joins in Keep a Changelog's order
    /// (Breaking first), other titles after those, as they came.
    pub fn merge(&mut self, other: Groups) {
        add_new(&mut self.preamble, other.preamble);
        for g in other.groups {
            let title = g.title();
            match self.groups.iter_mut().find(|m| m.title() == title) {
                Some(mine) => add_new(&mut mine.entries, g.entries),
                None => self.groups.push(g),
            }
        }
        self.groups.sort_by_key(|g| {
            ORDER
                .iter()
                .position(|t| t.eq_ignore_ascii_case(&g.title()))
                .unwrap_or(ORDER.len())
        });
    }

    pub fn is_empty(&self) -> bool {
        self.preamble.is_empty() && self.groups.iter().all(|g| g.entries.is_empty())
    }

    /// The body text: preamble, then each group with entries, separated by blank lines.
    pub fn render(&self) -> String {
        let mut blocks = Vec::new();
        if !self.preamble.is_empty() {
            blocks.push(self.preamble.join("\n"));
        }
        for g in self.groups.iter().filter(|g| !g.entries.is_empty()) {
            blocks.push(format!("{}\n\n{}", g.heading, g.entries.join("\n")));
        }
        blocks.join("\n\n")
    }
}

fn add_new(to: &mut Vec<String>, from: Vec<String>) {
    for e in from {
        if !to.contains(&e) {
            to.push(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_render() {
        let body = "Intro.\n\n### Added\n\n- a\n  more of a\n- b\n\n### Fixed\n- c\n";
        let g = Groups::parse(body);
        assert_eq!(g.preamble, vec!["Intro."]);
        assert_eq!(g.groups[0].entries, vec!["- a\n  more of a", "- b"]);
        assert_eq!(g.groups[1].entries, vec!["- c"]);
        assert_eq!(
            g.render(),
            "Intro.\n\n### Added\n\n- a\n  more of a\n- b\n\n### Fixed\n\n- c"
        );
        // Bare subheadings (a template) render as nothing.
        assert!(Groups::parse("### Added\n\n### Fixed\n").is_empty());
        assert_eq!(Groups::parse("### Added\n\n### Fixed\n").render(), "");
    }

    #[test]
    fn merging_joins_groups_by_title() {
        // Keep a Changelog's order (Removed before Fixed), other titles last.
        let mut a = Groups::parse("### Other\n- o\n\n### Added\n- a\n\n### Fixed\n- f");
        a.merge(Groups::parse("### added\n- b\n- a\n\n### Removed\n- r"));
        assert_eq!(
            a.render(),
            "### Added\n\n- a\n- b\n\n### Removed\n\n- r\n\n### Fixed\n\n- f\n\n### Other\n\n- o"
        );
        let mut plain = Groups::parse("- x");
        plain.merge(Groups::parse("- y\n- x"));
        assert_eq!(plain.render(), "- x\n- y");
    }
}
