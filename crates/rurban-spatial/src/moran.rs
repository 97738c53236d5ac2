//! Global Moran's I with normal and randomisation inference, Geary's C and a
//! seeded permutation test; local Moran (LISA) with conditional permutations.
//!
//! Definitions: CONTRACT.md "## Geography"; choices where it is silent (the
//! thread-independent seeding, the numerically careful p): docs/methods/spatial.md.

use rand::Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal};

use crate::rng::{STREAM_GLOBAL, STREAM_LOCAL, stream};
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
///
/// `w` is used as given (already restricted and transformed). Needs at least
/// 4 regions (the randomisation variance divides by (n-1)(n-2)(n-3)), finite
/// values that are not all equal, and at least one link.
pub fn global_moran(
    key: &str,
    x: &[f64],
    w: &SpatialWeights,
    perm: &PermutationOptions,
) -> Result<GlobalMoran, SpatialError> {
    let what = "global Moran's I";
    check_input(what, key, x, w, 4)?;
    let n = x.len();
    let nf = n as f64;
    let mean = x.iter().sum::<f64>() / nf;
    let z: Vec<f64> = x.iter().map(|v| v - mean).collect();
    let m2: f64 = z.iter().map(|v| v * v).sum();
    let m4: f64 = z.iter().map(|v| v.powi(4)).sum();
    check_spread(what, key, m2)?;
    let csr = Csr::new(w);
    let s0 = csr.weights.iter().sum::<f64>();
    check_links(what, key, s0)?;
    let (s1, s2) = s1_s2(w);

    let i = nf / s0 * csr.quad(&z) / m2;
    let e = -1.0 / (nf - 1.0);
    let s02 = s0 * s0;
    let n2 = nf * nf;
    let vn = (n2 * s1 - nf * s2 + 3.0 * s02) / ((n2 - 1.0) * s02) - e * e;
    let b2 = nf * m4 / (m2 * m2);
    let vr = (nf * ((n2 - 3.0 * nf + 3.0) * s1 - nf * s2 + 3.0 * s02)
        - b2 * ((n2 - nf) * s1 - 2.0 * nf * s2 + 6.0 * s02))
        / ((nf - 1.0) * (nf - 2.0) * (nf - 3.0) * s02)
        - e * e;
    let z_normal = (i - e) / vn.sqrt();
    let z_random = (i - e) / vr.sqrt();

    let mut geary = 0.0;
    for (a, row) in w.rows.iter().enumerate() {
        for &(b, wab) in row {
            let d = x[a] - x[b];
            geary += wab * d * d;
        }
    }
    let geary_c = (nf - 1.0) * geary / (2.0 * s0 * m2);

    let p_sim = (perm.permutations > 0).then(|| {
        let scale = nf / s0 / m2;
        let tol = 1e-12 * i.abs();
        let larger: usize = (0..perm.permutations)
            .into_par_iter()
            .map_init(
                || vec![0.0; n],
                |buf, p| {
                    buf.copy_from_slice(&z);
                    let mut rng = stream(perm.seed, STREAM_GLOBAL, p as u64);
                    shuffle(buf, &mut rng);
                    usize::from(scale * csr.quad(buf) >= i - tol)
                },
            )
            .sum();
        folded_p(larger, perm.permutations)
    });

    Ok(GlobalMoran {
        key: key.to_string(),
        n,
        i,
        expected: e,
        variance_normal: vn,
        z_normal,
        p_normal: two_sided_p(z_normal),
        variance_random: vr,
        z_random,
        p_random: two_sided_p(z_random),
        geary_c,
        p_sim,
    })
}

/// Local Moran of `x` (one value per region of `w`, in `w`'s order).
///
/// `w` is used as given. Needs at least 3 regions, finite values that are not
/// all equal, at least one link, and `alpha` in [0, 1]. Regions are processed
/// in parallel; each region draws from its own random stream (derived from
/// the seed and its index), so the p-values do not depend on the thread count.
pub fn local_moran(
    key: &str,
    x: &[f64],
    w: &SpatialWeights,
    perm: &PermutationOptions,
    alpha: f64,
) -> Result<Vec<LocalMoran>, SpatialError> {
    let what = "local Moran";
    check_input(what, key, x, w, 3)?;
    if !(0.0..=1.0).contains(&alpha) {
        return Err(SpatialError::Invalid(format!(
            "{what}: alpha must be between 0 and 1, got {alpha}"
        )));
    }
    let n = x.len();
    let nf = n as f64;
    let mean = x.iter().sum::<f64>() / nf;
    let m2: f64 = x.iter().map(|v| (v - mean) * (v - mean)).sum();
    check_spread(what, key, m2)?;
    let sd = (m2 / nf).sqrt();
    let z: Vec<f64> = x.iter().map(|v| (v - mean) / sd).collect();
    let zz: f64 = z.iter().map(|v| v * v).sum();
    let csr = Csr::new(w);
    check_links(what, key, csr.weights.iter().sum())?;

    let stats: Vec<(f64, f64, Option<f64>)> = (0..n)
        .into_par_iter()
        .map_init(
            || Vec::with_capacity(n - 1),
            |pool: &mut Vec<f64>, i| {
                let (cols, ws) = csr.row(i);
                if cols.is_empty() {
                    return (0.0, 0.0, None);
                }
                let lag: f64 = cols.iter().zip(ws).map(|(&j, &wij)| wij * z[j]).sum();
                let c = (nf - 1.0) * z[i] / zz;
                let ii = c * lag;
                if perm.permutations == 0 {
                    return (lag, ii, None);
                }
                pool.clear();
                pool.extend_from_slice(&z[..i]);
                pool.extend_from_slice(&z[i + 1..]);
                let mut rng = stream(perm.seed, STREAM_LOCAL, i as u64);
                let threshold = ii - 1e-12 * ii.abs();
                let m = pool.len();
                let mut larger = 0usize;
                for _ in 0..perm.permutations {
                    let mut s = 0.0;
                    for (t, &wt) in ws.iter().enumerate() {
                        let j = t + rng.gen_range(0..(m - t) as u32) as usize;
                        pool.swap(t, j);
                        s += wt * pool[t];
                    }
                    larger += usize::from(c * s >= threshold);
                }
                (lag, ii, Some(folded_p(larger, perm.permutations)))
            },
        )
        .collect();

    Ok(stats
        .into_iter()
        .enumerate()
        .map(|(i, (lag, ii, p_sim))| LocalMoran {
            key: key.to_string(),
            region: w.ids[i].clone(),
            value: x[i],
            lag,
            i: ii,
            quadrant: quadrant(z[i], lag).to_string(),
            p_sim,
            significant: p_sim.is_some_and(|p| p <= alpha),
        })
        .collect())
}

/// The contract's quadrant of a region with standardised value `z` and lag `lag`.
pub fn quadrant(z: f64, lag: f64) -> &'static str {
    match (z > 0.0, lag > 0.0) {
        (true, true) => "HH",
        (false, true) => "LH",
        (false, false) => "LL",
        (true, false) => "HL",
    }
}

/// The folded pseudo p-value: `L = min(L, N - L)`, `(L + 1) / (N + 1)`.
fn folded_p(larger: usize, permutations: usize) -> f64 {
    let l = larger.min(permutations - larger);
    (l as f64 + 1.0) / (permutations as f64 + 1.0)
}

/// `2 (1 - Phi(|z|))`, computed as `2 Phi(-|z|)` so that small p keep their digits.
fn two_sided_p(z: f64) -> f64 {
    let normal = Normal::standard();
    2.0 * normal.cdf(-z.abs())
}

/// Fisher-Yates shuffle with 32-bit bounded draws (n < 2^32 always holds here).
fn shuffle<R: Rng>(v: &mut [f64], rng: &mut R) {
    for i in (1..v.len()).rev() {
        let j = rng.gen_range(0..=i as u32) as usize;
        v.swap(i, j);
    }
}

fn check_input(
    what: &str,
    key: &str,
    x: &[f64],
    w: &SpatialWeights,
    min_n: usize,
) -> Result<(), SpatialError> {
    let at = group(key);
    if x.len() != w.n() {
        return Err(SpatialError::Invalid(format!(
            "{what}{at}: {} values for {} regions of the weights",
            x.len(),
            w.n()
        )));
    }
    if x.len() < min_n {
        return Err(SpatialError::Invalid(format!(
            "{what}{at}: needs at least {min_n} regions, got {}",
            x.len()
        )));
    }
    if let Some(i) = x.iter().position(|v| !v.is_finite()) {
        return Err(SpatialError::Invalid(format!(
            "{what}{at}: the value of region \"{}\" is not a finite number ({})",
            w.ids[i], x[i]
        )));
    }
    if u32::try_from(x.len()).is_err() {
        return Err(SpatialError::Invalid(format!(
            "{what}{at}: too many regions ({})",
            x.len()
        )));
    }
    Ok(())
}

fn check_spread(what: &str, key: &str, m2: f64) -> Result<(), SpatialError> {
    if m2 > 0.0 {
        Ok(())
    } else {
        Err(SpatialError::Invalid(format!(
            "{what}{}: all values are equal, so there is no variation to correlate",
            group(key)
        )))
    }
}

fn check_links(what: &str, key: &str, s0: f64) -> Result<(), SpatialError> {
    if s0 > 0.0 && s0.is_finite() {
        Ok(())
    } else {
        Err(SpatialError::Invalid(format!(
            "{what}{}: the weights have no links (every region is an island, S0 = {s0})",
            group(key)
        )))
    }
}

fn group(key: &str) -> String {
    if key.is_empty() {
        String::new()
    } else {
        format!(" of group \"{key}\"")
    }
}

/// S1 = 1/2 sum_ij (w_ij + w_ji)^2 and S2 = sum_i (row sum_i + column sum_i)^2.
fn s1_s2(w: &SpatialWeights) -> (f64, f64) {
    let n = w.n();
    let lookup = |i: usize, j: usize| -> f64 {
        w.rows[i]
            .binary_search_by_key(&j, |&(c, _)| c)
            .map_or(0.0, |p| w.rows[i][p].1)
    };
    let mut s1 = 0.0;
    let mut rowsum = vec![0.0; n];
    let mut colsum = vec![0.0; n];
    for (i, row) in w.rows.iter().enumerate() {
        for &(j, wij) in row {
            let wji = lookup(j, i);
            // A two-way link is met from both rows, each visit one term of the
            // ordered-pair sum; a one-way link is met once but is two terms.
            let s = wij + wji;
            s1 += if wji != 0.0 { s * s } else { 2.0 * s * s };
            rowsum[i] += wij;
            colsum[j] += wij;
        }
    }
    let s1 = 0.5 * s1;
    let s2 = rowsum
        .iter()
        .zip(&colsum)
        .map(|(r, c)| (r + c) * (r + c))
        .sum();
    (s1, s2)
}

/// Compressed sparse rows of the weights, for the hot loops.
struct Csr {
    start: Vec<usize>,
    cols: Vec<usize>,
    weights: Vec<f64>,
}

impl Csr {
    fn new(w: &SpatialWeights) -> Self {
        let mut start = Vec::with_capacity(w.n() + 1);
        let mut cols = Vec::new();
        let mut weights = Vec::new();
        start.push(0);
        for row in &w.rows {
            for &(j, wij) in row {
                cols.push(j);
                weights.push(wij);
            }
            start.push(cols.len());
        }
        Csr {
            start,
            cols,
            weights,
        }
    }

    fn row(&self, i: usize) -> (&[usize], &[f64]) {
        let r = self.start[i]..self.start[i + 1];
        (&self.cols[r.clone()], &self.weights[r])
    }

    /// z' W z.
    fn quad(&self, z: &[f64]) -> f64 {
        let mut total = 0.0;
        for (i, zi) in z.iter().enumerate() {
            let (cols, ws) = self.row(i);
            let lag: f64 = cols.iter().zip(ws).map(|(&j, &wij)| wij * z[j]).sum();
            total += zi * lag;
        }
        total
    }
}
