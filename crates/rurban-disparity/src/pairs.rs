//! Sums over all cross pairs of two samples.

use crate::measures::{Neumaier, sum};

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
    let mut xs = x.to_vec();
    let mut ys = y.to_vec();
    xs.sort_by(f64::total_cmp);
    ys.sort_by(f64::total_cmp);
    pair_sums_sorted(x, y, &xs, &ys)
}

/// [`pair_sums`] given also both samples sorted ascending (`f64::total_cmp`),
/// so that a caller pairing one sample with several others sorts it once.
///
/// The centre is summed over `x` then `y` in their given order, as
/// [`pair_sums`] does. Subtracting one centre keeps the sorted order
/// (rounding is monotone, and `-0.0 - c` only differs from `0.0 - c` when
/// `c = 0`, where the order is kept too), so the shifted sorted samples are
/// exactly the sorted shifted ones and the sums are the same bits.
pub(crate) fn pair_sums_sorted(
    x: &[f64],
    y: &[f64],
    x_sorted: &[f64],
    y_sorted: &[f64],
) -> PairSums {
    if x.is_empty() || y.is_empty() {
        return PairSums {
            excess: 0.0,
            deficit: 0.0,
        };
    }
    let centre = sum(x.iter().chain(y).copied()) / (x.len() + y.len()) as f64;
    let xs: Vec<f64> = x_sorted.iter().map(|v| v - centre).collect();
    let ys: Vec<f64> = y_sorted.iter().map(|v| v - centre).collect();

    // prefix[k] = compensated sum of the k smallest y.
    let mut prefix = Vec::with_capacity(ys.len() + 1);
    prefix.push(0.0);
    let mut acc = Neumaier::default();
    for &v in &ys {
        acc.add(v);
        prefix.push(acc.value());
    }
    let m = ys.len();
    let total_y = prefix[m];

    // The two compensated sums of the terms, in x order (as summing the two
    // lists of terms afterwards would add them).
    let (mut lo, mut hi) = (0usize, 0usize);
    let mut excess = Neumaier::default();
    let mut deficit = Neumaier::default();
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
        excess.add((lo as f64 * xi - prefix[lo]).max(0.0));
        deficit.add(((total_y - prefix[hi]) - (m - hi) as f64 * xi).max(0.0));
    }
    PairSums {
        excess: excess.value(),
        deficit: deficit.value(),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `pair_sums` as first written: shift by the centre, then sort.
    fn pair_sums_shift_then_sort(x: &[f64], y: &[f64]) -> PairSums {
        let centre = sum(x.iter().chain(y).copied()) / (x.len() + y.len()) as f64;
        let mut xs: Vec<f64> = x.iter().map(|v| v - centre).collect();
        let mut ys: Vec<f64> = y.iter().map(|v| v - centre).collect();
        xs.sort_by(f64::total_cmp);
        ys.sort_by(f64::total_cmp);
        let mut prefix = vec![0.0];
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
        let (mut lo, mut hi) = (0, 0);
        let (mut e, mut d) = (Vec::new(), Vec::new());
        for &xi in &xs {
            while lo < m && ys[lo] < xi {
                lo += 1;
            }
            hi = hi.max(lo);
            while hi < m && ys[hi] <= xi {
                hi += 1;
            }
            e.push((lo as f64 * xi - prefix[lo]).max(0.0));
            d.push(((prefix[m] - prefix[hi]) - (m - hi) as f64 * xi).max(0.0));
        }
        PairSums {
            excess: sum(e),
            deficit: sum(d),
        }
    }

    #[test]
    fn sorting_before_the_shift_gives_the_same_bits() {
        let mut s = 3u64;
        let mut next = || {
            s = s
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (s >> 11) as f64 / (1u64 << 53) as f64
        };
        for case in 0..200 {
            let nx = 1 + case % 17;
            let ny = 1 + (case * 7) % 23;
            let mut draw = |n: usize| -> Vec<f64> {
                (0..n)
                    .map(|_| match case % 4 {
                        0 => (next() * 5.0).floor(), // ties and zeros
                        1 => next() * 1e-3 + 1e6,    // cancellation
                        2 => {
                            if next() < 0.5 {
                                -0.0
                            } else {
                                0.0
                            }
                        } // signed zeros
                        _ => next().powi(4) * 100.0,
                    })
                    .collect()
            };
            let (x, y) = (draw(nx), draw(ny));
            let fast = pair_sums(&x, &y);
            let slow = pair_sums_shift_then_sort(&x, &y);
            assert_eq!(fast.excess.to_bits(), slow.excess.to_bits(), "{x:?} {y:?}");
            assert_eq!(
                fast.deficit.to_bits(),
                slow.deficit.to_bits(),
                "{x:?} {y:?}"
            );
        }
    }
}
