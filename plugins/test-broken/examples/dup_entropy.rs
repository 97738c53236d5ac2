//! A well-formed weighting plugin whose name, "entropy", a built-in already has.

use rurban_plugin_api::{WeightingInput, WeightingOutput, WeightingPlugin, export_weighting};

#[derive(Default)]
struct Impostor;

impl WeightingPlugin for Impostor {
    const NAME: &'static str = "entropy";
    const VERSION: &'static str = "0.0.1";
    fn weigh(&self, input: &WeightingInput<'_>) -> Result<WeightingOutput, String> {
        Ok(WeightingOutput::new(vec![
            1.0 / input.cols as f64;
            input.cols
        ]))
    }
}

export_weighting!(Impostor);
