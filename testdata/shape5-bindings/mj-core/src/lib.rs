//! mj-core: a tiny template engine.

/// Replaces `{{ name }}` in `template` with `value`.
pub fn render(template: &str, value: &str) -> String {
    template.replace("{{ name }}", value)
}
