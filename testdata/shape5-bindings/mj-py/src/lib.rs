//! Python bindings for mj-core (the pyo3 glue is left out of this fixture).

/// Renders `template` with `name`.
pub fn render_name(template: &str, name: &str) -> String {
    mj_core::render(template, name)
}
