//! `rurban classify`: map classes (quantile, equal interval, Fisher-Jenks).

use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use rurban_spatial::classify::{ClassGroup, ClassMethod, bins, class_of};
use serde_json::json;

use super::common::{InputArgs, groups, in_file, values_by_group};
use crate::output::{Format, emit_json, fmt4, table};

/// `--method` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MethodArg {
    /// Quantiles.
    Quantile,
    /// Equal intervals.
    Equal,
    /// Fisher-Jenks natural breaks.
    Jenks,
}

impl MethodArg {
    fn method(self) -> ClassMethod {
        match self {
            MethodArg::Quantile => ClassMethod::Quantile,
            MethodArg::Equal => ClassMethod::Equal,
            MethodArg::Jenks => ClassMethod::Jenks,
        }
    }
}

/// Arguments of `rurban classify`.
#[derive(Debug, Args)]
pub struct ClassifyArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The column to classify.
    #[arg(long)]
    pub column: String,
    /// Classification method.
    #[arg(long, value_enum)]
    pub method: MethodArg,
    /// Number of classes.
    #[arg(long)]
    pub k: usize,
    /// Repeat for each value of this column (e.g. year).
    #[arg(long)]
    pub by: Option<String>,
}

/// Runs `rurban classify`.
pub fn run(args: ClassifyArgs) -> Result<()> {
    if args.k == 0 {
        bail!("--k must be at least 1");
    }
    let t = args.input.read()?;
    let g = groups(&t, args.by.as_deref())?;
    let vg = values_by_group(&t, &args.column, &g)?;
    let method = args.method.method();
    let mut out = Vec::with_capacity(vg.len());
    for (key, x) in vg {
        let b = bins(&x, method, args.k)
            .map_err(|e| anyhow::anyhow!("group {key}: {e}"))
            .map_err(in_file(&t))?;
        let classes: Vec<usize> = x.iter().map(|&v| class_of(v, &b)).collect();
        let mut counts = vec![0; b.len()];
        for &c in &classes {
            counts[c] += 1;
        }
        out.push(ClassGroup {
            key,
            bins: b,
            counts,
            classes,
        });
    }
    match args.input.format {
        Format::Json => emit_json(json!({"method": method, "k": args.k, "groups": out}), &[]),
        Format::Human => {
            let mut tab = table(&["group", "class", "upper bound", "count"]);
            for g in &out {
                for (c, (b, n)) in g.bins.iter().zip(&g.counts).enumerate() {
                    tab.add_row(vec![g.key.clone(), c.to_string(), fmt4(*b), n.to_string()]);
                }
            }
            println!(
                "Map classes of '{}' ({:?}, k = {}):\n{tab}",
                args.column, method, args.k
            );
            Ok(())
        }
    }
}
