//! Global Moran's I with normal and randomisation inference, Geary's C and a
//! seeded permutation test; local Moran (LISA) with conditional permutations.
//!
//! API fixed here; bodies to be written (see CONTRACT.md "## Geography").

use serde::{Deserialize, Serialize};

use crate::{SpatialError, SpatialWeights};

/// Options of the permutation tests.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PermutationOptions {
    /// Number of permutations (0 = none: `p_sim` is null).
    pub permutations: usize,
    /// Seed: the same p-values for the same seed whatever the thread count.
    pub seed: u64,
}

/// Global Moran's I of one group (one element of the contract's `groups`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GlobalMoran {
    /// The group key (e.g. the year).
    pub key: String,
    /// Number of regions.
    pub n: usize,
    /// Moran's I.
    #[serde(rename = "I")]
    pub i: f64,
    /// E[I] = -1 / (n - 1).
    pub expected: f64,
    /// Variance under normality.
    pub variance_normal: f64,
    /// z under normality.
    pub z_normal: f64,
    /// Two-sided p under normality.
    pub p_normal: f64,
    /// Variance under randomisation.
    pub variance_random: f64,
    /// z under randomisation.
    pub z_random: f64,
    /// Two-sided p under randomisation.
    pub p_random: f64,
    /// Geary's C.
    pub geary_c: f64,
    /// Folded pseudo p-value of the permutation test (null without permutations).
    pub p_sim: Option<f64>,
}

/// One region's local Moran (one element of the contract's `local`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LocalMoran {
    /// The group key.
    pub key: String,
    /// The region.
    pub region: String,
    /// Its value x_i.
    pub value: f64,
    /// `sum_j w_ij z_j`, z standardised with ddof 0.
    pub lag: f64,
    /// I_i.
    #[serde(rename = "I")]
    pub i: f64,
    /// `HH`, `LH`, `LL` or `HL`.
    pub quadrant: String,
    /// Folded conditional-permutation p-value (null for an island or without permutations).
    pub p_sim: Option<f64>,
    /// `p_sim <= alpha`.
    pub significant: bool,
}

/// Global Moran's I of `x` (one value per region of `w`, in `w`'s order).
pub fn global_moran(
    key: &str,
    x: &[f64],
    w: &SpatialWeights,
    perm: &PermutationOptions,
) -> Result<GlobalMoran, SpatialError> {
    let _ = (key, x, w, perm);
    Err(SpatialError::Invalid(
        "global Moran's I: not written yet".into(),
    ))
}

/// Local Moran of `x` (one value per region of `w`, in `w`'s order).
pub fn local_moran(
    key: &str,
    x: &[f64],
    w: &SpatialWeights,
    perm: &PermutationOptions,
    alpha: f64,
) -> Result<Vec<LocalMoran>, SpatialError> {
    let _ = (key, x, w, perm, alpha);
    Err(SpatialError::Invalid("local Moran: not written yet".into()))
}
