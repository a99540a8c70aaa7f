//! The executor's hooks for a real run of a release plan.
use std::io::IsTerminal as _;
use std::path::Path;

use super::Release;
use crate::error::Failure;
use crate::exec::release::Hooks;
use crate::journal::Journal;
use crate::plan::publish::Step;

/// The executor's hooks: the question before the first irreversible step, and the
/// journal's record of each step as it is done.
pub struct Record<'a, 'r> {
    pub journal: &'a mut Journal,
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

    fn before(&mut self, step: &Step) {
        #[cfg(feature = "test-hooks")]
        if step.ids.iter().any(|id| id.starts_with("python:")) {
            test_hook_before_upload();
        }
        #[cfg(not(feature = "test-hooks"))]
        let _ = step;
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

/// Test hook: a command run right before the upload, so a test can stop the Python index
/// after the crates are out (`CARGO_PYRELEASE_TEST_BEFORE_UPLOAD="kill 1234"`). Compiled
/// for the test suite only.
#[cfg(feature = "test-hooks")]
fn test_hook_before_upload() {
    if let Ok(line) = std::env::var("CARGO_PYRELEASE_TEST_BEFORE_UPLOAD")
        && let Ok(cmd) = crate::plan::commands::gate(Path::new("."), &line)
    {
        let _ = cmd.read();
    }
}
