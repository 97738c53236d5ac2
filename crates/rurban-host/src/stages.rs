//! Normaliser and aggregator plugins behind `rurban-index`'s
//! [`Normaliser`] and [`Aggregator`] traits: calling across the C ABI and
//! checking every result.
//!
//! The fallible calls ([`PluginNormaliser::try_call`],
//! [`PluginAggregator::try_call`] and [`Normaliser::try_normalise`]) return
//! the plugin's error. The infallible trait methods
//! ([`Normaliser::normalise`], [`Aggregator::aggregate`]) cannot: on a
//! failure they return NaN (the values are missing) and record the error,
//! which [`Registry::take_failures`](crate::Registry::take_failures) hands
//! out.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use ndarray::{Array2, ArrayView1, ArrayView2, ArrayViewMut1};
use rurban_core::Direction;
use rurban_index::{Aggregator, Normaliser, StageError};
use rurban_plugin_api::{
    AggregateFn, FfiAggregateInput, FfiAggregateOutput, FfiNormaliseInput, FfiNormaliseOutput,
    FfiStr, LastErrorFn, NormaliseFn, STATUS_OK,
};
use rurban_weighting::Normalized;

use crate::HostError;
use crate::plugin::failure;

/// The most failures kept between two [`Failures::take`]s (a failing
/// aggregator fails on every row; the first ones say it all).
const MAX_FAILURES: usize = 32;

/// Errors of the infallible trait calls, shared by the registry and every
/// adapter it made.
#[derive(Debug, Clone, Default)]
pub(crate) struct Failures(Arc<Mutex<Vec<HostError>>>);

impl Failures {
    fn record(&self, e: HostError) {
        let mut v = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if v.len() < MAX_FAILURES && !v.contains(&e) {
            v.push(e);
        }
    }

    /// The failures recorded so far, oldest first; the list is emptied.
    pub(crate) fn take(&self) -> Vec<HostError> {
        std::mem::take(
            &mut *self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }
}

/// `#1`, `#2`, ...: the names of columns a trait call gives no names for.
fn placeholder_names(m: usize) -> Vec<String> {
    (1..=m).map(|j| format!("#{j}")).collect()
}

/// The methods every stage plugin handle has alike: its description, a
/// copy with other parameters, and the error for a result it got wrong.
macro_rules! stage_plugin_common {
    ($t:ident) => {
        impl $t {
            /// One line describing it (the plugin's own).
            pub fn description(&self) -> &str {
                &self.description
            }

            /// The same plugin called with `params` (a JSON object text) instead of `{}`.
            pub fn with_params(&self, params: &str) -> $t {
                $t {
                    params: params.to_string(),
                    ..self.clone()
                }
            }

            fn invalid(&self, reason: String) -> HostError {
                HostError::InvalidResult {
                    plugin: self.name.clone(),
                    file: self.file.clone(),
                    reason,
                }
            }
        }
    };
}

/// A normaliser plugin as a [`Normaliser`].
#[derive(Debug, Clone)]
pub struct PluginNormaliser {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) file: PathBuf,
    pub(crate) normalise: NormaliseFn,
    pub(crate) last_error: LastErrorFn,
    pub(crate) params: String,
    pub(crate) failures: Failures,
}

stage_plugin_common!(PluginNormaliser);

impl PluginNormaliser {
    /// Normalises `raw` (rows x indicators, NaN = missing) with one name and
    /// one direction per column, checking the plugin's result: every value
    /// finite where the raw value is, NaN where it is missing. The column
    /// bounds (`min`, `max`) are the raw values' own, missing values left out.
    pub fn try_call(
        &self,
        names: &[String],
        raw: ArrayView2<'_, f64>,
        directions: &[Direction],
    ) -> Result<Normalized, HostError> {
        let (n, m) = raw.dim();
        if names.len() != m || directions.len() != m {
            return Err(self.invalid(format!(
                "not called: {} names and {} directions for {m} columns",
                names.len(),
                directions.len()
            )));
        }
        // Row-major copies: the ABI's layout whatever the view's strides.
        let raw_rm: Vec<f64> = raw.iter().copied().collect();
        let dirs: Vec<i8> = directions
            .iter()
            .map(|d| match d {
                Direction::Positive => 1,
                Direction::Negative => -1,
            })
            .collect();
        let ffi_names: Vec<FfiStr> = names.iter().map(|s| FfiStr::new(s)).collect();
        let input = FfiNormaliseInput {
            size: size_of::<FfiNormaliseInput>(),
            rows: n,
            cols: m,
            raw: raw_rm.as_ptr(),
            directions: dirs.as_ptr(),
            names: ffi_names.as_ptr(),
            params: FfiStr::new(&self.params),
        };
        let mut z = vec![f64::NAN; n * m];
        let mut constant = vec![0u8; m];
        let mut out = FfiNormaliseOutput {
            size: size_of::<FfiNormaliseOutput>(),
            z: z.as_mut_ptr(),
            constant: constant.as_mut_ptr(),
        };
        // SAFETY: every buffer is valid for the lengths stated and outlives
        // the call; the plugin only reads the inputs and writes n x m and m values.
        let status = unsafe { (self.normalise)(&input, &mut out) };
        if status != STATUS_OK {
            return Err(failure(status, self.last_error, &self.name, &self.file));
        }
        for (k, (&x, &v)) in raw_rm.iter().zip(&z).enumerate() {
            let (i, j) = (k / m, k % m);
            if x.is_nan() && !v.is_nan() {
                return Err(self.invalid(format!(
                    "row {}, indicator '{}': the raw value is missing but the normalised value is {v}; a missing value must stay missing (NaN)",
                    i + 1,
                    names[j]
                )));
            }
            if !x.is_nan() && !v.is_finite() {
                return Err(self.invalid(format!(
                    "row {}, indicator '{}': the normalised value of {x} is {v}; it must be finite",
                    i + 1,
                    names[j]
                )));
            }
        }
        let (min, max) = rurban_weighting::normalize::column_bounds(raw);
        let z = Array2::from_shape_vec((n, m), z)
            .map_err(|e| self.invalid(format!("the {n} x {m} result cannot be shaped: {e}")))?;
        Ok(Normalized {
            z,
            constant: constant.iter().map(|&c| c != 0).collect(),
            min,
            max,
        })
    }
}

impl Normaliser for PluginNormaliser {
    fn name(&self) -> &str {
        &self.name
    }

    /// On a failure: every value missing (NaN), no column constant, and the
    /// error recorded.
    fn normalise(&self, raw: ArrayView2<'_, f64>, directions: &[Direction]) -> Normalized {
        let names = placeholder_names(raw.ncols());
        match self.try_call(&names, raw, directions) {
            Ok(n) => n,
            Err(e) => {
                self.failures.record(e);
                let (min, max) = rurban_weighting::normalize::column_bounds(raw);
                Normalized {
                    z: Array2::from_elem(raw.dim(), f64::NAN),
                    constant: vec![false; raw.ncols()],
                    min,
                    max,
                }
            }
        }
    }

    /// The plugin's error as a [`StageError::Setting`] carrying the host's
    /// one-line message (naming the plugin and its file).
    fn try_normalise(
        &self,
        names: &[String],
        raw: ArrayView2<'_, f64>,
        directions: &[Direction],
    ) -> Result<Normalized, StageError> {
        self.try_call(names, raw, directions)
            .map_err(|e| StageError::Setting(e.to_string()))
    }
}

/// An aggregator plugin as an [`Aggregator`].
#[derive(Debug, Clone)]
pub struct PluginAggregator {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) file: PathBuf,
    pub(crate) aggregate: AggregateFn,
    pub(crate) last_error: LastErrorFn,
    pub(crate) params: String,
    pub(crate) failures: Failures,
}

/// What an aggregator plugin computed for a matrix of rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregated {
    /// One composite per row (NaN when the row cannot be aggregated).
    pub composite: Vec<f64>,
    /// Rows x dimensions scores (NaN when a dimension cannot be aggregated).
    pub dimensions: Array2<f64>,
}

stage_plugin_common!(PluginAggregator);

impl PluginAggregator {
    /// Aggregates every row of `z` (rows x indicators, NaN = missing) with
    /// one name, weight and dimension (`< dimensions`) per column, checking
    /// the plugin's result: every composite and dimension score finite or
    /// NaN.
    pub fn try_call(
        &self,
        names: &[String],
        z: ArrayView2<'_, f64>,
        weights: &[f64],
        dimension_of: &[usize],
        dimensions: usize,
    ) -> Result<Aggregated, HostError> {
        let (n, m) = z.dim();
        if names.len() != m || weights.len() != m || dimension_of.len() != m {
            return Err(self.invalid(format!(
                "not called: {} names, {} weights and {} dimension numbers for {m} columns",
                names.len(),
                weights.len(),
                dimension_of.len()
            )));
        }
        if let Some(j) = dimension_of.iter().position(|&d| d >= dimensions) {
            return Err(self.invalid(format!(
                "not called: indicator '{}' is in dimension {} of {dimensions}",
                names[j], dimension_of[j]
            )));
        }
        if let Some(j) = weights.iter().position(|w| !(w.is_finite() && *w >= 0.0)) {
            return Err(self.invalid(format!(
                "not called: the weight of indicator '{}' is {}",
                names[j], weights[j]
            )));
        }
        let z_rm: Vec<f64> = z.iter().copied().collect();
        let ffi_names: Vec<FfiStr> = names.iter().map(|s| FfiStr::new(s)).collect();
        let input = FfiAggregateInput {
            size: size_of::<FfiAggregateInput>(),
            rows: n,
            cols: m,
            z: z_rm.as_ptr(),
            weights: weights.as_ptr(),
            dimension_of: dimension_of.as_ptr(),
            dimensions,
            names: ffi_names.as_ptr(),
            params: FfiStr::new(&self.params),
        };
        let mut composite = vec![f64::NAN; n];
        let mut scores = vec![f64::NAN; n * dimensions];
        let mut out = FfiAggregateOutput {
            size: size_of::<FfiAggregateOutput>(),
            composite: composite.as_mut_ptr(),
            dimension_scores: scores.as_mut_ptr(),
        };
        // SAFETY: every buffer is valid for the lengths stated and outlives
        // the call; the plugin only reads the inputs and writes n and n x d values.
        let status = unsafe { (self.aggregate)(&input, &mut out) };
        if status != STATUS_OK {
            return Err(failure(status, self.last_error, &self.name, &self.file));
        }
        if let Some(i) = composite.iter().position(|v| v.is_infinite()) {
            return Err(self.invalid(format!(
                "the composite of row {} is {}; it must be finite or NaN (missing)",
                i + 1,
                composite[i]
            )));
        }
        if let Some(k) = scores.iter().position(|v| v.is_infinite()) {
            return Err(self.invalid(format!(
                "the score of dimension {} in row {} is {}; it must be finite or NaN (missing)",
                k % dimensions + 1,
                k / dimensions + 1,
                scores[k]
            )));
        }
        let dimensions = Array2::from_shape_vec((n, dimensions), scores)
            .map_err(|e| self.invalid(format!("the dimension scores cannot be shaped: {e}")))?;
        Ok(Aggregated {
            composite,
            dimensions,
        })
    }
}

impl Aggregator for PluginAggregator {
    fn name(&self) -> &str {
        &self.name
    }

    /// One row, one call. On a failure: the composite and every dimension
    /// score NaN, and the error recorded.
    fn aggregate(
        &self,
        z: ArrayView1<'_, f64>,
        weights: &[f64],
        dimension_of: &[usize],
        mut dimensions: ArrayViewMut1<'_, f64>,
    ) -> f64 {
        let m = z.len();
        let row = z.to_shape((1, m));
        let result = match row {
            Ok(row) => self.try_call(
                &placeholder_names(m),
                row.view(),
                weights,
                dimension_of,
                dimensions.len(),
            ),
            Err(e) => Err(self.invalid(format!("not called: {e}"))),
        };
        match result {
            Ok(a) => {
                dimensions.assign(&a.dimensions.row(0));
                a.composite[0]
            }
            Err(e) => {
                self.failures.record(e);
                dimensions.fill(f64::NAN);
                f64::NAN
            }
        }
    }
}
