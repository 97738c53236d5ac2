//! Classic and spatial (Rey 2001) Markov chains of a balanced panel.
//!
//! API fixed here; bodies to be written (see CONTRACT.md "## Geography").

use serde::{Deserialize, Serialize};

use crate::{SpatialError, SpatialWeights};

/// How the value classes are cut.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ClassScope {
    /// Quantiles of all region-years pooled (default).
    #[default]
    Pooled,
    /// Quantiles of each year.
    Year,
}

/// The spatial Markov part of the result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpatialMarkov {
    /// Number of lag classes.
    pub m: usize,
    /// Cut-offs of the pooled lag classes.
    pub lag_cutoffs: Vec<f64>,
    /// `counts[l][a][b]`.
    pub counts: Vec<Vec<Vec<u64>>>,
    /// `probabilities[l][a][b]`.
    pub probabilities: Vec<Vec<Vec<f64>>>,
    /// Steady state of each lag class's matrix, or null.
    pub steady_states: Vec<Option<Vec<f64>>>,
}

/// The contract's markov JSON (less the warnings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarkovResult {
    /// Number of classes.
    pub k: usize,
    /// Cut-offs: a flat list (pooled) or one list per year (`--classes year`).
    pub cutoffs: Cutoffs,
    /// Transition counts.
    pub counts: Vec<Vec<u64>>,
    /// Transition probabilities.
    pub probabilities: Vec<Vec<f64>>,
    /// The steady state, or null.
    pub steady_state: Option<Vec<f64>>,
    /// Present with spatial weights.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub spatial: Option<SpatialMarkov>,
    /// Warnings (no unique steady state, ...).
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// Cut-offs of the value classes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Cutoffs {
    /// Pooled classes.
    Pooled(Vec<f64>),
    /// One list per year.
    Year(Vec<Vec<f64>>),
}

/// A Markov chain of `values[region][year]` (balanced; years consecutive in
/// the given order). With `w` (over the same regions, in the same order), the
/// spatial chain with `m` lag classes.
pub fn markov(
    values: &[Vec<f64>],
    k: usize,
    classes: ClassScope,
    w: Option<(&SpatialWeights, usize)>,
) -> Result<MarkovResult, SpatialError> {
    let _ = (values, k, classes, w);
    Err(SpatialError::Invalid(
        "Markov chains: not written yet".into(),
    ))
}
