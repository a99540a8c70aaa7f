//! seqpkg: one function, for the pre-release sequence fixture.

/// The answer.
pub fn answer() -> u32 {
    42
}
