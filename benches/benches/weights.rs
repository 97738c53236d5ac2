//! Min-max normalisation, entropy / CRITIC / stddev weights, weights plus
//! scores (`rurban_index::build`), and a streaming sum over the same matrix
//! as the memory-bandwidth yardstick, at every workload size.

// `criterion_main!` defines a `pub fn main` that cannot carry a doc comment.
#![allow(missing_docs)]

mod common;

use std::hint::black_box;

use criterion::{BenchmarkId, Throughput, criterion_group, criterion_main};
use rurban_benches::{PRESETS, Workload, streaming_sum};
use rurban_core::Scope;
use rurban_weighting::{Critic, Entropy, StdDev, Weighting, compute, minmax};

fn weights(c: &mut criterion::Criterion) {
    let workloads: Vec<Workload> = PRESETS
        .iter()
        .map(|p| Workload::new(p).expect("preset"))
        .collect();

    let mut g = c.benchmark_group("streaming_sum");
    for w in &workloads {
        let x = w.stacked();
        let cells = x.len() as u64;
        let slice = x.as_slice().expect("standard layout");
        common::size_for(&mut g, &w.name);
        g.throughput(Throughput::Elements(cells));
        g.bench_with_input(BenchmarkId::from_parameter(&w.name), slice, |b, s| {
            b.iter(|| streaming_sum(black_box(s)));
        });
    }
    g.finish();

    let mut g = c.benchmark_group("minmax");
    for w in &workloads {
        let x = w.stacked();
        common::size_for(&mut g, &w.name);
        g.throughput(Throughput::Elements(x.len() as u64));
        g.bench_function(BenchmarkId::from_parameter(&w.name), |b| {
            b.iter(|| minmax(black_box(x.view()), &w.model.directions));
        });
    }
    g.finish();

    let schemes: [(&str, &dyn Weighting); 3] = [
        ("weights_entropy", &Entropy),
        ("weights_critic", &Critic),
        ("weights_stddev", &StdDev),
    ];
    for (name, scheme) in schemes {
        let mut g = c.benchmark_group(name);
        for w in &workloads {
            let x = w.stacked();
            common::size_for(&mut g, &w.name);
            g.throughput(Throughput::Elements(x.len() as u64));
            g.bench_function(BenchmarkId::from_parameter(&w.name), |b| {
                b.iter(|| {
                    compute(
                        scheme,
                        &w.model.indicators,
                        black_box(x.view()),
                        &w.model.directions,
                        0.0,
                        "{}",
                    )
                    .expect("weights")
                });
            });
        }
        g.finish();
    }

    // Entropy weights plus composite and dimension scores, from the panel.
    let mut g = c.benchmark_group("entropy_weights_and_scores");
    for w in &workloads {
        common::size_for(&mut g, &w.name);
        g.throughput(Throughput::Elements(w.panel.values.len() as u64));
        g.bench_function(BenchmarkId::from_parameter(&w.name), |b| {
            b.iter(|| {
                rurban_index::build(
                    black_box(&w.panel),
                    &w.model,
                    &Entropy,
                    Scope::Panel,
                    0.0,
                    "{}",
                )
                .expect("index")
            });
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = weights
}
criterion_main!(benches);
