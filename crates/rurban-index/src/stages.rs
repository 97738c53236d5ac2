//! The normalisation and aggregation stages of the index, as traits beside
//! [`Weighting`](rurban_weighting::Weighting): [`build_with`](crate::build_with)
//! calls through them, so another normalisation or aggregation is one more
//! implementation, not another branch in the build.

use ndarray::{ArrayView1, ArrayView2, ArrayViewMut1};
use rurban_core::Direction;
use rurban_weighting::Normalized;

/// Normalises the rows of one scope unit (the whole panel, or one year).
pub trait Normaliser: Send + Sync {
    /// The normalisation's name, as a spec would write it.
    fn name(&self) -> &str;
    /// Normalises `raw` (rows x indicators, every value finite) with one
    /// direction per column. `constant` in the result marks the columns
    /// that carry no information.
    fn normalise(&self, raw: ArrayView2<'_, f64>, directions: &[Direction]) -> Normalized;
}

/// Aggregates one row (a region-year) of normalised values into the
/// composite and its dimension scores.
pub trait Aggregator: Send + Sync {
    /// The aggregation's name, as a spec would write it.
    fn name(&self) -> &str;
    /// Writes each dimension's score into `dimensions` (zeros on entry, one
    /// per dimension) and returns the composite, from the row's values `z`,
    /// the weights and each indicator's dimension.
    fn aggregate(
        &self,
        z: ArrayView1<'_, f64>,
        weights: &[f64],
        dimension_of: &[usize],
        dimensions: ArrayViewMut1<'_, f64>,
    ) -> f64;
}

/// The contract's direction-aware min-max over the rows of the scope unit:
/// `z = (x - min) / (max - min)` for `+`, `(max - x) / (max - min)` for `-`,
/// 0 for a constant column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MinMax;

impl Normaliser for MinMax {
    fn name(&self) -> &str {
        "minmax"
    }
    fn normalise(&self, raw: ArrayView2<'_, f64>, directions: &[Direction]) -> Normalized {
        rurban_weighting::minmax(raw, directions)
    }
}

/// The contract's weighted sum: `composite = sum_j w_j z_j`, each dimension
/// `sum_{j in D} w_j z_j`, so the dimension scores add up to the composite.
/// Each dimension score adds its terms from 0 in indicator order; the
/// composite is the sum (from -0.0, as an iterator sum) of all terms in
/// indicator order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WeightedSum;

impl Aggregator for WeightedSum {
    fn name(&self) -> &str {
        "arithmetic"
    }
    fn aggregate(
        &self,
        z: ArrayView1<'_, f64>,
        weights: &[f64],
        dimension_of: &[usize],
        mut dimensions: ArrayViewMut1<'_, f64>,
    ) -> f64 {
        let mut total = -0.0;
        for ((&wj, &zj), &d) in weights.iter().zip(z.iter()).zip(dimension_of) {
            let term = wj * zj;
            dimensions[d] += term;
            total += term;
        }
        total
    }
}
