//! Checked parameters: the normalisation and the distinguishing coefficient.

use std::fmt;
use std::str::FromStr;

use rurban_method::{Fit, ParamGuard};
use serde::{Deserialize, Serialize};

use crate::{GreyError, GreyReport, Normalization, grey_report};

/// A checked distinguishing coefficient `rho` in `(0, 1]`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Rho(f64);

impl Rho {
    /// Checks `rho`: in `(0, 1]` (NaN is not).
    pub fn new(rho: f64) -> Result<Rho, GreyError> {
        if rho > 0.0 && rho <= 1.0 {
            Ok(Rho(rho))
        } else {
            Err(GreyError::Rho(rho))
        }
    }
    /// The value.
    pub fn get(self) -> f64 {
        self.0
    }
}

impl Default for Rho {
    fn default() -> Self {
        Rho(0.5)
    }
}

impl TryFrom<f64> for Rho {
    type Error = GreyError;
    fn try_from(rho: f64) -> Result<Self, GreyError> {
        Rho::new(rho)
    }
}

impl From<Rho> for f64 {
    fn from(r: Rho) -> f64 {
        r.0
    }
}

impl FromStr for Rho {
    type Err = GreyError;
    fn from_str(s: &str) -> Result<Self, GreyError> {
        match s.trim().parse::<f64>() {
            Ok(r) => Rho::new(r),
            Err(_) => Err(GreyError::NotARho(s.to_string())),
        }
    }
}

impl fmt::Display for Rho {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl<'de> Deserialize<'de> for Normalization {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Unchecked parameters of [`grey_report`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GreyOptions {
    /// How every sequence is normalised (default `mean`).
    pub normalization: Normalization,
    /// Distinguishing coefficient, in `(0, 1]` (default 0.5).
    pub rho: f64,
}

impl Default for GreyOptions {
    fn default() -> Self {
        GreyOptions {
            normalization: Normalization::Mean,
            rho: 0.5,
        }
    }
}

/// Checked parameters of [`grey_report`].
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct GreyParams {
    normalization: Normalization,
    rho: Rho,
}

impl GreyParams {
    /// Parameters from checked settings.
    pub fn new(normalization: Normalization, rho: Rho) -> Self {
        GreyParams { normalization, rho }
    }
    /// The normalisation.
    pub fn normalization(&self) -> Normalization {
        self.normalization
    }
    /// The distinguishing coefficient.
    pub fn rho(&self) -> Rho {
        self.rho
    }
}

impl ParamGuard for GreyOptions {
    type Checked = GreyParams;
    type Error = GreyError;
    fn check(self) -> Result<GreyParams, GreyError> {
        Ok(GreyParams::new(self.normalization, Rho::new(self.rho)?))
    }
}

/// The input of a grey relational analysis: the reference sequence and the
/// named compared sequences (in output order).
#[derive(Debug, Clone, Copy)]
pub struct GreyInput<'a> {
    /// Name of the reference sequence.
    pub reference_name: &'a str,
    /// The reference sequence.
    pub reference: &'a [f64],
    /// The compared sequences.
    pub compare: &'a [(String, Vec<f64>)],
}

impl<'a> Fit<GreyInput<'a>> for GreyParams {
    type Output = GreyReport;
    type Error = GreyError;
    fn fit(&self, input: &GreyInput<'a>) -> Result<GreyReport, GreyError> {
        grey_report(
            input.reference_name,
            input.reference,
            input.compare,
            self.normalization,
            self.rho.get(),
        )
    }
}
