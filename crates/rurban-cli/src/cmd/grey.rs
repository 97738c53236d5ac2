//! `rurban grey`: grey relational analysis.

use crate::output::outln;
use anyhow::{Result, anyhow, bail};
use clap::Args;
use rurban_grey::{Fit, GreyError, GreyInput, GreyOptions, Normalization, ParamGuard};

use super::common::{InputArgs, in_file, split_list};
use crate::output::{Format, emit_json, fmt4, table};

/// Arguments of `rurban grey`.
#[derive(Debug, Args)]
pub struct GreyArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The reference sequence (column).
    #[arg(long)]
    pub reference: String,
    /// The compared sequences (columns).
    #[arg(long, value_name = "C1,C2")]
    pub compare: String,
    /// mean, initial, minmax or none (any case).
    #[arg(long, default_value = "mean")]
    pub normalization: Normalization,
    /// Distinguishing coefficient, in (0, 1].
    #[arg(long, default_value_t = 0.5, allow_hyphen_values = true)]
    pub rho: f64,
    /// Average each column over the rows sharing a value of this column
    /// first (e.g. `--mean-by year` on scores.csv: the yearly means across
    /// regions, the series `rurban run` relates); without it every row is a
    /// point of the sequences.
    #[arg(long, value_name = "COL")]
    pub mean_by: Option<String>,
}

/// Runs `rurban grey`.
pub fn run(args: GreyArgs) -> Result<()> {
    let params = GreyOptions {
        normalization: args.normalization,
        rho: args.rho,
    }
    .check()
    .map_err(|e| anyhow!("{}: {e}", args.input.input.display()))?;
    let t = args.input.read()?;
    let groups = super::common::groups(&t, args.mean_by.as_deref())?;
    let series = |c: usize| -> Result<Vec<f64>> {
        let v = t.numbers_complete(c)?;
        Ok(match &args.mean_by {
            None => v,
            Some(_) => groups
                .iter()
                .map(|(_, rows)| rows.iter().map(|&r| v[r]).sum::<f64>() / rows.len() as f64)
                .collect(),
        })
    };
    let reference = series(t.require(&args.reference)?)?;
    let names = split_list(&Some(args.compare.clone()));
    if names.is_empty() {
        bail!("--compare names no columns");
    }
    let compare: Vec<(String, Vec<f64>)> = names
        .iter()
        .map(|n| Ok((n.clone(), series(t.require(n)?)?)))
        .collect::<Result<_>>()?;
    let res = params
        .fit(&GreyInput {
            reference_name: &args.reference,
            reference: &reference,
            compare: &compare,
        })
        .map_err(|e| match &e {
            // A point is a data row (every value of the columns is present).
            GreyError::Overflow {
                column,
                index,
                value,
                what,
            } => anyhow!(
                "{}, row {}, column '{}': value {value:e} is too large: the {what} overflows a 64-bit float; rescale the column",
                t.path.display(),
                index + 1,
                rurban_core::clip(column)
            ),
            _ => in_file(&t)(e),
        })?;
    match args.input.format {
        Format::Json => emit_json(serde_json::to_value(&res)?, &[]),
        Format::Human => {
            let mut order: Vec<usize> = (0..res.grades.len()).collect();
            order.sort_by_key(|&i| res.grades[i].rank);
            let mut tab = table(&["rank", "sequence", "grade"]);
            for i in order {
                let g = &res.grades[i];
                tab.add_row(vec![g.rank.to_string(), g.column.clone(), fmt4(g.grade)]);
            }
            outln!(
                "Grey relational grades against '{}' ({} normalisation, rho = {}):\n{tab}",
                args.reference,
                res.normalization.as_str(),
                res.rho
            )?;
            Ok(())
        }
    }
}
