//! A weighting plugin that returns NaN weights.

use rurban_plugin_api::{WeightingInput, WeightingOutput, WeightingPlugin, export_weighting};

#[derive(Default)]
struct NanWeights;

impl WeightingPlugin for NanWeights {
    const NAME: &'static str = "broken-nan";
    const VERSION: &'static str = "0.0.1";
    fn weigh(&self, input: &WeightingInput<'_>) -> Result<WeightingOutput, String> {
        let mut w = vec![1.0 / input.cols as f64; input.cols];
        w[0] = f64::NAN;
        Ok(WeightingOutput::new(w))
    }
}

export_weighting!(NanWeights);
