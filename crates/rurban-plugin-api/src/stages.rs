//! Normalisation and aggregation plugins (ABI minor 1): the C types of
//! their calls, the safe views of them, and the traits a Rust plugin
//! implements.
//!
//! Every C struct here starts with `size`, its size in bytes as the writer
//! (the host, for inputs and outputs) knew it, so that later minor versions
//! can add fields at the end: a plugin reads a field only when it lies
//! inside `size`.

use crate::{Direction, FfiStr, slice};

/// Normalises a matrix: reads `input`, writes `input.rows x input.cols`
/// values and `input.cols` constant flags into the host's buffers in
/// `output`, returns a status.
pub type NormaliseFn =
    unsafe extern "C" fn(input: *const FfiNormaliseInput, output: *mut FfiNormaliseOutput) -> i32;

/// Aggregates the rows of a matrix: reads `input`, writes one composite per
/// row and one score per row and dimension into the host's buffers in
/// `output`, returns a status.
pub type AggregateFn =
    unsafe extern "C" fn(input: *const FfiAggregateInput, output: *mut FfiAggregateOutput) -> i32;

/// The input of a normalisation call: the raw n x m matrix of one scope
/// unit (the whole panel, or one year), borrowed from the host.
///
/// 64-bit offsets: 0 `size`, 8 `rows`, 16 `cols`, 24 `raw`, 32
/// `directions`, 40 `names`, 48 `params` (16 bytes); 64 bytes in all.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct FfiNormaliseInput {
    /// `size_of::<FfiNormaliseInput>()` as the host knew it.
    pub size: usize,
    /// n, the number of observations.
    pub rows: usize,
    /// m, the number of indicators.
    pub cols: usize,
    /// n x m raw values, row-major: finite, or NaN for a missing value.
    pub raw: *const f64,
    /// m directions: +1 (more is better) or -1 (less is better).
    pub directions: *const i8,
    /// m indicator names.
    pub names: *const FfiStr,
    /// Parameters as a JSON object text (`{}` when none).
    pub params: FfiStr,
}

/// The output buffers of a normalisation call, allocated by the host.
#[repr(C)]
#[derive(Debug)]
pub struct FfiNormaliseOutput {
    /// `size_of::<FfiNormaliseOutput>()` as the host knew it.
    pub size: usize,
    /// n x m normalised values to write, row-major (prefilled with NaN).
    /// Finite wherever the raw value is, NaN where it is missing.
    pub z: *mut f64,
    /// m flags to write: 1 when the column carries no information (it is
    /// constant), else 0 (prefilled with 0).
    pub constant: *mut u8,
}

/// The input of an aggregation call: n rows of m normalised values with
/// the weights and each indicator's dimension, borrowed from the host.
///
/// 64-bit offsets: 0 `size`, 8 `rows`, 16 `cols`, 24 `z`, 32 `weights`,
/// 40 `dimension_of`, 48 `dimensions`, 56 `names`, 64 `params` (16
/// bytes); 80 bytes in all.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct FfiAggregateInput {
    /// `size_of::<FfiAggregateInput>()` as the host knew it.
    pub size: usize,
    /// n, the number of rows (region-years) to aggregate.
    pub rows: usize,
    /// m, the number of indicators.
    pub cols: usize,
    /// n x m normalised values, row-major (NaN = missing).
    pub z: *const f64,
    /// m weights (finite, >= 0; they need not sum to 1).
    pub weights: *const f64,
    /// m dimension numbers, each `< dimensions`.
    pub dimension_of: *const usize,
    /// d, the number of dimensions.
    pub dimensions: usize,
    /// m indicator names.
    pub names: *const FfiStr,
    /// Parameters as a JSON object text (`{}` when none).
    pub params: FfiStr,
}

/// The output buffers of an aggregation call, allocated by the host.
#[repr(C)]
#[derive(Debug)]
pub struct FfiAggregateOutput {
    /// `size_of::<FfiAggregateOutput>()` as the host knew it.
    pub size: usize,
    /// n composites to write (prefilled with NaN); finite, or NaN when a
    /// row cannot be aggregated.
    pub composite: *mut f64,
    /// n x d dimension scores to write, row-major (prefilled with NaN);
    /// finite or NaN.
    pub dimension_scores: *mut f64,
}

/// `Err` unless a C struct of `size` bytes holds every field up to the end
/// of a struct of type `T` (what this crate knows).
fn covers<T>(size: usize, what: &str) -> Result<(), String> {
    if size < size_of::<T>() {
        return Err(format!(
            "the host passed a {what} of {size} bytes; this plugin needs at least {}",
            size_of::<T>()
        ));
    }
    Ok(())
}

/// Directions from their wire values.
fn directions(raw: &[i8]) -> Result<Vec<Direction>, String> {
    raw.iter()
        .enumerate()
        .map(|(j, &d)| match d {
            1 => Ok(Direction::Positive),
            -1 => Ok(Direction::Negative),
            other => Err(format!(
                "direction of column {} is {other}, expected +1 or -1",
                j + 1
            )),
        })
        .collect()
}

/// Names from their C strings.
///
/// # Safety
/// Every string must be valid for `'a`.
unsafe fn names<'a>(raw: &[FfiStr]) -> Result<Vec<&'a str>, String> {
    raw.iter()
        .enumerate()
        .map(|(j, s)| {
            // SAFETY: guaranteed by the caller.
            unsafe { s.to_str() }.map_err(|_| format!("name of column {} is not UTF-8", j + 1))
        })
        .collect()
}

/// The safe view of a normalisation call's input.
#[derive(Debug, Clone)]
pub struct NormaliseInput<'a> {
    /// n, the number of observations.
    pub rows: usize,
    /// m, the number of indicators.
    pub cols: usize,
    /// n x m raw values, row-major (NaN = missing).
    pub raw: &'a [f64],
    /// m directions.
    pub directions: Vec<Direction>,
    /// m indicator names.
    pub names: Vec<&'a str>,
    /// Parameters as JSON text; read them with [`Params::parse`](crate::Params::parse).
    pub params: &'a str,
}

impl<'a> NormaliseInput<'a> {
    /// Raw value of row `i`, column `j`.
    pub fn raw(&self, i: usize, j: usize) -> f64 {
        self.raw[i * self.cols + j]
    }

    /// Column `j` of the raw matrix, top to bottom.
    pub fn raw_column(&self, j: usize) -> impl Iterator<Item = f64> + '_ {
        self.raw.iter().skip(j).step_by(self.cols.max(1)).copied()
    }

    /// Reads the C input.
    ///
    /// # Safety
    /// Every pointer of `ffi` must be valid for the lengths it states, for `'a`.
    pub unsafe fn from_ffi(ffi: &FfiNormaliseInput) -> Result<NormaliseInput<'a>, String> {
        covers::<FfiNormaliseInput>(ffi.size, "normalise input")?;
        let cells = ffi
            .rows
            .checked_mul(ffi.cols)
            .ok_or_else(|| format!("matrix size {} x {} overflows", ffi.rows, ffi.cols))?;
        // SAFETY (all blocks): guaranteed by the caller.
        let raw = unsafe { slice(ffi.raw, cells, "raw") }?;
        let dirs = unsafe { slice(ffi.directions, ffi.cols, "directions") }?;
        let name_strs = unsafe { slice(ffi.names, ffi.cols, "names") }?;
        let params =
            unsafe { ffi.params.to_str() }.map_err(|_| "parameters are not UTF-8".to_string())?;
        Ok(NormaliseInput {
            rows: ffi.rows,
            cols: ffi.cols,
            raw,
            directions: directions(dirs)?,
            names: unsafe { names(name_strs) }?,
            params,
        })
    }
}

/// What a normaliser plugin returns.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NormaliseOutput {
    /// n x m normalised values, row-major: finite wherever the raw value is,
    /// NaN where it is missing (the host checks).
    pub z: Vec<f64>,
    /// m flags: true for a column that carries no information.
    pub constant: Vec<bool>,
}

/// A normalisation written in safe Rust; turn it into a plugin with
/// [`export_normaliser!`](crate::export_normaliser).
pub trait NormaliserPlugin: Send + Sync + 'static {
    /// The name a spec selects it by (`normalisation = "NAME"`); no NUL bytes.
    const NAME: &'static str;
    /// The plugin's version, typically `env!("CARGO_PKG_VERSION")`.
    const VERSION: &'static str;
    /// One line for `rurban plugins`.
    const DESCRIPTION: &'static str = "";
    /// Normalises the matrix of one scope unit. `Err` carries a message for
    /// the user.
    fn normalise(&self, input: &NormaliseInput<'_>) -> Result<NormaliseOutput, String>;
}

/// The safe view of an aggregation call's input.
#[derive(Debug, Clone)]
pub struct AggregateInput<'a> {
    /// n, the number of rows.
    pub rows: usize,
    /// m, the number of indicators.
    pub cols: usize,
    /// n x m normalised values, row-major (NaN = missing).
    pub z: &'a [f64],
    /// m weights.
    pub weights: &'a [f64],
    /// m dimension numbers, each `< dimensions`.
    pub dimension_of: &'a [usize],
    /// d, the number of dimensions.
    pub dimensions: usize,
    /// m indicator names.
    pub names: Vec<&'a str>,
    /// Parameters as JSON text; read them with [`Params::parse`](crate::Params::parse).
    pub params: &'a str,
}

impl<'a> AggregateInput<'a> {
    /// Row `i`: its m normalised values.
    pub fn row(&self, i: usize) -> &'a [f64] {
        &self.z[i * self.cols..(i + 1) * self.cols]
    }

    /// Reads the C input.
    ///
    /// # Safety
    /// Every pointer of `ffi` must be valid for the lengths it states, for `'a`.
    pub unsafe fn from_ffi(ffi: &FfiAggregateInput) -> Result<AggregateInput<'a>, String> {
        covers::<FfiAggregateInput>(ffi.size, "aggregate input")?;
        let cells = ffi
            .rows
            .checked_mul(ffi.cols)
            .ok_or_else(|| format!("matrix size {} x {} overflows", ffi.rows, ffi.cols))?;
        // SAFETY (all blocks): guaranteed by the caller.
        let z = unsafe { slice(ffi.z, cells, "z") }?;
        let weights = unsafe { slice(ffi.weights, ffi.cols, "weights") }?;
        let dimension_of = unsafe { slice(ffi.dimension_of, ffi.cols, "dimension_of") }?;
        if let Some(j) = dimension_of.iter().position(|&d| d >= ffi.dimensions) {
            return Err(format!(
                "column {} is in dimension {} of {}",
                j + 1,
                dimension_of[j],
                ffi.dimensions
            ));
        }
        let name_strs = unsafe { slice(ffi.names, ffi.cols, "names") }?;
        let params =
            unsafe { ffi.params.to_str() }.map_err(|_| "parameters are not UTF-8".to_string())?;
        Ok(AggregateInput {
            rows: ffi.rows,
            cols: ffi.cols,
            z,
            weights,
            dimension_of,
            dimensions: ffi.dimensions,
            names: unsafe { names(name_strs) }?,
            params,
        })
    }
}

/// What an aggregator plugin returns.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AggregateOutput {
    /// n composites: finite, or NaN for a row that cannot be aggregated.
    pub composite: Vec<f64>,
    /// n x d dimension scores, row-major: finite or NaN.
    pub dimension_scores: Vec<f64>,
}

/// An aggregation written in safe Rust; turn it into a plugin with
/// [`export_aggregator!`](crate::export_aggregator).
pub trait AggregatorPlugin: Send + Sync + 'static {
    /// The name a spec selects it by (`aggregation = "NAME"`); no NUL bytes.
    const NAME: &'static str;
    /// The plugin's version, typically `env!("CARGO_PKG_VERSION")`.
    const VERSION: &'static str;
    /// One line for `rurban plugins`.
    const DESCRIPTION: &'static str = "";
    /// Aggregates every row: one composite per row and one score per row
    /// and dimension. `Err` carries a message for the user.
    fn aggregate(&self, input: &AggregateInput<'_>) -> Result<AggregateOutput, String>;
}

/// The bodies of the macro-built functions.
pub(crate) mod glue {
    use super::*;
    use crate::__private::guarded;

    /// The body of a macro-built [`NormaliseFn`].
    ///
    /// # Safety
    /// `input` and `output` must be null or valid as the ABI describes.
    pub unsafe fn normalise<T: NormaliserPlugin>(
        instance: fn() -> &'static T,
        input: *const FfiNormaliseInput,
        output: *mut FfiNormaliseOutput,
    ) -> i32 {
        guarded(|| {
            if input.is_null() || output.is_null() {
                return Err("the host passed a null input or output".into());
            }
            // SAFETY: non-null, and valid by the ABI.
            let (ffi, out) = unsafe { (&*input, &mut *output) };
            covers::<FfiNormaliseOutput>(out.size, "normalise output")?;
            // SAFETY: as above.
            let view = unsafe { NormaliseInput::from_ffi(ffi) }?;
            let result = instance().normalise(&view)?;
            let cells = view.rows * view.cols;
            if result.z.len() != cells || result.constant.len() != view.cols {
                return Err(format!(
                    "the plugin returned {} values and {} constant flags for a {} x {} matrix",
                    result.z.len(),
                    result.constant.len(),
                    view.rows,
                    view.cols
                ));
            }
            if (cells > 0 && out.z.is_null()) || (view.cols > 0 && out.constant.is_null()) {
                return Err("the host passed a null output buffer".into());
            }
            // SAFETY: the host's buffers hold `cells` and `cols` values.
            unsafe {
                std::ptr::copy_nonoverlapping(result.z.as_ptr(), out.z, cells);
                for (j, &c) in result.constant.iter().enumerate() {
                    *out.constant.add(j) = u8::from(c);
                }
            }
            Ok(())
        })
    }

    /// The body of a macro-built [`AggregateFn`].
    ///
    /// # Safety
    /// `input` and `output` must be null or valid as the ABI describes.
    pub unsafe fn aggregate<T: AggregatorPlugin>(
        instance: fn() -> &'static T,
        input: *const FfiAggregateInput,
        output: *mut FfiAggregateOutput,
    ) -> i32 {
        guarded(|| {
            if input.is_null() || output.is_null() {
                return Err("the host passed a null input or output".into());
            }
            // SAFETY: non-null, and valid by the ABI.
            let (ffi, out) = unsafe { (&*input, &mut *output) };
            covers::<FfiAggregateOutput>(out.size, "aggregate output")?;
            // SAFETY: as above.
            let view = unsafe { AggregateInput::from_ffi(ffi) }?;
            let result = instance().aggregate(&view)?;
            let n = view.rows;
            let scores = n * view.dimensions;
            if result.composite.len() != n || result.dimension_scores.len() != scores {
                return Err(format!(
                    "the plugin returned {} composites and {} dimension scores for {n} rows and {} dimensions",
                    result.composite.len(),
                    result.dimension_scores.len(),
                    view.dimensions
                ));
            }
            if (n > 0 && out.composite.is_null()) || (scores > 0 && out.dimension_scores.is_null())
            {
                return Err("the host passed a null output buffer".into());
            }
            // SAFETY: the host's buffers hold n and n x d values.
            unsafe {
                std::ptr::copy_nonoverlapping(result.composite.as_ptr(), out.composite, n);
                std::ptr::copy_nonoverlapping(
                    result.dimension_scores.as_ptr(),
                    out.dimension_scores,
                    scores,
                );
            }
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{STATUS_ERROR, STATUS_OK};

    /// Doubles every value; column 2 constant.
    struct Double;
    impl NormaliserPlugin for Double {
        const NAME: &'static str = "double";
        const VERSION: &'static str = "1";
        fn normalise(&self, input: &NormaliseInput<'_>) -> Result<NormaliseOutput, String> {
            Ok(NormaliseOutput {
                z: input.raw.iter().map(|x| 2.0 * x).collect(),
                constant: (0..input.cols).map(|j| j == 1).collect(),
            })
        }
    }

    /// Composite = weighted sum of the row; dimension scores = row index.
    struct Sum;
    impl AggregatorPlugin for Sum {
        const NAME: &'static str = "sum";
        const VERSION: &'static str = "1";
        fn aggregate(&self, input: &AggregateInput<'_>) -> Result<AggregateOutput, String> {
            let composite = (0..input.rows)
                .map(|i| {
                    input
                        .row(i)
                        .iter()
                        .zip(input.weights)
                        .map(|(z, w)| z * w)
                        .sum()
                })
                .collect();
            let dimension_scores = (0..input.rows * input.dimensions)
                .map(|k| (k / input.dimensions) as f64)
                .collect();
            Ok(AggregateOutput {
                composite,
                dimension_scores,
            })
        }
    }

    #[test]
    fn normalise_glue_fills_the_host_buffers() {
        static D: Double = Double;
        let raw = [1.0, 2.0, 3.0, 4.0];
        let dirs = [1i8, -1];
        let names = [FfiStr::new("a"), FfiStr::new("b")];
        let mut input = FfiNormaliseInput {
            size: size_of::<FfiNormaliseInput>(),
            rows: 2,
            cols: 2,
            raw: raw.as_ptr(),
            directions: dirs.as_ptr(),
            names: names.as_ptr(),
            params: FfiStr::new("{}"),
        };
        let mut z = [f64::NAN; 4];
        let mut constant = [0u8; 2];
        let mut out = FfiNormaliseOutput {
            size: size_of::<FfiNormaliseOutput>(),
            z: z.as_mut_ptr(),
            constant: constant.as_mut_ptr(),
        };
        // SAFETY: all buffers valid for the call.
        let status = unsafe { glue::normalise::<Double>(|| &D, &input, &mut out) };
        assert_eq!(status, STATUS_OK);
        assert_eq!(z, [2.0, 4.0, 6.0, 8.0]);
        assert_eq!(constant, [0, 1]);
        // A host that states a smaller input than this plugin knows is refused.
        input.size = 8;
        // SAFETY: as above.
        let status = unsafe { glue::normalise::<Double>(|| &D, &input, &mut out) };
        assert_eq!(status, STATUS_ERROR);
    }

    #[test]
    fn aggregate_glue_fills_the_host_buffers_and_checks_dimensions() {
        static S: Sum = Sum;
        let z = [1.0, 0.5, 0.0, 1.0];
        let w = [0.25, 0.75];
        let dim = [0usize, 1];
        let names = [FfiStr::new("a"), FfiStr::new("b")];
        let mut input = FfiAggregateInput {
            size: size_of::<FfiAggregateInput>(),
            rows: 2,
            cols: 2,
            z: z.as_ptr(),
            weights: w.as_ptr(),
            dimension_of: dim.as_ptr(),
            dimensions: 2,
            names: names.as_ptr(),
            params: FfiStr::EMPTY,
        };
        let mut composite = [f64::NAN; 2];
        let mut scores = [f64::NAN; 4];
        let mut out = FfiAggregateOutput {
            size: size_of::<FfiAggregateOutput>(),
            composite: composite.as_mut_ptr(),
            dimension_scores: scores.as_mut_ptr(),
        };
        // SAFETY: all buffers valid for the call.
        let status = unsafe { glue::aggregate::<Sum>(|| &S, &input, &mut out) };
        assert_eq!(status, STATUS_OK);
        // .25 * 1 + .75 * .5 = .625; .25 * 0 + .75 * 1 = .75
        assert_eq!(composite, [0.625, 0.75]);
        assert_eq!(scores, [0.0, 0.0, 1.0, 1.0]);
        // A dimension number out of range is refused before the plugin runs.
        input.dimensions = 1;
        // SAFETY: as above.
        let status = unsafe { glue::aggregate::<Sum>(|| &S, &input, &mut out) };
        assert_eq!(status, STATUS_ERROR);
    }

    #[test]
    fn layouts_are_fixed() {
        if size_of::<usize>() == 8 {
            assert_eq!(size_of::<FfiNormaliseInput>(), 64);
            assert_eq!(std::mem::offset_of!(FfiNormaliseInput, params), 48);
            assert_eq!(size_of::<FfiNormaliseOutput>(), 24);
            assert_eq!(size_of::<FfiAggregateInput>(), 80);
            assert_eq!(std::mem::offset_of!(FfiAggregateInput, dimensions), 48);
            assert_eq!(std::mem::offset_of!(FfiAggregateInput, params), 64);
            assert_eq!(size_of::<FfiAggregateOutput>(), 24);
        }
    }
}
