//! Normalisations and aggregations beyond the built-in ones resolve through
//! `Resolve::normaliser` and `Resolve::aggregator` (what a plugin host
//! provides), and an unknown name that no resolver knows is an error listing
//! the built-in ones.

use std::sync::Arc;

use ndarray::{ArrayView1, ArrayView2, ArrayViewMut1};
use rurban_core::Direction;
use rurban_index::{Aggregator, MinMaxRange, Normaliser};
use rurban_pipeline::{Builtins, Resolve, RunOptions, run};
use rurban_spec::{DerivedSpec, Spec};
use rurban_test_support::TempDir;
use rurban_weighting::{Normalized, Weighting};

/// Min-max onto [0, 2] under the name "double".
struct Double;

impl Normaliser for Double {
    fn name(&self) -> &str {
        "double"
    }
    fn normalise(&self, raw: ArrayView2<'_, f64>, directions: &[Direction]) -> Normalized {
        MinMaxRange::new(0.0, 2.0)
            .unwrap()
            .normalise(raw, directions)
    }
}

/// The largest weighted value, under the name "largest".
struct Largest;

impl Aggregator for Largest {
    fn name(&self) -> &str {
        "largest"
    }
    fn aggregate(
        &self,
        z: ArrayView1<'_, f64>,
        weights: &[f64],
        _: &[usize],
        _: ArrayViewMut1<'_, f64>,
    ) -> f64 {
        z.iter()
            .zip(weights)
            .map(|(z, w)| z * w)
            .fold(f64::NEG_INFINITY, f64::max)
    }
}

struct Plugins;

impl Resolve for Plugins {
    fn weighting(&self, name: &str) -> Option<Arc<dyn Weighting>> {
        Builtins.weighting(name)
    }
    fn weighting_names(&self) -> Vec<String> {
        Builtins.weighting_names()
    }
    fn derive(
        &self,
        spec: &DerivedSpec,
        columns: &[Vec<f64>],
        regions: &[String],
        years: &[i64],
        params: &str,
    ) -> Option<Result<Vec<f64>, String>> {
        Builtins.derive(spec, columns, regions, years, params)
    }
    fn normaliser(&self, name: &str) -> Option<Arc<dyn Normaliser>> {
        (name == "double").then(|| Arc::new(Double) as Arc<dyn Normaliser>)
    }
    fn aggregator(&self, name: &str) -> Option<Arc<dyn Aggregator>> {
        (name == "largest").then(|| Arc::new(Largest) as Arc<dyn Aggregator>)
    }
}

const DATA: &str = "region,year,a,b\nr1,2000,1,4\nr2,2000,3,2\nr3,2000,2,0\n";

fn spec(dir: &TempDir, method: &str) -> Spec {
    dir.write("data.csv", DATA);
    let text = format!(
        "data = \"data.csv\"\n[method]\nweighting = \"equal\"\n{method}\n\
         [analysis.cluster]\nenabled = false\n[analysis.kde]\nenabled = false\n\
         [analysis.disparity]\nenabled = false\n[analysis.grey]\nenabled = false\n\
         [analysis.convergence]\nenabled = false\n\
         [[dimension]]\nid = \"p\"\n[[dimension.indicator]]\nid = \"a\"\ndirection = \"+\"\n\
         [[dimension]]\nid = \"q\"\n[[dimension.indicator]]\nid = \"b\"\ndirection = \"+\"\n"
    );
    Spec::from_file(&dir.write("spec.toml", &text)).unwrap()
}

#[test]
fn a_plugin_normalisation_and_aggregation_are_used_by_name() {
    let dir = TempDir::new("construction-plugins");
    let s = spec(
        &dir,
        "normalisation = \"double\"\naggregation = \"largest\"",
    );
    let out = run(&s, &RunOptions::default(), &Plugins).unwrap();
    // z on [0, 2]: a = 0, 2, 1; b = 2, 1, 0; equal weights .5:
    // largest weighted value per row: 1, 1, .5; each dimension its own
    assert_eq!(out.index.composite.as_slice().unwrap(), [1.0, 1.0, 0.5]);
    let d: Vec<f64> = out.index.dimension_scores.iter().copied().collect();
    assert_eq!(d, [0.0, 1.0, 1.0, 0.5, 0.5, 0.0]);
    let z: Vec<f64> = out.index.z.iter().copied().collect();
    assert_eq!(z, [0.0, 2.0, 2.0, 1.0, 1.0, 0.0]);
    assert_eq!(out.construction.construction.normalisation, "double");
    assert_eq!(out.construction.construction.aggregation, "largest");
}

#[test]
fn an_unknown_name_lists_the_built_in_ones() {
    let dir = TempDir::new("construction-unknown");
    let e = run(
        &spec(&dir, "normalisation = \"double\""),
        &RunOptions::default(),
        &Builtins,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("[method] normalisation = \"double\" is not a known normalisation (known: minmax, zscore, rank, goalposts, target"),
        "{e}"
    );
    let e = run(
        &spec(&dir, "aggregation = \"median\""),
        &RunOptions::default(),
        &Plugins,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("(known: arithmetic, geometric, harmonic, topsis"),
        "{e}"
    );
}
