//! Checked parameters of the density estimate, and their names.
//!
//! [`KdeOptions`] are the unchecked parameters; [`ParamGuard::check`] turns
//! them into [`KdeParams`], which [`Fit`] runs on groups of values. Every
//! setting also parses from text (`FromStr`, used by the command line) and
//! deserialises (used by the index specification) through the same check.

use std::fmt;
use std::str::FromStr;

use rurban_method::{Fit, ParamGuard, parse_name};
use serde::{Deserialize, Serialize};

use crate::{Bandwidth, Grid, KdeError, KdeOptions, KdeResult, Kernel};

/// Largest number of grid points: 100 000, about 200 times the default.
/// Every group's density is `grid_n` numbers, evaluated at `grid_n` points;
/// a larger grid only costs memory and time.
pub const MAX_GRID_N: usize = 100_000;

/// A checked number of grid points: `2..=MAX_GRID_N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub struct GridSize(usize);

impl GridSize {
    /// Checks `n`: at least 2 and at most [`MAX_GRID_N`].
    pub fn new(n: usize) -> Result<GridSize, KdeError> {
        if n < 2 {
            Err(KdeError::InvalidGridSize { n })
        } else if n > MAX_GRID_N {
            Err(KdeError::GridTooLarge {
                n: n as u64,
                limit: MAX_GRID_N,
            })
        } else {
            Ok(GridSize(n))
        }
    }

    /// The number of points.
    pub fn get(self) -> usize {
        self.0
    }
}

impl Default for GridSize {
    fn default() -> Self {
        GridSize(crate::DEFAULT_GRID_N)
    }
}

impl TryFrom<u64> for GridSize {
    type Error = KdeError;
    fn try_from(n: u64) -> Result<Self, KdeError> {
        match usize::try_from(n) {
            Ok(n) => GridSize::new(n),
            Err(_) => Err(KdeError::GridTooLarge {
                n,
                limit: MAX_GRID_N,
            }),
        }
    }
}

impl From<GridSize> for u64 {
    fn from(g: GridSize) -> u64 {
        g.0 as u64
    }
}

impl FromStr for GridSize {
    type Err = KdeError;
    /// A whole number of points; too large to count is [`KdeError::GridTooLarge`].
    fn from_str(s: &str) -> Result<Self, KdeError> {
        let t = s.trim();
        match t.parse::<u64>() {
            Ok(n) => GridSize::try_from(n),
            // all digits but beyond u64: still a size, just far too large
            Err(_) if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) => {
                Err(KdeError::GridTooLarge {
                    n: u64::MAX,
                    limit: MAX_GRID_N,
                })
            }
            Err(_) => Err(KdeError::NotAGridSize(s.to_string())),
        }
    }
}

impl fmt::Display for GridSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for Kernel {
    type Err = KdeError;
    /// `gaussian` or `epanechnikov`, in any case.
    fn from_str(s: &str) -> Result<Self, KdeError> {
        parse_name(
            s,
            &[
                ("gaussian", Kernel::Gaussian),
                ("epanechnikov", Kernel::Epanechnikov),
            ],
        )
        .ok_or_else(|| KdeError::UnknownKernel(s.to_string()))
    }
}

impl fmt::Display for Kernel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Kernel {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl Bandwidth {
    /// A checked fixed bandwidth: finite and > 0.
    pub fn fixed(h: f64) -> Result<Bandwidth, KdeError> {
        if h.is_finite() && h > 0.0 {
            Ok(Bandwidth::Fixed(h))
        } else {
            Err(KdeError::InvalidBandwidth { value: h })
        }
    }

    /// This bandwidth, checked (a fixed `h` must be finite and > 0).
    pub fn checked(self) -> Result<Bandwidth, KdeError> {
        match self {
            Bandwidth::Fixed(h) => Bandwidth::fixed(h),
            rule => Ok(rule),
        }
    }
}

impl FromStr for Bandwidth {
    type Err = KdeError;
    /// `silverman`, `scott` (in any case) or a number > 0.
    fn from_str(s: &str) -> Result<Self, KdeError> {
        if let Some(b) = parse_name(
            s,
            &[
                ("silverman", Bandwidth::Silverman),
                ("scott", Bandwidth::Scott),
            ],
        ) {
            return Ok(b);
        }
        match s.trim().parse::<f64>() {
            Ok(h) => Bandwidth::fixed(h),
            Err(_) => Err(KdeError::UnknownBandwidth(s.to_string())),
        }
    }
}

impl<'de> Deserialize<'de> for Bandwidth {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Bandwidth;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"silverman\", \"scott\" or a number > 0")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Bandwidth, E> {
                s.parse().map_err(E::custom)
            }
            fn visit_f64<E: serde::de::Error>(self, h: f64) -> Result<Bandwidth, E> {
                Bandwidth::fixed(h).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, h: i64) -> Result<Bandwidth, E> {
                Bandwidth::fixed(h as f64).map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, h: u64) -> Result<Bandwidth, E> {
                Bandwidth::fixed(h as f64).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// Checked parameters of [`crate::kde`]: a kernel, a bandwidth rule or a
/// fixed `h > 0`, `2..=MAX_GRID_N` grid points and, if given, finite grid
/// ends with `min < max`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KdeParams {
    kernel: Kernel,
    bandwidth: Bandwidth,
    grid_n: GridSize,
    grid_range: Option<(f64, f64)>,
    binned: bool,
}

impl KdeParams {
    /// Parameters built from settings that are each checked already; only
    /// the grid range (if any) is left to check.
    pub fn new(
        kernel: Kernel,
        bandwidth: Bandwidth,
        grid_n: GridSize,
        grid_range: Option<(f64, f64)>,
    ) -> Result<KdeParams, KdeError> {
        KdeOptions {
            kernel,
            bandwidth,
            grid_n: grid_n.get(),
            grid_range,
            binned: false,
        }
        .check()
    }
    /// The smoothing kernel.
    pub fn kernel(&self) -> Kernel {
        self.kernel
    }
    /// The bandwidth rule (a fixed `h` is finite and > 0).
    pub fn bandwidth(&self) -> Bandwidth {
        self.bandwidth
    }
    /// The number of grid points.
    pub fn grid_n(&self) -> GridSize {
        self.grid_n
    }
    /// The explicit grid ends, if any.
    pub fn grid_range(&self) -> Option<(f64, f64)> {
        self.grid_range
    }
    /// Whether the binned FFT estimate is used.
    pub fn binned(&self) -> bool {
        self.binned
    }
}

impl Default for KdeParams {
    fn default() -> Self {
        KdeParams {
            kernel: Kernel::Gaussian,
            bandwidth: Bandwidth::Silverman,
            grid_n: GridSize::default(),
            grid_range: None,
            binned: false,
        }
    }
}

impl ParamGuard for KdeOptions {
    type Checked = KdeParams;
    type Error = KdeError;

    fn check(self) -> Result<KdeParams, KdeError> {
        let grid_n = GridSize::new(self.grid_n)?;
        let bandwidth = self.bandwidth.checked()?;
        if let Some((lo, hi)) = self.grid_range {
            Grid::new(lo, hi, grid_n.get())?;
        }
        Ok(KdeParams {
            kernel: self.kernel,
            bandwidth,
            grid_n,
            grid_range: self.grid_range,
            binned: self.binned,
        })
    }
}

impl From<KdeParams> for KdeOptions {
    fn from(p: KdeParams) -> Self {
        KdeOptions {
            kernel: p.kernel,
            bandwidth: p.bandwidth,
            grid_n: p.grid_n.get(),
            grid_range: p.grid_range,
            binned: p.binned,
        }
    }
}

impl Fit<[(String, Vec<f64>)]> for KdeParams {
    type Output = KdeResult;
    type Error = KdeError;

    fn fit(&self, groups: &[(String, Vec<f64>)]) -> Result<KdeResult, KdeError> {
        crate::estimate(groups, self)
    }
}
