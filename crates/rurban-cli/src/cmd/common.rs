//! Arguments and helpers shared by the method subcommands.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use rurban_core::table::order_keys;
use rurban_core::{ReadOptions, Table};

use crate::output::Format;

/// `--input F [--sheet S] [--encoding E] [--format json]`.
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Input table (CSV, TSV or XLSX).
    #[arg(long, short = 'i', value_name = "FILE")]
    pub input: PathBuf,
    /// Sheet of an XLSX workbook (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Text encoding of a CSV file (default: UTF-8, else GB18030).
    #[arg(long)]
    pub encoding: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

impl InputArgs {
    /// Reads the input table.
    pub fn read(&self) -> Result<Table> {
        Ok(Table::read(
            &self.input,
            &ReadOptions {
                encoding: self.encoding.clone(),
                sheet: self.sheet.clone(),
            },
        )?)
    }
}

/// Splits a comma-separated list argument.
pub fn split_list(s: &Option<String>) -> Vec<String> {
    s.as_deref()
        .map(|s| {
            s.split(',')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// Row indices per group of `--by COL` (all rows under key `"all"` without it),
/// groups ordered numerically when every key is a number, else lexically.
pub fn groups(table: &Table, by: Option<&str>) -> Result<Vec<(String, Vec<usize>)>> {
    let Some(col) = by else {
        return Ok(vec![("all".to_string(), (0..table.n_rows()).collect())]);
    };
    let c = table.require(col)?;
    // Keys that are the same number are the same group (2011 and 2011.0),
    // shown as the integer when integral.
    let keys: Vec<String> = table
        .keys(c)?
        .into_iter()
        .map(|k| match k.parse::<f64>() {
            Ok(v) if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15 => {
                format!("{}", v as i64)
            }
            _ => k,
        })
        .collect();
    let mut distinct: Vec<String> = Vec::new();
    for k in &keys {
        if !distinct.contains(k) {
            distinct.push(k.clone());
        }
    }
    order_keys(&mut distinct);
    Ok(distinct
        .into_iter()
        .map(|k| {
            let rows = keys
                .iter()
                .enumerate()
                .filter(|(_, x)| **x == k)
                .map(|(i, _)| i)
                .collect();
            (k, rows)
        })
        .collect())
}

/// The values of numeric column `column` for each group (a missing or
/// non-numeric cell is an error naming row and column).
pub fn values_by_group(
    table: &Table,
    column: &str,
    groups: &[(String, Vec<usize>)],
) -> Result<Vec<(String, Vec<f64>)>> {
    let c = table.require(column)?;
    let values = table.numbers_complete(c)?;
    Ok(groups
        .iter()
        .map(|(k, rows)| (k.clone(), rows.iter().map(|&i| values[i]).collect()))
        .collect())
}

/// The error about the `index`-th (0-based) value of group `group` (the only
/// group when `None`) of `column`, placed at its row in the file: `FILE, row
/// R, column 'C': cause`, with R the 1-based data row (header not counted),
/// as every error of the command line names its row.
pub fn at_value(
    table: &Table,
    groups: &[(String, Vec<usize>)],
    column: &str,
    group: Option<&str>,
    index: usize,
    cause: &str,
) -> anyhow::Error {
    let rows = match group {
        Some(key) => groups.iter().find(|(k, _)| k == key).map(|(_, r)| r),
        None => groups.first().map(|(_, r)| r),
    };
    match rows.and_then(|r| r.get(index)) {
        Some(&row) => anyhow::anyhow!(
            "{}, row {}, column '{column}': {cause}",
            table.path.display(),
            row + 1
        ),
        None => anyhow::anyhow!("{}, column '{column}': {cause}", table.path.display()),
    }
}

/// Prefixes a method error with the input file.
pub fn in_file<E: std::fmt::Display>(table: &Table) -> impl Fn(E) -> anyhow::Error + '_ {
    move |e| anyhow::anyhow!("{}: {e}", table.path.display())
}

/// The numeric data columns of a method subcommand: those `--columns` picks,
/// else every column but the identifier columns (region and year aliases)
/// and `exclude` (e.g. a label column). None is an error saying `what` they
/// were wanted for.
pub fn data_columns(
    table: &Table,
    picked: &Option<String>,
    exclude: Option<usize>,
    what: &str,
) -> Result<Vec<usize>> {
    use rurban_core::table::IdColumn;
    if let Some(given) = picked
        && split_list(picked).is_empty()
    {
        anyhow::bail!(
            "--columns '{}' names no column: list the columns to {what}, or leave --columns out for all",
            rurban_core::clip(given)
        );
    }
    let picked = split_list(picked);
    for (i, c) in picked.iter().enumerate() {
        if picked[..i].contains(c) {
            anyhow::bail!("--columns names '{}' twice", rurban_core::clip(c));
        }
    }
    let cols: Vec<usize> = if picked.is_empty() {
        let r = table.id_column(IdColumn::Region, None)?;
        let y = table.id_column(IdColumn::Year, None)?;
        (0..table.headers.len())
            .filter(|c| ![r, y, exclude].contains(&Some(*c)))
            .collect()
    } else {
        picked
            .iter()
            .map(|c| table.require(c))
            .collect::<Result<_, _>>()?
    };
    if cols.is_empty() {
        anyhow::bail!("{}: no numeric columns to {what}", table.path.display());
    }
    Ok(cols)
}

/// The given columns as a rows x columns matrix; a missing or non-numeric
/// cell is an error naming row and column.
pub fn numeric_matrix(table: &Table, cols: &[usize]) -> Result<ndarray::Array2<f64>> {
    let mut data = ndarray::Array2::<f64>::zeros((table.n_rows(), cols.len()));
    for (j, &c) in cols.iter().enumerate() {
        for (i, v) in table.numbers_complete(c)?.into_iter().enumerate() {
            data[[i, j]] = v;
        }
    }
    Ok(data)
}

/// A table's `cols` pivoted into series: one row per value of `label_col`
/// (first appearance order), one feature per column and value of
/// `series_col` (ordered as `--by` orders groups), named `"COL KEY"`. A
/// missing combination or a repeated one is an error naming it.
pub fn series_matrix(
    t: &Table,
    label_col: usize,
    series_col: usize,
    cols: &[usize],
) -> Result<(Vec<String>, ndarray::Array2<f64>, Vec<String>)> {
    let labels_all: Vec<String> = t.text(label_col).into_iter().map(String::from).collect();
    let mut labels: Vec<String> = Vec::new();
    for l in &labels_all {
        if !labels.contains(l) {
            labels.push(l.clone());
        }
    }
    let keys = groups(t, Some(&t.headers[series_col]))?;
    let m = keys.len() * cols.len();
    let mut data = ndarray::Array2::<f64>::from_elem((labels.len(), m), f64::NAN);
    let mut names = Vec::with_capacity(m);
    for &c in cols {
        for (key, _) in &keys {
            names.push(format!("{} {key}", t.headers[c]));
        }
    }
    for (j, &c) in cols.iter().enumerate() {
        let values = t.numbers_complete(c)?;
        for (g, (key, rows)) in keys.iter().enumerate() {
            for &r in rows {
                let i = labels.iter().position(|l| *l == labels_all[r]).unwrap_or(0);
                let cell = &mut data[[i, j * keys.len() + g]];
                if !cell.is_nan() {
                    anyhow::bail!(
                        "{}, row {}: '{}' has two rows for {} {key}",
                        t.path.display(),
                        r + 1,
                        rurban_core::clip(&labels_all[r]),
                        t.headers[series_col]
                    );
                }
                *cell = values[r];
            }
        }
    }
    if let Some(((i, f), _)) = data.indexed_iter().find(|(_, v)| v.is_nan()) {
        anyhow::bail!(
            "{}: '{}' has no row for {}: every label needs every value of --series",
            t.path.display(),
            rurban_core::clip(&labels[i]),
            names[f]
        );
    }
    Ok((labels, data, names))
}
