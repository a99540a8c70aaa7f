//! Breaking changes in `verify` and `bump`: the API comparison with the last release, its
//! findings, the guard `bump` runs before it writes, and `bump auto`'s choice.
use crate::api::{self, Report, Want, commits};
use crate::checks::semver::Section;
use crate::checks::{self, Finding, Severity};
use crate::cli::GlobalArgs;
use crate::error::Failure;
use crate::plan::auto::{self, Change, Reason};
use crate::project::Project;
use crate::registry::Targets;
use crate::shell::Shell;
use crate::version::{self, Level, Target};

/// `verify`'s findings: both sides against the newest releases below this version, and
/// whether its changelog section says what breaks.
pub fn verify_findings(project: &Project, targets: &Targets, shell: &Shell) -> Vec<Finding> {
    let both = Want {
        rust: true,
        python: true,
    };
    let report = api::compare(project, targets, &project.version, both, shell);
    notes(&report, shell);
    let section = project.changelog.as_ref().and_then(|c| {
        let s = c.parsed.release(&project.version.to_string())?;
        Some(Section {
            label: format!("of {}", project.version),
            text: c.parsed.section_body(s),
            line: s.line,
        })
    });
    checks::semver::findings(project, &report, &project.version, section)
}

fn notes(report: &Report, shell: &Shell) {
    for note in &report.notes {
        shell.note(note);
    }
}

/// Comparisons that failed, for the commands that report no findings.
fn incomplete(report: &Report, shell: &Shell) {
    for failure in &report.failures {
        shell.warn(format!("the API comparison is incomplete: {failure}"));
    }
}

/// Before `bump` writes: the crates' breaking changes must fit the step to `new`.
pub fn guard(
    project: &Project,
    new: &semver::Version,
    global: &GlobalArgs,
    shell: &Shell,
) -> anyhow::Result<()> {
    // Nothing to compare, or nothing to compare with: no registry is resolved or asked.
    if !project.unit_members().any(|m| m.publish) || !api::rust::installed() {
        return Ok(());
    }
    if global.offline {
        shell.note("--offline: the crates' API is not compared with their last release");
        return Ok(());
    }
    let targets = Targets::resolve(project, &global.overrides())?;
    let rust_only = Want {
        rust: true,
        python: false,
    };
    let report = api::compare(project, &targets, new, rust_only, shell);
    notes(&report, shell);
    incomplete(&report, shell);
    let errors: Vec<Finding> = checks::semver::findings(project, &report, new, None)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    for finding in &errors {
        finding.print(shell);
    }
    Err(Failure::failed(format!(
        "{} {new} would break the API of its last release; nothing was changed",
        project.name()
    ))
    .help("bump by the level the finding names (`cargo pyrelease bump auto` picks it), or pass `--offline` to skip the API check")
    .into())
}

/// `bump auto`: the level that allows every breaking change found and every conventional
/// commit since the last tag, with the reasons printed.
pub fn auto_target(
    project: &Project,
    global: &GlobalArgs,
    shell: &Shell,
) -> anyhow::Result<Target> {
    let current = &project.version;
    let mut reasons = Vec::new();
    if global.offline {
        shell.note("--offline: no API comparison with the last release; the level comes from the commits alone");
    } else {
        let targets = Targets::resolve(project, &global.overrides())?;
        // Anything published up to the current version is a baseline.
        let above = version::bump(current, &Target::Level(Level::Patch), None, false)?;
        let both = Want {
            rust: true,
            python: true,
        };
        let report = api::compare(project, &targets, &above, both, shell);
        notes(&report, shell);
        incomplete(&report, shell);
        for b in &report.breaks {
            reasons.extend(b.items.iter().map(|item| Reason {
                change: Change::Breaking,
                why: format!("`{}` breaks {}: {item}", b.package, b.baseline),
            }));
        }
    }
    let tag = commits::last_tag(&project.root, &project.config.tag_prefix);
    for c in commits::since(&project.root, tag.as_deref()).unwrap_or_default() {
        let change = auto::classify(&c.subject, &c.body);
        if change > Change::Fix {
            reasons.push(Reason {
                change,
                why: format!("commit {} `{}`", c.short, c.subject),
            });
        }
    }
    let (level, deciding) = auto::pick(current, &reasons);
    let top = deciding.first().map_or(Change::Fix, |r| r.change);
    let since = tag.map_or_else(|| "in the history".to_string(), |t| format!("since {t}"));
    let rule = auto::explain(current, top);
    if deciding.is_empty() {
        shell.status(
            "Choosing",
            format!("{rule}: no breaking change and no `feat` commit {since}"),
        );
    }
    for reason in deciding {
        let kind = match reason.change {
            Change::Breaking => "breaking",
            Change::Feature => "a feature",
            Change::Fix => "a fix",
        };
        shell.status("Choosing", format!("{rule}: {kind}, {}", reason.why));
    }
    Ok(Target::Level(level))
}
