//! The fast kernels against their straightforward oracles on the benchmark
//! workloads (synthetic panels with fixed seeds): the O(n log n) Gini and
//! Dagum decomposition against the literal O(n^2) double sums of the
//! contract, and the binned kernel density against the exact one (within
//! the error measured for linear binning, see docs/performance.md).

use std::sync::OnceLock;

use rurban_benches::{Workload, composite_by_year, pooled};
use rurban_disparity::{dagum, gini, gini_pairwise, pair_sums, pair_sums_pairwise};
use rurban_kde::{KdeOptions, kde};

/// The county workload (2,851 x 30 x 40, 8 groups), generated once for all
/// tests and without its 2% missing cells (imputing them takes most of a
/// debug build's time and does not matter here).
fn county() -> &'static Workload {
    static COUNTY: OnceLock<Workload> = OnceLock::new();
    COUNTY.get_or_init(|| {
        let mut cfg = rurban_synth::SynthConfig::county();
        cfg.indicators.missing_share = 0.0;
        let panel = rurban_synth::generate(&cfg).unwrap();
        Workload::from_synth("county", &panel).unwrap()
    })
}

/// |a - b| <= 1e-12 max(1, |b|).
fn close(a: f64, b: f64) -> bool {
    rurban_test_support::close_scaled(a, b, 1e-12)
}

/// The Dagum (1997) decomposition by the contract's formulas, every sum over
/// all pairs of values: (total, within, between, transvariation).
fn dagum_literal(values: &[f64], labels: &[String]) -> (f64, f64, f64, f64) {
    let mut keys: Vec<&String> = labels.iter().collect();
    keys.sort();
    keys.dedup();
    let groups: Vec<Vec<f64>> = keys
        .iter()
        .map(|k| {
            values
                .iter()
                .zip(labels)
                .filter(|(_, l)| l == k)
                .map(|(v, _)| *v)
                .collect()
        })
        .collect();
    let n = values.len() as f64;
    let mu = values.iter().sum::<f64>() / n;
    let mean = |y: &[f64]| y.iter().sum::<f64>() / y.len() as f64;
    let abs_sum = |x: &[f64], y: &[f64]| -> f64 {
        x.iter()
            .map(|a| y.iter().map(|b| (a - b).abs()).sum::<f64>())
            .sum()
    };
    let total = abs_sum(values, values) / (2.0 * n * n * mu);
    let p: Vec<f64> = groups.iter().map(|y| y.len() as f64 / n).collect();
    let s: Vec<f64> = groups
        .iter()
        .map(|y| y.len() as f64 * mean(y) / (n * mu))
        .collect();
    let within: f64 = groups
        .iter()
        .enumerate()
        .map(|(j, y)| {
            let nj = y.len() as f64;
            abs_sum(y, y) / (2.0 * nj * nj * mean(y)) * p[j] * s[j]
        })
        .sum();
    let (mut between, mut trans) = (0.0, 0.0);
    for j in 0..groups.len() {
        for h in j + 1..groups.len() {
            let (a, b) = if mean(&groups[j]) >= mean(&groups[h]) {
                (j, h)
            } else {
                (h, j)
            };
            let (ya, yb) = (&groups[a], &groups[b]);
            let count = ya.len() as f64 * yb.len() as f64;
            let g = abs_sum(ya, yb) / (count * (mean(ya) + mean(yb)));
            let d_ab: f64 = ya
                .iter()
                .map(|x| yb.iter().map(|y| (x - y).max(0.0)).sum::<f64>())
                .sum::<f64>()
                / count;
            let p_ab: f64 = ya
                .iter()
                .map(|x| yb.iter().map(|y| (y - x).max(0.0)).sum::<f64>())
                .sum::<f64>()
                / count;
            let d = if d_ab + p_ab == 0.0 {
                0.0
            } else {
                (d_ab - p_ab) / (d_ab + p_ab)
            };
            let w = p[a] * s[b] + p[b] * s[a];
            between += g * w * d;
            trans += g * w * (1.0 - d);
        }
    }
    (total, within, between, trans)
}

#[test]
fn fast_gini_and_dagum_equal_the_pairwise_oracles_on_the_province_panel() {
    let w = Workload::new("province").unwrap();
    let idx = w.index();
    // every year's composite across the 31 regions
    for (year, values) in composite_by_year(&w.panel, &idx) {
        let g = gini(&values).unwrap();
        assert!(close(g, gini_pairwise(&values).unwrap()), "{year}");
        let d = dagum(&values, &w.groups).unwrap();
        let (t, wi, b, tr) = dagum_literal(&values, &w.groups);
        for (fast, slow) in [
            (d.total, t),
            (d.within, wi),
            (d.between, b),
            (d.transvariation, tr),
        ] {
            assert!(close(fast, slow), "{year}: {fast} vs {slow}");
        }
        assert!(close(d.within + d.between + d.transvariation, d.total));
    }
    // the pooled region-years (n = 620, 3 groups)
    let (values, labels) = pooled(&idx, &w.groups);
    let d = dagum(&values, &labels).unwrap();
    let (t, wi, b, tr) = dagum_literal(&values, &labels);
    for (fast, slow) in [
        (d.total, t),
        (d.within, wi),
        (d.between, b),
        (d.transvariation, tr),
    ] {
        assert!(close(fast, slow), "pooled: {fast} vs {slow}");
    }
}

#[test]
fn fast_pair_sums_equal_the_double_sums_on_county_groups() {
    let w = county();
    let idx = w.index();
    // one year of the county panel: 2,851 regions in 8 groups
    let year = idx.composite.column(29).to_vec();
    let by_group = |g: &str| -> Vec<f64> {
        year.iter()
            .zip(&w.groups)
            .filter(|(_, l)| *l == g)
            .map(|(v, _)| *v)
            .collect()
    };
    for (a, b) in [("g1", "g2"), ("g3", "g8"), ("g5", "g5")] {
        let (x, y) = (by_group(a), by_group(b));
        let fast = pair_sums(&x, &y);
        let slow = pair_sums_pairwise(&x, &y);
        assert!(close(fast.excess, slow.excess), "{a}-{b}");
        assert!(close(fast.deficit, slow.deficit), "{a}-{b}");
    }
    assert!(close(gini(&year).unwrap(), gini_pairwise(&year).unwrap()));
}

#[test]
fn binned_density_is_within_the_documented_tolerance_of_the_exact_one() {
    let w = county();
    let data = composite_by_year(&w.panel, &w.index());
    let exact = kde(&data, &KdeOptions::default()).unwrap();
    let binned = kde(
        &data,
        &KdeOptions {
            binned: true,
            ..KdeOptions::default()
        },
    )
    .unwrap();
    for (e, b) in exact.groups.iter().zip(&binned.groups) {
        assert_eq!(e.x, b.x);
        let peak = e.density.iter().copied().fold(0.0, f64::max);
        let worst = e
            .density
            .iter()
            .zip(&b.density)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f64::max);
        // Linear binning errs by about 0.01 (step / h)^2 of the peak (measured
        // on these 30 years: 0.008 to 0.010). With one 512-point grid for all
        // years, step / h reaches 0.15 on the county panel, so the error
        // reaches 2.2e-4 of the peak: above the 1e-4 that docs/methods/kde.md
        // quotes for samples of 5 to 5,000 values. Asserted with a margin of 2.
        let ratio = (e.x[1] - e.x[0]) / e.bandwidth;
        assert!(
            worst < 0.02 * ratio * ratio * peak,
            "{}: {worst} of {peak} (step / h = {ratio})",
            e.key
        );
        assert!(worst < 5e-4 * peak, "{}: {worst} of {peak}", e.key);
    }
}
