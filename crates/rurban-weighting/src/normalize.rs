//! Direction-aware min-max normalisation.

use ndarray::{Array2, ArrayView2, Zip};
use rurban_core::Direction;

/// Min-max normalised columns and which of them are constant.
#[derive(Debug, Clone, PartialEq)]
pub struct Normalized {
    /// `z = (x - min)/(max - min)` for `+`, `(max - x)/(max - min)` for `-`;
    /// 0 for a constant column.
    pub z: Array2<f64>,
    /// Per column: true when max = min.
    pub constant: Vec<bool>,
    /// Per column minimum of the raw values.
    pub min: Vec<f64>,
    /// Per column maximum of the raw values.
    pub max: Vec<f64>,
}

/// Per column (min, max), ignoring NaN.
pub fn column_bounds(raw: ArrayView2<'_, f64>) -> (Vec<f64>, Vec<f64>) {
    let m = raw.ncols();
    let mut lo = vec![f64::INFINITY; m];
    let mut hi = vec![f64::NEG_INFINITY; m];
    for row in raw.rows() {
        for (j, &v) in row.iter().enumerate() {
            if v < lo[j] {
                lo[j] = v;
            }
            if v > hi[j] {
                hi[j] = v;
            }
        }
    }
    (lo, hi)
}

/// Normalises with the given bounds (so a scope can reuse bounds).
///
/// `directions`, `min` and `max` need one entry per column of `raw`
/// (a programming error otherwise: this panics; [`crate::compute`] checks it).
pub fn minmax_with(
    raw: ArrayView2<'_, f64>,
    directions: &[Direction],
    min: &[f64],
    max: &[f64],
) -> Array2<f64> {
    let mut z = Array2::<f64>::zeros(raw.raw_dim());
    for (j, (mut zc, xc)) in z.columns_mut().into_iter().zip(raw.columns()).enumerate() {
        let (lo, hi) = (min[j], max[j]);
        let range = hi - lo;
        if range > 0.0 {
            match directions[j] {
                Direction::Positive => Zip::from(&mut zc)
                    .and(&xc)
                    .for_each(|z, &x| *z = (x - lo) / range),
                Direction::Negative => Zip::from(&mut zc)
                    .and(&xc)
                    .for_each(|z, &x| *z = (hi - x) / range),
            }
        }
    }
    z
}

/// Direction-aware min-max over all rows of `raw`.
///
/// `directions` needs one entry per column (see [`minmax_with`]).
pub fn minmax(raw: ArrayView2<'_, f64>, directions: &[Direction]) -> Normalized {
    let (min, max) = column_bounds(raw);
    let z = minmax_with(raw, directions, &min, &max);
    let constant = min.iter().zip(&max).map(|(a, b)| b <= a).collect();
    Normalized {
        z,
        constant,
        min,
        max,
    }
}
