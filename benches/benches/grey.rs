//! Grey relational analysis: every region's composite against its dimension
//! scores (what `rurban run` does, one analysis per region) at every
//! workload size, and one analysis of 10,000 sequences x 30 points.

// `criterion_main!` defines a `pub fn main` that cannot carry a doc comment.
#![allow(missing_docs)]

mod common;

use std::hint::black_box;

use criterion::{BenchmarkId, Throughput, criterion_group, criterion_main};
use rurban_benches::{PRESETS, Workload, grey_sequences, region_grey_input};
use rurban_grey::{Normalization, grey_report};

fn bench(c: &mut criterion::Criterion) {
    let mut g = c.benchmark_group("grey_per_region");
    for p in PRESETS {
        let w = Workload::new(p).expect("preset");
        let idx = w.index();
        let inputs: Vec<_> = (0..w.panel.regions.len())
            .map(|r| region_grey_input(&idx, &w.model, r))
            .collect();
        common::size_for(&mut g, p);
        g.throughput(Throughput::Elements(inputs.len() as u64));
        g.bench_function(BenchmarkId::from_parameter(p), |b| {
            b.iter(|| {
                inputs
                    .iter()
                    .map(|(reference, compare)| {
                        grey_report(
                            "composite",
                            black_box(reference),
                            compare,
                            Normalization::Mean,
                            0.5,
                        )
                        .expect("grey")
                        .grades[0]
                            .grade
                    })
                    .sum::<f64>()
            });
        });
    }
    g.finish();

    let (reference, compare) = grey_sequences(10_000, 30, 7);
    let mut g = c.benchmark_group("grey_sequences");
    common::size_for(&mut g, "county");
    g.throughput(Throughput::Elements(10_000 * 30));
    g.bench_function(BenchmarkId::from_parameter("10000x30"), |b| {
        b.iter(|| {
            grey_report(
                "reference",
                black_box(&reference),
                &compare,
                Normalization::Mean,
                0.5,
            )
            .expect("grey")
        });
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = bench
}
criterion_main!(benches);
