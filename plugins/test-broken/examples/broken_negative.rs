//! A weighting plugin with a negative weight (the weights still sum to 1).

use rurban_plugin_api::{WeightingInput, WeightingOutput, WeightingPlugin, export_weighting};

#[derive(Default)]
struct Negative;

impl WeightingPlugin for Negative {
    const NAME: &'static str = "broken-negative";
    const VERSION: &'static str = "0.0.1";
    fn weigh(&self, input: &WeightingInput<'_>) -> Result<WeightingOutput, String> {
        let mut w = vec![0.0; input.cols];
        w[0] = 1.5;
        w[1] = -0.5;
        Ok(WeightingOutput::new(w))
    }
}

export_weighting!(Negative);
