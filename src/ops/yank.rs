//! `yank VERSION`: the way back from a release. Crates are yanked (`cargo yank`); PyPI has
//! no API for yanking, so the page where it is done is printed; `--tag` deletes the tag.
use crate::cli::{GlobalArgs, YankArgs};
use crate::error::{Exit, Failure};
use crate::exec::cmd::Cmd;
use crate::exec::{Executor, Mode};
use crate::plan::commands as plan;
use crate::project::Project;
use crate::registry::Targets;
use crate::shell::Shell;

pub fn run(global: &GlobalArgs, args: &YankArgs, shell: &Shell) -> anyhow::Result<Exit> {
    crate::exec::undo::recover(global.manifest_path.as_deref(), false, shell)?;
    let project = Project::load(&global.load_options())?;
    let version = semver::Version::parse(args.release.trim_start_matches('v')).map_err(|err| {
        Failure::usage(format!("`{}` is not a version: {err}", args.release))
            .help("give the version as in Cargo.toml, e.g. `cargo pyrelease yank 1.4.0`")
    })?;
    let targets = Targets::resolve(&project, &global.overrides())?;
    let mut steps: Vec<(String, Cmd)> = Vec::new();
    let mut found = false;
    for member in project.unit_members().filter(|m| m.publish) {
        let published = targets
            .crates
            .versions(&member.name)
            .map_err(Failure::from)?;
        match published.iter().find(|v| v.version == version) {
            None => shell.note(format!(
                "{} {version} is not on {}: nothing to yank",
                member.name,
                targets.crates_name()
            )),
            Some(v) if v.yanked => {
                found = true;
                shell.note(format!("{} {version} is already yanked", member.name));
            }
            Some(_) => {
                found = true;
                steps.push((
                    format!("{} {version} on {}", member.name, targets.crates_name()),
                    plan::yank_crate(
                        &project.workspace.manifest,
                        &member.name,
                        &version,
                        targets.registry.as_deref(),
                    ),
                ));
            }
        }
    }
    let pep440 = crate::version::to_pep440(&version).ok();
    let mut on_index = Vec::new();
    if let Some(pep440) = &pep440 {
        let ours = Some(pep440.clone());
        for package in &project.packages {
            let name = project.dist_name(package);
            let files = targets.python.files(&name).map_err(Failure::from)?;
            if files
                .iter()
                .any(|f| crate::registry::version_from_filename(&name, f) == ours)
            {
                on_index.push(name);
            }
        }
    }
    if !found && on_index.is_empty() {
        return Err(Failure::failed(format!(
            "{} {version} was never published: it is neither on {} nor on {}; nothing was yanked",
            project.name(),
            targets.crates_name(),
            crate::registry::redact_url(targets.python.simple_url())
        ))
        .help("check the version (`cargo pyrelease status --published` shows what is out); the registry flags (`--registry`, `--index-url`) must name the registries it went to")
        .into());
    }
    let tag = project.tag_of(&version);
    if args.tag {
        if crate::project::git::tag_commit(&project.root, &tag).is_some() {
            steps.push((format!("tag {tag}"), plan::delete_tag(&project.root, &tag)));
        }
        let remote = crate::project::git::remote(&project.root);
        if let Some(remote) = remote {
            steps.push((
                format!("tag {tag} on {remote}"),
                plan::delete_remote_tag(&project.root, &remote, &tag),
            ));
        }
    }
    let mode = Mode::of(args.dry_run);
    for (what, cmd) in &steps {
        Executor { mode, shell }.run("Yanking", what, cmd)?;
    }
    // Nothing to run for PyPI: say where, and which release.
    if let Some(pep440) = pep440 {
        for name in &on_index {
            let name = crate::registry::normalize_python_name(name);
            let page = if targets.is_pypi() {
                format!("https://pypi.org/manage/project/{name}/release/{pep440}/")
            } else {
                format!(
                    "the admin page of `{name}` {pep440} on {}",
                    targets.python.simple_url()
                )
            };
            shell.note(format!(
                "PyPI cannot yank through an API: yank `{name}` {pep440} at {page}"
            ));
        }
    }
    let verb = match (args.dry_run, steps.is_empty()) {
        (true, _) => "Checked",
        (false, false) => "Yanked",
        (false, true) => "Unchanged",
    };
    shell.status(
        verb,
        format!(
            "{} {version}{}",
            project.name(),
            if args.dry_run {
                " (dry run: nothing changed)"
            } else {
                ""
            }
        ),
    );
    Ok(Exit::Ok)
}
