use pyo3::prelude::*;

#[pyfunction]
fn kept() -> u32 {
    1
}

#[pyfunction]
fn removed() -> u32 {
    2
}

#[pyfunction]
fn changed(a: u32) -> u32 {
    a
}

#[pymodule]
fn pyrelease_brk(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(kept, m)?)?;
    m.add_function(wrap_pyfunction!(removed, m)?)?;
    m.add_function(wrap_pyfunction!(changed, m)?)
}
