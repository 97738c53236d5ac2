//! Single-sample measures: mean, std, cv, Theil, Gini.

use crate::{Ddof, DisparityError};

/// Neumaier (compensated) sum, so that results do not depend on the order of
/// long sums beyond the last bit or two.
pub(crate) fn sum(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut acc = Neumaier::default();
    for v in values {
        acc.add(v);
    }
    acc.value()
}

/// A running Neumaier sum: `t = s + v`, then the rounding error of the
/// addition, `(big - t) + small` with `big` the larger of `s` and `v` in
/// magnitude (`s` on ties), goes into the compensation `c`; the value is
/// `s + c`. The larger/smaller pick is a selection rather than a branch over
/// two formulas, so data-dependent branches do not stall the loop; the
/// arithmetic is the same.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Neumaier {
    s: f64,
    c: f64,
}

impl Neumaier {
    /// Adds one value.
    #[inline(always)]
    pub(crate) fn add(&mut self, v: f64) {
        let t = self.s + v;
        let s_bigger = self.s.abs() >= v.abs();
        let big = if s_bigger { self.s } else { v };
        let small = if s_bigger { v } else { self.s };
        self.c += (big - t) + small;
        self.s = t;
    }

    /// The compensated sum so far.
    #[inline(always)]
    pub(crate) fn value(&self) -> f64 {
        self.s + self.c
    }
}

/// Rejects an empty slice and NaN / infinite values.
pub(crate) fn check_finite(x: &[f64]) -> Result<(), DisparityError> {
    if x.is_empty() {
        return Err(DisparityError::Empty);
    }
    match x.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(DisparityError::NonFinite {
            index,
            value: x[index],
        }),
        None => Ok(()),
    }
}

/// Rejects values that are not strictly positive (for the Theil index).
pub(crate) fn check_positive(x: &[f64]) -> Result<(), DisparityError> {
    check_finite(x)?;
    match x.iter().position(|&v| v <= 0.0) {
        Some(index) => Err(DisparityError::NonPositive {
            index,
            value: x[index],
        }),
        None => Ok(()),
    }
}

/// `v` when finite, else [`DisparityError::Overflow`] naming `what` and the
/// value of `x` of largest magnitude (the one to rescale).
pub(crate) fn finite(x: &[f64], what: &'static str, v: f64) -> Result<f64, DisparityError> {
    if v.is_finite() {
        return Ok(v);
    }
    let index = (0..x.len())
        .max_by(|&a, &b| x[a].abs().total_cmp(&x[b].abs()))
        .unwrap_or(0);
    Err(DisparityError::Overflow {
        index,
        value: x.get(index).copied().unwrap_or(v),
        what,
    })
}

/// Mean without checks (callers have checked `x` is non-empty and finite).
pub(crate) fn mean_unchecked(x: &[f64]) -> f64 {
    sum(x.iter().copied()) / x.len() as f64
}

/// Arithmetic mean `(1/n) sum x_i`.
///
/// Errors: empty input, non-finite values.
pub fn mean(x: &[f64]) -> Result<f64, DisparityError> {
    check_finite(x)?;
    finite(x, "mean", mean_unchecked(x))
}

/// Standard deviation `sqrt(sum (x_i - mu)^2 / (n - ddof))`, ddof 0 or 1.
///
/// Errors: ddof not 0/1, empty input, non-finite values, `n <= ddof`.
pub fn std(x: &[f64], ddof: u8) -> Result<f64, DisparityError> {
    std_with(x, Ddof::new(ddof)?)
}

/// [`std`] with a checked ddof.
pub fn std_with(x: &[f64], ddof: Ddof) -> Result<f64, DisparityError> {
    let ddof = ddof.get();
    check_finite(x)?;
    if x.len() <= ddof as usize {
        return Err(DisparityError::TooFew { n: x.len(), ddof });
    }
    let mu = finite(x, "mean", mean_unchecked(x))?;
    let ss = sum(x.iter().map(|v| (v - mu) * (v - mu)));
    finite(
        x,
        "standard deviation",
        (ss / (x.len() - ddof as usize) as f64).sqrt(),
    )
}

/// Coefficient of variation `std(x, ddof) / mean(x)`.
///
/// Errors: those of [`std`], and a zero mean.
pub fn cv(x: &[f64], ddof: u8) -> Result<f64, DisparityError> {
    let s = std(x, ddof)?;
    let mu = mean_unchecked(x);
    if mu == 0.0 {
        return Err(DisparityError::ZeroMean);
    }
    Ok(s / mu)
}

/// Theil T index `(1/n) sum (x_i/mu) ln(x_i/mu)`.
///
/// Errors: empty input, non-finite values, any `x_i <= 0` (naming value and
/// position).
pub fn theil(x: &[f64]) -> Result<f64, DisparityError> {
    check_positive(x)?;
    finite(x, "mean", mean_unchecked(x))?;
    finite(x, "Theil index", theil_unchecked(x))
}

/// Theil index without checks (all values finite and > 0).
pub(crate) fn theil_unchecked(x: &[f64]) -> f64 {
    let mu = mean_unchecked(x);
    sum(x.iter().map(|&v| {
        let r = v / mu;
        r * r.ln()
    })) / x.len() as f64
}

/// Gini coefficient `sum_i sum_j |x_i - x_j| / (2 n^2 mu)`, in `O(n log n)`.
///
/// With the values sorted ascending, `sum_i sum_j |x_i - x_j| =
/// 2 sum_i (2i - n - 1) x_(i)` (1-based `i`), so
/// `gini = sum_i (2i - n - 1) x_(i) / (n^2 mu)`. The values are centred on
/// their mean before the weighted sum (the weights sum to zero, so this does
/// not change the result but avoids cancellation).
///
/// Errors: empty input, non-finite values, zero mean.
pub fn gini(x: &[f64]) -> Result<f64, DisparityError> {
    check_finite(x)?;
    let mu = finite(x, "mean", mean_unchecked(x))?;
    if mu == 0.0 {
        return Err(DisparityError::ZeroMean);
    }
    finite(x, "Gini coefficient", gini_unchecked(x, mu))
}

/// Gini without checks, given the mean `mu != 0`.
pub(crate) fn gini_unchecked(x: &[f64], mu: f64) -> f64 {
    let mut sorted = x.to_vec();
    sorted.sort_by(f64::total_cmp);
    gini_sorted(&sorted, mu)
}

/// Gini of values already sorted ascending (by `f64::total_cmp`), given
/// their mean `mu != 0`.
pub(crate) fn gini_sorted(sorted: &[f64], mu: f64) -> f64 {
    let n = sorted.len() as f64;
    let weighted = sum(sorted
        .iter()
        .enumerate()
        .map(|(i, &v)| (2.0 * (i as f64 + 1.0) - n - 1.0) * (v - mu)));
    weighted / (n * n * mu)
}

/// Gini coefficient by the literal `O(n^2)` double sum
/// `sum_i sum_j |x_i - x_j| / (2 n^2 mu)`.
///
/// This is a test oracle for [`gini`]; use [`gini`] in practice.
///
/// Errors: as [`gini`].
pub fn gini_pairwise(x: &[f64]) -> Result<f64, DisparityError> {
    check_finite(x)?;
    let mu = mean_unchecked(x);
    if mu == 0.0 {
        return Err(DisparityError::ZeroMean);
    }
    let n = x.len() as f64;
    let total = sum(x.iter().flat_map(|a| x.iter().map(move |b| (a - b).abs())));
    Ok(total / (2.0 * n * n * mu))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compensated sum as first written, with a branch per value.
    fn sum_branchy(values: &[f64]) -> f64 {
        let (mut s, mut c) = (0.0_f64, 0.0_f64);
        for &v in values {
            let t = s + v;
            if s.abs() >= v.abs() {
                c += (s - t) + v;
            } else {
                c += (v - t) + s;
            }
            s = t;
        }
        s + c
    }

    #[test]
    fn branchless_neumaier_gives_the_same_bits() {
        let mut st = 17u64;
        let mut next = || {
            st = st
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (st >> 11) as f64 / (1u64 << 53) as f64
        };
        for case in 0..100 {
            let v: Vec<f64> = (0..(case * 13) % 500)
                .map(|i| {
                    let x = next();
                    match i % 5 {
                        0 => x * 1e16,
                        1 => -x * 1e16,
                        2 => x * 1e-8,
                        3 => -0.0,
                        _ => (x - 0.5) * 3.0,
                    }
                })
                .collect();
            assert_eq!(sum(v.iter().copied()).to_bits(), sum_branchy(&v).to_bits());
        }
    }
}
