//! The 0.1.0 API of the breaking-change fixture.

/// Stays.
pub fn kept() -> u32 {
    1
}

/// Removed in the next version.
pub fn removed() -> u32 {
    2
}

/// Takes a second parameter in the next version.
pub fn changed(a: u32) -> u32 {
    a
}
