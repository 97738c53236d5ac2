//! A weighting plugin with valid weights but an infinite entropy value.

use rurban_plugin_api::{WeightingInput, WeightingOutput, WeightingPlugin, export_weighting};

#[derive(Default)]
struct BadEntropy;

impl WeightingPlugin for BadEntropy {
    const NAME: &'static str = "broken-entropy";
    const VERSION: &'static str = "0.0.1";
    fn weigh(&self, input: &WeightingInput<'_>) -> Result<WeightingOutput, String> {
        let m = input.cols;
        let mut e = vec![0.5; m];
        e[m - 1] = f64::INFINITY;
        Ok(WeightingOutput {
            weights: vec![1.0 / m as f64; m],
            entropy: Some(e),
            warnings: Vec::new(),
        })
    }
}

export_weighting!(BadEntropy);
