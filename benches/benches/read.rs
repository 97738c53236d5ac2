//! Reading the panel: the CSV file of each preset parsed into a `Table`
//! (read, decode, cut into records), and that table turned into a `Panel`
//! (keys, every indicator cell parsed as a number into the cube). The
//! county file is the 27 MB panel compared with pandas' `read_csv` in
//! `docs/performance.md`. "fast panel" is `wide::read_wide`, the reading
//! `rurban run` uses for a plain wide CSV (checked first to give the same
//! panel, bit for bit).

// `criterion_main!` defines a `pub fn main` that cannot carry a doc comment.
#![allow(missing_docs)]

mod common;

use std::hint::black_box;

use criterion::{BenchmarkId, Throughput, criterion_group, criterion_main};
use rurban_benches::{PRESETS, write_workload};
use rurban_core::{Panel, PanelColumns, ReadOptions, Table, wide};

fn bench(c: &mut criterion::Criterion) {
    let root = std::env::temp_dir().join(format!("rurban-bench-read-{}", std::process::id()));
    let mut g = c.benchmark_group("read_panel");
    for p in PRESETS {
        let files = write_workload(p, &root.join(p)).expect("workload files");
        let bytes = std::fs::metadata(&files.panel).expect("panel file").len();
        common::size_for(&mut g, p);
        g.throughput(Throughput::Bytes(bytes));
        let opts = ReadOptions::default();
        g.bench_function(BenchmarkId::new("table", p), |b| {
            b.iter(|| Table::read(black_box(&files.panel), &opts).expect("table"));
        });
        // the fast reading is checked against the general one first
        let general = {
            let t = Table::read(&files.panel, &opts).expect("table");
            Panel::from_table(&t, &PanelColumns::default(), None).expect("panel")
        };
        let (_, fast) = wide::read_wide(&files.panel, &opts, &PanelColumns::default(), None)
            .expect("the preset's file is read the fast way");
        let bits = |p: &Panel| p.values.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert!(
            fast.regions == general.regions
                && fast.years == general.years
                && fast.indicators == general.indicators
                && bits(&fast) == bits(&general)
                && fast.observed == general.observed
                && fast.file_rows().eq(general.file_rows()),
            "{p}: the fast panel differs from the general one"
        );
        drop((general, fast));
        g.bench_function(BenchmarkId::new("fast panel", p), |b| {
            b.iter(|| {
                wide::read_wide(
                    black_box(&files.panel),
                    &opts,
                    &PanelColumns::default(),
                    None,
                )
                .expect("panel")
            });
        });
        g.bench_function(BenchmarkId::new("table + panel", p), |b| {
            b.iter(|| {
                let t = Table::read(black_box(&files.panel), &opts).expect("table");
                Panel::from_table(&t, &PanelColumns::default(), None).expect("panel")
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
