//! The data both spatial benches run on: the 2,848-county queen weights
//! (row-standardised) of the test fixture, and seeded uniform values.

use rand::{Rng, SeedableRng};
use rurban_spatial::SpatialWeights;
use serde_json::Value;

/// The counties' weights, read from `tests/fixtures/counties.json`.
pub fn county_weights() -> SpatialWeights {
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

/// One seeded uniform value per region.
pub fn values(n: usize) -> Vec<f64> {
    let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(2024);
    (0..n).map(|_| rng.gen_range(0.0..1.0)).collect()
}
