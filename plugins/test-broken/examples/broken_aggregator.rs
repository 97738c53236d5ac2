//! An aggregator that misbehaves by input: an error when a value is below
//! 0, a panic when one is above 1, an infinite composite otherwise.

use rurban_plugin_api::{AggregateInput, AggregateOutput, AggregatorPlugin, export_aggregator};

#[derive(Default)]
struct Broken;

impl AggregatorPlugin for Broken {
    const NAME: &'static str = "broken-aggregator";
    const VERSION: &'static str = "0.0.1";
    fn aggregate(&self, input: &AggregateInput<'_>) -> Result<AggregateOutput, String> {
        if input.z.iter().any(|z| *z < 0.0) {
            return Err("a value is below 0".into());
        }
        if let Some(z) = input.z.iter().find(|z| **z > 1.0) {
            panic!("value {z} above 1");
        }
        Ok(AggregateOutput {
            composite: vec![f64::INFINITY; input.rows],
            dimension_scores: vec![0.0; input.rows * input.dimensions],
        })
    }
}

export_aggregator!(Broken);
