//! fastparse: counts the records in a line-oriented text.

/// Number of non-empty lines in `input`.
pub fn count_records(input: &str) -> usize {
    input.lines().filter(|line| !line.trim().is_empty()).count()
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_non_empty_lines() {
        assert_eq!(super::count_records("a\n\nb\n"), 2);
    }
}
