//! A declaration of a kind the host does not know (7).

use rurban_plugin_api::{ABI_VERSION, PluginDeclarationV1_0};
use rurban_plugin_test_broken::{StaticDeclaration, equal_weights, no_error};

static DECLARATION: StaticDeclaration = StaticDeclaration(PluginDeclarationV1_0 {
    abi_version: ABI_VERSION,
    name: c"broken-kind".as_ptr(),
    version: c"0.0.1".as_ptr(),
    kind: 7,
    description: std::ptr::null(),
    weigh: Some(equal_weights),
    compute: None,
    last_error: Some(no_error),
});

/// The entry point.
#[unsafe(no_mangle)]
pub extern "C" fn rurban_plugin_entry_v1() -> *const PluginDeclarationV1_0 {
    &DECLARATION.0
}
