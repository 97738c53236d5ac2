//! Uncertainty and sensitivity statistics of the runs, and rank
//! correlations between rankings.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::design::Realisation;
use crate::error::RobustError;
use crate::factors::{FactorKind, Factors};
use crate::rank::{Layout, rank_within_years};
use crate::run::{Model, Output, Runs};

/// The q-quantile of sorted values with linear interpolation, exactly as
/// numpy's default (`method="linear"`): virtual index `h = (n - 1) q`,
/// `g = h - floor(h)`, `a + g (b - a)` for `g < 0.5`, else
/// `b - (1 - g) (b - a)`. `NaN` for no values.
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let n = sorted.len();
    if n == 0 {
        return f64::NAN;
    }
    let h = (n - 1) as f64 * q;
    let lo = (h.floor() as usize).min(n - 1);
    let hi = (lo + 1).min(n - 1);
    let g = h - h.floor();
    let (a, b) = (sorted[lo], sorted[hi]);
    let d = b - a;
    if g >= 0.5 {
        b - d * (1.0 - g)
    } else {
        a + d * g
    }
}

/// Bytes of rank counts a block of region-years keeps in cache.
const COUNTS_CACHE: usize = 1 << 16;

/// Bytes of the rank counts of every region-year up to which each task
/// counts whole rows of the rank matrix (half a typical L2 cache).
const WHOLE_ROWS: usize = 1 << 19;

/// At most this many quantiles from one count table.
const MAX_QUANTILES: usize = 8;

/// [`quantile_sorted`] at each of `qs` (ascending, at most
/// [`MAX_QUANTILES`]) of `n` integer values
/// given by their counts (`counts[v]` = how many equal `v`): the same
/// interpolation between the same order statistics, in one pass over the
/// counts.
fn quantiles_counts<const K: usize>(counts: &[u32], n: usize, qs: [f64; K]) -> [f64; K] {
    if n == 0 {
        return [f64::NAN; K];
    }
    // the order statistics each quantile needs, ascending
    let mut need = [[0usize; 2]; K];
    let mut frac = [0.0; K];
    for (k, q) in qs.iter().enumerate() {
        let h = (n - 1) as f64 * q;
        let lo = (h.floor() as usize).min(n - 1);
        need[k] = [lo, (lo + 1).min(n - 1)];
        frac[k] = h - h.floor();
    }
    let mut value = [[f64::NAN; 2]; K];
    let (mut seen, mut next) = (0usize, 0usize);
    // (order statistic, quantile, side), ascending
    let mut order = [(0usize, 0usize, 0usize); MAX_QUANTILES * 2];
    let order = &mut order[..2 * K];
    for k in 0..K {
        order[2 * k] = (need[k][0], k, 0);
        order[2 * k + 1] = (need[k][1], k, 1);
    }
    order.sort_unstable();
    for (v, &c) in counts.iter().enumerate() {
        seen += c as usize;
        while next < order.len() && order[next].0 < seen {
            let (_, k, side) = order[next];
            value[k][side] = v as f64;
            next += 1;
        }
        if next == order.len() {
            break;
        }
    }
    let mut out = [f64::NAN; K];
    for k in 0..K {
        let (a, b, g) = (value[k][0], value[k][1], frac[k]);
        let d = b - a;
        out[k] = if g >= 0.5 {
            b - d * (1.0 - g)
        } else {
            a + d * g
        };
    }
    out
}

/// Mean, 5th and 95th percentile of y over the 2N runs of A and B.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct YSummary {
    /// Mean.
    pub mean: f64,
    /// 5th percentile (linear interpolation).
    pub q05: f64,
    /// 95th percentile (linear interpolation).
    pub q95: f64,
}

/// The uncertainty of one region-year's rank.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankSummary {
    /// Region.
    pub region: String,
    /// Year.
    pub year: i64,
    /// Nominal rank.
    pub nominal: u32,
    /// Median rank over the 2N runs of A and B.
    pub median: f64,
    /// 5th percentile of the rank.
    pub q05: f64,
    /// 95th percentile of the rank.
    pub q95: f64,
    /// Mean of |rank - nominal| over the 2N runs.
    pub mean_abs_shift: f64,
}

/// The Sobol indices of one factor; `None` (JSON `null`) when V = 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sensitivity {
    /// The factor's name.
    pub factor: String,
    /// First-order index S_g.
    pub first_order: Option<f64>,
    /// Total-order index ST_g.
    pub total_order: Option<f64>,
}

/// The result of `rurban robustness` (without the CLI's `"warnings"`,
/// which are in [`Robustness::warnings`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Robustness {
    /// N.
    pub replications: usize,
    /// N (k + 2).
    pub runs: usize,
    /// The factors' names in order.
    pub factors: Vec<String>,
    /// One row per region-year, in layout order.
    pub ranks: Vec<RankSummary>,
    /// One row per factor, in order.
    pub sensitivity: Vec<Sensitivity>,
    /// Summary of y.
    pub y: YSummary,
    /// Warnings (V = 0); the CLI prints them and puts them in its
    /// `"warnings"` array.
    #[serde(skip)]
    pub warnings: Vec<String>,
}

/// The analysis as a run's summary holds it: the contract's fields, the
/// seed, and the rank correlations of each alternative taken alone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RobustnessReport {
    /// The contract's result (`replications`, `runs`, `factors`, `ranks`,
    /// `sensitivity`, `y`).
    #[serde(flatten)]
    pub result: Robustness,
    /// The seed of the design.
    pub seed: u64,
    /// Spearman and Kendall correlation between the nominal ranking and
    /// each alternative taken alone (mean over the years).
    pub schemes: Vec<SchemeCorrelation>,
}

/// First- and total-order indices from the outputs of A, B and each
/// AB_g, and the variance they use.
#[derive(Debug, Clone, PartialEq)]
pub struct SobolIndices {
    /// `V = var(y_A ∪ y_B)`, ddof 0.
    pub variance: f64,
    /// `S_g = mean(y_B (y_ABg - y_A)) / V` per factor; `None` when V = 0.
    pub first_order: Vec<Option<f64>>,
    /// `ST_g = mean((y_A - y_ABg)^2) / (2 V)` per factor; `None` when V = 0.
    pub total_order: Vec<Option<f64>>,
}

/// The mean of a slice (NaN for none).
fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

/// Population variance (ddof 0) of the values of both slices together,
/// two-pass as numpy's `var`.
fn variance2(a: &[f64], b: &[f64]) -> f64 {
    let n = (a.len() + b.len()) as f64;
    let mu = (a.iter().sum::<f64>() + b.iter().sum::<f64>()) / n;
    a.iter().chain(b).map(|x| (x - mu) * (x - mu)).sum::<f64>() / n
}

/// The contract's Sobol estimators (Saltelli 2010 first order, Jansen
/// total order) from `y_a`, `y_b` (length N each) and one slice per factor
/// of `y_ab` (length N each).
pub fn sobol(y_a: &[f64], y_b: &[f64], y_ab: &[&[f64]]) -> SobolIndices {
    let v = variance2(y_a, y_b);
    let n = y_a.len() as f64;
    let ok = v > 0.0 && v.is_finite();
    let mut first_order = Vec::with_capacity(y_ab.len());
    let mut total_order = Vec::with_capacity(y_ab.len());
    for yg in y_ab {
        let s: f64 = y_b
            .iter()
            .zip(yg.iter())
            .zip(y_a)
            .map(|((b, g), a)| b * (g - a))
            .sum::<f64>()
            / n;
        let t: f64 = y_a
            .iter()
            .zip(yg.iter())
            .map(|(a, g)| (a - g) * (a - g))
            .sum::<f64>()
            / n;
        first_order.push(ok.then(|| s / v));
        total_order.push(ok.then(|| t / (2.0 * v)));
    }
    SobolIndices {
        variance: v,
        first_order,
        total_order,
    }
}

/// The statistics of the runs: rank summaries per region-year, Sobol
/// indices per factor, the summary of y.
pub fn analyse(factors: &Factors, layout: &Layout, runs: &Runs) -> Robustness {
    let n = factors.replications();
    let r_len = layout.len();
    let runs_ab = 2 * n;
    // Ranks are small integers: their order statistics come from counts.
    let top = runs.ranks.iter().copied().max().unwrap_or(0) as usize;
    let stride = top + 1;
    let matrix = &runs.ranks[..runs_ab * r_len];
    let summarise =
        |c0: usize, counts: &[u32]| summarise(layout, &runs.nominal, runs_ab, stride, c0, counts);
    let ranks: Vec<RankSummary> = if r_len * stride * 4 <= WHOLE_ROWS {
        // Few counts: the runs are shared among the tasks, each counting
        // whole rows (read in order) into its own table; the tables are
        // added (exact: integers, whatever the split).
        let tasks = rayon::current_num_threads().max(1);
        let per_task = runs_ab.div_ceil(tasks).max(1);
        let count_rows = |rows: &[u32]| {
            let mut counts = vec![0u32; r_len * stride];
            for row in rows.chunks_exact(r_len) {
                for (k, &r) in row.iter().enumerate() {
                    counts[k * stride + r as usize] += 1;
                }
            }
            counts
        };
        let counts = matrix
            .par_chunks(per_task * r_len)
            .map(count_rows)
            .reduce_with(|mut a, b| {
                for (x, y) in a.iter_mut().zip(&b) {
                    *x += y;
                }
                a
            })
            .unwrap_or_else(|| vec![0u32; r_len * stride]);
        summarise(0, &counts)
    } else {
        // The rank matrix is read run by run (row-major) for a block of
        // region-years at a time, whose counts stay in cache.
        let block = (COUNTS_CACHE / (4 * stride)).clamp(16, 256);
        let blocks: Vec<Vec<RankSummary>> = (0..r_len.div_ceil(block))
            .into_par_iter()
            .map(|b| {
                let (c0, c1) = (b * block, ((b + 1) * block).min(r_len));
                let mut counts = vec![0u32; (c1 - c0) * stride];
                for row in matrix.chunks_exact(r_len) {
                    for (k, &r) in row[c0..c1].iter().enumerate() {
                        counts[k * stride + r as usize] += 1;
                    }
                }
                summarise(c0, &counts)
            })
            .collect();
        blocks.into_iter().flatten().collect()
    };
    finish(factors, runs, ranks)
}

/// [`analyse`] of runs whose ranks were counted as they went
/// ([`crate::run::run_counted`]): `counts` has `stride` entries per
/// region-year (how many runs of A and B gave it each rank).
pub(crate) fn analyse_counted(
    factors: &Factors,
    layout: &Layout,
    runs: &Runs,
    counts: &[u32],
    stride: usize,
) -> Robustness {
    let runs_ab = 2 * factors.replications();
    let ranks = summarise(layout, &runs.nominal, runs_ab, stride, 0, counts);
    finish(factors, runs, ranks)
}

/// The rank summaries of the region-years `c0..` from their counts over
/// the `runs_ab` runs of A and B (`stride` counts per region-year).
fn summarise(
    layout: &Layout,
    nominal: &[u32],
    runs_ab: usize,
    stride: usize,
    c0: usize,
    counts: &[u32],
) -> Vec<RankSummary> {
    counts
        .chunks_exact(stride)
        .enumerate()
        .map(|(k, c)| {
            let i = c0 + k;
            let nominal = nominal[i];
            let [q05, median, q95] = quantiles_counts(c, runs_ab, [0.05, 0.5, 0.95]);
            // the sum of |rank - nominal| over the runs, from the counts
            // of each rank (exact: integers)
            let shift: u64 = c
                .iter()
                .zip(0u32..)
                .map(|(&n, r)| u64::from(n) * u64::from(r.abs_diff(nominal)))
                .sum();
            RankSummary {
                region: layout.region(i).to_string(),
                year: layout.year(i),
                nominal,
                median,
                q05,
                q95,
                mean_abs_shift: shift as f64 / runs_ab as f64,
            }
        })
        .collect()
}

/// The statistics of y (Sobol indices, summary) around the rank
/// summaries.
fn finish(factors: &Factors, runs: &Runs, ranks: Vec<RankSummary>) -> Robustness {
    let n = factors.replications();
    let runs_ab = 2 * n;
    let (y_a, rest) = runs.y.split_at(n);
    let (y_b, y_abs) = rest.split_at(n);
    let y_ab: Vec<&[f64]> = y_abs.chunks(n).collect();
    let idx = sobol(y_a, y_b, &y_ab);
    let mut warnings = Vec::new();
    if idx.first_order.iter().any(Option::is_none) {
        warnings.push(format!(
            "the ranking does not change over the {runs_ab} runs of A and B \
             (variance of y = {}): the sensitivity indices are null",
            idx.variance
        ));
    }
    let sensitivity = factors
        .factors()
        .iter()
        .enumerate()
        .map(|(g, f)| Sensitivity {
            factor: f.name().to_string(),
            first_order: idx.first_order[g],
            total_order: idx.total_order[g],
        })
        .collect();
    let mut ys = runs.y[..runs_ab].to_vec();
    ys.sort_unstable_by(f64::total_cmp);
    Robustness {
        replications: n,
        runs: factors.runs(),
        factors: factors.names(),
        ranks,
        sensitivity,
        y: YSummary {
            mean: mean(&runs.y[..runs_ab]),
            q05: quantile_sorted(&ys, 0.05),
            q95: quantile_sorted(&ys, 0.95),
        },
        warnings,
    }
}

/// Average ranks (1 = smallest, ties share the mean of their positions),
/// as `scipy.stats.rankdata`.
fn average_ranks(x: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..x.len()).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]));
    let mut ranks = vec![0.0; x.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && x[order[j + 1]] == x[order[i]] {
            j += 1;
        }
        let r = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            ranks[k] = r;
        }
        i = j + 1;
    }
    ranks
}

/// Spearman's rho and Kendall's tau-b between two paired series.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RankCorrelation {
    /// Spearman's rho (Pearson correlation of the average ranks); `None`
    /// when a series is constant or shorter than 2.
    pub spearman: Option<f64>,
    /// Kendall's tau-b (as `scipy.stats.kendalltau`); `None` likewise.
    pub kendall: Option<f64>,
}

/// Spearman's rho and Kendall's tau-b of `x` against `y` (same length,
/// finite values; pairs beyond the shorter length are ignored). Kendall
/// counts pairs exactly in O(n^2).
pub fn rank_correlation(x: &[f64], y: &[f64]) -> RankCorrelation {
    let n = x.len().min(y.len());
    let (x, y) = (&x[..n], &y[..n]);
    let (rx, ry) = (average_ranks(x), average_ranks(y));
    let (mx, my) = (mean(&rx), mean(&ry));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in rx.iter().zip(&ry) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    let spearman = (n >= 2 && sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt());
    let (mut conc_minus_disc, mut tie_x, mut tie_y) = (0i64, 0i64, 0i64);
    for i in 0..n {
        for j in i + 1..n {
            let dx = x[i].total_cmp(&x[j]) as i64;
            let dy = y[i].total_cmp(&y[j]) as i64;
            let dx = if x[i] == x[j] { 0 } else { dx };
            let dy = if y[i] == y[j] { 0 } else { dy };
            conc_minus_disc += dx * dy;
            tie_x += i64::from(dx == 0);
            tie_y += i64::from(dy == 0);
        }
    }
    let total = (n * n.saturating_sub(1) / 2) as i64;
    let kendall = (total > tie_x && total > tie_y).then(|| {
        conc_minus_disc as f64 / ((total - tie_x) as f64).sqrt() / ((total - tie_y) as f64).sqrt()
    });
    RankCorrelation { spearman, kendall }
}

/// How the ranking under one alternative taken alone agrees with the
/// nominal ranking: the mean over years of the per-year correlations of
/// the scores (years where a correlation is undefined are left out;
/// `None` when it is undefined in every year).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SchemeCorrelation {
    /// The factor.
    pub factor: String,
    /// The alternative (for `exclude`, the left-out indicator).
    pub alternative: String,
    /// Mean Spearman's rho over the years.
    pub spearman: Option<f64>,
    /// Mean Kendall's tau-b over the years.
    pub kendall: Option<f64>,
}

/// Evaluates the model under each alternative of each list factor (and
/// each left-out indicator of `exclude`) taken alone, everything else
/// nominal, and correlates its ranking with the nominal one, year by
/// year: the table of the report.
pub fn scheme_correlations<M: Model + ?Sized>(
    factors: &Factors,
    layout: &Layout,
    model: &M,
) -> Result<Vec<SchemeCorrelation>, RobustError> {
    let eval = |run: &Realisation<'_>, label: String| -> Result<Vec<f64>, RobustError> {
        let mut scores = vec![f64::NAN; layout.len()];
        let mut out = Output::new(&mut scores);
        model
            .evaluate(run, &mut out)
            .map_err(|source| RobustError::Model {
                block: label.clone(),
                row: 0,
                source,
            })?;
        if let Some(i) = scores.iter().position(|s| !s.is_finite()) {
            return Err(RobustError::NonFiniteScore {
                block: label,
                row: 0,
                region: layout.region(i).to_string(),
                year: layout.year(i),
                value: scores[i],
            });
        }
        Ok(scores)
    };
    let nominal = eval(&Realisation::nominal(factors), "nominal".into())?;
    let mut rows = Vec::new();
    for f in factors.factors() {
        let kind = f.kind();
        let names: Vec<&str> = match kind {
            FactorKind::Weights => continue,
            FactorKind::Exclude => factors.indicators().iter().map(String::as_str).collect(),
            _ => f.alternatives().iter().map(String::as_str).collect(),
        };
        for (alt, name) in names.into_iter().enumerate() {
            let Some(run) = Realisation::alone(factors, kind, alt) else {
                continue;
            };
            let scores = eval(&run, format!("{}={name}", kind.name()))?;
            let (mut rho, mut tau) = (Vec::new(), Vec::new());
            let (mut xs, mut ys) = (Vec::new(), Vec::new());
            for g in layout.groups() {
                xs.clear();
                ys.clear();
                xs.extend(g.iter().map(|&i| nominal[i]));
                ys.extend(g.iter().map(|&i| scores[i]));
                let c = rank_correlation(&xs, &ys);
                rho.extend(c.spearman);
                tau.extend(c.kendall);
            }
            rows.push(SchemeCorrelation {
                factor: kind.name().to_string(),
                alternative: name.to_string(),
                spearman: (!rho.is_empty()).then(|| mean(&rho)),
                kendall: (!tau.is_empty()).then(|| mean(&tau)),
            });
        }
    }
    Ok(rows)
}

/// Ranks one score vector within years (a convenience for callers that
/// tabulate rankings).
pub fn ranks_of(layout: &Layout, scores: &[f64]) -> Vec<u32> {
    let mut ranks = vec![0; layout.len()];
    rank_within_years(layout, scores, &mut Vec::new(), &mut ranks);
    ranks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_from_counts_equal_quantiles_of_the_sorted_values() {
        // integer ranks 1..=7 in a fixed scrambled order, n = 1 .. 60
        let all: Vec<u32> = (0..60u32).map(|i| (i * 37 + 11) % 7 + 1).collect();
        for n in 1..=all.len() {
            let mut counts = vec![0u32; 8];
            let mut sorted: Vec<f64> = Vec::new();
            for &r in &all[..n] {
                counts[r as usize] += 1;
                sorted.push(f64::from(r));
            }
            sorted.sort_by(f64::total_cmp);
            let qs = [0.05, 0.25, 0.5, 0.95];
            let got = quantiles_counts(&counts, n, qs);
            for (g, q) in got.iter().zip(qs) {
                assert_eq!(
                    g.to_bits(),
                    quantile_sorted(&sorted, q).to_bits(),
                    "n {n} q {q}"
                );
            }
        }
    }

    /// The rank statistics, read block by block (600 region-years, ranks
    /// up to 300: several blocks) or by whole rows (620 region-years of
    /// 31 regions), equal those of each region-year's ranks sorted on
    /// their own.
    #[test]
    fn rank_statistics_by_blocks_equal_the_sorted_ranks() {
        for (nr, ny) in [(300, 2), (31, 20)] {
            rank_statistics_equal_the_sorted_ranks(nr, ny);
        }
    }

    fn rank_statistics_equal_the_sorted_ranks(nr: usize, ny: usize) {
        use crate::factors::UncertaintyOptions;
        let opts = UncertaintyOptions {
            replications: Some(25),
            exclude: Some(true),
            ..Default::default()
        };
        let inds = vec!["x1".to_string(), "x2".to_string()];
        let factors = Factors::new(&opts, &inds).expect("factors");
        let n = 25;
        let layout = Layout::full(
            (0..nr).map(|r| format!("r{r}")).collect(),
            (2020..2020 + ny as i64).collect(),
        )
        .expect("layout");
        // the path under test (ranks up to nr: nr + 1 counts a region-year)
        assert_eq!(nr * ny * (nr + 1) * 4 <= WHOLE_ROWS, nr < 100);
        let r_len = nr * ny;
        let mut state = 5u64;
        let mut next = |k: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % k
        };
        let nominal: Vec<u32> = (0..r_len).map(|_| 1 + next(nr as u64) as u32).collect();
        let ranks: Vec<u32> = (0..2 * n * r_len)
            .map(|_| 1 + next(nr as u64) as u32)
            .collect();
        let y: Vec<f64> = (0..factors.runs()).map(|_| next(1000) as f64).collect();
        let runs = Runs {
            nominal: nominal.clone(),
            y,
            ranks: ranks.clone(),
            weights: None,
        };
        let got = analyse(&factors, &layout, &runs);
        assert_eq!(got.ranks.len(), r_len);
        for (i, row) in got.ranks.iter().enumerate() {
            let mut v: Vec<f64> = (0..2 * n)
                .map(|k| f64::from(ranks[k * r_len + i]))
                .collect();
            let shift: f64 = v.iter().map(|&r| (r - f64::from(nominal[i])).abs()).sum();
            v.sort_by(f64::total_cmp);
            assert_eq!(row.nominal, nominal[i]);
            assert_eq!(row.median, quantile_sorted(&v, 0.5), "cell {i}");
            assert_eq!(row.q05, quantile_sorted(&v, 0.05), "cell {i}");
            assert_eq!(row.q95, quantile_sorted(&v, 0.95), "cell {i}");
            assert_eq!(row.mean_abs_shift, shift / (2 * n) as f64, "cell {i}");
            assert_eq!(row.region, layout.region(i));
            assert_eq!(row.year, layout.year(i));
        }
    }
}
