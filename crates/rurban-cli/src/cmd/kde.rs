//! `rurban kde`: kernel density of a column, per group.

use crate::output::outln;
use anyhow::Result;
use clap::Args;
use rurban_kde::{Bandwidth, Fit, GridSize, KdeError, KdeParams, Kernel};

use super::common::{InputArgs, at_value, groups, values_by_group};
use crate::output::{Format, emit_json, fmt4, table};

/// Arguments of `rurban kde`.
#[derive(Debug, Args)]
pub struct KdeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The column to estimate the density of.
    #[arg(long)]
    pub column: String,
    /// Repeat for each value of this column.
    #[arg(long)]
    pub by: Option<String>,
    /// Smoothing kernel: gaussian or epanechnikov (any case).
    #[arg(long, default_value = "gaussian")]
    pub kernel: Kernel,
    /// silverman, scott (any case), or a number > 0 (the bandwidth itself).
    #[arg(long, default_value = "silverman")]
    pub bandwidth: Bandwidth,
    /// Number of grid points, 2 to 100000.
    #[arg(long, default_value = "512")]
    pub grid_n: GridSize,
    /// Lower end of the grid (with --grid-max).
    #[arg(long, allow_hyphen_values = true, requires = "grid_max")]
    pub grid_min: Option<f64>,
    /// Upper end of the grid (with --grid-min).
    #[arg(long, allow_hyphen_values = true, requires = "grid_min")]
    pub grid_max: Option<f64>,
}

/// A method error in the file: an error about one value names its row.
fn placed(
    e: KdeError,
    t: &rurban_core::Table,
    g: &[(String, Vec<usize>)],
    column: &str,
) -> anyhow::Error {
    match (e.position(), &e) {
        (Some((group, i)), KdeError::NonFinite { value, .. }) => at_value(
            t,
            g,
            column,
            Some(group),
            i,
            &format!("{value} is not a finite number"),
        ),
        (Some((group, i)), KdeError::InvalidGridRange { at: Some(at), .. }) => at_value(
            t,
            g,
            column,
            Some(group),
            i,
            &format!(
                "value {:e} is too large: the bandwidth or the grid around the values overflows a 64-bit float; rescale the column",
                at.value
            ),
        ),
        _ => anyhow::anyhow!("{}: {e}", t.path.display()),
    }
}

/// Runs `rurban kde`.
pub fn run(args: KdeArgs) -> Result<()> {
    // every setting is checked already but the grid range
    let params = KdeParams::new(
        args.kernel,
        args.bandwidth,
        args.grid_n,
        args.grid_min.zip(args.grid_max),
    )?;
    let t = args.input.read()?;
    let g = groups(&t, args.by.as_deref())?;
    let data = values_by_group(&t, &args.column, &g)?;
    let res = params
        .fit(&data)
        .map_err(|e| placed(e, &t, &g, &args.column))?;
    match args.input.format {
        Format::Json => emit_json(serde_json::to_value(&res)?, &[]),
        Format::Human => {
            let mut tab = table(&[
                "group",
                "n",
                "bandwidth",
                "mode",
                "peaks",
                "peak height",
                "spread",
            ]);
            for g in &res.groups {
                let peaks: Vec<String> = g.peaks.iter().map(|p| fmt4(p.x)).collect();
                tab.add_row(vec![
                    g.key.clone(),
                    g.n.to_string(),
                    fmt4(g.bandwidth),
                    fmt4(g.mode),
                    peaks.join(", "),
                    fmt4(g.peak_height),
                    fmt4(g.spread),
                ]);
            }
            outln!(
                "{} kernel density of '{}' ({} bandwidth, {} grid points)",
                res.kernel.name(),
                args.column,
                res.bandwidth_rule,
                args.grid_n
            )?;
            outln!("{tab}")?;
            Ok(())
        }
    }
}
