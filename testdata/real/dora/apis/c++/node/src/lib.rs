//! Fixture.
