//! `rurban convergence`: sigma and absolute beta convergence.

use crate::output::outln;
use anyhow::{Result, anyhow};
use clap::Args;
use rurban_core::table::IdColumn;

use super::common::{InputArgs, in_file};
use crate::output::{Format, emit_json, fmt4, print_warnings, table};

/// Arguments of `rurban convergence`.
#[derive(Debug, Args)]
pub struct ConvergenceArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The column whose convergence is measured.
    #[arg(long)]
    pub column: String,
    /// Region column (default: the region alias).
    #[arg(long)]
    pub region_column: Option<String>,
    /// Year column (default: the year alias).
    #[arg(long)]
    pub year_column: Option<String>,
}

/// Runs `rurban convergence`.
pub fn run(args: ConvergenceArgs) -> Result<()> {
    let t = args.input.read()?;
    let rc = t
        .id_column(IdColumn::Region, args.region_column.as_deref())?
        .ok_or_else(|| {
            anyhow!(
                "{}: no region column (name one 'region', or pass --region-column)",
                t.path.display()
            )
        })?;
    let yc = t
        .id_column(IdColumn::Year, args.year_column.as_deref())?
        .ok_or_else(|| {
            anyhow!(
                "{}: no year column (name one 'year', or pass --year-column)",
                t.path.display()
            )
        })?;
    let regions = t.keys(rc)?;
    let years = t.years(yc)?;
    let c = t.require(&args.column)?;
    let values = t.numbers(c)?;
    let rows: Vec<(String, i64, f64)> = regions
        .into_iter()
        .zip(years)
        .zip(values)
        .map(|((r, y), v)| (r, y, v.unwrap_or(f64::NAN)))
        .collect();
    let mut res = rurban_convergence::convergence_report(&rows).map_err(|e| match &e {
        rurban_convergence::ConvergenceError::Overflow { region, year, .. } => {
            let row = rows
                .iter()
                .position(|(r, y, _)| r == region && y == year)
                .map(|i| format!(", row {}", i + 1))
                .unwrap_or_default();
            anyhow!(
                "{}{row}, column '{}': {e}",
                t.path.display(),
                rurban_core::clip(&t.headers[c])
            )
        }
        _ => in_file(&t)(e),
    })?;
    if let Some(w) = t.date_year_warning(yc) {
        res.warnings.insert(0, w);
    }
    match args.input.format {
        Format::Json => emit_json(serde_json::to_value(&res)?, &res.warnings),
        Format::Human => {
            print_warnings(&res.warnings);
            let mut tab = table(&["year", "cv"]);
            for s in &res.sigma {
                tab.add_row(vec![s.year.to_string(), fmt4(s.cv)]);
            }
            outln!("Sigma convergence of '{}':\n{tab}", args.column)?;
            let b = &res.beta;
            let mut tab = table(&["b", "se", "t", "p", "R^2", "lambda", "half-life", "n"]);
            let opt = |x: Option<f64>| x.map(fmt4).unwrap_or_else(|| "-".into());
            tab.add_row(vec![
                fmt4(b.b),
                fmt4(b.se),
                fmt4(b.t),
                fmt4(b.p),
                fmt4(b.r2),
                opt(b.lambda),
                opt(b.half_life),
                b.n.to_string(),
            ]);
            outln!("\nAbsolute beta convergence (growth on initial log level):\n{tab}")?;
            Ok(())
        }
    }
}
