//! `rurban cluster`: rows into clusters and tiers.

use crate::output::{out, outln};
use anyhow::{Result, anyhow};
use clap::Args;
use rurban_cluster::{ClusterInput, ClusterOptions, Fit, Method, ParamGuard};
use rurban_core::table::IdColumn;

use super::common::{InputArgs, data_columns, in_file, numeric_matrix};
use crate::output::{Format, emit_json, fmt4, print_warnings, table};

/// Arguments of `rurban cluster`.
#[derive(Debug, Args)]
pub struct ClusterArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Feature columns (default: every column but the label, region and year columns).
    #[arg(long, value_name = "C1,C2")]
    pub columns: Option<String>,
    /// Column naming each row (default: the region column, else the row number).
    #[arg(long)]
    pub label_column: Option<String>,
    /// Clustering method: kmeans, ward, complete, average or single (any case).
    #[arg(long)]
    pub method: Method,
    /// Number of clusters.
    #[arg(long)]
    pub k: usize,
    /// Seed of the k-means++ starts.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Z-score every column (sample standard deviation) first.
    #[arg(long)]
    pub standardize: bool,
    /// Cluster series instead of rows: one point per label (region), with
    /// one feature per column and value of this column (e.g. `--series
    /// year` on scores.csv: each region's composite series, as `rurban
    /// run` clusters it).
    #[arg(long, value_name = "COL")]
    pub series: Option<String>,
}

/// Runs `rurban cluster`.
pub fn run(args: ClusterArgs) -> Result<()> {
    let mut opts = ClusterOptions::new(args.method, args.k);
    opts.seed = args.seed;
    opts.standardize = args.standardize;
    let params = opts
        .check()
        .map_err(|e| anyhow!("{}: {e}", args.input.input.display()))?;
    let method = params.method();
    let t = args.input.read()?;
    let label_col = match &args.label_column {
        Some(c) => Some(t.require(c)?),
        None => t.id_column(IdColumn::Region, None)?,
    };
    let series_col = args.series.as_deref().map(|c| t.require(c)).transpose()?;
    let year_col = match series_col {
        Some(c) => Some(c),
        None => t.id_column(IdColumn::Year, None)?,
    };
    let exclude: Vec<usize> = label_col.into_iter().chain(year_col).collect();
    let cols = data_columns(&t, &args.columns, label_col, "cluster")?;
    let cols: Vec<usize> = cols.into_iter().filter(|c| !exclude.contains(c)).collect();
    let (labels, data, names) = match series_col {
        Some(sc) => {
            let lc = label_col.ok_or_else(|| {
                anyhow!(
                    "{}: --series needs a label column (region, or --label-column)",
                    t.path.display()
                )
            })?;
            super::common::series_matrix(&t, lc, sc, &cols)?
        }
        None => {
            // Rows of a panel (region and year columns) are labelled
            // "region year", so the tiers of one region's years can be told apart.
            let labels: Vec<String> = match (label_col, year_col) {
                (Some(c), Some(y)) => t
                    .text(c)
                    .into_iter()
                    .zip(t.text(y))
                    .map(|(r, y)| format!("{r} {y}"))
                    .collect(),
                (Some(c), None) => t.text(c).into_iter().map(String::from).collect(),
                _ => (1..=t.n_rows()).map(|i| i.to_string()).collect(),
            };
            let names = cols.iter().map(|&c| t.headers[c].clone()).collect();
            (labels, numeric_matrix(&t, &cols)?, names)
        }
    };
    let params = params.with_column_names(names);
    let input = ClusterInput {
        labels: &labels,
        data: data.view(),
    };
    // a cluster error names its 1-based row, which is the file's data row
    let res = params.fit(&input).map_err(in_file(&t))?;
    match args.input.format {
        Format::Json => emit_json(
            serde_json::to_value(&res).map_err(|e| anyhow!(e))?,
            &res.warnings,
        ),
        Format::Human => {
            print_warnings(&res.warnings);
            let mut tab = table(&["label", "cluster", "tier"]);
            for l in &res.labels {
                tab.add_row(vec![
                    l.label.clone(),
                    l.cluster.to_string(),
                    l.tier.to_string(),
                ]);
            }
            out!("{:?} clustering into k = {}", method, res.k)?;
            if let Some(i) = res.inertia {
                out!(" (inertia {})", fmt4(i))?;
            }
            outln!(":\n{tab}")?;
            Ok(())
        }
    }
}
