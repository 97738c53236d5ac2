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
    let keys = table.keys(c)?;
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

/// Prefixes a method error with the input file.
pub fn in_file<E: std::fmt::Display>(table: &Table) -> impl Fn(E) -> anyhow::Error + '_ {
    move |e| anyhow::anyhow!("{}: {e}", table.path.display())
}
