//! Queen contiguity of the 2,848 Chinese counties (and the reading of their
//! GeoJSON), to compare with libpysal's `Queen.from_dataframe`
//! (`benches/queen_libpysal.py` beside this file).

// `criterion_main!` defines a `pub fn main` that cannot carry a doc comment.
#![allow(missing_docs)]

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use rurban_geo::{Boundaries, weights};

fn counties() -> Boundaries {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/boundaries/china_counties.geojson");
    Boundaries::read(&p).expect("the counties file of ../shared/data")
}

fn bench(c: &mut Criterion) {
    let b = counties();
    c.bench_function("queen contiguity, 2848 counties", |bch| {
        bch.iter(|| weights::queen(black_box(&b.features)));
    });
    c.bench_function("rook contiguity, 2848 counties", |bch| {
        bch.iter(|| weights::rook(black_box(&b.features)));
    });
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/boundaries/china_counties.geojson");
    c.bench_function("read GeoJSON + queen, 2848 counties", |bch| {
        bch.iter(|| {
            let b = Boundaries::read(black_box(&p)).unwrap();
            weights::queen(&b.features)
        });
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);
