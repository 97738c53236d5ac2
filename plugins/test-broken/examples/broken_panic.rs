//! A weighting plugin that panics inside `weigh`.

use rurban_plugin_api::{WeightingInput, WeightingOutput, WeightingPlugin, export_weighting};

#[derive(Default)]
struct Panics;

impl WeightingPlugin for Panics {
    const NAME: &'static str = "broken-panic";
    const VERSION: &'static str = "0.0.1";
    fn weigh(&self, input: &WeightingInput<'_>) -> Result<WeightingOutput, String> {
        panic!("deliberate panic while weighing {} columns", input.cols)
    }
}

export_weighting!(Panics);
