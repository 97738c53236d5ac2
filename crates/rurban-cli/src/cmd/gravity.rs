//! `rurban gravity`: the value-weighted centre of gravity per group and its moves.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use rurban_geo::{Geography, GravityGroup};

use super::common::{InputArgs, groups};
use super::spatial::{distinct, group_regions, region_column};
use crate::output::{Format, emit_json, fmt4, print_warnings, table};

/// Arguments of `rurban gravity`.
#[derive(Debug, Args)]
pub struct GravityArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The column whose centre of gravity is located (values >= 0).
    #[arg(long)]
    pub column: String,
    /// Region boundaries: a GeoJSON FeatureCollection of (Multi)Polygons in lon/lat.
    #[arg(long, value_name = "FILE")]
    pub geo: PathBuf,
    /// The feature property holding the region names.
    #[arg(long, value_name = "PROPERTY")]
    pub key: Option<String>,
    /// Repeat for each value of this column (e.g. year).
    #[arg(long)]
    pub by: Option<String>,
}

/// Runs `rurban gravity`.
pub fn run(args: GravityArgs) -> Result<()> {
    let t = args.input.read()?;
    let rc = region_column(&t)?;
    let regions = t.keys(rc)?;
    let c = t.require(&args.column)?;
    let values = t.numbers_complete(c)?;
    let g = groups(&t, args.by.as_deref())?;
    let all = distinct(&regions);
    let geo = Geography::open(&args.geo, args.key.as_deref(), &all)?;
    let mut warnings = Vec::new();
    let dropped = geo.without_data(&all);
    if !dropped.is_empty() {
        warnings.push(format!(
            "{}: {} of {} features have no data and are not used: {}",
            args.geo.display(),
            dropped.len(),
            geo.len(),
            short_list(&dropped)
        ));
    }
    let mut input = Vec::with_capacity(g.len());
    for (key, rows) in &g {
        let (regs, vals) = group_regions(&t, key, rows, &regions, &values, args.by.as_deref())?;
        let points = regs
            .iter()
            .map(|r| {
                geo.centroid_of(r)
                    .ok_or_else(|| anyhow::anyhow!("region \"{r}\" has no feature"))
            })
            .collect::<Result<_>>()?;
        input.push(GravityGroup {
            key: key.clone(),
            regions: regs,
            values: vals,
            points,
        });
    }
    // A method error is about the column's values: name it.
    let res = rurban_geo::gravity(&input).map_err(|e| {
        anyhow::anyhow!(
            "{}, column '{}': {e}",
            t.path.display(),
            rurban_core::clip(&t.headers[c])
        )
    })?;
    match args.input.format {
        Format::Json => emit_json(serde_json::to_value(&res)?, &warnings),
        Format::Human => {
            print_warnings(&warnings);
            let mut tab = table(&["group", "lon", "lat"]);
            for c in &res.groups {
                tab.add_row(vec![c.key.clone(), fmt4(c.lon), fmt4(c.lat)]);
            }
            println!("Centre of gravity of '{}':\n{tab}", args.column);
            if !res.moves.is_empty() {
                let mut tab = table(&["from", "to", "distance (km)", "bearing (deg)"]);
                for m in &res.moves {
                    tab.add_row(vec![
                        m.from.clone(),
                        m.to.clone(),
                        fmt4(m.distance_km),
                        format!("{:.1}", m.bearing),
                    ]);
                }
                println!("\nMoves:\n{tab}");
            }
            Ok(())
        }
    }
}

/// At most 20 names, then "and N more".
pub fn short_list(names: &[String]) -> String {
    let mut s = names
        .iter()
        .take(20)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > 20 {
        s.push_str(&format!(" and {} more", names.len() - 20));
    }
    s
}
