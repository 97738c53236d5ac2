//! `rurban kde`: kernel density of a column, per group.

use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use rurban_kde::{Bandwidth, KdeOptions, Kernel};

use super::common::{InputArgs, groups, in_file, values_by_group};
use crate::output::{Format, emit_json, fmt4, table};

/// Kernel choice.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KernelArg {
    Gaussian,
    Epanechnikov,
}

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
    /// Smoothing kernel.
    #[arg(long, value_enum, default_value = "gaussian")]
    pub kernel: KernelArg,
    /// silverman, scott, or a number (the bandwidth itself).
    #[arg(long, default_value = "silverman")]
    pub bandwidth: String,
    /// Number of grid points.
    #[arg(long, default_value_t = 512)]
    pub grid_n: usize,
    /// Lower end of the grid (with --grid-max).
    #[arg(long, allow_hyphen_values = true, requires = "grid_max")]
    pub grid_min: Option<f64>,
    /// Upper end of the grid (with --grid-min).
    #[arg(long, allow_hyphen_values = true, requires = "grid_min")]
    pub grid_max: Option<f64>,
}

/// Parses `silverman`, `scott` or a positive number.
pub fn parse_bandwidth(s: &str) -> Result<Bandwidth> {
    Ok(match s.trim().to_ascii_lowercase().as_str() {
        "silverman" => Bandwidth::Silverman,
        "scott" => Bandwidth::Scott,
        other => match other.parse::<f64>() {
            Ok(h) if h.is_finite() && h > 0.0 => Bandwidth::Fixed(h),
            _ => bail!("--bandwidth must be silverman, scott or a number > 0, got '{s}'"),
        },
    })
}

/// Runs `rurban kde`.
pub fn run(args: KdeArgs) -> Result<()> {
    let t = args.input.read()?;
    let g = groups(&t, args.by.as_deref())?;
    let data = values_by_group(&t, &args.column, &g)?;
    let options = KdeOptions {
        kernel: match args.kernel {
            KernelArg::Gaussian => Kernel::Gaussian,
            KernelArg::Epanechnikov => Kernel::Epanechnikov,
        },
        bandwidth: parse_bandwidth(&args.bandwidth)?,
        grid_n: args.grid_n,
        grid_range: args.grid_min.zip(args.grid_max),
        binned: false,
    };
    let res = rurban_kde::kde(&data, &options).map_err(in_file(&t))?;
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
            println!(
                "{} kernel density of '{}' ({} bandwidth, {} grid points)",
                res.kernel.name(),
                args.column,
                res.bandwidth_rule,
                args.grid_n
            );
            println!("{tab}");
            Ok(())
        }
    }
}
