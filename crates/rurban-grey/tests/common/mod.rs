//! Small helpers shared by the test files (included with `mod common;`).

/// Asserts `|a - b| <= rel * max(|a|, |b|) + abs`.
#[track_caller]
pub fn close(a: f64, b: f64, rel: f64, abs: f64) {
    let tol = rel * a.abs().max(b.abs()) + abs;
    assert!(
        (a - b).abs() <= tol,
        "{a} vs {b}: difference {} exceeds {tol}",
        (a - b).abs()
    );
}
