//! Kernel density estimation with peaks, mode and spread.
//!
//! For each group of values `x_1..x_n` the density on a common grid is
//! `f(x) = 1/(n h) sum_i K((x - x_i)/h)` with
//!
//! * kernels: Gaussian `K(u) = exp(-u^2/2) / sqrt(2 pi)`, Epanechnikov
//!   `K(u) = 0.75 (1 - u^2)` for `|u| <= 1`, else 0;
//! * bandwidths: Silverman `h = 0.9 A n^(-1/5)`, Scott `h = 1.059 A n^(-1/5)`,
//!   `A = min(s, IQR / 1.349)` (`s` sample std with `n - 1`, IQR from type-7
//!   quartiles; `A = s` when IQR = 0), or a fixed `h`;
//! * grid: `N` evenly spaced points (default 512, both ends included, as
//!   `numpy.linspace`) from `min - 3 h_max` to `max + 3 h_max` over all groups,
//!   or an explicit `[grid_min, grid_max]`;
//! * summaries: peaks (interior local maxima `f[i] > f[i-1]`,
//!   `f[i] >= f[i+1]`, `f[i] >= 0.01 max f`), mode (x of the largest `f`,
//!   first on ties), peak height (`max f`) and spread (grid width of the
//!   region where `f >= 0.05 max f`).
//!
//! The exact estimate is the default; [`density_binned`] (linear binning +
//! FFT convolution) is available for very large samples.
//!
//! [`kde`] is the contract-level entry point: its [`KdeResult`] serialises
//! to the JSON shape of `rurban kde`. The crate does no I/O.

mod bandwidth;
mod density;
mod features;
mod grid;
mod kernel;
mod params;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use bandwidth::{Bandwidth, quantile_type7, sample_std, scale_a, select_bandwidth};
pub use density::{density_binned, density_exact};
pub use features::{Peak, find_peaks, mode, peak_height, spread};
pub use grid::{DEFAULT_GRID_N, Grid, linspace};
pub use kernel::{FRAC_1_SQRT_2PI, Kernel};
pub use params::{GridSize, KdeParams, MAX_GRID_N};
pub use rurban_method::{Fit, ParamGuard};

/// Everything that can go wrong in a density estimate.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum KdeError {
    /// No group was given.
    #[error("no data: at least one group of values is needed")]
    NoGroups,
    /// A group without values.
    #[error("group '{group}' has no values")]
    EmptyGroup {
        /// Group key.
        group: String,
    },
    /// A rule-of-thumb bandwidth needs at least two values.
    #[error(
        "group '{group}' has {n} value(s): a rule-of-thumb bandwidth needs at least 2 (or give a fixed bandwidth)"
    )]
    TooFewValues {
        /// Group key.
        group: String,
        /// Number of values in the group.
        n: usize,
    },
    /// All values of the group are equal, so `s = 0` and the rule gives `h = 0`.
    #[error(
        "group '{group}' has zero standard deviation (all values equal): the bandwidth rule gives h = 0 (give a fixed bandwidth)"
    )]
    ZeroSpread {
        /// Group key.
        group: String,
    },
    /// A NaN or infinite value.
    #[error("group '{group}': value {index} (1-based) is {value}, not a finite number")]
    NonFinite {
        /// Group key.
        group: String,
        /// 1-based position of the value within the group.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// Grid ends whose distance overflows a 64-bit float.
    #[error(
        "grid range [{min:e}, {max:e}] is too wide: grid-max - grid-min overflows a 64-bit float"
    )]
    GridRangeOverflow {
        /// Lower end.
        min: f64,
        /// Upper end.
        max: f64,
    },
    /// A fixed bandwidth that is not a finite positive number.
    #[error("bandwidth {value} is invalid: a fixed bandwidth must be a finite number > 0")]
    InvalidBandwidth {
        /// The bandwidth given.
        value: f64,
    },
    /// Fewer than two grid points.
    #[error("grid size {n} is invalid: at least 2 grid points are needed")]
    InvalidGridSize {
        /// The grid size given.
        n: usize,
    },
    /// More grid points than [`MAX_GRID_N`].
    #[error("grid size {n} is too large: at most {limit} grid points")]
    GridTooLarge {
        /// The grid size given.
        n: u64,
        /// The limit, [`MAX_GRID_N`].
        limit: usize,
    },
    /// A grid size that is not a whole number.
    #[error("grid size '{0}' is not a whole number of points")]
    NotAGridSize(String),
    /// A kernel name that is not `gaussian` or `epanechnikov`.
    #[error("unknown kernel '{0}': expected gaussian or epanechnikov")]
    UnknownKernel(String),
    /// A bandwidth that is neither a rule's name nor a number.
    #[error("unknown bandwidth '{0}': expected silverman, scott or a number > 0")]
    UnknownBandwidth(String),
    /// Grid ends not finite or not increasing; `at` is set when the grid
    /// comes from the values (no explicit range) and names the value of
    /// largest magnitude, whose size made the bandwidth or the grid overflow.
    #[error("{}", grid_range_message(*min, *max, at.as_ref()))]
    InvalidGridRange {
        /// Lower end.
        min: f64,
        /// Upper end.
        max: f64,
        /// The value to rescale, for a grid around the values.
        at: Option<ValueAt>,
    },
}

/// One value of one group, named in an error.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueAt {
    /// Group key.
    pub group: String,
    /// 1-based position of the value within the group.
    pub index: usize,
    /// The value.
    pub value: f64,
}

fn grid_range_message(min: f64, max: f64, at: Option<&ValueAt>) -> String {
    match at {
        Some(at) => format!(
            "group '{}': value {} (1-based) is {:e}: the bandwidth or the grid around the values ([{min:e}, {max:e}]) overflows a 64-bit float; rescale the column",
            at.group, at.index, at.value
        ),
        None => format!("grid range [{min}, {max}] is invalid: need finite grid-min < grid-max"),
    }
}

impl KdeError {
    /// The group and 0-based position within it of the value the error is
    /// about, if it is about one value; a caller maps it back to its row.
    pub fn position(&self) -> Option<(&str, usize)> {
        match self {
            KdeError::NonFinite { group, index, .. } => Some((group, index - 1)),
            KdeError::InvalidGridRange { at: Some(at), .. } => Some((&at.group, at.index - 1)),
            _ => None,
        }
    }
}

/// Options of [`kde`]: the unchecked parameters ([`ParamGuard::check`]
/// turns them into [`KdeParams`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KdeOptions {
    /// Smoothing kernel (default Gaussian).
    pub kernel: Kernel,
    /// Bandwidth rule (default Silverman).
    pub bandwidth: Bandwidth,
    /// Number of grid points (default 512, at least 2, at most [`MAX_GRID_N`]).
    pub grid_n: usize,
    /// Explicit grid ends `(grid_min, grid_max)`; `None` uses
    /// `min - 3 h_max .. max + 3 h_max` over all groups.
    pub grid_range: Option<(f64, f64)>,
    /// Use the binned + FFT approximation ([`density_binned`]) instead of the
    /// exact sums (default false).
    pub binned: bool,
}

impl Default for KdeOptions {
    fn default() -> Self {
        KdeOptions {
            kernel: Kernel::Gaussian,
            bandwidth: Bandwidth::Silverman,
            grid_n: DEFAULT_GRID_N,
            grid_range: None,
            binned: false,
        }
    }
}

/// The estimate for one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupDensity {
    /// Group key (`"all"` when there is no grouping).
    #[serde(deserialize_with = "rurban_serde::key")]
    pub key: String,
    /// Number of values (0 when a summary leaves it out).
    #[serde(default)]
    pub n: usize,
    /// Bandwidth `h` used.
    #[serde(
        default = "rurban_serde::nan",
        deserialize_with = "rurban_serde::number"
    )]
    pub bandwidth: f64,
    /// Grid points (the same for every group).
    #[serde(deserialize_with = "rurban_serde::numbers")]
    pub x: Vec<f64>,
    /// Density at each grid point.
    #[serde(deserialize_with = "rurban_serde::numbers")]
    pub density: Vec<f64>,
    /// Interior local maxima of at least 1% of the highest density.
    #[serde(default)]
    pub peaks: Vec<Peak>,
    /// Grid point of the largest density (first on ties); read as NaN
    /// when a summary leaves it out.
    #[serde(
        default = "rurban_serde::nan",
        deserialize_with = "rurban_serde::number"
    )]
    pub mode: f64,
    /// Largest density value (NaN when a summary leaves it out).
    #[serde(
        default = "rurban_serde::nan",
        deserialize_with = "rurban_serde::number"
    )]
    pub peak_height: f64,
    /// Grid width of the region where the density is at least 5% of its maximum.
    #[serde(
        default = "rurban_serde::nan",
        deserialize_with = "rurban_serde::number"
    )]
    pub spread: f64,
}

/// Result of [`kde`]; serialises to the contract's JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KdeResult {
    /// Kernel used: `"gaussian"` or `"epanechnikov"`.
    pub kernel: Kernel,
    /// `"silverman"`, `"scott"` or `"fixed"`.
    pub bandwidth_rule: String,
    /// One entry per group, in input order.
    pub groups: Vec<GroupDensity>,
}

/// Kernel density estimate of every group on one common grid.
///
/// Groups keep their input order. Bandwidths are chosen (and every input
/// checked) group by group in order, so the first offending group is the one
/// reported; densities are then computed in parallel with results identical
/// to a sequential run.
pub fn kde(groups: &[(String, Vec<f64>)], options: &KdeOptions) -> Result<KdeResult, KdeError> {
    if groups.is_empty() {
        return Err(KdeError::NoGroups);
    }
    options.check()?.fit(groups)
}

/// [`kde`] with parameters checked already.
fn estimate(groups: &[(String, Vec<f64>)], options: &KdeParams) -> Result<KdeResult, KdeError> {
    if groups.is_empty() {
        return Err(KdeError::NoGroups);
    }
    let (kernel, rule, grid_n) = (
        options.kernel(),
        options.bandwidth(),
        options.grid_n().get(),
    );
    let mut bandwidths = Vec::with_capacity(groups.len());
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for (key, values) in groups {
        if let Some((i, &v)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(KdeError::NonFinite {
                group: key.clone(),
                index: i + 1,
                value: v,
            });
        }
        bandwidths.push(select_bandwidth(key, values, rule)?);
        for &v in values {
            lo = lo.min(v);
            hi = hi.max(v);
        }
    }
    // An infinite bandwidth (the spread of values near ±1e308 overflows)
    // makes the grid ends infinite: both are refused below.
    let h_max = bandwidths.iter().copied().fold(0.0, f64::max);
    let grid = match options.grid_range() {
        Some((a, b)) => Grid::new(a, b, grid_n)?,
        None => Grid::around(lo, hi, h_max, grid_n).map_err(|_| KdeError::InvalidGridRange {
            min: lo - 3.0 * h_max,
            max: hi + 3.0 * h_max,
            at: Some(largest(groups)),
        })?,
    };
    let points = grid.points();

    let out: Vec<GroupDensity> = groups
        .par_iter()
        .zip(bandwidths.par_iter())
        .map(|((key, values), &h)| {
            let density = if options.binned() {
                density_binned(values, &grid, kernel, h)
            } else {
                density_exact(values, &points, kernel, h)
            };
            summarise(key, values.len(), h, &points, density)
        })
        .collect();

    Ok(KdeResult {
        kernel,
        bandwidth_rule: rule.rule_name().to_string(),
        groups: out,
    })
}

/// The value of largest magnitude in `groups`.
fn largest(groups: &[(String, Vec<f64>)]) -> ValueAt {
    let mut best = (0usize, 0usize, 0.0f64);
    for (g, (_, values)) in groups.iter().enumerate() {
        for (i, &v) in values.iter().enumerate() {
            if v.abs() > best.2.abs() {
                best = (g, i, v);
            }
        }
    }
    let (g, i, value) = best;
    ValueAt {
        group: groups.get(g).map(|(k, _)| k.clone()).unwrap_or_default(),
        index: i + 1,
        value,
    }
}

fn summarise(key: &str, n: usize, h: f64, points: &[f64], density: Vec<f64>) -> GroupDensity {
    GroupDensity {
        key: key.to_string(),
        n,
        bandwidth: h,
        x: points.to_vec(),
        peaks: find_peaks(points, &density),
        // the grid has at least two points, so there is a mode
        mode: mode(points, &density).unwrap_or(points[0]),
        peak_height: peak_height(&density),
        spread: spread(points, &density),
        density,
    }
}
