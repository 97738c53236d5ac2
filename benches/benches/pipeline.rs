//! The whole `rurban run` pipeline without the report: read the panel,
//! impute, weigh, score, run the analysis chain, and render every output
//! file in memory (nothing is written in the timed loop).

// `criterion_main!` defines a `pub fn main` that cannot carry a doc comment.
#![allow(missing_docs)]

mod common;

use std::hint::black_box;

use criterion::{BenchmarkId, Throughput, criterion_group, criterion_main};
use rurban_benches::{PRESETS, write_workload};
use rurban_pipeline::output::run_files;
use rurban_pipeline::{Builtins, RunOptions, read_spec, run};

fn bench(c: &mut criterion::Criterion) {
    let root = std::env::temp_dir().join(format!("rurban-bench-{}", std::process::id()));
    let mut g = c.benchmark_group("run_pipeline");
    for p in PRESETS {
        let files = write_workload(p, &root.join(p)).expect("workload files");
        let spec = read_spec(&files.spec).expect("spec");
        let opts = RunOptions {
            data: Some(files.panel.clone()),
            ..RunOptions::default()
        };
        let first = run(&spec, &opts, &Builtins).expect("run");
        let cells = first.panel.values.len() as u64;
        common::size_for(&mut g, p);
        g.throughput(Throughput::Elements(cells));
        g.bench_function(BenchmarkId::from_parameter(p), |b| {
            b.iter(|| {
                let out = run(black_box(&spec), &opts, &Builtins).expect("run");
                run_files(&out).expect("files")
            });
        });
    }
    g.finish();
    let _ = std::fs::remove_dir_all(&root);
}

criterion_group! {
    name = benches;
    config = common::config();
    targets = bench
}
criterion_main!(benches);
