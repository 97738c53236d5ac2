//! Exact Gaussian kernel density of the composite, per year, on a 512-point
//! grid (Silverman bandwidths), at every workload size; and the binned
//! estimate on the county panel for comparison.

// `criterion_main!` defines a `pub fn main` that cannot carry a doc comment.
#![allow(missing_docs)]

mod common;

use std::hint::black_box;

use criterion::{BenchmarkId, Throughput, criterion_group, criterion_main};
use rurban_benches::{PRESETS, Workload, composite_by_year};
use rurban_kde::{KdeOptions, kde};

fn bench(c: &mut criterion::Criterion) {
    let mut g = c.benchmark_group("kde_exact_gaussian_512");
    let mut county = None;
    for p in PRESETS {
        let w = Workload::new(p).expect("preset");
        let data = composite_by_year(&w.panel, &w.index());
        // kernel evaluations: values x grid points
        let evals: usize = data.iter().map(|(_, v)| v.len() * 512).sum();
        common::size_for(&mut g, p);
        g.throughput(Throughput::Elements(evals as u64));
        let opts = KdeOptions::default();
        g.bench_function(BenchmarkId::from_parameter(p), |b| {
            b.iter(|| kde(black_box(&data), &opts).expect("kde"));
        });
        if p == "county" {
            county = Some(data);
        }
    }
    g.finish();

    if let Some(data) = county {
        let mut g = c.benchmark_group("kde_binned_gaussian_512");
        common::size_for(&mut g, "county");
        let opts = KdeOptions {
            binned: true,
            ..KdeOptions::default()
        };
        g.bench_function(BenchmarkId::from_parameter("county"), |b| {
            b.iter(|| kde(black_box(&data), &opts).expect("kde"));
        });
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = bench
}
criterion_main!(benches);
