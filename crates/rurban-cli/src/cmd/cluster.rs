//! `rurban cluster`: rows into clusters and tiers.

use anyhow::{Result, anyhow};
use clap::{Args, ValueEnum};
use rurban_cluster::{ClusterOptions, Method};
use rurban_core::table::IdColumn;

use super::common::{InputArgs, data_columns, in_file, numeric_matrix};
use crate::output::{Format, emit_json, fmt4, print_warnings, table};

/// Clustering method.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MethodArg {
    Kmeans,
    Ward,
    Complete,
    Average,
    Single,
}

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
    /// Clustering method.
    #[arg(long, value_enum)]
    pub method: MethodArg,
    /// Number of clusters.
    #[arg(long)]
    pub k: usize,
    /// Seed of the k-means++ starts.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Z-score every column (sample standard deviation) first.
    #[arg(long)]
    pub standardize: bool,
}

/// Runs `rurban cluster`.
pub fn run(args: ClusterArgs) -> Result<()> {
    let t = args.input.read()?;
    let label_col = match &args.label_column {
        Some(c) => Some(t.require(c)?),
        None => t.id_column(IdColumn::Region, None)?,
    };
    let cols = data_columns(&t, &args.columns, label_col, "cluster")?;
    let labels: Vec<String> = match label_col {
        Some(c) => t.text(c).into_iter().map(String::from).collect(),
        None => (1..=t.n_rows()).map(|i| i.to_string()).collect(),
    };
    let data = numeric_matrix(&t, &cols)?;
    let method = match args.method {
        MethodArg::Kmeans => Method::Kmeans,
        MethodArg::Ward => Method::Ward,
        MethodArg::Complete => Method::Complete,
        MethodArg::Average => Method::Average,
        MethodArg::Single => Method::Single,
    };
    let mut opts = ClusterOptions::new(method, args.k);
    opts.seed = args.seed;
    opts.standardize = args.standardize;
    opts.column_names = cols.iter().map(|&c| t.headers[c].clone()).collect();
    let res = rurban_cluster::cluster(&labels, &data.view(), &opts).map_err(in_file(&t))?;
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
            print!("{:?} clustering into k = {}", method, res.k);
            if let Some(i) = res.inertia {
                print!(" (inertia {})", fmt4(i));
            }
            println!(":\n{tab}");
            Ok(())
        }
    }
}
