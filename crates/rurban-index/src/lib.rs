//! Normalisation and aggregation of a panel into composite and dimension scores.
//!
//! For each scope unit (the whole panel, or each year), the indicators are
//! min-max normalised with their directions, weighted by a
//! [`Weighting`](rurban_weighting::Weighting) scheme over the unit's rows, and
//! aggregated: `composite = sum_j w_j z_j`, and the score of dimension `D` is
//! `sum_{j in D} w_j z_j`, so dimension scores add up to the composite.

use ndarray::{Array2, Array3, Axis};
use rurban_core::spec::Scope;
use rurban_core::{Direction, Panel};
use rurban_weighting::{WeightError, Weighting, minmax};
use serde::Serialize;

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
    /// Normalised values `[region, year, indicator]`.
    pub z: Array3<f64>,
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
        method: String,
        context: String,
        cause: WeightError,
    },
    /// A value the weighting scheme cannot take, located in the panel.
    #[error("{}column '{indicator}' (region '{region}', year {year}): {message} (weighting '{method}')", row.map(|r| format!("row {r}, ")).unwrap_or_default())]
    Value {
        method: String,
        /// 1-based data row of the input file, when the cell came from it.
        row: Option<usize>,
        region: String,
        year: i64,
        indicator: String,
        message: String,
    },
    /// The model does not fit the panel.
    #[error("{0}")]
    Model(String),
    /// A region-year has no (finite) value for an indicator.
    #[error(
        "region '{region}', year {year}, indicator '{indicator}': missing value (impute first)"
    )]
    Missing {
        region: String,
        year: i64,
        indicator: String,
    },
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
    for ((r, y, j), v) in panel.values.indexed_iter() {
        if !v.is_finite() {
            return Err(IndexError::Missing {
                region: panel.regions[r].clone(),
                year: panel.years[y],
                indicator: panel.indicators[j].clone(),
            });
        }
    }
    let mut z = Array3::<f64>::zeros((nr, ny, m));
    let mut weight_sets = Vec::new();
    // Weighting errors name a row of the matrix it was given; translate it
    // back into the region and year (`year` is the year index for scope =
    // year, None for the stacked region-major panel matrix).
    let fail = |year: Option<usize>, cause: WeightError| match cause {
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
                method: scheme.name().to_string(),
                row: panel.file_row(r, y, k),
                region: panel.regions.get(r).cloned().unwrap_or_default(),
                year: panel.years.get(y).copied().unwrap_or_default(),
                indicator: column,
                message,
            }
        }
        cause => IndexError::Weighting {
            method: scheme.name().to_string(),
            context: year
                .map(|y| format!("year {}: ", panel.years[y]))
                .unwrap_or_default(),
            cause,
        },
    };
    match scope {
        Scope::Panel => {
            let raw = panel.stacked();
            let w = rurban_weighting::compute(
                scheme,
                &model.indicators,
                raw.view(),
                &model.directions,
                shift,
                params,
            )
            .map_err(|e| fail(None, e))?;
            let norm = minmax(raw.view(), &model.directions);
            z.assign(
                &norm
                    .z
                    .to_shape((nr, ny, m))
                    .map_err(|e| IndexError::Model(e.to_string()))?,
            );
            weight_sets.push(WeightSet {
                year: None,
                weights: w.weights,
                entropy: w.entropy,
                n: nr * ny,
                warnings: w.warnings,
            });
        }
        Scope::Year => {
            for (y, &year) in panel.years.iter().enumerate() {
                let raw = panel.year_slice(y);
                let w = rurban_weighting::compute(
                    scheme,
                    &model.indicators,
                    raw,
                    &model.directions,
                    shift,
                    params,
                )
                .map_err(|e| fail(Some(y), e))?;
                let norm = minmax(raw, &model.directions);
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
        }
    }
    let nd = model.dimensions.len();
    let mut composite = Array2::<f64>::zeros((nr, ny));
    let mut dimension_scores = Array3::<f64>::zeros((nr, ny, nd));
    for y in 0..ny {
        let w = &weight_sets[if scope == Scope::Year { y } else { 0 }].weights;
        for r in 0..nr {
            for j in 0..m {
                dimension_scores[[r, y, model.dimension_of[j]]] += w[j] * z[[r, y, j]];
            }
            composite[[r, y]] = (0..m).map(|j| w[j] * z[[r, y, j]]).sum();
        }
    }
    Ok(IndexResult {
        weight_sets,
        z,
        composite,
        dimension_scores,
    })
}
