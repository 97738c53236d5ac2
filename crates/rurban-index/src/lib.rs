//! Normalisation and aggregation of a panel into composite and dimension scores.
//!
//! For each scope unit (the whole panel, or each year), the indicators are
//! min-max normalised with their directions, weighted by a
//! [`Weighting`] scheme over the unit's rows, and
//! aggregated: `composite = sum_j w_j z_j`, and the score of dimension `D` is
//! `sum_{j in D} w_j z_j`, so dimension scores add up to the composite.
//!
//! Normalisation and aggregation are traits, [`Normaliser`] and
//! [`Aggregator`], next to the [`Weighting`]
//! trait; [`MinMax`] and [`WeightedSum`] are the contract's, and
//! [`build`] uses them ([`build_with`] takes any).
//!
//! The construction stages of the contract (`docs/methods/construction.md`)
//! are pure functions and trait implementations over column data, each in
//! its module: [`denominate`](mod@denominate) and group-mean imputation, [`treat`]ment by
//! winsorisation, the [`normalise`]rs (min-max onto any range, z-score,
//! rank, goalposts, target), the [`aggregate`] means and TOPSIS, the
//! dimension [`hierarchy`] with effective weights and bottom-up scores,
//! [`coupling`](mod@coupling) coordination and the [`obstacle`](mod@obstacle) degree.

use ndarray::{ArcArray, Array2, Array3, Axis, Ix3};
use rurban_core::Scope;
use rurban_core::{Direction, Panel};
use rurban_weighting::{WeightError, Weighting};
use serde::Serialize;

pub mod aggregate;
pub mod construct;
pub mod coupling;
pub mod denominate;
mod error;
pub mod hierarchy;
pub mod normalise;
pub mod obstacle;
mod stages;
pub mod treat;

pub use aggregate::{Arithmetic, Geometric, Harmonic, Mean, require_positive, topsis};
pub use coupling::{Coupling, LEVEL_NAMES, LEVEL_NAMES_ZH, coupling, dimension_u};
pub use denominate::{Denominated, GroupImputed, denominate, group_mean_impute};
pub use error::StageError;
pub use hierarchy::{DimensionDef, Hierarchy, IndicatorDef, NodeScores, TopsisScores};
pub use normalise::{Goalposts, MinMaxRange, Rank, Target, ZScore, constant_warnings};
pub use obstacle::{dimension_obstacles, obstacle};
pub use stages::{Aggregator, MinMax, Normaliser, WeightedSum};
pub use treat::{
    TreatReport, Treated, Treatment, Winmax, skew_kurtosis, winsorise, winsorise_columns,
};

/// Which indicators make up the index, with directions and dimensions.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexModel {
    /// Indicator names, in the panel's column order.
    pub indicators: Vec<String>,
    /// Direction of each indicator.
    pub directions: Vec<Direction>,
    /// Dimension index of each indicator.
    pub dimension_of: Vec<usize>,
    /// Dimension ids.
    pub dimensions: Vec<String>,
}

/// One weight vector (the panel's, or one year's).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeightSet {
    /// The year, for scope = year.
    pub year: Option<i64>,
    /// One weight per indicator.
    pub weights: Vec<f64>,
    /// Entropy per indicator (entropy method only).
    pub entropy: Option<Vec<f64>>,
    /// Rows the weights were computed over.
    pub n: usize,
    /// Warnings of the weighting (constant columns...).
    pub warnings: Vec<String>,
}

/// Weights and scores of a panel.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexResult {
    /// One set for scope = panel, one per year for scope = year.
    pub weight_sets: Vec<WeightSet>,
    /// Normalised values `[region, year, indicator]`, in standard layout
    /// (shared, not copied, by the `normalised` stage of a run).
    pub z: ArcArray<f64, Ix3>,
    /// Composite score `[region, year]`.
    pub composite: Array2<f64>,
    /// Dimension scores `[region, year, dimension]`.
    pub dimension_scores: Array3<f64>,
}

/// Errors of index construction.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IndexError {
    /// The weighting failed (for a year, with scope = year).
    #[error("{context}weighting '{method}' failed: {cause}")]
    Weighting {
        /// Name of the weighting scheme.
        method: String,
        /// `"year Y: "` when weights are computed per year, else empty; it
        /// prefixes the message as is.
        context: String,
        /// The scheme's own error.
        cause: WeightError,
    },
    /// A value the weighting scheme cannot take, located in the panel.
    #[error("{}column '{indicator}' (region '{region}', year {year}): {message} (weighting '{method}')", row.map(|r| format!("row {r}, ")).unwrap_or_default())]
    Value {
        /// Name of the weighting scheme.
        method: String,
        /// 1-based data row of the input file, when the cell came from it.
        row: Option<usize>,
        /// Region of the offending cell.
        region: String,
        /// Year of the offending cell.
        year: i64,
        /// Indicator (column) of the offending cell.
        indicator: String,
        /// Why the scheme cannot take the value.
        message: String,
    },
    /// The model does not fit the panel.
    #[error("{0}")]
    Model(String),
    /// A construction stage cannot take the data (located in its message).
    #[error("{0}")]
    Construction(String),
    /// A region-year has no (finite) value for an indicator.
    #[error(
        "region '{region}', year {year}, indicator '{indicator}': missing value (impute first)"
    )]
    Missing {
        /// Region without a value.
        region: String,
        /// Year without a value.
        year: i64,
        /// Indicator (column) without a value.
        indicator: String,
    },
}

/// The `[region, year, indicator]` values as a standard-layout
/// (region-year) x indicator matrix, rows region by region (as
/// `Panel::stacked`), for any memory layout of `values`. A panel whose
/// indicators were selected is stored indicator-major (regions fastest), so
/// the copy goes year by year in blocks of regions: each block reads a short
/// contiguous run of every indicator and writes whole rows.
fn region_major(values: &Array3<f64>) -> Array2<f64> {
    const BLOCK: usize = 16;
    let (nr, ny, m) = values.dim();
    let mut out = vec![0.0; nr * ny * m];
    for y in 0..ny {
        let slab = values.index_axis(Axis(1), y);
        for r0 in (0..nr).step_by(BLOCK) {
            let r1 = (r0 + BLOCK).min(nr);
            for (j, col) in slab.columns().into_iter().enumerate() {
                for r in r0..r1 {
                    out[(r * ny + y) * m + j] = col[r];
                }
            }
        }
    }
    // nr * ny * m values, written in row-major order.
    Array2::from_shape_vec((nr * ny, m), out).unwrap_or_else(|_| Array2::zeros((nr * ny, m)))
}

/// Builds weights and scores. `panel` must be complete (impute first): a
/// non-finite value is an error naming its region, year and indicator.
/// `model.indicators` must equal `panel.indicators`, in order.
pub fn build(
    panel: &Panel,
    model: &IndexModel,
    scheme: &dyn Weighting,
    scope: Scope,
    shift: f64,
    params: &str,
) -> Result<IndexResult, IndexError> {
    build_with(
        panel,
        model,
        scheme,
        &MinMax,
        &WeightedSum,
        scope,
        shift,
        params,
    )
}

/// [`build`] with the given normalisation and aggregation.
#[allow(clippy::too_many_arguments)]
pub fn build_with(
    panel: &Panel,
    model: &IndexModel,
    scheme: &dyn Weighting,
    normaliser: &dyn Normaliser,
    aggregator: &dyn Aggregator,
    scope: Scope,
    shift: f64,
    params: &str,
) -> Result<IndexResult, IndexError> {
    check_model(panel, model)?;
    check_finite(panel)?;
    let weigher = Weigher {
        panel,
        model,
        scheme,
        normaliser,
        shift,
        params,
    };
    let (z, weight_sets) = match scope {
        Scope::Panel => weigher.panel()?,
        Scope::Year => weigher.years()?,
    };
    let (composite, dimension_scores) = aggregate(&z, &weight_sets, scope, model, aggregator);
    Ok(IndexResult {
        weight_sets,
        z: z.into_shared(),
        composite,
        dimension_scores,
    })
}

/// The model and the panel agree: same indicators in the same order, every
/// indicator in a dimension, the panel's labels match its values, and at
/// least one year.
fn check_model(panel: &Panel, model: &IndexModel) -> Result<(), IndexError> {
    let (nr, ny, m) = panel.values.dim();
    if model.indicators.len() != m || model.directions.len() != m || model.dimension_of.len() != m {
        return Err(IndexError::Model(format!(
            "the model has {} indicators, {} directions and {} dimension assignments but the panel has {m} indicators",
            model.indicators.len(),
            model.directions.len(),
            model.dimension_of.len()
        )));
    }
    if panel.regions.len() != nr || panel.years.len() != ny || panel.indicators.len() != m {
        return Err(IndexError::Model(format!(
            "the panel lists {} regions, {} years and {} indicators but its values are {nr} x {ny} x {m}",
            panel.regions.len(),
            panel.years.len(),
            panel.indicators.len()
        )));
    }
    if ny == 0 {
        return Err(IndexError::Model("the panel has no years".into()));
    }
    for (j, name) in model.indicators.iter().enumerate() {
        if panel.indicators[j] != *name {
            return Err(IndexError::Model(format!(
                "indicator {} of the model is '{name}' but the panel's is '{}'",
                j + 1,
                panel.indicators[j]
            )));
        }
        if model.dimension_of[j] >= model.dimensions.len() {
            return Err(IndexError::Model(format!(
                "indicator '{name}' belongs to dimension {} but the model has {} dimensions",
                model.dimension_of[j],
                model.dimensions.len()
            )));
        }
    }
    Ok(())
}

/// Every cell is a finite number; else the first missing cell is named.
fn check_finite(panel: &Panel) -> Result<(), IndexError> {
    // One pass in memory order; the indexed search only to name a bad cell.
    let all_finite = match panel.values.as_slice_memory_order() {
        Some(v) => v.iter().all(|v| v.is_finite()),
        None => panel.values.iter().all(|v| v.is_finite()),
    };
    if !all_finite {
        for ((r, y, j), v) in panel.values.indexed_iter() {
            if !v.is_finite() {
                return Err(IndexError::Missing {
                    region: panel.regions[r].clone(),
                    year: panel.years[y],
                    indicator: panel.indicators[j].clone(),
                });
            }
        }
    }
    Ok(())
}

/// Normalises and weighs the panel per scope unit.
struct Weigher<'a> {
    panel: &'a Panel,
    model: &'a IndexModel,
    scheme: &'a dyn Weighting,
    normaliser: &'a dyn Normaliser,
    shift: f64,
    params: &'a str,
}

impl Weigher<'_> {
    /// Checks, normalises (through the normaliser) and weighs one scope unit.
    fn weigh(
        &self,
        raw: ndarray::ArrayView2<'_, f64>,
    ) -> Result<(rurban_weighting::Weights, rurban_weighting::Normalized), WeightError> {
        let model = self.model;
        rurban_weighting::check_input(&model.indicators, raw, &model.directions)?;
        let norm = self.normaliser.normalise(raw, &model.directions);
        let w = rurban_weighting::weigh_normalized(
            self.scheme,
            &model.indicators,
            raw,
            &model.directions,
            &norm,
            self.shift,
            self.params,
        )?;
        Ok((w, norm))
    }

    /// Scope panel: one normalisation and weight vector over all
    /// region-years, on the region-major (region-year x indicator) matrix:
    /// the panel's own memory seen with two axes when it is in standard
    /// layout, else a copy.
    fn panel(&self) -> Result<(Array3<f64>, Vec<WeightSet>), IndexError> {
        let (nr, ny, m) = self.panel.values.dim();
        let stacked;
        let raw = match self.panel.values.view().into_shape_with_order((nr * ny, m)) {
            Ok(v) => v,
            Err(_) => {
                stacked = region_major(&self.panel.values);
                stacked.view()
            }
        };
        let (w, norm) = self.weigh(raw).map_err(|e| self.error(None, e))?;
        let z = norm
            .z
            .into_shape_with_order((nr, ny, m))
            .map_err(|e| IndexError::Model(e.to_string()))?;
        let set = WeightSet {
            year: None,
            weights: w.weights,
            entropy: w.entropy,
            n: nr * ny,
            warnings: w.warnings,
        };
        Ok((z, vec![set]))
    }

    /// Scope year: one normalisation and weight vector per year.
    fn years(&self) -> Result<(Array3<f64>, Vec<WeightSet>), IndexError> {
        let panel = self.panel;
        let (nr, ny, m) = panel.values.dim();
        let mut z = Array3::<f64>::zeros((nr, ny, m));
        let mut weight_sets = Vec::new();
        for (y, &year) in panel.years.iter().enumerate() {
            let raw = panel.year_slice(y);
            let (w, norm) = self.weigh(raw).map_err(|e| self.error(Some(y), e))?;
            z.index_axis_mut(Axis(1), y).assign(&norm.z);
            let warnings = w
                .warnings
                .into_iter()
                .map(|s| format!("year {year}: {s}"))
                .collect();
            weight_sets.push(WeightSet {
                year: Some(year),
                weights: w.weights,
                entropy: w.entropy,
                n: nr,
                warnings,
            });
        }
        Ok((z, weight_sets))
    }

    /// A weighting error in the panel's terms. Weighting errors name a row of
    /// the matrix it was given; it is translated back into the region and
    /// year (`year` is the year index for scope = year, None for the stacked
    /// region-major panel matrix).
    fn error(&self, year: Option<usize>, cause: WeightError) -> IndexError {
        let panel = self.panel;
        let ny = panel.years.len();
        match cause {
            WeightError::BadValue {
                column,
                row,
                message,
            } if row >= 1 => {
                let (r, y) = match year {
                    Some(y) => (row - 1, y),
                    None => ((row - 1) / ny.max(1), (row - 1) % ny.max(1)),
                };
                let k = panel
                    .indicators
                    .iter()
                    .position(|i| *i == column)
                    .unwrap_or(0);
                IndexError::Value {
                    method: self.scheme.name().to_string(),
                    row: panel.file_row(r, y, k),
                    region: panel.regions.get(r).cloned().unwrap_or_default(),
                    year: panel.years.get(y).copied().unwrap_or_default(),
                    indicator: column,
                    message,
                }
            }
            cause => IndexError::Weighting {
                method: self.scheme.name().to_string(),
                context: year
                    .map(|y| format!("year {}: ", panel.years[y]))
                    .unwrap_or_default(),
                cause,
            },
        }
    }
}

/// Composite and dimension scores, row by row over the region-years (z,
/// composite and dimension scores are all region-major), through the
/// aggregator.
fn aggregate(
    z: &Array3<f64>,
    weight_sets: &[WeightSet],
    scope: Scope,
    model: &IndexModel,
    aggregator: &dyn Aggregator,
) -> (Array2<f64>, Array3<f64>) {
    let (nr, ny, _) = z.dim();
    let nd = model.dimensions.len();
    let mut composite = Array2::<f64>::zeros((nr, ny));
    let mut dimension_scores = Array3::<f64>::zeros((nr, ny, nd));
    let weights_of = |y: usize| &weight_sets[if scope == Scope::Year { y } else { 0 }].weights;
    for (((k, zrow), c), drow) in z
        .rows()
        .into_iter()
        .enumerate()
        .zip(composite.iter_mut())
        .zip(dimension_scores.rows_mut())
    {
        *c = aggregator.aggregate(zrow, weights_of(k % ny), &model.dimension_of, drow);
    }
    (composite, dimension_scores)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::ShapeBuilder;
    use rurban_weighting::Entropy;

    /// The scores loop against the indexed loop it replaced, bit for bit.
    #[test]
    fn scores_are_bit_identical_to_the_indexed_loop() {
        let (nr, ny, m) = (7, 4, 6);
        let mut seed = 11u64;
        let values = Array3::from_shape_fn((nr, ny, m), |_| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            1.0 + (seed >> 11) as f64 / (1u64 << 53) as f64
        });
        let panel = Panel::from_values(
            "test",
            (0..nr).map(|r| format!("r{r}")).collect(),
            (0..ny as i64).map(|y| 2000 + y).collect(),
            (0..m).map(|j| format!("x{j}")).collect(),
            values,
        );
        let model = IndexModel {
            indicators: panel.indicators.clone(),
            directions: (0..m)
                .map(|j| {
                    if j % 3 == 1 {
                        Direction::Negative
                    } else {
                        Direction::Positive
                    }
                })
                .collect(),
            dimension_of: vec![0, 1, 0, 2, 1, 2],
            dimensions: ["a", "b", "c"].map(String::from).to_vec(),
        };
        for scope in [Scope::Panel, Scope::Year] {
            let res = build(&panel, &model, &Entropy, scope, 0.0, "{}").unwrap();
            for r in 0..nr {
                for y in 0..ny {
                    let w = &res.weight_sets[if scope == Scope::Year { y } else { 0 }].weights;
                    let mut dims = [0.0f64; 3];
                    for j in 0..m {
                        dims[model.dimension_of[j]] += w[j] * res.z[[r, y, j]];
                    }
                    let comp: f64 = (0..m).map(|j| w[j] * res.z[[r, y, j]]).sum();
                    assert_eq!(comp.to_bits(), res.composite[[r, y]].to_bits());
                    for (d, v) in dims.iter().enumerate() {
                        assert_eq!(v.to_bits(), res.dimension_scores[[r, y, d]].to_bits());
                    }
                }
            }
        }
    }

    /// A normalisation and an aggregation of their own, called through the
    /// traits: ranks of the raw values are not what min-max gives, and the
    /// largest weighted term is not the sum.
    #[test]
    fn build_calls_through_the_normaliser_and_the_aggregator() {
        struct Halves;
        impl Normaliser for Halves {
            fn name(&self) -> &str {
                "halves"
            }
            fn normalise(
                &self,
                raw: ndarray::ArrayView2<'_, f64>,
                directions: &[Direction],
            ) -> rurban_weighting::Normalized {
                let mut n = rurban_weighting::minmax(raw, directions);
                n.z.mapv_inplace(|z| z / 2.0);
                n
            }
        }
        struct Largest;
        impl Aggregator for Largest {
            fn name(&self) -> &str {
                "largest"
            }
            fn aggregate(
                &self,
                z: ndarray::ArrayView1<'_, f64>,
                weights: &[f64],
                dimension_of: &[usize],
                mut dimensions: ndarray::ArrayViewMut1<'_, f64>,
            ) -> f64 {
                let mut top = 0.0f64;
                for ((&w, &z), &d) in weights.iter().zip(z.iter()).zip(dimension_of) {
                    dimensions[d] = dimensions[d].max(w * z);
                    top = top.max(w * z);
                }
                top
            }
        }
        // two regions, one year, two indicators: x = (1, 4), (3, 2)
        let values = Array3::from_shape_vec((2, 1, 2), vec![1.0, 4.0, 3.0, 2.0]).unwrap();
        let panel = Panel::from_values(
            "t",
            vec!["a".into(), "b".into()],
            vec![2000],
            vec!["x".into(), "y".into()],
            values,
        );
        let model = IndexModel {
            indicators: panel.indicators.clone(),
            directions: vec![Direction::Positive; 2],
            dimension_of: vec![0, 1],
            dimensions: vec!["p".into(), "q".into()],
        };
        let eq = rurban_weighting::Equal;
        let res = build_with(
            &panel,
            &model,
            &eq,
            &Halves,
            &Largest,
            Scope::Panel,
            0.0,
            "{}",
        )
        .unwrap();
        // min-max z: a = (0, 1), b = (1, 0); halved: (0, .5), (.5, 0);
        // equal weights .5: terms a = (0, .25), b = (.25, 0)
        assert_eq!(res.z.as_slice().unwrap(), [0.0, 0.5, 0.5, 0.0]);
        assert_eq!(res.composite.as_slice().unwrap(), [0.25, 0.25]);
        assert_eq!(
            res.dimension_scores.as_slice().unwrap(),
            [0.0, 0.25, 0.25, 0.0]
        );
        // and the defaults are build's
        let a = build(&panel, &model, &eq, Scope::Panel, 0.0, "{}").unwrap();
        let b = build_with(
            &panel,
            &model,
            &eq,
            &MinMax,
            &WeightedSum,
            Scope::Panel,
            0.0,
            "{}",
        )
        .unwrap();
        assert_eq!(a, b);
        assert_eq!(a.composite.as_slice().unwrap(), [0.5, 0.5]);
    }

    #[test]
    fn region_major_copy_equals_stacked_for_any_layout() {
        let (nr, ny, m) = (37, 5, 4);
        let c = Array3::from_shape_fn((nr, ny, m), |(r, y, j)| (r * 1000 + y * 10 + j) as f64);
        let f = {
            let mut f = Array3::<f64>::zeros((nr, ny, m).f());
            f.assign(&c);
            f
        };
        assert!(!f.is_standard_layout());
        let expect = c.to_shape((nr * ny, m)).unwrap().to_owned();
        assert_eq!(region_major(&c), expect);
        assert_eq!(region_major(&f), expect);
        let p = c.clone().permuted_axes([0, 1, 2]);
        assert_eq!(region_major(&p), expect);
    }
}
