//! A fixture crate: only its manifest matters.
