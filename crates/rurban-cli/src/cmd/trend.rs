//! `rurban trend`: OLS slope, Mann-Kendall test and Sen's slope of a column
//! against x (the year by default), per group.

use crate::output::outln;
use anyhow::{Result, bail};
use clap::Args;
use rurban_core::Table;
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
    let (series, used) = series_of(&t, &g, &values, &xs, (c, xcol))?;
    let res = rurban_trend::trend_report(&series, args.alpha)
        .map_err(|e| trend_error(&t, &used, (c, xcol), e))?;
    let warnings: Vec<String> = dropped_rows_warning(&t, c, &values).into_iter().collect();
    match args.input.format {
        Format::Json => emit_json(serde_json::to_value(&res)?, &warnings),
        Format::Human => {
            print_warnings(&warnings);
            let against = xcol
                .map(|x| format!("'{}'", t.headers[x]))
                .unwrap_or_else(|| "the row number".into());
            outln!(
                "Trend of '{}' against {against} (OLS, Mann-Kendall at alpha {}, Sen's slope)",
                t.headers[c],
                res.alpha
            )?;
            outln!("{}", human_table(&res))?;
            Ok(())
        }
    }
}

/// The series and, for each group, the data rows of its points.
type Series = (Vec<rurban_trend::Series>, Vec<(String, Vec<usize>)>);

/// The (x, value) series of each group, rows with a missing value left out,
/// with the data rows of each series' points (to place an error about a
/// point); a row with a value but no x is an error.
fn series_of(
    t: &Table,
    groups: &[(String, Vec<usize>)],
    values: &[Option<f64>],
    xs: &[Option<f64>],
    (c, xcol): (usize, Option<usize>),
) -> Result<Series> {
    let mut series = Vec::with_capacity(groups.len());
    let mut used = Vec::with_capacity(groups.len());
    for (key, rows) in groups {
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
    Ok((series, used))
}

/// A trend error placed in the file: an overflow names the file row and
/// column of the point it is about.
fn trend_error(
    t: &Table,
    used: &[(String, Vec<usize>)],
    (c, xcol): (usize, Option<usize>),
    e: TrendError,
) -> anyhow::Error {
    let TrendError::Overflow {
        group,
        what,
        point,
        value,
        stat,
    } = &e
    else {
        return in_file(t)(e);
    };
    let name = match (*what, xcol) {
        ("x", Some(xc)) => t.headers[xc].as_str(),
        ("x", None) => return in_file(t)(e),
        _ => t.headers[c].as_str(),
    };
    let cause = format!(
        "{what} {value:e} is too large: the {stat} overflows a 64-bit float; rescale the column"
    );
    at_value(t, used, name, Some(group), point - 1, &cause)
}

/// The warning that names the rows left out for a missing value (the first
/// [`LISTED_ROWS`] of them).
fn dropped_rows_warning(t: &Table, c: usize, values: &[Option<f64>]) -> Option<String> {
    let dropped: Vec<usize> = (0..t.n_rows()).filter(|&i| values[i].is_none()).collect();
    if dropped.is_empty() {
        return None;
    }
    let mut listed: Vec<String> = dropped
        .iter()
        .take(LISTED_ROWS)
        .map(|i| (i + 1).to_string())
        .collect();
    if dropped.len() > LISTED_ROWS {
        listed.push("...".into());
    }
    Some(format!(
        "{}: {} row(s) with a missing '{}' left out (rows {})",
        t.path.display(),
        dropped.len(),
        t.headers[c],
        listed.join(", ")
    ))
}

/// The trend statistics of every group as a table for the terminal.
fn human_table(res: &rurban_trend::TrendReport) -> comfy_table::Table {
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
    tab
}

/// A p value for people: 4 decimals, or scientific below 0.0001.
fn fmt_p(p: f64) -> String {
    if p > 0.0 && p < 1e-4 {
        format!("{p:.1e}")
    } else {
        fmt4(p)
    }
}
