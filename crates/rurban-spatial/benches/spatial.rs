//! Global Moran and LISA with 9,999 permutations on the 2,848-county queen
//! weights (row-standardised), seeded random values. `benches/esda_race.py`
//! times esda on the same data.

// `criterion_main!` defines a `pub fn main` that cannot carry a doc comment.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
mod common;

use common::{county_weights, values};
use rurban_spatial::moran::{PermutationOptions, global_moran, local_moran};

fn bench(c: &mut Criterion) {
    let w = county_weights();
    let x = values(w.n());
    let perm = PermutationOptions {
        permutations: 9999,
        seed: 1,
    };
    let mut g = c.benchmark_group("counties_2848");
    g.sample_size(10);
    g.bench_function("global_moran_9999", |b| {
        b.iter(|| global_moran("", &x, &w, &perm).unwrap());
    });
    g.bench_function("local_moran_9999", |b| {
        b.iter(|| local_moran("", &x, &w, &perm, 0.05).unwrap());
    });
    g.bench_function("global_and_local_9999", |b| {
        b.iter(|| {
            (
                global_moran("", &x, &w, &perm).unwrap(),
                local_moran("", &x, &w, &perm, 0.05).unwrap(),
            )
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
