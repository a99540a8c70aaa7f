//! `status --published`: is the released version live on both registries? Each crate on
//! the cargo registry's index, every expected wheel and the sdist on the Python index;
//! with `--downloads`, download counts where the registry offers them (crates.io does;
//! PyPI's APIs do not).
use serde::Serialize;

use crate::cli::{Format, GlobalArgs, StatusArgs};
use crate::error::{Exit, Failure};
use crate::project::Project;
use crate::registry::Targets;
use crate::release_record::{Kind, PublishRecord};
use crate::shell::Shell;

/// The `status --published --format json` schema.
#[derive(Debug, Serialize)]
struct Live {
    version: String,
    pep440: Option<String>,
    /// Every crate and every expected file is there.
    live: bool,
    crates: Vec<CrateLive>,
    python: Vec<PackageLive>,
}

#[derive(Debug, Serialize)]
struct CrateLive {
    name: String,
    registry: String,
    published: bool,
    yanked: bool,
    /// `null`: not asked (no `--downloads`) or not offered by the registry.
    downloads: Option<u64>,
    /// docs.rs's build of this release (`built`, `failed`, `not built yet`); `null` for a
    /// crate that does not go to crates.io.
    docs: Option<String>,
}

#[derive(Debug, Serialize)]
struct PackageLive {
    name: String,
    index: String,
    /// This version's files on the index.
    files: Vec<String>,
    /// Per file (same order): whether the index holds its PEP 740 attestation;
    /// `null` where the index does not say.
    attested: Vec<Option<bool>>,
    /// Files the release should have that the index lacks: the journal's, else "a wheel"
    /// and "the sdist" when none of that kind is there.
    missing: Vec<String>,
    /// The release's page on PyPI; `null` on another index.
    page: Option<String>,
}

pub fn run(global: &GlobalArgs, args: &StatusArgs, shell: &Shell) -> anyhow::Result<Exit> {
    if global.offline {
        return Err(Failure::usage(
            "`status --published` asks the registries, and `--offline` asks none",
        )
        .help("drop `--offline`, or run `cargo pyrelease status --offline` for what is local")
        .into());
    }
    let project = Project::load(&global.load_options())?;
    let targets = Targets::resolve(&project, &global.overrides())?;
    let failure = Failure::from;
    shell.status(
        "Checking",
        format!("{} {} on the registries", project.name(), project.version),
    );
    let mut crates = Vec::new();
    for m in project.unit_members().filter(|m| m.publish) {
        let listed = targets.crates.versions(&m.name).map_err(failure)?;
        let found = listed.iter().find(|v| v.version == project.version);
        let downloads = match (args.downloads, found, targets.registry.is_none()) {
            (true, Some(_), true) => crate::registry::crate_downloads(
                &crate::registry::crates_api_url(),
                &m.name,
                &project.version,
            )
            .map_err(failure)?,
            _ => None,
        };
        crates.push(CrateLive {
            name: m.name.clone(),
            registry: targets.crates_name(),
            published: found.is_some(),
            yanked: found.is_some_and(|v| v.yanked),
            downloads,
            docs: (targets.registry.is_none()
                || crate::registry::env_url("CARGO_PYRELEASE_DOCS_RS").is_some())
            .then(|| super::docs_rs::state(&m.name, &project.version)),
        });
    }
    let journal = PublishRecord::load(&PublishRecord::path(
        &project.release_dir(),
        &project.version,
        &targets.key(),
    ))?;
    let mut python = Vec::new();
    if let Ok(pep440) = &project.pep440 {
        let ours: pep440_rs::Version = pep440.parse()?;
        for package in &project.packages {
            let name = project.dist_name(package);
            let (files, attested): (Vec<String>, Vec<Option<bool>>) = targets
                .python
                .listed(&name)
                .map_err(failure)?
                .into_iter()
                .filter(|f| {
                    crate::registry::version_from_filename(&name, &f.filename).as_ref()
                        == Some(&ours)
                })
                .map(|f| (f.filename, f.attested))
                .unzip();
            let expected: Vec<String> = journal
                .iter()
                .flat_map(|j| &j.artifacts)
                .filter(|a| a.name == name && a.kind != Kind::Crate)
                .filter_map(|a| {
                    a.path
                        .file_name()
                        .and_then(|f| f.to_str())
                        .map(str::to_string)
                })
                .collect();
            let mut missing: Vec<String> = expected
                .into_iter()
                .filter(|f| !files.contains(f))
                .collect();
            if !files.iter().any(|f| f.ends_with(".whl"))
                && !missing.iter().any(|f| f.ends_with(".whl"))
            {
                missing.push("a wheel".to_string());
            }
            if !files.iter().any(|f| f.ends_with(".tar.gz"))
                && !missing.iter().any(|f| f.ends_with(".tar.gz"))
            {
                missing.push("the sdist".to_string());
            }
            python.push(PackageLive {
                page: super::docs_rs::pypi_page(targets.is_pypi(), &name, pep440),
                name,
                index: targets.python.simple_url().to_string(),
                files,
                attested,
                missing,
            });
        }
    }
    let live = crates.iter().all(|c| c.published && !c.yanked)
        && python.iter().all(|p| p.missing.is_empty());
    let report = Live {
        version: project.version.to_string(),
        pep440: project.pep440.clone().ok(),
        live,
        crates,
        python,
    };
    match args.format {
        Format::Json => shell.out(serde_json::to_string_pretty(&report)?),
        Format::Human => render(&report, args.downloads, shell),
    }
    Ok(if live { Exit::Ok } else { Exit::Failed })
}

/// What a yanked release means for `status --published` and `publish` alike.
pub const YANKED: &str =
    "a yanked version cannot be published again; release a new one (`cargo pyrelease bump patch`)";

fn render(report: &Live, downloads: bool, shell: &Shell) {
    shell.out(shell.bold(&format!("Published {}", report.version)));
    for c in &report.crates {
        let state = match (c.published, c.yanked) {
            (true, false) => "live",
            (true, true) => "yanked",
            (false, _) => "missing",
        };
        let count = match (downloads, c.downloads) {
            (true, Some(n)) => format!(", {n} downloads"),
            (true, None) if c.published => ", downloads not offered by this registry".to_string(),
            _ => String::new(),
        };
        let docs = c
            .docs
            .as_ref()
            .map_or(String::new(), |d| format!(", docs.rs: {d}"));
        shell.out(format!(
            "  crate {} on {}: {state}{count}{docs}",
            c.name, c.registry
        ));
    }
    for p in &report.python {
        let state = if p.missing.is_empty() {
            "live"
        } else {
            "incomplete"
        };
        shell.out(format!(
            "  {} on {}: {state}, {} file(s)",
            p.name,
            p.index,
            p.files.len()
        ));
        if let Some(page) = &p.page {
            shell.out(format!("    page: {page}"));
        }
        for (file, attested) in p.files.iter().zip(&p.attested) {
            let attestation = match attested {
                Some(true) => "attestation: yes",
                Some(false) => "attestation: none",
                None => "attestation: not reported by this index",
            };
            shell.out(format!("    {file} ({attestation})"));
        }
        for file in &p.missing {
            shell.out(format!("    missing: {file}"));
        }
        if downloads {
            shell.out("    downloads: not offered by the index's APIs (PyPI counts only in its BigQuery dataset)");
        }
    }
    if report.live {
        shell.status("Live", format!("{} is on every registry", report.version));
    } else if report.crates.iter().any(|c| c.yanked) {
        // The verdict `publish` gives from the same state.
        shell.warn(format!(
            "{} was yanked (taken back): {YANKED}",
            report.version
        ));
    } else {
        shell.warn(format!(
            "{} is not fully published: `cargo pyrelease publish` finishes it",
            report.version
        ));
    }
}
