//! The stable C ABI between rurban and its plugins, and the safe Rust side of it.
//!
//! A plugin is a shared library (`cdylib`) that adds one **weighting** scheme,
//! one **derived indicator**, one **normalisation** or one **aggregation** to
//! rurban. It exports exactly one symbol, [`ENTRY_SYMBOL`]
//! (`rurban_plugin_entry_v1`), an `extern "C"` function without arguments
//! that returns a pointer to a static [`PluginDeclaration`]. The declaration
//! starts with the ABI version word ([`abi_version_word`]: the major version
//! [`ABI_VERSION`] in the low 16 bits, the minor version in the high 16
//! bits); the host reads that word before anything else, refuses a library
//! whose major version it does not speak, and reads the fields a minor
//! version added only when the declaration says it has them.
//!
//! Only C types cross the boundary: pointers with lengths ([`FfiStr`], the
//! `*const f64` buffers of [`FfiWeightingInput`], [`FfiIndicatorInput`],
//! [`FfiNormaliseInput`] and [`FfiAggregateInput`]), `u32`/`i32` codes,
//! `usize` and `f64`. The host owns every input and output buffer;
//! the plugin only reads the inputs and writes into the outputs during the
//! call. The one string the plugin hands back, its per-thread last error, is
//! owned by the plugin and copied by the host at once. Nothing is ever freed
//! across the boundary.
//!
//! Rust plugins do not touch any of that: they implement [`WeightingPlugin`],
//! [`IndicatorPlugin`], [`NormaliserPlugin`] or [`AggregatorPlugin`] on safe
//! slices and call [`export_weighting!`], [`export_indicator!`],
//! [`export_normaliser!`] or [`export_aggregator!`], which generate the entry
//! symbol and wrap every call in `catch_unwind`, so a panic becomes
//! [`STATUS_PANIC`] with its message instead of unwinding into the host.
//!
//! [`Params`] reads the JSON parameter text for plugins that want no
//! dependencies.
//!
//! # Versioning
//!
//! The ABI has a major version ([`ABI_VERSION`], also the number in
//! [`ENTRY_SYMBOL`]) and a minor version ([`ABI_MINOR`]).
//!
//! * Within a major version nothing that exists ever changes: no field is
//!   removed, reordered, retyped or reinterpreted, no constant changes value.
//! * A minor version may only **add**: fields at the end of
//!   [`PluginDeclaration`] (after [`PluginDeclaration::size`]), new kinds,
//!   new function types, new structs. Every struct added from minor 1 on
//!   starts with a `size` field (its size in bytes as the writer knew it),
//!   and may itself grow only at its end.
//! * A reader reads a field only when the writer says it wrote it: the host
//!   reads `size` only when the declared minor is at least 1, and a field
//!   only when it lies inside `size`; a plugin reads an input field only
//!   when it lies inside the input's `size`.
//! * Anything else (a field removed or changed) bumps the major version and
//!   the number in [`ENTRY_SYMBOL`] together; the host refuses a major
//!   version it does not speak.
//!
//! Minor 0 is the ABI of weighting and indicator plugins as first published:
//! a 64-byte declaration ending at [`PluginDeclaration::last_error`]
//! ([`PluginDeclarationV1_0`]). Minor 1 adds `size`, `normalise` and
//! `aggregate` to the declaration and the kinds [`KIND_NORMALISER`] and
//! [`KIND_AGGREGATOR`]. A plugin built for minor 0 loads unchanged.
//!
//! Adding a new safe helper on the Rust side is not an ABI change.
//!
//! This crate depends on nothing but `std`.

#![warn(missing_docs)]

use std::ffi::{c_char, c_void};

pub mod json;
pub mod stages;

pub use json::{JsonValue, Params};
pub use stages::{
    AggregateFn, AggregateInput, AggregateOutput, AggregatorPlugin, FfiAggregateInput,
    FfiAggregateOutput, FfiNormaliseInput, FfiNormaliseOutput, NormaliseFn, NormaliseInput,
    NormaliseOutput, NormaliserPlugin,
};

/// The major version of the ABI described by this crate (the number in
/// [`ENTRY_SYMBOL`]).
pub const ABI_VERSION: u32 = 1;

/// The minor version of the ABI described by this crate: what was added to
/// major version [`ABI_VERSION`] without breaking it (see the crate's
/// versioning rule).
pub const ABI_MINOR: u32 = 1;

/// The word a declaration's [`PluginDeclaration::abi_version`] holds: the
/// major version in the low 16 bits, the minor in the high 16 bits. A plugin
/// of minor 0 writes just the major version (`1`).
pub const fn abi_version_word(major: u32, minor: u32) -> u32 {
    (major & 0xFFFF) | (minor << 16)
}

/// The (major, minor) versions of a declaration's version word.
pub const fn split_abi_version(word: u32) -> (u32, u32) {
    (word & 0xFFFF, word >> 16)
}

/// The name of the one symbol a plugin exports (`rurban_plugin_entry_v` +
/// [`ABI_VERSION`]).
pub const ENTRY_SYMBOL: &str = "rurban_plugin_entry_v1";

/// The entry symbol without its version number; the host probes
/// `ENTRY_SYMBOL_PREFIX` + N to name the version of a library built for
/// another ABI.
pub const ENTRY_SYMBOL_PREFIX: &str = "rurban_plugin_entry_v";

/// [`PluginDeclaration::kind`] of a weighting scheme.
pub const KIND_WEIGHTING: u32 = 1;
/// [`PluginDeclaration::kind`] of a derived indicator.
pub const KIND_INDICATOR: u32 = 2;
/// [`PluginDeclaration::kind`] of a normalisation (ABI minor 1 and later).
pub const KIND_NORMALISER: u32 = 3;
/// [`PluginDeclaration::kind`] of an aggregation (ABI minor 1 and later).
pub const KIND_AGGREGATOR: u32 = 4;

/// Status: the call succeeded and the output buffers are filled.
pub const STATUS_OK: i32 = 0;
/// Status: the plugin refused the input; its last error says why.
pub const STATUS_ERROR: i32 = 1;
/// Status: the plugin panicked; its last error holds the panic message.
pub const STATUS_PANIC: i32 = 2;

/// How the last error of a caught panic begins: the host shows the plugin's
/// message as `failed: the plugin panicked (caught): <message> (at file:line:col)`.
pub const PANIC_PREFIX: &str = "the plugin panicked (caught): ";

/// A borrowed UTF-8 string: pointer and length in bytes, no NUL terminator.
///
/// `ptr` may be null only when `len` is 0.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct FfiStr {
    /// First byte.
    pub ptr: *const u8,
    /// Length in bytes.
    pub len: usize,
}

impl FfiStr {
    /// The empty string.
    pub const EMPTY: FfiStr = FfiStr {
        ptr: std::ptr::null(),
        len: 0,
    };

    /// Borrows `s` (the result is valid as long as `s` is).
    pub fn new(s: &str) -> FfiStr {
        FfiStr {
            ptr: s.as_ptr(),
            len: s.len(),
        }
    }

    /// The bytes.
    ///
    /// # Safety
    /// `ptr` must point to `len` readable bytes that live for `'a` (or `len`
    /// must be 0).
    pub unsafe fn as_bytes<'a>(self) -> &'a [u8] {
        if self.len == 0 || self.ptr.is_null() {
            &[]
        } else {
            // SAFETY: guaranteed by the caller.
            unsafe { std::slice::from_raw_parts(self.ptr, self.len) }
        }
    }

    /// The text, if it is UTF-8.
    ///
    /// # Safety
    /// As for [`FfiStr::as_bytes`].
    pub unsafe fn to_str<'a>(self) -> Result<&'a str, std::str::Utf8Error> {
        // SAFETY: guaranteed by the caller.
        std::str::from_utf8(unsafe { self.as_bytes() })
    }
}

/// The entry symbol's type: returns the plugin's static declaration.
pub type EntryFn = unsafe extern "C" fn() -> *const PluginDeclaration;

/// Computes weights: reads `input`, writes `input.cols` weights (and
/// optionally entropies) into the host's buffers in `output`, returns a status.
pub type WeighFn =
    unsafe extern "C" fn(input: *const FfiWeightingInput, output: *mut FfiWeightingOutput) -> i32;

/// Computes a derived indicator: reads `input`, writes `input.rows` values
/// into the host's buffer `output` (NaN = missing), returns a status.
pub type ComputeFn = unsafe extern "C" fn(input: *const FfiIndicatorInput, output: *mut f64) -> i32;

/// Returns the message of the last failed call on the calling thread. The
/// text is owned by the plugin and valid until the next call into the plugin
/// on that thread.
pub type LastErrorFn = unsafe extern "C" fn() -> FfiStr;

/// Host callback a weighting plugin may call during [`WeighFn`] to attach a
/// warning (copied by the host before it returns).
pub type WarnFn = unsafe extern "C" fn(ctx: *mut c_void, message: FfiStr);

/// What the entry symbol returns: who the plugin is and its functions.
///
/// Field order is part of the ABI. On a 64-bit target the offsets are
/// 0, 8, 16, 24, 32, 40, 48, 56 for the fields of minor 0 (64 bytes, as in
/// [`PluginDeclarationV1_0`]), then 64, 72, 80 for the fields minor 1 added
/// (88 bytes in all). The host reads the fields after `last_error` only when
/// the minor version in `abi_version` is at least 1, and only those inside
/// `size`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct PluginDeclaration {
    /// The ABI version word ([`abi_version_word`]`(`[`ABI_VERSION`]`,
    /// minor)`) the plugin was built for. Read first.
    pub abi_version: u32,
    /// The name users select the plugin by: NUL-terminated UTF-8, not null,
    /// not empty, static.
    pub name: *const c_char,
    /// The plugin's own version: NUL-terminated UTF-8, not null, static.
    pub version: *const c_char,
    /// [`KIND_WEIGHTING`], [`KIND_INDICATOR`], [`KIND_NORMALISER`] or
    /// [`KIND_AGGREGATOR`].
    pub kind: u32,
    /// One line for `rurban plugins`: NUL-terminated UTF-8, may be null.
    pub description: *const c_char,
    /// Set for a weighting plugin, null otherwise.
    pub weigh: Option<WeighFn>,
    /// Set for an indicator plugin, null otherwise.
    pub compute: Option<ComputeFn>,
    /// Always set.
    pub last_error: Option<LastErrorFn>,
    /// Minor 1: the size in bytes of the declaration the plugin wrote
    /// (`size_of::<PluginDeclaration>()` of the API it was built with); at
    /// least 88 on a 64-bit target. Later minors add fields after
    /// `aggregate` and a larger size.
    pub size: usize,
    /// Minor 1: set for a normaliser plugin, null otherwise.
    pub normalise: Option<NormaliseFn>,
    /// Minor 1: set for an aggregator plugin, null otherwise.
    pub aggregate: Option<AggregateFn>,
}

/// The declaration of ABI 1.0 (minor 0): the first eight fields of
/// [`PluginDeclaration`], 64 bytes on a 64-bit target. Plugins built before
/// minor versions existed return this; the host reads exactly this much of
/// a declaration that declares minor 0.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct PluginDeclarationV1_0 {
    /// As [`PluginDeclaration::abi_version`] (`1`).
    pub abi_version: u32,
    /// As [`PluginDeclaration::name`].
    pub name: *const c_char,
    /// As [`PluginDeclaration::version`].
    pub version: *const c_char,
    /// As [`PluginDeclaration::kind`] ([`KIND_WEIGHTING`] or [`KIND_INDICATOR`]).
    pub kind: u32,
    /// As [`PluginDeclaration::description`].
    pub description: *const c_char,
    /// As [`PluginDeclaration::weigh`].
    pub weigh: Option<WeighFn>,
    /// As [`PluginDeclaration::compute`].
    pub compute: Option<ComputeFn>,
    /// As [`PluginDeclaration::last_error`].
    pub last_error: Option<LastErrorFn>,
}

/// Byte offset of [`PluginDeclaration::size`]: where the fields of minor 1
/// begin (the size of [`PluginDeclarationV1_0`]).
pub const DECLARATION_SIZE_OFFSET: usize = std::mem::offset_of!(PluginDeclaration, size);

/// The smallest [`PluginDeclaration::size`] a declaration of minor 1 may
/// state: the end of its `aggregate` field.
pub const DECLARATION_SIZE_V1_1: usize =
    std::mem::offset_of!(PluginDeclaration, aggregate) + size_of::<Option<AggregateFn>>();

/// The input of a weighting call: an n x m matrix (rows = observations,
/// columns = indicators), all buffers borrowed from the host.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct FfiWeightingInput {
    /// n, the number of observations.
    pub rows: usize,
    /// m, the number of indicators.
    pub cols: usize,
    /// n x m direction-aware min-max values in [0, 1], row-major.
    pub normalized: *const f64,
    /// n x m raw values, row-major, all finite.
    pub raw: *const f64,
    /// m directions: +1 (more is better) or -1 (less is better).
    pub directions: *const i8,
    /// m flags: 1 when the column is constant (max = min), else 0.
    pub constant: *const u8,
    /// m indicator names.
    pub names: *const FfiStr,
    /// The entropy shift S (other methods may ignore it).
    pub shift: f64,
    /// Parameters as a JSON object text (`{}` when none).
    pub params: FfiStr,
}

/// The output buffers of a weighting call, allocated by the host.
#[repr(C)]
#[derive(Debug)]
pub struct FfiWeightingOutput {
    /// m weights to write (prefilled with NaN by the host).
    pub weights: *mut f64,
    /// m entropy values the plugin may write (prefilled with NaN).
    pub entropy: *mut f64,
    /// The plugin sets this to 1 when it wrote `entropy`.
    pub has_entropy: u8,
    /// Callback for warnings; may be null.
    pub warn: Option<WarnFn>,
    /// Passed back to `warn` as is.
    pub warn_ctx: *mut c_void,
}

/// The input of a derived-indicator call: named columns over the rows of
/// the panel, with each row's region and year.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct FfiIndicatorInput {
    /// Number of panel rows (region-years).
    pub rows: usize,
    /// Number of input columns.
    pub inputs: usize,
    /// `inputs` column names, in the order of the spec.
    pub names: *const FfiStr,
    /// `inputs` pointers, each to `rows` values (NaN = missing).
    pub columns: *const *const f64,
    /// `rows` region keys.
    pub regions: *const FfiStr,
    /// `rows` years.
    pub years: *const i64,
    /// Parameters as a JSON object text (`{}` when none).
    pub params: FfiStr,
}

/// Direction of an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// More is better (`+1` on the wire).
    Positive,
    /// Less is better (`-1` on the wire).
    Negative,
}

/// The safe view of a weighting call's input.
#[derive(Debug, Clone)]
pub struct WeightingInput<'a> {
    /// n, the number of observations.
    pub rows: usize,
    /// m, the number of indicators.
    pub cols: usize,
    /// n x m min-max values in [0, 1], row-major.
    pub normalized: &'a [f64],
    /// n x m raw values, row-major.
    pub raw: &'a [f64],
    /// m directions.
    pub directions: Vec<Direction>,
    /// m flags: true when the column is constant.
    pub constant: Vec<bool>,
    /// m indicator names.
    pub names: Vec<&'a str>,
    /// The entropy shift S.
    pub shift: f64,
    /// Parameters as JSON text; read them with [`Params::parse`].
    pub params: &'a str,
}

impl<'a> WeightingInput<'a> {
    /// Normalised value of row `i`, column `j`.
    pub fn normalized(&self, i: usize, j: usize) -> f64 {
        self.normalized[i * self.cols + j]
    }

    /// Raw value of row `i`, column `j`.
    pub fn raw(&self, i: usize, j: usize) -> f64 {
        self.raw[i * self.cols + j]
    }

    /// Column `j` of the raw matrix, top to bottom.
    pub fn raw_column(&self, j: usize) -> impl Iterator<Item = f64> + '_ {
        self.raw.iter().skip(j).step_by(self.cols.max(1)).copied()
    }

    /// Column `j` of the normalised matrix, top to bottom.
    pub fn normalized_column(&self, j: usize) -> impl Iterator<Item = f64> + '_ {
        self.normalized
            .iter()
            .skip(j)
            .step_by(self.cols.max(1))
            .copied()
    }

    /// Reads the C input.
    ///
    /// # Safety
    /// Every pointer of `ffi` must be valid for the lengths it states, for `'a`.
    pub unsafe fn from_ffi(ffi: &FfiWeightingInput) -> Result<WeightingInput<'a>, String> {
        let cells = ffi
            .rows
            .checked_mul(ffi.cols)
            .ok_or_else(|| format!("matrix size {} x {} overflows", ffi.rows, ffi.cols))?;
        // SAFETY (all blocks): guaranteed by the caller.
        let normalized = unsafe { slice(ffi.normalized, cells, "normalized") }?;
        let raw = unsafe { slice(ffi.raw, cells, "raw") }?;
        let dirs = unsafe { slice(ffi.directions, ffi.cols, "directions") }?;
        let constant = unsafe { slice(ffi.constant, ffi.cols, "constant") }?;
        let names = unsafe { slice(ffi.names, ffi.cols, "names") }?;
        let directions = dirs
            .iter()
            .enumerate()
            .map(|(j, &d)| match d {
                1 => Ok(Direction::Positive),
                -1 => Ok(Direction::Negative),
                other => Err(format!(
                    "direction of column {} is {other}, expected +1 or -1",
                    j + 1
                )),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let names = names
            .iter()
            .enumerate()
            .map(|(j, s)| {
                unsafe { s.to_str() }.map_err(|_| format!("name of column {} is not UTF-8", j + 1))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let params =
            unsafe { ffi.params.to_str() }.map_err(|_| "parameters are not UTF-8".to_string())?;
        Ok(WeightingInput {
            rows: ffi.rows,
            cols: ffi.cols,
            normalized,
            raw,
            directions,
            constant: constant.iter().map(|&c| c != 0).collect(),
            names,
            shift: ffi.shift,
            params,
        })
    }
}

/// What a weighting plugin returns.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WeightingOutput {
    /// One weight per column: finite, >= 0, summing to 1 (the host checks).
    pub weights: Vec<f64>,
    /// Optional per-column entropy (finite when given).
    pub entropy: Option<Vec<f64>>,
    /// Warnings shown to the user.
    pub warnings: Vec<String>,
}

impl WeightingOutput {
    /// Weights without entropy or warnings.
    pub fn new(weights: Vec<f64>) -> WeightingOutput {
        WeightingOutput {
            weights,
            entropy: None,
            warnings: Vec::new(),
        }
    }
}

/// A weighting scheme written in safe Rust; turn it into a plugin with
/// [`export_weighting!`].
pub trait WeightingPlugin: Send + Sync + 'static {
    /// The name users select it by (`--method NAME`); no NUL bytes.
    const NAME: &'static str;
    /// The plugin's version, typically `env!("CARGO_PKG_VERSION")`.
    const VERSION: &'static str;
    /// One line for `rurban plugins`.
    const DESCRIPTION: &'static str = "";
    /// Computes one weight per column. `Err` carries a message for the user.
    fn weigh(&self, input: &WeightingInput<'_>) -> Result<WeightingOutput, String>;
}

/// The safe view of a derived-indicator call's input.
#[derive(Debug, Clone)]
pub struct IndicatorInput<'a> {
    /// Number of panel rows.
    pub rows: usize,
    /// Input column names, in the spec's order.
    pub names: Vec<&'a str>,
    /// Input columns, each `rows` long (NaN = missing).
    pub columns: Vec<&'a [f64]>,
    /// Region of each row.
    pub regions: Vec<&'a str>,
    /// Year of each row.
    pub years: &'a [i64],
    /// Parameters as JSON text; read them with [`Params::parse`].
    pub params: &'a str,
}

impl<'a> IndicatorInput<'a> {
    /// The input column called `name`.
    pub fn column(&self, name: &str) -> Option<&'a [f64]> {
        self.names
            .iter()
            .position(|n| *n == name)
            .map(|i| self.columns[i])
    }

    /// Reads the C input.
    ///
    /// # Safety
    /// Every pointer of `ffi` must be valid for the lengths it states, for `'a`.
    pub unsafe fn from_ffi(ffi: &FfiIndicatorInput) -> Result<IndicatorInput<'a>, String> {
        // SAFETY (all blocks): guaranteed by the caller.
        let names = unsafe { slice(ffi.names, ffi.inputs, "names") }?;
        let col_ptrs = unsafe { slice(ffi.columns, ffi.inputs, "columns") }?;
        let regions = unsafe { slice(ffi.regions, ffi.rows, "regions") }?;
        let years = unsafe { slice(ffi.years, ffi.rows, "years") }?;
        let names = names
            .iter()
            .enumerate()
            .map(|(j, s)| {
                unsafe { s.to_str() }.map_err(|_| format!("name of input {} is not UTF-8", j + 1))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let columns = col_ptrs
            .iter()
            .map(|&p| unsafe { slice(p, ffi.rows, "column") })
            .collect::<Result<Vec<_>, _>>()?;
        let regions = regions
            .iter()
            .enumerate()
            .map(|(i, s)| {
                unsafe { s.to_str() }.map_err(|_| format!("region of row {} is not UTF-8", i + 1))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let params =
            unsafe { ffi.params.to_str() }.map_err(|_| "parameters are not UTF-8".to_string())?;
        Ok(IndicatorInput {
            rows: ffi.rows,
            names,
            columns,
            regions,
            years,
            params,
        })
    }
}

/// A derived indicator written in safe Rust; turn it into a plugin with
/// [`export_indicator!`].
pub trait IndicatorPlugin: Send + Sync + 'static {
    /// The name a `[[derived]]` table selects it by (`kind = "NAME"`); no NUL bytes.
    const NAME: &'static str;
    /// The plugin's version, typically `env!("CARGO_PKG_VERSION")`.
    const VERSION: &'static str;
    /// One line for `rurban plugins`.
    const DESCRIPTION: &'static str = "";
    /// Computes one value per row (NaN = missing; never infinite).
    fn compute(&self, input: &IndicatorInput<'_>) -> Result<Vec<f64>, String>;
}

/// A slice from a C pointer and length; null is allowed only for length 0.
///
/// # Safety
/// `ptr` must be valid for `len` reads for `'a`.
pub(crate) unsafe fn slice<'a, T>(
    ptr: *const T,
    len: usize,
    what: &str,
) -> Result<&'a [T], String> {
    if len == 0 {
        return Ok(&[]);
    }
    if ptr.is_null() {
        return Err(format!(
            "the host passed a null '{what}' buffer of length {len}"
        ));
    }
    if !ptr.is_aligned() {
        return Err(format!("the host passed a misaligned '{what}' buffer"));
    }
    // SAFETY: guaranteed by the caller; non-null and aligned checked above.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// The body the export macros share: checks of the plugin's texts at
/// compile time, the instance, the C function calling `$glue`, and the
/// entry symbol returning the declaration `$declaration` builds.
#[doc(hidden)]
#[macro_export]
macro_rules! __export_plugin {
    ($trait:ident, $ty:ty, $init:expr, $glue:ident, $input:ty, $output:ty, $declaration:ident) => {
        const _: () = {
            assert!(
                $crate::__private::valid_text(<$ty as $crate::$trait>::NAME)
                    && !<$ty as $crate::$trait>::NAME.is_empty(),
                concat!(
                    stringify!($trait),
                    "::NAME must be non-empty and contain no NUL byte"
                )
            );
            assert!(
                $crate::__private::valid_text(<$ty as $crate::$trait>::VERSION)
                    && $crate::__private::valid_text(<$ty as $crate::$trait>::DESCRIPTION),
                concat!(
                    stringify!($trait),
                    "::VERSION and DESCRIPTION must contain no NUL byte"
                )
            );
        };

        fn __rurban_plugin_instance() -> &'static $ty {
            static INSTANCE: ::std::sync::OnceLock<$ty> = ::std::sync::OnceLock::new();
            INSTANCE.get_or_init(|| $init)
        }

        unsafe extern "C" fn __rurban_plugin_call(
            input: *const $input,
            output: *mut $output,
        ) -> i32 {
            // SAFETY: the host passes valid buffers, as the ABI requires.
            unsafe { $crate::__private::$glue::<$ty>(__rurban_plugin_instance, input, output) }
        }

        /// The rurban plugin entry point.
        #[unsafe(no_mangle)]
        pub extern "C" fn rurban_plugin_entry_v1() -> *const $crate::PluginDeclaration {
            static DECLARATION: $crate::__private::DeclarationCell =
                $crate::__private::DeclarationCell::new();
            DECLARATION.get_or_init(|| $crate::__private::$declaration::<$ty>(__rurban_plugin_call))
        }
    };
}

/// Turns a [`WeightingPlugin`] into a plugin library: generates the entry
/// symbol [`ENTRY_SYMBOL`] and the C functions behind it.
///
/// `export_weighting!(MyScheme)` builds the instance with `Default`;
/// `export_weighting!(MyScheme, MyScheme::new(..))` with the expression
/// (evaluated once, on first use). Use it once per library.
#[macro_export]
macro_rules! export_weighting {
    ($ty:ty) => {
        $crate::export_weighting!($ty, <$ty as ::core::default::Default>::default());
    };
    ($ty:ty, $init:expr) => {
        $crate::__export_plugin!(
            WeightingPlugin,
            $ty,
            $init,
            weigh,
            $crate::FfiWeightingInput,
            $crate::FfiWeightingOutput,
            weighting_declaration
        );
    };
}

/// Turns an [`IndicatorPlugin`] into a plugin library: generates the entry
/// symbol [`ENTRY_SYMBOL`] and the C functions behind it.
///
/// `export_indicator!(MyIndicator)` builds the instance with `Default`;
/// `export_indicator!(MyIndicator, expr)` with the expression. Use it once
/// per library.
#[macro_export]
macro_rules! export_indicator {
    ($ty:ty) => {
        $crate::export_indicator!($ty, <$ty as ::core::default::Default>::default());
    };
    ($ty:ty, $init:expr) => {
        $crate::__export_plugin!(
            IndicatorPlugin,
            $ty,
            $init,
            compute,
            $crate::FfiIndicatorInput,
            f64,
            indicator_declaration
        );
    };
}

/// Turns a [`NormaliserPlugin`] into a plugin library (ABI minor 1):
/// generates the entry symbol [`ENTRY_SYMBOL`] and the C functions behind it.
///
/// `export_normaliser!(MyNormaliser)` builds the instance with `Default`;
/// `export_normaliser!(MyNormaliser, expr)` with the expression. Use it once
/// per library.
#[macro_export]
macro_rules! export_normaliser {
    ($ty:ty) => {
        $crate::export_normaliser!($ty, <$ty as ::core::default::Default>::default());
    };
    ($ty:ty, $init:expr) => {
        $crate::__export_plugin!(
            NormaliserPlugin,
            $ty,
            $init,
            normalise,
            $crate::FfiNormaliseInput,
            $crate::FfiNormaliseOutput,
            normaliser_declaration
        );
    };
}

/// Turns an [`AggregatorPlugin`] into a plugin library (ABI minor 1):
/// generates the entry symbol [`ENTRY_SYMBOL`] and the C functions behind it.
///
/// `export_aggregator!(MyAggregator)` builds the instance with `Default`;
/// `export_aggregator!(MyAggregator, expr)` with the expression. Use it once
/// per library.
#[macro_export]
macro_rules! export_aggregator {
    ($ty:ty) => {
        $crate::export_aggregator!($ty, <$ty as ::core::default::Default>::default());
    };
    ($ty:ty, $init:expr) => {
        $crate::__export_plugin!(
            AggregatorPlugin,
            $ty,
            $init,
            aggregate,
            $crate::FfiAggregateInput,
            $crate::FfiAggregateOutput,
            aggregator_declaration
        );
    };
}

/// Support code for the export macros; not a stable interface.
#[doc(hidden)]
pub mod __private {
    use super::*;
    pub use crate::stages::glue::{aggregate, normalise};
    use std::cell::{Cell, RefCell};
    use std::ffi::CString;
    use std::panic::{self, AssertUnwindSafe};
    use std::sync::{Once, OnceLock};

    thread_local! {
        static LAST_ERROR: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
        static IN_CALL: Cell<bool> = const { Cell::new(false) };
        static PANIC_MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
    }

    /// True when `s` has no NUL byte (usable in a const assertion).
    pub const fn valid_text(s: &str) -> bool {
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == 0 {
                return false;
            }
            i += 1;
        }
        true
    }

    /// A static declaration built on first use.
    pub struct DeclarationCell(OnceLock<SyncDeclaration>);

    struct SyncDeclaration(PluginDeclaration);
    // SAFETY: the declaration is immutable once built and its pointers refer
    // to leaked, immutable strings and to functions.
    unsafe impl Sync for SyncDeclaration {}
    // SAFETY: as above.
    unsafe impl Send for SyncDeclaration {}

    impl DeclarationCell {
        /// An empty cell.
        #[allow(clippy::new_without_default)]
        pub const fn new() -> DeclarationCell {
            DeclarationCell(OnceLock::new())
        }

        /// The declaration, built by `f` the first time.
        pub fn get_or_init(
            &self,
            f: impl FnOnce() -> PluginDeclaration,
        ) -> *const PluginDeclaration {
            match panic::catch_unwind(AssertUnwindSafe(|| {
                &self.0.get_or_init(|| SyncDeclaration(f())).0
            })) {
                Ok(d) => d,
                Err(_) => std::ptr::null(),
            }
        }
    }

    /// A leaked NUL-terminated copy of `s` (the declaration's strings live
    /// as long as the library).
    fn leak_c(s: &str) -> *const c_char {
        match CString::new(s) {
            Ok(c) => Box::leak(c.into_boxed_c_str()).as_ptr(),
            Err(_) => std::ptr::null(),
        }
    }

    /// The declaration of a weighting plugin.
    pub fn weighting_declaration<T: WeightingPlugin>(weigh: WeighFn) -> PluginDeclaration {
        PluginDeclaration {
            kind: KIND_WEIGHTING,
            weigh: Some(weigh),
            ..base(T::NAME, T::VERSION, T::DESCRIPTION)
        }
    }

    /// The declaration of an indicator plugin.
    pub fn indicator_declaration<T: IndicatorPlugin>(compute: ComputeFn) -> PluginDeclaration {
        PluginDeclaration {
            kind: KIND_INDICATOR,
            compute: Some(compute),
            ..base(T::NAME, T::VERSION, T::DESCRIPTION)
        }
    }

    /// The declaration of a normaliser plugin.
    pub fn normaliser_declaration<T: NormaliserPlugin>(
        normalise: NormaliseFn,
    ) -> PluginDeclaration {
        PluginDeclaration {
            kind: KIND_NORMALISER,
            normalise: Some(normalise),
            ..base(T::NAME, T::VERSION, T::DESCRIPTION)
        }
    }

    /// The declaration of an aggregator plugin.
    pub fn aggregator_declaration<T: AggregatorPlugin>(
        aggregate: AggregateFn,
    ) -> PluginDeclaration {
        PluginDeclaration {
            kind: KIND_AGGREGATOR,
            aggregate: Some(aggregate),
            ..base(T::NAME, T::VERSION, T::DESCRIPTION)
        }
    }

    /// A declaration of this crate's ABI version with no kind and no
    /// function but `last_error`.
    fn base(name: &str, version: &str, description: &str) -> PluginDeclaration {
        PluginDeclaration {
            abi_version: abi_version_word(ABI_VERSION, ABI_MINOR),
            name: leak_c(name),
            version: leak_c(version),
            kind: 0,
            description: leak_c(description),
            weigh: None,
            compute: None,
            last_error: Some(last_error),
            size: size_of::<PluginDeclaration>(),
            normalise: None,
            aggregate: None,
        }
    }

    /// The [`LastErrorFn`] of every macro-built plugin.
    pub unsafe extern "C" fn last_error() -> FfiStr {
        LAST_ERROR
            .try_with(|e| {
                let e = e.borrow();
                FfiStr {
                    ptr: e.as_ptr(),
                    len: e.len(),
                }
            })
            .unwrap_or(FfiStr::EMPTY)
    }

    /// Stores the calling thread's last error.
    pub fn set_last_error(message: &str) {
        let _ = LAST_ERROR.try_with(|e| {
            let mut e = e.borrow_mut();
            e.clear();
            e.extend_from_slice(message.as_bytes());
        });
    }

    /// Installs (once) a panic hook that keeps panics inside plugin calls
    /// quiet and records their message and place; other panics go to the
    /// previous hook. The hook belongs to the plugin's own copy of `std`.
    fn install_hook() {
        static HOOK: Once = Once::new();
        HOOK.call_once(|| {
            let previous = panic::take_hook();
            panic::set_hook(Box::new(move |info| {
                if IN_CALL.try_with(Cell::get).unwrap_or(false) {
                    let msg = info
                        .payload()
                        .downcast_ref::<&str>()
                        .map(ToString::to_string)
                        .or_else(|| info.payload().downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "panic with a non-text payload".to_string());
                    let text = match info.location() {
                        Some(l) => format!("{msg} (at {}:{}:{})", l.file(), l.line(), l.column()),
                        None => msg,
                    };
                    let _ = PANIC_MESSAGE.try_with(|p| *p.borrow_mut() = Some(text));
                } else {
                    previous(info);
                }
            }));
        });
    }

    /// Runs `f`, turning `Err` into [`STATUS_ERROR`] and a panic into
    /// [`STATUS_PANIC`], each with the last error set.
    pub fn guarded(f: impl FnOnce() -> Result<(), String>) -> i32 {
        install_hook();
        let _ = PANIC_MESSAGE.try_with(|p| p.borrow_mut().take());
        let _ = IN_CALL.try_with(|c| c.set(true));
        let result = panic::catch_unwind(AssertUnwindSafe(f));
        let _ = IN_CALL.try_with(|c| c.set(false));
        match result {
            Ok(Ok(())) => STATUS_OK,
            Ok(Err(msg)) => {
                set_last_error(&msg);
                STATUS_ERROR
            }
            Err(payload) => {
                let recorded = PANIC_MESSAGE
                    .try_with(|p| p.borrow_mut().take())
                    .ok()
                    .flatten();
                let msg = recorded.unwrap_or_else(|| {
                    payload
                        .downcast_ref::<&str>()
                        .map(ToString::to_string)
                        .or_else(|| payload.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "panic with a non-text payload".to_string())
                });
                // Dropping a payload can itself panic; never let that escape.
                let _ = panic::catch_unwind(AssertUnwindSafe(move || drop(payload)));
                set_last_error(&format!("{PANIC_PREFIX}{msg}"));
                STATUS_PANIC
            }
        }
    }

    /// The body of a macro-built [`WeighFn`].
    ///
    /// # Safety
    /// `input` and `output` must be null or valid as the ABI describes.
    pub unsafe fn weigh<T: WeightingPlugin>(
        instance: fn() -> &'static T,
        input: *const FfiWeightingInput,
        output: *mut FfiWeightingOutput,
    ) -> i32 {
        guarded(|| {
            if input.is_null() || output.is_null() {
                return Err("the host passed a null input or output".into());
            }
            // SAFETY: non-null, and valid by the ABI.
            let (ffi, out) = unsafe { (&*input, &mut *output) };
            // SAFETY: as above.
            let view = unsafe { WeightingInput::from_ffi(ffi) }?;
            let result = instance().weigh(&view)?;
            let m = view.cols;
            if result.weights.len() != m {
                return Err(format!(
                    "the plugin returned {} weights for {m} columns",
                    result.weights.len()
                ));
            }
            if let Some(e) = &result.entropy
                && e.len() != m
            {
                return Err(format!(
                    "the plugin returned {} entropy values for {m} columns",
                    e.len()
                ));
            }
            if m > 0 && out.weights.is_null() {
                return Err("the host passed a null weight buffer".into());
            }
            // SAFETY: the host's buffers hold m values each.
            unsafe {
                std::ptr::copy_nonoverlapping(result.weights.as_ptr(), out.weights, m);
                if let Some(e) = &result.entropy
                    && !out.entropy.is_null()
                {
                    std::ptr::copy_nonoverlapping(e.as_ptr(), out.entropy, m);
                    out.has_entropy = 1;
                }
                if let Some(warn) = out.warn {
                    for w in &result.warnings {
                        warn(out.warn_ctx, FfiStr::new(w));
                    }
                }
            }
            Ok(())
        })
    }

    /// The body of a macro-built [`ComputeFn`].
    ///
    /// # Safety
    /// `input` and `output` must be null or valid as the ABI describes.
    pub unsafe fn compute<T: IndicatorPlugin>(
        instance: fn() -> &'static T,
        input: *const FfiIndicatorInput,
        output: *mut f64,
    ) -> i32 {
        guarded(|| {
            if input.is_null() {
                return Err("the host passed a null input".into());
            }
            // SAFETY: non-null, and valid by the ABI.
            let ffi = unsafe { &*input };
            // SAFETY: as above.
            let view = unsafe { IndicatorInput::from_ffi(ffi) }?;
            let values = instance().compute(&view)?;
            if values.len() != view.rows {
                return Err(format!(
                    "the plugin returned {} values for {} rows",
                    values.len(),
                    view.rows
                ));
            }
            if view.rows > 0 && output.is_null() {
                return Err("the host passed a null output buffer".into());
            }
            // SAFETY: the host's buffer holds `rows` values.
            unsafe { std::ptr::copy_nonoverlapping(values.as_ptr(), output, view.rows) };
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_symbol_carries_the_abi_version() {
        assert_eq!(ENTRY_SYMBOL, format!("{ENTRY_SYMBOL_PREFIX}{ABI_VERSION}"));
    }

    #[test]
    fn declaration_layout_is_fixed() {
        // The documented 64-bit layout: eight 8-byte slots.
        if size_of::<usize>() == 8 {
            assert_eq!(size_of::<PluginDeclarationV1_0>(), 64);
            assert_eq!(size_of::<PluginDeclaration>(), 88);
            assert_eq!(DECLARATION_SIZE_OFFSET, 64);
            assert_eq!(DECLARATION_SIZE_V1_1, 88);
            assert_eq!(std::mem::offset_of!(PluginDeclaration, size), 64);
            assert_eq!(std::mem::offset_of!(PluginDeclaration, normalise), 72);
            assert_eq!(std::mem::offset_of!(PluginDeclaration, aggregate), 80);
            assert_eq!(std::mem::offset_of!(PluginDeclaration, abi_version), 0);
            assert_eq!(std::mem::offset_of!(PluginDeclaration, name), 8);
            assert_eq!(std::mem::offset_of!(PluginDeclaration, version), 16);
            assert_eq!(std::mem::offset_of!(PluginDeclaration, kind), 24);
            assert_eq!(std::mem::offset_of!(PluginDeclaration, description), 32);
            assert_eq!(std::mem::offset_of!(PluginDeclaration, weigh), 40);
            assert_eq!(std::mem::offset_of!(PluginDeclaration, compute), 48);
            assert_eq!(std::mem::offset_of!(PluginDeclaration, last_error), 56);
        }
        // Minor 0's fields sit where they always did.
        assert_eq!(
            std::mem::offset_of!(PluginDeclarationV1_0, last_error),
            std::mem::offset_of!(PluginDeclaration, last_error)
        );
        assert_eq!(size_of::<PluginDeclarationV1_0>(), DECLARATION_SIZE_OFFSET);
    }

    #[test]
    fn version_word_packs_major_and_minor() {
        assert_eq!(abi_version_word(1, 0), 1);
        assert_eq!(abi_version_word(1, 1), 0x0001_0001);
        assert_eq!(split_abi_version(1), (1, 0));
        assert_eq!(split_abi_version(0x0002_0001), (1, 2));
        assert_eq!(split_abi_version(99), (99, 0));
    }

    #[test]
    fn valid_text_rejects_nul() {
        assert!(__private::valid_text("merec"));
        assert!(!__private::valid_text("me\0rec"));
    }

    fn last_error_text() -> String {
        // SAFETY: the plugin-side function of this very crate.
        let s = unsafe { __private::last_error() };
        // SAFETY: valid until the next call on this thread.
        unsafe { s.to_str() }.unwrap().to_string()
    }

    #[test]
    fn guarded_maps_ok_error_and_panic() {
        assert_eq!(__private::guarded(|| Ok(())), STATUS_OK);
        assert_eq!(__private::guarded(|| Err("bad input".into())), STATUS_ERROR);
        assert_eq!(last_error_text(), "bad input");
        assert_eq!(__private::guarded(|| panic!("boom {}", 7)), STATUS_PANIC);
        let msg = last_error_text();
        assert!(
            msg.starts_with("the plugin panicked (caught): boom 7 (at "),
            "{msg}"
        );
        assert!(msg.contains("lib.rs"), "{msg}");
        // Still usable after a panic.
        assert_eq!(__private::guarded(|| Ok(())), STATUS_OK);
    }

    struct Halves;
    impl WeightingPlugin for Halves {
        const NAME: &'static str = "halves";
        const VERSION: &'static str = "1";
        fn weigh(&self, input: &WeightingInput<'_>) -> Result<WeightingOutput, String> {
            if input.params.contains("fail") {
                return Err(format!("refused '{}'", input.names[0]));
            }
            // Sum of the raw first column, to prove the row-major reading.
            let s: f64 = input.raw_column(1).sum();
            Ok(WeightingOutput {
                weights: vec![0.5; input.cols],
                entropy: Some(vec![s; input.cols]),
                warnings: vec!["w1".into()],
            })
        }
    }

    unsafe extern "C" fn collect(ctx: *mut c_void, message: FfiStr) {
        // SAFETY: ctx is the Vec<String> below; message valid during the call.
        let v = unsafe { &mut *(ctx as *mut Vec<String>) };
        v.push(unsafe { message.to_str() }.unwrap().to_string());
    }

    fn call_halves(params: &str) -> (i32, Vec<f64>, Vec<f64>, u8, Vec<String>) {
        static H: Halves = Halves;
        // 3 x 2 matrix, row-major: rows (1, 10), (2, 20), (3, 30).
        let raw = [1.0, 10.0, 2.0, 20.0, 3.0, 30.0];
        let norm = [0.0, 0.0, 0.5, 0.5, 1.0, 1.0];
        let dirs = [1i8, -1];
        let constant = [0u8, 0];
        let names = [FfiStr::new("a"), FfiStr::new("b")];
        let input = FfiWeightingInput {
            rows: 3,
            cols: 2,
            normalized: norm.as_ptr(),
            raw: raw.as_ptr(),
            directions: dirs.as_ptr(),
            constant: constant.as_ptr(),
            names: names.as_ptr(),
            shift: 0.0,
            params: FfiStr::new(params),
        };
        let mut w = vec![f64::NAN; 2];
        let mut e = vec![f64::NAN; 2];
        let mut warnings: Vec<String> = Vec::new();
        let mut out = FfiWeightingOutput {
            weights: w.as_mut_ptr(),
            entropy: e.as_mut_ptr(),
            has_entropy: 0,
            warn: Some(collect),
            warn_ctx: &mut warnings as *mut Vec<String> as *mut c_void,
        };
        // SAFETY: all buffers valid for the call.
        let status = unsafe { __private::weigh::<Halves>(|| &H, &input, &mut out) };
        let has = out.has_entropy;
        (status, w, e, has, warnings)
    }

    #[test]
    fn weigh_glue_copies_results_into_host_buffers() {
        let (status, w, e, has, warnings) = call_halves("{}");
        assert_eq!(status, STATUS_OK);
        assert_eq!(w, vec![0.5, 0.5]);
        assert_eq!(e, vec![60.0, 60.0]); // 10 + 20 + 30
        assert_eq!(has, 1);
        assert_eq!(warnings, vec!["w1".to_string()]);
        let (status, w, ..) = call_halves("fail");
        assert_eq!(status, STATUS_ERROR);
        assert!(w.iter().all(|x| x.is_nan()));
        assert_eq!(last_error_text(), "refused 'a'");
    }

    #[test]
    fn from_ffi_rejects_bad_direction_and_null_buffers() {
        let raw = [1.0, 2.0];
        let dirs = [0i8];
        let constant = [0u8];
        let names = [FfiStr::new("x")];
        let mut input = FfiWeightingInput {
            rows: 2,
            cols: 1,
            normalized: raw.as_ptr(),
            raw: raw.as_ptr(),
            directions: dirs.as_ptr(),
            constant: constant.as_ptr(),
            names: names.as_ptr(),
            shift: 0.0,
            params: FfiStr::EMPTY,
        };
        // SAFETY: valid buffers.
        let err = unsafe { WeightingInput::from_ffi(&input) }.unwrap_err();
        assert_eq!(err, "direction of column 1 is 0, expected +1 or -1");
        input.raw = std::ptr::null();
        // SAFETY: the null pointer is detected, not read.
        let err = unsafe { WeightingInput::from_ffi(&input) }.unwrap_err();
        assert!(err.contains("null 'raw'"), "{err}");
    }

    #[test]
    fn indicator_input_reads_columns() {
        let a = [1.0, 2.0];
        let b = [3.0, f64::NAN];
        let cols = [a.as_ptr(), b.as_ptr()];
        let names = [FfiStr::new("a"), FfiStr::new("b")];
        let regions = [FfiStr::new("R1"), FfiStr::new("R2")];
        let years = [2020i64, 2021];
        let ffi = FfiIndicatorInput {
            rows: 2,
            inputs: 2,
            names: names.as_ptr(),
            columns: cols.as_ptr(),
            regions: regions.as_ptr(),
            years: years.as_ptr(),
            params: FfiStr::new("{}"),
        };
        // SAFETY: valid buffers.
        let v = unsafe { IndicatorInput::from_ffi(&ffi) }.unwrap();
        assert_eq!(v.column("a"), Some(&a[..]));
        assert!(v.column("b").unwrap()[1].is_nan());
        assert_eq!(v.regions, vec!["R1", "R2"]);
        assert_eq!(v.years, &[2020, 2021]);
        assert_eq!(v.column("c"), None);
    }
}
