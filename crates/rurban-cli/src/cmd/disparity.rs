//! `rurban disparity`: CV, Theil, Gini and their decompositions.

use crate::output::outln;
use anyhow::Result;
use clap::Args;
use rurban_disparity::{Ddof, DisparityParams, Fit};

use super::common::{InputArgs, at_value, groups};
use crate::output::{Format, emit_json, fmt4, table};

/// Arguments of `rurban disparity`.
#[derive(Debug, Args)]
pub struct DisparityArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The column whose disparity is measured.
    #[arg(long)]
    pub column: String,
    /// Repeat for each value of this column (e.g. year).
    #[arg(long)]
    pub by: Option<String>,
    /// Sub-region column for the Theil and Dagum decompositions.
    #[arg(long)]
    pub group: Option<String>,
    /// Delta degrees of freedom of the standard deviation: 0 or 1.
    #[arg(long, default_value = "1")]
    pub ddof: Ddof,
}

/// Runs `rurban disparity`.
pub fn run(args: DisparityArgs) -> Result<()> {
    let params = DisparityParams::new(args.ddof);
    let t = args.input.read()?;
    let g = groups(&t, args.by.as_deref())?;
    let c = t.require(&args.column)?;
    let values = t.numbers_complete(c)?;
    let labels = match &args.group {
        Some(col) => Some(t.keys(t.require(col)?)?),
        None => None,
    };
    let input: Vec<rurban_disparity::GroupInput> = g
        .iter()
        .map(|(k, rows)| {
            (
                k.clone(),
                rows.iter().map(|&i| values[i]).collect(),
                labels
                    .as_ref()
                    .map(|l| rows.iter().map(|&i| l[i].clone()).collect()),
            )
        })
        .collect();
    // an error about one value (e.g. one that is not positive, which the
    // Theil index needs) names its row in the file
    let res = params.fit(&input).map_err(|e| match e.position() {
        Some((group, i)) => at_value(&t, &g, &t.headers[c], group, i, &e.cause()),
        None => anyhow::anyhow!("{}: {e}", t.path.display()),
    })?;
    match args.input.format {
        Format::Json => emit_json(serde_json::to_value(&res)?, &[]),
        Format::Human => {
            let mut header = vec!["group", "n", "mean", "std", "cv", "theil", "gini"];
            if args.group.is_some() {
                header.extend([
                    "theil within",
                    "theil between",
                    "dagum within",
                    "dagum between",
                    "transvariation",
                ]);
            }
            let mut tab = table(&header);
            for r in &res.groups {
                let mut row = vec![
                    r.key.clone(),
                    r.n.to_string(),
                    fmt4(r.mean),
                    fmt4(r.std),
                    fmt4(r.cv),
                    fmt4(r.theil),
                    fmt4(r.gini),
                ];
                if let (Some(td), Some(d)) = (&r.theil_decomposition, &r.dagum) {
                    row.extend([
                        fmt4(td.within),
                        fmt4(td.between),
                        fmt4(d.within),
                        fmt4(d.between),
                        fmt4(d.transvariation),
                    ]);
                }
                tab.add_row(row);
            }
            outln!("Disparity of '{}' (ddof {})", args.column, res.ddof)?;
            outln!("{tab}")?;
            Ok(())
        }
    }
}
