//! Declares minor 1 but a size of 64 bytes, too small for minor 1's fields.

use rurban_plugin_api::{KIND_NORMALISER, PluginDeclaration, abi_version_word};
use rurban_plugin_test_broken::{StaticDeclarationV1_1, identity_normalise, no_error};

static DECLARATION: StaticDeclarationV1_1 = StaticDeclarationV1_1(PluginDeclaration {
    abi_version: abi_version_word(1, 1),
    name: c"broken-small-size".as_ptr(),
    version: c"0.0.1".as_ptr(),
    kind: KIND_NORMALISER,
    description: std::ptr::null(),
    weigh: None,
    compute: None,
    last_error: Some(no_error),
    size: 64,
    normalise: Some(identity_normalise),
    aggregate: None,
});

/// The entry point.
#[unsafe(no_mangle)]
pub extern "C" fn rurban_plugin_entry_v1() -> *const PluginDeclaration {
    &DECLARATION.0
}
