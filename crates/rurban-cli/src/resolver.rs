//! Resolves weighting schemes and derived kinds for the subcommands.

use std::sync::Arc;

use rurban_core::spec::DerivedSpec;
use rurban_pipeline::{Builtins, Resolve};
use rurban_weighting::Weighting;

/// The schemes and derived kinds this process knows.
#[derive(Default)]
pub struct Resolver {
    builtins: Builtins,
}

impl Resolver {
    /// Built-ins only.
    pub fn new() -> Self {
        Resolver::default()
    }
}

impl Resolve for Resolver {
    fn weighting(&self, name: &str) -> Option<Arc<dyn Weighting>> {
        self.builtins.weighting(name)
    }
    fn weighting_names(&self) -> Vec<String> {
        self.builtins.weighting_names()
    }
    fn derive(
        &self,
        spec: &DerivedSpec,
        columns: &[Vec<f64>],
        regions: &[String],
        years: &[i64],
        params: &str,
    ) -> Option<Result<Vec<f64>, String>> {
        self.builtins.derive(spec, columns, regions, years, params)
    }
}
