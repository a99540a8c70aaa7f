//! Text generated from the model for people and other tools: release notes,
//! the release workflow, setup instructions. Pure functions; nothing is written here.
pub mod notes;
pub mod pins;
pub mod setup;
pub mod workflow;
