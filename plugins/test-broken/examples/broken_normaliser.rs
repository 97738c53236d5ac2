//! A normaliser that misbehaves by input: it panics on a negative raw
//! value, fills missing cells with a number when a value is missing, and
//! returns infinity otherwise.

use rurban_plugin_api::{NormaliseInput, NormaliseOutput, NormaliserPlugin, export_normaliser};

#[derive(Default)]
struct Broken;

impl NormaliserPlugin for Broken {
    const NAME: &'static str = "broken-normaliser";
    const VERSION: &'static str = "0.0.1";
    fn normalise(&self, input: &NormaliseInput<'_>) -> Result<NormaliseOutput, String> {
        if let Some(x) = input.raw.iter().find(|x| **x < 0.0) {
            panic!("negative input {x}");
        }
        let fill = if input.raw.iter().any(|x| x.is_nan()) {
            0.5
        } else {
            f64::INFINITY
        };
        Ok(NormaliseOutput {
            z: vec![fill; input.raw.len()],
            constant: vec![false; input.cols],
        })
    }
}

export_normaliser!(Broken);
