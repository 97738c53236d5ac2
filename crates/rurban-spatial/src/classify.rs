//! Map classes: quantile, equal interval and Fisher-Jenks natural breaks.
//!
//! API fixed here; bodies to be written (see CONTRACT.md "## Geography").

use serde::{Deserialize, Serialize};

use crate::SpatialError;

/// A classification method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClassMethod {
    /// Quantiles (the contract's integer-arithmetic interpolation).
    Quantile,
    /// Equal intervals between min and max.
    Equal,
    /// Fisher-Jenks optimal natural breaks.
    Jenks,
}

/// Upper bounds (inclusive) of the classes of `x`; the last is the maximum.
pub fn bins(x: &[f64], method: ClassMethod, k: usize) -> Result<Vec<f64>, SpatialError> {
    let _ = (x, method, k);
    Err(SpatialError::Invalid("map classes: not written yet".into()))
}

/// The class (0-based) of `v`: the first bin with `v <= bin`.
pub fn class_of(v: f64, bins: &[f64]) -> usize {
    bins.iter()
        .position(|&b| v <= b)
        .unwrap_or(bins.len().saturating_sub(1))
}

/// One group of `rurban classify`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassGroup {
    /// The group key.
    pub key: String,
    /// Upper bounds.
    pub bins: Vec<f64>,
    /// Members per class.
    pub counts: Vec<usize>,
    /// Class of each value, in row order.
    pub classes: Vec<usize>,
}
