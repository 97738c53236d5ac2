//! `rurban trend`: OLS slope, Mann-Kendall test and Sen's slope of a column
//! against x (the year by default), per group.

use crate::output::outln;
use anyhow::{Result, bail};
use clap::Args;
use rurban_core::table::IdColumn;
use rurban_trend::TrendError;

use super::common::{InputArgs, at_value, groups, in_file};
use crate::output::{Format, emit_json, fmt4, print_warnings, table};

/// Arguments of `rurban trend`.
#[derive(Debug, Args)]
pub struct TrendArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The column whose trend is tested.
    #[arg(long)]
    pub column: String,
    /// The x column (default: the year column; without one, the 1-based
    /// data row number).
    #[arg(long)]
    pub x: Option<String>,
    /// Repeat for each value of this column (e.g. region).
    #[arg(long)]
    pub by: Option<String>,
    /// Significance level of the Mann-Kendall direction, in (0, 1).
    #[arg(long, default_value_t = rurban_trend::DEFAULT_ALPHA, allow_hyphen_values = true)]
    pub alpha: f64,
}

/// How many dropped rows a warning lists by number.
const LISTED_ROWS: usize = 10;

/// Runs `rurban trend`.
pub fn run(args: TrendArgs) -> Result<()> {
    if !(args.alpha > 0.0 && args.alpha < 1.0) {
        bail!("--alpha must be a number in (0, 1), got {}", args.alpha);
    }
    let t = args.input.read()?;
    let c = t.require(&args.column)?;
    let xcol = match &args.x {
        Some(name) => Some(t.require(name)?),
        None => t.id_column(IdColumn::Year, None)?,
    };
    let g = groups(&t, args.by.as_deref())?;
    let values = t.numbers(c)?;
    // x: the column's numbers, or the 1-based data row number (counted
    // before rows with a missing value are dropped).
    let xs: Vec<Option<f64>> = match xcol {
        Some(xc) => t.numbers(xc)?,
        None => (1..=t.n_rows()).map(|i| Some(i as f64)).collect(),
    };
    let dropped: Vec<usize> = (0..t.n_rows()).filter(|&i| values[i].is_none()).collect();
    let mut series = Vec::with_capacity(g.len());
    // The data rows of each series' points, to place an error about a point.
    let mut used: Vec<(String, Vec<usize>)> = Vec::with_capacity(g.len());
    for (key, rows) in &g {
        let mut r = Vec::with_capacity(rows.len());
        let mut x = Vec::with_capacity(rows.len());
        let mut v = Vec::with_capacity(rows.len());
        for &i in rows {
            let Some(value) = values[i] else { continue };
            let Some(xi) = xs[i] else {
                bail!(
                    "{}: missing x value in a row whose '{}' is given",
                    t.loc(Some(i + 1), xcol),
                    t.headers[c]
                );
            };
            r.push(i);
            x.push(xi);
            v.push(value);
        }
        used.push((key.clone(), r));
        series.push((key.clone(), x, v));
    }
    let res = rurban_trend::trend_report(&series, args.alpha).map_err(|e| match &e {
        TrendError::Overflow {
            group,
            what,
            point,
            value,
            stat,
        } => {
            let (col, name) = match (*what, xcol) {
                ("x", Some(xc)) => (Some(xc), t.headers[xc].as_str()),
                ("x", None) => (None, "row number"),
                _ => (Some(c), t.headers[c].as_str()),
            };
            let cause = format!(
                "{what} {value:e} is too large: the {stat} overflows a 64-bit float; rescale the column"
            );
            match col {
                Some(_) => at_value(&t, &used, name, Some(group), point - 1, &cause),
                None => in_file(&t)(e),
            }
        }
        _ => in_file(&t)(e),
    })?;
    let mut warnings = Vec::new();
    if !dropped.is_empty() {
        let mut listed: Vec<String> = dropped
            .iter()
            .take(LISTED_ROWS)
            .map(|i| (i + 1).to_string())
            .collect();
        if dropped.len() > LISTED_ROWS {
            listed.push("...".into());
        }
        warnings.push(format!(
            "{}: {} row(s) with a missing '{}' left out (rows {})",
            t.path.display(),
            dropped.len(),
            t.headers[c],
            listed.join(", ")
        ));
    }
    match args.input.format {
        Format::Json => emit_json(serde_json::to_value(&res)?, &warnings),
        Format::Human => {
            print_warnings(&warnings);
            let mut tab = table(&[
                "group",
                "n",
                "OLS slope",
                "se",
                "t",
                "p",
                "R²",
                "MK S",
                "z",
                "p",
                "tau",
                "Sen slope",
                "direction",
            ]);
            let opt = |v: Option<f64>| v.map(fmt4).unwrap_or_else(|| "-".into());
            for r in &res.groups {
                tab.add_row(vec![
                    r.key.clone(),
                    r.n.to_string(),
                    fmt4(r.ols.slope),
                    fmt4(r.ols.se),
                    opt(r.ols.t),
                    fmt_p(r.ols.p),
                    opt(r.ols.r2),
                    r.mann_kendall.s.to_string(),
                    fmt4(r.mann_kendall.z),
                    fmt_p(r.mann_kendall.p),
                    fmt4(r.mann_kendall.tau),
                    fmt4(r.sen_slope),
                    r.direction.as_str().to_string(),
                ]);
            }
            let against = xcol
                .map(|x| format!("'{}'", t.headers[x]))
                .unwrap_or_else(|| "the row number".into());
            outln!(
                "Trend of '{}' against {against} (OLS, Mann-Kendall at alpha {}, Sen's slope)",
                t.headers[c],
                res.alpha
            )?;
            outln!("{tab}")?;
            Ok(())
        }
    }
}

/// A p value for people: 4 decimals, or scientific below 0.0001.
fn fmt_p(p: f64) -> String {
    if p > 0.0 && p < 1e-4 {
        format!("{p:.1e}")
    } else {
        fmt4(p)
    }
}
