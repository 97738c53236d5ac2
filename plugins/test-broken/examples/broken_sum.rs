//! A weighting plugin whose weights do not sum to 1 (0.3 each).

use rurban_plugin_api::{WeightingInput, WeightingOutput, WeightingPlugin, export_weighting};

#[derive(Default)]
struct Unnormalised;

impl WeightingPlugin for Unnormalised {
    const NAME: &'static str = "broken-sum";
    const VERSION: &'static str = "0.0.1";
    fn weigh(&self, input: &WeightingInput<'_>) -> Result<WeightingOutput, String> {
        Ok(WeightingOutput::new(vec![0.3; input.cols]))
    }
}

export_weighting!(Unnormalised);
