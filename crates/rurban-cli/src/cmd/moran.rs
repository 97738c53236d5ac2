//! `rurban moran`: global Moran's I (and Geary's C) per group, and LISA.

use anyhow::{Result, bail};
use clap::Args;
use rurban_geo::{Geography, WeightsSummary, region_weights};
use rurban_spatial::moran::{
    GlobalMoran, LocalMoran, PermutationOptions, global_moran, local_moran,
};
use serde_json::json;

use super::common::{InputArgs, groups};
use super::spatial::{GeoArgs, WeightsArgs, distinct, group_regions, region_column};
use crate::output::{Format, emit_json, fmt4, print_warnings, table};

/// Arguments of `rurban moran`.
#[derive(Debug, Args)]
pub struct MoranArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The column whose spatial autocorrelation is measured.
    #[arg(long)]
    pub column: String,
    #[command(flatten)]
    pub geo: GeoArgs,
    #[command(flatten)]
    pub weights: WeightsArgs,
    /// Repeat for each value of this column (e.g. year).
    #[arg(long)]
    pub by: Option<String>,
    /// Random permutations of the pseudo p-values (0 = none).
    #[arg(long, default_value_t = 999)]
    pub permutations: usize,
    /// Seed of the permutations.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Also compute local Moran (LISA) for every region.
    #[arg(long)]
    pub local: bool,
    /// Significance level of the LISA `significant` flag.
    #[arg(long, default_value_t = 0.05)]
    pub alpha: f64,
}

/// Runs `rurban moran`.
pub fn run(args: MoranArgs) -> Result<()> {
    let Some(geo_path) = &args.geo.geo else {
        bail!("rurban moran needs the region boundaries: pass --geo FILE.geojson");
    };
    if !(args.alpha > 0.0 && args.alpha < 1.0) {
        bail!("--alpha must be between 0 and 1, got {}", args.alpha);
    }
    let t = args.input.read()?;
    let rc = region_column(&t)?;
    let regions = t.keys(rc)?;
    let c = t.require(&args.column)?;
    let values = t.numbers_complete(c)?;
    // A method error names the column: they are about its values.
    let in_column = |e: rurban_spatial::SpatialError| {
        anyhow::anyhow!(
            "{}, column '{}': {e}",
            t.path.display(),
            rurban_core::clip(&t.headers[c])
        )
    };
    let g = groups(&t, args.by.as_deref())?;
    let all = distinct(&regions);
    let geo = Geography::open(geo_path, args.geo.key.as_deref(), &all)?;
    let opts = args.weights.options();
    let rw = region_weights(&geo, &all, &opts)?;
    let warnings = rw.warnings.clone();
    let perm = PermutationOptions {
        permutations: args.permutations,
        seed: args.seed,
    };
    let mut global = Vec::with_capacity(g.len());
    let mut local = Vec::new();
    for (key, rows) in &g {
        let (regs, x) = group_regions(&t, key, rows, &regions, &values, args.by.as_deref())?;
        let w = rw.subset(&regs, opts.transform)?;
        global.push(global_moran(key, &x, &w, &perm).map_err(in_column)?);
        if args.local {
            local.extend(local_moran(key, &x, &w, &perm, args.alpha).map_err(in_column)?);
        }
    }
    match args.input.format {
        Format::Json => {
            let mut doc = json!({
                "weights": rw.summary(),
                "permutations": args.permutations,
                "groups": global,
            });
            if args.local {
                doc["local"] = serde_json::to_value(&local)?;
            }
            emit_json(doc, &warnings)
        }
        Format::Human => {
            print_warnings(&warnings);
            print_global(&args, &rw.summary(), &global);
            if args.local {
                print_local(&args, &local);
            }
            Ok(())
        }
    }
}

/// A value or "-" when there is none.
fn opt(x: Option<f64>) -> String {
    x.map(fmt4).unwrap_or_else(|| "-".into())
}

/// The global statistics per group, as a table under a heading.
fn print_global(args: &MoranArgs, s: &WeightsSummary, global: &[GlobalMoran]) {
    let mut tab = table(&[
        "group",
        "n",
        "I",
        "E[I]",
        "z (normal)",
        "p (normal)",
        "z (random)",
        "p (random)",
        "Geary C",
        "p (perm)",
    ]);
    for m in global {
        tab.add_row(vec![
            m.key.clone(),
            m.n.to_string(),
            fmt4(m.i),
            fmt4(m.expected),
            fmt4(m.z_normal),
            fmt4(m.p_normal),
            fmt4(m.z_random),
            fmt4(m.p_random),
            fmt4(m.geary_c),
            opt(m.p_sim),
        ]);
    }
    println!(
        "Moran's I of '{}' ({} weights, transform {}, {} regions, {} permutations)",
        args.column,
        s.kind,
        s.transform.name(),
        s.n,
        args.permutations
    );
    println!("{tab}");
}

/// The LISA of every region.
fn print_local(args: &MoranArgs, local: &[LocalMoran]) {
    let mut tab = table(&[
        "group",
        "region",
        "value",
        "lag",
        "I_i",
        "quadrant",
        "p (perm)",
        "significant",
    ]);
    for l in local {
        tab.add_row(vec![
            l.key.clone(),
            l.region.clone(),
            fmt4(l.value),
            fmt4(l.lag),
            fmt4(l.i),
            l.quadrant.clone(),
            opt(l.p_sim),
            if l.significant { "yes" } else { "" }.to_string(),
        ]);
    }
    println!("\nLocal Moran (LISA, alpha {}):\n{tab}", args.alpha);
}
