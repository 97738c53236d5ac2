//! A normaliser built for a later minor version (1.9) whose declaration has
//! grown by 64 bytes of fields this host does not know: it must load, the
//! host reading only the fields it knows.

use rurban_plugin_api::{KIND_NORMALISER, PluginDeclaration, abi_version_word};
use rurban_plugin_test_broken::{identity_normalise, no_error};

/// Today's declaration followed by fields of a later minor version.
#[repr(C)]
pub struct Grown {
    decl: PluginDeclaration,
    later: [u64; 8],
}

// SAFETY: immutable, pointing only to static strings and functions.
unsafe impl Sync for Grown {}

static DECLARATION: Grown = Grown {
    decl: PluginDeclaration {
        abi_version: abi_version_word(1, 9),
        name: c"future-minor".as_ptr(),
        version: c"1.9.0".as_ptr(),
        kind: KIND_NORMALISER,
        description: std::ptr::null(),
        weigh: None,
        compute: None,
        last_error: Some(no_error),
        size: size_of::<Grown>(),
        normalise: Some(identity_normalise),
        aggregate: None,
    },
    later: [0xdead_beef; 8],
};

/// The entry point.
#[unsafe(no_mangle)]
pub extern "C" fn rurban_plugin_entry_v1() -> *const PluginDeclaration {
    &DECLARATION.decl
}
