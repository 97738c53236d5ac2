//! Opening a library and reading its declaration.

use std::ffi::{CStr, c_char};
use std::path::Path;

use libloading::Library;
use rurban_plugin_api::{
    ABI_VERSION, AggregateFn, ComputeFn, DECLARATION_SIZE_OFFSET, DECLARATION_SIZE_V1_1,
    ENTRY_SYMBOL, ENTRY_SYMBOL_PREFIX, EntryFn, KIND_AGGREGATOR, KIND_INDICATOR, KIND_NORMALISER,
    KIND_WEIGHTING, LastErrorFn, NormaliseFn, PluginDeclaration, PluginDeclarationV1_0, WeighFn,
    split_abi_version,
};

use crate::HostError;

/// The function a plugin computes with.
pub(crate) enum Function {
    Weigh(WeighFn),
    Compute(ComputeFn),
    Normalise(NormaliseFn),
    Aggregate(AggregateFn),
}

/// What the host keeps of a loaded declaration (copied out of the library).
pub(crate) struct Loaded {
    pub name: String,
    pub version: String,
    pub description: String,
    pub function: Function,
    pub last_error: LastErrorFn,
    /// The minor ABI version the plugin declared.
    pub minor: u32,
}

/// The highest ABI version probed for when the v1 symbol is missing.
const PROBE_VERSIONS: u32 = 32;

/// Opens `canonical` (reported as `path`) and reads its declaration. The
/// library is never closed, whatever happens.
pub(crate) fn open(path: &Path, canonical: &Path) -> Result<Loaded, HostError> {
    check_file(path, canonical)?;
    // SAFETY: loading a library runs its initialisers; plugins are trusted
    // code the user chose to load. The absolute path keeps the loader from
    // searching system directories.
    let lib = unsafe { Library::new(canonical) }.map_err(|e| HostError::Open {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    // Never unloaded: a Rust cdylib with thread-locals cannot be unloaded soundly.
    let lib: &'static Library = Box::leak(Box::new(lib));
    let entry = entry_function(lib, path)?;
    let (d, minor) = read_declaration(entry, path)?;
    describe(&d, minor, path)
}

/// A `BadDeclaration` error for the plugin at `path`.
fn bad_declaration(path: &Path, reason: &str) -> HostError {
    HostError::BadDeclaration {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

/// The plugin's entry function; without one, the ABI version it exports
/// instead, else "not a plugin".
fn entry_function(lib: &'static Library, path: &Path) -> Result<EntryFn, HostError> {
    let symbol = format!("{ENTRY_SYMBOL}\0");
    // SAFETY: the symbol has the ABI's entry type by the plugin contract.
    if let Ok(f) = unsafe { lib.get::<EntryFn>(symbol.as_bytes()) } {
        return Ok(*f);
    }
    for v in (1..=PROBE_VERSIONS).filter(|&v| v != ABI_VERSION) {
        let other = format!("{ENTRY_SYMBOL_PREFIX}{v}\0");
        // SAFETY: only checks that the symbol exists; never called.
        if unsafe { lib.get::<*const ()>(other.as_bytes()) }.is_ok() {
            return Err(HostError::AbiVersion {
                path: path.to_path_buf(),
                found: v,
                supported: ABI_VERSION,
            });
        }
    }
    Err(HostError::NotAPlugin {
        path: path.to_path_buf(),
        symbol: ENTRY_SYMBOL.to_string(),
    })
}

/// Calls the entry function and reads the declaration it points to, after
/// checking the pointer and, before anything else, the ABI version word.
/// Returns the declaration and its minor version: for minor 0 only the
/// 64 bytes of ABI 1.0 are read (the later fields come back empty); for a
/// later minor, `size` is read and must cover minor 1's fields, and only
/// the fields this host knows are read.
fn read_declaration(entry: EntryFn, path: &Path) -> Result<(PluginDeclaration, u32), HostError> {
    let bad = |reason: &str| bad_declaration(path, reason);
    // SAFETY: calling the entry function the plugin exported for this purpose.
    let decl: *const PluginDeclaration = unsafe { entry() };
    if decl.is_null() {
        return Err(bad("the entry function returned a null pointer"));
    }
    if !decl.is_aligned() {
        return Err(bad("the declaration is not aligned"));
    }
    // SAFETY: non-null and aligned; every ABI version starts with a u32.
    let word = unsafe { decl.cast::<u32>().read() };
    let (major, minor) = split_abi_version(word);
    if major != ABI_VERSION {
        return Err(HostError::AbiVersion {
            path: path.to_path_buf(),
            found: major,
            supported: ABI_VERSION,
        });
    }
    // SAFETY: every declaration of major version 1 starts with the 64
    // bytes of ABI 1.0.
    let head = unsafe { decl.cast::<PluginDeclarationV1_0>().read() };
    let mut full = PluginDeclaration {
        abi_version: head.abi_version,
        name: head.name,
        version: head.version,
        kind: head.kind,
        description: head.description,
        weigh: head.weigh,
        compute: head.compute,
        last_error: head.last_error,
        size: 0,
        normalise: None,
        aggregate: None,
    };
    if minor == 0 {
        return Ok((full, 0));
    }
    // SAFETY: a declaration of minor >= 1 has its size right after ABI
    // 1.0's fields, at an offset aligned for usize.
    let size = unsafe {
        decl.cast::<u8>()
            .add(DECLARATION_SIZE_OFFSET)
            .cast::<usize>()
            .read()
    };
    if size < DECLARATION_SIZE_V1_1 {
        return Err(bad(&format!(
            "it declares ABI version {major}.{minor} but a declaration size of {size} bytes, \
             less than the {DECLARATION_SIZE_V1_1} bytes of version 1.1"
        )));
    }
    // SAFETY: the plugin states that its declaration holds `size` >= the
    // bytes of this host's PluginDeclaration; nothing beyond is read.
    let tail = unsafe { decl.read() };
    full.size = size;
    full.normalise = tail.normalise;
    full.aggregate = tail.aggregate;
    Ok((full, minor))
}

/// The declaration's texts and functions, checked. `minor` is the ABI
/// minor version it declared: kinds after indicator need minor 1.
fn describe(d: &PluginDeclaration, minor: u32, path: &Path) -> Result<Loaded, HostError> {
    let bad = |reason: &str| bad_declaration(path, reason);
    let name = text(d.name, "name", true).map_err(|r| bad(&r))?;
    let version = text(d.version, "version", true).map_err(|r| bad(&r))?;
    let description = text(d.description, "description", false).map_err(|r| bad(&r))?;
    if name.trim().is_empty() || name.trim() != name {
        return Err(bad(&format!(
            "its name '{}' is empty or has leading or trailing spaces",
            rurban_core::clip(&name)
        )));
    }
    for (what, value) in [("name", &name), ("version", &version)] {
        if value.chars().any(char::is_control) {
            return Err(bad(&format!(
                "its {what} '{}' contains control characters",
                rurban_core::clip(value)
            )));
        }
    }
    let description = rurban_core::clip_to(&description, 4 * rurban_core::MAX_QUOTED).into_owned();
    let last_error = d
        .last_error
        .ok_or_else(|| bad("its last_error function is null"))?;
    let function = match d.kind {
        KIND_WEIGHTING => Function::Weigh(
            d.weigh
                .ok_or_else(|| bad("it is a weighting plugin but its weigh function is null"))?,
        ),
        KIND_INDICATOR => Function::Compute(
            d.compute
                .ok_or_else(|| bad("it is an indicator plugin but its compute function is null"))?,
        ),
        KIND_NORMALISER if minor >= 1 => {
            Function::Normalise(d.normalise.ok_or_else(|| {
                bad("it is a normaliser plugin but its normalise function is null")
            })?)
        }
        KIND_AGGREGATOR if minor >= 1 => {
            Function::Aggregate(d.aggregate.ok_or_else(|| {
                bad("it is an aggregator plugin but its aggregate function is null")
            })?)
        }
        KIND_NORMALISER | KIND_AGGREGATOR => {
            return Err(bad(&format!(
                "kind {} ({}) needs ABI version 1.1 or later, but the declaration says 1.0",
                d.kind,
                if d.kind == KIND_NORMALISER {
                    "normaliser"
                } else {
                    "aggregator"
                }
            )));
        }
        other if minor == 0 => {
            return Err(bad(&format!(
                "unknown kind {other} (expected {KIND_WEIGHTING} = weighting or {KIND_INDICATOR} = indicator)"
            )));
        }
        other => {
            return Err(bad(&format!(
                "unknown kind {other} (expected {KIND_WEIGHTING} = weighting, {KIND_INDICATOR} = indicator, \
                 {KIND_NORMALISER} = normaliser or {KIND_AGGREGATOR} = aggregator)"
            )));
        }
    };
    Ok(Loaded {
        name,
        version,
        description,
        function,
        last_error,
        minor,
    })
}

/// Refuses a file the dynamic loader would crash on: on ELF systems, one
/// that is not a complete ELF shared object (see `crate::elf`).
#[cfg(all(unix, not(target_vendor = "apple")))]
fn check_file(path: &Path, canonical: &Path) -> Result<(), HostError> {
    use std::io::Read;
    let refuse = |reason: String| HostError::Open {
        path: path.to_path_buf(),
        reason,
    };
    let file = std::fs::File::open(canonical).map_err(|e| refuse(e.to_string()))?;
    let mut data = Vec::new();
    file.take(crate::elf::MAX_PLUGIN_BYTES + 1)
        .read_to_end(&mut data)
        .map_err(|e| refuse(e.to_string()))?;
    if data.len() as u64 > crate::elf::MAX_PLUGIN_BYTES {
        return Err(refuse(format!(
            "the file is larger than {} bytes",
            crate::elf::MAX_PLUGIN_BYTES
        )));
    }
    crate::elf::check(&data).map_err(refuse)
}

/// Other systems: the dynamic loader's own checks.
#[cfg(not(all(unix, not(target_vendor = "apple"))))]
fn check_file(_path: &Path, _canonical: &Path) -> Result<(), HostError> {
    Ok(())
}

/// Reads a declaration string: NUL-terminated UTF-8.
fn text(ptr: *const c_char, what: &str, required: bool) -> Result<String, String> {
    if ptr.is_null() {
        return if required {
            Err(format!("its {what} is a null pointer"))
        } else {
            Ok(String::new())
        };
    }
    // SAFETY: non-null; the ABI requires a NUL-terminated static string.
    let c = unsafe { CStr::from_ptr(ptr) };
    c.to_str().map(str::to_string).map_err(|_| {
        format!(
            "its {what} is not UTF-8 ({:?})",
            rurban_core::clip(&String::from_utf8_lossy(c.to_bytes()))
        )
    })
}
