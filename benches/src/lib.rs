//! Workloads and helpers shared by rurban's benchmarks.
//!
//! * The criterion benches (`benches/benches/*.rs`, run by `cargo bench`)
//!   time every hot kernel on three synthetic panels made by `rurban-synth`
//!   with fixed seeds: `small` (13 regions x 10 years x 20 indicators),
//!   `province` (31 x 20 x 30, 1% missing cells) and `county` (2,851 x 30 x
//!   40 = 85,530 region-years, 2% missing cells, 8 region groups).
//! * `src/bin/kernels.rs` times the same kernels in-process on the files of
//!   the Python race and prints JSON medians (`benches/compare/race.py`).
//! * `examples/make_workloads.rs` writes the panels as CSV files with a
//!   matching index specification and groups file.
//!
//! Missing cells are filled by the `year-mean` rule, as the specification
//! written for the panel asks, before any kernel runs.

use std::path::{Path, PathBuf};
use std::time::Instant;

use ndarray::{Array2, Array3};
use rurban_core::Panel;
use rurban_disparity::GroupInput;
use rurban_index::{IndexModel, IndexResult};
use rurban_spec::{Impute, Scope};
use rurban_synth::{SynthConfig, SynthPanel};

/// The workload presets, smallest first.
pub const PRESETS: [&str; 3] = ["small", "province", "county"];

/// A synthetic panel ready for the kernels: imputed, with its index model
/// and the group of each region.
#[derive(Debug, Clone)]
pub struct Workload {
    /// Preset name.
    pub name: String,
    /// The complete panel (missing cells filled by `year-mean`).
    pub panel: Panel,
    /// Indicators, directions and dimensions of the generated panel.
    pub model: IndexModel,
    /// Group label of each region, in region order.
    pub groups: Vec<String>,
}

/// The generator configuration of a preset (`small`, `province`, `county`).
pub fn config(name: &str) -> Result<SynthConfig, String> {
    match name {
        "small" => Ok(SynthConfig::small()),
        "province" => Ok(SynthConfig::province()),
        "county" => Ok(SynthConfig::county()),
        other => Err(format!(
            "unknown workload '{other}': expected small, province or county"
        )),
    }
}

/// Generates a preset's panel.
pub fn synth(name: &str) -> Result<SynthPanel, String> {
    rurban_synth::generate(&config(name)?).map_err(|e| e.to_string())
}

impl Workload {
    /// Generates and imputes a preset.
    pub fn new(name: &str) -> Result<Workload, String> {
        Workload::from_synth(name, &synth(name)?)
    }

    /// Builds the panel of a generated one and fills its missing cells.
    pub fn from_synth(name: &str, s: &SynthPanel) -> Result<Workload, String> {
        let (nr, ny, m) = (s.regions.len(), s.years.len(), s.indicators.len());
        let mut values = Array3::<f64>::from_elem((nr, ny, m), f64::NAN);
        for r in 0..nr {
            for y in 0..ny {
                let row = s
                    .row(r, y)
                    .ok_or("synthetic panel shorter than its shape")?;
                for (j, &v) in row.iter().enumerate() {
                    values[[r, y, j]] = v;
                }
            }
        }
        let mut panel = Panel::from_values(
            PathBuf::from(format!("synth:{name}")),
            s.regions.clone(),
            s.years.iter().map(|&y| i64::from(y)).collect(),
            s.indicators.iter().map(|i| i.id.clone()).collect(),
            values,
        );
        rurban_core::impute::impute(&mut panel, Impute::YearMean).map_err(|e| e.to_string())?;
        let dimensions: Vec<String> = s.dimensions.iter().map(|d| d.id.clone()).collect();
        let model = IndexModel {
            indicators: panel.indicators.clone(),
            directions: s
                .indicators
                .iter()
                .map(|i| match i.direction {
                    rurban_synth::Direction::Positive => rurban_core::Direction::Positive,
                    rurban_synth::Direction::Negative => rurban_core::Direction::Negative,
                })
                .collect(),
            dimension_of: s
                .indicators
                .iter()
                .map(|i| {
                    dimensions
                        .iter()
                        .position(|d| *d == i.dimension)
                        .unwrap_or(0)
                })
                .collect(),
            dimensions,
        };
        Ok(Workload {
            name: name.to_string(),
            panel,
            model,
            groups: s.groups.clone(),
        })
    }

    /// Number of region-year rows.
    pub fn n_rows(&self) -> usize {
        self.panel.regions.len() * self.panel.years.len()
    }

    /// The region-year x indicator matrix (region-major rows).
    pub fn stacked(&self) -> Array2<f64> {
        self.panel.stacked()
    }

    /// Entropy weights over the whole panel and the scores.
    pub fn index(&self) -> IndexResult {
        rurban_index::build(
            &self.panel,
            &self.model,
            &rurban_weighting::Entropy,
            Scope::Panel,
            0.0,
            "{}",
        )
        .expect("the synthetic panel is complete and varies")
    }
}

/// The composite of each year across regions, keyed by the year (the input
/// of the per-year kernel density).
pub fn composite_by_year(panel: &Panel, index: &IndexResult) -> Vec<(String, Vec<f64>)> {
    panel
        .years
        .iter()
        .enumerate()
        .map(|(y, year)| (year.to_string(), index.composite.column(y).to_vec()))
        .collect()
}

/// Per year, the composite across regions with each region's group label
/// (the input of the per-year disparity report with decompositions).
pub fn disparity_by_year(panel: &Panel, index: &IndexResult, groups: &[String]) -> Vec<GroupInput> {
    panel
        .years
        .iter()
        .enumerate()
        .map(|(y, year)| {
            (
                year.to_string(),
                index.composite.column(y).to_vec(),
                Some(groups.to_vec()),
            )
        })
        .collect()
}

/// Every region-year's composite (region-major) with its region's group:
/// the pooled sample of the large Dagum decomposition.
pub fn pooled(index: &IndexResult, groups: &[String]) -> (Vec<f64>, Vec<String>) {
    let (nr, ny) = index.composite.dim();
    let mut values = Vec::with_capacity(nr * ny);
    let mut labels = Vec::with_capacity(nr * ny);
    for (r, group) in groups.iter().enumerate().take(nr) {
        for y in 0..ny {
            values.push(index.composite[[r, y]]);
            labels.push(group.clone());
        }
    }
    (values, labels)
}

/// A region's grey relational input: reference = its composite series,
/// compared = its dimension score series.
pub fn region_grey_input(
    index: &IndexResult,
    model: &IndexModel,
    r: usize,
) -> (Vec<f64>, Vec<(String, Vec<f64>)>) {
    let ny = index.composite.ncols();
    let reference = index.composite.row(r).to_vec();
    let compare = model
        .dimensions
        .iter()
        .enumerate()
        .map(|(d, id)| {
            (
                id.clone(),
                (0..ny).map(|y| index.dimension_scores[[r, y, d]]).collect(),
            )
        })
        .collect();
    (reference, compare)
}

/// SplitMix64: a tiny deterministic generator for synthetic sequences.
#[derive(Debug, Clone)]
pub struct SplitMix(pub u64);

impl SplitMix {
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)` (top 53 bits).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `n_seq` compared sequences of `n_pts` positive points around a rising
/// reference (seeded), for the large grey relational benchmark.
pub fn grey_sequences(
    n_seq: usize,
    n_pts: usize,
    seed: u64,
) -> (Vec<f64>, Vec<(String, Vec<f64>)>) {
    let mut rng = SplitMix(seed);
    let reference: Vec<f64> = (0..n_pts).map(|k| 1.0 + 0.05 * k as f64).collect();
    let compare = (0..n_seq)
        .map(|i| {
            let level = 0.5 + rng.next_f64();
            let seq = reference
                .iter()
                .map(|r| level * r * (0.9 + 0.2 * rng.next_f64()))
                .collect();
            (format!("s{i}"), seq)
        })
        .collect();
    (reference, compare)
}

/// The memory-bandwidth yardstick: a plain streaming sum of every value,
/// with eight independent accumulators so that the loop is limited by
/// memory and not by the latency of one chain of additions.
pub fn streaming_sum(x: &[f64]) -> f64 {
    let mut acc = [0.0f64; 8];
    let chunks = x.chunks_exact(8);
    let rest = chunks.remainder();
    for c in chunks {
        for (a, v) in acc.iter_mut().zip(c) {
            *a += v;
        }
    }
    acc.iter().sum::<f64>() + rest.iter().sum::<f64>()
}

/// Paths of a workload written to disk.
#[derive(Debug, Clone)]
pub struct WorkloadFiles {
    /// The wide panel CSV.
    pub panel: PathBuf,
    /// `region,group`.
    pub groups: PathBuf,
    /// The index specification (its `data` and `[analysis] groups` point at the two files).
    pub spec: PathBuf,
}

/// Writes a preset into `dir` as `panel.csv`, `groups.csv` and `spec.toml`
/// (entropy weights over the panel, `year-mean` imputation when cells are
/// missing, the whole analysis chain with the region groups).
pub fn write_workload(name: &str, dir: &Path) -> Result<WorkloadFiles, String> {
    write_panel(name, &synth(name)?, dir)
}

/// As [`write_workload`], but the preset with no missing cells (the same
/// panel before cells are dropped), so that a run needs no imputation: the
/// race uses it to show what the imputation step costs.
pub fn write_complete_workload(name: &str, dir: &Path) -> Result<WorkloadFiles, String> {
    let mut cfg = config(name)?;
    cfg.indicators.missing_share = 0.0;
    let s = rurban_synth::generate(&cfg).map_err(|e| e.to_string())?;
    write_panel(&format!("{name} (complete)"), &s, dir)
}

fn write_panel(name: &str, s: &SynthPanel, dir: &Path) -> Result<WorkloadFiles, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let files = WorkloadFiles {
        panel: dir.join("panel.csv"),
        groups: dir.join("groups.csv"),
        spec: dir.join("spec.toml"),
    };
    let io = |p: &Path, e: std::io::Error| format!("{}: {e}", p.display());
    let f = std::fs::File::create(&files.panel).map_err(|e| io(&files.panel, e))?;
    s.write_wide_csv(f).map_err(|e| io(&files.panel, e))?;
    let f = std::fs::File::create(&files.groups).map_err(|e| io(&files.groups, e))?;
    s.write_groups_csv(f).map_err(|e| io(&files.groups, e))?;
    let mut spec = s.spec_toml_with_data(&format!("Synthetic {name} panel"), Some("panel.csv"));
    spec.push_str("\n[analysis]\ngroups = \"groups.csv\"\n");
    std::fs::write(&files.spec, spec).map_err(|e| io(&files.spec, e))?;
    Ok(files)
}

/// Median wall time in seconds of `reps` runs of `f` (after one warm-up run),
/// and every time measured.
pub fn median_time<T>(reps: usize, mut f: impl FnMut() -> T) -> (f64, Vec<f64>) {
    std::hint::black_box(f());
    let mut times: Vec<f64> = (0..reps.max(1))
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(f());
            t.elapsed().as_secs_f64()
        })
        .collect();
    let all = times.clone();
    times.sort_by(f64::total_cmp);
    let n = times.len();
    let median = if n % 2 == 1 {
        times[n / 2]
    } else {
        0.5 * (times[n / 2 - 1] + times[n / 2])
    };
    (median, all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streaming_sum_adds_every_value() {
        // 1 + 2 + ... + 19 = 190; 19 values leave a remainder of 3 after
        // two chunks of 8.
        let x: Vec<f64> = (1..=19).map(f64::from).collect();
        assert_eq!(streaming_sum(&x), 190.0);
        assert_eq!(streaming_sum(&[]), 0.0);
    }

    #[test]
    fn small_workload_is_complete_and_shaped() {
        let w = Workload::new("small").unwrap();
        assert_eq!(w.panel.values.dim(), (13, 10, 20));
        assert_eq!(w.n_rows(), 130);
        assert!(w.panel.values.iter().all(|v| v.is_finite()));
        assert_eq!(w.groups.len(), 13);
        let idx = w.index();
        // dimension scores add up to the composite
        for r in 0..13 {
            for y in 0..10 {
                let s: f64 = (0..w.model.dimensions.len())
                    .map(|d| idx.dimension_scores[[r, y, d]])
                    .sum();
                assert!((s - idx.composite[[r, y]]).abs() < 1e-12);
            }
        }
        let (v, l) = pooled(&idx, &w.groups);
        assert_eq!((v.len(), l.len()), (130, 130));
    }

    #[test]
    fn unknown_workload_is_rejected() {
        assert!(
            Workload::new("city")
                .unwrap_err()
                .contains("unknown workload 'city'")
        );
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        let (m, all) = median_time(3, || 1 + 1);
        assert_eq!(all.len(), 3);
        assert!(m >= 0.0);
    }
}
