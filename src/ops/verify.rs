use serde::Serialize;

use crate::checks::{self, Context, Finding, Severity};
use crate::cli::{Format, GlobalArgs, VerifyArgs};
use crate::error::Exit;
use crate::project::Project;
use crate::registry::Targets;
use crate::shell::Shell;

/// The `--format json` schema.
#[derive(Serialize)]
struct Report<'a> {
    version: String,
    pep440: Option<&'a str>,
    tag: String,
    errors: usize,
    warnings: usize,
    findings: &'a [Finding],
}

pub fn run(global: &GlobalArgs, args: &VerifyArgs, shell: &Shell) -> anyhow::Result<Exit> {
    crate::exec::undo::recover(global.manifest_path.as_deref(), false, shell)?;
    let (project, early) =
        Project::load_beside(&global.load_options(), crate::project::git::status)?;
    let tag = args.tag.clone().or_else(super::ci_tag);
    let git = crate::project::git::inspect(early, &project.root)?;
    let targets = if global.offline {
        shell.note("--offline: the registries are not asked (is this version free on both, the API against the last release)");
        None
    } else {
        Some(Targets::resolve(&project, &global.overrides())?)
    };
    let ctx = Context {
        tag,
        git,
        today: crate::ops::today_utc(),
        sides: Default::default(),
        registries: targets.as_ref(),
    };
    shell.status(
        "Verifying",
        format!("{} {}", project.name(), project.version),
    );
    let mut findings = checks::run(&project, &ctx);
    if let Some(targets) = &targets {
        findings.extend(super::breaking::verify_findings(&project, targets, shell));
    }
    if args.docs {
        findings.extend(checks::docs::findings(&project, shell));
    }
    // A re-run of the release's CI jobs: what this release already put out is done.
    if let Some(targets) = &targets
        && super::ci_tag().as_deref() == Some(project.tag().as_str())
    {
        let notes = checks::registries::recognise_own(
            &project,
            targets,
            args.dist.as_deref(),
            &mut findings,
        );
        for note in notes {
            shell.note(note);
        }
    }
    findings.sort_by_key(|f| f.severity);
    if args.deny_warnings {
        for f in &mut findings {
            f.severity = Severity::Error;
        }
    }
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    let warnings = findings.len() - errors;
    match args.format {
        Format::Json => shell.out(serde_json::to_string_pretty(&Report {
            version: project.version.to_string(),
            pep440: project.pep440.as_deref().ok(),
            tag: project.tag(),
            errors,
            warnings,
            findings: &findings,
        })?),
        Format::Human => {
            for finding in &findings {
                finding.print(shell);
            }
        }
    }
    let summary = format!(
        "{}, {}",
        crate::diag::count(errors, "error"),
        crate::diag::count(warnings, "warning")
    );
    if errors > 0 {
        shell.error_line(format!(
            "{} {} is not ready to release: {summary}",
            project.name(),
            project.version
        ));
        let errors = findings.iter().filter(|f| f.severity == Severity::Error);
        Ok(checks::failed(errors).exit())
    } else {
        shell.status(
            "Verified",
            format!(
                "{} {} is ready to release ({summary})",
                project.name(),
                project.version
            ),
        );
        Ok(Exit::Ok)
    }
}
