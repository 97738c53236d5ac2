//! Checked parameters: method, number of clusters, seed, standardisation.

use std::fmt;

use ndarray::ArrayView2;
use rurban_method::{Fit, ParamGuard};
use serde::Deserialize;

use crate::{ClusterError, ClusterOptions, ClusterResult, DEFAULT_SEED, Method, cluster};

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Method {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A checked number of clusters: at least 1 (whether it is at most the
/// number of rows depends on the data, and is checked when fitting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u64")]
pub struct ClusterCount(usize);

impl ClusterCount {
    /// Checks `k >= 1`.
    pub fn new(k: usize) -> Result<ClusterCount, ClusterError> {
        if k >= 1 {
            Ok(ClusterCount(k))
        } else {
            Err(ClusterError::ZeroK)
        }
    }
    /// The number of clusters.
    pub fn get(self) -> usize {
        self.0
    }
}

impl Default for ClusterCount {
    fn default() -> Self {
        ClusterCount(3)
    }
}

impl TryFrom<i64> for ClusterCount {
    type Error = ClusterError;
    fn try_from(k: i64) -> Result<Self, ClusterError> {
        match usize::try_from(k) {
            Ok(k) => ClusterCount::new(k),
            Err(_) => Err(ClusterError::NegativeK(k)),
        }
    }
}

impl From<ClusterCount> for u64 {
    fn from(k: ClusterCount) -> u64 {
        k.0 as u64
    }
}

/// Checked parameters of [`cluster`].
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterParams {
    options: ClusterOptions,
}

impl ClusterParams {
    /// Parameters from checked settings, with no column names.
    pub fn new(method: Method, k: ClusterCount, seed: u64, standardize: bool) -> Self {
        ClusterParams {
            options: ClusterOptions {
                method,
                k: k.get(),
                seed,
                standardize,
                column_names: Vec::new(),
            },
        }
    }
    /// These parameters with column names for messages.
    pub fn with_column_names(mut self, names: Vec<String>) -> Self {
        self.options.column_names = names;
        self
    }
    /// The method.
    pub fn method(&self) -> Method {
        self.options.method
    }
    /// The number of clusters.
    pub fn k(&self) -> usize {
        self.options.k
    }
    /// The k-means seed.
    pub fn seed(&self) -> u64 {
        self.options.seed
    }
    /// Whether columns are z-scored first.
    pub fn standardize(&self) -> bool {
        self.options.standardize
    }
}

impl Default for ClusterParams {
    fn default() -> Self {
        ClusterParams::new(Method::Ward, ClusterCount::default(), DEFAULT_SEED, false)
    }
}

impl ParamGuard for ClusterOptions {
    type Checked = ClusterParams;
    type Error = ClusterError;
    fn check(self) -> Result<ClusterParams, ClusterError> {
        ClusterCount::new(self.k)?;
        Ok(ClusterParams { options: self })
    }
}

/// The input of [`cluster`]: one label per row and the rows x features matrix.
#[derive(Debug, Clone, Copy)]
pub struct ClusterInput<'a> {
    /// A label per row.
    pub labels: &'a [String],
    /// Rows are objects, columns their features.
    pub data: ArrayView2<'a, f64>,
}

impl<'a> Fit<ClusterInput<'a>> for ClusterParams {
    type Output = ClusterResult;
    type Error = ClusterError;
    fn fit(&self, input: &ClusterInput<'a>) -> Result<ClusterResult, ClusterError> {
        cluster(input.labels, &input.data, &self.options)
    }
}
