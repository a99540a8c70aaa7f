//! Runs a release plan (built by `plan::publish`): every local step, and in a real run the
//! irreversible ones, each recorded by the caller's hook as soon as it is done. In a dry
//! run the irreversible steps are printed as the exact commands a real run executes
//! (after the rehearsal cargo offers, `cargo publish --dry-run`), so both modes share
//! every line up to there.
use super::cmd::Cmd;
use super::{Executor, Mode};
use crate::shell::Verbosity;

// The steps of a release plan, defined here (below `plan/`, which builds them) so `exec`
// does not import the planners.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Runs in a dry run too: it changes nothing outside this machine.
    Local,
    /// Printed in a dry run; recorded in the journal when done.
    Irreversible,
}

#[derive(Debug, Clone)]
pub enum Action {
    Run {
        cmd: Cmd,
        /// What a dry run runs in its place (cargo's own `publish --dry-run`).
        rehearsal: Option<Cmd>,
    },
    /// Done already: the reason.
    Skip(String),
}

#[derive(Debug, Clone)]
pub struct Step {
    /// The journal's names of what the step does: `crate:NAME`, `python:FILE`, `tag`,
    /// `push`, `github-release`, `github-publish`.
    pub ids: Vec<String>,
    pub effect: Effect,
    pub verb: &'static str,
    pub what: String,
    pub action: Action,
}

impl Step {
    pub fn runs(&self) -> bool {
        matches!(self.action, Action::Run { .. })
    }
}

/// What the caller does around the irreversible steps of a real run.
pub trait Hooks {
    /// Once, before the first irreversible step runs (the question on a terminal, the
    /// credentials a real upload needs).
    fn before_irreversible(&mut self, steps: &[&Step]) -> anyhow::Result<()>;
    /// After each step, run or skipped: the journal records it.
    fn done(&mut self, step: &Step, how: &str) -> anyhow::Result<()>;
}

/// An irreversible step whose command failed: it may have done part of its work (cargo
/// publishes crates one after the other; an upload can be stored and the answer lost).
#[derive(Debug)]
pub struct Attempted {
    pub ids: Vec<String>,
    pub what: String,
}

impl std::fmt::Display for Attempted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` did not finish", self.what)
    }
}

impl Executor<'_> {
    /// Runs `steps`; ends with the release's closing line: `Checked SUBJECT (dry run ...)`
    /// or `Published SUBJECT (journal: ...)`.
    pub fn release(
        &self,
        steps: &[Step],
        hooks: &mut dyn Hooks,
        subject: &str,
        journal: &str,
    ) -> anyhow::Result<()> {
        let irreversible: Vec<&Step> = steps
            .iter()
            .filter(|s| s.runs() && s.effect == Effect::Irreversible)
            .collect();
        if self.mode == Mode::Execute && !irreversible.is_empty() {
            hooks.before_irreversible(&irreversible)?;
        }
        let verbose = self.shell.verbosity() >= Verbosity::Verbose;
        for step in steps {
            match &step.action {
                Action::Skip(reason) => {
                    self.shell
                        .status(step.verb, format!("{}: {reason}", step.what));
                    if self.mode == Mode::Execute {
                        hooks.done(step, reason)?;
                    }
                }
                Action::Run { cmd, rehearsal } => {
                    let dry = self.mode == Mode::DryRun && step.effect == Effect::Irreversible;
                    if dry {
                        if let Some(check) = rehearsal {
                            self.shell.status("Checking", format!("`{check}`"));
                            let _spinner = self.shell.spinner("Checking", &step.what);
                            check.run(verbose)?;
                        }
                        self.shell.status(step.verb, &step.what);
                        self.shell.status("Would run", format!("`{cmd}`"));
                        continue;
                    }
                    self.shell.status(step.verb, &step.what);
                    self.shell.verbose(format!("     Running `{cmd}`"));
                    let _spinner = self.shell.spinner(step.verb, &step.what);
                    let ran = cmd.run(verbose);
                    if step.effect == Effect::Irreversible {
                        // Whatever the command did before it failed may be out: the caller
                        // asks the registries, and needs to know which step it was.
                        ran.map_err(|err| {
                            err.context(Attempted {
                                ids: step.ids.clone(),
                                what: format!("{} {}", step.verb.to_lowercase(), step.what),
                            })
                        })?;
                    } else {
                        ran?;
                    }
                    if step.effect == Effect::Irreversible {
                        hooks.done(step, &cmd.to_string())?;
                    }
                }
            }
        }
        match self.mode {
            Mode::DryRun => self.shell.status(
                "Checked",
                format!("{subject} (dry run: nothing was published)"),
            ),
            Mode::Execute => self
                .shell
                .status("Published", format!("{subject} (journal: {journal})")),
        }
        Ok(())
    }
}
