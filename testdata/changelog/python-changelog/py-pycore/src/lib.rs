/// Two.
pub fn two() -> u32 {
    pycore_core::one() + 1
}
