//! The built-in weighting schemes.

use ndarray::ArrayView1;

use crate::{WeightError, WeightInput, Weighting, Weights};

/// Mean of a column.
fn mean(c: ArrayView1<'_, f64>) -> f64 {
    c.sum() / c.len() as f64
}

/// Sample standard deviation (n - 1) of a column.
fn sample_std(c: ArrayView1<'_, f64>) -> f64 {
    let mu = mean(c);
    let ss: f64 = c.iter().map(|x| (x - mu) * (x - mu)).sum();
    (ss / (c.len() as f64 - 1.0)).sqrt()
}

// Row-major fast paths.
//
// The schemes are defined column by column. On a standard-layout matrix a
// column is strided, so a column-by-column loop reads the whole matrix once
// per column. The functions below read it row by row instead and keep one
// accumulator per column (or per pair of columns), adding the same terms in
// the same (row) order as the column loops do, so every sum is the same
// sequence of floating-point operations and the results are bit-identical
// (tested against the column loops below). They are used when the matrix is
// in standard layout with at least 2 rows and 2 columns: then every column is
// strided, and `ArrayBase::sum` on it is the plain sequential sum `0 + x_1 +
// x_2 + ..` that the accumulators reproduce.

/// Whether the row-major fast paths reproduce the column loops on `z`.
fn row_major(z: &ndarray::ArrayView2<'_, f64>) -> bool {
    z.is_standard_layout() && z.nrows() >= 2 && z.ncols() >= 2
}

/// Per column `mean` (0 + sequential sum, over n), as [`mean`] on a strided column.
fn column_means(z: &ndarray::ArrayView2<'_, f64>) -> Vec<f64> {
    let mut acc = vec![0.0; z.ncols()];
    for row in z.rows() {
        for (a, &v) in acc.iter_mut().zip(row.iter()) {
            *a += v;
        }
    }
    let n = z.nrows() as f64;
    acc.into_iter().map(|a| (0.0 + a) / n).collect()
}

/// For the columns `live`, `sum_i (z_ij - mu_j)(z_ik - mu_k)` for every pair
/// `j <= k` (upper triangle of `live` x `live`, row by row), each a
/// sequential sum from -0.0 as `Iterator::sum` gives.
fn cross_products(z: &ndarray::ArrayView2<'_, f64>, means: &[f64], live: &[usize]) -> Vec<f64> {
    let l = live.len();
    let mut acc = vec![-0.0; l * (l + 1) / 2];
    let mut d = vec![0.0; l];
    for row in z.rows() {
        for (dj, &j) in d.iter_mut().zip(live) {
            *dj = row[j] - means[j];
        }
        let mut base = 0;
        for a in 0..l {
            let da = d[a];
            for (s, &db) in acc[base..base + l - a].iter_mut().zip(&d[a..]) {
                *s += da * db;
            }
            base += l - a;
        }
    }
    acc
}

/// Per column `sum_i (z_ij - mu_j)^2` (0 for columns not in `live`), each a
/// sequential sum from -0.0: the diagonal of [`cross_products`] alone.
fn squared_deviations(z: &ndarray::ArrayView2<'_, f64>, means: &[f64], live: &[usize]) -> Vec<f64> {
    let mut acc = vec![-0.0; live.len()];
    for row in z.rows() {
        for (a, &j) in acc.iter_mut().zip(live) {
            let d = row[j] - means[j];
            *a += d * d;
        }
    }
    let mut out = vec![0.0; z.ncols()];
    for (a, &j) in acc.into_iter().zip(live) {
        out[j] = a;
    }
    out
}

/// Index of pair `(a, b)`, `a <= b`, in the upper triangle of an `l x l` matrix.
fn tri(l: usize, a: usize, b: usize) -> usize {
    // rows 0..a hold l + (l - 1) + .. + (l - a + 1) = a l - a (a - 1) / 2 entries
    a * l - (a * a - a) / 2 + (b - a)
}

/// Scales non-negative scores to sum to 1.
fn share(scores: Vec<f64>) -> Result<Vec<f64>, WeightError> {
    let total: f64 = scores.iter().sum();
    if !total.is_finite() || total <= 0.0 {
        return Err(WeightError::Other(format!(
            "the weighting scores sum to {total}, not a positive number: no column carries information"
        )));
    }
    Ok(scores.into_iter().map(|s| s / total).collect())
}

fn constant_warnings(input: &WeightInput<'_>, method: &str) -> Vec<String> {
    input
        .names
        .iter()
        .zip(input.constant)
        .filter(|(_, c)| **c)
        .map(|(n, _)| {
            format!("column '{n}' is constant: left out of the {method} computation, weight 0")
        })
        .collect()
}

/// The entropy weight method.
#[derive(Debug, Clone, Copy, Default)]
pub struct Entropy;

impl Weighting for Entropy {
    fn name(&self) -> &str {
        "entropy"
    }
    fn description(&self) -> &str {
        "entropy weight method: w_j proportional to 1 - e_j"
    }
    fn weigh(&self, input: &WeightInput<'_>) -> Result<Weights, WeightError> {
        // a plugin host or a direct caller may pass any f64: check it the
        // one way a shift is checked
        if let Err(e) = crate::Shift::new(input.shift) {
            return Err(WeightError::Other(format!("entropy {e}")));
        }
        let n = input.normalized.nrows();
        let k = 1.0 / (n as f64).ln();
        let m = input.normalized.ncols();
        let mut entropy = vec![1.0; m];
        let mut d = vec![0.0; m];
        for (j, acc) in entropy_sums(&input.normalized, input.shift)
            .into_iter()
            .enumerate()
        {
            if input.constant[j] {
                continue;
            }
            entropy[j] = -k * acc;
            d[j] = 1.0 - entropy[j];
        }
        Ok(Weights {
            weights: share(d)?,
            entropy: Some(entropy),
            warnings: constant_warnings(input, "entropy"),
        })
    }
}

/// For every column `j`: `sum_i p_ij ln p_ij` over `p_ij > 0`, with
/// `p_ij = (z_ij + S) / sum_i (z_ij + S)`. Two passes over the rows, one
/// accumulator per column, each sum in row order (the column sum from -0.0
/// as `Iterator::sum`, the entropy sum from 0), so the result is the one of a
/// loop over each column. Any layout: the sums are iterator sums either way.
///
/// The logarithms dominate; on a large matrix the columns are shared out
/// among [`crate::threads_for`] threads. Each column is still summed by one
/// thread in row order, so the result does not depend on the thread count.
fn entropy_sums(z: &ndarray::ArrayView2<'_, f64>, shift: f64) -> Vec<f64> {
    let m = z.ncols();
    let threads = crate::threads_for(z.len()).min(m);
    if threads <= 1 {
        return entropy_sums_of(z, shift);
    }
    let chunk = m.div_ceil(threads);
    std::thread::scope(|s| {
        let parts: Vec<_> = (0..m)
            .step_by(chunk)
            .map(|a| {
                let part = z.slice(ndarray::s![.., a..(a + chunk).min(m)]);
                s.spawn(move || entropy_sums_of(&part, shift))
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// [`entropy_sums`] on one thread.
fn entropy_sums_of(z: &ndarray::ArrayView2<'_, f64>, shift: f64) -> Vec<f64> {
    let m = z.ncols();
    let mut total = vec![-0.0; m];
    for row in z.rows() {
        for (t, &v) in total.iter_mut().zip(row.iter()) {
            *t += v + shift;
        }
    }
    let mut acc = vec![0.0; m];
    for row in z.rows() {
        for ((a, &t), &v) in acc.iter_mut().zip(&total).zip(row.iter()) {
            let p = (v + shift) / t;
            if p > 0.0 {
                *a += p * p.ln();
            }
        }
    }
    acc
}

/// CRITIC: contrast intensity times conflict.
#[derive(Debug, Clone, Copy, Default)]
pub struct Critic;

impl Weighting for Critic {
    fn name(&self) -> &str {
        "critic"
    }
    fn description(&self) -> &str {
        "CRITIC: c_j = s_j * sum_k (1 - r_jk)"
    }
    fn weigh(&self, input: &WeightInput<'_>) -> Result<Weights, WeightError> {
        let z = input.normalized;
        let m = z.ncols();
        let live: Vec<usize> = (0..m).filter(|&j| !input.constant[j]).collect();
        if live.len() < 2 {
            let names: Vec<String> = live
                .iter()
                .map(|&j| format!("'{}'", input.names[j]))
                .collect();
            return Err(WeightError::Other(format!(
                "CRITIC needs at least 2 non-constant columns (its conflict term compares columns), got {}: {}",
                live.len(),
                names.join(", ")
            )));
        }
        // The cross products of every pair of columns: l (l + 1) / 2 numbers.
        let l = live.len() as u128;
        rurban_method::memory::ensure(
            rurban_method::memory::bytes_for::<f64>(l * (l + 1) / 2),
            &format!("CRITIC's correlations of {l} columns"),
            "weigh fewer columns (--columns), or use a method without correlations (entropy, stddev, cv)",
        )
        .map_err(|e| WeightError::Other(e.to_string()))?;
        let c = if row_major(&z) {
            critic_scores_rows(&z, &live)
        } else {
            critic_scores_columns(&z, &live)
        };
        if c.iter().all(|&v| v == 0.0) {
            return Err(WeightError::Other(
                "CRITIC: every non-constant column is perfectly correlated with every other (r = 1), so every c_j = 0".into(),
            ));
        }
        Ok(Weights {
            weights: share(c)?,
            entropy: None,
            warnings: constant_warnings(input, "CRITIC"),
        })
    }
}

/// `c_j = s_j sum_k (1 - r_jk)` for the `live` columns (0 elsewhere), column by column.
fn critic_scores_columns(z: &ndarray::ArrayView2<'_, f64>, live: &[usize]) -> Vec<f64> {
    let m = z.ncols();
    let means: Vec<f64> = (0..m).map(|j| mean(z.column(j))).collect();
    let stds: Vec<f64> = (0..m).map(|j| sample_std(z.column(j))).collect();
    let mut c = vec![0.0; m];
    for &j in live {
        let mut conflict = 0.0;
        for &k in live {
            let r = if j == k {
                1.0
            } else {
                let cov: f64 = z
                    .column(j)
                    .iter()
                    .zip(z.column(k))
                    .map(|(a, b)| (a - means[j]) * (b - means[k]))
                    .sum::<f64>()
                    / (z.nrows() as f64 - 1.0);
                // Rounding can push |r| a hair past 1; keep it in range.
                (cov / (stds[j] * stds[k])).clamp(-1.0, 1.0)
            };
            conflict += 1.0 - r;
        }
        c[j] = stds[j] * conflict;
    }
    c
}

/// [`critic_scores_columns`] in one pass over the rows for the cross
/// products (the products `(a - mu_j)(b - mu_k)` and `(b - mu_k)(a - mu_j)`
/// are the same number, so each pair is summed once).
fn critic_scores_rows(z: &ndarray::ArrayView2<'_, f64>, live: &[usize]) -> Vec<f64> {
    let m = z.ncols();
    let l = live.len();
    let nm1 = z.nrows() as f64 - 1.0;
    let means = column_means(z);
    let cross = cross_products(z, &means, live);
    let stds: Vec<f64> = (0..l).map(|a| (cross[tri(l, a, a)] / nm1).sqrt()).collect();
    let mut c = vec![0.0; m];
    for (a, &j) in live.iter().enumerate() {
        let mut conflict = 0.0;
        for b in 0..l {
            let r = if a == b {
                1.0
            } else {
                let cov = cross[tri(l, a.min(b), a.max(b))] / nm1;
                (cov / (stds[a] * stds[b])).clamp(-1.0, 1.0)
            };
            conflict += 1.0 - r;
        }
        c[j] = stds[a] * conflict;
    }
    c
}

/// Standard-deviation weights.
#[derive(Debug, Clone, Copy, Default)]
pub struct StdDev;

impl Weighting for StdDev {
    fn name(&self) -> &str {
        "stddev"
    }
    fn description(&self) -> &str {
        "standard deviation of the normalised values"
    }
    fn weigh(&self, input: &WeightInput<'_>) -> Result<Weights, WeightError> {
        let z = input.normalized;
        let m = z.ncols();
        let s = if row_major(&z) {
            let live: Vec<usize> = (0..m).filter(|&j| !input.constant[j]).collect();
            let ss = squared_deviations(&z, &column_means(&z), &live);
            let mut s = vec![0.0; m];
            for &j in &live {
                s[j] = (ss[j] / (z.nrows() as f64 - 1.0)).sqrt();
            }
            s
        } else {
            (0..m)
                .map(|j| {
                    if input.constant[j] {
                        0.0
                    } else {
                        sample_std(z.column(j))
                    }
                })
                .collect()
        };
        Ok(Weights {
            weights: share(s)?,
            entropy: None,
            warnings: constant_warnings(input, "stddev"),
        })
    }
}

/// Coefficient-of-variation weights on the raw values.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cv;

impl Weighting for Cv {
    fn name(&self) -> &str {
        "cv"
    }
    fn description(&self) -> &str {
        "coefficient of variation of the raw values (all > 0)"
    }
    fn weigh(&self, input: &WeightInput<'_>) -> Result<Weights, WeightError> {
        let mut v = Vec::with_capacity(input.raw.ncols());
        for (j, col) in input.raw.columns().into_iter().enumerate() {
            if let Some(i) = col.iter().position(|&x| x <= 0.0) {
                return Err(WeightError::BadValue {
                    column: input.names[j].clone(),
                    row: i + 1,
                    message: format!(
                        "value {} is not > 0: the cv method needs positive raw values",
                        col[i]
                    ),
                });
            }
            v.push(sample_std(col) / mean(col));
        }
        Ok(Weights {
            weights: share(v)?,
            entropy: None,
            warnings: Vec::new(),
        })
    }
}

/// Equal weights.
#[derive(Debug, Clone, Copy, Default)]
pub struct Equal;

impl Weighting for Equal {
    fn name(&self) -> &str {
        "equal"
    }
    fn description(&self) -> &str {
        "equal weights 1/m"
    }
    fn weigh(&self, input: &WeightInput<'_>) -> Result<Weights, WeightError> {
        let m = input.normalized.ncols();
        Ok(Weights {
            weights: vec![1.0 / m as f64; m],
            entropy: None,
            warnings: Vec::new(),
        })
    }
}

/// Names of the built-in schemes, in the order they are listed.
pub fn builtin_names() -> &'static [&'static str] {
    &["entropy", "critic", "stddev", "cv", "equal"]
}

/// A built-in scheme by name.
pub fn builtin(name: &str) -> Option<Box<dyn Weighting>> {
    Some(match name {
        "entropy" => Box::new(Entropy),
        "critic" => Box::new(Critic),
        "stddev" => Box::new(StdDev),
        "cv" => Box::new(Cv),
        "equal" => Box::new(Equal),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    //! The row-major fast paths against the column loops they replace: the
    //! results must be the same bits, not just close.

    use super::*;
    use ndarray::Array2;

    /// Deterministic values in [0, 1) with repeats and a constant column.
    fn matrix(seed: u64, n: usize, m: usize) -> Array2<f64> {
        let mut s = seed;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        Array2::from_shape_fn((n, m), |(_, j)| match j % 4 {
            3 if m > 3 => 0.25,                // constant
            2 => (next() * 8.0).floor() / 8.0, // many ties, exact zeros
            _ => next().powi(3),               // skewed
        })
    }

    /// The column loop of the entropy scheme as first written.
    fn entropy_sums_columns(z: &ndarray::ArrayView2<'_, f64>, shift: f64) -> Vec<f64> {
        z.columns()
            .into_iter()
            .map(|col| {
                let total: f64 = col.iter().map(|z| z + shift).sum();
                let mut acc = 0.0;
                for z in col {
                    let p = (z + shift) / total;
                    if p > 0.0 {
                        acc += p * p.ln();
                    }
                }
                acc
            })
            .collect()
    }

    fn bits(v: &[f64]) -> Vec<u64> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    #[test]
    fn row_major_sums_are_bit_identical_to_column_loops() {
        for (seed, n, m) in [
            (1, 2, 2),
            (2, 13, 5),
            (3, 130, 20),
            (4, 1000, 7),
            (5, 57, 3),
        ] {
            let z = matrix(seed, n, m);
            let v = z.view();
            assert!(row_major(&v));
            for shift in [0.0, 0.01] {
                assert_eq!(
                    bits(&entropy_sums(&v, shift)),
                    bits(&entropy_sums_columns(&v, shift))
                );
                assert_eq!(
                    bits(&entropy_sums_of(&v, shift)),
                    bits(&entropy_sums_columns(&v, shift))
                );
            }
            // every column varies except the constant ones (j % 4 == 3)
            let live: Vec<usize> = (0..m).filter(|j| !(j % 4 == 3 && m > 3)).collect();
            assert_eq!(
                bits(&critic_scores_rows(&v, &live)),
                bits(&critic_scores_columns(&v, &live))
            );
            let l = live.len();
            let cross = cross_products(&v, &column_means(&v), &live);
            let ss = squared_deviations(&v, &column_means(&v), &live);
            for (a, &j) in live.iter().enumerate() {
                let fast = (cross[tri(l, a, a)] / (n as f64 - 1.0)).sqrt();
                assert_eq!(fast.to_bits(), sample_std(v.column(j)).to_bits());
                let fast = (ss[j] / (n as f64 - 1.0)).sqrt();
                assert_eq!(fast.to_bits(), sample_std(v.column(j)).to_bits());
                assert_eq!(column_means(&v)[j].to_bits(), mean(v.column(j)).to_bits());
            }
        }
    }

    #[test]
    fn triangle_index_walks_the_upper_triangle_in_order() {
        let l = 4;
        let mut k = 0;
        for a in 0..l {
            for b in a..l {
                assert_eq!(tri(l, a, b), k);
                k += 1;
            }
        }
        assert_eq!(k, l * (l + 1) / 2);
    }

    #[test]
    fn column_major_input_takes_the_column_loops() {
        let z = matrix(9, 20, 4);
        let t = z.t();
        // a transposed view is not in standard layout
        assert!(!row_major(&t));
        assert!(row_major(&z.view()));
    }
}
