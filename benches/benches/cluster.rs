//! k-means (k = 5, 10 k-means++ starts) and Ward linkage of the regions on
//! their composite series (one feature per year), at every workload size.

// `criterion_main!` defines a `pub fn main` that cannot carry a doc comment.
#![allow(missing_docs)]

mod common;

use std::hint::black_box;

use criterion::{BenchmarkId, Throughput, criterion_group, criterion_main};
use rurban_benches::{PRESETS, Workload};
use rurban_cluster::{ClusterOptions, Method, cluster};

fn bench(c: &mut criterion::Criterion) {
    let mut inputs = Vec::new();
    for p in PRESETS {
        let w = Workload::new(p).expect("preset");
        let series = w.index().composite;
        inputs.push((p, w.panel.regions.clone(), series));
    }
    for (name, method) in [("kmeans_k5", Method::Kmeans), ("ward_k5", Method::Ward)] {
        let mut g = c.benchmark_group(name);
        for (p, labels, series) in &inputs {
            common::size_for(&mut g, p);
            g.throughput(Throughput::Elements(labels.len() as u64));
            let opts = ClusterOptions::new(method, 5);
            g.bench_function(BenchmarkId::from_parameter(p), |b| {
                b.iter(|| cluster(labels, &black_box(series.view()), &opts).expect("cluster"));
            });
        }
        g.finish();
    }
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = bench
}
criterion_main!(benches);
