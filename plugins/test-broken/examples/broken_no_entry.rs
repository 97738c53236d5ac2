//! A shared library that is not a rurban plugin: no entry symbol.

/// Some unrelated exported function.
#[unsafe(no_mangle)]
pub extern "C" fn rurban_plugin_entry() -> i32 {
    42
}
