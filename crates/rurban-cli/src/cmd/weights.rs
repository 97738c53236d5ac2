//! `rurban weights`: indicator weights of a table.

use crate::output::outln;
use anyhow::{Result, bail};
use clap::Args;
use rurban_core::Direction;
use serde_json::json;

use super::common::{InputArgs, data_columns, numeric_matrix, split_list};
use crate::output::{Format, emit_json, fmt4, print_warnings, table};
use crate::resolver::Resolver;

/// Arguments of `rurban weights`.
#[derive(Debug, Args)]
pub struct WeightsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// entropy, critic, stddev, cv, equal, or a loaded weighting plugin.
    #[arg(long, short = 'm')]
    pub method: String,
    /// Columns whose smaller values are better.
    #[arg(long, value_name = "C1,C2")]
    pub negative: Option<String>,
    /// Entropy shift S added to every normalised value (finite, >= 0).
    #[arg(long, default_value = "0", allow_hyphen_values = true)]
    pub shift: rurban_weighting::Shift,
    /// Use only these columns (default: every column but region/year).
    #[arg(long, value_name = "C1,C2")]
    pub columns: Option<String>,
}

/// Runs `rurban weights`.
pub fn run(args: WeightsArgs, resolver: &Resolver) -> Result<()> {
    use rurban_pipeline::Resolve;
    let scheme = match resolver.weighting(&args.method) {
        Some(s) => s,
        None => bail!(
            "unknown weighting method '{}' (known: {})",
            args.method,
            resolver.weighting_names().join(", ")
        ),
    };
    let t = args.input.read()?;
    let cols = data_columns(&t, &args.columns, None, "weight")?;
    let names: Vec<String> = cols.iter().map(|&c| t.headers[c].clone()).collect();
    let directions = directions(&t, &names, &args.negative)?;
    let n = t.n_rows();
    let raw = numeric_matrix(&t, &cols)?;
    let w = rurban_weighting::compute(
        scheme.as_ref(),
        &names,
        raw.view(),
        &directions,
        args.shift.get(),
        "{}",
    )
    .map_err(|e| anyhow::anyhow!("{}: {e}", t.path.display()))?;
    match args.input.format {
        Format::Json => print_json(&args.method, &names, &directions, &w, n),
        Format::Human => print_human(&args.method, &t, &names, &directions, &w),
    }
}

/// The direction of each column: negative when `--negative` names it.
fn directions(
    t: &rurban_core::Table,
    names: &[String],
    negative: &Option<String>,
) -> Result<Vec<Direction>> {
    let negative = split_list(negative);
    for n in &negative {
        if !names.iter().any(|x| x == n) {
            bail!(
                "{}: --negative names column '{n}', which is not an indicator column (columns: {})",
                t.path.display(),
                names.join(", ")
            );
        }
    }
    Ok(names
        .iter()
        .map(|n| {
            if negative.contains(n) {
                Direction::Negative
            } else {
                Direction::Positive
            }
        })
        .collect())
}

/// The weights as the contract's JSON document.
fn print_json(
    method: &str,
    names: &[String],
    directions: &[Direction],
    w: &rurban_weighting::Weights,
    n: usize,
) -> Result<()> {
    // `directions` ("+" or "-", in column order) goes beyond the contract's
    // keys, so a reader can see which columns --negative flipped.
    let directions: Vec<&str> = directions.iter().map(|d| d.symbol()).collect();
    let mut doc = json!({
        "method": method,
        "indicators": names,
        "directions": directions,
        "weights": w.weights,
        "n": n,
    });
    if let Some(e) = &w.entropy {
        doc["entropy"] = json!(e);
    }
    emit_json(doc, &w.warnings)
}

/// The weights as a table for the terminal.
fn print_human(
    method: &str,
    t: &rurban_core::Table,
    names: &[String],
    directions: &[Direction],
    w: &rurban_weighting::Weights,
) -> Result<()> {
    print_warnings(&w.warnings);
    let mut header = vec!["indicator", "direction", "weight"];
    if w.entropy.is_some() {
        header.push("entropy");
    }
    let mut tab = table(&header);
    for (j, name) in names.iter().enumerate() {
        let mut row = vec![
            name.clone(),
            directions[j].symbol().into(),
            fmt4(w.weights[j]),
        ];
        if let Some(e) = &w.entropy {
            row.push(fmt4(e[j]));
        }
        tab.add_row(row);
    }
    outln!(
        "{method} weights over {} rows of {}",
        t.n_rows(),
        t.path.display()
    )?;
    outln!("{tab}")?;
    Ok(())
}
