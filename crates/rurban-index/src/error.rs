//! Errors of the construction stages (normalisation, aggregation,
//! treatment, denomination, imputation, hierarchy, coupling).

/// An input a construction stage cannot take. Rows are 0-based positions in
/// the slice or matrix the stage was given (the caller maps them to its
/// regions, years and file rows); messages name indicators and dimensions.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StageError {
    /// `range = [l, u]` with `l >= u`.
    #[error("range = [{lower}, {upper}]: the lower end must be less than the upper end")]
    Range {
        /// The lower end given.
        lower: f64,
        /// The upper end given.
        upper: f64,
    },
    /// An indicator's goalposts with `lower >= upper`.
    #[error(
        "indicator '{indicator}': goalposts = [{lower}, {upper}]: the lower goalpost must be less than the upper"
    )]
    Goalposts {
        /// The indicator.
        indicator: String,
        /// Its lower goalpost.
        lower: f64,
        /// Its upper goalpost.
        upper: f64,
    },
    /// An indicator's target that is not > 0.
    #[error("indicator '{indicator}': target = {target}: the target must be greater than 0")]
    Target {
        /// The indicator.
        indicator: String,
        /// The target given.
        target: f64,
    },
    /// A normalisation needs a per-indicator setting the indicator lacks.
    #[error(
        "indicator '{indicator}' has no {key}, which normalisation = \"{normalisation}\" needs (add `{key} = ...` to the indicator)"
    )]
    MissingSetting {
        /// The indicator.
        indicator: String,
        /// The missing key (`goalposts`, `target`).
        key: &'static str,
        /// The normalisation.
        normalisation: &'static str,
    },
    /// A value the stage needs to be positive.
    #[error("{what}, row {}: value {value} is not > 0, which {stage} needs{hint}", row + 1)]
    NotPositive {
        /// The indicator or dimension.
        what: String,
        /// 0-based row.
        row: usize,
        /// The value.
        value: f64,
        /// The stage (`geometric aggregation`, `target normalisation`).
        stage: &'static str,
        /// A suggestion, possibly empty.
        hint: &'static str,
    },
    /// A missing value a step cannot skip.
    #[error("{what}, row {}: missing value, which {stage} cannot take", row + 1)]
    Missing {
        /// The indicator.
        what: String,
        /// 0-based row.
        row: usize,
        /// The stage.
        stage: &'static str,
    },
    /// The dimension tree is not a tree, or a weight is unusable.
    #[error("{0}")]
    Hierarchy(String),
    /// A setting outside its domain (winmax, alpha, treatment thresholds...).
    #[error("{0}")]
    Setting(String),
    /// Slices of different lengths were given together (a programming error
    /// of the caller, reported rather than panicking).
    #[error("{0}")]
    Shape(String),
}
