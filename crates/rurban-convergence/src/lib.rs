//! Sigma and absolute beta convergence of one variable over a panel of
//! regions and years.
//!
//! Input is long data: one `(region, year, value)` row per observation.
//! Rows whose value is NaN or infinite count as missing (so a caller may
//! either drop missing cells or pass them as NaN, with the same result).
//! The panel's years are the distinct years of the remaining rows.
//!
//! - **sigma**: for each year (ascending), the coefficient of variation of the
//!   values across regions, `cv = s / mean` with the sample standard
//!   deviation `s` (ddof 1).
//! - **absolute beta**: with `t0` the first and `T` the last year of the
//!   panel, for each region with values in both,
//!   `g_i = ln(x_iT / x_i0) / (T - t0)`, and the OLS regression
//!   `g_i = a + b ln x_i0`. Reported: `b`, its standard error
//!   `se = sqrt(SSR / (n - 2) / Sxx)`, `t = b / se`, the two-sided p value
//!   from Student's t with `n - 2` degrees of freedom, `R^2 = 1 - SSR / SST`,
//!   the speed `lambda = -ln(1 + b (T - t0)) / (T - t0)` and the half-life
//!   `ln 2 / lambda`. `lambda` and the half-life are `None` (JSON `null`)
//!   when `b >= 0`, and also when `1 + b (T - t0) <= 0` (the logarithm is
//!   undefined).
//!
//! The contract-level entry point is [`convergence_report`]. The crate does
//! no I/O. See `docs/methods/convergence.md`.

use std::collections::{BTreeMap, HashMap};

use rurban_trend::{fit_line, student_two_sided};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a convergence analysis could not be computed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum ConvergenceError {
    /// No rows with a finite value.
    #[error("no observations with a value")]
    Empty,
    /// The same (region, year) appears twice.
    #[error("region {region:?} has more than one value for year {year}")]
    Duplicate {
        /// Region name.
        region: String,
        /// Year.
        year: i64,
    },
    /// A year with fewer than two values: its CV (ddof 1) is undefined.
    #[error(
        "year {year} has {n} region(s) with a value; the coefficient of variation needs at least 2"
    )]
    TooFewInYear {
        /// Year.
        year: i64,
        /// Number of values in that year.
        n: usize,
    },
    /// A year whose coefficient of variation overflows a 64-bit float
    /// (values near ±1.8e308, or their sum or squares); the region named holds
    /// the value of largest magnitude.
    #[error(
        "region {region:?}, year {year}: value {value:e} is too large: the coefficient of variation of the year overflows a 64-bit float; rescale the column"
    )]
    Overflow {
        /// Region name.
        region: String,
        /// Year.
        year: i64,
        /// The value.
        value: f64,
    },
    /// A year whose values have mean 0: its CV is undefined.
    #[error("the values of year {0} have mean 0, so their coefficient of variation is undefined")]
    ZeroMeanInYear(i64),
    /// The panel has a single year, so there is no growth to regress.
    #[error("the panel has a single year ({0}); beta convergence needs a first and a last year")]
    SingleYear(i64),
    /// A value used by beta convergence is zero or negative.
    #[error(
        "region {region:?}, year {year}: value {value} is not positive; beta convergence takes its logarithm"
    )]
    NonPositive {
        /// Region name.
        region: String,
        /// Year.
        year: i64,
        /// The offending value.
        value: f64,
    },
    /// Fewer than three regions have values in both the first and last year.
    #[error(
        "only {usable} region(s) have values in both {first} and {last}; beta convergence needs at least 3"
    )]
    TooFewRegions {
        /// Number of usable regions.
        usable: usize,
        /// First year of the panel.
        first: i64,
        /// Last year of the panel.
        last: i64,
    },
    /// Regression inputs of different lengths, or fewer than 3 points.
    #[error("regression needs at least 3 points and equally long x and y (got {x} and {y})")]
    RegressionShape {
        /// Length of x.
        x: usize,
        /// Length of y.
        y: usize,
    },
    /// All regressors are equal, so the slope is undefined.
    #[error("every region has the same initial value (log {0}); the slope is undefined")]
    ConstantRegressor(f64),
    /// A non-finite regression input.
    #[error("regression input at position {0} is not a finite number")]
    NonFiniteRegression(usize),
}

/// The coefficient of variation of one year.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SigmaPoint {
    /// Year.
    #[serde(deserialize_with = "rurban_serde::whole")]
    pub year: i64,
    /// `s / mean` across regions (ddof 1).
    #[serde(deserialize_with = "rurban_serde::number")]
    pub cv: f64,
}

/// Simple OLS regression `y = a + b x` with inference on the slope.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ols {
    /// Intercept `a`.
    pub a: f64,
    /// Slope `b`.
    pub b: f64,
    /// Standard error of `b`: `sqrt(SSR / (n - 2) / Sxx)`.
    pub se: f64,
    /// `t = b / se`.
    pub t: f64,
    /// Two-sided p value, Student t with `n - 2` degrees of freedom.
    pub p: f64,
    /// `R^2 = 1 - SSR / SST` (NaN when all `y` are equal).
    pub r2: f64,
    /// Number of points.
    pub n: usize,
}

/// Ordinary least squares of `y` on `x` with an intercept.
///
/// Centred sums: `Sxx = sum (x - xbar)^2`, `Sxy = sum (x - xbar)(y - ybar)`,
/// `b = Sxy / Sxx`, `a = ybar - b xbar`; residuals `e = y - a - b x`,
/// `SSR = sum e^2`, `SST = sum (y - ybar)^2`. With an exact fit `se = 0`,
/// so `t` is infinite (`p = 0`) or NaN when also `b = 0`.
///
/// Errors: lengths differ or fewer than 3 points, non-finite input, all `x`
/// equal.
pub fn ols(x: &[f64], y: &[f64]) -> Result<Ols, ConvergenceError> {
    if x.len() != y.len() || x.len() < 3 {
        return Err(ConvergenceError::RegressionShape {
            x: x.len(),
            y: y.len(),
        });
    }
    if let Some(i) = (0..x.len()).find(|&i| !x[i].is_finite() || !y[i].is_finite()) {
        return Err(ConvergenceError::NonFiniteRegression(i));
    }
    let fit = fit_line(x, y);
    if fit.sxx == 0.0 {
        return Err(ConvergenceError::ConstantRegressor(x[0]));
    }
    let t = fit.b / fit.se;
    Ok(Ols {
        a: fit.a,
        b: fit.b,
        se: fit.se,
        t,
        p: student_two_sided(t, fit.df),
        r2: 1.0 - fit.ssr / fit.syy,
        n: x.len(),
    })
}

/// The absolute beta convergence result (the `"beta"` object of the JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Beta {
    /// Slope of growth on the log initial level.
    #[serde(deserialize_with = "rurban_serde::number")]
    pub b: f64,
    /// Standard error of `b` (NaN when a summary leaves it out).
    #[serde(
        default = "rurban_serde::nan",
        deserialize_with = "rurban_serde::number"
    )]
    pub se: f64,
    /// t statistic.
    #[serde(
        default = "rurban_serde::nan",
        deserialize_with = "rurban_serde::number"
    )]
    pub t: f64,
    /// Two-sided p value (Student t, `n - 2` df).
    #[serde(
        default = "rurban_serde::nan",
        deserialize_with = "rurban_serde::number"
    )]
    pub p: f64,
    /// R^2 of the regression.
    #[serde(
        default = "rurban_serde::nan",
        deserialize_with = "rurban_serde::number"
    )]
    pub r2: f64,
    /// Convergence speed; `None` when `b >= 0` or `1 + b (T - t0) <= 0`.
    #[serde(default)]
    pub lambda: Option<f64>,
    /// `ln 2 / lambda`; `None` whenever `lambda` is.
    #[serde(default)]
    pub half_life: Option<f64>,
    /// Number of regions in the regression (0 when a summary leaves it out).
    #[serde(default)]
    pub n: usize,
    /// Intercept `a` (not part of the JSON; NaN when read from JSON).
    #[serde(skip, default = "rurban_serde::nan")]
    pub intercept: f64,
    /// First year `t0` (not part of the JSON).
    #[serde(skip)]
    pub first_year: i64,
    /// Last year `T` (not part of the JSON).
    #[serde(skip)]
    pub last_year: i64,
    /// The intercept as a summary written elsewhere states it (`a`, or
    /// `intercept`). Only read, never written: the contract's `beta` has
    /// no intercept, and [`convergence_report`] leaves this `None` and
    /// keeps the intercept in `intercept`.
    #[serde(
        rename = "a",
        alias = "intercept",
        default,
        skip_serializing,
        deserialize_with = "rurban_serde::opt_number"
    )]
    pub stated_intercept: Option<f64>,
}

/// The `rurban convergence` report.
///
/// Serialises to `{"sigma": [...], "beta": {...}}`; `warnings` is not
/// serialised here: the caller moves it into the document's `"warnings"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConvergenceReport {
    /// CV per year, years ascending.
    pub sigma: Vec<SigmaPoint>,
    /// Absolute beta convergence.
    pub beta: Beta,
    /// Regions left out of the beta regression, one message each. Written
    /// only when there are any, as the `warnings` array that closes the
    /// document (where `rurban convergence` puts its warnings anyway).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// The panel with missing rows removed: region order of first appearance,
/// and for each region its values by year.
struct Panel {
    regions: Vec<String>,
    values: Vec<BTreeMap<i64, f64>>,
    years: Vec<i64>,
}

fn panel<S: AsRef<str>>(rows: &[(S, i64, f64)]) -> Result<Panel, ConvergenceError> {
    let mut index: HashMap<&str, usize> = HashMap::new();
    let mut regions = Vec::new();
    let mut values: Vec<BTreeMap<i64, f64>> = Vec::new();
    let mut years = Vec::new();
    for (region, year, value) in rows {
        if !value.is_finite() {
            continue;
        }
        let name = region.as_ref();
        let i = *index.entry(name).or_insert_with(|| {
            regions.push(name.to_string());
            values.push(BTreeMap::new());
            regions.len() - 1
        });
        if values[i].insert(*year, *value).is_some() {
            return Err(ConvergenceError::Duplicate {
                region: name.to_string(),
                year: *year,
            });
        }
        years.push(*year);
    }
    if regions.is_empty() {
        return Err(ConvergenceError::Empty);
    }
    years.sort_unstable();
    years.dedup();
    Ok(Panel {
        regions,
        values,
        years,
    })
}

/// Sigma convergence: the CV (ddof 1) across regions for each year,
/// ascending. Non-finite values are missing.
///
/// Errors: no values, a duplicate (region, year), a year with fewer than 2
/// values, a year whose values have mean 0.
pub fn sigma<S: AsRef<str>>(rows: &[(S, i64, f64)]) -> Result<Vec<SigmaPoint>, ConvergenceError> {
    sigma_of(&panel(rows)?)
}

fn sigma_of(p: &Panel) -> Result<Vec<SigmaPoint>, ConvergenceError> {
    p.years
        .iter()
        .map(|&year| {
            let x: Vec<f64> = p
                .values
                .iter()
                .filter_map(|m| m.get(&year).copied())
                .collect();
            if x.len() < 2 {
                return Err(ConvergenceError::TooFewInYear { year, n: x.len() });
            }
            let n = x.len() as f64;
            let mean = x.iter().sum::<f64>() / n;
            if mean == 0.0 {
                return Err(ConvergenceError::ZeroMeanInYear(year));
            }
            let ss: f64 = x.iter().map(|v| (v - mean) * (v - mean)).sum();
            let cv = (ss / (n - 1.0)).sqrt() / mean;
            if !cv.is_finite() {
                // The first region (in order) whose value of the year is largest.
                let (region, value) = p
                    .regions
                    .iter()
                    .zip(&p.values)
                    .filter_map(|(r, m)| m.get(&year).map(|&v| (r, v)))
                    .rev()
                    .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
                    .map(|(r, v)| (r.clone(), v))
                    .unwrap_or_default();
                return Err(ConvergenceError::Overflow {
                    region,
                    year,
                    value,
                });
            }
            Ok(SigmaPoint { year, cv })
        })
        .collect()
}

/// Absolute beta convergence between the first and last year of the panel.
///
/// Returns the result and one warning per region left out because it has no
/// (finite) value in the first or the last year. Regions enter the
/// regression in order of first appearance.
///
/// Errors: no values, a duplicate (region, year), a single year, a
/// non-positive value in the first or last year (naming region and year),
/// fewer than 3 usable regions, all usable regions with the same initial
/// value.
pub fn beta<S: AsRef<str>>(
    rows: &[(S, i64, f64)],
) -> Result<(Beta, Vec<String>), ConvergenceError> {
    beta_of(&panel(rows)?)
}

fn beta_of(p: &Panel) -> Result<(Beta, Vec<String>), ConvergenceError> {
    let (first, last) = match (p.years.first(), p.years.last()) {
        (Some(&f), Some(&l)) if f != l => (f, l),
        (Some(&f), _) => return Err(ConvergenceError::SingleYear(f)),
        _ => return Err(ConvergenceError::Empty),
    };
    let span = (last - first) as f64;
    let mut warnings = Vec::new();
    let mut x = Vec::new();
    let mut g = Vec::new();
    for (region, values) in p.regions.iter().zip(&p.values) {
        let (x0, xt) = match (values.get(&first), values.get(&last)) {
            (Some(&a), Some(&b)) => (a, b),
            (a, b) => {
                let missing: Vec<String> = [(a, first, "first"), (b, last, "last")]
                    .iter()
                    .filter(|(v, _, _)| v.is_none())
                    .map(|(_, y, which)| format!("{y} (the {which} year)"))
                    .collect();
                warnings.push(format!(
                    "region {region:?} has no value for {}; it is left out of beta convergence",
                    missing.join(" or ")
                ));
                continue;
            }
        };
        for (year, value) in [(first, x0), (last, xt)] {
            if value <= 0.0 {
                return Err(ConvergenceError::NonPositive {
                    region: region.clone(),
                    year,
                    value,
                });
            }
        }
        x.push(x0.ln());
        g.push((xt / x0).ln() / span);
    }
    if x.len() < 3 {
        return Err(ConvergenceError::TooFewRegions {
            usable: x.len(),
            first,
            last,
        });
    }
    let fit = ols(&x, &g)?;
    let growth = fit.b * span;
    let lambda = if fit.b < 0.0 && 1.0 + growth > 0.0 {
        Some(-growth.ln_1p() / span)
    } else {
        None
    };
    Ok((
        Beta {
            b: fit.b,
            se: fit.se,
            t: fit.t,
            p: fit.p,
            r2: fit.r2,
            lambda,
            half_life: lambda.map(|l| std::f64::consts::LN_2 / l),
            n: fit.n,
            intercept: fit.a,
            first_year: first,
            last_year: last,
            stated_intercept: None,
        },
        warnings,
    ))
}

/// The `rurban convergence` report: sigma per year and absolute beta.
///
/// `rows` are `(region, year, value)`; non-finite values are missing.
/// Errors: those of [`sigma`] and [`beta`].
pub fn convergence_report<S: AsRef<str>>(
    rows: &[(S, i64, f64)],
) -> Result<ConvergenceReport, ConvergenceError> {
    let p = panel(rows)?;
    let sigma = sigma_of(&p)?;
    let (beta, warnings) = beta_of(&p)?;
    Ok(ConvergenceReport {
        sigma,
        beta,
        warnings,
    })
}

pub use rurban_method::{Fit, ParamGuard};

/// Checked parameters of [`convergence_report`]. The contract fixes every
/// choice (CV with ddof 1, absolute beta on the first and last year), so
/// there is nothing to set; the type gives convergence the same shape as
/// every other method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ConvergenceParams;

impl<S: AsRef<str>> Fit<[(S, i64, f64)]> for ConvergenceParams {
    type Output = ConvergenceReport;
    type Error = ConvergenceError;
    /// [`convergence_report`] of `(region, year, value)` rows.
    fn fit(&self, rows: &[(S, i64, f64)]) -> Result<ConvergenceReport, ConvergenceError> {
        convergence_report(rows)
    }
}
