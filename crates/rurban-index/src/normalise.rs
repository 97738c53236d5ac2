//! The contract's normalisations, each a [`Normaliser`]: [`MinMaxRange`]
//! (min-max onto any `[l, u]`), [`ZScore`], [`Rank`], [`Goalposts`] and
//! [`Target`]. All are direction-aware (`-` flips) and work column by column
//! over the rows of one scope unit. A missing value (NaN) stays missing and
//! is left out of every column statistic (min, max, mean, s, ranks).
//!
//! A constant column (max = min over its values) carries no information:
//! min-max and goalposts give it `l`, z-score 0, rank the average rank
//! `(n + 1) / 2`, target its formula; [`constant_warnings`] words the
//! warning the contract asks for.

use ndarray::{Array2, ArrayView1, ArrayView2};
use rurban_core::Direction;
use rurban_weighting::Normalized;

use crate::stages::check_columns;
use crate::{Normaliser, StageError};

/// (min, max) over the non-missing values; (inf, -inf) when there are none.
fn bounds(col: ArrayView1<'_, f64>) -> (f64, f64) {
    col.iter()
        .filter(|v| !v.is_nan())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        })
}

/// Applies `f(column, bounds, x)` to every non-missing value; missing
/// values stay NaN. `constant` is max <= min (so also a column with no
/// value at all).
fn by_column(
    raw: ArrayView2<'_, f64>,
    mut f: impl FnMut(usize, ArrayView1<'_, f64>, (f64, f64)) -> Vec<f64>,
) -> Normalized {
    let (n, m) = raw.dim();
    let mut z = Array2::<f64>::zeros((n, m));
    let (mut min, mut max, mut constant) = (vec![0.0; m], vec![0.0; m], vec![false; m]);
    for (j, col) in raw.columns().into_iter().enumerate() {
        let (lo, hi) = bounds(col);
        min[j] = lo;
        max[j] = hi;
        constant[j] = hi <= lo;
        let out = f(j, col, (lo, hi));
        for ((zi, &o), &x) in z.column_mut(j).iter_mut().zip(&out).zip(col.iter()) {
            *zi = if x.is_nan() { f64::NAN } else { o };
        }
    }
    Normalized {
        z,
        constant,
        min,
        max,
    }
}

/// The warnings for the constant columns of `norm`, one per column, naming
/// the indicator and what `normalisation` made of it.
pub fn constant_warnings(names: &[String], norm: &Normalized, normalisation: &str) -> Vec<String> {
    names
        .iter()
        .zip(&norm.constant)
        .filter(|(_, c)| **c)
        .map(|(name, _)| {
            format!(
                "indicator '{name}' is constant: it carries no information, and {normalisation} gives every row the same value"
            )
        })
        .collect()
}

/// Checks `range = [l, u]`: finite with `l < u`.
fn check_range(lower: f64, upper: f64) -> Result<(), StageError> {
    if !(lower.is_finite() && upper.is_finite() && lower < upper) {
        return Err(StageError::Range { lower, upper });
    }
    Ok(())
}

/// Min-max onto `[l, u]`: `l + (u - l) (x - min) / (max - min)` for `+`,
/// `(max - x)` in place of `(x - min)` for `-`; `l` for a constant column.
/// With `[0, 1]` every value is bit-identical to [`MinMax`](crate::MinMax).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MinMaxRange {
    lower: f64,
    upper: f64,
}

impl MinMaxRange {
    /// Min-max onto `[lower, upper]`; an error unless `lower < upper`.
    pub fn new(lower: f64, upper: f64) -> Result<Self, StageError> {
        check_range(lower, upper)?;
        Ok(MinMaxRange { lower, upper })
    }
    /// The target range `[l, u]`.
    pub fn range(&self) -> (f64, f64) {
        (self.lower, self.upper)
    }
}

impl Default for MinMaxRange {
    /// `[0, 1]`.
    fn default() -> Self {
        MinMaxRange {
            lower: 0.0,
            upper: 1.0,
        }
    }
}

impl Normaliser for MinMaxRange {
    fn name(&self) -> &str {
        "minmax"
    }
    fn normalise(&self, raw: ArrayView2<'_, f64>, directions: &[Direction]) -> Normalized {
        let (l, u) = (self.lower, self.upper);
        by_column(raw, |j, col, (lo, hi)| {
            let range = hi - lo;
            col.iter()
                .map(|&x| {
                    if range <= 0.0 {
                        return l;
                    }
                    let t = match directions[j] {
                        Direction::Positive => (x - lo) / range,
                        Direction::Negative => (hi - x) / range,
                    };
                    l + (u - l) * t
                })
                .collect()
        })
    }
}

/// Z-score: `(x - mean) / s` with `s` the sample standard deviation
/// (n - 1), the sign flipped for `-`; 0 for a constant column (and for a
/// column with fewer than 2 values, whose `s` is undefined).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ZScore;

impl Normaliser for ZScore {
    fn name(&self) -> &str {
        "zscore"
    }
    fn normalise(&self, raw: ArrayView2<'_, f64>, directions: &[Direction]) -> Normalized {
        let mut norm = by_column(raw, |j, col, (lo, hi)| {
            let vals: Vec<f64> = col.iter().copied().filter(|v| !v.is_nan()).collect();
            let n = vals.len();
            if hi <= lo || n < 2 {
                return vec![0.0; col.len()];
            }
            let mean = vals.iter().sum::<f64>() / n as f64;
            let ss: f64 = vals.iter().map(|v| (v - mean) * (v - mean)).sum();
            let s = (ss / (n - 1) as f64).sqrt();
            col.iter()
                .map(|&x| match directions[j] {
                    Direction::Positive => (x - mean) / s,
                    Direction::Negative => -((x - mean) / s),
                })
                .collect()
        });
        // a column of one value has no spread either
        for (j, col) in raw.columns().into_iter().enumerate() {
            if col.iter().filter(|v| !v.is_nan()).count() < 2 {
                norm.constant[j] = true;
            }
        }
        norm
    }
}

/// Average ranks (1 = smallest, ties share the mean of their positions)
/// of the non-missing values of `xs`, NaN for a missing one.
pub fn average_ranks(xs: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..xs.len()).filter(|&i| !xs[i].is_nan()).collect();
    idx.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]));
    let mut ranks = vec![f64::NAN; xs.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut k = i;
        while k + 1 < idx.len() && xs[idx[k + 1]] == xs[idx[i]] {
            k += 1;
        }
        // positions i..=k (0-based) share rank (i + 1 + k + 1) / 2
        let r = (i + k + 2) as f64 / 2.0;
        for &p in &idx[i..=k] {
            ranks[p] = r;
        }
        i = k + 1;
    }
    ranks
}

/// Rank among the rows: 1 = smallest, ties share the average rank; for `-`
/// ranked descending (1 = largest). Missing values are not ranked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rank;

impl Normaliser for Rank {
    fn name(&self) -> &str {
        "rank"
    }
    fn normalise(&self, raw: ArrayView2<'_, f64>, directions: &[Direction]) -> Normalized {
        by_column(raw, |j, col, _| {
            let xs: Vec<f64> = match directions[j] {
                Direction::Positive => col.to_vec(),
                Direction::Negative => col.iter().map(|x| -x).collect(),
            };
            average_ranks(&xs)
        })
    }
}

/// Goalposts: `l + (u - l) clamp((x - lower) / (upper - lower), 0, 1)`,
/// `(upper - x)` in place of `(x - lower)` for `-`, with each indicator's
/// own `[lower, upper]`; `l` for a constant column.
#[derive(Debug, Clone, PartialEq)]
pub struct Goalposts {
    range: (f64, f64),
    posts: Vec<(f64, f64)>,
}

impl Goalposts {
    /// Goalposts onto `range = [l, u]`, one `[lower, upper]` per indicator
    /// (`names` in the same order). Errors: `l >= u`, an indicator without
    /// goalposts, `lower >= upper` (naming the indicator).
    pub fn new(
        range: (f64, f64),
        names: &[String],
        posts: &[Option<(f64, f64)>],
    ) -> Result<Self, StageError> {
        check_range(range.0, range.1)?;
        if names.len() != posts.len() {
            return Err(StageError::Shape(format!(
                "{} indicators but {} goalpost entries",
                names.len(),
                posts.len()
            )));
        }
        let mut out = Vec::with_capacity(posts.len());
        for (name, p) in names.iter().zip(posts) {
            let Some((lower, upper)) = *p else {
                return Err(StageError::MissingSetting {
                    indicator: name.clone(),
                    key: "goalposts",
                    normalisation: "goalposts",
                });
            };
            if !(lower.is_finite() && upper.is_finite() && lower < upper) {
                return Err(StageError::Goalposts {
                    indicator: name.clone(),
                    lower,
                    upper,
                });
            }
            out.push((lower, upper));
        }
        Ok(Goalposts { range, posts: out })
    }
}

impl Normaliser for Goalposts {
    fn name(&self) -> &str {
        "goalposts"
    }
    /// Panics when `raw` has more columns than goalposts were given (use
    /// [`try_normalise`](Normaliser::try_normalise) to get an error instead).
    fn normalise(&self, raw: ArrayView2<'_, f64>, directions: &[Direction]) -> Normalized {
        let (l, u) = self.range;
        by_column(raw, |j, col, (lo, hi)| {
            let (lower, upper) = self.posts[j];
            col.iter()
                .map(|&x| {
                    if hi <= lo {
                        return l;
                    }
                    let t = match directions[j] {
                        Direction::Positive => (x - lower) / (upper - lower),
                        Direction::Negative => (upper - x) / (upper - lower),
                    };
                    l + (u - l) * t.clamp(0.0, 1.0)
                })
                .collect()
        })
    }
    fn try_normalise(
        &self,
        names: &[String],
        raw: ArrayView2<'_, f64>,
        directions: &[Direction],
    ) -> Result<Normalized, StageError> {
        check_columns(names.len(), raw.ncols(), directions.len())?;
        check_columns(self.posts.len(), raw.ncols(), directions.len())?;
        Ok(self.normalise(raw, directions))
    }
}

/// Distance to target: `min(x / target, 1)` for `+`, `min(target / x, 1)`
/// for `-`; every value must be > 0.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    targets: Vec<f64>,
}

impl Target {
    /// One target per indicator (`names` in the same order). Errors: an
    /// indicator without a target, a target that is not > 0.
    pub fn new(names: &[String], targets: &[Option<f64>]) -> Result<Self, StageError> {
        if names.len() != targets.len() {
            return Err(StageError::Shape(format!(
                "{} indicators but {} target entries",
                names.len(),
                targets.len()
            )));
        }
        let mut out = Vec::with_capacity(targets.len());
        for (name, t) in names.iter().zip(targets) {
            let Some(target) = *t else {
                return Err(StageError::MissingSetting {
                    indicator: name.clone(),
                    key: "target",
                    normalisation: "target",
                });
            };
            if !(target.is_finite() && target > 0.0) {
                return Err(StageError::Target {
                    indicator: name.clone(),
                    target,
                });
            }
            out.push(target);
        }
        Ok(Target { targets: out })
    }
}

impl Normaliser for Target {
    fn name(&self) -> &str {
        "target"
    }
    /// Panics when `raw` has more columns than targets were given; gives
    /// meaningless values for `x <= 0` (use
    /// [`try_normalise`](Normaliser::try_normalise) to get errors instead).
    fn normalise(&self, raw: ArrayView2<'_, f64>, directions: &[Direction]) -> Normalized {
        by_column(raw, |j, col, _| {
            let t = self.targets[j];
            col.iter()
                .map(|&x| match directions[j] {
                    Direction::Positive => (x / t).min(1.0),
                    Direction::Negative => (t / x).min(1.0),
                })
                .collect()
        })
    }
    fn try_normalise(
        &self,
        names: &[String],
        raw: ArrayView2<'_, f64>,
        directions: &[Direction],
    ) -> Result<Normalized, StageError> {
        check_columns(names.len(), raw.ncols(), directions.len())?;
        check_columns(self.targets.len(), raw.ncols(), directions.len())?;
        for (j, col) in raw.columns().into_iter().enumerate() {
            if let Some((row, &value)) = col.iter().enumerate().find(|(_, v)| **v <= 0.0) {
                return Err(StageError::NotPositive {
                    what: format!("indicator '{}'", names[j]),
                    row,
                    value,
                    stage: "target normalisation",
                    hint: "",
                });
            }
        }
        Ok(self.normalise(raw, directions))
    }
}
