//! What the executor applies: a command's file edits and commands. The planners in `plan/`
//! build it; the type lives here, below them, so that `exec` never imports `plan/` (which
//! reads the model, which runs read commands through `exec::cmd`).
use super::cmd::Cmd;
use crate::edit::FileEdit;

#[derive(Debug)]
pub enum Step {
    Run {
        cmd: Cmd,
        verb: &'static str,
        what: String,
    },
}

/// File edits (applied together, atomically) followed by commands in order.
#[derive(Debug, Default)]
pub struct Plan {
    pub edits: Vec<FileEdit>,
    pub steps: Vec<Step>,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.edits.is_empty() && self.steps.is_empty()
    }
}
