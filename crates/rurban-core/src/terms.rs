//! The vocabulary that the data model, the weighting and the specification
//! share: an indicator's [`Direction`], the weighting [`Scope`], the
//! imputation rule [`Impute`] and the entropy [`Shift`].

use std::fmt;

use serde::{Deserialize, Serialize};

/// A checked entropy shift S: a finite number >= 0.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Shift(f64);

/// Why a shift is not valid.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ShiftError {
    /// Negative, NaN or infinite.
    #[error("shift must be a finite number >= 0, got {0}")]
    Invalid(f64),
    /// Text that is not a number.
    #[error("shift must be a finite number >= 0, got '{0}'")]
    NotANumber(String),
}

impl Shift {
    /// Checks `s`: finite and >= 0. The one place a shift is checked.
    pub fn new(s: f64) -> Result<Shift, ShiftError> {
        if s.is_finite() && s >= 0.0 {
            Ok(Shift(s))
        } else {
            Err(ShiftError::Invalid(s))
        }
    }
    /// The value.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl TryFrom<f64> for Shift {
    type Error = ShiftError;
    fn try_from(s: f64) -> Result<Self, ShiftError> {
        Shift::new(s)
    }
}

impl From<Shift> for f64 {
    fn from(s: Shift) -> f64 {
        s.0
    }
}

impl std::str::FromStr for Shift {
    type Err = ShiftError;
    fn from_str(s: &str) -> Result<Self, ShiftError> {
        match s.trim().parse::<f64>() {
            Ok(v) => Shift::new(v),
            Err(_) => Err(ShiftError::NotANumber(s.to_string())),
        }
    }
}

impl fmt::Display for Shift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Whether more of an indicator is better (`+`) or worse (`-`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// More is better.
    Positive,
    /// Less is better.
    Negative,
}

impl Direction {
    /// `+` or `-`.
    pub fn symbol(self) -> &'static str {
        match self {
            Direction::Positive => "+",
            Direction::Negative => "-",
        }
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

impl Serialize for Direction {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.symbol())
    }
}

impl<'de> Deserialize<'de> for Direction {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match s.trim() {
            "+" => Ok(Direction::Positive),
            "-" => Ok(Direction::Negative),
            other => Err(serde::de::Error::custom(format!(
                "invalid direction '{other}': expected \"+\" or \"-\""
            ))),
        }
    }
}

/// Over which rows min-max bounds and weights are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// One normalisation and one weight vector over all region-years.
    #[default]
    Panel,
    /// Normalisation and weights computed separately for each year.
    Year,
}

/// How missing panel cells are filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Impute {
    /// A missing cell is an error.
    #[default]
    None,
    /// Linear interpolation within a region across years; nearest observed
    /// value before the first and after the last observation.
    Linear,
    /// The mean of the other regions' values that year.
    YearMean,
    /// The mean over the rows of the same group (a data column), done by
    /// the index construction: [`impute`](crate::impute::impute) leaves
    /// the cells missing.
    GroupMean,
}
