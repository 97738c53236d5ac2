//! A derived-indicator plugin that panics (an out-of-bounds index).

use rurban_plugin_api::{IndicatorInput, IndicatorPlugin, export_indicator};

#[derive(Default)]
struct OutOfBounds;

impl IndicatorPlugin for OutOfBounds {
    const NAME: &'static str = "broken-indicator-panic";
    const VERSION: &'static str = "0.0.1";
    fn compute(&self, input: &IndicatorInput<'_>) -> Result<Vec<f64>, String> {
        let first = input.columns[0];
        Ok(vec![first[input.rows + 5]; input.rows])
    }
}

export_indicator!(OutOfBounds);
