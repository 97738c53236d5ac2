//! A weighting plugin that refuses every input with an error status.

use rurban_plugin_api::{WeightingInput, WeightingOutput, WeightingPlugin, export_weighting};

#[derive(Default)]
struct Refuses;

impl WeightingPlugin for Refuses {
    const NAME: &'static str = "broken-error";
    const VERSION: &'static str = "0.0.1";
    fn weigh(&self, input: &WeightingInput<'_>) -> Result<WeightingOutput, String> {
        Err(format!(
            "column '{}' is not something this method can weigh",
            input.names[0]
        ))
    }
}

export_weighting!(Refuses);
