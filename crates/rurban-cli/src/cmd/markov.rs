//! `rurban markov`: classic and spatial Markov chains of a balanced panel.

use std::collections::HashMap;

use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use rurban_core::Table;
use rurban_core::table::order_keys;
use rurban_geo::{Geography, Transform, WeightsOptions, region_weights};
use rurban_spatial::markov::{ClassScope, MarkovResult, markov};

use super::common::{InputArgs, in_file};
use super::spatial::{GeoArgs, WeightsArgs, distinct, region_column, year_column};
use crate::output::{Format, emit_json, fmt4, print_warnings, table};

/// `--classes` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum ClassesArg {
    /// Quantiles of all region-years pooled.
    #[default]
    Pooled,
    /// Quantiles of each year.
    Year,
}

/// Arguments of `rurban markov`.
#[derive(Debug, Args)]
pub struct MarkovArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The column whose class transitions are counted.
    #[arg(long)]
    pub column: String,
    /// Number of quantile classes.
    #[arg(long, default_value_t = 4)]
    pub k: usize,
    /// Quantiles of all region-years (pooled) or of each year.
    #[arg(long, value_enum, default_value = "pooled")]
    pub classes: ClassesArg,
    #[command(flatten)]
    pub geo: GeoArgs,
    #[command(flatten)]
    pub weights: WeightsArgs,
    /// Number of spatial-lag classes (default: --k); needs --geo.
    #[arg(long, value_name = "M", requires = "geo")]
    pub lag_classes: Option<usize>,
}

/// Runs `rurban markov`.
pub fn run(args: MarkovArgs) -> Result<()> {
    if args.k < 2 {
        bail!("--k must be at least 2, got {}", args.k);
    }
    if args.lag_classes == Some(0) || args.lag_classes == Some(1) {
        bail!("--lag-classes must be at least 2");
    }
    let t = args.input.read()?;
    let rc = region_column(&t)?;
    let yc = year_column(&t)?;
    let regions = t.keys(rc)?;
    let years = t.years(yc)?;
    let values = t.numbers_complete(t.require(&args.column)?)?;
    let Panel {
        regions: order,
        years: year_list,
        series: panel,
    } = balanced_panel(&t, &regions, &years, &values)?;
    let mut warnings = Vec::new();
    let scope = match args.classes {
        ClassesArg::Pooled => ClassScope::Pooled,
        ClassesArg::Year => ClassScope::Year,
    };
    let res = chain(&args, &t, &order, &panel, scope, &mut warnings)?;
    warnings.extend(res.warnings.iter().cloned());
    match args.input.format {
        Format::Json => emit_json(serde_json::to_value(&res)?, &warnings),
        Format::Human => {
            print_warnings(&warnings);
            print_chain(&args, order.len(), &year_list, &res);
            Ok(())
        }
    }
}

/// A balanced panel of one column.
struct Panel {
    /// The regions in order of appearance.
    regions: Vec<String>,
    /// The years in increasing order.
    years: Vec<i64>,
    /// One series per region over the years.
    series: Vec<Vec<f64>>,
}

/// The balanced panel of the column: the regions in order of appearance,
/// the years in increasing order, and one series per region over the
/// years. A region-year twice, fewer than 2 years or a missing
/// region-year is an error.
fn balanced_panel(t: &Table, regions: &[String], years: &[i64], values: &[f64]) -> Result<Panel> {
    let order = distinct(regions);
    let mut year_keys: Vec<String> =
        distinct(&years.iter().map(i64::to_string).collect::<Vec<_>>());
    order_keys(&mut year_keys);
    let year_list: Vec<i64> = year_keys.iter().map(|y| y.parse().unwrap_or(0)).collect();
    let ri: HashMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(i, r)| (r.as_str(), i))
        .collect();
    let yi: HashMap<i64, usize> = year_list.iter().enumerate().map(|(i, y)| (*y, i)).collect();
    let mut cell: Vec<Vec<Option<usize>>> = vec![vec![None; year_list.len()]; order.len()];
    for (row, (r, y)) in regions.iter().zip(years).enumerate() {
        let slot = &mut cell[ri[r.as_str()]][yi[y]];
        if let Some(first) = slot {
            bail!(
                "{}, row {}: region \"{r}\" has a second row for year {y} (first at row {})",
                t.path.display(),
                row + 1,
                *first + 1
            );
        }
        *slot = Some(row);
    }
    if year_list.len() < 2 {
        bail!(
            "{}: the Markov chain needs at least 2 years, the data have {}",
            t.path.display(),
            year_list.len()
        );
    }
    let mut panel = Vec::with_capacity(order.len());
    for (r, row) in order.iter().zip(&cell) {
        let mut series = Vec::with_capacity(year_list.len());
        for (y, c) in year_list.iter().zip(row) {
            match c {
                Some(i) => series.push(values[*i]),
                None => bail!(
                    "{}: the panel is not balanced: region \"{r}\" has no row for year {y} \
                     (the Markov chain needs every region in every year)",
                    t.path.display()
                ),
            }
        }
        panel.push(series);
    }
    Ok(Panel {
        regions: order,
        years: year_list,
        series: panel,
    })
}

/// The classic chain, or the spatial one with --geo (row-standardised
/// weights; a binary transform is overridden with a warning).
fn chain(
    args: &MarkovArgs,
    t: &Table,
    order: &[String],
    panel: &[Vec<f64>],
    scope: ClassScope,
    warnings: &mut Vec<String>,
) -> Result<MarkovResult> {
    Ok(match &args.geo.geo {
        Some(path) => {
            let geo = Geography::open(path, args.geo.key.as_deref(), order)?;
            if args.weights.transform == Transform::Binary {
                warnings.push(
                    "the spatial Markov chain uses row-standardised weights; --transform b is ignored"
                        .to_string(),
                );
            }
            let opts = WeightsOptions {
                kind: args.weights.options().kind,
                transform: Transform::Row,
            };
            let rw = region_weights(&geo, order, &opts)?;
            warnings.extend(rw.warnings.iter().cloned());
            let m = args.lag_classes.unwrap_or(args.k);
            markov(panel, args.k, scope, Some((&rw.weights, m))).map_err(in_file(t))?
        }
        None => markov(panel, args.k, scope, None).map_err(in_file(t))?,
    })
}

/// The chain as tables: the transition matrix, the steady state and, for
/// the spatial chain, one matrix per lag class.
fn print_chain(args: &MarkovArgs, regions: usize, year_list: &[i64], res: &MarkovResult) {
    println!(
        "Markov chain of '{}': {} regions, years {}-{}, k = {}",
        args.column,
        regions,
        year_list[0],
        year_list[year_list.len() - 1],
        res.k
    );
    println!("{}", matrix(&res.probabilities, &res.counts));
    match &res.steady_state {
        Some(s) => println!(
            "steady state: {}",
            s.iter().map(|v| fmt4(*v)).collect::<Vec<_>>().join("  ")
        ),
        None => println!("steady state: none unique"),
    }
    if let Some(sp) = &res.spatial {
        for (l, (p, c)) in sp.probabilities.iter().zip(&sp.counts).enumerate() {
            println!("\nneighbours in lag class {l}:\n{}", matrix(p, c));
        }
    }
}

fn matrix(p: &[Vec<f64>], c: &[Vec<u64>]) -> comfy_table::Table {
    let k = p.len();
    let header: Vec<String> = std::iter::once("from \\ to".to_string())
        .chain((0..k).map(|b| b.to_string()))
        .chain(std::iter::once("n".to_string()))
        .collect();
    let h: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut tab = table(&h);
    for a in 0..k {
        let mut row = vec![a.to_string()];
        row.extend(p[a].iter().map(|v| fmt4(*v)));
        row.push(c[a].iter().sum::<u64>().to_string());
        tab.add_row(row);
    }
    tab
}
