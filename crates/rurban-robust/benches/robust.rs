//! The Monte Carlo of `rurban robustness` with a cheap synthetic model:
//! weighted sums (or weighted geometric means) of a fixed 31 regions x
//! 20 years x 10 indicators panel, all six factors, N = 1000
//! (8,000 runs). `design_and_runs` is the design, every run and the
//! statistics; `estimators` the statistics alone on recorded runs.

// `criterion_main!` defines a `pub fn main` that cannot carry a doc comment.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use rurban_robust::*;

const R: usize = 31;
const T: usize = 20;
const M: usize = 10;

struct Panel {
    /// Two normalisations of the panel, row-major (region-year, indicator).
    z: [Vec<f64>; 2],
    weights: [[f64; M]; 3],
}

fn panel() -> Panel {
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(31);
    let raw: Vec<f64> = (0..R * T * M).map(|_| rng.gen_range(1.0..100.0)).collect();
    let minmax = raw.iter().map(|x| 0.01 + (x - 1.0) / 99.0).collect();
    let sqrt = raw.iter().map(|x| x.sqrt() / 10.0).collect();
    let mut weights = [[0.0; M]; 3];
    for (s, w) in weights.iter_mut().enumerate() {
        for (j, x) in w.iter_mut().enumerate() {
            *x = 1.0 + ((j + 3 * s) % M) as f64;
        }
    }
    Panel {
        z: [minmax, sqrt],
        weights,
    }
}

fn factors(n: i64) -> (Factors, Layout) {
    let s = |v: &[&str]| Some(v.iter().map(ToString::to_string).collect());
    let opts = UncertaintyOptions {
        replications: Some(n),
        seed: Some(1),
        weights_noise: Some(0.25),
        weighting: s(&["entropy", "critic", "equal"]),
        normalisation: s(&["minmax", "rank"]),
        aggregation: s(&["arithmetic", "geometric"]),
        impute: s(&["linear", "year-mean"]),
        exclude: Some(true),
    };
    let inds: Vec<String> = (0..M).map(|j| format!("x{j}")).collect();
    let regions = (0..R).map(|r| format!("r{r}")).collect();
    let years = (2001..2001 + T as i64).collect();
    (
        Factors::new(&opts, &inds).unwrap(),
        Layout::full(regions, years).unwrap(),
    )
}

fn bench(c: &mut Criterion) {
    let p = panel();
    let model = |run: &Realisation<'_>, out: &mut Output<'_>| -> Result<(), ModelError> {
        let mut w = p.weights[run.choice(FactorKind::Weighting).unwrap_or(0)];
        run.apply_weights(&mut w)?;
        out.record_weights(&w)?;
        let z = &p.z[run.choice(FactorKind::Normalisation).unwrap_or(0)];
        let shift = 0.01 * run.choice(FactorKind::Impute).unwrap_or(0) as f64;
        let geo = run.choice(FactorKind::Aggregation) == Some(1);
        for (i, s) in out.scores().iter_mut().enumerate() {
            let row = &z[i * M..(i + 1) * M];
            *s = if geo {
                row.iter()
                    .zip(&w)
                    .map(|(x, w)| w * (x + shift).ln())
                    .sum::<f64>()
                    .exp()
            } else {
                row.iter().zip(&w).map(|(x, w)| w * (x + shift)).sum()
            };
        }
        Ok(())
    };
    let (f, l) = factors(1000);
    let mut g = c.benchmark_group("robustness_31x20x10_n1000_k6");
    g.sample_size(10);
    g.bench_function("design_and_runs", |b| {
        b.iter(|| robustness(&f, &l, &model, false, &|_, _| {}).unwrap());
    });
    let d = Design::new(&f);
    let runs = run_design(&f, &d, &l, &model, false, &|_, _| {}).unwrap();
    g.bench_function("estimators", |b| b.iter(|| analyse(&f, &l, &runs)));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
