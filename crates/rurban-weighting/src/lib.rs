//! Weighting schemes for composite indices, behind one [`Weighting`] trait.
//!
//! The built-in schemes follow the command-line contract exactly:
//!
//! * [`Entropy`]: `q = z + S`, `p_ij = q_ij / sum_i q_ij`,
//!   `e_j = -(1/ln n) sum_i p_ij ln p_ij` (`0 ln 0 = 0`), `d_j = 1 - e_j`,
//!   `w_j = d_j / sum_k d_k`.
//! * [`Critic`]: `c_j = s_j sum_k (1 - r_jk)` with `s` the sample standard
//!   deviation of `z_j` and `r` the Pearson correlation of the z columns.
//! * [`StdDev`]: `w_j = s_j / sum_k s_k`.
//! * [`Cv`]: on raw values (all > 0), `v_j = s_j / mean_j`.
//! * [`Equal`]: `w_j = 1 / m`.
//!
//! `z` is the direction-aware min-max normalisation of [`normalize::minmax`].
//! A constant column carries no information: entropy, CRITIC and stddev leave
//! it out, give it weight 0 and name it in a warning.
//!
//! Plugins implement the same trait (through `rurban-host`), so the rest of
//! the program cannot tell a plugin from a built-in scheme.

pub mod normalize;
mod schemes;

use ndarray::ArrayView2;
use rurban_core::Direction;

pub use normalize::{Normalized, minmax};
/// The checked entropy shift (finite, >= 0), as the specification reads it.
pub use rurban_core::Shift;
pub use schemes::{Critic, Cv, Entropy, Equal, StdDev, builtin, builtin_names};

/// What a weighting scheme sees: one matrix of observations (rows) x
/// indicators (columns), raw and normalised.
#[derive(Debug, Clone, Copy)]
pub struct WeightInput<'a> {
    /// Indicator names, one per column.
    pub names: &'a [String],
    /// Raw values, n x m.
    pub raw: ArrayView2<'a, f64>,
    /// Direction-aware min-max values in [0, 1], n x m.
    pub normalized: ArrayView2<'a, f64>,
    /// Per column: true when max = min.
    pub constant: &'a [bool],
    /// Per column direction.
    pub directions: &'a [Direction],
    /// Entropy shift S (other schemes ignore it).
    pub shift: f64,
    /// Scheme parameters as a JSON text (`"{}"` when none), for plugins.
    pub params: &'a str,
}

/// The weights of one computation.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Weights {
    /// One weight per column, summing to 1.
    pub weights: Vec<f64>,
    /// Entropy e_j per column (entropy method only).
    pub entropy: Option<Vec<f64>>,
    /// Human-readable warnings (e.g. constant columns left out).
    pub warnings: Vec<String>,
}

/// Errors of a weighting computation.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WeightError {
    /// Fewer than two observations.
    #[error("need at least 2 rows to compute weights, got {0}")]
    TooFewRows(usize),
    /// No column varies.
    #[error("all columns are constant: no column carries information to weight")]
    AllConstant,
    /// No columns at all.
    #[error("no indicator columns to weight")]
    NoColumns,
    /// A value the scheme cannot take.
    #[error("column '{column}', row {row}: {message}")]
    BadValue {
        /// Name of the offending column.
        column: String,
        /// 1-based row among the rows weighted.
        row: usize,
        /// Why the scheme cannot take the value.
        message: String,
    },
    /// Anything else, e.g. a plugin's own error.
    #[error("{0}")]
    Other(String),
}

/// A weighting scheme. Implementations must be deterministic.
pub trait Weighting: Send + Sync {
    /// The name users select the scheme by.
    fn name(&self) -> &str;
    /// One line describing the scheme.
    fn description(&self) -> &str {
        ""
    }
    /// Computes one weight per column of `input`.
    fn weigh(&self, input: &WeightInput<'_>) -> Result<Weights, WeightError>;
}

/// Threads worth using on a matrix of `cells` values: 1 below 2^17 cells
/// (starting threads would cost more than it saves), else the available
/// parallelism, at most 8. Work is only ever split by whole columns or whole
/// rows, never inside one sum, so results do not depend on this number.
pub(crate) fn threads_for(cells: usize) -> usize {
    if cells < 1 << 17 {
        return 1;
    }
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// Normalises `raw` and weighs it with `scheme`, checking the common
/// preconditions (one name and one direction per column, at least 2 rows,
/// finite values, at least one non-constant column).
pub fn compute(
    scheme: &dyn Weighting,
    names: &[String],
    raw: ArrayView2<'_, f64>,
    directions: &[Direction],
    shift: f64,
    params: &str,
) -> Result<Weights, WeightError> {
    compute_normalized(scheme, names, raw, directions, shift, params).map(|(w, _)| w)
}

/// [`compute`], also handing back the normalised matrix, so that a caller
/// scoring the same rows does not normalise them a second time.
pub fn compute_normalized(
    scheme: &dyn Weighting,
    names: &[String],
    raw: ArrayView2<'_, f64>,
    directions: &[Direction],
    shift: f64,
    params: &str,
) -> Result<(Weights, Normalized), WeightError> {
    check_input(names, raw, directions)?;
    let norm = minmax(raw, directions);
    let w = weigh_normalized(scheme, names, raw, directions, &norm, shift, params)?;
    Ok((w, norm))
}

/// The common preconditions of every scheme: one name and one direction
/// per column, at least 2 rows, finite values (an error names the first bad
/// column and its first bad 1-based row).
pub fn check_input(
    names: &[String],
    raw: ArrayView2<'_, f64>,
    directions: &[Direction],
) -> Result<(), WeightError> {
    let (n, m) = raw.dim();
    if m == 0 {
        return Err(WeightError::NoColumns);
    }
    if names.len() != m || directions.len() != m {
        return Err(WeightError::Other(format!(
            "the matrix has {m} columns but {} names and {} directions were given",
            names.len(),
            directions.len()
        )));
    }
    if n < 2 {
        return Err(WeightError::TooFewRows(n));
    }
    // One pass in memory order; only when a value is bad, search column by
    // column so that the error names the first bad column and its first bad row.
    if !raw.iter().all(|v| v.is_finite()) {
        for (j, col) in raw.columns().into_iter().enumerate() {
            if let Some(i) = col.iter().position(|v| !v.is_finite()) {
                return Err(WeightError::BadValue {
                    column: names[j].clone(),
                    row: i + 1,
                    message: "missing or non-finite value".into(),
                });
            }
        }
    }
    // Values near the float limits (±1.8e308) make max - min overflow to
    // infinity, and every normalised value after it meaningless.
    for (j, col) in raw.columns().into_iter().enumerate() {
        let (mut lo, mut hi) = (0, 0);
        for (i, &v) in col.iter().enumerate() {
            if v < col[lo] {
                lo = i;
            }
            if v > col[hi] {
                hi = i;
            }
        }
        if !(col[hi] - col[lo]).is_finite() {
            return Err(WeightError::BadValue {
                column: rurban_method::text::clip(&names[j]).into_owned(),
                row: hi + 1,
                message: format!(
                    "the range of the column ({:e} - {:e}) overflows a 64-bit float; rescale the column",
                    col[hi], col[lo]
                ),
            });
        }
    }
    Ok(())
}

/// Weighs `raw`, already checked ([`check_input`]) and normalised into
/// `norm` (by the min-max of [`normalize::minmax`] or another
/// normalisation), with `scheme`; at least one column must not be constant.
pub fn weigh_normalized(
    scheme: &dyn Weighting,
    names: &[String],
    raw: ArrayView2<'_, f64>,
    directions: &[Direction],
    norm: &Normalized,
    shift: f64,
    params: &str,
) -> Result<Weights, WeightError> {
    // Shifted values z + shift are summed over the rows: the sum must stay finite.
    if !((1.0 + shift) * raw.nrows() as f64).is_finite() {
        return Err(WeightError::Other(format!(
            "shift {shift:e} is too large: the shifted values of {} rows overflow a 64-bit float when summed",
            raw.nrows()
        )));
    }
    if norm.constant.iter().all(|&c| c) {
        return Err(WeightError::AllConstant);
    }
    let input = WeightInput {
        names,
        raw: raw.reborrow(),
        normalized: norm.z.view(),
        constant: &norm.constant,
        directions,
        shift,
        params,
    };
    scheme.weigh(&input)
}
