//! Deng's grey relational analysis (GRA): how closely each compared sequence
//! follows a reference sequence.
//!
//! Every sequence (the reference `x_0` and each compared `x_i`, all with the
//! same points `k = 1..n`) is first normalised by one of:
//!
//! - `mean`: `x(k) / mean(x)` (the default),
//! - `initial`: `x(k) / x(1)`,
//! - `minmax`: `(x(k) - min x) / (max x - min x)`,
//! - `none`: unchanged.
//!
//! Then `D_i(k) = |x_0(k) - x_i(k)|`, `Dmin` and `Dmax` are the minimum and
//! maximum of `D_i(k)` over all compared sequences `i` and points `k`, and
//!
//! ```text
//! xi_i(k) = (Dmin + rho Dmax) / (D_i(k) + rho Dmax)     (all 1 when Dmax = 0)
//! r_i     = (1/n) sum_k xi_i(k)
//! ```
//!
//! with the distinguishing coefficient `rho` in `(0, 1]` (0.5 by default).
//! Rank 1 is the largest grade; equal grades (exact floating-point
//! equality) share the smaller rank (competition ranking, "1, 2, 2, 4").
//!
//! The contract-level entry point is [`grey_report`]; the crate does no I/O.
//! See `docs/methods/grey.md`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

mod params;
pub use params::{GreyInput, GreyOptions, GreyParams, Rho};
pub use rurban_method::{Fit, ParamGuard};

/// Default distinguishing coefficient.
pub const DEFAULT_RHO: f64 = 0.5;

/// Why a grey relational analysis could not be computed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum GreyError {
    /// `rho` outside `(0, 1]` (or NaN).
    #[error("rho must be in (0, 1], got {0}")]
    Rho(f64),
    /// `rho` given as text that is not a number.
    #[error("rho must be a number in (0, 1], got '{0}'")]
    NotARho(String),
    /// The sequences have no points.
    #[error("the sequences have no points; grey relational analysis needs at least 1")]
    NoPoints,
    /// No compared sequences.
    #[error("no sequences to compare with the reference")]
    NoCompared,
    /// A sequence whose length differs from the reference's.
    #[error("sequence {column:?} has {len} points but the reference has {expected}")]
    LengthMismatch {
        /// Sequence name.
        column: String,
        /// Its length.
        len: usize,
        /// The reference's length.
        expected: usize,
    },
    /// A NaN or infinite value.
    #[error("sequence {column:?}: value {value} at point {index} is not a finite number")]
    NonFinite {
        /// Sequence name.
        column: String,
        /// 0-based point index.
        index: usize,
        /// The offending value.
        value: f64,
    },
    /// A normalisation, a difference or a coefficient overflows a 64-bit
    /// float (values near ±1.8e308); the value named is the one of largest
    /// magnitude involved.
    #[error(
        "sequence {column:?}: value {value:e} at point {index} is too large: the {what} overflows a 64-bit float; rescale the column"
    )]
    Overflow {
        /// Sequence name.
        column: String,
        /// 0-based point index.
        index: usize,
        /// The value.
        value: f64,
        /// What overflowed.
        what: &'static str,
    },
    /// Mean normalisation of a sequence with mean 0.
    #[error("sequence {column:?} has mean 0, so mean normalisation divides by zero")]
    ZeroMean {
        /// Sequence name.
        column: String,
    },
    /// Initial-value normalisation of a sequence whose first value is 0.
    #[error("sequence {column:?} starts with 0, so initial-value normalisation divides by zero")]
    ZeroInitial {
        /// Sequence name.
        column: String,
    },
    /// Min-max normalisation of a constant sequence.
    #[error("sequence {column:?} is constant, so min-max normalisation divides by zero")]
    Constant {
        /// Sequence name.
        column: String,
    },
    /// A normalisation name that is not one of mean, initial, minmax, none.
    #[error("unknown normalization {0:?}: expected mean, initial, minmax or none")]
    UnknownNormalization(String),
}

/// How each sequence is made dimensionless before comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Normalization {
    /// `x(k) / mean(x)`.
    #[default]
    Mean,
    /// `x(k) / x(1)`.
    Initial,
    /// `(x(k) - min) / (max - min)`.
    #[serde(rename = "minmax")]
    MinMax,
    /// No normalisation.
    None,
}

impl Normalization {
    /// The contract's name: `mean`, `initial`, `minmax` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Normalization::Mean => "mean",
            Normalization::Initial => "initial",
            Normalization::MinMax => "minmax",
            Normalization::None => "none",
        }
    }
}

impl fmt::Display for Normalization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Normalization {
    type Err = GreyError;

    /// Parses `mean`, `initial`, `minmax` or `none`, in any case, surrounding
    /// spaces ignored.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        rurban_method::parse_name(
            s,
            &[
                ("mean", Normalization::Mean),
                ("initial", Normalization::Initial),
                ("minmax", Normalization::MinMax),
                ("none", Normalization::None),
            ],
        )
        .ok_or_else(|| GreyError::UnknownNormalization(s.to_string()))
    }
}

fn check_finite(column: &str, x: &[f64]) -> Result<(), GreyError> {
    match x.iter().position(|v| !v.is_finite()) {
        Some(index) => Err(GreyError::NonFinite {
            column: column.to_string(),
            index,
            value: x[index],
        }),
        None => Ok(()),
    }
}

/// Normalises one sequence named `column` (the name only appears in errors).
///
/// Errors: no points, non-finite values, mean 0 (`mean`), first value 0
/// (`initial`), constant sequence (`minmax`).
pub fn normalize(column: &str, x: &[f64], method: Normalization) -> Result<Vec<f64>, GreyError> {
    let scale = Scale::of(column, x, method)?;
    Ok(x.iter().map(|&v| scale.apply(v)).collect())
}

/// A checked normalisation of one sequence: the map `x(k) -> x'(k)` that
/// [`normalize`] applies, so that a caller can apply it point by point
/// without keeping the normalised sequence.
#[derive(Debug, Clone, Copy)]
enum Scale {
    /// `x / d` (mean or initial value).
    Div(f64),
    /// `(x - min) / (max - min)`.
    MinMax(f64, f64),
    /// Unchanged.
    Identity,
}

impl Scale {
    /// Checks `x` and finds its normalisation. Errors: no points,
    /// non-finite values, mean 0 (`mean`), first value 0 (`initial`),
    /// constant sequence (`minmax`).
    fn of(column: &str, x: &[f64], method: Normalization) -> Result<Scale, GreyError> {
        if x.is_empty() {
            return Err(GreyError::NoPoints);
        }
        check_finite(column, x)?;
        let name = || column.to_string();
        let overflow = |what| {
            let index = (0..x.len())
                .rev()
                .max_by(|&a, &b| x[a].abs().total_cmp(&x[b].abs()))
                .unwrap_or(0);
            GreyError::Overflow {
                column: name(),
                index,
                value: x[index],
                what,
            }
        };
        Ok(match method {
            Normalization::Mean => {
                let mean = x.iter().sum::<f64>() / x.len() as f64;
                if !mean.is_finite() {
                    return Err(overflow("mean"));
                }
                if mean == 0.0 {
                    return Err(GreyError::ZeroMean { column: name() });
                }
                Scale::Div(mean)
            }
            Normalization::Initial => {
                let first = x[0];
                if first == 0.0 {
                    return Err(GreyError::ZeroInitial { column: name() });
                }
                Scale::Div(first)
            }
            Normalization::MinMax => {
                let min = x.iter().copied().fold(f64::INFINITY, f64::min);
                let max = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                if max == min {
                    return Err(GreyError::Constant { column: name() });
                }
                if !(max - min).is_finite() {
                    return Err(overflow("range (max - min)"));
                }
                Scale::MinMax(min, max)
            }
            Normalization::None => Scale::Identity,
        })
    }

    #[inline]
    fn apply(self, v: f64) -> f64 {
        match self {
            Scale::Div(d) => v / d,
            Scale::MinMax(min, max) => (v - min) / (max - min),
            Scale::Identity => v,
        }
    }
}

/// Grey relational coefficients `xi_i(k)` of already normalised sequences:
/// one row per compared sequence, one column per point.
///
/// Errors: `rho` outside `(0, 1]`, no points, no compared sequences, a
/// length mismatch (compared sequences are named by their 0-based position
/// here), non-finite values, a difference or `dmin + rho dmax` that
/// overflows.
pub fn coefficients(
    reference: &[f64],
    compared: &[Vec<f64>],
    rho: f64,
) -> Result<Vec<Vec<f64>>, GreyError> {
    check_rho(rho)?;
    if reference.is_empty() {
        return Err(GreyError::NoPoints);
    }
    if compared.is_empty() {
        return Err(GreyError::NoCompared);
    }
    check_finite("reference", reference)?;
    for (i, x) in compared.iter().enumerate() {
        let column = format!("compared #{i}");
        if x.len() != reference.len() {
            return Err(GreyError::LengthMismatch {
                column,
                len: x.len(),
                expected: reference.len(),
            });
        }
        check_finite(&column, x)?;
    }
    let named: Vec<(String, &[f64])> = compared
        .iter()
        .enumerate()
        .map(|(i, x)| (format!("compared #{i}"), x.as_slice()))
        .collect();
    let deltas = deltas_of(reference, compared);
    check_deltas("reference", reference, &named, &deltas, rho)?;
    Ok(coefficients_of_deltas(deltas, rho))
}

fn check_rho(rho: f64) -> Result<(), GreyError> {
    Rho::new(rho).map(|_| ())
}

#[cfg(test)]
fn coefficients_unchecked(reference: &[f64], compared: &[Vec<f64>], rho: f64) -> Vec<Vec<f64>> {
    coefficients_of_deltas(deltas_of(reference, compared), rho)
}

/// `D_i(k) = |x_0(k) - x_i(k)|`, one row per compared sequence.
fn deltas_of(reference: &[f64], compared: &[Vec<f64>]) -> Vec<Vec<f64>> {
    compared
        .iter()
        .map(|x| {
            reference
                .iter()
                .zip(x)
                .map(|(a, b)| (a - b).abs())
                .collect()
        })
        .collect()
}

/// `xi_i(k)` from the deltas `D_i(k)`, computed in place.
fn coefficients_of_deltas(deltas: Vec<Vec<f64>>, rho: f64) -> Vec<Vec<f64>> {
    let all = deltas.iter().flatten().copied();
    let dmin = all.clone().fold(f64::INFINITY, f64::min);
    let dmax = all.fold(f64::NEG_INFINITY, f64::max);
    deltas
        .into_iter()
        .map(|row| {
            row.into_iter()
                .map(|d| {
                    if dmax == 0.0 {
                        1.0
                    } else {
                        (dmin + rho * dmax) / (d + rho * dmax)
                    }
                })
                .collect()
        })
        .collect()
}

/// The deltas `D_i(k)` and `dmin + rho dmax` must be finite: a difference
/// of (normalised) values near ±1.8e308 overflows. The error names the
/// value of larger magnitude of the pair, in the reference or the compared
/// sequence (both as given; with `none` they are also the normalised ones).
fn check_deltas<N: AsRef<str>, V: AsRef<[f64]>>(
    reference_name: &str,
    reference: &[f64],
    compare: &[(N, V)],
    deltas: &[Vec<f64>],
    rho: f64,
) -> Result<(), GreyError> {
    let at = |i: usize, k: usize, what| {
        let (name, x) = &compare[i];
        let b = x.as_ref()[k];
        let (column, value) = if reference[k].abs() >= b.abs() {
            (reference_name.to_string(), reference[k])
        } else {
            (name.as_ref().to_string(), b)
        };
        GreyError::Overflow {
            column,
            index: k,
            value,
            what,
        }
    };
    let mut largest = (0, 0, 0.0f64);
    for (i, row) in deltas.iter().enumerate() {
        for (k, &d) in row.iter().enumerate() {
            if !d.is_finite() {
                return Err(at(i, k, "difference from the reference"));
            }
            if d > largest.2 {
                largest = (i, k, d);
            }
        }
    }
    if !(largest.2 + rho * largest.2).is_finite() {
        return Err(at(
            largest.0,
            largest.1,
            "distinguishing term dmin + rho dmax",
        ));
    }
    Ok(())
}

/// Competition ranks ("1, 2, 2, 4"): rank 1 is the largest value, equal
/// values (exact equality) share the smaller rank:
/// `rank_i = 1 + #{j : grades_j > grades_i}`.
pub fn competition_ranks(grades: &[f64]) -> Vec<usize> {
    if grades.len() <= 32 {
        return grades
            .iter()
            .map(|g| 1 + grades.iter().filter(|h| *h > g).count())
            .collect();
    }
    // O(k log k): the grades that can be larger than anything (not NaN),
    // sorted; the number larger than g is the length of the part after the
    // last value <= g (-0.0 and 0.0 are equal and adjacent in this order, so
    // `<= g` is true on a prefix). A NaN grade has no larger grade.
    let mut sorted: Vec<f64> = grades.iter().copied().filter(|h| !h.is_nan()).collect();
    sorted.sort_by(f64::total_cmp);
    grades
        .iter()
        .map(|&g| {
            if g.is_nan() {
                1
            } else {
                1 + sorted.len() - sorted.partition_point(|&h| h <= g)
            }
        })
        .collect()
}

/// Grade and rank of one compared sequence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grade {
    /// Sequence (column) name.
    #[serde(deserialize_with = "rurban_serde::key")]
    pub column: String,
    /// Grey relational grade `r_i`.
    #[serde(deserialize_with = "rurban_serde::number")]
    pub grade: f64,
    /// Competition rank, 1 = largest grade.
    pub rank: usize,
}

/// The `rurban grey` JSON document (without `"warnings"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GreyReport {
    /// Distinguishing coefficient used (NaN when a summary leaves it out).
    #[serde(
        default = "rurban_serde::nan",
        deserialize_with = "rurban_serde::number"
    )]
    pub rho: f64,
    /// Normalisation used.
    #[serde(default)]
    pub normalization: Normalization,
    /// One entry per compared sequence, in the order given.
    pub grades: Vec<Grade>,
    /// `xi_i(k)`: one row per compared sequence, one column per point.
    #[serde(default, deserialize_with = "rurban_serde::number_rows")]
    pub coefficients: Vec<Vec<f64>>,
}

/// Grey relational analysis of `compare` (named sequences, in output order)
/// against the reference sequence `reference` named `reference_name`.
///
/// Errors: `rho` outside `(0, 1]`, no points, no compared sequences,
/// sequences of different lengths, non-finite values, and the normalisation
/// errors of [`normalize`]; every error names the sequence involved.
pub fn grey_report<N: AsRef<str>, V: AsRef<[f64]>>(
    reference_name: &str,
    reference: &[f64],
    compare: &[(N, V)],
    normalization: Normalization,
    rho: f64,
) -> Result<GreyReport, GreyError> {
    check_rho(rho)?;
    if reference.is_empty() {
        return Err(GreyError::NoPoints);
    }
    if compare.is_empty() {
        return Err(GreyError::NoCompared);
    }
    for (name, x) in compare {
        let x = x.as_ref();
        if x.len() != reference.len() {
            return Err(GreyError::LengthMismatch {
                column: name.as_ref().to_string(),
                len: x.len(),
                expected: reference.len(),
            });
        }
    }
    let raw_reference = reference;
    let reference = normalize(reference_name, reference, normalization)?;
    // Each compared sequence is checked and normalised point by point into
    // its deltas (the same arithmetic as `normalize`, without keeping the
    // normalised copy); errors come in the same order as before.
    let deltas = compare
        .iter()
        .map(|(name, x)| {
            let x = x.as_ref();
            let scale = Scale::of(name.as_ref(), x, normalization)?;
            Ok(reference
                .iter()
                .zip(x)
                .map(|(&a, &b)| (a - scale.apply(b)).abs())
                .collect())
        })
        .collect::<Result<Vec<Vec<f64>>, GreyError>>()?;
    check_deltas(reference_name, raw_reference, compare, &deltas, rho)?;
    let coefficients = coefficients_of_deltas(deltas, rho);
    let n = reference.len() as f64;
    let grades: Vec<f64> = coefficients
        .iter()
        .map(|row| row.iter().sum::<f64>() / n)
        .collect();
    let ranks = competition_ranks(&grades);
    Ok(GreyReport {
        rho,
        normalization,
        grades: compare
            .iter()
            .zip(grades.iter().zip(ranks))
            .map(|((name, _), (&grade, rank))| Grade {
                column: name.as_ref().to_string(),
                grade,
                rank,
            })
            .collect(),
        coefficients,
    })
}

#[cfg(test)]
mod fast_path_tests {
    //! The fast paths against the straightforward forms they replace.

    use super::*;

    fn lcg(seed: &mut u64) -> f64 {
        *seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*seed >> 11) as f64 / (1u64 << 53) as f64
    }

    #[test]
    fn sorted_ranks_equal_the_counting_ranks() {
        let mut seed = 1;
        for k in [33, 40, 100, 1000] {
            let mut g: Vec<f64> = (0..k)
                .map(|_| (lcg(&mut seed) * 20.0).floor() / 20.0)
                .collect();
            g[3] = -0.0;
            g[4] = 0.0;
            g[5] = f64::NAN;
            let quadratic: Vec<usize> = g
                .iter()
                .map(|x| 1 + g.iter().filter(|h| *h > x).count())
                .collect();
            assert_eq!(competition_ranks(&g), quadratic);
        }
    }

    #[test]
    fn report_equals_normalise_then_coefficients() {
        let mut seed = 2;
        for norm in [
            Normalization::Mean,
            Normalization::Initial,
            Normalization::MinMax,
            Normalization::None,
        ] {
            for (k, n) in [(1, 2), (5, 30), (40, 7)] {
                let reference: Vec<f64> = (0..n).map(|_| 0.1 + lcg(&mut seed)).collect();
                let compare: Vec<(String, Vec<f64>)> = (0..k)
                    .map(|i| {
                        (
                            format!("c{i}"),
                            (0..n).map(|_| 0.1 + lcg(&mut seed)).collect(),
                        )
                    })
                    .collect();
                let rep = grey_report("ref", &reference, &compare, norm, 0.5).unwrap();
                let r = normalize("ref", &reference, norm).unwrap();
                let c: Vec<Vec<f64>> = compare
                    .iter()
                    .map(|(name, x)| normalize(name, x, norm).unwrap())
                    .collect();
                let xi = coefficients_unchecked(&r, &c, 0.5);
                let bits = |m: &Vec<Vec<f64>>| -> Vec<Vec<u64>> {
                    m.iter()
                        .map(|r| r.iter().map(|v| v.to_bits()).collect())
                        .collect()
                };
                assert_eq!(bits(&rep.coefficients), bits(&xi));
            }
        }
        // the first bad sequence in order is the one named
        let err = grey_report(
            "ref",
            &[1.0, 2.0],
            &[
                ("a", vec![1.0, 2.0]),
                ("b", vec![1.0, f64::NAN]),
                ("c", vec![0.0, 0.0]),
            ],
            Normalization::Mean,
            0.5,
        )
        .unwrap_err();
        assert!(matches!(err, GreyError::NonFinite { ref column, .. } if column == "b"));
    }
}
