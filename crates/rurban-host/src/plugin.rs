//! Plugins behind the host's traits: calling across the C ABI and checking
//! every result.

use std::ffi::c_void;
use std::path::{Path, PathBuf};

use rurban_core::Direction;
use rurban_plugin_api::{
    ComputeFn, FfiIndicatorInput, FfiStr, FfiWeightingInput, FfiWeightingOutput, LastErrorFn,
    STATUS_ERROR, STATUS_OK, STATUS_PANIC, WeighFn,
};
use rurban_weighting::{WeightError, WeightInput, Weighting, Weights};

use crate::{DerivedIndicator, DerivedInput, HostError};

/// Tolerance on the sum of a plugin's weights.
pub(crate) const SUM_TOLERANCE: f64 = 1e-9;

/// A weighting plugin.
pub(crate) struct PluginWeighting {
    pub name: String,
    pub description: String,
    pub file: PathBuf,
    pub weigh: WeighFn,
    pub last_error: LastErrorFn,
}

/// A derived-indicator plugin.
pub(crate) struct PluginIndicator {
    pub name: String,
    pub description: String,
    pub file: PathBuf,
    pub compute: ComputeFn,
    pub last_error: LastErrorFn,
}

/// The most characters of a plugin's message or warning that are shown.
const MESSAGE_CHARS: usize = 4 * rurban_core::MAX_QUOTED;

/// The message of a failed call, copied at once from the plugin's buffer.
pub(crate) fn failure(
    status: i32,
    last_error: LastErrorFn,
    plugin: &str,
    file: &Path,
) -> HostError {
    // SAFETY: called on the thread of the failed call, right after it.
    let s = unsafe { last_error() };
    // SAFETY: valid until the next call into the plugin on this thread.
    let text = String::from_utf8_lossy(unsafe { s.as_bytes() }).into_owned();
    // Untrusted text: control characters escaped, length bounded.
    let text = if text.is_empty() {
        "(no message)".to_string()
    } else {
        rurban_core::clip_to(&text, MESSAGE_CHARS).into_owned()
    };
    let message = match status {
        STATUS_ERROR | STATUS_PANIC => text,
        other => format!("unknown status {other}: {text}"),
    };
    HostError::PluginFailed {
        plugin: plugin.to_string(),
        file: file.to_path_buf(),
        message,
    }
}

/// Collects warnings sent by a plugin during a weighting call.
unsafe extern "C" fn collect_warning(ctx: *mut c_void, message: FfiStr) {
    if ctx.is_null() {
        return;
    }
    // SAFETY: ctx is the Vec<String> of `PluginWeighting::call`, alive during the call.
    let warnings = unsafe { &mut *(ctx as *mut Vec<String>) };
    // SAFETY: the plugin passes a valid string for the duration of this call.
    let text = String::from_utf8_lossy(unsafe { message.as_bytes() });
    warnings.push(rurban_core::clip_to(&text, MESSAGE_CHARS).into_owned());
}

/// Checks a plugin's weights: finite, >= 0, summing to 1 within [`SUM_TOLERANCE`].
pub(crate) fn check_weights(
    weights: &[f64],
    entropy: Option<&[f64]>,
    names: &[String],
) -> Result<(), String> {
    for (j, &w) in weights.iter().enumerate() {
        if !w.is_finite() {
            return Err(format!(
                "weight {} ('{}') is {w}; weights must be finite",
                j + 1,
                names[j]
            ));
        }
        if w < 0.0 {
            return Err(format!(
                "weight {} ('{}') is {w}; weights must be >= 0",
                j + 1,
                names[j]
            ));
        }
    }
    let sum: f64 = weights.iter().sum();
    if (sum - 1.0).abs() > SUM_TOLERANCE {
        return Err(format!(
            "the weights sum to {sum}, not 1 (tolerance {SUM_TOLERANCE:e})"
        ));
    }
    if let Some(e) = entropy
        && let Some(j) = e.iter().position(|v| !v.is_finite())
    {
        return Err(format!(
            "entropy {} ('{}') is {}; entropy values must be finite",
            j + 1,
            names[j],
            e[j]
        ));
    }
    Ok(())
}

impl PluginWeighting {
    fn call(&self, input: &WeightInput<'_>) -> Result<Weights, HostError> {
        let (n, m) = input.normalized.dim();
        let shape = |reason: String| HostError::InvalidResult {
            plugin: self.name.clone(),
            file: self.file.clone(),
            reason: format!("not called: {reason}"),
        };
        if input.raw.dim() != (n, m) {
            return Err(shape(format!(
                "raw matrix is {:?}, normalised matrix {:?}",
                input.raw.dim(),
                (n, m)
            )));
        }
        if input.names.len() != m || input.directions.len() != m || input.constant.len() != m {
            return Err(shape(format!(
                "{} names, {} directions, {} constant flags for {m} columns",
                input.names.len(),
                input.directions.len(),
                input.constant.len()
            )));
        }
        // Row-major copies: the ABI's layout whatever the views' strides.
        let normalized: Vec<f64> = input.normalized.iter().copied().collect();
        let raw: Vec<f64> = input.raw.iter().copied().collect();
        let directions: Vec<i8> = input
            .directions
            .iter()
            .map(|d| match d {
                Direction::Positive => 1,
                Direction::Negative => -1,
            })
            .collect();
        let constant: Vec<u8> = input.constant.iter().map(|&c| u8::from(c)).collect();
        let names: Vec<FfiStr> = input.names.iter().map(|s| FfiStr::new(s)).collect();
        let ffi_in = FfiWeightingInput {
            rows: n,
            cols: m,
            normalized: normalized.as_ptr(),
            raw: raw.as_ptr(),
            directions: directions.as_ptr(),
            constant: constant.as_ptr(),
            names: names.as_ptr(),
            shift: input.shift,
            params: FfiStr::new(input.params),
        };
        let mut weights = vec![f64::NAN; m];
        let mut entropy = vec![f64::NAN; m];
        let mut warnings: Vec<String> = Vec::new();
        let mut out = FfiWeightingOutput {
            weights: weights.as_mut_ptr(),
            entropy: entropy.as_mut_ptr(),
            has_entropy: 0,
            warn: Some(collect_warning),
            warn_ctx: (&mut warnings as *mut Vec<String>).cast::<c_void>(),
        };
        // SAFETY: every buffer is valid for the lengths stated and outlives
        // the call; the plugin only reads the inputs and writes m values.
        let status = unsafe { (self.weigh)(&ffi_in, &mut out) };
        if status != STATUS_OK {
            return Err(failure(status, self.last_error, &self.name, &self.file));
        }
        let entropy = (out.has_entropy != 0).then_some(entropy);
        check_weights(&weights, entropy.as_deref(), input.names).map_err(|reason| {
            HostError::InvalidResult {
                plugin: self.name.clone(),
                file: self.file.clone(),
                reason,
            }
        })?;
        Ok(Weights {
            weights,
            entropy,
            warnings,
        })
    }
}

impl Weighting for PluginWeighting {
    fn name(&self) -> &str {
        &self.name
    }
    fn description(&self) -> &str {
        &self.description
    }
    fn weigh(&self, input: &WeightInput<'_>) -> Result<Weights, WeightError> {
        self.call(input)
            .map_err(|e| WeightError::Other(e.to_string()))
    }
}

/// Checks a derived column: every value finite or NaN.
pub(crate) fn check_derived(values: &[f64], input: &DerivedInput<'_>) -> Result<(), String> {
    match values.iter().position(|v| v.is_infinite()) {
        None => Ok(()),
        Some(i) => Err(format!(
            "row {} (region '{}', year {}) is {}; a derived value must be finite or NaN (missing)",
            i + 1,
            input.regions[i],
            input.years[i],
            values[i]
        )),
    }
}

impl DerivedIndicator for PluginIndicator {
    fn name(&self) -> &str {
        &self.name
    }
    fn description(&self) -> &str {
        &self.description
    }
    fn compute(&self, input: &DerivedInput<'_>) -> Result<Vec<f64>, HostError> {
        let n = input.check_shape(&self.name)?;
        let names: Vec<FfiStr> = input.names.iter().map(|s| FfiStr::new(s)).collect();
        let columns: Vec<*const f64> = input.columns.iter().map(|c| c.as_ptr()).collect();
        let regions: Vec<FfiStr> = input.regions.iter().map(|s| FfiStr::new(s)).collect();
        let ffi_in = FfiIndicatorInput {
            rows: n,
            inputs: columns.len(),
            names: names.as_ptr(),
            columns: columns.as_ptr(),
            regions: regions.as_ptr(),
            years: input.years.as_ptr(),
            params: FfiStr::new(input.params),
        };
        let mut values = vec![f64::NAN; n];
        // SAFETY: every buffer is valid for the lengths stated and outlives
        // the call; the plugin writes n values into `values`.
        let status = unsafe { (self.compute)(&ffi_in, values.as_mut_ptr()) };
        if status != STATUS_OK {
            return Err(failure(status, self.last_error, &self.name, &self.file));
        }
        check_derived(&values, input).map_err(|reason| HostError::InvalidResult {
            plugin: self.name.clone(),
            file: self.file.clone(),
            reason,
        })?;
        Ok(values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(k: usize) -> Vec<String> {
        (0..k).map(|j| format!("x{}", j + 1)).collect()
    }

    #[test]
    fn weight_checks() {
        assert!(check_weights(&[0.25, 0.75], None, &names(2)).is_ok());
        // 0.1 + 0.2 + 0.7 is 1 only up to rounding (0.9999999999999999): accepted.
        assert!(check_weights(&[0.1, 0.2, 0.7], None, &names(3)).is_ok());
        assert_eq!(
            check_weights(&[f64::NAN, 1.0], None, &names(2)).unwrap_err(),
            "weight 1 ('x1') is NaN; weights must be finite"
        );
        assert_eq!(
            check_weights(&[1.5, -0.5], None, &names(2)).unwrap_err(),
            "weight 2 ('x2') is -0.5; weights must be >= 0"
        );
        assert_eq!(
            check_weights(&[0.3, 0.3], None, &names(2)).unwrap_err(),
            "the weights sum to 0.6, not 1 (tolerance 1e-9)"
        );
        // Off by 2e-9: refused; off by 5e-10: accepted.
        assert!(check_weights(&[0.5, 0.5 + 2e-9], None, &names(2)).is_err());
        assert!(check_weights(&[0.5, 0.5 + 5e-10], None, &names(2)).is_ok());
        assert_eq!(
            check_weights(&[0.5, 0.5], Some(&[0.1, f64::INFINITY]), &names(2)).unwrap_err(),
            "entropy 2 ('x2') is inf; entropy values must be finite"
        );
    }

    #[test]
    fn derived_checks() {
        let names = ["a".to_string()];
        let regions = ["R1".to_string(), "R2".to_string()];
        let col = [1.0, 2.0];
        let cols: [&[f64]; 1] = [&col];
        let input = DerivedInput {
            names: &names,
            columns: &cols,
            regions: &regions,
            years: &[2020, 2021],
            params: "{}",
        };
        assert!(check_derived(&[1.0, f64::NAN], &input).is_ok());
        assert_eq!(
            check_derived(&[1.0, f64::NEG_INFINITY], &input).unwrap_err(),
            "row 2 (region 'R2', year 2021) is -inf; a derived value must be finite or NaN (missing)"
        );
    }
}
