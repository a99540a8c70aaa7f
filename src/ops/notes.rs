use crate::cli::{GlobalArgs, NotesArgs, NotesFormat, NotesTemplate};
use crate::error::{Exit, Failure};
use crate::project::Project;
use crate::render::notes::Release;
use crate::shell::Shell;

pub fn run(global: &GlobalArgs, args: &NotesArgs, shell: &Shell) -> anyhow::Result<Exit> {
    crate::exec::undo::recover(global.manifest_path.as_deref(), false, shell)?;
    let NotesArgs {
        version,
        format,
        template,
    } = args;
    let project = Project::load(&global.load_options())?;
    let version = match version {
        Some(v) => parse_version(v, &project.config.tag_prefix)?,
        None => project.version.clone(),
    };
    let pep440 = crate::version::to_pep440(&version)
        .map_err(|e| Failure::from(e).context(format!("`{version}` has no PEP 440 spelling")))?
        .to_string();
    let changelog = project.changelog.as_ref().ok_or_else(|| {
        let why = match project.config.changelog {
            crate::project::config::ChangelogSetting::None => "`changelog = false`",
            _ => "no changelog found",
        };
        Failure::usage(format!(
            "{why}: the notes come from the changelog's section of the version"
        ))
        .help(format!(
            "add a CHANGELOG.md, or name yours with `changelog = \"PATH\"` in `{}`",
            project.config_table()
        ))
    })?;
    let semver = version.to_string();
    let section = changelog
        .parsed
        .release(&semver)
        .ok_or_else(|| {
            let help = match changelog.parsed.unreleased() {
                Some(s) if version == project.version => format!(
                    "{semver} is the current version, and the changelog's changes are still under Unreleased (line {}): `cargo pyrelease bump` makes them the next release's section; for an earlier release, pass its version",
                    s.line
                ),
                _ => "pass a version the changelog has a section for".to_string(),
            };
            Failure::usage(format!(
                "`{}` has no section for {semver}",
                project.rel(&changelog.path)
            ))
            .at(&changelog.path, None)
            .help(help)
        })?;
    let body = changelog.parsed.section_body(section).replace("\r\n", "\n");
    let targets = crate::registry::Targets::resolve(&project, &global.overrides())?;
    let release = Release::of(&project, &targets, &version, &pep440, body);
    let text = match template {
        NotesTemplate::Notes => release.notes(),
        NotesTemplate::Announcement => release.announcement(),
    };
    match format {
        NotesFormat::Markdown => shell.out(text.trim_end()),
        NotesFormat::Json => {
            let json = serde_json::json!({
                "version": semver,
                "pep440": pep440,
                "tag": project.tag_of(&version),
                "changelog": project.rel(&changelog.path),
                "line": section.line,
                "date": section.date,
                "section": release.body,
                "links": release.links(),
                "text": text,
            });
            shell.out(serde_json::to_string_pretty(&json)?);
        }
    }
    Ok(Exit::Ok)
}

/// `1.2.0`, `v1.2.0` or the configured tag (`py-v1.2.0`).
fn parse_version(arg: &str, prefix: &str) -> anyhow::Result<semver::Version> {
    let bare = arg
        .strip_prefix(prefix)
        .filter(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
        .or_else(|| arg.strip_prefix('v'))
        .unwrap_or(arg);
    bare.parse().map_err(|e| {
        Failure::usage(format!("`{arg}` is not a version: {e}"))
            .help("pass a version such as `1.4.0` or `1.4.0-rc.1`, or the tag `v1.4.0`")
            .into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_tags() {
        assert_eq!(parse_version("1.2.0", "v").unwrap().to_string(), "1.2.0");
        assert_eq!(
            parse_version("v1.2.0-rc.1", "v").unwrap().to_string(),
            "1.2.0-rc.1"
        );
        assert_eq!(
            parse_version("py-v2.0.0", "py-v").unwrap().to_string(),
            "2.0.0"
        );
        assert!(parse_version("next", "v").is_err());
    }
}
