//! A well-behaved weighting plugin with the 64-byte declaration of ABI 1.0
//! (minor 0), exactly as plugins were built before minor versions existed:
//! the host must load it and read nothing beyond its 64 bytes.

use rurban_plugin_api::{KIND_WEIGHTING, PluginDeclarationV1_0};
use rurban_plugin_test_broken::{StaticDeclaration, equal_weights, no_error};

static DECLARATION: StaticDeclaration = StaticDeclaration(PluginDeclarationV1_0 {
    abi_version: 1,
    name: c"old-layout".as_ptr(),
    version: c"1.0.0".as_ptr(),
    kind: KIND_WEIGHTING,
    description: c"equal weights, ABI 1.0 layout".as_ptr(),
    weigh: Some(equal_weights),
    compute: None,
    last_error: Some(no_error),
});

/// The entry point.
#[unsafe(no_mangle)]
pub extern "C" fn rurban_plugin_entry_v1() -> *const PluginDeclarationV1_0 {
    &DECLARATION.0
}
