use pyo3::prelude::*;

#[pyfunction]
fn greet(name: &str) -> String {
    pyrelease_e2e_core::greet(name)
}

#[pymodule]
fn pyrelease_e2e(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(greet, m)?)
}
