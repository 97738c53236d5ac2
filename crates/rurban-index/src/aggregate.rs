//! The contract's aggregations: weighted arithmetic, geometric and harmonic
//! means ([`Mean`], and as flat [`Aggregator`]s [`Geometric`] and
//! [`Harmonic`]), and TOPSIS closeness ([`topsis`]).
//!
//! * arithmetic `sum w x / sum w`,
//! * geometric `exp(sum w ln x / sum w)`,
//! * harmonic `sum w / sum (w / x)`,
//!
//! each over the children that are not missing (NaN) and whose weight is
//! not 0 (a zero weight contributes nothing to any of the three, and is
//! skipped so that a zero-weight 0 does not break the geometric mean).
//! Geometric and harmonic need `x > 0`.

use ndarray::{ArrayView1, ArrayView2, ArrayViewMut1};

use crate::{Aggregator, StageError};

/// The hint given when a geometric or harmonic mean meets `x <= 0`.
pub const POSITIVE_HINT: &str =
    " (min-max and goalposts give 0 at the bottom: use e.g. `range = [1, 100]`)";

/// A weighted mean of a node's children.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mean {
    /// `sum w x / sum w`.
    Arithmetic,
    /// `exp(sum w ln x / sum w)`, x > 0.
    Geometric,
    /// `sum w / sum (w / x)`, x > 0.
    Harmonic,
}

/// Where a mean met a value <= 0: the position among the values given and
/// the value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NotPositive {
    /// 0-based position in the values.
    pub index: usize,
    /// The value.
    pub value: f64,
}

impl Mean {
    /// The name a spec writes.
    pub fn name(self) -> &'static str {
        match self {
            Mean::Arithmetic => "arithmetic",
            Mean::Geometric => "geometric",
            Mean::Harmonic => "harmonic",
        }
    }

    /// The stage name used in errors.
    pub fn stage(self) -> &'static str {
        match self {
            Mean::Arithmetic => "arithmetic aggregation",
            Mean::Geometric => "geometric aggregation",
            Mean::Harmonic => "harmonic aggregation",
        }
    }

    /// The weighted mean of `values` with `weights` (same length), over the
    /// values that are not missing (NaN) and whose weight is not 0; `None`
    /// when none is left. Geometric and harmonic: a value <= 0 is an error
    /// giving its position.
    pub fn of(self, values: &[f64], weights: &[f64]) -> Result<Option<f64>, NotPositive> {
        let mut sw = 0.0;
        let mut acc = 0.0;
        let mut any = false;
        for (index, (&x, &w)) in values.iter().zip(weights).enumerate() {
            if x.is_nan() || w == 0.0 {
                continue;
            }
            if self != Mean::Arithmetic && x <= 0.0 {
                return Err(NotPositive { index, value: x });
            }
            any = true;
            sw += w;
            acc += match self {
                Mean::Arithmetic => w * x,
                Mean::Geometric => w * x.ln(),
                Mean::Harmonic => w / x,
            };
        }
        if !any {
            return Ok(None);
        }
        Ok(Some(match self {
            Mean::Arithmetic => acc / sw,
            Mean::Geometric => (acc / sw).exp(),
            Mean::Harmonic => sw / acc,
        }))
    }
}

/// The first value <= 0 of `z` (rows x indicators) with a positive weight,
/// as an error naming the indicator and the 0-based row, with the hint to
/// use `range = [1, 100]`. Geometric and harmonic aggregation call this on
/// the normalised matrix before aggregating it.
pub fn require_positive(
    mean: Mean,
    names: &[String],
    z: ArrayView2<'_, f64>,
    weights: &[f64],
) -> Result<(), StageError> {
    if mean == Mean::Arithmetic {
        return Ok(());
    }
    for (j, col) in z.columns().into_iter().enumerate() {
        if weights.get(j).is_some_and(|&w| w == 0.0) {
            continue;
        }
        if let Some((row, &value)) = col.iter().enumerate().find(|(_, v)| **v <= 0.0) {
            return Err(StageError::NotPositive {
                what: format!(
                    "indicator '{}'",
                    names.get(j).map(String::as_str).unwrap_or("?")
                ),
                row,
                value,
                stage: mean.stage(),
                hint: POSITIVE_HINT,
            });
        }
    }
    Ok(())
}

/// Flat aggregation with objective weights by one [`Mean`]: each dimension
/// is the mean of its indicators with their weights, the composite the mean
/// of all indicators. A dimension with nothing to aggregate is NaN; so is
/// every mean that meets `x <= 0` (check with [`require_positive`] first).
fn flat(
    mean: Mean,
    z: ArrayView1<'_, f64>,
    weights: &[f64],
    dimension_of: &[usize],
    mut dimensions: ArrayViewMut1<'_, f64>,
) -> f64 {
    let zs: Vec<f64> = z.to_vec();
    let value = |xs: &[f64], ws: &[f64]| mean.of(xs, ws).ok().flatten().unwrap_or(f64::NAN);
    for (d, out) in dimensions.iter_mut().enumerate() {
        let (xs, ws): (Vec<f64>, Vec<f64>) = zs
            .iter()
            .zip(weights)
            .zip(dimension_of)
            .filter(|(_, dj)| **dj == d)
            .map(|((&x, &w), _)| (x, w))
            .unzip();
        *out = value(&xs, &ws);
    }
    value(&zs, weights)
}

/// An [`Aggregator`] that applies one weighted [`Mean`] over flat
/// dimensions: a unit struct with its contract name.
macro_rules! flat_mean_aggregator {
    ($(#[$doc:meta])* $ty:ident, $name:literal, $mean:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
        pub struct $ty;

        impl Aggregator for $ty {
            fn name(&self) -> &str {
                $name
            }
            fn aggregate(
                &self,
                z: ArrayView1<'_, f64>,
                weights: &[f64],
                dimension_of: &[usize],
                dimensions: ArrayViewMut1<'_, f64>,
            ) -> f64 {
                flat($mean, z, weights, dimension_of, dimensions)
            }
        }
    };
}

flat_mean_aggregator!(
    /// Weighted geometric mean as an [`Aggregator`] over flat dimensions.
    Geometric,
    "geometric",
    Mean::Geometric
);

flat_mean_aggregator!(
    /// Weighted harmonic mean as an [`Aggregator`] over flat dimensions.
    Harmonic,
    "harmonic",
    Mean::Harmonic
);

flat_mean_aggregator!(
    /// Weighted arithmetic mean `sum w x / sum w` as an [`Aggregator`] over
    /// flat dimensions (given weights; with objective weights the contract
    /// keeps [`WeightedSum`](crate::WeightedSum)).
    Arithmetic,
    "arithmetic-mean",
    Mean::Arithmetic
);

/// TOPSIS closeness of every row of `z` (rows x indicators, the [0, 1]
/// direction-aware min-max of the scope's rows, complete) over the columns
/// `columns` with `weights` (one per column of `z`): `v_ij = w_j z_ij`,
/// `A+_j = max_i v_ij`, `A-_j = min_i v_ij`,
/// `D+_i = sqrt(sum_j (v_ij - A+_j)^2)`, `D-_i` likewise,
/// `C_i = D-_i / (D+_i + D-_i)`. A row at distance 0 from both (every
/// weighted column constant) has no closeness: `None`.
pub fn topsis_columns(
    z: ArrayView2<'_, f64>,
    weights: &[f64],
    columns: &[usize],
) -> Vec<Option<f64>> {
    let n = z.nrows();
    let mut best = vec![f64::NEG_INFINITY; columns.len()];
    let mut worst = vec![f64::INFINITY; columns.len()];
    for row in z.rows() {
        for (k, &j) in columns.iter().enumerate() {
            let v = weights[j] * row[j];
            best[k] = best[k].max(v);
            worst[k] = worst[k].min(v);
        }
    }
    (0..n)
        .map(|i| {
            let (mut dp, mut dm) = (0.0, 0.0);
            for (k, &j) in columns.iter().enumerate() {
                let v = weights[j] * z[[i, j]];
                dp += (v - best[k]) * (v - best[k]);
                dm += (v - worst[k]) * (v - worst[k]);
            }
            let (dp, dm) = (dp.sqrt(), dm.sqrt());
            (dp + dm > 0.0).then(|| dm / (dp + dm))
        })
        .collect()
}

/// [`topsis_columns`] over every column: the composite closeness.
pub fn topsis(z: ArrayView2<'_, f64>, weights: &[f64]) -> Vec<Option<f64>> {
    let all: Vec<usize> = (0..z.ncols()).collect();
    topsis_columns(z, weights, &all)
}
