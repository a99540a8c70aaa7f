//! The read-only model of the project, loaded once: which Python packages are
//! released, from which crate, at which version, with which other crates.
pub mod cargo_config;
pub mod commits;
pub mod config;
pub mod crates_io;
pub mod git;
pub mod paths;
pub mod placeholder;
pub mod prefetch;
pub mod pyproject;
pub mod tags;
mod unit;
pub mod walk;
pub mod workspace;

use std::path::{Path, PathBuf};

use self::config::{ChangelogSetting, Config};
use self::prefetch::Prefetch;
use self::pyproject::{PyProject, PyVersion, SkipKind, Skipped};
use self::unit::{check_authority, crate_name_of, member_of, release_unit};
use self::workspace::Workspace;
use crate::error::Failure;
use crate::exec::joined;
use crate::version::{self, VersionError};

/// Where the released version is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionSource {
    /// `[package] version` of each crate of the release (several crates of one
    /// version line each carry their own copy).
    Package,
    /// `[workspace.package] version`, inherited with `version.workspace = true`.
    Workspace { line: usize },
}

#[derive(Debug, Clone)]
pub struct ChangelogFile {
    pub path: PathBuf,
    pub parsed: crate::changelog::Changelog,
}

#[derive(Debug)]
pub struct Project {
    /// The folder paths are shown relative to: the workspace root or the search root.
    pub root: PathBuf,
    /// Never freed: a command ends with the process, and freeing every parsed
    /// manifest of a large workspace would add ~10 ms to its exit.
    pub workspace: std::mem::ManuallyDrop<Workspace>,
    pub config: Config,
    pub packages: Vec<PyProject>,
    pub skipped: Vec<Skipped>,
    /// Index in `workspace.members` of the crate maturin builds (of the first package).
    pub primary: usize,
    pub source: VersionSource,
    pub version: semver::Version,
    /// The version in PEP 440 spelling, as maturin will write it into the wheel.
    pub pep440: Result<String, VersionError>,
    /// Indices in `workspace.members` of the crates released together, primary first.
    pub unit: Vec<usize>,
    /// Crates not in the release, with the reason.
    pub left_out: Vec<LeftOut>,
    /// Crates of the release kept off crates.io by evidence, not by `publish = false`
    /// (most are bindings crates for PyPI only); their `publish` reads `false` in the
    /// model from then on, for every command alike.
    pub off_crates_io: Vec<crates_io::OffCratesIo>,
    pub changelog: Option<ChangelogFile>,
    /// Things the user should know that are not errors (maturin's fallbacks).
    pub notes: Vec<String>,
}

/// A crate near the release that is not part of it.
#[derive(Debug, Clone)]
pub struct LeftOut {
    pub name: String,
    pub version: Option<semver::Version>,
    pub manifest: PathBuf,
    pub reason: String,
}

#[derive(Debug, Default, Clone)]
pub struct LoadOptions {
    pub manifest_path: Option<PathBuf>,
    pub packages: Vec<String>,
}

/// `[TOP.metadata.pyrelease]` for `workspace` and its configuration.
fn config_table(workspace: &workspace::Workspace, config: &Config) -> String {
    format!(
        "[{}.metadata.pyrelease]",
        workspace.config_top(config.file.as_deref())
    )
}

/// `path` relative to `root`, with `/` separators, for messages and JSON.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let shown = rel.to_string_lossy().replace('\\', "/");
    if shown.is_empty() {
        ".".to_string()
    } else {
        shown
    }
}

impl Project {
    pub fn load(opts: &LoadOptions) -> anyhow::Result<Self> {
        Ok(Self::load_beside(opts, |_| ())?.0)
    }

    /// Loads the project while `side` runs on another thread, given the folder
    /// the search starts from (the manifest's, or the current one). `cargo
    /// metadata` is the floor of every command: what can run beside it (a `git
    /// status`, the tree walk, parsing the members) costs no wall time.
    pub fn load_beside<T: Send>(
        opts: &LoadOptions,
        side: impl FnOnce(&Path) -> T + Send,
    ) -> anyhow::Result<(Self, T)> {
        let cwd = std::env::current_dir()?;
        let start = match &opts.manifest_path {
            Some(path) => {
                let path = cwd.join(path);
                if !path.is_file() {
                    return Err(Failure::usage(format!(
                        "manifest path `{}` does not exist",
                        path.display()
                    ))
                    .help("pass the path of a Cargo.toml to `--manifest-path`")
                    .into());
                }
                Some(path)
            }
            None => find_manifest(&cwd),
        };
        let dir = start
            .as_deref()
            .and_then(Path::parent)
            .unwrap_or(&cwd)
            .to_path_buf();
        let (meta, mut prefetch, beside) = std::thread::scope(|s| {
            let beside = s.spawn(|| side(&dir));
            let meta = start
                .as_deref()
                .map(|m| s.spawn(move || workspace::metadata(m)));
            let prefetch = Prefetch::read(&dir, start.as_deref());
            let meta = meta.map(joined).transpose();
            (meta, prefetch, joined(beside))
        });
        let home = meta?
            .map(|m| workspace::from_metadata(m, &mut prefetch))
            .transpose()?;
        Ok((Self::assemble(opts, &cwd, home, prefetch)?, beside))
    }

    fn assemble(
        opts: &LoadOptions,
        cwd: &Path,
        home: Option<Workspace>,
        prefetch: Prefetch,
    ) -> anyhow::Result<Self> {
        let search_root = home
            .as_ref()
            .map_or_else(|| cwd.to_path_buf(), |w| w.root.clone());

        // Configuration lives in the manifest the user pointed at; without one,
        // in the root manifest of the maturin crate's workspace (read below).
        let config = match &home {
            Some(ws) => read_config(ws)?,
            None => Config::default(),
        };
        paths::check_config(&config, &search_root)?;
        let found = (prefetch.dir == search_root).then_some(prefetch.pyprojects);
        let (mut packages, mut skipped) =
            select_pyprojects(&search_root, &config, &opts.packages, found)?;
        // Before cargo reads the crate a pyproject points to (it may write a Cargo.lock).
        let top = paths::top(&search_root);
        for package in &packages {
            if let Some((rel, line)) = &package.manifest_path {
                let base = package.path.parent().unwrap_or(&search_root);
                paths::inside(&top, base, Path::new(rel)).map_err(|why| {
                    Failure::usage(why)
                        .at(&package.path, Some(*line))
                        .help("point `manifest-path` at a crate inside the project")
                })?;
            }
        }

        // The release is made in one workspace: the one the user pointed at when
        // it builds a package, else the first package's. Packages of other
        // workspaces (examples, fixtures, vendored projects) are not part of it.
        let mut workspace = match home {
            Some(ws) if packages.iter().any(|p| ws.member(&p.manifest).is_some()) => ws,
            _ => workspace::load(&packages[0].manifest)?,
        };
        if config.pyprojects.is_none() {
            let (inside, outside): (Vec<_>, Vec<_>) = packages
                .into_iter()
                .partition(|p| workspace.member(&p.manifest).is_some());
            packages = inside;
            skipped.extend(outside.into_iter().map(|p| Skipped {
                path: p.path,
                reason: "builds a crate of another workspace".to_string(),
                kind: SkipKind::Decoy,
            }));
            skipped.sort_by(|a, b| a.path.cmp(&b.path));
        }
        let mut config = if config.file.is_some() {
            config
        } else {
            let config = read_config(&workspace)?;
            paths::check_config(&config, &search_root)?;
            config
        };
        let root = search_root;

        let primary = member_of(&workspace, &packages[0], &root)?;
        let member = &workspace.members[primary];
        let (source, version) = if member.inherits_version {
            let (_, line) = workspace.package_version().ok_or_else(|| {
                Failure::usage(format!(
                    "`{}` inherits its version, but the workspace root has no `[workspace.package] version`",
                    member.name
                ))
                .at(&workspace.manifest, None)
            })?;
            (VersionSource::Workspace { line }, member.version.clone())
        } else {
            (VersionSource::Package, member.version.clone())
        };

        let same_line = |m: &workspace::Member| {
            if member.inherits_version {
                m.inherits_version
            } else {
                !m.inherits_version && m.version == version
            }
        };
        // Every maturin package of the release must build a crate on this line.
        for package in &packages[1..] {
            let i = member_of(&workspace, package, &root)?;
            if !same_line(&workspace.members[i]) {
                return Err(Failure::usage(format!(
                    "the maturin packages `{}` and `{}` build crates on different version lines ({} and {})",
                    relative(&root, &packages[0].path),
                    relative(&root, &package.path),
                    version,
                    workspace.members[i].version
                ))
                .help(format!("release one at a time: pass `-p NAME`, or list the one to release in `pyprojects` in `{}`", config_table(&workspace, &config)))
                .into());
            }
        }

        let (unit, left_out) = release_unit(&workspace, primary, &config, same_line, &root)?;

        let pep440 = version::to_pep440(&version).map(|v| v.to_string());
        let mut notes = Vec::new();
        if config.line("tag-prefix").is_none()
            && let Some((prefix, example)) =
                git::top_of(&root).and_then(|top| tags::infer_prefix(&top, &version))
        {
            notes.push(format!(
                "the tag prefix `{prefix}` is taken from the existing tags (`{example}`); set `tag-prefix` in `{}` to choose another",
                config_table(&workspace, &config)
            ));
            config.tag_prefix = prefix;
        }
        for package in &mut packages {
            check_authority(package, &workspace, primary, &version, &root)?;
            if let Some(note) = maturin_fallback_note(package, &root) {
                notes.push(note);
            }
        }
        if placeholder::is_placeholder(&version) {
            notes.push(format!(
                "`{}` is at {version}, which looks like a placeholder: a release needs a real version in `{}`",
                member.name,
                relative(&root, &member.manifest)
            ));
        }
        // Decided for every crate of the release; applied last, as the model's `publish`.
        let off_crates_io: Vec<crates_io::OffCratesIo> = unit
            .iter()
            .filter_map(|&i| {
                let m = &workspace.members[i];
                let bindings = packages
                    .iter()
                    .any(|p| workspace.member(&p.manifest) == Some(i));
                crates_io::off_crates_io(m, &config, &relative(&root, &m.manifest), bindings)
            })
            .collect();
        let changelog = find_changelog(
            &root,
            &config,
            &packages[0],
            &workspace.members[primary].manifest,
        )?;

        for only in &off_crates_io {
            if let Some(i) = workspace.by_name(&only.name) {
                workspace.members[i].publish = false;
            }
        }
        Ok(Self {
            root,
            config,
            packages,
            skipped,
            primary,
            source,
            version,
            pep440,
            unit,
            left_out,
            off_crates_io,
            changelog,
            notes,
            workspace: std::mem::ManuallyDrop::new(workspace),
        })
    }

    pub fn primary(&self) -> &workspace::Member {
        &self.workspace.members[self.primary]
    }

    /// The name the user knows the release by, for status lines and titles: the first
    /// Python package's `[project] name`, else the primary crate's.
    pub fn name(&self) -> String {
        self.packages
            .first()
            .map_or_else(|| self.primary().name.clone(), |p| self.dist_name(p))
    }

    /// The header of the configuration table, `[package.metadata.pyrelease]` for a
    /// single package, else `[workspace.metadata.pyrelease]`.
    pub fn config_table(&self) -> String {
        config_table(&self.workspace, &self.config)
    }

    pub fn rel(&self, path: &Path) -> String {
        relative(&self.root, path)
    }

    /// The tag a release of the current version gets.
    pub fn tag(&self) -> String {
        self.tag_of(&self.version)
    }

    /// The tag a release of `version` gets: the one place a tag name is made.
    pub fn tag_of(&self, version: &semver::Version) -> String {
        format!("{}{version}", self.config.tag_prefix)
    }

    /// The cargo registry the crates go to: `registry` in the configuration, else the one
    /// registry every published crate's `publish = ["NAME"]` allows; `None` is crates.io.
    pub fn cargo_registry(&self) -> Option<String> {
        if let Some(name) = &self.config.registry {
            return Some(name.clone());
        }
        let mut lists = self
            .unit_members()
            .filter(|m| m.publish)
            .map(|m| m.package.publish.clone().unwrap_or_default());
        let first = lists.next()?;
        match first.as_slice() {
            [one] if one != "crates-io" && lists.all(|l| l == first) => Some(one.clone()),
            _ => None,
        }
    }

    /// `publish-url` names an index other than PyPI.
    pub fn private_python_index(&self) -> bool {
        self.config.publish_url.as_deref().is_some_and(|url| {
            !url.trim_end_matches('/')
                .ends_with("upload.pypi.org/legacy")
        })
    }

    /// The name a Python package is published under: `[project].name`, else the name of
    /// the crate maturin builds.
    pub fn dist_name(&self, package: &PyProject) -> String {
        let crate_name = self
            .workspace
            .member(&package.manifest)
            .map_or(&self.primary().name, |i| &self.workspace.members[i].name);
        package.dist_name(crate_name).to_string()
    }

    /// Where `publish` keeps its journal and artifacts: `target/pyrelease/` of the project
    /// itself, even when builds go to a shared `CARGO_TARGET_DIR`, so two projects releasing
    /// the same version never read each other's journal.
    pub fn release_dir(&self) -> PathBuf {
        self.root.join("target").join("pyrelease")
    }

    /// The members released together.
    pub fn unit_members(&self) -> impl Iterator<Item = &workspace::Member> {
        self.unit.iter().map(|&i| &self.workspace.members[i])
    }

    /// Whether a dependency on `package` found in the folder `dir` is a crate of the
    /// release. cargo resolves a requirement to a member only through its path (directly or
    /// by `workspace = true` on a path entry), never by name: a crates.io `foo = "0.4"`
    /// beside an `examples/foo` member is another crate.
    pub fn releases(&self, package: &str, dir: &Path) -> bool {
        let manifest = pyproject::normalize(&dir.join("Cargo.toml"));
        self.workspace
            .member(&manifest)
            .is_some_and(|i| self.unit.contains(&i) && self.workspace.members[i].name == package)
    }
}

/// The Cargo.toml cargo would use from `dir`: the nearest one in `dir` or above, like
/// cargo's own search, but not above the top of the git repository (a project without a
/// root manifest must not be taken for a member of whatever encloses its checkout).
fn find_manifest(dir: &Path) -> Option<PathBuf> {
    for dir in dir.ancestors() {
        let manifest = dir.join("Cargo.toml");
        if manifest.is_file() {
            return Some(manifest);
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

fn read_config(ws: &Workspace) -> anyhow::Result<Config> {
    let Some((_, doc)) = ws.root_manifest() else {
        return Ok(Config::default());
    };
    Ok(config::read(
        Some((&ws.manifest, doc)),
        Some((&ws.manifest, doc)),
    )?)
}

/// The maturin pyprojects to release; `found` is the walk of `search_root` when
/// it was already made.
fn select_pyprojects(
    search_root: &Path,
    config: &Config,
    wanted: &[String],
    found: Option<Vec<PathBuf>>,
) -> anyhow::Result<(Vec<PyProject>, Vec<Skipped>)> {
    let paths = match &config.pyprojects {
        Some(list) => list
            .iter()
            .map(|p| {
                let path = search_root.join(p);
                if path.is_file() {
                    Ok(path)
                } else {
                    Err(Failure::usage(format!(
                        "the configured pyproject `{}` does not exist",
                        p.display()
                    ))
                    .at(
                        config.file.as_deref().unwrap_or(search_root),
                        config.line("pyprojects"),
                    )
                    .help("`pyprojects` paths are relative to the workspace root"))
                }
            })
            .collect::<Result<Vec<_>, _>>()?,
        None => found.unwrap_or_else(|| pyproject::find(search_root)),
    };
    let mut packages = Vec::new();
    let mut skipped = Vec::new();
    for path in paths {
        // Examples and fixtures are not read at all: some are broken on purpose.
        if config.pyprojects.is_none()
            && let Some(folder) = pyproject::example_folder(search_root, &path)
        {
            let reason = format!(
                "under `{folder}/`: an example or test fixture, not released (list it in `pyprojects` to release it)"
            );
            skipped.push(Skipped {
                path,
                reason,
                kind: SkipKind::Example,
            });
            continue;
        }
        let text = crate::exec::fs::read_text(&path)?;
        match pyproject::read(&path, text)? {
            Ok(p) => packages.push(p),
            Err(s) => skipped.push(s),
        }
    }
    // The primary package is the one nearest the root (sub-packages and plugins sit deeper).
    packages.sort_by_key(|p| (p.path.components().count(), p.path.clone()));
    if !wanted.is_empty() {
        packages.retain(|p| {
            let crate_name = crate_name_of(&p.manifest);
            wanted.iter().any(|w| {
                p.name.as_deref() == Some(w.as_str()) || crate_name.as_deref() == Some(w.as_str())
            })
        });
        if packages.is_empty() {
            return Err(Failure::usage(format!(
                "no maturin package named {} under `{}`",
                wanted.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(", "),
                search_root.display()
            ))
            .help(if skipped.iter().any(|s| s.kind == SkipKind::Example) {
                "`-p` takes the Python project name or the crate name; `cargo pyrelease status` lists them (pyprojects under example and test folders are not read: list one in `pyprojects` in `[package.metadata.pyrelease]`, or `[workspace.metadata.pyrelease]` in a workspace, to release it)"
            } else {
                "`-p` takes the Python project name or the crate name; `cargo pyrelease status` lists them"
            })
            .into());
        }
    }
    if packages.is_empty() {
        let mut help = String::from(
            "a maturin package has `build-backend = \"maturin\"` in `[build-system]`; if yours is elsewhere, set `pyprojects = [\"path/to/pyproject.toml\"]` in `[package.metadata.pyrelease]` (`[workspace.metadata.pyrelease]` in a workspace)",
        );
        for s in &skipped {
            help.push_str(&format!(
                "\n      skipped `{}`: {}",
                relative(search_root, &s.path),
                s.reason
            ));
        }
        return Err(Failure::usage(format!(
            "no maturin pyproject.toml found under `{}`",
            search_root.display()
        ))
        .help(help)
        .into());
    }
    Ok((packages, skipped))
}

fn maturin_fallback_note(package: &PyProject, root: &Path) -> Option<String> {
    let shown = relative(root, &package.path);
    match package.version {
        PyVersion::Missing { line } => Some(format!(
            "{shown}:{line}: `[project]` has no `version` and no `dynamic = [\"version\"]`: maturin 1.x warns and uses Cargo's version, maturin 2 will refuse to build; add `dynamic = [\"version\"]` to `[project]`"
        )),
        PyVersion::Implicit => Some(format!(
            "{shown}: no `[project]` table: maturin takes the name and version from Cargo.toml, so there is nothing to keep in sync there"
        )),
        _ => None,
    }
}

fn find_changelog(
    root: &Path,
    config: &Config,
    package: &PyProject,
    crate_manifest: &Path,
) -> anyhow::Result<Option<ChangelogFile>> {
    let path = match &config.changelog {
        ChangelogSetting::None => None,
        ChangelogSetting::Path(rel) => {
            let path = root.join(rel);
            if !path.is_file() {
                return Err(Failure::usage(format!(
                    "the configured changelog `{}` does not exist",
                    rel.display()
                ))
                .at(
                    config.file.as_deref().unwrap_or(root),
                    config.line("changelog"),
                )
                .help("`changelog` is relative to the workspace root")
                .into());
            }
            Some(path)
        }
        // Nearest the package first: a Python package's own `py-foo/CHANGELOG.md` wins
        // over the Rust core's at the root.
        ChangelogSetting::Find => crate::changelog::locate(
            [package.path.parent(), crate_manifest.parent(), Some(root)]
                .into_iter()
                .flatten(),
        ),
    };
    path.map(|path| {
        let text = crate::exec::fs::read_text(&path)?;
        Ok(ChangelogFile {
            parsed: crate::changelog::parse(&text),
            path,
        })
    })
    .transpose()
}
