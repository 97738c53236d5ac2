//! The normalisation and aggregation stages of the index, as traits beside
//! [`Weighting`](rurban_weighting::Weighting): [`build_with`](crate::build_with)
//! calls through them, so another normalisation or aggregation is one more
//! implementation, not another branch in the build.

use ndarray::{ArrayView1, ArrayView2, ArrayViewMut1};
use rurban_core::Direction;
use rurban_weighting::Normalized;

use crate::StageError;

/// Normalises the rows of one scope unit (the whole panel, or one year).
pub trait Normaliser: Send + Sync {
    /// The normalisation's name, as a spec would write it.
    fn name(&self) -> &str;
    /// Normalises `raw` (rows x indicators, every value finite) with one
    /// direction per column. `constant` in the result marks the columns
    /// that carry no information.
    fn normalise(&self, raw: ArrayView2<'_, f64>, directions: &[Direction]) -> Normalized;
    /// [`normalise`](Self::normalise) for inputs it may reject: `names`
    /// (one per column) name the indicator in an error. Missing values
    /// (NaN) stay missing and are left out of every column statistic. The
    /// default accepts everything; normalisations with per-indicator
    /// settings or a domain (goalposts, target) check them here.
    fn try_normalise(
        &self,
        names: &[String],
        raw: ArrayView2<'_, f64>,
        directions: &[Direction],
    ) -> Result<Normalized, StageError> {
        check_columns(names.len(), raw.ncols(), directions.len())?;
        Ok(self.normalise(raw, directions))
    }
}

/// One name and one direction per column, or a [`StageError::Shape`].
pub(crate) fn check_columns(
    names: usize,
    cols: usize,
    directions: usize,
) -> Result<(), StageError> {
    if names != cols || directions != cols {
        return Err(StageError::Shape(format!(
            "the matrix has {cols} columns but {names} names and {directions} directions were given"
        )));
    }
    Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, array};

    #[test]
    fn weighted_sum_by_hand() {
        // w = .5, .25, .25; z = 1, 0, .4; dimensions 0, 1, 1:
        // dimension 0 = .5, dimension 1 = 0 + .1 = .1, composite .6
        let mut dims = Array1::<f64>::zeros(2);
        let c = WeightedSum.aggregate(
            array![1.0, 0.0, 0.4].view(),
            &[0.5, 0.25, 0.25],
            &[0, 1, 1],
            dims.view_mut(),
        );
        assert_eq!(dims.to_vec(), [0.5, 0.1]);
        assert_eq!(c, 0.5 + 0.1);
    }

    #[test]
    fn minmax_by_hand() {
        // x = 1, 3, 2 (+) and 10, 10, 10 (constant): z = 0, 1, .5 and 0
        let n = MinMax.normalise(
            array![[1.0, 10.0], [3.0, 10.0], [2.0, 10.0]].view(),
            &[Direction::Positive, Direction::Negative],
        );
        assert_eq!(n.z.column(0).to_vec(), [0.0, 1.0, 0.5]);
        assert_eq!(n.z.column(1).to_vec(), [0.0, 0.0, 0.0]);
        assert_eq!(n.constant, [false, true]);
    }
}
