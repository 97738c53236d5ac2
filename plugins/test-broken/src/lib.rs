//! Deliberately broken rurban plugins, for the host's tests only.
//!
//! Each example under `examples/` is built as its own `cdylib` and breaks
//! one rule of the plugin ABI (see `rurban-plugin-api`): a panic, an error
//! status, NaN / unnormalised / negative weights, an infinite derived value,
//! a wrong ABI version, no entry symbol, a null declaration, a null or
//! non-UTF-8 name, a missing function, an unknown kind, a name taken by a
//! built-in, an unknown major ABI version or a declaration too small for its
//! minor version, a normaliser or aggregator that panics, fails or returns
//! what it must not. The host must refuse each one with a clear error and
//! go on.
//!
//! The hand-written declarations of weighting plugins use the 64-byte
//! layout of ABI 1.0 ([`PluginDeclarationV1_0`]), as every plugin built
//! before minor versions existed does, so they also prove that such plugins
//! still load. A few well-behaved examples pin the versioning rule:
//! `old_layout` (ABI 1.0, loads and weighs), `old_minor` (today's struct
//! declaring minor 0, nonsense after `last_error` never read) and
//! `future_minor` (minor 9 with fields this host does not know, loads).
//!
//! This library holds what the hand-written (non-macro) declarations share.

use rurban_plugin_api::{
    FfiNormaliseInput, FfiNormaliseOutput, FfiStr, FfiWeightingInput, FfiWeightingOutput,
    PluginDeclaration, PluginDeclarationV1_0, STATUS_OK,
};

/// A declaration of ABI 1.0 (minor 0, 64 bytes: the layout every plugin had
/// before minor versions existed) that can live in a `static`.
#[repr(transparent)]
pub struct StaticDeclaration(pub PluginDeclarationV1_0);

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

/// A declaration of ABI minor 1 or later (the full [`PluginDeclaration`])
/// that can live in a `static`.
#[repr(transparent)]
pub struct StaticDeclarationV1_1(pub PluginDeclaration);

// SAFETY: as for `StaticDeclaration`.
unsafe impl Sync for StaticDeclarationV1_1 {}

/// A well-behaved [`rurban_plugin_api::NormaliseFn`]: `z = x` (the identity),
/// no column constant.
///
/// # Safety
/// `input` and `output` must be valid as the ABI describes.
pub unsafe extern "C" fn identity_normalise(
    input: *const FfiNormaliseInput,
    output: *mut FfiNormaliseOutput,
) -> i32 {
    // SAFETY: guaranteed by the caller.
    let (input, output) = unsafe { (&*input, &mut *output) };
    // SAFETY: the host's buffers hold rows x cols values.
    unsafe { std::ptr::copy_nonoverlapping(input.raw, output.z, input.rows * input.cols) };
    STATUS_OK
}
