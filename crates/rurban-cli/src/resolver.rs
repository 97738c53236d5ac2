//! Resolves weighting schemes and derived kinds through the plugin registry.

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
}
