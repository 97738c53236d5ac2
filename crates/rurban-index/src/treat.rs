//! Outlier treatment by step-wise winsorisation with a log fallback, as
//! COINr's `Treat()` does it (Becker et al., COINr, 2022), in the
//! contract's wording.
//!
//! `G1` is the bias-corrected sample skewness and `G2` the bias-corrected
//! excess kurtosis ([`skew_kurtosis`], as SciPy's `skew(bias=False)` and
//! `kurtosis(bias=False)`). A column is an outlier column when
//! `|G1| > skew` and `G2 > kurtosis`. While it is one and fewer than
//! `winmax` steps were taken, one step winsorises the high side if
//! `G1 >= 0`, else the low side (with `switch = false`, the side of the
//! first step throughout): every value equal to the current maximum
//! (minimum) becomes the next lower (higher) distinct value; then G1 and G2
//! are recomputed. If the column is still an outlier column after the steps
//! and `log = true`, the steps are undone and the original column becomes
//! `ln(x - min + 0.01 (max - min))`.
//!
//! Missing values (NaN) stay missing and are left out of G1, G2, min and
//! max. A column with fewer than 4 values or a constant one is not treated.

use serde::Serialize;

use crate::StageError;

/// How many winsorisation steps at most.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Winmax {
    /// A fixed number of steps.
    Steps(usize),
    /// `ceil(p n / 100)` steps, n = rows of the scope.
    Percent(f64),
}

impl Winmax {
    /// Reads `"10%"` (a percentage >= 0) or `"3"` (an integer >= 0).
    pub fn parse(text: &str) -> Result<Self, StageError> {
        let t = text.trim();
        let bad = || {
            StageError::Setting(format!(
                "winmax = \"{text}\": expected an integer >= 0 or a percentage such as \"10%\""
            ))
        };
        if let Some(p) = t.strip_suffix('%') {
            let p: f64 = p.trim().parse().map_err(|_| bad())?;
            if !(p.is_finite() && p >= 0.0) {
                return Err(bad());
            }
            Ok(Winmax::Percent(p))
        } else {
            t.parse::<usize>().map(Winmax::Steps).map_err(|_| bad())
        }
    }

    /// The number of steps for a scope of `n` rows.
    pub fn steps(self, n: usize) -> usize {
        match self {
            Winmax::Steps(k) => k,
            Winmax::Percent(p) => (p * n as f64 / 100.0).ceil() as usize,
        }
    }
}

/// The winsorisation settings (`[method.treatment]`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Treatment {
    /// `|G1|` above this (with `G2` above `kurtosis`) makes an outlier column.
    pub skew: f64,
    /// `G2` above this (with `|G1|` above `skew`) makes an outlier column.
    pub kurtosis: f64,
    /// Steps at most.
    pub winmax: Winmax,
    /// Re-choose the side at every step.
    pub switch: bool,
    /// Fall back to the log transform.
    pub log: bool,
}

impl Default for Treatment {
    /// skew 2, kurtosis 3.5, winmax 10%, switch and log on.
    fn default() -> Self {
        Treatment {
            skew: 2.0,
            kurtosis: 3.5,
            winmax: Winmax::Percent(10.0),
            switch: true,
            log: true,
        }
    }
}

impl Treatment {
    /// Checks that the thresholds are finite.
    pub fn check(&self) -> Result<(), StageError> {
        if !(self.skew.is_finite() && self.kurtosis.is_finite()) {
            return Err(StageError::Setting(format!(
                "treatment thresholds skew = {}, kurtosis = {} must be finite numbers",
                self.skew, self.kurtosis
            )));
        }
        Ok(())
    }

    fn outlier(&self, g: (f64, f64)) -> bool {
        g.0.abs() > self.skew && g.1 > self.kurtosis
    }
}

/// What the treatment did to one column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TreatReport {
    /// Winsorisation steps taken (also when the log replaced them).
    pub steps: usize,
    /// Cells whose value the kept winsorisation changed (0 with the log).
    pub cells: usize,
    /// Whether the log transform was applied.
    pub log: bool,
    /// G1 of the column before treatment (NaN when undefined).
    pub skew_before: f64,
    /// G2 of the column before treatment (NaN when undefined).
    pub kurtosis_before: f64,
    /// G1 of the column returned.
    pub skew_after: f64,
    /// G2 of the column returned.
    pub kurtosis_after: f64,
}

/// `(G1, G2)` of the non-missing values of `x`: SciPy's
/// `skew(x, bias=False)` and `kurtosis(x, bias=False)` (excess, Fisher).
/// With `g1 = m3 / m2^1.5`, `g2 = m4 / m2^2 - 3` on the biased central
/// moments: `G1 = sqrt(n (n - 1)) / (n - 2) g1`,
/// `G2 = ((n + 1) g2 + 6) (n - 1) / ((n - 2) (n - 3))`. NaN for G1 below 3
/// values, for G2 below 4, and for both when the values are constant.
pub fn skew_kurtosis(x: &[f64]) -> (f64, f64) {
    let vals: Vec<f64> = x.iter().copied().filter(|v| !v.is_nan()).collect();
    let n = vals.len() as f64;
    if vals.len() < 3 {
        return (f64::NAN, f64::NAN);
    }
    let mean = vals.iter().sum::<f64>() / n;
    let (mut m2, mut m3, mut m4) = (0.0, 0.0, 0.0);
    for v in &vals {
        let d = v - mean;
        let d2 = d * d;
        m2 += d2;
        m3 += d2 * d;
        m4 += d2 * d2;
    }
    let (m2, m3, m4) = (m2 / n, m3 / n, m4 / n);
    if m2 <= 0.0 {
        return (f64::NAN, f64::NAN);
    }
    let g1 = m3 / m2.powf(1.5);
    let big_g1 = (n * (n - 1.0)).sqrt() / (n - 2.0) * g1;
    let big_g2 = if vals.len() < 4 {
        f64::NAN
    } else {
        let g2 = m4 / (m2 * m2) - 3.0;
        ((n + 1.0) * g2 + 6.0) * (n - 1.0) / ((n - 2.0) * (n - 3.0))
    };
    (big_g1, big_g2)
}

/// One treated column and its report.
#[derive(Debug, Clone, PartialEq)]
pub struct Treated {
    /// The treated values (missing stay missing).
    pub values: Vec<f64>,
    /// What was done.
    pub report: TreatReport,
}

/// One winsorisation step on `x`: the high side moves every maximum to the
/// next lower distinct value, the low side every minimum to the next higher
/// one. False when there is no such value.
fn step(x: &mut [f64], high: bool) -> bool {
    let present = || x.iter().copied().filter(|v| !v.is_nan());
    let (edge, next) = if high {
        let mx = present().fold(f64::NEG_INFINITY, f64::max);
        let next = present()
            .filter(|&v| v < mx)
            .fold(f64::NEG_INFINITY, f64::max);
        (mx, next)
    } else {
        let mn = present().fold(f64::INFINITY, f64::min);
        let next = present().filter(|&v| v > mn).fold(f64::INFINITY, f64::min);
        (mn, next)
    };
    if !next.is_finite() {
        return false;
    }
    for v in x.iter_mut() {
        if *v == edge {
            *v = next;
        }
    }
    true
}

/// Treats one column (`x`: the rows of the scope, NaN = missing) by the
/// contract's winsorisation; `winmax` as a percentage counts all rows.
pub fn winsorise(x: &[f64], t: &Treatment) -> Treated {
    let g0 = skew_kurtosis(x);
    let untreated = |values: Vec<f64>| Treated {
        values,
        report: TreatReport {
            steps: 0,
            cells: 0,
            log: false,
            skew_before: g0.0,
            kurtosis_before: g0.1,
            skew_after: g0.0,
            kurtosis_after: g0.1,
        },
    };
    let present = x.iter().filter(|v| !v.is_nan()).count();
    // fewer than 4 values, or constant (G undefined): not treated
    if present < 4 || g0.0.is_nan() || !t.outlier(g0) {
        return untreated(x.to_vec());
    }
    let winmax = t.winmax.steps(x.len());
    let mut w = x.to_vec();
    let mut g = g0;
    let mut steps = 0;
    let mut first_side = None;
    while t.outlier(g) && steps < winmax {
        let high = match (t.switch, first_side) {
            (false, Some(side)) => side,
            _ => g.0 >= 0.0,
        };
        first_side.get_or_insert(high);
        if !step(&mut w, high) {
            break;
        }
        steps += 1;
        g = skew_kurtosis(&w);
    }
    if t.outlier(g) && t.log {
        let (mn, mx) = x
            .iter()
            .filter(|v| !v.is_nan())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                (a.min(v), b.max(v))
            });
        let values: Vec<f64> = x
            .iter()
            .map(|&v| (v - mn + 0.01 * (mx - mn)).ln())
            .collect();
        let after = skew_kurtosis(&values);
        return Treated {
            values,
            report: TreatReport {
                steps,
                cells: 0,
                log: true,
                skew_before: g0.0,
                kurtosis_before: g0.1,
                skew_after: after.0,
                kurtosis_after: after.1,
            },
        };
    }
    let cells = w
        .iter()
        .zip(x)
        .filter(|(a, b)| !b.is_nan() && a != b)
        .count();
    Treated {
        values: w,
        report: TreatReport {
            steps,
            cells,
            log: false,
            skew_before: g0.0,
            kurtosis_before: g0.1,
            skew_after: g.0,
            kurtosis_after: g.1,
        },
    }
}

/// [`winsorise`] applied to every column of `raw` (rows of the scope x
/// indicators), each on its own: the treated matrix and one report per
/// column.
pub fn winsorise_columns(
    raw: ndarray::ArrayView2<'_, f64>,
    t: &Treatment,
) -> (ndarray::Array2<f64>, Vec<TreatReport>) {
    let mut out = raw.to_owned();
    let mut reports = Vec::with_capacity(raw.ncols());
    for (j, col) in raw.columns().into_iter().enumerate() {
        let treated = winsorise(&col.to_vec(), t);
        out.column_mut(j)
            .iter_mut()
            .zip(&treated.values)
            .for_each(|(o, v)| *o = *v);
        reports.push(treated.report);
    }
    (out, reports)
}
