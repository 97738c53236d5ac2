//! Coupling coordination of the top-level dimensions of one region-year.
//!
//! With `U_d` the score of dimension d on [0, 1]
//! ([`dimension_u`]: `sum_{j in d} w_j z_j / sum_{j in d} w_j`):
//! `C = (prod_d U_d)^(1/n) / ((1/n) sum_d U_d)` (0 when any `U_d` = 0),
//! `T = sum_d alpha_d U_d`, `D = sqrt(C T)`, and the level
//! `floor(10 D) + 1` capped at 10. See `docs/methods/construction.md` for
//! why this `C` (the ratio of the geometric to the arithmetic mean) and not
//! the variants found in the literature.

use serde::Serialize;

use crate::StageError;

/// The ten level names, level 1 first.
pub const LEVEL_NAMES: [&str; 10] = [
    "extreme imbalance",
    "serious imbalance",
    "moderate imbalance",
    "mild imbalance",
    "on the verge of imbalance",
    "barely coordinated",
    "primary coordination",
    "intermediate coordination",
    "good coordination",
    "quality coordination",
];

/// The ten level names in Chinese, level 1 first.
pub const LEVEL_NAMES_ZH: [&str; 10] = [
    "极度失调",
    "严重失调",
    "中度失调",
    "轻度失调",
    "濒临失调",
    "勉强协调",
    "初级协调",
    "中级协调",
    "良好协调",
    "优质协调",
];

/// Coupling coordination of one region-year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coupling {
    /// Coupling degree C in [0, 1].
    #[serde(rename = "C")]
    pub c: f64,
    /// Comprehensive development T.
    #[serde(rename = "T")]
    pub t: f64,
    /// Coordination degree D = sqrt(C T).
    #[serde(rename = "D")]
    pub d: f64,
    /// Level 1..=10.
    pub level: u8,
    /// The level's English name.
    pub level_name: &'static str,
}

impl Coupling {
    /// The level's Chinese name.
    pub fn level_name_zh(&self) -> &'static str {
        LEVEL_NAMES_ZH[usize::from(self.level - 1)]
    }
}

/// The class of a coordination degree: `floor(10 D) + 1`, capped at 10
/// (and at least 1).
pub fn level(d: f64) -> u8 {
    let k = (10.0 * d).floor() + 1.0;
    k.clamp(1.0, 10.0) as u8
}

/// `U_d = sum_{j in d} w_j z_j / sum_{j in d} w_j` over the indicators
/// `members` (below dimension d), with `z` the [0, 1] min-max values and
/// `w` the effective weights of all indicators. NaN when the weights sum
/// to 0.
pub fn dimension_u(z: &[f64], w: &[f64], members: &[usize]) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    for &j in members {
        num += w[j] * z[j];
        den += w[j];
    }
    if den > 0.0 { num / den } else { f64::NAN }
}

/// The weights alpha: `given` (one per top-level dimension; another length
/// is an error) or equal `1 / n`. A warning when they are negative or do
/// not sum to 1 (D then need not lie in [0, 1]).
pub fn alpha(n: usize, given: Option<&[f64]>) -> Result<(Vec<f64>, Vec<String>), StageError> {
    let Some(a) = given else {
        return Ok((vec![1.0 / n as f64; n], Vec::new()));
    };
    if a.len() != n {
        return Err(StageError::Setting(format!(
            "[analysis.coupling] alpha has {} values but the index has {n} top-level dimensions",
            a.len()
        )));
    }
    if a.iter().any(|v| !v.is_finite()) {
        return Err(StageError::Setting(
            "[analysis.coupling] alpha: every value must be a finite number".into(),
        ));
    }
    let mut warnings = Vec::new();
    let s: f64 = a.iter().sum();
    if a.iter().any(|&v| v < 0.0) || (s - 1.0).abs() > 1e-9 {
        warnings.push(format!(
            "[analysis.coupling] alpha sums to {s} (or has a negative value): D may leave [0, 1]"
        ));
    }
    Ok((a.to_vec(), warnings))
}

/// Coupling coordination of the scores `u` (one per top-level dimension,
/// on [0, 1]) with weights `alpha` (same length).
pub fn coupling(u: &[f64], alpha: &[f64]) -> Coupling {
    let n = u.len() as f64;
    let mean = u.iter().sum::<f64>() / n;
    let c = if u.contains(&0.0) || mean == 0.0 {
        0.0
    } else {
        u.iter().product::<f64>().powf(1.0 / n) / mean
    };
    let t: f64 = u.iter().zip(alpha).map(|(u, a)| u * a).sum();
    let d = (c * t).sqrt();
    let level = level(d);
    Coupling {
        c,
        t,
        d,
        level,
        level_name: LEVEL_NAMES[usize::from(level - 1)],
    }
}
