//! The generating model (see `docs/methods/synth.md`).

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::Serialize;

use crate::config::{DimensionConfig, Direction, IndicatorSpec, SynthConfig};
use crate::detmath::{self, Normal};
use crate::error::SynthError;

/// A dimension of the generated panel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SynthDimension {
    /// Identifier.
    pub id: String,
    /// Human-readable name.
    pub name: String,
}

/// An indicator (column) of the generated panel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SynthIndicator {
    /// Column name.
    pub id: String,
    /// Human-readable name.
    pub name: String,
    /// `+` rises with the latent level, `-` falls.
    pub direction: Direction,
    /// Unit.
    pub unit: String,
    /// Id of the dimension it belongs to.
    pub dimension: String,
}

/// A shock put into the latent level.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shock {
    /// Region name.
    pub region: String,
    /// Year of the drop.
    pub year: i32,
    /// Size of the drop in that year.
    pub size: f64,
}

/// A generated panel together with the structure that produced it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SynthPanel {
    /// Region names, in output order.
    pub regions: Vec<String>,
    /// Years, ascending.
    pub years: Vec<i32>,
    /// Dimensions, in order.
    pub dimensions: Vec<SynthDimension>,
    /// Indicators, dimension by dimension (the column order).
    pub indicators: Vec<SynthIndicator>,
    /// One row per region-year, region-major (row `i * years.len() + t`),
    /// one value per indicator; NaN marks a missing cell. Every present value
    /// is > 0 and a multiple of 0.0001.
    pub values: Vec<Vec<f64>>,
    /// Group label of each region (aligned with `regions`).
    pub groups: Vec<String>,
    /// Base latent level `b_i` of each region.
    pub base: Vec<f64>,
    /// Growth per year `g_i` of each region.
    pub growth: Vec<f64>,
    /// Latent level `L_it`, one vector of years per region.
    pub latent: Vec<Vec<f64>>,
    /// Shocks, by region then year.
    pub shocks: Vec<Shock>,
}

impl SynthPanel {
    /// Number of region-year rows.
    pub fn n_rows(&self) -> usize {
        self.values.len()
    }

    /// The row of region index `i` and year index `t`.
    pub fn row(&self, i: usize, t: usize) -> Option<&[f64]> {
        if i >= self.regions.len() || t >= self.years.len() {
            return None;
        }
        self.values.get(i * self.years.len() + t).map(Vec::as_slice)
    }

    /// Group label of a region.
    pub fn group_of(&self, region: &str) -> Option<&str> {
        let i = self.regions.iter().position(|r| r == region)?;
        self.groups.get(i).map(String::as_str)
    }

    /// Column index of an indicator.
    pub fn indicator_index(&self, id: &str) -> Option<usize> {
        self.indicators.iter().position(|x| x.id == id)
    }

    /// Number of missing cells.
    pub fn missing_count(&self) -> usize {
        self.values.iter().flatten().filter(|v| v.is_nan()).count()
    }
}

/// Independent random streams: stream `k` is the generator seeded with
/// `seed_from_u64(seed)` advanced by `k` jumps of 2^128 draws.
fn streams(seed: u64) -> [Xoshiro256PlusPlus; 5] {
    let mut r = Xoshiro256PlusPlus::seed_from_u64(seed);
    std::array::from_fn(|_| {
        let s = r.clone();
        r.jump();
        s
    })
}

/// Draws `k` distinct indices of `0..n` by a partial Fisher-Yates shuffle:
/// for `q = 0..k`, swap position `q` with `q + below(n - q)` and take it.
fn sample(rng: &mut Xoshiro256PlusPlus, n: usize, k: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    for q in 0..k {
        let j = q + detmath::below(rng, n - q);
        idx.swap(q, j);
    }
    idx.truncate(k);
    idx
}

/// Generates a panel; the same configuration gives the same panel, bit for
/// bit, on every platform.
pub fn generate(cfg: &SynthConfig) -> Result<SynthPanel, SynthError> {
    cfg.validate()?;
    let [s_region, mut s_shock, s_effect, s_noise, mut s_missing] = streams(cfg.seed);
    let regions = cfg.region_names();
    let years: Vec<i32> = (cfg.first_year..=cfg.last_year).collect();
    let dims = cfg.dimensions();
    let (indicators, specs) = columns(&dims);
    let (base, growth) = base_and_growth(cfg, regions.len(), s_region);
    let shock_cells = shock_cells(cfg, &regions, years.len(), &mut s_shock);
    let latent = latent_levels(cfg, &base, &growth, &shock_cells, years.len());
    let mut values = cell_values(cfg, &specs, &latent, s_effect, s_noise);
    drop_missing(cfg, &mut values, specs.len(), &mut s_missing);

    let groups = assign_groups(cfg, &base);
    let shocks = shock_cells
        .iter()
        .map(|&(i, t)| Shock {
            region: regions[i].clone(),
            year: years[t],
            size: cfg.latent.shock_size,
        })
        .collect();
    Ok(SynthPanel {
        regions,
        years,
        dimensions: dims
            .iter()
            .map(|d| SynthDimension {
                id: d.id.clone(),
                name: d.name.clone(),
            })
            .collect(),
        indicators,
        values,
        groups,
        base,
        growth,
        latent,
        shocks,
    })
}

/// The indicators, dimension by dimension (the column order), with their
/// specifications.
fn columns(dims: &[DimensionConfig]) -> (Vec<SynthIndicator>, Vec<IndicatorSpec>) {
    let mut indicators = Vec::new();
    let mut specs = Vec::new();
    for d in dims {
        for ind in &d.indicator {
            indicators.push(SynthIndicator {
                id: ind.id.clone(),
                name: ind.name.clone(),
                direction: ind.direction,
                unit: ind.unit.clone(),
                dimension: d.id.clone(),
            });
            specs.push(ind.clone());
        }
    }
    (indicators, specs)
}

/// Base levels and growth: two normals per region, in region order.
fn base_and_growth(
    cfg: &SynthConfig,
    nr: usize,
    stream: Xoshiro256PlusPlus,
) -> (Vec<f64>, Vec<f64>) {
    let l = &cfg.latent;
    let mut normal = Normal::new(stream);
    let mut base = Vec::with_capacity(nr);
    let mut growth = Vec::with_capacity(nr);
    for i in 0..nr {
        let zb = normal.next();
        let zg = normal.next();
        let u = if nr > 1 {
            i as f64 / (nr - 1) as f64
        } else {
            0.5
        };
        base.push(match cfg.regions.base.get(i) {
            Some(b) => *b,
            None => l.level + l.gradient * (0.5 - u) + l.base_sd * zb,
        });
        growth.push(l.trend + l.trend_sd * zg);
    }
    (base, growth)
}

/// Shocks as (region, year index): the listed ones, then random distinct
/// region-years after the first year; sorted.
fn shock_cells(
    cfg: &SynthConfig,
    regions: &[String],
    nt: usize,
    stream: &mut Xoshiro256PlusPlus,
) -> Vec<(usize, usize)> {
    let l = &cfg.latent;
    let mut cells: Vec<(usize, usize)> = Vec::new();
    for s in &l.shock_at {
        if let Some(i) = regions.iter().position(|r| *r == s.region) {
            cells.push((i, (s.year - cfg.first_year) as usize));
        }
    }
    if nt > 1 {
        for c in sample(stream, regions.len() * (nt - 1), l.shocks) {
            cells.push((c / (nt - 1), c % (nt - 1) + 1));
        }
    }
    cells.sort_unstable();
    cells
}

/// The latent level `L_it`: convergence towards the mean base level,
/// growth, and the persistent drops of the shocks.
fn latent_levels(
    cfg: &SynthConfig,
    base: &[f64],
    growth: &[f64],
    shocks: &[(usize, usize)],
    nt: usize,
) -> Vec<Vec<f64>> {
    let l = &cfg.latent;
    let bbar = base.iter().sum::<f64>() / base.len() as f64;
    let q = 1.0 - l.convergence;
    let mut latent = vec![vec![0.0; nt]; base.len()];
    for (i, row) in latent.iter_mut().enumerate() {
        for (t, v) in row.iter_mut().enumerate() {
            let mut x = bbar + (base[i] - bbar) * detmath::powi(q, t) + growth[i] * t as f64;
            for &(si, st) in shocks {
                if si == i && st <= t {
                    x -= l.shock_size * detmath::powi(l.shock_persistence, t - st);
                }
            }
            *v = x;
        }
    }
    latent
}

/// Cell values, region then year then indicator: the latent level scaled to
/// [0, 1] plus a persistent region x indicator effect and noise, mapped onto
/// each indicator's range.
fn cell_values(
    cfg: &SynthConfig,
    specs: &[IndicatorSpec],
    latent: &[Vec<f64>],
    s_effect: Xoshiro256PlusPlus,
    s_noise: Xoshiro256PlusPlus,
) -> Vec<Vec<f64>> {
    let (nr, nm) = (latent.len(), specs.len());
    let all = || latent.iter().flatten().copied();
    let lmin = all().fold(f64::INFINITY, f64::min);
    let lmax = all().fold(f64::NEG_INFINITY, f64::max);
    let span = lmax - lmin;

    // Persistent region x indicator effects, region-major.
    let mut normal = Normal::new(s_effect);
    let effect: Vec<f64> = (0..nr * nm)
        .map(|_| cfg.indicators.region_sd * normal.next())
        .collect();

    let mut normal = Normal::new(s_noise);
    let mut values = Vec::with_capacity(nr * latent.first().map_or(0, Vec::len));
    for (i, latent_i) in latent.iter().enumerate() {
        for &l_it in latent_i {
            let s = if span > 0.0 {
                (l_it - lmin) / span
            } else {
                0.5
            };
            let mut row = Vec::with_capacity(nm);
            for (j, spec) in specs.iter().enumerate() {
                let e = effect[i * nm + j] + cfg.indicators.noise_sd * normal.next();
                let width = spec.high - spec.low;
                let v = match spec.direction {
                    Direction::Positive => spec.low + width * (s + e),
                    Direction::Negative => spec.high - width * (s + e),
                };
                row.push(bounded(v, spec.low, spec.high, spec.effective_ceiling()));
            }
            values.push(row);
        }
    }
    values
}

/// Blanks the configured share of cells, drawn without replacement.
fn drop_missing(
    cfg: &SynthConfig,
    values: &mut [Vec<f64>],
    nm: usize,
    stream: &mut Xoshiro256PlusPlus,
) {
    let cells = values.len() * nm;
    let n_missing = (cfg.indicators.missing_share * cells as f64).round() as usize;
    if n_missing > 0 {
        for c in sample(stream, cells, n_missing) {
            values[c / nm][c % nm] = f64::NAN;
        }
    }
}

/// Keeps a value in `(0, ceiling)` smoothly, then rounds it to 4 decimals:
/// below `low`, `low exp((v - low)/low)`; above `high` with a ceiling `C`,
/// `C - (C - high) exp(-(v - high)/(C - high))`; the result is rounded to a
/// multiple of 0.0001, raised to 0.0001 if it rounded to 0 and lowered to
/// `C - 0.0001` (rounded) if it rounded up to the ceiling.
fn bounded(v: f64, low: f64, high: f64, ceiling: Option<f64>) -> f64 {
    let x = if v < low {
        low * detmath::exp((v - low) / low)
    } else {
        match ceiling {
            Some(c) if v > high => c - (c - high) * detmath::exp(-(v - high) / (c - high)),
            _ => v,
        }
    };
    let r = (x * 10_000.0).round() / 10_000.0;
    if r < 0.0001 {
        return 0.0001;
    }
    match ceiling {
        Some(c) if r >= c => ((c - 0.0001) * 10_000.0).round() / 10_000.0,
        _ => r,
    }
}

/// Group labels: the explicit ones, or by rank along the gradient. The rank
/// is the region's position, or its position in descending explicit base
/// level (ties by position) when base levels are given; group
/// `floor(rank * G / n)`, labelled by `group_names` or `g1`, `g2`, ...
fn assign_groups(cfg: &SynthConfig, base: &[f64]) -> Vec<String> {
    let r = &cfg.regions;
    if !r.group.is_empty() {
        return r.group.clone();
    }
    let n = base.len();
    let mut order: Vec<usize> = (0..n).collect();
    if !r.base.is_empty() {
        order.sort_by(|&a, &b| r.base[b].total_cmp(&r.base[a]).then(a.cmp(&b)));
    }
    let mut out = vec![String::new(); n];
    for (rank, &i) in order.iter().enumerate() {
        let g = rank * r.groups / n;
        out[i] = match r.group_names.get(g) {
            Some(name) => name.clone(),
            None => format!("g{}", g + 1),
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_is_smooth_positive_and_below_the_ceiling() {
        // Inside [low, high]: unchanged (then rounded).
        assert_eq!(bounded(2.345_67, 1.0, 3.0, None), 2.3457);
        // Below low: low * exp((v - low)/low); v = 0 -> 1 * e^-1 = 0.36788.
        assert_eq!(bounded(0.0, 1.0, 3.0, None), 0.3679);
        // Far below: never 0.
        assert_eq!(bounded(-1e6, 1.0, 3.0, None), 0.0001);
        // Above high with ceiling 100: 100 - 4 exp(-(104 - 96)/4) = 100 - 4 e^-2 = 99.45866.
        assert_eq!(bounded(104.0, 60.0, 96.0, Some(100.0)), 99.4587);
        // Far above: just below the ceiling, never at it.
        assert_eq!(bounded(1e9, 60.0, 96.0, Some(100.0)), 99.9999);
        // Above high without a ceiling: unchanged.
        assert_eq!(bounded(5.0, 1.0, 3.0, None), 5.0);
    }

    #[test]
    fn sample_draws_distinct_indices() {
        let mut r = Xoshiro256PlusPlus::seed_from_u64(3);
        let s = sample(&mut r, 50, 50);
        let mut sorted = s.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>());
        assert!(sample(&mut r, 10, 0).is_empty());
    }

    #[test]
    fn groups_follow_the_explicit_base_ranking() {
        let mut cfg = SynthConfig::small();
        cfg.regions.count = 4;
        cfg.regions.base = vec![0.0, 1.0, -1.0, 0.5];
        cfg.regions.groups = 2;
        cfg.regions.group_names = vec!["high".into(), "low".into()];
        let g = assign_groups(&cfg, &cfg.regions.base.clone());
        // Ranks by base descending: R02 (1.0), R04 (0.5), R01 (0.0), R03 (-1.0).
        assert_eq!(g, ["low", "high", "low", "high"]);
    }
}
