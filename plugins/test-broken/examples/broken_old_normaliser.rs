//! A normaliser kind in an ABI 1.0 (minor 0) declaration, which has no
//! `normalise` field: refused.

use rurban_plugin_api::{KIND_NORMALISER, PluginDeclarationV1_0};
use rurban_plugin_test_broken::{StaticDeclaration, no_error};

static DECLARATION: StaticDeclaration = StaticDeclaration(PluginDeclarationV1_0 {
    abi_version: 1,
    name: c"broken-old-normaliser".as_ptr(),
    version: c"0.0.1".as_ptr(),
    kind: KIND_NORMALISER,
    description: std::ptr::null(),
    weigh: None,
    compute: None,
    last_error: Some(no_error),
});

/// The entry point.
#[unsafe(no_mangle)]
pub extern "C" fn rurban_plugin_entry_v1() -> *const PluginDeclarationV1_0 {
    &DECLARATION.0
}
