use crate::cli::{BumpArgs, GlobalArgs};
use crate::diag::FindingId;
use crate::error::{Exit, Failure};
use crate::exec::cmd::{Cmd, Kind};
use crate::exec::{Executor, Mode};
use crate::plan::bump::BumpRequest;
use crate::plan::changelog::Source;
use crate::project::Project;
use crate::shell::Shell;
use crate::version::{Level, Target};

pub fn run(global: &GlobalArgs, args: &BumpArgs, shell: &Shell) -> anyhow::Result<Exit> {
    let mut request = request(args)?;
    crate::exec::lock::hold(global.manifest_path.as_deref(), shell)?;
    crate::exec::undo::recover(global.manifest_path.as_deref(), !args.dry_run, shell)?;
    let (project, early) =
        Project::load_beside(&global.load_options(), crate::project::git::status)?;
    let git = crate::project::git::state(early, &project.root)?;
    if let Some(cl) = &project.changelog
        && Source::resolve(request.changelog, &cl.parsed) == Source::Commits
    {
        if git.is_none() {
            let why = match request.changelog {
                Some(_) => "`--changelog=commits` writes the changelog section".to_string(),
                None => format!(
                    "`{}` has no Unreleased section, so its new section is written",
                    project.rel(&cl.path)
                ),
            };
            return Err(Failure::usage(format!(
                "{why} from the commits since the last release, and `{}` is not in a git repository",
                project.root.display()
            ))
            .help("add an `## [Unreleased]` section with this release's changes, or pass `--changelog=none` to leave the changelog alone")
            .into());
        }
        // The current version's tag, or the newest tag of another spelling.
        let tag = project.tag();
        request.since = if crate::project::git::tag_commit(&project.root, &tag).is_some() {
            Some(tag)
        } else {
            crate::project::commits::last_tag(&project.root)
        };
        request.commits = crate::project::commits::since(&project.root, request.since.as_deref())?;
    }
    let ignored = match &git {
        Some(_) if request.commit => git_ignored(&project.root)?,
        _ => Vec::new(),
    };
    let auto = args.target == "auto";
    if auto {
        request.target = super::breaking::auto_target(&project, global, shell)?;
    }
    let bump = crate::plan::bump::plan(&project, git.as_ref(), &request, &ignored)?;
    if !auto && !bump.first {
        super::breaking::guard(&project, &bump.new, global, shell)?;
    }
    // Checked before anything is written: a first release keeps the version, so its
    // tag must not exist yet (`--tag` or not); with `--tag`, a tag that cannot be made
    // would leave the release commit without its tag.
    let tagged = (bump.first || request.tag)
        && crate::project::git::tag_commit(&project.root, &bump.tag).is_some();
    if tagged && bump.first {
        return Err(Failure::check(
            FindingId::TagExists,
            format!(
                "already at `{}`, and the tag `{}` exists: {} is released",
                project.version, bump.tag, project.version
            ),
        )
        .help(
            crate::plan::bump::same_version(&project, &request)
                .help
                .unwrap_or_default(),
        )
        .into());
    }
    if tagged {
        return Err(Failure::check(
            FindingId::TagExists,
            format!("the tag `{}` already exists", bump.tag),
        )
        .help(format!(
            "bump to another version, or delete the tag first with `git tag -d {}`",
            bump.tag
        ))
        .into());
    }
    let name = project.name();
    if bump.first {
        shell.status(
            "Releasing",
            format!(
                "{name} {} as it is (PEP 440: {}): its first release, the changelog's `[Unreleased]` becomes its section",
                bump.new, bump.pep440
            ),
        );
    } else {
        let (old, new, pep) = (&bump.old, &bump.new, &bump.pep440);
        shell.status("Bumping", format!("{name} {old} -> {new} (PEP 440: {pep})"));
    }
    // The flag is bump's alone: the release's checks still want notes.
    if args.allow_empty_changelog
        && project.changelog.is_some()
        && !project
            .config
            .allow
            .contains(&crate::diag::FindingId::ChangelogSectionEmpty)
    {
        shell.note(format!(
            "`--allow-empty-changelog` lets bump write a section that lists no changes; `verify` and `publish` still report it (`changelog-section-empty`) unless `allow` in `{}` lists that id",
            project.config_table()
        ));
    }
    let mode = Mode::of(args.dry_run);
    Executor { mode, shell }.apply(&bump.plan)?;
    if args.dry_run {
        shell.warn("aborting bump due to dry run; nothing was changed");
    } else {
        shell.out(format!("{} {} -> {}", project.name(), bump.old, bump.new));
    }
    Ok(Exit::Ok)
}

/// The files and folders git ignores under `root` (a library's Cargo.lock, `target/`):
/// `git add` refuses them, so they stay out of the release commit.
fn git_ignored(root: &std::path::Path) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let out = Cmd::git(Kind::Read)
        .args([
            "ls-files",
            "-z",
            "--others",
            "--ignored",
            "--exclude-standard",
            "--directory",
        ])
        .cwd(root)
        .read()?;
    Ok(out
        .split('\0')
        .filter(|p| !p.is_empty())
        .map(|p| root.join(p))
        .collect())
}

fn request(args: &BumpArgs) -> anyhow::Result<BumpRequest> {
    let target = match args.target.as_str() {
        // Chosen once the project is read (`ops::breaking::auto_target`).
        "auto" => Target::Level(Level::Patch),
        given => given.parse::<Target>().map_err(|e| {
            let failure = Failure::usage(e.message);
            match e.help {
                Some(help) => failure.help(help),
                None => failure,
            }
        })?,
    };
    let pre = args.pre;
    let date = match &args.date {
        Some(date) => {
            check_date(date)?;
            date.clone()
        }
        None => crate::ops::today_utc(),
    };
    Ok(BumpRequest {
        target,
        pre,
        allow_downgrade: args.allow_downgrade,
        allow_empty_changelog: args.allow_empty_changelog,
        changelog: args.changelog.as_deref().map(|c| match c {
            "unreleased" => Source::Unreleased,
            "commits" => Source::Commits,
            _ => Source::None,
        }),
        commits: Vec::new(),
        since: None,
        allow_dirty: args.allow_dirty,
        date,
        commit: args.commit,
        tag: args.tag,
        message: args.message.clone(),
    })
}

fn check_date(date: &str) -> anyhow::Result<()> {
    let parts: Vec<&str> = date.split('-').collect();
    let ok = matches!(parts.as_slice(), [y, m, d]
        if y.len() == 4 && m.len() == 2 && d.len() == 2
        && y.parse::<u32>().is_ok()
        && m.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
        && d.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d)));
    if ok {
        Ok(())
    } else {
        Err(Failure::usage(format!("`--date {date}` is not a date"))
            .help("write it as YYYY-MM-DD, e.g. `--date 2026-11-25`")
            .into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(crate::ops::civil_from_days(0), (1970, 1, 1));
        assert_eq!(crate::ops::civil_from_days(20_417), (2025, 11, 25));
        assert_eq!(crate::ops::civil_from_days(19_782), (2024, 2, 29));
    }

    #[test]
    fn dates_are_checked() {
        assert!(check_date("2026-11-25").is_ok());
        assert!(check_date("2026-13-01").is_err());
        assert!(check_date("25.11.2026").is_err());
    }
}
