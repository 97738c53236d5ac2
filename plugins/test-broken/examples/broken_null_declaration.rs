//! The entry symbol returns a null pointer.

use rurban_plugin_api::PluginDeclarationV1_0;

/// The entry point.
#[unsafe(no_mangle)]
pub extern "C" fn rurban_plugin_entry_v1() -> *const PluginDeclarationV1_0 {
    std::ptr::null()
}
