//! Resolves weighting schemes, derived kinds, and plugin normalisations and
//! aggregations through the plugin registry.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Result;
use rurban_host::{DerivedInput, Registry};
use rurban_pipeline::Resolve;
use rurban_spec::DerivedSpec;
use rurban_weighting::Weighting;

/// The environment variable holding plugin directories.
pub const PLUGIN_PATH_VAR: &str = "RURBAN_PLUGIN_PATH";

/// The schemes and derived kinds this process knows: built-ins, then
/// plugins from `--plugin`, `RURBAN_PLUGIN_PATH` and a spec's `plugins`.
pub struct Resolver {
    /// The registry behind the resolver.
    pub registry: Registry,
}

impl Resolver {
    /// Built-ins, plus `--plugin` files and the `RURBAN_PLUGIN_PATH` directories.
    pub fn new(plugins: &[PathBuf]) -> Result<Self> {
        let mut registry = Registry::with_builtins();
        for p in plugins {
            registry.load(p)?;
        }
        registry.load_search_path(PLUGIN_PATH_VAR)?;
        Ok(Resolver { registry })
    }

    /// Loads more plugin files (a spec's `plugins` list).
    pub fn load_all(&mut self, files: &[PathBuf]) -> Result<()> {
        for f in files {
            self.registry.load(f)?;
        }
        Ok(())
    }
}

impl Resolve for Resolver {
    fn weighting(&self, name: &str) -> Option<Arc<dyn Weighting>> {
        self.registry.weighting(name)
    }
    fn weighting_names(&self) -> Vec<String> {
        self.registry.weighting_names()
    }
    fn derive(
        &self,
        spec: &DerivedSpec,
        columns: &[Vec<f64>],
        regions: &[String],
        years: &[i64],
        params: &str,
    ) -> Option<Result<Vec<f64>, String>> {
        let kind = self.registry.derived(&spec.kind)?;
        let cols: Vec<&[f64]> = columns.iter().map(Vec::as_slice).collect();
        let input = DerivedInput {
            names: &spec.inputs,
            columns: &cols,
            regions,
            years,
            params,
        };
        Some(kind.compute(&input).map_err(|e| e.to_string()))
    }
    fn normaliser(&self, name: &str) -> Option<Arc<dyn rurban_index::Normaliser>> {
        self.registry.normaliser(name)
    }
    fn aggregator(&self, name: &str) -> Option<Arc<dyn rurban_index::Aggregator>> {
        self.registry.aggregator(name)
    }
}

// The plugin crates, built once by the helper the host's tests use.
#[cfg(test)]
#[path = "../../rurban-host/tests/common/mod.rs"]
mod plugin_build;

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array1, array};
    use rurban_core::Direction;
    use rurban_pipeline::Builtins;

    #[test]
    fn plugin_normalisers_and_aggregators_resolve_by_name() {
        let r = Resolver::new(&[plugin_build::logistic(), plugin_build::power_mean()]).unwrap();
        // logistic of the z-scores -1, 0, 1: 1/(1+e), .5, 1/(1+1/e).
        let n = Resolve::normaliser(&r, "logistic").expect("logistic resolves");
        let out = n.normalise(array![[1.0], [2.0], [3.0]].view(), &[Direction::Positive]);
        assert!((out.z[[0, 0]] - 0.2689414213699951).abs() < 1e-15);
        assert_eq!(out.z[[1, 0]], 0.5);
        assert!((out.z[[2, 0]] - 0.7310585786300049).abs() < 1e-15);
        // power mean of order .5 of (.25, 1) with equal weights: .75^2.
        let a = Resolve::aggregator(&r, "power-mean").expect("power-mean resolves");
        let mut dims = Array1::<f64>::zeros(2);
        let c = a.aggregate(
            array![0.25, 1.0].view(),
            &[0.5, 0.5],
            &[0, 1],
            dims.view_mut(),
        );
        assert!((c - 0.5625).abs() < 1e-15, "{c}");
        assert_eq!(dims.to_vec(), [0.25, 1.0]);
        // Kinds do not cross, unknown names and built-ins resolve to nothing.
        assert!(Resolve::normaliser(&r, "power-mean").is_none());
        assert!(Resolve::aggregator(&r, "logistic").is_none());
        assert!(Resolve::normaliser(&r, "minmax").is_none());
        assert!(Resolve::aggregator(&r, "merec").is_none());
        // The trait's default: no plugins.
        assert!(Resolve::normaliser(&Builtins, "logistic").is_none());
        assert!(Resolve::aggregator(&Builtins, "power-mean").is_none());
    }
}
