//! K-means and hierarchical clustering of regions into tiers.
//!
//! Rows are objects (regions), columns their features; distances are
//! Euclidean.
//!
//! * Optional standardisation: each column becomes `(x - mean) / s` with `s`
//!   the sample standard deviation (`n - 1`); a constant column is an error.
//! * `kmeans`: `linfa-clustering` k-means with k-means++ starts, best of 10
//!   runs by inertia, seeded `Xoshiro256Plus` (default seed 42), so the same
//!   seed gives the same partition. Inertia is reported as the sum of squared
//!   distances of every row to the mean of its cluster.
//! * `ward`, `complete`, `average`, `single`: agglomerative clustering that
//!   merges exactly as SciPy's `linkage` (Ward heights are the Lance–Williams
//!   Ward distances on Euclidean, not squared, distances), reported in
//!   SciPy's convention (rows `0..n-1`, the i-th merge creates `n + i`,
//!   `[a, b, height, size]` with `a < b`), and cut into clusters as
//!   `fcluster(Z, k, criterion="maxclust")`, with its cluster numbers.
//! * Tiers: clusters ranked by the mean over their members of each row's mean
//!   of the original (unstandardised) features, descending; tier 1 = highest.
//!
//! [`cluster`] is the contract-level entry point: its [`ClusterResult`]
//! serialises to the JSON of `rurban cluster`. The crate does no I/O.

mod hierarchy;
mod kmeans;
mod params;
mod prep;

use ndarray::ArrayView2;
use serde::{Deserialize, Serialize};

pub use hierarchy::{Linkage, Merge, fcluster_maxclust, linkage, pdist_euclidean};
pub use kmeans::{DEFAULT_SEED, KMeansFit, N_RUNS, kmeans, renumber, within_sum_of_squares};
pub use params::{ClusterCount, ClusterInput, ClusterParams};
pub use prep::{standardize, tiers};
pub use rurban_method::{Fit, ParamGuard};

/// Everything that can go wrong in a clustering.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClusterError {
    /// The method needs more memory than the process has.
    #[error("{0}")]
    Memory(String),
    /// The table has no rows.
    #[error("no rows to cluster")]
    NoRows,
    /// The table has no feature columns.
    #[error("no feature columns to cluster on")]
    NoColumns,
    /// Labels and rows do not match.
    #[error("{labels} labels given for {rows} rows")]
    LabelCount {
        /// Number of labels.
        labels: usize,
        /// Number of rows.
        rows: usize,
    },
    /// Column names and columns do not match.
    #[error("{names} column names given for {columns} columns")]
    ColumnNameCount {
        /// Number of names.
        names: usize,
        /// Number of columns.
        columns: usize,
    },
    /// A NaN or infinite feature value.
    #[error("row {row} ('{label}'), column '{column}': value {value} is not a finite number")]
    NonFinite {
        /// 1-based row number.
        row: usize,
        /// The row's label.
        label: String,
        /// The column's name.
        column: String,
        /// The value.
        value: f64,
    },
    /// `k = 0`, refused when the parameters are checked.
    #[error("k = 0 is invalid: at least 1 cluster is needed")]
    ZeroK,
    /// A negative number of clusters.
    #[error("k = {0} is invalid: at least 1 cluster is needed")]
    NegativeK(i64),
    /// `k` outside `1..=rows`.
    #[error("k = {k} is invalid: it must be between 1 and the number of rows ({rows})")]
    InvalidK {
        /// Requested number of clusters.
        k: usize,
        /// Number of rows.
        rows: usize,
    },
    /// A constant column cannot be standardised.
    #[error("column '{column}' is constant (standard deviation 0) and cannot be standardized")]
    ConstantColumn {
        /// The column's name.
        column: String,
    },
    /// A column whose mean or standard deviation overflows a 64-bit float
    /// (values near ±1.8e308); the row named holds its value of largest
    /// magnitude.
    #[error(
        "row {row}, column '{column}': value {value:e} is too large: the column's standard deviation overflows a 64-bit float; rescale the column"
    )]
    StandardizeOverflow {
        /// 1-based row number.
        row: usize,
        /// The column's name.
        column: String,
        /// The value.
        value: f64,
    },
    /// Standardising needs a sample standard deviation.
    #[error("standardizing needs at least 2 rows")]
    StandardizeNeedsTwoRows,
    /// Distances overflow the floating-point range.
    #[error("feature values are too large: distances between rows overflow")]
    DistanceOverflow,
    /// An unknown method name.
    #[error("unknown clustering method '{0}' (expected kmeans, ward, complete, average or single)")]
    UnknownMethod(String),
    /// linfa's k-means failed.
    #[error("k-means failed: {0}")]
    KMeans(String),
}

/// Clustering method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    /// k-means (k-means++ starts, best of 10 runs).
    Kmeans,
    /// Ward's minimum variance linkage.
    Ward,
    /// Complete linkage.
    Complete,
    /// Average linkage (UPGMA).
    Average,
    /// Single linkage.
    Single,
}

impl Method {
    /// The method's name as in the JSON output and on the command line.
    pub fn name(&self) -> &'static str {
        match self {
            Method::Kmeans => "kmeans",
            Method::Ward => "ward",
            Method::Complete => "complete",
            Method::Average => "average",
            Method::Single => "single",
        }
    }

    /// The linkage criterion of a hierarchical method (`None` for k-means).
    pub fn linkage(&self) -> Option<Linkage> {
        match self {
            Method::Kmeans => None,
            Method::Ward => Some(Linkage::Ward),
            Method::Complete => Some(Linkage::Complete),
            Method::Average => Some(Linkage::Average),
            Method::Single => Some(Linkage::Single),
        }
    }
}

impl std::str::FromStr for Method {
    type Err = ClusterError;

    /// `kmeans`, `ward`, `complete`, `average` or `single`, in any case,
    /// surrounding spaces ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        rurban_method::parse_name(
            s,
            &[
                ("kmeans", Method::Kmeans),
                ("ward", Method::Ward),
                ("complete", Method::Complete),
                ("average", Method::Average),
                ("single", Method::Single),
            ],
        )
        .ok_or_else(|| ClusterError::UnknownMethod(s.to_string()))
    }
}

/// Options of [`cluster`]: the unchecked parameters ([`ParamGuard::check`]
/// turns them into [`ClusterParams`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterOptions {
    /// Clustering method.
    pub method: Method,
    /// Number of clusters (`1..=rows`).
    pub k: usize,
    /// Seed of the k-means++ starts (default 42; unused by hierarchical methods).
    pub seed: u64,
    /// Z-score every column (sample std) before clustering.
    pub standardize: bool,
    /// Column names for messages (empty: `column 1`, `column 2`, ..).
    pub column_names: Vec<String>,
}

impl ClusterOptions {
    /// Options for `method` and `k` with seed 42, no standardisation.
    pub fn new(method: Method, k: usize) -> Self {
        ClusterOptions {
            method,
            k,
            seed: DEFAULT_SEED,
            standardize: false,
            column_names: Vec::new(),
        }
    }
}

/// Cluster and tier of one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowCluster {
    /// The row's label.
    #[serde(deserialize_with = "rurban_serde::key")]
    pub label: String,
    /// Cluster number, `1..=m`.
    #[serde(deserialize_with = "rurban_serde::count")]
    pub cluster: usize,
    /// Tier, `1..=m`, 1 = highest mean of the original features.
    #[serde(deserialize_with = "rurban_serde::count")]
    pub tier: usize,
}

/// Result of [`cluster`]; serialises to the contract's JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterResult {
    /// Method used.
    pub method: Method,
    /// Number of clusters asked for.
    pub k: usize,
    /// One entry per row, in row order.
    pub labels: Vec<RowCluster>,
    /// k-means only: sum of squared distances of the rows to their cluster means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inertia: Option<f64>,
    /// Hierarchical methods only: the dendrogram in SciPy's convention.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merges: Option<Vec<Merge>>,
    /// Notes for the user (e.g. fewer clusters than `k`). Written only when
    /// there are any, as the `warnings` array that closes the document
    /// (where `rurban cluster` puts its warnings anyway).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
}

/// Clusters the rows of `data` (labelled by `labels`) into `options.k`
/// clusters and ranks the clusters into tiers.
///
/// Inputs are checked first: at least one row and one column, one label
/// per row, finite values (the first offending cell is reported with its
/// 1-based row, label and column), `1 <= k <= rows`.
///
/// Hierarchical cuts reproduce `fcluster(criterion="maxclust")` including
/// its behaviour on tied merge heights, which can give fewer than `k`
/// clusters; k-means can give fewer than `k` non-empty clusters when the
/// rows have fewer than `k` distinct points. Either case adds a warning.
pub fn cluster(
    labels: &[String],
    data: &ArrayView2<'_, f64>,
    options: &ClusterOptions,
) -> Result<ClusterResult, ClusterError> {
    check_input(labels, data, options)?;
    let k = options.k;
    let standardized = if options.standardize {
        Some(standardize(data, &options.column_names)?)
    } else {
        None
    };
    let features = standardized
        .as_ref()
        .map_or_else(|| data.view(), ndarray::ArrayBase::view);
    let (clusters, inertia, merges) = partition(&features, options)?;
    let warnings = fewer_clusters_warning(&clusters, options)
        .into_iter()
        .collect();

    let tier = tiers(data, &clusters);
    let labels = labels
        .iter()
        .zip(clusters.iter().zip(&tier))
        .map(|(label, (&cluster, &tier))| RowCluster {
            label: label.clone(),
            cluster,
            tier,
        })
        .collect();

    Ok(ClusterResult {
        method: options.method,
        k,
        labels,
        inertia,
        merges,
        warnings,
    })
}

/// Rows, columns, labels, column names, finite values and `k` (see
/// [`cluster`]).
fn check_input(
    labels: &[String],
    data: &ArrayView2<'_, f64>,
    options: &ClusterOptions,
) -> Result<(), ClusterError> {
    let (rows, cols) = data.dim();
    if rows == 0 {
        return Err(ClusterError::NoRows);
    }
    if cols == 0 {
        return Err(ClusterError::NoColumns);
    }
    if labels.len() != rows {
        return Err(ClusterError::LabelCount {
            labels: labels.len(),
            rows,
        });
    }
    let names = &options.column_names;
    if !names.is_empty() && names.len() != cols {
        return Err(ClusterError::ColumnNameCount {
            names: names.len(),
            columns: cols,
        });
    }
    for ((i, j), &v) in data.indexed_iter() {
        if !v.is_finite() {
            return Err(ClusterError::NonFinite {
                row: i + 1,
                label: labels[i].clone(),
                column: prep::column_name(names, j),
                value: v,
            });
        }
    }
    let k = options.k;
    if k < 1 || k > rows {
        return Err(ClusterError::InvalidK { k, rows });
    }
    Ok(())
}

/// The cluster of each row (1-based), with the k-means inertia or the
/// hierarchical merges.
#[allow(clippy::type_complexity)]
fn partition(
    features: &ArrayView2<'_, f64>,
    options: &ClusterOptions,
) -> Result<(Vec<usize>, Option<f64>, Option<Vec<Merge>>), ClusterError> {
    let k = options.k;
    match options.method.linkage() {
        None => {
            // every squared distance is at most the sum of squared column ranges
            let bound: f64 = features
                .columns()
                .into_iter()
                .map(|c| {
                    let (lo, hi) = c
                        .iter()
                        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                            (lo.min(v), hi.max(v))
                        });
                    (hi - lo) * (hi - lo)
                })
                .sum();
            if !bound.is_finite() {
                return Err(ClusterError::DistanceOverflow);
            }
            let fit = kmeans(features, k, options.seed)?;
            Ok((fit.clusters, Some(fit.inertia), None))
        }
        Some(link) => {
            let merges = linkage(features, link)?;
            let clusters = fcluster_maxclust(&merges, features.nrows(), k);
            Ok((clusters, None, Some(merges)))
        }
    }
}

/// The warning when fewer than `k` clusters came out.
fn fewer_clusters_warning(clusters: &[usize], options: &ClusterOptions) -> Option<String> {
    let k = options.k;
    let found = clusters.iter().copied().max().unwrap_or(0);
    if found >= k {
        return None;
    }
    Some(match options.method {
        Method::Kmeans => format!(
            "k-means found {found} non-empty cluster(s) instead of k = {k} (the rows have fewer than {k} distinct points, or a centroid was left without members)"
        ),
        _ => format!(
            "cutting the {} dendrogram gives {found} cluster(s) instead of k = {k}: merge heights tie at the cut (as SciPy's fcluster maxclust)",
            options.method.name()
        ),
    })
}
