//! A derived-indicator plugin that returns +infinity in its second row.

use rurban_plugin_api::{IndicatorInput, IndicatorPlugin, export_indicator};

#[derive(Default)]
struct Infinite;

impl IndicatorPlugin for Infinite {
    const NAME: &'static str = "broken-infinite";
    const VERSION: &'static str = "0.0.1";
    fn compute(&self, input: &IndicatorInput<'_>) -> Result<Vec<f64>, String> {
        let mut v = input.columns[0].to_vec();
        v[1] = f64::INFINITY;
        Ok(v)
    }
}

export_indicator!(Infinite);
