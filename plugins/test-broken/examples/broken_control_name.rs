//! A declaration whose name holds a line break and an ANSI escape.

use rurban_plugin_api::{ABI_VERSION, KIND_WEIGHTING, PluginDeclaration};
use rurban_plugin_test_broken::{StaticDeclaration, equal_weights, no_error};

static DECLARATION: StaticDeclaration = StaticDeclaration(PluginDeclaration {
    abi_version: ABI_VERSION,
    name: c"bad\nname\x1b[2J".as_ptr(),
    version: c"0.0.1".as_ptr(),
    kind: KIND_WEIGHTING,
    description: std::ptr::null(),
    weigh: Some(equal_weights),
    compute: None,
    last_error: Some(no_error),
});

/// The entry point.
#[unsafe(no_mangle)]
pub extern "C" fn rurban_plugin_entry_v1() -> *const PluginDeclaration {
    &DECLARATION.0
}
