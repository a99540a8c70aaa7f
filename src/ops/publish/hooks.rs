//! The executor's hooks for a real run of a release plan.
use std::io::IsTerminal as _;
use std::path::Path;

use super::Release;
use crate::error::Failure;
use crate::exec::release::Hooks;
use crate::plan::publish::Step;
use crate::release_record::PublishRecord;

/// The executor's hooks: the question before the first irreversible step, and the
/// journal's record of each step as it is done.
pub struct Record<'a, 'r> {
    pub journal: &'a mut PublishRecord,
    pub path: &'a Path,
    pub ask: bool,
    pub release: &'a Release<'r>,
}

impl Hooks for Record<'_, '_> {
    fn before_irreversible(&mut self, steps: &[&Step]) -> anyhow::Result<()> {
        if !(self.ask && std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
            return Ok(());
        }
        let project = self.release.project;
        let what: Vec<&str> = steps.iter().map(|s| s.what.as_str()).collect();
        eprint_prompt(&format!(
            "Publish {} {} ({})? [y/N] ",
            project.name(),
            project.version,
            what.join("; ")
        ));
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if matches!(answer.trim(), "y" | "Y" | "yes") {
            Ok(())
        } else {
            Err(Failure::failed("stopped at your answer; nothing was published").into())
        }
    }

    fn done(&mut self, step: &Step, how: &str) -> anyhow::Result<()> {
        for id in &step.ids {
            self.journal.mark(id.clone(), how);
        }
        self.journal.save(self.path)
    }
}

fn eprint_prompt(text: &str) {
    use std::io::Write as _;
    let mut stderr = std::io::stderr().lock();
    let _ = write!(stderr, "{text}");
    let _ = stderr.flush();
}
