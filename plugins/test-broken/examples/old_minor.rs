//! The full declaration of today's API, but declaring minor version 0: the
//! fields after `last_error` hold nonsense the host must never read (a size
//! too small for minor 1, a normalise function that is never to be called).

use rurban_plugin_api::{
    FfiNormaliseInput, FfiNormaliseOutput, KIND_WEIGHTING, PluginDeclaration, STATUS_PANIC,
    abi_version_word,
};
use rurban_plugin_test_broken::{StaticDeclarationV1_1, equal_weights, no_error};

/// Never called: a host that called it would get a failure.
unsafe extern "C" fn never(_: *const FfiNormaliseInput, _: *mut FfiNormaliseOutput) -> i32 {
    STATUS_PANIC
}

static DECLARATION: StaticDeclarationV1_1 = StaticDeclarationV1_1(PluginDeclaration {
    abi_version: abi_version_word(1, 0),
    name: c"old-minor".as_ptr(),
    version: c"1.0.0".as_ptr(),
    kind: KIND_WEIGHTING,
    description: std::ptr::null(),
    weigh: Some(equal_weights),
    compute: None,
    last_error: Some(no_error),
    size: 3,
    normalise: Some(never),
    aggregate: None,
});

/// The entry point.
#[unsafe(no_mangle)]
pub extern "C" fn rurban_plugin_entry_v1() -> *const PluginDeclaration {
    &DECLARATION.0
}
