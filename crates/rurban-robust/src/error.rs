//! Why an uncertainty analysis cannot be set up or run.

use thiserror::Error;

/// The error of a model run, as the model reports it.
pub type ModelError = Box<dyn std::error::Error + Send + Sync>;

/// Every way the analysis can fail. Variants about a setting name its key in
/// the spec's `[uncertainty]` table; variants about a run name the run.
#[derive(Debug, Error)]
pub enum RobustError {
    /// `replications` is below 1.
    #[error("[uncertainty] replications: must be an integer >= 1, got {value}")]
    Replications {
        /// The value given.
        value: i64,
    },
    /// `weights_noise` is outside `[0, 1)` or not a finite number.
    #[error("[uncertainty] weights_noise: must be in [0, 1), got {value}")]
    WeightsNoise {
        /// The value given.
        value: f64,
    },
    /// A list of alternatives is empty.
    #[error("[uncertainty] {key}: the list of alternatives is empty")]
    EmptyList {
        /// The key (`weighting`, `normalisation`, `aggregation`, `impute`).
        key: &'static str,
    },
    /// A list names the same alternative twice.
    #[error("[uncertainty] {key}: '{name}' is listed twice")]
    DuplicateAlternative {
        /// The key of the list.
        key: &'static str,
        /// The repeated name.
        name: String,
    },
    /// A list names a method the index does not support.
    #[error("[uncertainty] {key}: unknown {key} '{name}' (known: {known})")]
    UnknownAlternative {
        /// The key of the list.
        key: &'static str,
        /// The unknown name.
        name: String,
        /// The supported names, comma-separated.
        known: String,
    },
    /// `[uncertainty]` names no factor at all.
    #[error(
        "[uncertainty] names no uncertain factor: give at least one of weights_noise, \
         weighting, normalisation, aggregation, impute, exclude = true"
    )]
    NoFactors,
    /// A factor over the indicators with too few indicators.
    #[error("[uncertainty] {key}: needs at least {needed} indicator(s), the index has {found}")]
    TooFewIndicators {
        /// `weights_noise` or `exclude`.
        key: &'static str,
        /// How many it needs.
        needed: usize,
        /// How many the index has.
        found: usize,
    },
    /// Two indicators share a name.
    #[error("indicator '{name}' is named twice")]
    DuplicateIndicator {
        /// The repeated name.
        name: String,
    },
    /// A combination of alternatives (or of an alternative and the spec's
    /// nominal method) that cannot run.
    #[error("[uncertainty] {key}: {cause}")]
    Incompatible {
        /// The key of the offending list.
        key: &'static str,
        /// What cannot run, naming both methods.
        cause: String,
    },
    /// The region-year layout is empty or inconsistent.
    #[error("layout: {cause}")]
    Layout {
        /// What is wrong.
        cause: String,
    },
    /// Weights that cannot be renormalised (sum not positive and finite).
    #[error("{cause}")]
    Weights {
        /// What is wrong.
        cause: String,
    },
    /// The model failed on a run.
    #[error("run {block} row {row}: {source}")]
    Model {
        /// `nominal`, `A`, `B` or `AB:<factor>`.
        block: String,
        /// 0-based row of the block.
        row: usize,
        /// The model's error.
        source: ModelError,
    },
    /// The model produced a score that is not a finite number.
    #[error(
        "run {block} row {row}: the score of region '{region}' in {year} is {value}, not a finite number"
    )]
    NonFiniteScore {
        /// `nominal`, `A`, `B` or `AB:<factor>`.
        block: String,
        /// 0-based row of the block.
        row: usize,
        /// The region.
        region: String,
        /// The year.
        year: i64,
        /// The value.
        value: f64,
    },
    /// Writing a CSV failed.
    #[error("writing {file}: {source}")]
    Write {
        /// The file's name.
        file: &'static str,
        /// The cause.
        source: csv::Error,
    },
}
