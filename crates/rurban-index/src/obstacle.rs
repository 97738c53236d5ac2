//! Obstacle degree: how much each indicator holds a region-year back.
//!
//! `I_j = 1 - z_j` (z the [0, 1] min-max), `O_j = w_j I_j / sum_k w_k I_k`,
//! null when the denominator is 0 (every weighted indicator at its best);
//! a dimension's obstacle is the sum of the `O_j` of the indicators below
//! it, at any depth.

use crate::Hierarchy;

/// The obstacle degree of every indicator of one region-year: `z` on
/// [0, 1] and the effective weights `w`, one per indicator. `None` for all
/// when `sum_k w_k (1 - z_k)` is 0.
pub fn obstacle(z: &[f64], w: &[f64]) -> Vec<Option<f64>> {
    let terms: Vec<f64> = z.iter().zip(w).map(|(z, w)| w * (1.0 - z)).collect();
    let total: f64 = terms.iter().sum();
    if total == 0.0 || !total.is_finite() {
        return vec![None; terms.len()];
    }
    terms.iter().map(|t| Some(t / total)).collect()
}

/// Each dimension's obstacle (spec order): the sum of its indicators'
/// `O_j` at any depth, `None` when they are null.
pub fn dimension_obstacles(hierarchy: &Hierarchy, o: &[Option<f64>]) -> Vec<Option<f64>> {
    (0..hierarchy.dimensions().len())
        .map(|d| {
            let mut s = 0.0;
            for &j in hierarchy.indicators_below(d) {
                s += o.get(j).copied().flatten()?;
            }
            Some(s)
        })
        .collect()
}
