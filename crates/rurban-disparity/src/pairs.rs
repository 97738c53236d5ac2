//! Sums over all cross pairs of two samples.

use crate::measures::sum;

/// Sums over all `n_x * n_y` pairs `(x_i, y_r)` of two samples.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairSums {
    /// `sum_i sum_r max(x_i - y_r, 0)`.
    pub excess: f64,
    /// `sum_i sum_r max(y_r - x_i, 0)`.
    pub deficit: f64,
}

impl PairSums {
    /// `sum_i sum_r |x_i - y_r|` (= excess + deficit).
    pub fn abs(&self) -> f64 {
        self.excess + self.deficit
    }
}

/// [`PairSums`] of `x` against `y` in `O((n_x + n_y) log(n_x + n_y))`.
///
/// Both samples are sorted and shifted by a common centre (differences are
/// shift-invariant; the shift keeps the prefix sums small). Walking the
/// sorted `x` upwards with two monotone pointers into the sorted `y`,
/// `lo = #{y_r < x_i}` and `hi = #{y_r <= x_i}`, with `P[k]` the sum of the
/// `k` smallest `y`:
///
/// - `sum_r max(x_i - y_r, 0) = lo x_i - P[lo]`,
/// - `sum_r max(y_r - x_i, 0) = (P[n_y] - P[hi]) - (n_y - hi) x_i`.
///
/// Ties contribute 0 to both. Values must be finite (not checked here);
/// either sample may be empty (sums are then 0).
pub fn pair_sums(x: &[f64], y: &[f64]) -> PairSums {
    if x.is_empty() || y.is_empty() {
        return PairSums {
            excess: 0.0,
            deficit: 0.0,
        };
    }
    let centre = sum(x.iter().chain(y).copied()) / (x.len() + y.len()) as f64;
    let mut xs: Vec<f64> = x.iter().map(|v| v - centre).collect();
    let mut ys: Vec<f64> = y.iter().map(|v| v - centre).collect();
    xs.sort_by(f64::total_cmp);
    ys.sort_by(f64::total_cmp);

    // prefix[k] = compensated sum of the k smallest y.
    let mut prefix = Vec::with_capacity(ys.len() + 1);
    prefix.push(0.0);
    let (mut s, mut c) = (0.0_f64, 0.0_f64);
    for &v in &ys {
        let t = s + v;
        if s.abs() >= v.abs() {
            c += (s - t) + v;
        } else {
            c += (v - t) + s;
        }
        s = t;
        prefix.push(s + c);
    }
    let m = ys.len();
    let total_y = prefix[m];

    let (mut lo, mut hi) = (0usize, 0usize);
    let mut excess_terms = Vec::with_capacity(xs.len());
    let mut deficit_terms = Vec::with_capacity(xs.len());
    for &xi in &xs {
        while lo < m && ys[lo] < xi {
            lo += 1;
        }
        if hi < lo {
            hi = lo;
        }
        while hi < m && ys[hi] <= xi {
            hi += 1;
        }
        // Each term is a sum of non-negative differences; clamp rounding noise.
        excess_terms.push((lo as f64 * xi - prefix[lo]).max(0.0));
        deficit_terms.push(((total_y - prefix[hi]) - (m - hi) as f64 * xi).max(0.0));
    }
    PairSums {
        excess: sum(excess_terms),
        deficit: sum(deficit_terms),
    }
}

/// [`PairSums`] by the literal `O(n_x n_y)` double sums.
///
/// This is a test oracle for [`pair_sums`]; use [`pair_sums`] in practice.
pub fn pair_sums_pairwise(x: &[f64], y: &[f64]) -> PairSums {
    PairSums {
        excess: sum(x
            .iter()
            .flat_map(|a| y.iter().map(move |b| (a - b).max(0.0)))),
        deficit: sum(x
            .iter()
            .flat_map(|a| y.iter().map(move |b| (b - a).max(0.0)))),
    }
}
