//! A normaliser named like the built-in normalisation `zscore`.

use rurban_plugin_api::{NormaliseInput, NormaliseOutput, NormaliserPlugin, export_normaliser};

#[derive(Default)]
struct Dup;

impl NormaliserPlugin for Dup {
    const NAME: &'static str = "zscore";
    const VERSION: &'static str = "0.0.1";
    fn normalise(&self, input: &NormaliseInput<'_>) -> Result<NormaliseOutput, String> {
        Ok(NormaliseOutput {
            z: input.raw.to_vec(),
            constant: vec![false; input.cols],
        })
    }
}

export_normaliser!(Dup);
