//! Command-line interface: clap types that turn into requests. No logic here.
use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::shell::{ColorChoice, Shell, Verbosity};

const EXAMPLES: &str = "\
Examples:
  cargo pyrelease status                 what would be released, from where
  cargo pyrelease sync --check           exit 1 if pyproject.toml disagrees with Cargo.toml
  cargo pyrelease bump minor --dry-run   show the diff of a 0.3.1 -> 0.4.0 release
  cargo pyrelease verify                 is this release ready? every problem at once
  cargo pyrelease publish --dry-run      build and check everything, publish nothing

Exit codes: 0 ok, 1 a check or step failed (nothing irreversible happened),
2 usage or configuration error, 3 a release stopped part-way.";

/// Release a Rust + Python (maturin) project as one unit.
///
/// Cargo.toml holds the version; pyproject.toml, Cargo.lock, dependents and the
/// changelog follow it.
#[derive(Debug, Parser)]
#[command(
    name = "cargo-pyrelease",
    bin_name = "cargo pyrelease",
    version,
    after_help = EXAMPLES,
    propagate_version = true,
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// The flags every command accepts, defined once (`global = true`: before or after the
/// command's name). A command that cannot honour one refuses it: see [`INAPPLICABLE`].
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Path to Cargo.toml (default: the one in the current directory, if any)
    #[arg(long, global = true, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// The Python package (project or crate name) to release, when there are several
    #[arg(short = 'p', long = "package", global = true, value_name = "NAME")]
    pub package: Vec<String>,
    #[command(flatten)]
    pub registries: RegistryArgs,
    /// Ask no registry: the look-ups are skipped, and a note says which
    #[arg(long, global = true)]
    pub offline: bool,
    /// Coloring
    #[arg(long, global = true, value_enum, default_value_t, value_name = "WHEN")]
    pub color: ColorChoice,
    /// More output (-vv: also what subprocesses print)
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// No status output, only results and errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
}

impl GlobalArgs {
    pub fn shell(&self) -> Shell {
        let verbosity = match (self.quiet, self.verbose) {
            (true, _) => Verbosity::Quiet,
            (false, 0) => Verbosity::Normal,
            (false, 1) => Verbosity::Verbose,
            _ => Verbosity::VeryVerbose,
        };
        Shell::new(self.color, verbosity)
    }

    /// The registries chosen on the command line (configuration fills in the rest).
    pub fn overrides(&self) -> crate::registry::Overrides {
        let RegistryArgs {
            registry,
            index_url,
            publish_url,
        } = &self.registries;
        crate::registry::Overrides {
            registry: registry.clone(),
            index_url: index_url.clone(),
            publish_url: publish_url.clone(),
        }
    }

    pub fn load_options(&self) -> crate::project::LoadOptions {
        crate::project::LoadOptions {
            manifest_path: self.manifest_path.clone(),
            packages: self.package.clone(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Human,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what would be released: packages, crates, versions, changelog, tag
    #[command(after_help = "\
Examples:
  cargo pyrelease status
  cargo pyrelease status --format json | jq .version
  cargo pyrelease status --manifest-path crates/py/Cargo.toml
  cargo pyrelease status --published --downloads   after a release: live everywhere?
  cargo pyrelease status --spots                    versions in READMEs that bump does not move yet")]
    Status(StatusArgs),
    /// Write Cargo's version into every static pyproject.toml version (and uv.lock)
    #[command(after_help = "\
Examples:
  cargo pyrelease sync             fix pyproject.toml after editing Cargo.toml by hand
  cargo pyrelease sync --check     in CI or a pre-commit hook: exit 1 on any mismatch
  cargo pyrelease sync --dry-run   show the diff, change nothing")]
    Sync(SyncArgs),
    /// Move to a new version everywhere and roll the changelog, atomically
    #[command(after_help = "\
Levels (npm semantics for pre-releases):
  major | minor | patch   1.2.3 -> 2.0.0 | 1.3.0 | 1.2.4;  1.3.0-rc.1 + minor -> 1.3.0
  alpha | beta | rc | dev  next pre-release of that kind: 1.2.3 + rc -> 1.2.4-rc.1
  release                  drop the pre-release: 1.3.0-rc.2 -> 1.3.0
  X.Y.Z[-pre]              an exact version, e.g. 2.0.0-beta.1
  auto                     from the breaking changes against the last release and the
                           conventional commits since its tag (feat: minor, `!`: major;
                           below 1.0 one step less), printing why

Examples:
  cargo pyrelease bump minor --dry-run
  cargo pyrelease bump minor --pre rc        1.2.3 -> 1.3.0-rc.1
  cargo pyrelease bump patch --commit --tag
  cargo pyrelease bump auto --dry-run        the level the changes need, and why")]
    Bump(BumpArgs),
    /// Check that a release is ready: every finding at once, each with its fix
    #[command(after_help = "\
Examples:
  cargo pyrelease verify --offline            local checks only (pre-commit)
  cargo pyrelease verify --tag v1.4.0         in CI, on the tag being released
  cargo pyrelease verify --format json        for scripts: {\"version\", \"findings\": [...]}
  cargo pyrelease verify --docs               also build the docs as docs.rs does

Finding ids are listed in the README; silence one with `allow = [\"ID\"]` in
`[package.metadata.pyrelease]` (`[workspace.metadata.pyrelease]` in a workspace).
Exit 1 when any error is found.")]
    Verify(VerifyArgs),
    /// Build every artifact once and publish crates and Python files together, resumably
    #[command(after_help = "\
Steps: verify -> gates -> build once (cargo package, maturin sdist + build) ->
check artifacts -> cargo publish -> upload wheels and sdist -> tag and push ->
GitHub release (a draft, then published). Every run asks both registries: what
this release put there (the same checksums) is done. A re-run after any stop
finishes the rest with the same files, kept with the commit they were built from
in target/pyrelease/<version>-<registries>.json.

Examples:
  cargo pyrelease publish --dry-run            build and check everything, print what would be published
  cargo pyrelease publish                      the whole release, asking once before the first upload
  cargo pyrelease publish --only crates        in CI: the crates job
  cargo pyrelease publish --only python --dist dist/   in CI: upload the wheels the matrix built
  cargo pyrelease publish --registry corp --index-url https://pypi.corp/simple/ --publish-url https://pypi.corp/

Tokens come from the environment only: CARGO_REGISTRY_TOKEN (or
CARGO_REGISTRIES_<NAME>_TOKEN), UV_PUBLISH_TOKEN, TWINE_PASSWORD, MATURIN_PYPI_TOKEN,
or trusted publishing in GitHub Actions. Exit 3 when a release stopped part-way.")]
    Publish(PublishArgs),
    /// Take a published release back: yank its crates, show where to yank on PyPI
    #[command(after_help = "\
Examples:
  cargo pyrelease yank 1.4.0 --dry-run
  cargo pyrelease yank 1.4.0 --tag       also delete the tag, here and on the remote

PyPI has no API for yanking: the command prints the page of each release where
it is done by hand.")]
    Yank(YankArgs),
    /// Print the changelog section of a version as release notes, with registry links
    #[command(after_help = "\
Examples:
  cargo pyrelease notes                          the current version's notes (GitHub release body)
  cargo pyrelease notes 0.3.1 > notes.md         an earlier release (`v0.3.1` works too)
  cargo pyrelease notes --template announcement  a short announcement with install lines
  cargo pyrelease notes --format json | jq -r .text")]
    Notes(NotesArgs),
    /// Write the GitHub release workflow, the configuration block and the pre-commit hooks
    #[command(after_help = "\
Writes, all or nothing:
  .github/workflows/release.yml   on a pushed tag: verify, test, wheels, sdist, publish
                                  crates and PyPI (trusted publishing), GitHub release
  [package.metadata.pyrelease]    in Cargo.toml, the detected settings (kept if present;
                                  `[workspace.metadata.pyrelease]` in a workspace)
  .pre-commit-config.yaml         the pyrelease-sync and pyrelease-verify hooks (appended)
and prints the setup to do by hand on crates.io, PyPI and GitHub.

Examples:
  cargo pyrelease init --dry-run          show every new file and diff, write nothing
  cargo pyrelease init
  cargo pyrelease init --force            replace an existing release.yml
  cargo pyrelease init --replace          also remove the release job of maturin's CI.yml
  cargo pyrelease init --check            lint release.yml: actionlint, schema, zizmor")]
    Init(InitArgs),
}

pub use crate::plan::publish::Only;

/// Where a release goes; the same for every command, so `verify` asks the servers
/// `publish` uploads to.
#[derive(Debug, Args)]
pub struct RegistryArgs {
    /// The cargo registry, as named in cargo's configuration (default: crates.io)
    #[arg(long, global = true, value_name = "NAME")]
    pub registry: Option<String>,
    /// The Python index's simple API, for look-ups (default: https://pypi.org/simple/)
    #[arg(long, global = true, value_name = "URL")]
    pub index_url: Option<String>,
    /// The Python index's upload URL (default: https://upload.pypi.org/legacy/)
    #[arg(long, global = true, value_name = "URL")]
    pub publish_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct PublishArgs {
    /// Run every local and read-only step for real; print the irreversible ones
    #[arg(long)]
    pub dry_run: bool,
    /// Upload the wheels and sdist in DIR (from a CI build matrix) instead of building them
    #[arg(long, value_name = "DIR")]
    pub dist: Option<PathBuf>,
    /// Skip the gates (tests and lints run before anything is built)
    #[arg(long)]
    pub no_gates: bool,
    /// The program that uploads Python files (default: uv)
    #[arg(long, value_enum, value_name = "PROGRAM")]
    pub uploader: Option<crate::project::config::Uploader>,
    /// Publish only to one side (CI runs one job per registry)
    #[arg(long, value_enum, value_name = "SIDE")]
    pub only: Option<Only>,
    /// Do not create or push the release tag
    #[arg(long)]
    pub no_tag: bool,
    /// Do not create a GitHub release
    #[arg(long)]
    pub no_github_release: bool,
    /// Do not ask before publishing
    #[arg(long, short = 'y')]
    pub yes: bool,
}

impl PublishArgs {
    /// The executor's mode: `--dry-run` is read here, the request's edge, and nowhere
    /// below (the release's steps are the same in both modes).
    pub fn mode(&self) -> crate::exec::Mode {
        crate::exec::Mode::of(self.dry_run)
    }
}

#[derive(Debug, Args)]
pub struct YankArgs {
    /// The version to take back, as in Cargo.toml (e.g. 1.4.0)
    #[arg(value_name = "VERSION", id = "release")]
    pub release: String,
    /// Also delete the release tag, locally and on the remote
    #[arg(long)]
    pub tag: bool,
    /// Print what would be done, and do nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum NotesFormat {
    #[default]
    Markdown,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum NotesTemplate {
    /// The section and the registry links
    #[default]
    Notes,
    /// Title, highlights, install lines for cargo and pip
    Announcement,
}

#[derive(Debug, Args)]
pub struct NotesArgs {
    /// The version (or its tag); default: the current version
    #[arg(value_name = "VERSION", id = "notes_version")]
    pub version: Option<String>,
    /// Output format (json: version, pep440, tag, changelog, line, date, section, links, text)
    #[arg(long, value_enum, default_value_t)]
    pub format: NotesFormat,
    /// What to write
    #[arg(long, value_enum, default_value_t)]
    pub template: NotesTemplate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Ci {
    /// GitHub Actions
    #[default]
    Github,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The CI service to write a release workflow for
    #[arg(long, value_enum, default_value_t)]
    pub ci: Ci,
    /// Replace an existing release workflow
    #[arg(long)]
    pub force: bool,
    /// Remove the jobs of other workflows that publish to PyPI or crates.io
    /// (maturin's `CI.yml`), instead of refusing
    #[arg(long)]
    pub replace: bool,
    /// Lint the release workflow as it is (actionlint with shellcheck, GitHub's
    /// workflow schema, zizmor --offline); write nothing
    #[arg(long, conflicts_with_all = ["force", "replace", "dry_run"])]
    pub check: bool,
    /// Print the new files and the diffs, and write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The tag being released (default: $GITHUB_REF_NAME when $GITHUB_REF_TYPE is `tag`)
    #[arg(long, value_name = "TAG")]
    pub tag: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Treat warnings as errors
    #[arg(long)]
    pub deny_warnings: bool,
    /// On the release tag in CI: the wheels and sdist this release built, so that a
    /// version it already uploaded is recognised by hash (a re-run job)
    #[arg(long, value_name = "DIR")]
    pub dist: Option<PathBuf>,
    /// Also build each published crate's documentation as docs.rs does (a compile)
    #[arg(long)]
    pub docs: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Output format (json: a stable schema, documented in the README)
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Ask the registries whether the current version is live on both (exit 1 if not)
    #[arg(long)]
    pub published: bool,
    /// With --published: download counts, where the registry offers them (crates.io)
    #[arg(long, requires = "published")]
    pub downloads: bool,
    /// Find the version spots in READMEs and docs that `bump` does not move, and print
    /// them as `version-files` entries to paste into Cargo.toml
    #[arg(long, conflicts_with = "published")]
    pub spots: bool,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// Change nothing; exit 1 and list every file:line that differs
    #[arg(long, conflicts_with = "dry_run")]
    pub check: bool,
    /// Print the diff of what would change, and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// First add the version spots `status --spots` finds in READMEs and docs to the
    /// configuration as `version-files` entries, so `bump` moves them from then on
    #[arg(long, conflicts_with = "check")]
    pub spots: bool,
}

#[derive(Debug, Args)]
pub struct BumpArgs {
    /// major, minor, patch, alpha, beta, rc, dev, release, auto, or an exact version
    #[arg(value_name = "LEVEL|VERSION")]
    pub target: String,
    /// Start a pre-release of this kind at the given level (with major, minor or patch)
    #[arg(long, value_name = "KIND", value_parser = pre_kind())]
    pub pre: Option<crate::version::PreKind>,
    /// Print the diff of every file and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Date of the changelog heading, YYYY-MM-DD (default: today, UTC)
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// Commit exactly the changed files
    #[arg(long)]
    pub commit: bool,
    /// Add an annotated tag (prefix from config, default `v`) with the changelog section
    #[arg(long)]
    pub tag: bool,
    /// Commit message; `{version}` becomes the tag name
    #[arg(long, value_name = "MSG", requires = "commit")]
    pub message: Option<String>,
    /// Allow uncommitted changes in the working tree
    #[arg(long)]
    pub allow_dirty: bool,
    /// Allow an explicit version that is lower than the current one
    #[arg(long)]
    pub allow_downgrade: bool,
    /// Where the new changelog section's entries come from: `unreleased` (the Unreleased
    /// section becomes the release's), `commits` (written from the commits since the last
    /// release tag, grouped by conventional-commit type), or `none` (the changelog is left
    /// alone). Default: `unreleased` when the changelog has an Unreleased section, else
    /// `commits`
    #[arg(long, value_name = "FROM", value_parser = ["unreleased", "commits", "none"])]
    pub changelog: Option<String>,
    /// Allow a release whose changelog section lists no changes (an empty Unreleased, or
    /// no commits since the last release); `verify` and `publish` still report the empty
    /// section unless `allow` lists `changelog-section-empty`
    #[arg(long)]
    pub allow_empty_changelog: bool,
}

/// Global flags a command cannot honour, with why: hidden from that command's help and
/// refused (exit 2) when given, never ignored.
const INAPPLICABLE: &[(&str, &[&str], &str)] = &[
    (
        "sync",
        &["registry", "index_url", "publish_url"],
        "it asks no registry: it writes Cargo's version into the project's own files",
    ),
    (
        "init",
        &["registry", "index_url", "publish_url"],
        "the workflow it writes runs `publish` with the registries of the configuration: set `registry`, `index-url` or `publish-url` in the `metadata.pyrelease` table of Cargo.toml, then run `init`",
    ),
    (
        "publish",
        &["offline"],
        "a release asks both registries what is out and uploads to them; `publish --dry-run` checks everything and publishes nothing, `verify --offline` checks without a network",
    ),
    (
        "yank",
        &["offline"],
        "it asks the cargo registry to yank the crates; `yank --dry-run` prints what it would do",
    ),
];

/// The clap command, with each global flag hidden from the help of the commands in
/// [`INAPPLICABLE`]: such a command gets a hidden copy of the flag (the same id, so the
/// value still reaches [`GlobalArgs`]), which clap then does not propagate over.
pub fn command() -> clap::Command {
    let cmd = Cli::command();
    let globals: Vec<clap::Arg> = cmd
        .get_arguments()
        .filter(|arg| arg.is_global_set())
        .cloned()
        .collect();
    INAPPLICABLE.iter().fold(cmd, |cmd, (name, ids, _)| {
        cmd.mut_subcommand(name, |sub| {
            globals
                .iter()
                .filter(|arg| ids.contains(&arg.get_id().as_str()))
                .fold(sub, |sub, arg| sub.arg(arg.clone().hide(true)))
        })
    })
}

/// Parses the (normalized) command line; a global flag the command cannot honour is a
/// usage error that says why.
pub fn parse(args: Vec<OsString>) -> Result<Cli, clap::Error> {
    let mut cmd = command();
    let matches = cmd.try_get_matches_from_mut(args)?;
    if let Some((name, sub)) = matches.subcommand() {
        let given = |id: &str| {
            [&matches, sub]
                .iter()
                .any(|m| m.value_source(id) == Some(clap::parser::ValueSource::CommandLine))
        };
        for (_, ids, why) in INAPPLICABLE.iter().filter(|(c, ..)| *c == name) {
            if let Some(id) = ids.iter().find(|id| given(id)) {
                let flag = id.replace('_', "-");
                let message = format!("`--{flag}` does not apply to `{name}`: {why}");
                let kind = clap::error::ErrorKind::ArgumentConflict;
                // The usage line of the command given, as clap's own errors show it.
                return Err(match cmd.find_subcommand_mut(name) {
                    Some(sub) => sub.error(kind, message),
                    None => cmd.error(kind, message),
                });
            }
        }
    }
    Cli::from_arg_matches(&matches).map_err(|err| err.format(&mut cmd))
}

/// `--pre`: the names clap lists in help and errors, parsed by `PreKind`'s own `FromStr`.
fn pre_kind() -> impl clap::builder::TypedValueParser<Value = crate::version::PreKind> {
    use clap::builder::TypedValueParser as _;

    use crate::version::PreKind;
    clap::builder::PossibleValuesParser::new(PreKind::ALL.map(PreKind::as_str))
        .try_map(|s| s.parse::<PreKind>())
}

/// `cargo pyrelease ...` runs us as `cargo-pyrelease pyrelease ...`; drop that word
/// so both spellings parse the same.
pub fn normalize(mut args: Vec<OsString>) -> Vec<OsString> {
    if args.get(1).is_some_and(|a| a == "pyrelease") {
        args.remove(1);
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verify_app() {
        command().debug_assert();
    }

    fn parse_args(args: &[&str]) -> Result<Cli, clap::Error> {
        parse(
            std::iter::once("cargo-pyrelease")
                .chain(args.iter().copied())
                .map(Into::into)
                .collect(),
        )
    }

    /// `cargo pyrelease NAME --help`, as printed.
    fn help_of(name: &str) -> String {
        let err = parse_args(&[name, "--help"]).unwrap_err();
        assert_eq!(err.kind(), clap::error::ErrorKind::DisplayHelp);
        err.to_string()
    }

    #[test]
    fn global_flags_parse_before_and_after_the_command() {
        for args in [
            &["--offline", "--registry", "corp", "verify"][..],
            &["verify", "--offline", "--registry", "corp"],
        ] {
            let cli = parse_args(args).unwrap();
            assert!(cli.global.offline, "{args:?}");
            assert_eq!(cli.global.registries.registry.as_deref(), Some("corp"));
        }
    }

    #[test]
    fn a_flag_a_command_cannot_honour_is_refused_and_hidden() {
        for (name, ids, _) in INAPPLICABLE {
            for id in *ids {
                let flag = format!("--{}", id.replace('_', "-"));
                let mut args = vec![*name, flag.as_str()];
                if *id != "offline" {
                    args.push("x");
                }
                if *name == "yank" {
                    args.push("1.0.0");
                }
                let err = parse_args(&args).unwrap_err();
                assert_eq!(err.exit_code(), 2, "{args:?}");
                assert!(err.to_string().contains("does not apply"), "{err}");
                let help = help_of(name);
                assert!(
                    !help.contains(&flag),
                    "`{name} --help` lists {flag}:\n{help}"
                );
            }
        }
        let help = help_of("verify");
        for flag in [
            "--offline",
            "--registry",
            "--index-url",
            "--publish-url",
            "--package",
        ] {
            assert!(help.contains(flag), "`verify --help` lacks {flag}");
        }
    }

    #[test]
    fn both_invocations_parse_alike() {
        let direct = normalize(vec!["cargo-pyrelease".into(), "status".into()]);
        let via_cargo = normalize(vec![
            "cargo-pyrelease".into(),
            "pyrelease".into(),
            "status".into(),
        ]);
        assert_eq!(direct, via_cargo);
    }
}
