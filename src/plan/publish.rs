//! `publish` as a plan. The state is read once (the registries, the journal, git, GitHub)
//! into a [`State`]; [`plan`] turns it, purely, into the steps that finish the release,
//! each [`Effect::Local`] or [`Effect::Irreversible`], each either run or skipped with its
//! reason; the one executor (`exec::release`) runs them, or in a dry run prints the
//! irreversible ones.
//!
//! The registries are the truth: a crate whose checksum on the index equals the `.crate`
//! this release built, or that this release's journal says it published, is done; one of
//! other bytes is a refusal. The journal only remembers what this release did.
use std::path::PathBuf;

use crate::exec::cmd::Cmd;
pub use crate::exec::release::{Action, Effect, Step};

/// What a registry lists under a name this release uploads: absent, or there with the
/// sha256 the index gives (`None` when it gives none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Listed {
    Absent,
    There(Option<String>),
}

#[derive(Debug, Clone)]
pub struct Item {
    /// The crate's name, or the Python file's name.
    pub name: String,
    /// The sha256 of the file this release built.
    pub sha256: String,
    pub path: PathBuf,
    pub listed: Listed,
    /// The journal says this release published it.
    pub journaled: bool,
}

#[derive(Debug, Clone, Default)]
pub struct TagState {
    /// The release makes and pushes a tag (in git, not `--no-tag`, not run from the tag).
    pub wanted: bool,
    pub local: bool,
    /// The remote tags go to, and whether it has the tag already; `None`: no remote.
    pub remote: Option<(String, bool)>,
    /// The branch HEAD is on, pushed with the tag.
    pub branch: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Github {
    /// Not wanted (`--no-github-release`, one side of a CI release) or `gh` is missing.
    Off,
    None,
    Draft {
        assets: Vec<String>,
    },
    Published,
}

/// Which registries `publish` touches (`--only`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Only {
    Crates,
    Python,
}

/// Everything a plan is made from.
#[derive(Debug, Clone)]
pub struct State {
    pub crates: Vec<Item>,
    pub files: Vec<Item>,
    pub tag: TagState,
    pub github: Github,
    pub only: Option<Only>,
}

/// The commands a plan's steps run, built by the caller from `plan::commands`: the
/// planner decides what runs, not how a command is spelled.
pub trait Commands {
    fn publish_crates(&self, names: &[&str]) -> (Cmd, Cmd);
    fn upload(&self, files: &[PathBuf]) -> Cmd;
    fn tag(&self) -> Cmd;
    fn push(&self, remote: &str, branch: Option<&str>) -> Cmd;
    fn github_create(&self, files: &[PathBuf]) -> Cmd;
    fn github_upload(&self, files: &[PathBuf]) -> Cmd;
    fn github_publish(&self) -> Cmd;
    /// How the registries are named in messages.
    fn crates_name(&self) -> String;
    fn python_name(&self) -> String;
    fn tag_name(&self) -> String;
}

/// Why the release cannot go on: something there is not this release's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Crate {
        name: String,
        ours: String,
        theirs: String,
    },
    File {
        name: String,
        ours: String,
        theirs: String,
    },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::Crate { name, ours, theirs } => write!(
                f,
                "crate `{name}` of this version is already published from other bytes (not by this release): the registry's checksum is {theirs}, the `.crate` built here is {ours}"
            ),
            Refusal::File { name, ours, theirs } => write!(
                f,
                "`{name}` is already on the index with other contents (not by this release): its sha256 is {theirs}, the file built here is {ours}"
            ),
        }
    }
}

pub fn crate_id(name: &str) -> String {
    format!("crate:{name}")
}

pub fn file_id(name: &str) -> String {
    format!("python:{name}")
}

/// What refuses a release, with the steps found done on the way (this release's own
/// files already out make a refusal a stopped release, exit 3).
#[derive(Debug)]
pub struct Refused {
    pub refusals: Vec<Refusal>,
    pub done: Vec<Step>,
}

/// The steps that finish the release from `state`, or what refuses it.
pub fn plan(state: &State, commands: &dyn Commands) -> Result<Vec<Step>, Refused> {
    let mut refusals = Vec::new();
    let mut steps = Vec::new();
    let crates = state.only != Some(Only::Python);
    let python = state.only != Some(Only::Crates);
    if crates {
        let pending = sort(
            &state.crates,
            &commands.crates_name(),
            &mut steps,
            &mut refusals,
            |name, ours, theirs| Refusal::Crate { name, ours, theirs },
            crate_id,
        );
        if !pending.is_empty() {
            let names: Vec<&str> = pending.iter().map(|i| i.name.as_str()).collect();
            let (cmd, rehearsal) = commands.publish_crates(&names);
            steps.push(Step {
                ids: names.iter().map(|n| crate_id(n)).collect(),
                effect: Effect::Irreversible,
                verb: "Publishing",
                what: format!("{} to {}", names.join(", "), commands.crates_name()),
                action: Action::Run {
                    cmd,
                    rehearsal: Some(rehearsal),
                },
            });
        }
    }
    if python {
        let pending = sort(
            &state.files,
            &commands.python_name(),
            &mut steps,
            &mut refusals,
            |name, ours, theirs| Refusal::File { name, ours, theirs },
            file_id,
        );
        if !pending.is_empty() {
            let paths: Vec<PathBuf> = pending.iter().map(|i| i.path.clone()).collect();
            steps.push(Step {
                ids: pending.iter().map(|i| file_id(&i.name)).collect(),
                effect: Effect::Irreversible,
                verb: "Uploading",
                what: format!("{} file(s) to {}", paths.len(), commands.python_name()),
                action: Action::Run {
                    cmd: commands.upload(&paths),
                    rehearsal: None,
                },
            });
        }
    }
    if !refusals.is_empty() {
        return Err(Refused {
            refusals,
            done: steps.into_iter().filter(|s| !s.runs()).collect(),
        });
    }
    // One side of a release (a CI job) leaves the tag and the GitHub release to the
    // workflow, which makes them once both sides are out.
    if state.only.is_none() {
        tag_steps(&state.tag, commands, &mut steps);
        github_steps(state, commands, &mut steps);
    }
    Ok(steps)
}

/// Sorts `items` into skipped steps (done: ours by the journal or by checksum), refusals
/// (there from other bytes) and the pending ones, which are returned.
fn sort<'a>(
    items: &'a [Item],
    place: &str,
    steps: &mut Vec<Step>,
    refusals: &mut Vec<Refusal>,
    refuse: impl Fn(String, String, String) -> Refusal,
    id: fn(&str) -> String,
) -> Vec<&'a Item> {
    let mut pending = Vec::new();
    for item in items {
        let reason = match &item.listed {
            _ if item.journaled => Some(format!("published to {place} by this release")),
            Listed::There(Some(theirs)) if *theirs != item.sha256 => {
                refusals.push(refuse(
                    item.name.clone(),
                    item.sha256.clone(),
                    theirs.clone(),
                ));
                continue;
            }
            Listed::There(Some(_)) => Some(format!("already on {place}, the same bytes")),
            Listed::There(None) => Some(format!(
                "already on {place} (the index gives no checksum to compare)"
            )),
            Listed::Absent => None,
        };
        match reason {
            Some(reason) => steps.push(Step {
                ids: vec![id(&item.name)],
                effect: Effect::Irreversible,
                verb: "Skipping",
                what: item.name.clone(),
                action: Action::Skip(reason),
            }),
            None => pending.push(item),
        }
    }
    pending
}

fn tag_steps(tag: &TagState, commands: &dyn Commands, steps: &mut Vec<Step>) {
    if !tag.wanted {
        return;
    }
    let name = commands.tag_name();
    steps.push(Step {
        ids: vec!["tag".into()],
        effect: Effect::Irreversible,
        verb: "Tagging",
        what: name.clone(),
        action: if tag.local {
            Action::Skip("the tag exists".into())
        } else {
            Action::Run {
                cmd: commands.tag(),
                rehearsal: None,
            }
        },
    });
    if let Some((remote, there)) = &tag.remote {
        let what = match &tag.branch {
            Some(branch) => format!("{name} and {branch} to {remote}"),
            None => format!("{name} to {remote}"),
        };
        steps.push(Step {
            ids: vec!["push".into()],
            effect: Effect::Irreversible,
            verb: "Pushing",
            what,
            action: if *there {
                Action::Skip(format!("{remote} has the tag"))
            } else {
                Action::Run {
                    cmd: commands.push(remote, tag.branch.as_deref()),
                    rehearsal: None,
                }
            },
        });
    }
}

/// A draft with the files, then published: a re-run finds a draft and completes it.
fn github_steps(state: &State, commands: &dyn Commands, steps: &mut Vec<Step>) {
    let files: Vec<PathBuf> = state.files.iter().map(|i| i.path.clone()).collect();
    let what = format!("{} on GitHub", commands.tag_name());
    let step = |id: &str, verb, action| Step {
        ids: vec![id.to_string()],
        effect: Effect::Irreversible,
        verb,
        what: what.clone(),
        action,
    };
    let run = |cmd| Action::Run {
        cmd,
        rehearsal: None,
    };
    match &state.github {
        Github::Off => {}
        Github::Published => steps.push(step(
            "github-release",
            "Releasing",
            Action::Skip("the GitHub release is published".into()),
        )),
        Github::None => {
            steps.push(step(
                "github-release",
                "Releasing",
                run(commands.github_create(&files)),
            ));
            steps.push(step(
                "github-publish",
                "Publishing",
                run(commands.github_publish()),
            ));
        }
        Github::Draft { assets } => {
            let missing: Vec<PathBuf> = files
                .iter()
                .filter(|f| {
                    let name = f.file_name().and_then(|n| n.to_str()).unwrap_or_default();
                    !assets.iter().any(|a| a == name)
                })
                .cloned()
                .collect();
            steps.push(step(
                "github-release",
                "Attaching",
                if missing.is_empty() {
                    Action::Skip("the draft has every file".into())
                } else {
                    run(commands.github_upload(&missing))
                },
            ));
            steps.push(step(
                "github-publish",
                "Publishing",
                run(commands.github_publish()),
            ));
        }
    }
}

/// How the artifacts of this run come about, from the journal and HEAD.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Build {
    /// The journal's files, built from this commit and these inputs.
    Reuse,
    /// Built now; the reason when there were files of other inputs.
    Fresh(Option<String>),
    /// Something was published from another commit: building this one would put a crate
    /// and a wheel of one version from two commits on the registries.
    Refuse { released: String, head: String },
}

/// What the journal says of its artifacts, for [`build`].
#[derive(Debug, Clone, Default)]
pub struct Recorded {
    pub commit: Option<String>,
    pub inputs: String,
    pub built: bool,
    /// Crates or Python files this release published.
    pub published: bool,
    /// The recorded files are all still there, unchanged.
    pub files_intact: bool,
}

pub fn build(recorded: Option<&Recorded>, head: Option<&str>, inputs: &str) -> Build {
    let Some(rec) = recorded.filter(|r| r.built) else {
        return Build::Fresh(None);
    };
    let short = |c: Option<&str>| {
        c.map_or("(no commit)".to_string(), |c| {
            c[..c.len().min(12)].to_string()
        })
    };
    if rec.commit.as_deref() != head {
        if rec.published {
            return Build::Refuse {
                released: short(rec.commit.as_deref()),
                head: short(head),
            };
        }
        return Build::Fresh(Some(format!(
            "HEAD moved from {} to {} since the files were built",
            short(rec.commit.as_deref()),
            short(head)
        )));
    }
    if rec.inputs != inputs {
        if rec.published {
            return Build::Refuse {
                released: format!("{} as it was", short(head)),
                head: format!("{} with uncommitted changes", short(head)),
            };
        }
        return Build::Fresh(Some(
            "the release's files changed since they were built".into(),
        ));
    }
    if !rec.files_intact {
        return Build::Fresh(Some(
            "the files built earlier are missing or changed".into(),
        ));
    }
    Build::Reuse
}

#[cfg(test)]
mod tests {
    use super::Only;
    use super::*;
    use crate::exec::cmd::Kind;

    struct Fake;

    fn cmd(line: &str) -> Cmd {
        Cmd::new("fake", Kind::Mutate).arg(line)
    }

    impl Commands for Fake {
        fn publish_crates(&self, names: &[&str]) -> (Cmd, Cmd) {
            (
                cmd(&format!("publish {}", names.join(" "))),
                cmd("publish --dry-run"),
            )
        }
        fn upload(&self, files: &[PathBuf]) -> Cmd {
            cmd(&format!("upload {}", files.len()))
        }
        fn tag(&self) -> Cmd {
            cmd("tag")
        }
        fn push(&self, remote: &str, _branch: Option<&str>) -> Cmd {
            cmd(&format!("push {remote}"))
        }
        fn github_create(&self, files: &[PathBuf]) -> Cmd {
            cmd(&format!("gh create {}", files.len()))
        }
        fn github_upload(&self, files: &[PathBuf]) -> Cmd {
            cmd(&format!("gh upload {}", files.len()))
        }
        fn github_publish(&self) -> Cmd {
            cmd("gh publish")
        }
        fn crates_name(&self) -> String {
            "crates.io".into()
        }
        fn python_name(&self) -> String {
            "PyPI".into()
        }
        fn tag_name(&self) -> String {
            "v1.0.0".into()
        }
    }

    fn item(name: &str, listed: Listed, journaled: bool) -> Item {
        Item {
            name: name.into(),
            sha256: "ours".into(),
            path: PathBuf::from(format!("dist/{name}")),
            listed,
            journaled,
        }
    }

    /// A resume state: how many of the two crates and two files are out, whether the
    /// journal knows it, whether the tag is made and pushed, and the GitHub release.
    struct Case {
        crates_out: usize,
        files_out: usize,
        journal: bool,
        tag: bool,
        pushed: bool,
        github: Github,
    }

    fn case(crates_out: usize, files_out: usize, tag: bool, pushed: bool, github: Github) -> Case {
        Case {
            crates_out,
            files_out,
            journal: true,
            tag,
            pushed,
            github,
        }
    }

    fn state(c: &Case) -> State {
        let out = |i: usize, n: usize| {
            if i < n {
                Listed::There(Some("ours".into()))
            } else {
                Listed::Absent
            }
        };
        State {
            crates: ["core", "py"]
                .iter()
                .enumerate()
                .map(|(i, n)| item(n, out(i, c.crates_out), c.journal && i < c.crates_out))
                .collect(),
            files: ["a.whl", "a.tar.gz"]
                .iter()
                .enumerate()
                .map(|(i, n)| item(n, out(i, c.files_out), c.journal && i < c.files_out))
                .collect(),
            tag: TagState {
                wanted: true,
                local: c.tag,
                remote: Some(("origin".into(), c.pushed)),
                branch: Some("main".into()),
            },
            github: c.github.clone(),
            only: None,
        }
    }

    fn ran(steps: &[Step]) -> Vec<String> {
        steps
            .iter()
            .filter_map(|s| match &s.action {
                Action::Run { cmd, .. } => Some(
                    cmd.to_string()
                        .trim_start_matches("fake ")
                        .trim_matches('\'')
                        .to_string(),
                ),
                Action::Skip(_) => None,
            })
            .collect()
    }

    #[test]
    fn every_resume_state_runs_exactly_what_is_missing() {
        let draft = |assets: &[&str]| Github::Draft {
            assets: assets.iter().map(|a| a.to_string()).collect(),
        };
        let all = [
            "publish core py",
            "upload 2",
            "tag",
            "push origin",
            "gh create 2",
            "gh publish",
        ];
        let table: Vec<(Case, Vec<&str>)> = vec![
            // Nothing out: everything runs.
            (case(0, 0, false, false, Github::None), all.to_vec()),
            // The first crate out (a stop inside `cargo publish`).
            (
                case(1, 0, false, false, Github::None),
                [&["publish py"], &all[1..]].concat(),
            ),
            // Crates out, one file out (a stop inside the upload).
            (
                case(2, 1, false, false, Github::None),
                [&["upload 1"], &all[2..]].concat(),
            ),
            // Everything uploaded, the tag made, not pushed.
            (case(2, 2, true, false, Github::None), all[3..].to_vec()),
            // Pushed; a draft with one file attached.
            (
                case(2, 2, true, true, draft(&["a.whl"])),
                vec!["gh upload 1", "gh publish"],
            ),
            // A draft with every file: only publishing it is left.
            (
                case(2, 2, true, true, draft(&["a.whl", "a.tar.gz"])),
                vec!["gh publish"],
            ),
            // Done: nothing runs.
            (case(2, 2, true, true, Github::Published), vec![]),
        ];
        // Each state with the journal present and lost: the registries say the same.
        for (mut case, expected) in table {
            for journal in [true, false] {
                case.journal = journal;
                let steps = plan(&state(&case), &Fake).unwrap();
                assert_eq!(
                    ran(&steps),
                    expected,
                    "crates {} files {} journal {} tag {} pushed {} {:?}",
                    case.crates_out,
                    case.files_out,
                    case.journal,
                    case.tag,
                    case.pushed,
                    case.github
                );
            }
        }
    }

    #[test]
    fn other_bytes_are_refused_naming_both_checksums() {
        let mut s = state(&case(0, 0, false, false, Github::None));
        s.crates[1].listed = Listed::There(Some("theirs".into()));
        s.files[0].listed = Listed::There(Some("other".into()));
        s.crates[0].listed = Listed::There(Some("ours".into()));
        let refused = plan(&s, &Fake).unwrap_err();
        let refusals = refused.refusals;
        assert_eq!(refusals.len(), 2);
        // Our own crate already out is reported done beside the refusals.
        assert_eq!(refused.done.len(), 1);
        let text = refusals[0].to_string();
        assert!(text.contains("theirs") && text.contains("ours"), "{text}");
        // What the journal says this release published is done whatever the index says
        // (an index that lags behind the upload).
        s.crates[1].journaled = true;
        s.files[0].journaled = true;
        assert!(plan(&s, &Fake).is_ok());
    }

    #[test]
    fn only_is_a_filter_on_the_plan() {
        let mut s = state(&case(0, 0, false, false, Github::None));
        s.only = Some(Only::Python);
        assert_eq!(ran(&plan(&s, &Fake).unwrap()), ["upload 2"]);
        s.only = Some(Only::Crates);
        assert_eq!(ran(&plan(&s, &Fake).unwrap()), ["publish core py"]);
        // `--only python` never publishes a crate, and never refuses for one.
        s.only = Some(Only::Python);
        s.crates[0].listed = Listed::There(Some("theirs".into()));
        assert_eq!(ran(&plan(&s, &Fake).unwrap()), ["upload 2"]);
    }

    #[test]
    fn no_remote_means_no_push_step() {
        let mut s = state(&case(2, 2, false, false, Github::Off));
        s.tag.remote = None;
        assert_eq!(ran(&plan(&s, &Fake).unwrap()), ["tag"]);
    }

    #[test]
    fn artifacts_are_reused_only_for_the_same_commit_and_inputs() {
        let rec = |commit: &str, published: bool| Recorded {
            commit: Some(commit.into()),
            inputs: "in".into(),
            built: true,
            published,
            files_intact: true,
        };
        assert_eq!(build(None, Some("aaa"), "in"), Build::Fresh(None));
        assert_eq!(
            build(Some(&rec("aaa", false)), Some("aaa"), "in"),
            Build::Reuse
        );
        assert_eq!(
            build(Some(&rec("aaa", true)), Some("aaa"), "in"),
            Build::Reuse
        );
        // Commit moved, nothing out yet: rebuild, and say why.
        assert!(matches!(
            build(Some(&rec("aaa", false)), Some("bbb"), "in"),
            Build::Fresh(Some(why)) if why.contains("aaa") && why.contains("bbb")
        ));
        // Commit moved after something went out: refused, naming both.
        assert_eq!(
            build(Some(&rec("aaa", true)), Some("bbb"), "in"),
            Build::Refuse {
                released: "aaa".into(),
                head: "bbb".into()
            }
        );
        assert!(matches!(
            build(Some(&rec("aaa", false)), Some("aaa"), "changed"),
            Build::Fresh(Some(_))
        ));
        assert!(matches!(
            build(Some(&rec("aaa", true)), Some("aaa"), "changed"),
            Build::Refuse { .. }
        ));
        let mut gone = rec("aaa", false);
        gone.files_intact = false;
        assert!(matches!(
            build(Some(&gone), Some("aaa"), "in"),
            Build::Fresh(Some(_))
        ));
    }
}
