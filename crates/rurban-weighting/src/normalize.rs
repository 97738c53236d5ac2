//! Direction-aware min-max normalisation.

use ndarray::{Array2, ArrayView2};
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
///
/// One pass over the rows, writing the standard-layout result in memory
/// order (shared out among threads by whole rows on large matrices); every
/// value is the same single subtraction and division as column by column,
/// so the result depends neither on the traversal nor on the thread count.
pub fn minmax_with(
    raw: ArrayView2<'_, f64>,
    directions: &[Direction],
    min: &[f64],
    max: &[f64],
) -> Array2<f64> {
    let (n, m) = raw.dim();
    // Per column: None for a constant column (z = 0), else the direction and bounds.
    let cols: Vec<Option<(Direction, f64, f64, f64)>> = (0..m)
        .map(|j| {
            let (lo, hi) = (min[j], max[j]);
            let range = hi - lo;
            (range > 0.0).then_some((directions[j], lo, hi, range))
        })
        .collect();
    let z_of = |c: &Option<(Direction, f64, f64, f64)>, x: f64| match *c {
        Some((Direction::Positive, lo, _, range)) => (x - lo) / range,
        Some((Direction::Negative, _, hi, range)) => (hi - x) / range,
        None => 0.0,
    };
    let fill = |rows: ArrayView2<'_, f64>, out: &mut [f64]| {
        for (o, row) in out.chunks_exact_mut(m.max(1)).zip(rows.rows()) {
            match row.as_slice() {
                Some(xs) => {
                    for ((z, &x), c) in o.iter_mut().zip(xs).zip(&cols) {
                        *z = z_of(c, x);
                    }
                }
                None => {
                    for ((z, &x), c) in o.iter_mut().zip(row.iter()).zip(&cols) {
                        *z = z_of(c, x);
                    }
                }
            }
        }
    };
    let mut z = vec![0.0; n * m];
    // Large matrices: whole rows shared out among threads; each value is
    // computed alone, so the result does not depend on the thread count.
    let threads = crate::threads_for(n * m).min(n);
    if threads <= 1 || m == 0 {
        fill(raw, &mut z);
    } else {
        let rows = n.div_ceil(threads);
        std::thread::scope(|s| {
            for (k, out) in z.chunks_mut(rows * m).enumerate() {
                let part = raw.slice(ndarray::s![k * rows..(k * rows + out.len() / m), ..]);
                let fill = &fill;
                s.spawn(move || fill(part, out));
            }
        });
    }
    // n * m values were written, row by row.
    Array2::from_shape_vec((n, m), z).unwrap_or_else(|_| Array2::zeros((n, m)))
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

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Zip;

    /// The column-by-column normalisation as first written.
    fn minmax_columns(
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

    #[test]
    fn row_pass_is_bit_identical_to_the_column_loop() {
        let mut s = 7u64;
        let raw = Array2::from_shape_fn((61, 5), |(i, j)| {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            match j {
                4 => 3.5, // constant
                _ => (s >> 11) as f64 / (1u64 << 53) as f64 * 10f64.powi(j as i32) - i as f64,
            }
        });
        let dirs = [
            Direction::Positive,
            Direction::Negative,
            Direction::Positive,
            Direction::Negative,
            Direction::Positive,
        ];
        for view in [raw.view(), raw.slice(ndarray::s![..;2, ..]), raw.t().t()] {
            let (lo, hi) = column_bounds(view);
            let a = minmax_with(view, &dirs, &lo, &hi);
            let b = minmax_columns(view, &dirs, &lo, &hi);
            assert!(a.is_standard_layout());
            assert_eq!(a.mapv(f64::to_bits), b.mapv(f64::to_bits));
        }
        // large enough to be shared out among threads
        let big = Array2::from_shape_fn((40_000, 5), |(i, j)| {
            ((i * 7 + j * 13) % 101) as f64 - j as f64
        });
        let (lo, hi) = column_bounds(big.view());
        assert!(crate::threads_for(big.len()) >= 1);
        assert_eq!(
            minmax_with(big.view(), &dirs, &lo, &hi).mapv(f64::to_bits),
            minmax_columns(big.view(), &dirs, &lo, &hi).mapv(f64::to_bits)
        );
        // a column-major input (rows not contiguous)
        let cm = raw.t().to_owned();
        let cm = cm.t();
        let (lo, hi) = column_bounds(cm);
        assert_eq!(
            minmax_with(cm, &dirs, &lo, &hi).mapv(f64::to_bits),
            minmax_columns(cm, &dirs, &lo, &hi).mapv(f64::to_bits)
        );
    }
}
