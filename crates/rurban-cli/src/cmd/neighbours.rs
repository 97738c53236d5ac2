//! `rurban neighbours`: the neighbour lists of a boundaries file.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use serde_json::{Map, Value, json};

use super::spatial::WeightsArgs;
use crate::output::{Format, emit_json, print_warnings, table};

/// Arguments of `rurban neighbours`.
#[derive(Debug, Args)]
pub struct NeighboursArgs {
    /// Region boundaries: a GeoJSON FeatureCollection of (Multi)Polygons in lon/lat.
    #[arg(long, value_name = "FILE")]
    pub geo: PathBuf,
    /// The feature property naming the regions (default: the first of name,
    /// short, name_en, adcode that every feature has).
    #[arg(long, value_name = "PROPERTY")]
    pub key: Option<String>,
    #[command(flatten)]
    pub weights: WeightsArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Runs `rurban neighbours`.
pub fn run(args: NeighboursArgs) -> Result<()> {
    let geo = rurban_geo::Geography::open(&args.geo, args.key.as_deref(), &[])?;
    let w = geo.weights(&args.weights.options().kind)?;
    let islands: Vec<String> = w.islands().into_iter().map(|i| w.ids[i].clone()).collect();
    let mut warnings = Vec::new();
    if !islands.is_empty() {
        warnings.push(rurban_geo::weights::island_warning(&islands));
    }
    let names = |row: &[(usize, f64)]| -> Vec<String> {
        row.iter().map(|&(j, _)| w.ids[j].clone()).collect()
    };
    match args.format {
        Format::Json => {
            let mut neighbours = Map::new();
            for (id, row) in w.ids.iter().zip(&w.rows) {
                neighbours.insert(id.clone(), Value::from(names(row)));
            }
            emit_json(
                json!({
                    "ids": w.ids,
                    "neighbours": neighbours,
                    "islands": islands,
                    "n": w.n(),
                    "mean_neighbours": w.mean_neighbours(),
                }),
                &warnings,
            )
        }
        Format::Human => {
            print_warnings(&warnings);
            let mut tab = table(&["region", "neighbours"]);
            for (id, row) in w.ids.iter().zip(&w.rows) {
                tab.add_row(vec![id.clone(), names(row).join(", ")]);
            }
            println!(
                "{} neighbours of {} regions (key '{}'), {:.2} on average",
                args.weights.options().kind.name(),
                w.n(),
                geo.key,
                w.mean_neighbours()
            );
            println!("{tab}");
            Ok(())
        }
    }
}
