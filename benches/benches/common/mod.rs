//! Settings shared by the criterion benches.

#![allow(dead_code)]

use std::time::Duration;

use criterion::{BenchmarkGroup, Criterion, measurement::WallTime};

/// Modest sampling so that the whole `cargo bench` stays within a few
/// minutes on two cores: 20 samples, 0.5 s warm-up, 2 s of measurement.
pub fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args()
}

/// The county workloads take 10 samples (criterion's minimum).
pub fn size_for(group: &mut BenchmarkGroup<'_, WallTime>, preset: &str) {
    if preset == "county" {
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(3));
    } else {
        group.sample_size(20);
        group.measurement_time(Duration::from_secs(2));
    }
}
