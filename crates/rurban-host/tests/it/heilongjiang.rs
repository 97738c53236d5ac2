//! The Heilongjiang example switched to MEREC the way a user does it: one
//! changed line in `[method]` plus the plugin path in the spec's `plugins`
//! list (relative to the spec file), resolved through the registry.

use crate::common;

use std::path::Path;

use ndarray::Array2;
use rurban_host::Registry;
use rurban_spec::Spec;

/// The wide panel: every column but region and year, in the given order.
fn read_panel(path: &Path, wanted: &[String]) -> Array2<f64> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let idx: Vec<usize> = wanted
        .iter()
        .map(|w| header.iter().position(|h| h == w).unwrap())
        .collect();
    let rows: Vec<Vec<f64>> = lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            idx.iter()
                .map(|&i| cells[i].trim().parse::<f64>().unwrap())
                .collect()
        })
        .collect();
    Array2::from_shape_vec((rows.len(), wanted.len()), rows.concat()).unwrap()
}

#[test]
fn heilongjiang_switches_to_merec_with_one_line_and_the_plugin_path() {
    let dir = common::workspace().join("examples/heilongjiang");
    let spec_path = dir.join("index.toml");
    let original = std::fs::read_to_string(&spec_path).unwrap();
    assert!(original.contains("weighting = \"entropy\""));

    // The plugin path relative to the spec file, as a user writes it.
    let rel = format!(
        "../../target/plugin-tests/debug/{}",
        rurban_host::library_file_name("rurban_plugin_merec_weights")
    );
    // Build the plugin first: the relative path only resolves once it exists.
    let merec = common::merec();
    assert_eq!(
        dir.join(&rel).canonicalize().unwrap(),
        merec.canonicalize().unwrap()
    );
    let text = format!("plugins = [\"{rel}\"]\n")
        + &original.replacen("weighting = \"entropy\"", "weighting = \"merec\"", 1);
    let mut spec = Spec::from_str_at(&text, &spec_path).unwrap();
    spec.base_dir = dir.clone();

    let mut registry = Registry::with_builtins();
    for p in &spec.plugins {
        registry.load(&spec.resolve(p)).unwrap();
    }
    let scheme = registry
        .weighting(&spec.method.weighting)
        .expect("merec resolves through the registry");
    assert_eq!(scheme.name(), "merec");

    let inds = spec.indicators();
    let names: Vec<String> = inds.iter().map(|(_, i)| i.id.clone()).collect();
    let dirs: Vec<rurban_core::Direction> = inds.iter().map(|(_, i)| i.direction).collect();
    let raw = read_panel(&dir.join("panel.csv"), &names);
    assert_eq!(raw.dim(), (130, 20));

    let merec = rurban_weighting::compute(&*scheme, &names, raw.view(), &dirs, 0.0, "{}").unwrap();
    assert_eq!(merec.weights.len(), 20);
    assert!(merec.weights.iter().all(|w| w.is_finite() && *w > 0.0));
    assert!((merec.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);

    // It really is another method than the entropy the example ships with.
    let entropy = registry.weighting("entropy").unwrap();
    let e = rurban_weighting::compute(&*entropy, &names, raw.view(), &dirs, 0.0, "{}").unwrap();
    let diff: f64 = merec
        .weights
        .iter()
        .zip(&e.weights)
        .map(|(a, b)| (a - b).abs())
        .sum();
    assert!(diff > 1e-3, "MEREC and entropy weights coincide: {diff}");
}
