//! Gini, Theil and the Dagum decomposition by region group: per year on the
//! composite at every workload size (the `rurban run` disparity step), and
//! the Dagum decomposition of the pooled county composite (n = 85,530,
//! 8 groups).

// `criterion_main!` defines a `pub fn main` that cannot carry a doc comment.
#![allow(missing_docs)]

mod common;

use std::hint::black_box;

use criterion::{BenchmarkId, Throughput, criterion_group, criterion_main};
use rurban_benches::{PRESETS, Workload, disparity_by_year, pooled};
use rurban_disparity::{dagum, disparity_report, gini, theil};

fn bench(c: &mut criterion::Criterion) {
    let mut inputs = Vec::new();
    for p in PRESETS {
        let w = Workload::new(p).expect("preset");
        let idx = w.index();
        inputs.push((
            p,
            disparity_by_year(&w.panel, &idx, &w.groups),
            pooled(&idx, &w.groups),
        ));
    }

    let mut g = c.benchmark_group("gini_per_year");
    for (p, by_year, _) in &inputs {
        common::size_for(&mut g, p);
        g.throughput(Throughput::Elements(
            by_year.iter().map(|x| x.1.len() as u64).sum(),
        ));
        g.bench_function(BenchmarkId::from_parameter(p), |b| {
            b.iter(|| {
                by_year
                    .iter()
                    .map(|(_, v, _)| gini(black_box(v)).expect("gini"))
                    .sum::<f64>()
            });
        });
    }
    g.finish();

    let mut g = c.benchmark_group("theil_per_year");
    for (p, by_year, _) in &inputs {
        common::size_for(&mut g, p);
        g.throughput(Throughput::Elements(
            by_year.iter().map(|x| x.1.len() as u64).sum(),
        ));
        g.bench_function(BenchmarkId::from_parameter(p), |b| {
            b.iter(|| {
                by_year
                    .iter()
                    .map(|(_, v, _)| theil(black_box(v)).expect("theil"))
                    .sum::<f64>()
            });
        });
    }
    g.finish();

    let mut g = c.benchmark_group("dagum_per_year");
    for (p, by_year, _) in &inputs {
        common::size_for(&mut g, p);
        g.throughput(Throughput::Elements(
            by_year.iter().map(|x| x.1.len() as u64).sum(),
        ));
        g.bench_function(BenchmarkId::from_parameter(p), |b| {
            b.iter(|| {
                by_year
                    .iter()
                    .map(|(_, v, l)| {
                        dagum(black_box(v), l.as_deref().unwrap_or(&[]))
                            .expect("dagum")
                            .total
                    })
                    .sum::<f64>()
            });
        });
    }
    g.finish();

    // Everything `rurban run` computes per series: mean, std, CV, Theil,
    // Gini and both decompositions, for every year.
    let mut g = c.benchmark_group("disparity_report_per_year");
    for (p, by_year, _) in &inputs {
        common::size_for(&mut g, p);
        g.throughput(Throughput::Elements(
            by_year.iter().map(|x| x.1.len() as u64).sum(),
        ));
        g.bench_function(BenchmarkId::from_parameter(p), |b| {
            b.iter(|| disparity_report(black_box(by_year), 1).expect("report"));
        });
    }
    g.finish();

    let mut g = c.benchmark_group("dagum_pooled");
    for (p, _, (values, labels)) in &inputs {
        common::size_for(&mut g, p);
        g.throughput(Throughput::Elements(values.len() as u64));
        g.bench_function(BenchmarkId::from_parameter(p), |b| {
            b.iter(|| dagum(black_box(values), labels).expect("dagum"));
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = bench
}
criterion_main!(benches);
