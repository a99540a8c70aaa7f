//! `sync`: Cargo's current version into every other spot.
use crate::diag::FindingId;
use crate::error::{Failure, Kind};
use crate::plan::spots::{Spelled, python_spots};
use crate::plan::{EditSet, Plan};
use crate::project::Project;

pub fn plan(project: &Project) -> anyhow::Result<Plan> {
    // The state `verify` names `version-not-pep440`: a failed check, as it exits there.
    let pep440 = project.pep440.as_ref().map_err(|err| {
        Failure {
            kind: Kind::Check(FindingId::VersionNotPep440),
            ..Failure::from(err.clone())
        }
        .context(format!(
            "the version `{}` of `{}` cannot be written in pyproject.toml",
            project.version,
            project.primary().name,
        ))
        .at(&project.primary().manifest, project.primary().version_line)
    })?;
    let mut edits = EditSet::new(&project.root);
    python_spots(
        project,
        &mut edits,
        &Spelled {
            semver: &project.version,
            pep440,
        },
    )?;
    Ok(Plan {
        edits: edits.into_edits(),
        steps: Vec::new(),
    })
}
