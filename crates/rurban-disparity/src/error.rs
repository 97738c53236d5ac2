//! Error type of the crate.

use thiserror::Error;

/// Why a disparity measure could not be computed.
///
/// Positions (`index`) are 0-based offsets into the slice that was passed in,
/// so a caller can map them back to its own rows.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum DisparityError {
    /// No values at all.
    #[error("no values")]
    Empty,
    /// Too few values for a standard deviation with the requested ddof.
    #[error(
        "{n} value(s) are too few for a standard deviation with ddof = {ddof}: need at least {}",
        *ddof as usize + 1
    )]
    TooFew {
        /// Number of values given.
        n: usize,
        /// Delta degrees of freedom asked for.
        ddof: u8,
    },
    /// ddof other than 0 or 1.
    #[error("ddof must be 0 or 1, got {0}")]
    InvalidDdof(u8),
    /// A ddof given as text that is not `0` or `1`.
    #[error("ddof must be 0 or 1, got '{0}'")]
    NotADdof(String),
    /// The mean is zero, so ratios to the mean are undefined.
    #[error("the mean is 0, so cv and gini (ratios to the mean) are undefined")]
    ZeroMean,
    /// A value is NaN or infinite.
    #[error("value {value} at position {index} is not a finite number")]
    NonFinite {
        /// 0-based position in the input slice.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// A value is zero or negative where the Theil index needs all values > 0.
    #[error(
        "value {} at position {index} is not positive: the Theil index needs every value > 0", rurban_method::text::Shown(*value)
    )]
    NonPositive {
        /// 0-based position in the input slice.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// A negative value where the Dagum decomposition needs all values >= 0.
    #[error(
        "value {value} at position {index} is negative: the Dagum decomposition needs every value >= 0"
    )]
    Negative {
        /// 0-based position in the input slice.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// A measure overflows a 64-bit float (values near ±1.8e308, or sums and
    /// squares of them); the position is that of the largest value.
    #[error(
        "value {value:e} at position {index} is too large: the {what} overflows a 64-bit float; rescale the column"
    )]
    Overflow {
        /// 0-based position of the value of largest magnitude.
        index: usize,
        /// That value.
        value: f64,
        /// The measure that overflowed.
        what: &'static str,
    },
    /// A sub-group whose values are all zero (its mean is 0).
    #[error("sub-group {0:?} has mean 0, so its Gini is undefined")]
    SubgroupZeroMean(String),
    /// The sub-group labels do not line up with the values.
    #[error("{values} values but {labels} sub-group labels")]
    LabelLength {
        /// Number of values.
        values: usize,
        /// Number of labels.
        labels: usize,
    },
    /// Only one sub-group: a between/within decomposition needs two or more.
    #[error("the sub-group column has a single group {0:?}; a decomposition needs at least two")]
    SingleSubgroup(String),
    /// An error inside one group of a report, naming the group.
    #[error("group {group:?}: {source}")]
    InGroup {
        /// Key of the group.
        group: String,
        /// What went wrong in that group.
        source: Box<DisparityError>,
    },
}

impl DisparityError {
    /// The group (if the error is wrapped in one) and the 0-based position
    /// within the values of the value the error is about, if it is about one
    /// value; a caller maps the position back to its own row.
    pub fn position(&self) -> Option<(Option<&str>, usize)> {
        match self {
            DisparityError::NonFinite { index, .. }
            | DisparityError::NonPositive { index, .. }
            | DisparityError::Negative { index, .. }
            | DisparityError::Overflow { index, .. } => Some((None, *index)),
            DisparityError::InGroup { group, source } => {
                source.position().map(|(_, i)| (Some(group.as_str()), i))
            }
            _ => None,
        }
    }

    /// The error without its group and position: what is wrong with the
    /// value, for a message that names the place itself.
    pub fn cause(&self) -> String {
        match self {
            DisparityError::InGroup { source, .. } => source.cause(),
            DisparityError::NonFinite { value, .. } => {
                format!("value {value} is not a finite number")
            }
            DisparityError::NonPositive { value, .. } => {
                format!(
                    "value {} is not positive: the Theil index needs every value > 0",
                    rurban_method::text::Shown(*value)
                )
            }
            DisparityError::Negative { value, .. } => {
                format!(
                    "value {} is negative: the Dagum decomposition needs every value >= 0",
                    rurban_method::text::Shown(*value)
                )
            }
            DisparityError::Overflow { value, what, .. } => format!(
                "value {value:e} is too large: the {what} overflows a 64-bit float; rescale the column"
            ),
            other => other.to_string(),
        }
    }

    /// Wraps the error with the key of the group it happened in.
    pub fn in_group(self, group: &str) -> Self {
        DisparityError::InGroup {
            group: group.to_string(),
            source: Box::new(self),
        }
    }
}
