//! Checked parameters: the delta degrees of freedom.

use std::fmt;
use std::str::FromStr;

use rurban_method::{Fit, ParamGuard};
use serde::{Deserialize, Serialize};

use crate::DisparityError;
use crate::report::{DisparityReport, GroupInput, report_with};

/// Checked delta degrees of freedom of the standard deviation: 0 or 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u8")]
pub struct Ddof(u8);

impl Ddof {
    /// ddof 0: the population standard deviation.
    pub const ZERO: Ddof = Ddof(0);
    /// ddof 1: the sample standard deviation (the default).
    pub const ONE: Ddof = Ddof(1);

    /// Checks `ddof`: 0 or 1. The one place a ddof is checked.
    pub fn new(ddof: u8) -> Result<Ddof, DisparityError> {
        match ddof {
            0 | 1 => Ok(Ddof(ddof)),
            other => Err(DisparityError::InvalidDdof(other)),
        }
    }

    /// 0 or 1.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl Default for Ddof {
    fn default() -> Self {
        Ddof::ONE
    }
}

impl TryFrom<u8> for Ddof {
    type Error = DisparityError;
    fn try_from(d: u8) -> Result<Self, DisparityError> {
        Ddof::new(d)
    }
}

impl TryFrom<i64> for Ddof {
    type Error = DisparityError;
    fn try_from(d: i64) -> Result<Self, DisparityError> {
        // out of u8's range is reported with the largest u8, still "not 0 or 1"
        Ddof::new(u8::try_from(d).unwrap_or(u8::MAX))
    }
}

impl From<Ddof> for u8 {
    fn from(d: Ddof) -> u8 {
        d.0
    }
}

impl FromStr for Ddof {
    type Err = DisparityError;
    /// `0` or `1`.
    fn from_str(s: &str) -> Result<Self, DisparityError> {
        match s.trim() {
            "0" => Ok(Ddof::ZERO),
            "1" => Ok(Ddof::ONE),
            other => Err(DisparityError::NotADdof(other.to_string())),
        }
    }
}

impl fmt::Display for Ddof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Unchecked parameters of the disparity report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DisparityOptions {
    /// Delta degrees of freedom of the standard deviation (0 or 1; default 1).
    pub ddof: u8,
}

impl Default for DisparityOptions {
    fn default() -> Self {
        DisparityOptions { ddof: 1 }
    }
}

/// Checked parameters of the disparity report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DisparityParams {
    ddof: Ddof,
}

impl DisparityParams {
    /// Parameters with a checked ddof.
    pub fn new(ddof: Ddof) -> Self {
        DisparityParams { ddof }
    }
    /// The delta degrees of freedom.
    pub fn ddof(&self) -> Ddof {
        self.ddof
    }
}

impl ParamGuard for DisparityOptions {
    type Checked = DisparityParams;
    type Error = DisparityError;
    fn check(self) -> Result<DisparityParams, DisparityError> {
        Ok(DisparityParams::new(Ddof::new(self.ddof)?))
    }
}

impl Fit<[GroupInput]> for DisparityParams {
    type Output = DisparityReport;
    type Error = DisparityError;
    /// [`crate::disparity_report`] with checked parameters.
    fn fit(&self, groups: &[GroupInput]) -> Result<DisparityReport, DisparityError> {
        report_with(groups, self.ddof)
    }
}
