//! Trend tests of a series `C` against `x` (usually years): the OLS slope
//! with its Student-t test, the Mann-Kendall test and Sen's slope.
//!
//! Each series is first put in x order by a stable sort (points with equal
//! x keep their input order). Then, with `n` points:
//!
//! - **OLS** `C = a + b x`: centred sums `Sxx`, `Syy`, `Sxy`, slope
//!   `b = Sxy / Sxx`, residual sum of squares `SSR = sum (C - a - b x)^2`,
//!   `se = sqrt(SSR / (n - 2) / Sxx)`, `t = b / se`, two-sided p value from
//!   Student's t with `n - 2` degrees of freedom, `R^2 = Sxy^2 / (Sxx Syy)`.
//!   When `se = 0`, `t` is `None` (JSON `null`) and `p = 0`; when all `C`
//!   are equal, `R^2` is `None` (and the slope and `se` are exactly 0).
//! - **Mann-Kendall**: `S = sum_{i<j} sign(C_j - C_i)`,
//!   `var_S = (n(n-1)(2n+5) - sum_t t(t-1)(2t+5)) / 18` over the groups of
//!   tied `C` values (size `t`), `z = (S - 1) / sqrt(var_S)` for `S > 0`,
//!   `(S + 1) / sqrt(var_S)` for `S < 0`, else 0, two-sided
//!   `p = 2 (1 - Phi(|z|))` (computed as `2 Phi(-|z|)`, which keeps its
//!   relative precision for tiny p), `tau = S / (n (n - 1) / 2)`.
//! - **Sen's slope**: the median of `(C_j - C_i) / (x_j - x_i)` over all
//!   `i < j` with `x_j != x_i`.
//! - **direction**: increasing or decreasing by the sign of `S` when the
//!   Mann-Kendall `p <= alpha`, else no trend.
//!
//! [`trend_report`] is the contract-level entry point of `rurban trend`;
//! [`yearly_change`] words the direction of a yearly series for the
//! findings of `rurban run`. The crate does no I/O. See
//! `docs/methods/trend.md`.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};
use thiserror::Error;

/// The significance level of the findings of `rurban run`.
pub const FINDINGS_ALPHA: f64 = 0.05;

/// The default significance level of `rurban trend`.
pub const DEFAULT_ALPHA: f64 = 0.05;

/// Why a trend could not be computed. Every variant about a series names
/// its group.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum TrendError {
    /// Fewer than 3 points.
    #[error("group '{group}': {n} point(s); a trend test needs at least 3")]
    TooFewPoints {
        /// The group's key.
        group: String,
        /// Number of points it has.
        n: usize,
    },
    /// Every x is the same, so no slope is defined.
    #[error("group '{group}': every x is {x}; a trend test needs at least two distinct x")]
    ConstantX {
        /// The group's key.
        group: String,
        /// The one x value.
        x: f64,
    },
    /// A NaN or infinite x or value.
    #[error("group '{group}': {what} of point {point} is {value}, not a finite number")]
    NonFinite {
        /// The group's key.
        group: String,
        /// `"x"` or `"value"`.
        what: &'static str,
        /// 1-based position of the point in the input order.
        point: usize,
        /// The offending number.
        value: f64,
    },
    /// A statistic overflows a 64-bit float: x or values near ±1.8e308 (or
    /// their sums and squares); the point named holds the number of largest
    /// magnitude.
    #[error(
        "group '{group}': {what} of point {point} is {value:e}: the {stat} overflows a 64-bit float; rescale the column"
    )]
    Overflow {
        /// The group's key.
        group: String,
        /// `"x"` or `"value"`.
        what: &'static str,
        /// 1-based position of the point in the input order.
        point: usize,
        /// The number of largest magnitude.
        value: f64,
        /// The statistic that overflowed.
        stat: &'static str,
    },
    /// x and values of different lengths.
    #[error("group '{group}': {x} x values but {values} values")]
    LengthMismatch {
        /// The group's key.
        group: String,
        /// Number of x.
        x: usize,
        /// Number of values.
        values: usize,
    },
    /// A significance level outside (0, 1).
    #[error("alpha must be a number in (0, 1), got {0}")]
    BadAlpha(f64),
}

/// The direction of a trend, as the Mann-Kendall test decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Direction {
    /// `S > 0` and `p <= alpha`.
    #[serde(rename = "increasing")]
    Increasing,
    /// `S < 0` and `p <= alpha`.
    #[serde(rename = "decreasing")]
    Decreasing,
    /// `p > alpha`.
    #[serde(rename = "no trend")]
    NoTrend,
}

impl Direction {
    /// The contract's word: `increasing`, `decreasing` or `no trend`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Increasing => "increasing",
            Direction::Decreasing => "decreasing",
            Direction::NoTrend => "no trend",
        }
    }

    /// The direction for a Mann-Kendall result at level `alpha`.
    pub fn decide(mk: &MannKendall, alpha: f64) -> Direction {
        if mk.p <= alpha && mk.s > 0 {
            Direction::Increasing
        } else if mk.p <= alpha && mk.s < 0 {
            Direction::Decreasing
        } else {
            Direction::NoTrend
        }
    }
}

/// OLS `C = a + b x` with the test of the slope (the `"ols"` object).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OlsTrend {
    /// The slope `b`.
    pub slope: f64,
    /// Standard error of `b`: `sqrt(SSR / (n - 2) / Sxx)`.
    pub se: f64,
    /// `t = b / se`; `None` when `se = 0`.
    pub t: Option<f64>,
    /// Two-sided p value of `t` (Student t, `n - 2` degrees of freedom); 0
    /// when `se = 0`.
    pub p: f64,
    /// `R^2 = Sxy^2 / (Sxx Syy)`; `None` when all `C` are equal.
    pub r2: Option<f64>,
}

/// The Mann-Kendall test (the `"mann_kendall"` object).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MannKendall {
    /// `S = sum_{i<j} sign(C_j - C_i)`.
    pub s: i64,
    /// Variance of S with the tie correction.
    pub var_s: f64,
    /// Normal score with the continuity correction (0 when `S = 0`).
    pub z: f64,
    /// Two-sided p value `2 (1 - Phi(|z|))`.
    pub p: f64,
    /// Kendall's tau `S / (n (n - 1) / 2)`.
    pub tau: f64,
}

/// Every trend statistic of one group (an element of `"groups"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupTrend {
    /// The group's key (the `--by` value as text, or `"all"`).
    pub key: String,
    /// Number of points.
    pub n: usize,
    /// OLS slope and its test.
    pub ols: OlsTrend,
    /// The Mann-Kendall test.
    pub mann_kendall: MannKendall,
    /// Sen's slope (per unit of x).
    pub sen_slope: f64,
    /// The Mann-Kendall direction at the report's alpha.
    pub direction: Direction,
}

/// The result of `rurban trend` (without the CLI's `"warnings"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendReport {
    /// The significance level of `direction`.
    pub alpha: f64,
    /// One entry per group, in the order given.
    pub groups: Vec<GroupTrend>,
}

/// One input series: its key, its x and its values (any order).
pub type Series = (String, Vec<f64>, Vec<f64>);

/// Trend statistics of every group, in the order given.
///
/// Errors: `alpha` outside (0, 1), and any error of [`trend`].
pub fn trend_report(series: &[Series], alpha: f64) -> Result<TrendReport, TrendError> {
    check_alpha(alpha)?;
    let groups = series
        .iter()
        .map(|(key, x, c)| trend(key, x, c, alpha))
        .collect::<Result<_, _>>()?;
    Ok(TrendReport { alpha, groups })
}

/// Trend statistics of one series `c` against `x` (in any order: it is
/// sorted by x first, stably).
///
/// Errors, each naming `key`: lengths differ, fewer than 3 points, a
/// non-finite x or value, all x equal, `alpha` outside (0, 1).
pub fn trend(key: &str, x: &[f64], c: &[f64], alpha: f64) -> Result<GroupTrend, TrendError> {
    check_alpha(alpha)?;
    let (xs, cs) = prepare(key, x, c)?;
    let mann_kendall = mann_kendall(&cs);
    let ols = ols(&xs, &cs);
    // `prepare` guarantees two distinct x, so some pair has x_j != x_i.
    let sen_slope = sen_slope(&xs, &cs);
    let stats = [
        ("OLS slope", ols.slope),
        ("OLS standard error", ols.se),
        ("OLS t", ols.t.unwrap_or(0.0)),
        ("OLS p", ols.p),
        ("OLS r2", ols.r2.unwrap_or(0.0)),
        ("Sen slope", sen_slope),
    ];
    if let Some(&(stat, _)) = stats.iter().find(|(_, v)| !v.is_finite()) {
        return Err(overflow(key, x, c, stat));
    }
    Ok(GroupTrend {
        key: key.to_string(),
        n: cs.len(),
        ols,
        direction: Direction::decide(&mann_kendall, alpha),
        mann_kendall,
        sen_slope,
    })
}

/// [`TrendError::Overflow`] naming the x or value of largest magnitude
/// (in input order; ties go to the value).
fn overflow(key: &str, x: &[f64], c: &[f64], stat: &'static str) -> TrendError {
    let largest = |v: &[f64]| {
        (0..v.len())
            .rev()
            .max_by(|&a, &b| v[a].abs().total_cmp(&v[b].abs()))
            .unwrap_or(0)
    };
    let (i, j) = (largest(x), largest(c));
    let (what, point, value) = if x[i].abs() > c[j].abs() {
        ("x", i, x[i])
    } else {
        ("value", j, c[j])
    };
    TrendError::Overflow {
        group: key.to_string(),
        what,
        point: point + 1,
        value,
        stat,
    }
}

fn check_alpha(alpha: f64) -> Result<(), TrendError> {
    if alpha > 0.0 && alpha < 1.0 {
        Ok(())
    } else {
        Err(TrendError::BadAlpha(alpha))
    }
}

/// Validates a series and returns it sorted by x (stable).
fn prepare(key: &str, x: &[f64], c: &[f64]) -> Result<(Vec<f64>, Vec<f64>), TrendError> {
    if x.len() != c.len() {
        return Err(TrendError::LengthMismatch {
            group: key.to_string(),
            x: x.len(),
            values: c.len(),
        });
    }
    if c.len() < 3 {
        return Err(TrendError::TooFewPoints {
            group: key.to_string(),
            n: c.len(),
        });
    }
    for (what, v) in [("x", x), ("value", c)] {
        if let Some(i) = v.iter().position(|a| !a.is_finite()) {
            return Err(TrendError::NonFinite {
                group: key.to_string(),
                what,
                point: i + 1,
                value: v[i],
            });
        }
    }
    if x.iter().all(|&a| a == x[0]) {
        return Err(TrendError::ConstantX {
            group: key.to_string(),
            x: x[0],
        });
    }
    let mut order: Vec<usize> = (0..x.len()).collect();
    // `sort_by` is stable: equal x keep their input order.
    order.sort_by(|&i, &j| x[i].total_cmp(&x[j]));
    Ok((
        order.iter().map(|&i| x[i]).collect(),
        order.iter().map(|&i| c[i]).collect(),
    ))
}

/// OLS `c = a + b x` with the Student-t test of `b`.
///
/// Expects at least 3 finite points and two distinct x (as [`trend`]
/// checks). When all `c` are equal the fit is exact by construction: slope
/// and `se` are 0, `t` and `r2` are `None`, `p` is 0.
pub fn ols(x: &[f64], c: &[f64]) -> OlsTrend {
    if c.iter().all(|&v| v == c[0]) {
        return OlsTrend {
            slope: 0.0,
            se: 0.0,
            t: None,
            p: 0.0,
            r2: None,
        };
    }
    let LineFit {
        b: slope,
        se,
        df,
        sxx,
        syy,
        sxy,
        ..
    } = fit_line(x, c);
    let (t, p) = if se == 0.0 {
        (None, 0.0)
    } else {
        let t = slope / se;
        (Some(t), student_two_sided(t, df))
    };
    let r2 = (sxy * sxy / (sxx * syy)).min(1.0);
    OlsTrend {
        slope,
        se,
        t,
        p,
        r2: Some(r2),
    }
}

/// The least-squares line `y = a + b x` and the sums behind it; the one OLS
/// of the workspace (the trend test here, beta convergence elsewhere).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineFit {
    /// Intercept `a = ybar - b xbar`.
    pub a: f64,
    /// Slope `b = Sxy / Sxx`.
    pub b: f64,
    /// Standard error of `b`: `sqrt(SSR / df / Sxx)`.
    pub se: f64,
    /// Residual degrees of freedom `n - 2`.
    pub df: f64,
    /// `sum (x - xbar)^2`.
    pub sxx: f64,
    /// `sum (y - ybar)^2`.
    pub syy: f64,
    /// `sum (x - xbar)(y - ybar)`.
    pub sxy: f64,
    /// Residual sum of squares `sum (y - a - b x)^2`, from the residuals
    /// directly, not `Syy - b Sxy`, which cancels for good fits.
    pub ssr: f64,
}

/// Fits `y = a + b x` by ordinary least squares with centred sums.
///
/// No checks: the caller ensures equal lengths, finite numbers and at least
/// 3 points. With all `x` equal `Sxx = 0` and `b`, `a`, `se` are not finite.
pub fn fit_line(x: &[f64], y: &[f64]) -> LineFit {
    let n = x.len() as f64;
    let xbar = x.iter().sum::<f64>() / n;
    let ybar = y.iter().sum::<f64>() / n;
    let (mut sxx, mut syy, mut sxy) = (0.0, 0.0, 0.0);
    for (u, v) in x.iter().zip(y) {
        let (du, dv) = (u - xbar, v - ybar);
        sxx += du * du;
        syy += dv * dv;
        sxy += du * dv;
    }
    let b = sxy / sxx;
    let a = ybar - b * xbar;
    let ssr: f64 = x
        .iter()
        .zip(y)
        .map(|(u, v)| {
            let e = v - a - b * u;
            e * e
        })
        .sum();
    let df = n - 2.0;
    LineFit {
        a,
        b,
        se: (ssr / df / sxx).sqrt(),
        df,
        sxx,
        syy,
        sxy,
        ssr,
    }
}

/// Two-sided p value `2 P(T > |t|)` for Student's t with `df >= 1` degrees
/// of freedom; NaN for a NaN `t` or an invalid `df`.
pub fn student_two_sided(t: f64, df: f64) -> f64 {
    if t.is_nan() {
        // statrs panics on a NaN argument; the caller reports the overflow
        return f64::NAN;
    }
    match StudentsT::new(0.0, 1.0, df) {
        Ok(dist) => (2.0 * dist.sf(t.abs())).min(1.0),
        Err(_) => f64::NAN,
    }
}

/// `2 (1 - Phi(|z|))`, computed as `2 Phi(-|z|)`.
fn normal_two_sided(z: f64) -> f64 {
    match Normal::new(0.0, 1.0) {
        Ok(dist) => (2.0 * dist.sf(z.abs())).min(1.0),
        Err(_) => f64::NAN,
    }
}

/// The Mann-Kendall test of a series already in x order (at least 2
/// finite values; [`trend`] checks for 3).
pub fn mann_kendall(c: &[f64]) -> MannKendall {
    let n = c.len();
    let mut s: i64 = 0;
    for i in 0..n {
        for j in i + 1..n {
            // sign(C_j - C_i); equal values (also -0 and 0) count 0.
            if c[j] > c[i] {
                s += 1;
            } else if c[j] < c[i] {
                s -= 1;
            }
        }
    }
    let var_s = variance_s(c);
    let z = if s > 0 {
        (s - 1) as f64 / var_s.sqrt()
    } else if s < 0 {
        (s + 1) as f64 / var_s.sqrt()
    } else {
        0.0
    };
    let p = if z == 0.0 { 1.0 } else { normal_two_sided(z) };
    let nf = n as f64;
    MannKendall {
        s,
        var_s,
        z,
        p,
        tau: s as f64 / (nf * (nf - 1.0) / 2.0),
    }
}

/// `var_S` with the tie correction over the groups of equal values.
fn variance_s(c: &[f64]) -> f64 {
    let term = |t: f64| t * (t - 1.0) * (2.0 * t + 5.0);
    let mut sorted = c.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut ties = 0.0;
    let mut start = 0;
    for k in 1..=sorted.len() {
        if k == sorted.len() || sorted[k] != sorted[start] {
            ties += term((k - start) as f64);
            start = k;
        }
    }
    (term(c.len() as f64) - ties) / 18.0
}

/// Sen's slope: the median of `(c_j - c_i) / (x_j - x_i)` over `i < j` with
/// `x_j != x_i`, the mean of the two middle slopes when their number is
/// even. NaN when every x is the same ([`trend`] rejects that).
pub fn sen_slope(x: &[f64], c: &[f64]) -> f64 {
    let mut d = Vec::with_capacity(x.len() * x.len().saturating_sub(1) / 2);
    for i in 0..x.len() {
        for j in i + 1..x.len() {
            if x[j] != x[i] {
                d.push((c[j] - c[i]) / (x[j] - x[i]));
            }
        }
    }
    median(&mut d)
}

/// Median (NaN for an empty slice).
fn median(d: &mut [f64]) -> f64 {
    let m = d.len();
    if m == 0 {
        return f64::NAN;
    }
    let (_, &mut hi, _) = d.select_nth_unstable_by(m / 2, f64::total_cmp);
    if m % 2 == 1 {
        hi
    } else {
        // The largest of the lower half is the other middle value.
        let lo = d[..m / 2]
            .iter()
            .copied()
            .max_by(f64::total_cmp)
            .unwrap_or(hi);
        (lo + hi) / 2.0
    }
}

/// A p value as the findings quote it: `p < 0.001` below 0.001, else
/// `p = ` with three decimals (`p = 0.012`).
pub fn format_p(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".to_string()
    } else {
        format!("p = {p:.3}")
    }
}

/// The Mann-Kendall verdict on a yearly series, worded for a finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YearlyChange {
    /// The test (at [`FINDINGS_ALPHA`]).
    pub mann_kendall: MannKendall,
    /// Its direction.
    pub direction: Direction,
    /// `"<word> (Mann-Kendall p = 0.012)"` with the rising or falling word
    /// when significant, else `"no significant change (Mann-Kendall p =
    /// 0.340)"`.
    pub phrase: String,
}

/// The Mann-Kendall test (alpha [`FINDINGS_ALPHA`]) of a yearly series
/// `values` over `years` (any order; sorted by year), and a phrase for a
/// finding: `rising` or `falling` (e.g. `"rising"`, `"widening"`) when the
/// trend is significant, followed by the p value as [`format_p`] writes it,
/// e.g. `rising (Mann-Kendall p = 0.012)`, `narrowing (Mann-Kendall p <
/// 0.001)`; otherwise `no significant change (Mann-Kendall p = 0.340)`.
///
/// Errors as [`trend`], naming the series `name`.
pub fn yearly_change(
    name: &str,
    years: &[i64],
    values: &[f64],
    rising: &str,
    falling: &str,
) -> Result<YearlyChange, TrendError> {
    let x: Vec<f64> = years.iter().map(|&y| y as f64).collect();
    let (_, c) = prepare(name, &x, values)?;
    let mk = mann_kendall(&c);
    let direction = Direction::decide(&mk, FINDINGS_ALPHA);
    let word = match direction {
        Direction::Increasing => rising,
        Direction::Decreasing => falling,
        Direction::NoTrend => "no significant change",
    };
    Ok(YearlyChange {
        phrase: format!("{word} (Mann-Kendall {})", format_p(mk.p)),
        mann_kendall: mk,
        direction,
    })
}

#[cfg(test)]
mod line_tests {
    use super::*;

    #[test]
    fn fit_line_by_hand() {
        // x = 0, 1, 2; y = 1, 3, 2: xbar = 1, ybar = 2, Sxx = 2, Syy = 2,
        // Sxy = 1, b = 0.5, a = 1.5; residuals -0.5, 1, -0.5: SSR = 1.5;
        // df = 1, se = sqrt(1.5 / 1 / 2) = sqrt(0.75).
        let f = fit_line(&[0.0, 1.0, 2.0], &[1.0, 3.0, 2.0]);
        assert_eq!((f.a, f.b, f.df), (1.5, 0.5, 1.0));
        assert_eq!((f.sxx, f.syy, f.sxy, f.ssr), (2.0, 2.0, 1.0, 1.5));
        assert_eq!(f.se, 0.75f64.sqrt());
        // With 1 degree of freedom Student's t is Cauchy:
        // p = 1 - 2 atan(|t|) / pi.
        let t = f.b / f.se;
        let cauchy = 1.0 - 2.0 * t.atan() / std::f64::consts::PI;
        assert!((student_two_sided(t, f.df) - cauchy).abs() < 1e-12);
        assert!(student_two_sided(f64::NAN, 1.0).is_nan());
    }
}
