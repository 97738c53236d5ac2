//! Deliberately broken rurban plugins, for the host's tests only.
//!
//! Each example under `examples/` is built as its own `cdylib` and breaks
//! one rule of the plugin ABI (see `rurban-plugin-api`): a panic, an error
//! status, NaN / unnormalised / negative weights, an infinite derived value,
//! a wrong ABI version, no entry symbol, a null declaration, a null or
//! non-UTF-8 name, a missing function, an unknown kind, a name taken by a
//! built-in. The host must refuse each one with a clear error and go on.
//!
//! This library holds what the hand-written (non-macro) declarations share.

use rurban_plugin_api::{
    FfiStr, FfiWeightingInput, FfiWeightingOutput, PluginDeclaration, STATUS_OK,
};

/// A declaration that can live in a `static`.
#[repr(transparent)]
pub struct StaticDeclaration(pub PluginDeclaration);

// SAFETY: the declarations are immutable and point only to static C string
// literals and functions.
unsafe impl Sync for StaticDeclaration {}

/// A [`rurban_plugin_api::LastErrorFn`] with nothing to say.
///
/// # Safety
/// Always safe; `unsafe` only to match the ABI type.
pub unsafe extern "C" fn no_error() -> FfiStr {
    FfiStr::EMPTY
}

/// A well-behaved [`rurban_plugin_api::WeighFn`]: equal weights `1/m`.
///
/// # Safety
/// `input` and `output` must be valid as the ABI describes.
pub unsafe extern "C" fn equal_weights(
    input: *const FfiWeightingInput,
    output: *mut FfiWeightingOutput,
) -> i32 {
    // SAFETY: guaranteed by the caller.
    let (input, output) = unsafe { (&*input, &mut *output) };
    for j in 0..input.cols {
        // SAFETY: the host's buffer holds `cols` values.
        unsafe { *output.weights.add(j) = 1.0 / input.cols as f64 };
    }
    STATUS_OK
}
