//! `status`: the model as a report, for people and for scripts.
use crate::error::Exit;
use serde::Serialize;

use crate::cli::{Format, GlobalArgs, StatusArgs};
use crate::project::config::ChangelogSetting;
use crate::project::pyproject::PyVersion;
use crate::project::{Project, VersionSource};
use crate::registry::{Targets, redact_url};
use crate::shell::Shell;

/// The `--format json` schema (version 1). Fields are only ever added.
#[derive(Debug, Serialize)]
pub struct Report {
    pub schema: u32,
    pub root: String,
    pub version: VersionReport,
    pub python_packages: Vec<PackageReport>,
    pub crates: Vec<CrateReport>,
    pub left_out: Vec<LeftOut>,
    pub skipped_pyprojects: Vec<SkippedReport>,
    pub changelog: Option<ChangelogReport>,
    /// `changelog = false`: none is kept, so none is missing.
    #[serde(skip)]
    pub changelog_off: bool,
    pub tag: String,
    pub registries: RegistriesReport,
    pub notes: Vec<String>,
}

/// Where the release goes: the `--registry`/`--index-url`/`--publish-url` flags, else the
/// configuration, else crates.io and PyPI.
#[derive(Debug, Serialize)]
pub struct RegistriesReport {
    /// `crates.io`, or ``registry `NAME` `` for a registry of cargo's configuration.
    pub crates: String,
    pub crates_index: String,
    pub python_index: String,
    /// `null` when the Python index is not PyPI and no upload URL is configured.
    pub upload_url: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct VersionReport {
    pub semver: String,
    /// `null` when the version has no faithful PEP 440 spelling (see `pep440_error`).
    pub pep440: Option<String>,
    pub pep440_error: Option<String>,
    /// `package` (`[package] version`) or `workspace` (`[workspace.package] version`).
    pub source: &'static str,
    pub file: String,
    pub line: Option<usize>,
}

#[derive(Debug, Serialize)]
pub struct PackageReport {
    pub name: String,
    pub pyproject: String,
    pub crate_name: String,
    pub manifest: String,
    /// `static`, `dynamic`, `missing` or `implicit`.
    pub version_mode: &'static str,
    /// The version written in pyproject.toml, when static.
    pub static_version: Option<String>,
    /// The version the wheel will carry.
    pub wheel_version: Option<String>,
    pub in_sync: bool,
}

#[derive(Debug, Serialize)]
pub struct CrateReport {
    pub name: String,
    pub version: String,
    pub manifest: String,
    pub version_source: &'static str,
    pub publish: bool,
    /// Why a crate with no `publish = false` is not published to crates.io, and the
    /// line that changes it (a bindings crate for PyPI only).
    pub not_published: Option<NotPublished>,
}

/// More `publish = false` crates than this are named on one line by `status`.
const GROUPED: usize = 3;

#[derive(Debug, Serialize)]
pub struct NotPublished {
    pub reason: String,
    pub help: String,
}

#[derive(Debug, Serialize)]
pub struct LeftOut {
    pub name: String,
    pub version: Option<String>,
    pub manifest: String,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct SkippedReport {
    pub pyproject: String,
    pub reason: String,
}

#[derive(Debug, Serialize)]
pub struct ChangelogReport {
    pub file: String,
    pub has_unreleased: bool,
    pub unreleased_empty: bool,
    pub last_release: Option<String>,
}

impl Report {
    pub fn new(project: &Project, targets: &Targets) -> Self {
        let primary = project.primary();
        let pep440 = project.pep440.as_ref().ok().cloned();
        let (source, file, line) = match project.source {
            VersionSource::Package => (
                "package",
                project.rel(&primary.manifest),
                primary.version_line,
            ),
            VersionSource::Workspace { line } => (
                "workspace",
                project.rel(&project.workspace.manifest),
                Some(line),
            ),
        };
        Self {
            schema: 1,
            root: project.root.display().to_string(),
            version: VersionReport {
                semver: project.version.to_string(),
                pep440: pep440.clone(),
                pep440_error: project.pep440.as_ref().err().map(|e| e.message.clone()),
                source,
                file,
                line,
            },
            python_packages: project
                .packages
                .iter()
                .map(|p| {
                    let crate_name = project.workspace.member(&p.manifest).map_or_else(
                        || primary.name.clone(),
                        |i| project.workspace.members[i].name.clone(),
                    );
                    let static_version = match &p.version {
                        PyVersion::Static { value, .. } => Some(value.clone()),
                        _ => None,
                    };
                    // maturin writes a static version in its canonical spelling.
                    let wheel_version = match &static_version {
                        Some(v) => Some(
                            v.parse::<pep440_rs::Version>()
                                .map_or_else(|_| v.clone(), |v| v.to_string()),
                        ),
                        None => pep440.clone(),
                    };
                    PackageReport {
                        name: p.dist_name(&crate_name).to_string(),
                        pyproject: project.rel(&p.path),
                        manifest: project.rel(&p.manifest),
                        version_mode: p.version.mode(),
                        in_sync: pep440.is_some() && wheel_version == pep440,
                        static_version,
                        wheel_version,
                        crate_name,
                    }
                })
                .collect(),
            crates: project
                .unit_members()
                .map(|m| CrateReport {
                    name: m.name.clone(),
                    version: m.version.to_string(),
                    manifest: project.rel(&m.manifest),
                    version_source: if m.inherits_version {
                        "workspace"
                    } else {
                        "package"
                    },
                    publish: m.publish,
                    not_published: project.off_crates_io.iter().find(|p| p.name == m.name).map(
                        |p| NotPublished {
                            reason: p.reason.clone(),
                            help: p.help.clone(),
                        },
                    ),
                })
                .collect(),
            left_out: project
                .left_out
                .iter()
                .map(|l| LeftOut {
                    name: l.name.clone(),
                    version: l.version.as_ref().map(ToString::to_string),
                    manifest: project.rel(&l.manifest),
                    reason: l.reason.clone(),
                })
                .collect(),
            skipped_pyprojects: project
                .skipped
                .iter()
                .map(|s| SkippedReport {
                    pyproject: project.rel(&s.path),
                    reason: s.reason.clone(),
                })
                .collect(),
            changelog: project.changelog.as_ref().map(|c| {
                let unreleased = c.parsed.unreleased();
                ChangelogReport {
                    file: project.rel(&c.path),
                    has_unreleased: unreleased.is_some(),
                    unreleased_empty: unreleased.is_none_or(|s| !c.parsed.lists_changes(s)),
                    last_release: c.parsed.latest_version().map(str::to_string),
                }
            }),
            tag: project.tag(),
            registries: RegistriesReport {
                crates: targets.crates_name(),
                crates_index: redact_url(targets.crates.base_url()),
                python_index: redact_url(targets.python.simple_url()),
                upload_url: targets.upload_url().ok().map(redact_url),
            },
            notes: project.notes.clone(),
            changelog_off: project.config.changelog == ChangelogSetting::None,
        }
    }

    fn render(&self, shell: &Shell) {
        let v = &self.version;
        let pep = match (&v.pep440, &v.pep440_error) {
            (Some(p), _) if *p == v.semver => String::new(),
            (Some(p), _) => format!(" (PEP 440: {p})"),
            (None, Some(e)) => format!(" (no PEP 440 spelling: {e})"),
            (None, None) => String::new(),
        };
        let at = v.line.map_or(String::new(), |l| format!(":{l}"));
        let source = if v.source == "workspace" {
            "[workspace.package] version"
        } else {
            "[package] version"
        };
        shell.out(format!("{} {}{pep}", shell.bold("Version"), v.semver));
        shell.out(format!("  from {source} in {}{at}", v.file));
        shell.out(shell.bold("Python packages"));
        for p in &self.python_packages {
            let state = match (&p.static_version, p.in_sync) {
                (Some(s), true) if Some(s) == p.wheel_version.as_ref() => format!("static {s}"),
                (Some(s), true) => format!(
                    "static {s}, the same version as {} in another spelling: `cargo pyrelease sync` writes it canonically",
                    p.wheel_version.as_deref().unwrap_or_default()
                ),
                (Some(s), false) => {
                    let ahead = matches!(
                        (s.parse::<pep440_rs::Version>(), v.pep440.as_deref().map(str::parse::<pep440_rs::Version>)),
                        (Ok(py), Some(Ok(cargo))) if py > cargo
                    );
                    if ahead {
                        format!(
                            "static {s}, ahead of Cargo.toml: check `manifest-path`, or bump Cargo.toml above it"
                        )
                    } else {
                        format!("static {s}, out of sync: `cargo pyrelease sync` fixes it")
                    }
                }
                (None, _) => match &p.wheel_version {
                    Some(w) => format!("{}, wheel {w}", p.version_mode),
                    None => format!(
                        "{}, no wheel version (see the version above)",
                        p.version_mode
                    ),
                },
            };
            shell.out(format!(
                "  {} ({}) builds {} ({}): {state}",
                p.name, p.pyproject, p.crate_name, p.manifest
            ));
        }
        shell.out(shell.bold("Crates released"));
        // A workspace's examples and tools on the version line (kornia has 20) are one
        // line, not a page: each is only versioned. The Python packages' crates keep theirs.
        let builds_a_package = |c: &CrateReport| {
            self.python_packages
                .iter()
                .any(|p| p.manifest == c.manifest)
        };
        let only_versioned: Vec<&CrateReport> = self
            .crates
            .iter()
            .filter(|c| !c.publish && c.not_published.is_none() && !builds_a_package(c))
            .collect();
        let grouped = only_versioned.len() > GROUPED;
        for c in &self.crates {
            let publish = match (&c.not_published, c.publish) {
                (Some(n), _) => format!("not published to crates.io: {}", n.reason),
                (None, true) => "published".to_string(),
                (None, false) if grouped && !builds_a_package(c) => continue,
                (None, false) => "not published (publish = false)".to_string(),
            };
            shell.out(format!(
                "  {} {} ({}), {publish}",
                c.name, c.version, c.manifest
            ));
            if let Some(n) = &c.not_published {
                shell.out(format!("    {}", n.help));
            }
        }
        if grouped {
            let names: Vec<&str> = only_versioned.iter().map(|c| c.name.as_str()).collect();
            shell.out(format!(
                "  and {} crates versioned with them, not published (publish = false): {}",
                names.len(),
                names.join(", ")
            ));
        }
        if !self.left_out.is_empty() {
            shell.out(shell.bold("Crates left out"));
            for c in &self.left_out {
                let version = c
                    .version
                    .as_deref()
                    .map_or(String::new(), |v| format!(" {v}"));
                shell.out(format!(
                    "  {}{version} ({}): {}",
                    c.name, c.manifest, c.reason
                ));
            }
        }
        if !self.skipped_pyprojects.is_empty() {
            shell.out(shell.bold("Other pyproject.toml files"));
            for s in &self.skipped_pyprojects {
                shell.out(format!("  {}: {}", s.pyproject, s.reason));
            }
        }
        match &self.changelog {
            Some(c) => {
                let unreleased = match (c.has_unreleased, c.unreleased_empty) {
                    (false, _) => "no Unreleased section",
                    (true, true) => "Unreleased is empty",
                    (true, false) => "Unreleased has entries",
                };
                let last = c
                    .last_release
                    .as_deref()
                    .map_or(String::new(), |l| format!(", last release {l}"));
                shell.out(format!(
                    "{} {}: {unreleased}{last}",
                    shell.bold("Changelog"),
                    c.file
                ));
            }
            None if self.changelog_off => shell.out(format!(
                "{} none (`changelog = false`)",
                shell.bold("Changelog")
            )),
            None => shell.out(format!("{} none found", shell.bold("Changelog"))),
        }
        shell.out(format!("{} {}", shell.bold("Tag"), self.tag));
        let r = &self.registries;
        let upload = r
            .upload_url
            .as_deref()
            .map_or(String::new(), |u| format!(", uploads to {u}"));
        shell.out(format!(
            "{} {} ({}); Python index {}{upload}",
            shell.bold("Registries"),
            r.crates,
            r.crates_index,
            r.python_index
        ));
        for note in &self.notes {
            shell.note(note);
        }
    }
}

pub fn run(global: &GlobalArgs, args: &StatusArgs, shell: &Shell) -> anyhow::Result<Exit> {
    crate::exec::undo::recover(global.manifest_path.as_deref(), false, shell)?;
    if args.published {
        return super::published::run(global, args, shell);
    }
    if args.spots {
        return super::spots::run(global, shell);
    }
    let project = Project::load(&global.load_options())?;
    let targets = Targets::resolve(&project, &global.overrides())?;
    let report = Report::new(&project, &targets);
    match args.format {
        Format::Json => shell.out(serde_json::to_string_pretty(&report)?),
        Format::Human => report.render(shell),
    }
    Ok(Exit::Ok)
}
