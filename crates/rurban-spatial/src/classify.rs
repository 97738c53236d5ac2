//! Map classes: quantile, equal interval and Fisher-Jenks natural breaks.
//!
//! Definitions: CONTRACT.md "## Geography"; the Fisher-Jenks tie rule and cost
//! are in docs/methods/spatial.md.

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
///
/// * `Quantile`: the contract's integer-arithmetic interpolation; repeated
///   bins are collapsed, so there may be fewer than `k`.
/// * `Equal`: `min + c (max - min) / k` for c = 1..k-1, then the maximum;
///   needs max > min.
/// * `Jenks`: the Fisher-Jenks optimum by dynamic programming over the
///   distinct values, O(k m^2) time and O(k m) memory for m distinct values
///   (about 0.1 s for m = 3000, k = 10); needs k <= m.
pub fn bins(x: &[f64], method: ClassMethod, k: usize) -> Result<Vec<f64>, SpatialError> {
    if k < 1 {
        return Err(invalid(format!("{}: k must be at least 1", method.name())));
    }
    if x.is_empty() {
        return Err(invalid(format!("{}: no values to classify", method.name())));
    }
    if let Some(i) = x.iter().position(|v| !v.is_finite()) {
        return Err(invalid(format!(
            "{}: value {} (position {}) is not a finite number",
            method.name(),
            x[i],
            i + 1
        )));
    }
    let mut xs = x.to_vec();
    xs.sort_by(f64::total_cmp);
    Ok(match method {
        ClassMethod::Quantile => quantile_sorted(&xs, k),
        ClassMethod::Equal => {
            let (lo, hi) = (xs[0], xs[xs.len() - 1]);
            if hi <= lo {
                return Err(invalid(format!(
                    "equal: all values are equal ({lo}), so there is no interval to divide"
                )));
            }
            let width = hi - lo;
            let mut b: Vec<f64> = (1..k).map(|c| lo + c as f64 * width / k as f64).collect();
            b.push(hi);
            b
        }
        ClassMethod::Jenks => jenks_sorted(&xs, k)?,
    })
}

/// Classify one group: its bins, the class of every value (in the given
/// order) and the number of members per class.
pub fn classify(
    key: &str,
    x: &[f64],
    method: ClassMethod,
    k: usize,
) -> Result<ClassGroup, SpatialError> {
    let b = bins(x, method, k).map_err(|e| match e {
        SpatialError::Invalid(m) if !key.is_empty() => {
            SpatialError::Invalid(format!("group \"{key}\": {m}"))
        }
        e => e,
    })?;
    let classes: Vec<usize> = x.iter().map(|&v| class_of(v, &b)).collect();
    let mut counts = vec![0; b.len()];
    for &c in &classes {
        counts[c] += 1;
    }
    Ok(ClassGroup {
        key: key.to_string(),
        bins: b,
        counts,
        classes,
    })
}

impl ClassMethod {
    /// The contract's name (`quantile`, `equal`, `jenks`).
    pub fn name(self) -> &'static str {
        match self {
            ClassMethod::Quantile => "quantile",
            ClassMethod::Equal => "equal",
            ClassMethod::Jenks => "jenks",
        }
    }
}

impl std::str::FromStr for ClassMethod {
    type Err = SpatialError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "quantile" => Ok(ClassMethod::Quantile),
            "equal" => Ok(ClassMethod::Equal),
            "jenks" => Ok(ClassMethod::Jenks),
            _ => Err(invalid(format!(
                "classification method \"{s}\" is not quantile, equal or jenks"
            ))),
        }
    }
}

fn invalid(m: String) -> SpatialError {
    SpatialError::Invalid(m)
}

/// Quantile bins of sorted, finite, non-empty values (k >= 1).
pub(crate) fn quantile_sorted(xs: &[f64], k: usize) -> Vec<f64> {
    let n = xs.len();
    let mut out: Vec<f64> = Vec::with_capacity(k);
    for c in 1..=k {
        let j = (n - 1) * c / k;
        let r = (n - 1) * c % k;
        let b = if r == 0 {
            xs[j]
        } else {
            xs[j] + (r as f64 / k as f64) * (xs[j + 1] - xs[j])
        };
        if out.last() != Some(&b) {
            out.push(b);
        }
    }
    out
}

/// Fisher-Jenks on sorted values: the optimum over partitions that never split
/// equal values (a class holds every copy of its values), computed on the
/// distinct values weighted by their multiplicities.
#[allow(clippy::needless_range_loop)] // matrix indices read clearer
fn jenks_sorted(xs: &[f64], k: usize) -> Result<Vec<f64>, SpatialError> {
    let mut u: Vec<f64> = Vec::new();
    let mut cnt: Vec<f64> = Vec::new();
    for &v in xs {
        if u.last() == Some(&v) {
            *cnt.last_mut().unwrap() += 1.0;
        } else {
            u.push(v);
            cnt.push(1.0);
        }
    }
    let m = u.len();
    if k > m {
        return Err(invalid(format!(
            "jenks: k = {k} classes need at least {k} distinct values, there are {m}"
        )));
    }
    // centred prefix sums keep the sums of squares well conditioned
    let centre = xs.iter().sum::<f64>() / xs.len() as f64;
    let mut pw = vec![0.0; m + 1];
    let mut p1 = vec![0.0; m + 1];
    let mut p2 = vec![0.0; m + 1];
    for i in 0..m {
        let d = u[i] - centre;
        pw[i + 1] = pw[i] + cnt[i];
        p1[i + 1] = p1[i] + cnt[i] * d;
        p2[i + 1] = p2[i] + cnt[i] * d * d;
    }
    // within-class sum of squares of distinct values a..=b
    let ssd = |a: usize, b: usize| -> f64 {
        let w = pw[b + 1] - pw[a];
        let s = p1[b + 1] - p1[a];
        (p2[b + 1] - p2[a] - s * s / w).max(0.0)
    };
    // cost[j] = best cost of classes over values 0..=j with c classes;
    // from[c][j] = first value of the last class.
    let mut cost: Vec<f64> = (0..m).map(|j| ssd(0, j)).collect();
    let mut from = vec![vec![0usize; m]; k];
    for c in 1..k {
        let mut next = vec![f64::INFINITY; m];
        for j in c..m {
            let mut best = f64::INFINITY;
            let mut arg = c;
            for i in c..=j {
                let v = cost[i - 1] + ssd(i, j);
                if v < best {
                    best = v;
                    arg = i;
                }
            }
            next[j] = best;
            from[c][j] = arg;
        }
        cost = next;
    }
    let mut out = vec![0.0; k];
    let mut j = m - 1;
    for c in (0..k).rev() {
        out[c] = u[j];
        if c > 0 {
            j = from[c][j] - 1;
        }
    }
    Ok(out)
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
