//! Global Moran's I with normal and randomisation inference, Geary's C and a
//! seeded permutation test; local Moran (LISA) with conditional permutations.
//!
//! Definitions: CONTRACT.md "## Geography"; choices where it is silent (the
//! thread-independent seeding, the numerically careful p): docs/methods/spatial.md.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, Normal};

use crate::rng::{STREAM_GLOBAL, STREAM_LOCAL, sample, shuffle_by, stream};
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

    let i = nf / s0 * csr.quad_one(&z) / m2;
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
    check_overflow(
        what,
        key,
        x,
        w,
        &[
            ("mean", mean),
            ("sum of squares", m2),
            ("fourth moment", m4),
            ("I", i),
        ],
    )?;
    check_overflow(
        what,
        key,
        x,
        w,
        &[("randomisation variance", vr), ("z", z_normal + z_random)],
    )?;

    let mut geary = 0.0;
    for (a, row) in w.rows.iter().enumerate() {
        for &(b, wab) in row {
            let d = x[a] - x[b];
            geary += wab * d * d;
        }
    }
    let geary_c = (nf - 1.0) * geary / (2.0 * s0 * m2);
    check_overflow(what, key, x, w, &[("Geary's C", geary_c)])?;

    let p_sim = (perm.permutations > 0).then(|| {
        let scale = nf / s0 / m2;
        let tol = 1e-12 * i.abs();
        let larger = global_count(&csr, &z, perm, |q| scale * q >= i - tol);
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
/// all equal, at least one link, and `alpha` in [0, 1]. As in esda, all
/// regions share one row of random draws per permutation (see
/// `local_counts`); blocks of permutations run in parallel, each fixed-size
/// block drawing from its own random stream (derived from the seed and
/// the block's index), so the p-values do not depend on the thread count.
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

    let c: Vec<f64> = z.iter().map(|zi| (nf - 1.0) * zi / zz).collect();
    let lag: Vec<f64> = (0..n)
        .map(|i| {
            let (cols, ws) = csr.row(i);
            cols.iter()
                .zip(ws)
                .map(|(&j, &wij)| wij * z[j as usize])
                .sum()
        })
        .collect();
    let ii: Vec<f64> = c.iter().zip(&lag).map(|(c, l)| c * l).collect();
    check_overflow(
        what,
        key,
        x,
        w,
        &[
            ("mean", mean),
            ("sum of squares", m2),
            ("I", ii.iter().sum::<f64>() + lag.iter().sum::<f64>()),
        ],
    )?;
    let p_sim: Vec<Option<f64>> = if perm.permutations == 0 {
        vec![None; n]
    } else {
        let larger = local_counts(&csr, &z, &c, &ii, perm, false);
        (0..n)
            .map(|i| (!csr.row(i).0.is_empty()).then(|| folded_p(larger[i], perm.permutations)))
            .collect()
    };
    let stats: Vec<(f64, f64, Option<f64>)> = (0..n)
        .map(|i| {
            if csr.row(i).0.is_empty() {
                (0.0, 0.0, None)
            } else {
                (lag[i], ii[i], p_sim[i])
            }
        })
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

/// Every one of `stats` must be finite: values near ±1.8e308 (or their
/// squares and fourth powers) overflow a 64-bit float. The error names the
/// first region with the value of largest magnitude.
fn check_overflow(
    what: &str,
    key: &str,
    x: &[f64],
    w: &SpatialWeights,
    stats: &[(&str, f64)],
) -> Result<(), SpatialError> {
    let Some((stat, _)) = stats.iter().find(|(_, v)| !v.is_finite()) else {
        return Ok(());
    };
    let r = (0..x.len())
        .rev()
        .max_by(|&a, &b| x[a].abs().total_cmp(&x[b].abs()))
        .unwrap_or(0);
    Err(SpatialError::Invalid(format!(
        "{what}{}: the value of region \"{}\" ({:e}) is too large: the {stat} overflows a 64-bit float; rescale the column",
        group(key),
        w.ids.get(r).map(String::as_str).unwrap_or_default(),
        x.get(r).copied().unwrap_or(f64::NAN)
    )))
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

/// Permutations per unit of parallel work (and per random stream) of the
/// global test: fixed, so the draws do not depend on the thread count.
const GLOBAL_BLOCK: usize = 64;
/// Conditional permutations per unit of parallel work of the local test.
const LOCAL_BLOCK: usize = 128;

/// The number of permutations of `z` whose `z' W z` satisfies `hit`.
///
/// Block b of [`GLOBAL_BLOCK`] permutations draws from stream (seed, "glob",
/// b). It keeps [`LANES`] vectors, each starting as `z`, and reshuffles each
/// in place for every group of LANES permutations (a Fisher-Yates pass makes
/// any arrangement uniformly random, so the permutations are independent).
fn global_count(
    csr: &Csr,
    z: &[f64],
    perm: &PermutationOptions,
    hit: impl Fn(f64) -> bool + Sync,
) -> usize {
    let n = z.len();
    // Regions relabelled in order of their number of neighbours, so that the
    // inner loop over a row runs the same number of times from one row to
    // the next (a predictable branch); the permutation distribution of z'Wz
    // does not depend on the labels.
    let (csr, z) = &csr.by_degree(z);
    let blocks = perm.permutations.div_ceil(GLOBAL_BLOCK);
    let uniform = csr.uniform_rows();
    (0..blocks)
        .into_par_iter()
        .map(|b| {
            let mut rng = stream(perm.seed, STREAM_GLOBAL, b as u64);
            let mut lanes: Vec<[f64; LANES]> = z.iter().map(|&v| [v; LANES]).collect();
            let todo = GLOBAL_BLOCK.min(perm.permutations - b * GLOBAL_BLOCK);
            let mut larger = 0;
            for done in (0..todo).step_by(LANES) {
                // lane by lane, each its own Fisher-Yates pass
                #[allow(clippy::needless_range_loop)]
                for q in 0..LANES {
                    shuffle_by(n, &mut rng, |a, b| {
                        let t = lanes[a][q];
                        lanes[a][q] = lanes[b][q];
                        lanes[b][q] = t;
                    });
                }
                let qs = match &uniform {
                    Some(rw) => csr.quad_uniform(rw, &lanes),
                    None => csr.quad(&lanes),
                };
                larger += qs[..LANES.min(todo - done)]
                    .iter()
                    .filter(|&&q| hit(q))
                    .count();
            }
            larger
        })
        .sum()
}

/// Permutations evaluated together by the global test (one per lane of a
/// `[f64; LANES]` per region, so one pass over the weights serves all).
const LANES: usize = 8;

/// For every region, the number of conditional permutations whose I_i is
/// `>= ii[i] - 1e-12 |ii[i]|` (islands: 0).
///
/// The draws follow esda's scheme: for each permutation one row of K
/// distinct indices from `0..n-1` (K = the largest number of neighbours),
/// shared by all regions; region i with k neighbours takes the first k, an
/// index `r` meaning region `r` when `r < i` and `r + 1` otherwise (so i
/// itself is never drawn). Block b of [`LOCAL_BLOCK`] permutations draws its
/// rows from stream (seed, "loca", b).
///
/// Rows whose weights are all equal (row-standardised or binary contiguity)
/// go through [`Sweep`]; other rows sum their weighted draws directly.
/// `general_only` sends every row the direct way (for tests).
fn local_counts(
    csr: &Csr,
    z: &[f64],
    c: &[f64],
    ii: &[f64],
    perm: &PermutationOptions,
    general_only: bool,
) -> Vec<usize> {
    let n = z.len();
    let k_max = (0..n).map(|i| csr.row(i).0.len()).max().unwrap_or(0);
    let sweep = Sweep::new(csr, z, c, ii, k_max, general_only);
    let general = &sweep.general;
    let blocks = perm.permutations.div_ceil(LOCAL_BLOCK);
    let counts = (0..blocks)
        .into_par_iter()
        .fold(
            || LocalScratch::new(n, k_max),
            |mut s, b| {
                let mut rng = stream(perm.seed, STREAM_LOCAL, b as u64);
                for (t, v) in s.pool.iter_mut().enumerate() {
                    *v = t as u32;
                }
                let todo = LOCAL_BLOCK.min(perm.permutations - b * LOCAL_BLOCK);
                for _ in 0..todo {
                    sample(&mut s.pool, &mut s.draw, &mut rng);
                    sweep.run(&mut s);
                    for &i in general {
                        let (cols, ws) = csr.row(i);
                        let mut sum = 0.0;
                        for (&r, &w) in s.draw[..cols.len()].iter().zip(ws) {
                            let r = r as usize;
                            sum += w * z[r + usize::from(r >= i)];
                        }
                        s.counts[i] += u64::from(c[i] * sum >= ii[i] - 1e-12 * ii[i].abs());
                    }
                }
                s
            },
        )
        .map(|s| s.counts)
        .reduce(
            || vec![0; n],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
                a
            },
        );
    counts.into_iter().map(|v| v as usize).collect()
}

/// Per-thread scratch of the local test.
struct LocalScratch {
    pool: Vec<u32>,
    draw: Vec<u32>,
    vals: Vec<f64>,
    order: Vec<u64>,
    sums: Vec<f64>,
    counts: Vec<u64>,
}

impl LocalScratch {
    fn new(n: usize, k_max: usize) -> Self {
        LocalScratch {
            pool: vec![0; n - 1],
            draw: vec![0; k_max],
            vals: vec![0.0; k_max],
            order: vec![0; k_max],
            sums: vec![0.0; 2 * (k_max + 1)],
            counts: vec![0; n],
        }
    }
}

/// The local test of the rows with equal weights, one permutation at a time.
///
/// For such a row (weight w, k neighbours) the permuted statistic is
/// `I_p = c_i (w s)` with `s` the plain sum of the k drawn values, and the
/// test `I_p >= thr_i` (`thr_i = I_i - 1e-12 |I_i|`) is monotone in `s`: it
/// equals `s >= b_i` (or `s <= b_i`, i.e. `-s >= -b_i`, when `c_i w < 0`) for
/// a bound `b_i` found once by bisection over the doubles, so that the
/// comparison is exactly the one of the floating-point `I_p`.
///
/// Which value index r stands for changes with i only where i passes r, so
/// for one row of draws the prefix sums `S_k` of the drawn values (k = 0..K)
/// are piecewise constant in i with at most K breaks: the regions are swept
/// in order, the sums recomputed at each break, and region i compares entry
/// `k_i` of `[S_0..S_K, -S_0..-S_K]` with its bound.
struct Sweep<'a> {
    z: &'a [f64],
    /// Index into the signed prefix sums, per region.
    slot: Vec<u32>,
    /// The bound each region's signed sum is compared with (`>=`); NaN for
    /// the regions not handled here (never counted).
    bound: Vec<f64>,
    /// The regions with neighbours that are not handled here, ascending.
    general: Vec<usize>,
}

impl<'a> Sweep<'a> {
    fn new(
        csr: &Csr,
        z: &'a [f64],
        c: &[f64],
        ii: &[f64],
        k_max: usize,
        general_only: bool,
    ) -> Self {
        let n = z.len();
        let mut slot = vec![0; n];
        let mut bound = vec![f64::NAN; n];
        let mut general = Vec::new();
        for i in 0..n {
            let (cols, ws) = csr.row(i);
            let Some(&w) = ws.first() else {
                continue;
            };
            if general_only || !(w.is_finite() && w != 0.0 && ws.iter().all(|&v| v == w)) {
                general.push(i);
                continue;
            }
            let thr = ii[i] - 1e-12 * ii[i].abs();
            let ci = c[i];
            let hit = |s: f64| ci * (w * s) >= thr;
            let k = cols.len() as u32;
            if ci == 0.0 {
                // I_p is 0 (or -0) whatever the draw
                bound[i] = if hit(0.0) {
                    f64::NEG_INFINITY
                } else {
                    f64::NAN
                };
                slot[i] = k;
            } else if (ci > 0.0) == (w > 0.0) {
                bound[i] = first_true(hit);
                slot[i] = k;
            } else {
                // hit is true for small s: -s >= -(the largest s with hit)
                bound[i] = first_true(|s| hit(-s));
                slot[i] = k_max as u32 + 1 + k;
            }
        }
        Sweep {
            z,
            slot,
            bound,
            general,
        }
    }

    /// Adds the hits of the draw `s.draw` to `s.counts`.
    #[inline]
    fn run(&self, s: &mut LocalScratch) {
        let z = self.z;
        let n = z.len();
        let draw = &s.draw;
        // before region 0, every index r stands for region r + 1
        for (v, &r) in s.vals.iter_mut().zip(draw) {
            *v = z[r as usize + 1];
        }
        // (drawn index, position in the draw) in one word, sorted by index
        for (t, (o, &r)) in s.order.iter_mut().zip(draw).enumerate() {
            *o = u64::from(r) << 32 | t as u64;
        }
        s.order.sort_unstable();
        prefix(&s.vals, &mut s.sums, 0);
        let mut start = 0;
        for &o in &s.order {
            let (r, t) = ((o >> 32) as usize, o as u32);
            // from region r + 1 on, r stands for region r
            let end = r + 1;
            count_segment(
                &self.slot[start..end],
                &self.bound[start..end],
                &s.sums,
                &mut s.counts[start..end],
            );
            s.vals[t as usize] = z[r];
            prefix(&s.vals, &mut s.sums, t as usize);
            start = end;
        }
        count_segment(
            &self.slot[start..n],
            &self.bound[start..n],
            &s.sums,
            &mut s.counts[start..n],
        );
    }
}

/// `sums[k] = vals[0] + .. + vals[k-1]` and `sums[K + 1 + k] = -sums[k]`,
/// recomputed from k = `from` + 1 on.
#[inline(always)]
fn prefix(vals: &[f64], sums: &mut [f64], from: usize) {
    let k = vals.len();
    let mut acc = sums[from];
    for t in from..k {
        acc += vals[t];
        sums[t + 1] = acc;
        sums[k + 2 + t] = -acc;
    }
    sums[k + 1] = -0.0;
}

#[inline(always)]
fn count_segment(slot: &[u32], bound: &[f64], sums: &[f64], counts: &mut [u64]) {
    for ((&s, &b), c) in slot.iter().zip(bound).zip(counts) {
        *c += u64::from(sums[s as usize] >= b);
    }
}

/// The smallest double s (over -inf..=+inf) with `hit(s)`, for `hit` monotone
/// (false then true); NaN when `hit` is never true.
fn first_true(hit: impl Fn(f64) -> bool) -> f64 {
    // doubles in order <-> u64 in order
    fn key(x: f64) -> u64 {
        let u = x.to_bits();
        if u >> 63 == 1 { !u } else { u | 1 << 63 }
    }
    fn value(k: u64) -> f64 {
        f64::from_bits(if k >> 63 == 1 { k & !(1 << 63) } else { !k })
    }
    if !hit(f64::INFINITY) {
        return f64::NAN;
    }
    if hit(f64::NEG_INFINITY) {
        return f64::NEG_INFINITY;
    }
    let (mut lo, mut hi) = (key(f64::NEG_INFINITY), key(f64::INFINITY));
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if hit(value(mid)) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    value(hi)
}

/// Compressed sparse rows of the weights, for the hot loops.
struct Csr {
    start: Vec<usize>,
    cols: Vec<u32>,
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
                // n < 2^32 is checked before
                cols.push(j as u32);
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

    fn row(&self, i: usize) -> (&[u32], &[f64]) {
        let r = self.start[i]..self.start[i + 1];
        (&self.cols[r.clone()], &self.weights[r])
    }

    /// The same weights and values with the regions relabelled in ascending
    /// order of their number of neighbours (ties in index order).
    fn by_degree(&self, z: &[f64]) -> (Csr, Vec<f64>) {
        let n = z.len();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by_key(|&i| self.start[i + 1] - self.start[i]);
        let mut pos = vec![0u32; n];
        for (new, &old) in order.iter().enumerate() {
            pos[old] = new as u32;
        }
        let mut start = Vec::with_capacity(n + 1);
        let mut cols = Vec::with_capacity(self.cols.len());
        let mut weights = Vec::with_capacity(self.weights.len());
        start.push(0);
        for &old in &order {
            let (c, w) = self.row(old);
            cols.extend(c.iter().map(|&j| pos[j as usize]));
            weights.extend_from_slice(w);
            start.push(cols.len());
        }
        let z = order.iter().map(|&old| z[old]).collect();
        (
            Csr {
                start,
                cols,
                weights,
            },
            z,
        )
    }

    /// The common weight of every row (0 for an island), when each row's
    /// weights are all equal.
    fn uniform_rows(&self) -> Option<Vec<f64>> {
        (0..self.start.len() - 1)
            .map(|i| {
                let ws = self.row(i).1;
                match ws.first() {
                    None => Some(0.0),
                    Some(&w) => ws.iter().all(|&v| v == w).then_some(w),
                }
            })
            .collect()
    }

    /// z' W z.
    fn quad_one(&self, z: &[f64]) -> f64 {
        let mut total = 0.0;
        for (i, zi) in z.iter().enumerate() {
            let (cols, ws) = self.row(i);
            let lag: f64 = cols
                .iter()
                .zip(ws)
                .map(|(&j, &wij)| wij * z[j as usize])
                .sum();
            total += zi * lag;
        }
        total
    }

    /// z' W z of the vector of each lane.
    fn quad(&self, z: &[[f64; LANES]]) -> [f64; LANES] {
        let mut total = [0.0; LANES];
        for (i, zi) in z.iter().enumerate() {
            let (cols, ws) = self.row(i);
            let mut lag = [0.0; LANES];
            for (&j, &wij) in cols.iter().zip(ws) {
                let zj = &z[j as usize];
                for q in 0..LANES {
                    lag[q] += wij * zj[q];
                }
            }
            for q in 0..LANES {
                total[q] += zi[q] * lag[q];
            }
        }
        total
    }

    /// As [`Csr::quad`] when row i's weights all equal `rw[i]`.
    fn quad_uniform(&self, rw: &[f64], z: &[[f64; LANES]]) -> [f64; LANES] {
        let mut total = [0.0; LANES];
        for (i, (zi, w)) in z.iter().zip(rw).enumerate() {
            let (cols, _) = self.row(i);
            let mut s = [0.0; LANES];
            for &j in cols {
                let zj = &z[j as usize];
                for q in 0..LANES {
                    s[q] += zj[q];
                }
            }
            for q in 0..LANES {
                total[q] += zi[q] * w * s[q];
            }
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_true_finds_the_exact_floating_point_boundary() {
        let hit = |s: f64| 3.0 * s >= 1.0;
        let b = first_true(hit);
        assert!(hit(b) && !hit(b.next_down()), "{b}");
        assert!((b - 1.0 / 3.0).abs() < 1e-15);
        // a rounding that reaches the threshold from below: 0.1 * s >= 0.3
        let hit = |s: f64| 0.1 * s >= 0.3;
        let b = first_true(hit);
        assert!(hit(b) && !hit(b.next_down()), "{b}");
        assert_eq!(
            first_true(|s: f64| s >= f64::NEG_INFINITY),
            f64::NEG_INFINITY
        );
        assert!(first_true(|_| false).is_nan());
        // a threshold of 0 with products that underflow to -0 (which is >= 0)
        let hit = |s: f64| 0.25 * (0.5 * s) >= 0.0;
        let b = first_true(hit);
        assert!(hit(b) && !hit(b.next_down()) && b < 0.0, "{b}");
    }

    /// Row-standardised weights of a ring of n regions, each linked to the
    /// `k` next ones on either side.
    fn ring(n: usize, k: usize) -> SpatialWeights {
        let lists = (0..n)
            .map(|i| {
                (1..=k)
                    .flat_map(|d| [(i + d) % n, (i + n - d) % n])
                    .collect()
            })
            .collect();
        SpatialWeights::from_neighbours((0..n).map(|i| i.to_string()).collect(), lists)
            .transform(crate::Transform::Row)
    }

    #[test]
    fn the_interleaved_passes_compute_each_lane_s_quadratic_form() {
        // row-standardised ring with one island and a row of unequal weights
        let n = 31;
        let mut w = ring(n, 2);
        w.rows[7] = vec![];
        let csr = Csr::new(&w);
        let rw = csr.uniform_rows().unwrap();
        assert_eq!((rw[0], rw[7]), (0.25, 0.0));
        let lanes: Vec<[f64; LANES]> = (0..n)
            .map(|i| std::array::from_fn(|q| ((i * 7 + q * 5) % 11) as f64 - 5.0))
            .collect();
        let general = csr.quad(&lanes);
        let uniform = csr.quad_uniform(&rw, &lanes);
        for q in 0..LANES {
            let one: Vec<f64> = lanes.iter().map(|l| l[q]).collect();
            let expect = csr.quad_one(&one);
            assert!((general[q] - expect).abs() <= 1e-12 * expect.abs().max(1.0));
            assert!((uniform[q] - expect).abs() <= 1e-12 * expect.abs().max(1.0));
        }
        w.rows[3][0].1 = 0.5;
        assert_eq!(Csr::new(&w).uniform_rows(), None);
    }

    #[test]
    fn the_sweep_counts_what_the_direct_sums_count() {
        // the same draws through both ways: equal counts for every region
        // (ties aside, which these values do not have)
        let n = 97;
        let mut w = ring(n, 3);
        // a few regions with fewer neighbours, one island
        w.rows[5] = vec![(4, 1.0)];
        w.rows[40] = vec![(39, 0.5), (41, 0.5)];
        w.rows[60] = vec![];
        let x: Vec<f64> = (0..n).map(|i| ((i * 37 % 101) as f64).sqrt()).collect();
        let nf = n as f64;
        let mean = x.iter().sum::<f64>() / nf;
        let sd = (x.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / nf).sqrt();
        let z: Vec<f64> = x.iter().map(|v| (v - mean) / sd).collect();
        let zz: f64 = z.iter().map(|v| v * v).sum();
        let csr = Csr::new(&w);
        let c: Vec<f64> = z.iter().map(|zi| (nf - 1.0) * zi / zz).collect();
        let ii: Vec<f64> = (0..n)
            .map(|i| {
                let (cols, ws) = csr.row(i);
                c[i] * cols
                    .iter()
                    .zip(ws)
                    .map(|(&j, &v)| v * z[j as usize])
                    .sum::<f64>()
            })
            .collect();
        let perm = PermutationOptions {
            permutations: 999,
            seed: 3,
        };
        let fast = local_counts(&csr, &z, &c, &ii, &perm, false);
        let direct = local_counts(&csr, &z, &c, &ii, &perm, true);
        assert_eq!(fast, direct);
        assert_eq!(fast[60], 0);
        assert!(fast.iter().any(|&l| l > 100 && l < 900));
    }
}
