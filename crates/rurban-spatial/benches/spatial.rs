//! Global Moran and LISA with 9,999 permutations on the 2,848-county queen
//! weights (row-standardised), seeded random values. `benches/esda_race.py`
//! times esda on the same data.

// `criterion_main!` defines a `pub fn main` that cannot carry a doc comment.
#![allow(missing_docs)]

use criterion::{Criterion, criterion_group, criterion_main};
use rand::{Rng, SeedableRng};
use rurban_spatial::SpatialWeights;
use rurban_spatial::moran::{PermutationOptions, global_moran, local_moran};
use serde_json::Value;

fn county_weights() -> SpatialWeights {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/counties.json");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let w = &v["weights"];
    let ids = w["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    let rows = w["neighbours"]
        .as_array()
        .unwrap()
        .iter()
        .zip(w["weights"].as_array().unwrap())
        .map(|(n, ws)| {
            n.as_array()
                .unwrap()
                .iter()
                .map(|j| j.as_u64().unwrap() as usize)
                .zip(ws.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()))
                .collect()
        })
        .collect();
    SpatialWeights { ids, rows }
}

fn bench(c: &mut Criterion) {
    let w = county_weights();
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(2024);
    let x: Vec<f64> = (0..w.n()).map(|_| rng.gen_range(0.0..1.0)).collect();
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
