//! Exports the v1 entry symbol but declares ABI version 2.3 (major 2).

use rurban_plugin_api::{KIND_NORMALISER, PluginDeclaration, abi_version_word};
use rurban_plugin_test_broken::{StaticDeclarationV1_1, identity_normalise, no_error};

static DECLARATION: StaticDeclarationV1_1 = StaticDeclarationV1_1(PluginDeclaration {
    abi_version: abi_version_word(2, 3),
    name: c"broken-future-major".as_ptr(),
    version: c"0.0.1".as_ptr(),
    kind: KIND_NORMALISER,
    description: std::ptr::null(),
    weigh: None,
    compute: None,
    last_error: Some(no_error),
    size: size_of::<PluginDeclaration>(),
    normalise: Some(identity_normalise),
    aggregate: None,
});

/// The entry point.
#[unsafe(no_mangle)]
pub extern "C" fn rurban_plugin_entry_v1() -> *const PluginDeclaration {
    &DECLARATION.0
}
